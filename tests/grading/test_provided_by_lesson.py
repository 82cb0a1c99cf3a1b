"""Issue 19, item 2: nothing provided to call. A notebook of lesson N is graded with its own
blocks and digits (checks/grading/provided.py): no function there computes one of lesson N's
exercises, found by calling each with the exercise's cases; the red team's C2 attacks
(attacks 17-21, 24, 14 and ``exec(inspect.getsource(blocks.backward))``) earn nothing; the
stand-in for a failing helper comes with the call only; the honest solutions earn full marks."""
import ast
import contextlib
import copy
import gzip
import importlib
import inspect
import json
import sys
import textwrap
import warnings

import nbformat
import numpy as np
import pytest

import blocks
import digits
from checks.authoring.build import clear_outputs
from checks.catalogue import EXERCISES, lessons
from checks.classroom.grade_class import grade, grade_submission
from checks.classroom.hidden_cases import cached_reference, hidden_cases
from checks.engine.exercise import Case, close
from checks.engine.source import BEGIN, ROOT
from checks.engine.watch import PROVIDED_EQUIVALENTS
from checks.grading import provided
from checks.grading.sandbox import Sandbox
from checks.runtime.provided_modules import PROVIDED_MODULES
from helpers import Confined, Quick, notebook, verdicts

LESSONS = list(lessons())


# ---- finding, by calling, a provided function that computes an exercise -------------------
def by_hand():
    """Cases for the exercises judged by properties (no stored expected value)."""
    rng = np.random.default_rng(19)
    P, G, M, V = (rng.normal(size=(3, 2)) for _ in range(4))
    V = np.abs(V)
    return {"init_params": [(([4, 3, 2],), {"seed": 0})],
            "sgd_step": [((P, G, 0.1), {})],
            "momentum_step": [((P, G, M, 0.1), {})],
            "adam_step": [((P, G, M, V, 3), {}), ((P, G, M, V, 1), {"lr": 0.01})]}


def cases_of(ex_id, reference):
    """[(args, kwargs, expected)] for ``ex_id``: the reference solution's answers."""
    ex = EXERCISES[ex_id]
    if ex.properties is None:
        pairs = [(c.args, c.kwargs) for c in hidden_cases(ex, reference[ex_id])[:4]]
    else:
        pairs = by_hand().get(ex_id, [])
    return [(args, kwargs, reference[ex_id](*copy.deepcopy(args), **copy.deepcopy(kwargs)))
            for args, kwargs in pairs]


def agrees(expected, got):
    try:
        return close(expected, got)
    except Exception:
        return False


def answers(fn, ex_id, cases, reference):
    """True when ``fn`` computes ``ex_id`` on every case: returning it, or writing it into a
    buffer given first (with or without a scratch buffer last), with the exercise's
    defaults spelled out."""
    def attempts(args, kwargs):
        yield lambda a, k: fn(*a, **k), None
        if args and isinstance(args[0], np.ndarray):
            try:
                bound = inspect.signature(reference[ex_id]).bind(*args, **kwargs)
                bound.apply_defaults()
                full = list(bound.arguments.values())
            except (TypeError, ValueError):
                full = list(args)
            for scratch in (False, True):
                def into(a, k, scratch=scratch, full=full):
                    out = np.zeros_like(np.asarray(a[0], dtype=float))
                    extra = [np.zeros_like(out)] if scratch else []
                    fn(out, *copy.deepcopy(full), *extra)
                    return out
                yield into, "first"
    if not cases:
        return False
    for how in range(3):
        for args, kwargs, expected in cases:
            tries = list(attempts(args, kwargs))
            if how >= len(tries):
                return False
            call, part = tries[how]
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    got = call(copy.deepcopy(args), copy.deepcopy(kwargs))
            except Exception:
                break
            want = expected[0] if part == "first" and isinstance(expected, tuple) else expected
            if not agrees(want, got):
                break
        else:
            return True
    return False


def functions_of(modules):
    return {f"{m.__name__}.{n}": f for m in modules for n, f in vars(m).items()
            if inspect.isfunction(f) and f.__module__ == m.__name__}


@contextlib.contextmanager
def offered_modules(lesson):
    """Lesson ``lesson``'s blocks and digits, imported here for a while (the real ones are
    put back after)."""
    folder = str(provided.folder(lesson))
    saved = {m: sys.modules.pop(m) for m in PROVIDED_MODULES if m in sys.modules}
    sys.path.insert(0, folder)
    try:
        yield [importlib.import_module(m) for m in PROVIDED_MODULES]
    finally:
        sys.path.remove(folder)
        for m in PROVIDED_MODULES:
            sys.modules.pop(m, None)
        sys.modules.update(saved)


def found(functions, exercise_ids, reference):
    all_cases = {ex: cases_of(ex, reference) for ex in exercise_ids}
    return {ex: sorted(name for name, fn in functions.items()
                       if answers(fn, ex, all_cases[ex], reference))
            for ex in exercise_ids}


def test_calling_finds_the_provided_versions_of_the_exercises_in_the_full_modules():
    """The detector works: in the real blocks and digits it finds blocks.<id> for every
    exercise blocks defines, digits.predict_labels for predict, digits.adam_into for
    adam_step, and nothing check()'s watch does not know (watch.PROVIDED_EQUIVALENTS stays complete)."""
    reference = cached_reference()
    ids = [ex for ex in EXERCISES if ex not in ("train", "train_digits", "train_article_model")]
    hits = found(functions_of([blocks, digits]), ids, reference)
    for ex in ids:
        known = {f"blocks.{ex}", f"digits.{ex}"} | {f"{m}.{n}" for m, n in PROVIDED_EQUIVALENTS.get(ex, [])}
        if hasattr(blocks, ex):
            assert f"blocks.{ex}" in hits[ex], (ex, hits[ex])
        assert set(hits[ex]) <= known, f"{ex} is also computed by {set(hits[ex]) - known}"
    assert "digits.predict_labels" in hits["predict"]
    assert "digits.adam_into" in hits["adam_step"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_no_lesson_is_offered_a_function_that_computes_one_of_its_exercises(lesson):
    reference = cached_reference()
    ids = [ex for ex in lessons()[lesson] if ex not in ("train", "train_digits", "train_article_model")]
    with offered_modules(lesson) as modules:
        functions = functions_of(modules)
        hits = found(functions, ids, reference)
        source = {m.__name__: inspect.getsource(m) for m in modules}
    assert hits == {ex: [] for ex in ids}, hits
    for ex in lessons()[lesson]:                 # not as code, not as source either
        for name, text in source.items():
            tree = ast.parse(text)
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == ex:
                    assert "yours(" in ast.unparse(node), (name, ex)


def test_train_digits_has_its_training_loop_but_predict_has_no_predict_labels():
    with offered_modules("08_digits") as (b, d):
        assert hasattr(d, "fit") and not hasattr(d, "predict_labels")
    with offered_modules("07_weight_updates") as (b, d):
        assert not hasattr(d, "adam_into") and not hasattr(d, "fit")
        assert "yours(" in inspect.getsource(b.adam_step)


def test_what_the_lessons_use_is_read_from_the_solutions_not_kept_by_hand():
    stored = json.loads(provided.NEEDS_FILE.read_text(encoding="utf-8"))
    assert stored == provided.solution_needs(), \
        "checks/grading/provided_names.json is stale: run `python -m checks build`"
    assert "fit" in stored["08_digits"]["digits"]


def test_a_stand_in_never_brings_an_exercise_whose_verdict_is_not_final():
    """The stand-in for a helper is given only once the helper's own verdict is final (it is
    graded earlier), and what it brings along is no exercise of the lesson still to come."""
    for ids in lessons().values():
        for position, ex_id in enumerate(ids):
            for used in EXERCISES[ex_id].uses:
                assert used in ids[:position], (ex_id, used)
                tree = ast.parse(provided.stand_in_source((used,)))
                brought = {n for node in tree.body for n in provided.defined_names(node)}
                assert not brought & set(ids[position:]), (ex_id, used, brought)


def test_the_sandbox_digits_hold_no_test_digit():
    """Attack 14: load_digits_split in the sandbox returns the same training and validation
    digits, an empty test part, and the data file holds no test digit at all."""
    real = digits.load_digits_split(seed=0)
    with offered_modules("08_digits") as (_, d):
        seen = d.load_digits_split()
        data = d.DATA
    for part in ("X_train", "y_train", "X_val", "y_val"):
        assert np.array_equal(seen[part], real[part]), part
    assert seen["X_test"].shape == (0, 64) and seen["y_test"].shape == (0,)
    with gzip.open(data, "rt", encoding="utf-8") as f:
        rows = {tuple(map(float, line.split(","))) for line in f}
    test_rows = {tuple(r) for r in np.column_stack([real["X_test"], real["y_test"]]).tolist()}
    assert len(rows) and not rows & test_rows


# ---- the attacks, as learner notebooks --------------------------------------------------------
C2_LESSON_01 = {
    "17 switches the profile function off around the call": """
        import sys
        import blocks
        def dense_forward(X, W, b):
            p = sys.getprofile()
            sys.setprofile(None)
            try:
                return blocks.dense_forward(X, W, b)
            finally:
                sys.setprofile(p)
        """,
    "18 calls blocks from a _thread thread": """
        import _thread
        import time
        import blocks
        def dense_forward(X, W, b):
            out = []
            _thread.start_new_thread(lambda: out.append(blocks.dense_forward(X, W, b)), ())
            while not out:
                time.sleep(0.001)
            return out[0]
        """,
    "19 replaces provided_versions in __main__": """
        import sys
        sys.modules["__main__"].provided_versions = lambda name: {}
        import blocks
        def dense_forward(X, W, b):
            return blocks.dense_forward(X, W, b)
        """,
    "20 patches the watch": """
        import sys
        for name, module in list(sys.modules.items()):
            if hasattr(module, "Watch"):
                module.Watch.__enter__ = lambda self: self
                module.Watch.__exit__ = lambda self, *exc: False
                module.Watch.finding = lambda self: None
        import blocks
        def dense_forward(X, W, b):
            return blocks.dense_forward(X, W, b)
        """,
    "21 leaves a decoy in sys.modules": """
        import blocks
        _original = blocks.dense_forward
        blocks.dense_forward = lambda X, W, b: 0
        def dense_forward(X, W, b):
            return _original(X, W, b)
        """,
    "hunts the reference in gc.get_objects()": """
        import gc
        import inspect
        import types
        def dense_forward(X, W, b):
            for o in gc.get_objects():
                if isinstance(o, types.FunctionType) and o.__name__ == "dense_forward" \\
                        and o.__module__ != "__main__":
                    try:
                        source = inspect.getsource(o)
                    except (OSError, TypeError):
                        continue
                    space = dict(o.__globals__)
                    exec(source, space)                  # a fresh code object: unwatched
                    return space["dense_forward"](X, W, b)
            raise LookupError("no reference found")
        """,
}


@pytest.mark.parametrize("attack", C2_LESSON_01)
def test_each_c2_attack_earns_nothing(tmp_path, attack):
    result = grade_submission(notebook(tmp_path, "mallory", C2_LESSON_01[attack]), reference=None,
                            limits=Confined)
    assert verdicts(result) == {"weighted_sum": True, "dense_forward": False}, result


def solution_with(tmp_path, lesson, replaced, student="mallory", folder=ROOT / "solutions"):
    """Lesson ``lesson``'s solution notebook with the exercise cells of ``replaced``
    ({exercise: new cell source}) replaced."""
    nb = clear_outputs(nbformat.read(folder / f"{lesson}.ipynb", as_version=4))
    for cell in nb.cells:
        for ex_id, source in replaced.items():
            if cell.cell_type == "code" and BEGIN in cell.source and f"def {ex_id}(" in cell.source:
                cell.source = textwrap.dedent(source).strip()
    path = tmp_path / student / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def passed(result):
    return {i: e["passed"] for i, e in result["exercises"].items()}


@pytest.mark.parametrize("how", ["getsource", "the file"])
def test_the_source_of_blocks_backward_is_not_there_to_copy(tmp_path, how):
    """exec(inspect.getsource(blocks.backward)) earned 5/5 on lesson 06."""
    copy_it = {"getsource": "import inspect, blocks\nexec(inspect.getsource(blocks.backward))",
               "the file": "import blocks\nexec(open(blocks.__file__).read())"}[how]
    result = grade_submission(solution_with(tmp_path, "06_backpropagation", {"backward": copy_it}),
                            limits=Quick)
    assert passed(result)["backward"] is False, result
    if how == "getsource":
        assert passed(result) == {"dense_backward": True, "activation_backward": True,
                                  "backward": False}, result
    else:                        # the file's stand-ins replaced the notebook's own two
        assert result["score"] == 0, result


def test_digits_adam_into_does_not_answer_adam_step(tmp_path):
    """Attack 24: digits.adam_into does adam_step's job; lesson 07's sandbox has no digits."""
    cell = """
        import digits
        def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
            new, m, v = np.empty_like(param), m.copy(), v.copy()
            digits.adam_into(new, param, grad, m, v, t, lr, beta1, beta2, eps, np.empty_like(param))
            return new, m, v
        """
    result = grade_submission(solution_with(tmp_path, "07_weight_updates", {"adam_step": cell}),
                            limits=Quick)
    assert passed(result)["adam_step"] is False and passed(result)["sgd_step"], result


def test_check_in_a_notebook_also_watches_adam_into():
    """check() in a learner's own kernel: the full digits is importable there; its watch names
    digits.adam_into (a second line, see README)."""
    from checks.notebook import run_check

    def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        new, m, v = np.empty_like(param), m.copy(), v.copy()
        digits.adam_into(new, param, grad, m, v, t, lr, beta1, beta2, eps, np.empty_like(param))
        return new, m, v
    verdict = run_check("adam_step", adam_step)
    assert not verdict.passed and "digits.adam_into" in verdict.message, verdict.message


def test_in_the_sandbox_no_function_object_is_a_lessons_exercise(namespaces):
    """gc.get_objects() in lesson 06's child: every function named for one of its exercises
    is the learner's own or a stand-in calling the learner's, never the course's."""
    cell = """
import gc, types
import blocks, digits
def f():
    bad = []
    for o in gc.get_objects():
        if isinstance(o, types.FunctionType) and o.__name__ in NAMES \\
                and o.__module__ != "__main__" and "yours" not in o.__code__.co_names:
            bad.append(f"{o.__module__}.{o.__name__}")
    return bad
""".replace("NAMES", repr(set(lessons()["06_backpropagation"])))
    with Sandbox([cell], Confined, lesson="06_backpropagation") as s:
        out = s.call("f", Case(args=()), ())
    assert out.error is None and out.value == [], out


def test_in_the_sandbox_the_test_digits_are_not_there(namespaces):
    cell = """
import gzip
import digits
def f():
    d = digits.load_digits_split(seed=0)
    with gzip.open(digits.DATA, "rt") as fh:
        rows = sum(1 for _ in fh)
    return [list(d["X_test"].shape), len(d["y_train"]), rows]
"""
    with Sandbox([cell], Confined, lesson="08_digits") as s:
        out = s.call("f", Case(args=()), ())
    real = digits.load_digits_split(seed=0)
    assert out.value == [[0, 64], len(real["y_train"]), len(real["y_train"]) + len(real["y_val"])], out


# ---- one mistake costs once: the stand-in comes with the call --------------------------------
def test_a_captured_stand_in_cannot_answer_its_own_exercise(tmp_path):
    """sigmoid fails; while sigmoid_derivative is checked the course's sigmoid stands in, and
    the notebook keeps it: sigmoid's verdict was final before, so it still earns nothing."""
    cells = {"sigmoid": """
        KEPT = []
        def sigmoid(z):
            if KEPT:
                return KEPT[0](z)
            return np.asarray(z, dtype=float) * 0.0
        """, "sigmoid_derivative": """
        def sigmoid_derivative(z):
            KEPT.append(sigmoid)
            s = sigmoid(z)
            return s * (1 - s)
        """}
    result = grade_submission(solution_with(tmp_path, "02_activations", cells), limits=Quick)
    got = passed(result)
    assert got["sigmoid"] is False and got["sigmoid_derivative"] is True, result
    assert "stood in" in result["exercises"]["sigmoid_derivative"]["feedback"]


def test_the_stand_in_is_not_importable_in_the_sandbox(namespaces):
    """In lesson 02's child, blocks.sigmoid is the learner's own (here: none)."""
    cell = """
import blocks
import numpy as np
def f():
    try:
        return float(blocks.sigmoid(np.array([0.0]))[0])
    except Exception as e:
        return type(e).__name__
"""
    with Sandbox([cell], Confined, lesson="02_activations") as s:
        out = s.call("f", Case(args=()), ())
    assert out.value == "NotOffered", out


# ---- honest work: full marks, every cell runs -----------------------------------------------
def test_the_solutions_of_every_lesson_earn_full_marks_and_every_cell_runs(tmp_path):
    """English and zh-TW: lesson 02's plots of blocks.sigmoid run on the notebook's own."""
    for lesson in LESSONS:
        solution_with(tmp_path / "class", lesson, {}, student="ada")
        solution_with(tmp_path / "class", lesson, {}, student="bo",
                      folder=ROOT / "solutions" / "zh-TW")
    results = grade([tmp_path / "class"], limits=Quick, echo=lambda *a: None, jobs=2)
    assert len(results) == 2 * len(LESSONS)
    for r in results:
        assert r["score"] == r["max_score"] > 0 and r["error"] is None, r
