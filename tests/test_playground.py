"""The workshop playground without a browser: data sets, the training step built from the
course's functions, the fallback to blocks, the pictures, the 2-3-1 walk and the static view."""
import re
import string
import struct
import zlib

import numpy as np
import pytest

import blocks
import playground as pg
from checks.engine.verdicts import PASSED, Verdict

# ---- data sets -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", pg.DATASETS)
def test_every_data_set_has_the_asked_shapes_labels_and_split(name):
    d = pg.make_data(name, n=400, train_fraction=0.7, seed=3)
    m = 400 if name != "digits" else 357                 # the digits 3 and 8 are all there is
    assert len(d.X_train) + len(d.X_test) == m
    assert len(d.X_train) == round(0.7 * m)
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        assert X.shape == (len(X), 2) and X.dtype == np.float64
        assert y.shape == (len(X), 1) and set(np.unique(y)) <= {0.0, 1.0}
    y = np.vstack([d.y_train, d.y_test])
    assert 0.35 < y.mean() < 0.65, "both classes, in about equal numbers"
    assert np.abs(np.vstack([d.X_train, d.X_test])).max() <= pg.EXTENT + 0.25


@pytest.mark.parametrize("name", pg.DATASETS)
def test_a_seed_gives_the_same_data_and_another_seed_other_data(name):
    a, b, c = (pg.make_data(name, noise=0.1, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_the_labels_follow_the_shape_of_each_data_set_without_noise():
    d = pg.make_data("circle", seed=1)
    X, y = np.vstack([d.X_train, d.X_test]), np.vstack([d.y_train, d.y_test])
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all(r[y[:, 0] == 1] <= 0.5) and np.all(r[y[:, 0] == 0] >= 0.7)
    d = pg.make_data("xor", seed=1)
    assert np.array_equal(d.y_train[:, 0] == 1, d.X_train[:, 0] * d.X_train[:, 1] > 0)


def test_noise_moves_the_points_and_keeps_the_labels():
    clean, noisy = pg.make_data("xor", noise=0.0, seed=2), pg.make_data("xor", noise=0.3, seed=2)
    assert np.array_equal(clean.y_train, noisy.y_train)
    moved = np.abs(clean.X_train - noisy.X_train)
    assert 0.1 < moved.mean() < 0.5


def test_a_bad_data_set_or_fraction_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="unknown data set 'moons'"):
        pg.make_data("moons")
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        pg.make_data("xor", train_fraction=1.0)


# ---- training ---------------------------------------------------------------------------------

def full_batch(data, hidden, activation="tanh", lr=0.5, optimiser="sgd", **kw):
    return pg.Trainer(data, hidden, activation, lr, optimiser, batch_size=len(data.X_train), **kw)


def test_one_full_batch_step_lowers_the_xor_loss_with_a_hidden_layer():
    t = full_batch(pg.make_data("xor", seed=0), [4])
    before = t.history["train"][-1][1]
    t.step()
    assert t.history["train"][-1][1] < before


def test_xor_needs_a_hidden_layer():
    data = pg.make_data("xor", seed=0)
    deep, flat = full_batch(data, [4], lr=1.0), full_batch(data, [], lr=1.0)
    deep.step(600)
    flat.step(600)
    assert deep.history["train"][-1][1] < 0.2
    assert flat.history["train"][-1][1] > 0.6, "one sigmoid neuron draws a straight line"


@pytest.mark.parametrize("optimiser, lr", [("sgd", 0.3), ("momentum", 0.3), ("adam", 0.03)])
def test_every_optimiser_trains(optimiser, lr):
    t = pg.Trainer(pg.make_data("circle", seed=0), [4, 4], "relu", lr, optimiser, batch_size=10)
    first = t.history["train"][-1][1]
    t.step(500)
    assert t.history["train"][-1][1] < 0.5 * first


def test_the_instructor_guides_learning_rate_and_sigmoid_stories_hold():
    xor = pg.make_data("xor", seed=0)
    calm, wild = pg.Trainer(xor, [4], "tanh", 3.0, "sgd", 10), pg.Trainer(xor, [4], "tanh", 10.0, "sgd", 10)
    calm.step(300)
    wild.step(300)
    assert calm.history["train"][-1][1] < 0.2 and wild.history["train"][-1][1] > 5
    circle = pg.make_data("circle", seed=0)
    tanh, sigmoid = (pg.Trainer(circle, [8] * 4, a, 0.1, "sgd", 10) for a in ("tanh", "sigmoid"))
    tanh.step(1500)
    sigmoid.step(1500)
    assert tanh.history["train"][-1][1] < 0.05 and sigmoid.history["train"][-1][1] > 0.6


def test_a_step_is_the_course_step_written_out():
    data = pg.make_data("gaussians", seed=4)
    t = pg.Trainer(data, [3], "sigmoid", 0.1, "sgd", batch_size=len(data.X_train), seed=7)
    params = blocks.init_params([2, 3, 1], seed=7)
    acts = ["sigmoid", "sigmoid"]
    A, cache = blocks.forward(data.X_train, params, acts)
    grads = blocks.backward(blocks.binary_cross_entropy_grad(A, data.y_train), cache, params, acts)
    expected = [(W - 0.1 * dW, b - 0.1 * db) for (W, b), (dW, db) in zip(params, grads)]
    t.step()
    for (W, b), (W_e, b_e) in zip(t.params, expected):
        np.testing.assert_allclose(W, W_e, rtol=1e-12)
        np.testing.assert_allclose(b, b_e, rtol=1e-12)


def test_mini_batches_cover_an_epoch_and_the_last_one_is_smaller():
    t = pg.Trainer(pg.make_data("xor", n=50, train_fraction=0.5, seed=0), [2], batch_size=10)
    seen = [t.next_batch() for _ in range(3)]
    assert [len(i) for i in seen] == [10, 10, 5]
    assert sorted(np.concatenate(seen)) == list(range(25))


def test_too_high_a_learning_rate_is_reported_not_raised():
    t = pg.Trainer(pg.make_data("spiral", seed=0), [8, 8], "relu", 1e6, "sgd", batch_size=10)
    t.step(50)
    losses = [v for _, v in t.history["train"]]
    assert t.diverged() or losses[-1] > losses[0], "a learning rate of a million does not train"


def test_a_bad_network_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="up to 4 layers of 1 to 8 units"):
        pg.Trainer(pg.make_data("xor"), [9])
    with pytest.raises(ValueError, match="unknown activation 'elu'"):
        pg.Trainer(pg.make_data("xor"), [2], "elu")


# ---- whose functions -------------------------------------------------------------------------

def learner_functions():
    """A notebook's namespace as a learner leaves it: some right, some unfinished, one wrong."""
    source = '''
import numpy as np
from blocks import forward                    # imported, as lesson 07 does

def sgd_step(param, grad, lr):
    return param - lr * grad

def momentum_step(param, grad, velocity, lr, beta=0.9):
    # YOUR CODE HERE
    raise NotImplementedError()

def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad          # no bias correction: a catalogued mistake
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - lr * m / (np.sqrt(v) + eps), m, v
'''
    namespace = {"__name__": "__main__"}
    exec(compile(source, "<learner>", "exec"), namespace)  # noqa: S102 -- a learner's cell
    return namespace


def test_a_passing_function_is_used_and_the_others_fall_back_to_blocks_naming_why():
    choice = pg.choose(learner_functions())
    assert choice.origin["sgd_step"] == "yours"
    assert choice.functions["sgd_step"] is not blocks.sgd_step
    notes = dict(zip(pg.FUNCTIONS, choice.notes))
    assert notes["sgd_step"] == "sgd_step: yours (it passes its check)."
    for name in ("momentum_step", "adam_step", "forward", "backward", "init_params"):
        assert choice.origin[name] == "course" and choice.functions[name] is getattr(blocks, name)
    assert "blocks.momentum_step (yours is not finished yet)" in notes["momentum_step"]
    assert notes["adam_step"].startswith("adam_step: the course's blocks.adam_step (yours does not "
                                         "pass its check: ")
    assert "imports it from blocks" in notes["forward"]
    assert "has no backward of its own" in notes["backward"]


def test_choosing_the_course_uses_blocks_everywhere_without_checking():
    def never(name, fn):
        raise AssertionError("nothing is checked when the course's functions are chosen")
    choice = pg.choose(learner_functions(), mine=False, checker=never)
    assert all(choice.functions[n] is getattr(blocks, n) for n in pg.FUNCTIONS)
    assert all("you chose the course's functions" in n for n in choice.notes)


def test_a_check_that_breaks_is_reported_and_the_course_used():
    def broken(name, fn):
        raise RuntimeError("the practice cases are missing")
    choice = pg.choose(learner_functions(), checker=broken)
    assert choice.origin["sgd_step"] == "course"
    assert "its check could not run: RuntimeError: the practice cases are missing" in choice.notes[5]


def test_the_learners_functions_really_run_and_train_as_the_course_does():
    calls = []

    def sgd_step(param, grad, lr):
        calls.append(1)
        return param - lr * grad
    choice = pg.choose({"sgd_step": sgd_step})
    assert choice.origin["sgd_step"] == "yours"
    calls.clear()                                      # its check called it too
    data = pg.make_data("circle", seed=0)
    mine = pg.Trainer(data, [4], "relu", 0.1, "sgd", 10, choice=choice)
    course = pg.Trainer(data, [4], "relu", 0.1, "sgd", 10)
    mine.step(20)
    course.step(20)
    assert len(calls) == 20 * 4                        # W and b of two layers, every step
    for (W, _b), (W_c, _b_c) in zip(mine.params, course.params):
        np.testing.assert_allclose(W, W_c, rtol=1e-12)


def passes(name, fn):
    return Verdict(name, PASSED, [f"{name}: passed"])


@pytest.mark.parametrize("broken", [
    "def backward(dA_out, cache, params, activations):\n    raise ValueError('shapes do not match')\n",
    "def backward(dA_out, cache, params, activations):\n    return [(1.0, 2.0)]\n",
])
def test_a_function_that_fails_during_training_is_replaced_and_named(broken):
    namespace = {}
    exec(broken, namespace)  # noqa: S102 -- a learner's cell
    choice = pg.choose(namespace, checker=passes)    # suppose it slipped past its check
    assert choice.origin["backward"] == "yours"
    data = pg.make_data("xor", seed=0)
    t = pg.Trainer(data, [4], "tanh", 0.3, "sgd", 10, choice=choice)
    reference = pg.Trainer(data, [4], "tanh", 0.3, "sgd", 10)
    t.step(30)
    reference.step(30)
    assert t.choice.origin["backward"] == "course"
    assert len(t.notes) == 1 and t.notes[0].startswith("backward: yours stopped at step 0 (")
    assert t.notes[0].endswith("the course's blocks.backward is used from now on.")
    assert t.history["train"][-1] == pytest.approx(reference.history["train"][-1])


# ---- pictures ----------------------------------------------------------------------------------

def read_png(data):
    """(width, height, pixels) of a PNG written by pg.png (one IDAT, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
        chunks[kind] = body
        pos += 12 + length
    w, h = struct.unpack(">II", chunks[b"IHDR"][:8])
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(h, 1 + 3 * w)
    assert not raw[:, 0].any()
    return w, h, raw[:, 1:].reshape(h, w, 3)


def test_png_round_trips_the_pixels():
    img = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    w, h, pixels = read_png(pg.png(img))
    assert (w, h) == (5, 7) and np.array_equal(pixels, img)


def test_the_boundary_picture_is_blue_where_the_network_says_class_1():
    t = full_batch(pg.make_data("gaussians", seed=0), [2], lr=1.0)
    t.step(300)
    img = pg.boundary_picture(t, size=100)
    top_right, bottom_left = img[5, 95].astype(int), img[95, 5].astype(int)   # (+, +) and (-, -)
    assert top_right[2] > top_right[0], "class 1 (blue) sits at (0.45, 0.45)"
    assert bottom_left[0] > bottom_left[2], "class 0 (orange) at (-0.45, -0.45)"


def test_there_is_one_picture_per_hidden_neuron():
    t = pg.Trainer(pg.make_data("spiral"), [3, 5, 2], "relu")
    assert [len(layer) for layer in pg.neuron_pictures(t)] == [3, 5, 2]
    assert pg.neuron_pictures(pg.Trainer(pg.make_data("spiral"), [])) == []


def test_the_loss_curve_has_both_losses_and_skips_non_numbers():
    t = pg.Trainer(pg.make_data("xor"), [2])
    t.step(5)
    t.history["train"].append((6, float("nan")))
    svg = pg.loss_svg(t)
    assert svg.count("<polyline") == 2 and "nan" not in svg


# ---- the 2-3-1 network of lesson 03 -----------------------------------------------------------

def test_the_walk_reproduces_lesson_03_and_its_gradients_are_checked():
    w = pg.walk()
    np.testing.assert_allclose(w.Z1, [[1.1, -0.3, 0.2]])
    np.testing.assert_allclose(w.A2, [[1.25]])
    assert w.loss == pytest.approx(0.0625)
    np.testing.assert_allclose(w.grads[1][0], [[0.55], [0.0], [0.1]])    # 2 (a - y) A1^T
    assert w.error < 1e-8
    assert "they agree" in pg.walk_summary(w)


def test_a_wrong_backward_is_caught_by_the_numerical_check():
    def backward(dA_out, cache, params, activations):         # forgets the activation's slope
        grads, dA = [], dA_out
        for (A_prev, _), (W, _) in reversed(list(zip(cache, params))):
            grads.append((A_prev.T @ dA, dA.sum(axis=0, keepdims=True)))
            dA = dA @ W.T
        return grads[::-1]
    choice = pg.choose({"backward": backward}, checker=passes)
    w = pg.walk(activations=("tanh", "sigmoid"), choice=choice)
    assert w.error > 0.1 and "they do NOT agree" in pg.walk_summary(w)


def test_a_relu_input_at_its_kink_is_not_gradient_checked():
    w = pg.walk({"b1": [[0.1, 0.3, -0.2]]})                 # the second unit's z is exactly 0
    assert w.kink and w.error is None
    assert "checked" not in pg.walk_summary(w)


def test_the_walk_picture_names_every_weight_and_gradient():
    w = pg.walk()
    svg = pg.walk_svg(w)
    assert svg.count("w=") == 9 and svg.count('class="pg-grad"') == 9 + 4
    assert "a=1.250" in svg and "+0.550" in svg
    assert 'class="pg-grad"' not in pg.walk_svg(w, gradients=False)


# ---- the static fallback and the widget without a front end ----------------------------------

def test_outside_a_notebook_the_playground_says_so_and_still_trains(capsys):
    t = pg.show(learner_functions())
    out = capsys.readouterr().out
    assert out.splitlines()[0] == pg.pmsg("playground", "The playground needs a notebook (JupyterLab "
                                                        "with ipywidgets); here it can only describe "
                                                        "itself.")
    assert "training loss" in out and "Traceback" not in out
    t.step(10)
    assert t.steps == 10


def test_the_static_picture_is_html_with_the_sentence_and_inline_images():
    t = pg.Trainer(pg.make_data("circle"), [4, 2])
    html = pg.static_html(t, pg.static_sentence())
    from html import escape
    assert escape(pg.static_sentence()) in html
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 1 + 4 + 2
    import base64
    assert read_png(base64.b64decode(images[-1]))[:2] == (260, 260)


def test_the_widget_steps_redraws_and_rebuilds_without_a_front_end():
    pytest.importorskip("ipywidgets")
    p = pg.Playground(learner_functions(), dataset="xor", hidden=(4,))
    shown = [c for c in (p.dataset, p.activation, p.lr, p.units[0]) if c.layout.display != "none"]
    assert shown == [p.dataset, p.activation, p.lr, p.units[0]], "hiding unused units hid others"
    assert [u.layout.display for u in p.units[1:]] == ["none"] * 3
    bundle = p._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == pg.static_sentence() and "data:image/png" in bundle["text/html"]
    loss, picture = p.loss_text.value, p.picture.value
    neurons = [i.value for i in p.neuron_images[0]]
    images = p.neuron_images
    p.step_button.click()
    assert p.trainer.steps == 1 and p.loss_text.value != loss and p.picture.value != picture
    assert p.neuron_images is images, "a redraw replaces pictures, not widgets"
    assert [i.value for i in p.neuron_images[0]] != neurons
    assert "sgd_step: yours" in p.origin_text.value and "momentum_step: the course" in p.origin_text.value
    p.activation.value = "relu"                               # a new network: back to step 0
    assert p.trainer.activation == "relu" and p.trainer.steps == 0
    p.lr.value = 0.3                                          # the learning rate changes live
    p.step_button.click()
    assert p.trainer.lr == 0.3 and p.trainer.steps == 1
    p.layers.value = 2
    assert [len(layer) for layer in p.neuron_images] == [4, 4] and images[0][0].comm is None   # closed
    p.layers.value = 0
    assert p.trainer.hidden == [] and all(u.layout.display == "none" for u in p.units)
    p.whose.value = False
    assert set(p.trainer.choice.origin.values()) == {"course"}
    assert p.warning.value == ""
    W, b = p.trainer.params[0]
    p.trainer.params[0] = (W * np.nan, b)                    # what too high a learning rate leaves
    p.trainer.record()
    p.draw()
    assert "the learning rate is too high" in p.warning.value


def test_play_trains_in_the_background_until_paused():
    import asyncio
    pytest.importorskip("ipywidgets")
    p = pg.Playground(dataset="xor", hidden=(4,), mine=False)

    async def press_play_then_pause():
        p.play.value = True                        # the kernel's event loop runs the task
        await asyncio.sleep(0.3)                   # ... and stays free to hear Pause
        assert p.play.description == "Pause"
        p.play.value = False
        await p.task
    asyncio.run(press_play_then_pause())
    assert p.trainer.steps > 0 and f"step {p.trainer.steps} (" in p.loss_text.value
    assert p.play.description == "Play" and p.warning.value == ""


def test_the_step_by_step_widget_redraws_when_a_slider_moves():
    pytest.importorskip("ipywidgets")
    s = pg.StepByStep()
    before = s.picture.value
    assert 'class="pg-grad"' not in before
    s.backward.value = True
    assert 'class="pg-grad"' in s.picture.value and "they agree" in s.text.value
    s.sliders["x", (0, 0)].value = -1.0
    assert s.picture.value != before and "x1=-1.00" in s.picture.value


# ---- both editions -------------------------------------------------------------------------------

def fields(text):
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)


def playground_catalogue():
    """{English: zh-TW} of checks.po's msgctxt "playground" entries (translated, not fuzzy)."""
    from checks.authoring.catalogue import load
    return {m.id: m.string for m in load() if m.context == "playground" and m.string
            and not m.fuzzy}


def test_every_text_has_a_zh_tw_translation_with_the_same_placeholders():
    from checks.authoring.catalogue import extracted
    entries = [m.id for m in extracted() if m.id and m.context == "playground"]
    assert len(entries) > 40
    assert all(any(path == "playground.py" for path, _ in m.locations)
               for m in extracted() if m.id and m.context == "playground")
    zh = playground_catalogue()
    missing = [text for text in entries if text not in zh]
    assert not missing, f"add these to checks.po (python -m checks translate): {missing}"
    assert [t for t in entries if fields(t) != fields(zh[t])] == []


def test_the_widget_speaks_the_learners_language():
    from checks.engine.language import use_language
    from checks.engine.messages import pmsg, render
    use_language("zh-TW")
    try:
        assert pg.pmsg("playground", "Step") == render(pmsg("playground", "Step")) != "Step"
        assert pg.pmsg("playground", "Step") == playground_catalogue()["Step"]
        note = pg.choose({}, mine=False).notes[0]
        english = "{name}: the course's blocks.{name} (you chose the course's functions)."
        assert note == render(pmsg("playground", english, name="init_params"), "zh-TW")
        assert "init_params" in note and "course's" not in note
    finally:
        use_language("en")
    assert pg.pmsg("playground", "Step") == "Step"


def test_the_widgets_buttons_speak_the_learners_language():
    pytest.importorskip("ipywidgets")
    from checks.engine.language import use_language
    use_language("zh-TW")
    try:
        assert "Step" not in pg.Playground().step_button.description
    finally:
        use_language("en")


# ---- your functions from your saved lesson notebooks ---------------------------------------------

def test_from_lessons_takes_each_function_from_the_notebook_that_defines_it(tmp_path):
    import shutil

    from checks.engine.source import ROOT
    for lesson in pg.LESSONS:
        shutil.copy(ROOT / "solutions" / f"{lesson}.ipynb", tmp_path)
    mine = pg.from_lessons(tmp_path)
    assert mine["_notes"] == []
    assert mine["forward"].__module__ == "lesson_03" and mine["backward"].__module__ == "lesson_06"
    assert mine["adam_step"].__module__ == "lesson_07"
    choice = pg.choose(mine)
    assert choice.origin == {name: "yours" for name in pg.FUNCTIONS}, choice.notes


def test_from_lessons_runs_only_imports_and_definitions_and_skips_what_it_cannot_read(tmp_path, capsys):
    import nbformat
    cells = [nbformat.v4.new_code_cell("import numpy as np\nprint('a side effect')\nraise SystemExit"),
             nbformat.v4.new_code_cell("%matplotlib inline\ndef sgd_step(param, grad, lr):\n"
                                       "    # YOUR CODE HERE\n    raise NotImplementedError()"),
             nbformat.v4.new_code_cell("def broken(:\n")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "07_weight_updates.ipynb")
    (tmp_path / "06_backpropagation.ipynb").write_text("{not json", encoding="utf-8")
    mine = pg.from_lessons(tmp_path)
    assert capsys.readouterr().out == ""
    assert set(mine) == {"sgd_step", "_notes"}
    notes = " ".join(mine["_notes"])
    assert "03_forward_pass.ipynb is not in this folder" in notes
    assert "06_backpropagation.ipynb could not be read (JSONDecodeError" in notes
    choice = pg.choose(mine)
    assert choice.origin["sgd_step"] == "course" and "not finished" in choice.notes[5]
    assert choice.reading == mine["_notes"]


def test_own_pieces_takes_lesson_08s_pieces_from_lessons_01_to_07_and_the_course_for_the_rest(tmp_path):
    import shutil

    from checks.engine.source import ROOT
    names = ["dense_forward", "relu", "adam_step", "softmax_cross_entropy_grad"]
    for lesson in ("01_weighted_sum", "02_activations"):
        shutil.copy(ROOT / "solutions" / f"{lesson}.ipynb", tmp_path)
    shutil.copy(ROOT / "notebooks" / "07_weight_updates.ipynb", tmp_path)     # stubs only
    choice = pg.own_pieces(names, tmp_path)
    assert list(choice.functions) == names
    assert choice.origin == {"dense_forward": "yours", "relu": "yours", "adam_step": "course",
                             "softmax_cross_entropy_grad": "course"}, choice.notes
    assert choice.functions["dense_forward"].__module__ == "lesson_01"
    assert "not finished" in choice.notes[2] and "05_chain_rule.ipynb" in " ".join(choice.reading)


def test_the_grader_reads_lesson_08s_own_pieces_cell_as_empty_and_the_course_pieces_stand_in():
    """The cell that loads the learner's pieces needs the playground, which the sandbox does not
    offer: the grader leaves it out, exactly as shipped, in both editions; lesson 08's first cell
    imports the course's versions of the same names."""
    import nbformat

    from checks.engine.source import ROOT, WORKSHOP_CELLS
    from checks.grading.grade import read_cells
    for lesson in (ROOT / "notebooks" / "08_digits.ipynb", ROOT / "notebooks" / "zh-TW" / "08_digits.ipynb"):
        code = [c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
        loader = next(i for i, s in enumerate(code) if "own_pieces" in s)
        assert code[loader].strip() in WORKSHOP_CELLS
        assert read_cells(lesson)[loader] == ""
        for name in ("dense_forward", "relu", "relu_derivative", "dense_backward", "adam_step"):
            assert name in code[0].split("from blocks import", 1)[1].split("from digits")[0]


# ---- never graded ----------------------------------------------------------------------------------

def test_the_grader_reads_lesson_07s_playground_cell_as_empty_and_skips_the_workshop_notebook(tmp_path):
    import shutil

    import nbformat

    from checks.engine.source import ROOT
    from checks.grading.grade import read_cells
    from checks.grading.submissions import find_submissions
    lesson = ROOT / "notebooks" / "07_weight_updates.ipynb"
    cells = read_cells(lesson)
    assert cells[-1] == "" and len(cells) == len([c for c in nbformat.read(lesson, as_version=4).cells
                                                  if c.cell_type == "code"])
    nb = nbformat.read(lesson, as_version=4)
    nb.cells[-1].source += "\nprint('mine now')"            # the learner changed it: it runs
    nbformat.write(nb, tmp_path / "07_weight_updates.ipynb")
    assert read_cells(tmp_path / "07_weight_updates.ipynb")[-1].endswith("print('mine now')")
    shutil.copy(ROOT / "notebooks" / "playground.ipynb", tmp_path)
    assert [p.name for _, p in find_submissions([tmp_path])] == ["07_weight_updates.ipynb"]


def test_lesson_07s_slides_show_the_playgrounds_picture_not_an_empty_widget():
    from checks.authoring.slides import deck
    from checks.engine.source import ROOT
    nb = deck(ROOT / "solutions" / "07_weight_updates.ipynb")
    heading = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## The playground"))
    shown = [o.data for o in nb.cells[heading + 1].outputs]
    assert shown and all("application/vnd.jupyter.widget-view+json" not in d for d in shown)
    assert "data:image/png;base64," in shown[0]["text/html"]
