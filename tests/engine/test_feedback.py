"""What a failure report says and how it is chosen: no mistake claimed where it cannot be
told from the right answer, in-place first, simple cases first, nested results trimmed,
the tolerance shown, a one-line reason, the unfinished function named, and one mistake
costing once (the course's version stands in for a failing helper), in the notebook and
in the grader."""
import nbformat
import numpy as np
import pytest

from checks import run_check
from checks.authoring.build import clear_outputs
from checks.classroom.grade_class import grade_submission
from checks.engine.exercise import Case, like
from checks.engine.source import BEGIN, END, ROOT
from checks.engine.verdicts import one_line
from checks.engine.verify import readability
from helpers import Quick


def defined(source):
    """The functions ``source`` defines, in a namespace of their own (like a notebook's)."""
    namespace = {"np": np}
    exec(source, namespace)
    return namespace


# ---- which mistake, which case ------------------------------------------------------

def test_a_mistake_is_not_claimed_where_its_output_equals_the_expected_one():
    derivative = like(lambda z: (z > 0).astype(float), "that is ReLU's derivative", "derivative")
    same = Case((np.array([-0.1178]),), expected=np.array([0.0]))
    differs = Case((np.array([-0.5, 2.0]),), expected=np.array([0.0, 2.0]))
    assert not derivative.matches(same, np.array([0.0]))
    assert derivative.matches(differs, np.array([0.0, 1.0]))


@pytest.mark.parametrize("exercise_id, source, wrong_hint", [
    ("relu", "def f(z):\n    z[z < 0] = 0\n    return z", "derivative"),
    ("softmax", "def f(Z):\n    Z -= Z.max(axis=1, keepdims=True)\n    E = np.exp(Z)\n"
                "    return E / E.sum(axis=1, keepdims=True)", "keepdims"),
])
def test_changed_in_place_wins_and_gets_no_wrong_hint(exercise_id, source, wrong_hint):
    verdict = run_check(exercise_id, defined(source)["f"])
    assert verdict.status == "failed"
    assert "in place" in verdict.message
    assert verdict.mistake is None and wrong_hint not in verdict.message, verdict.message
    assert "in place" in verdict.reason


def test_fixed_moderate_small_cases_come_first():
    visible_large = Case((np.full((2, 2), 650.0),))
    visible_small = Case((np.ones((2, 2)),))
    random_small = Case((np.ones(1),))
    hidden = Case((np.ones(1),), hidden=True)
    order = sorted([(hidden, True), (random_small, True), (visible_large, False),
                    (visible_small, False)], key=lambda c: readability(*c))
    assert [c for c, _ in order] == [visible_small, visible_large, random_small, hidden]


def test_a_nested_result_is_trimmed_to_the_entry_that_differs():
    def forward(X, params, activations):          # caches the layer's output, not its input
        A, cache = X, []
        for (W, b), name in zip(params, activations):
            Z = A @ W + b
            A = np.maximum(Z, 0) if name == "relu" else np.tanh(Z) if name == "tanh" else \
                1 / (1 + np.exp(-Z)) if name == "sigmoid" else Z
            cache.append((A, Z))
        return A, cache
    message = run_check("forward", forward).message
    assert "expected `cache`[0][0] = [[1. 2.]]" in message
    assert "got `cache`[0][0]" in message
    assert "too large to show" not in message


def test_a_number_has_no_index_and_the_tolerance_is_shown():
    message = run_check("weighted_sum", lambda x, w, b: float(np.dot(x, w))).message
    assert "index ()" not in message
    assert "Expected " in message and ", got " in message
    assert "rtol=1e-06, atol=1e-09" in message


def test_a_verdict_carries_a_one_line_reason():
    verdict = run_check("dense_forward", lambda X, W, b: X @ W)
    assert verdict.reason == "the bias is missing: Z = X @ W + b."
    assert run_check("dense_forward", lambda X, W, b: X @ W + b).reason == ""
    assert one_line("First. Second.") == "First."
    assert len(one_line("word " * 100)) <= 300
    long = one_line("did not finish within 60 s " * 20)
    assert long.endswith("…") and long[:-1].split()[-1] in "did not finish within 60 s".split()


# ---- unfinished helpers and one mistake costing once ------------------------------------

def test_not_attempted_names_the_unfinished_function_it_calls():
    ns = defined("def helper(X, W):\n    raise NotImplementedError()\n\n"
                 "def dense_forward(X, W, b):\n    return helper(X, W) + b")
    verdict = run_check("dense_forward", ns["dense_forward"])
    assert verdict.status == "not attempted"
    assert "`helper`" in verdict.message and "calls helper" in verdict.reason


WRONG_TANH = "def tanh(z):\n    return 1 / (1 + np.exp(-z))\n\n"
TANH_DERIVATIVE = "def tanh_derivative(z):\n    return 1 - tanh(z) ** 2\n"


def test_a_failing_helper_is_replaced_by_the_courses_version_in_the_notebook():
    ns = defined(WRONG_TANH + TANH_DERIVATIVE)
    assert not run_check("tanh", ns["tanh"]).passed
    verdict = run_check("tanh_derivative", ns["tanh_derivative"])
    assert verdict.passed, verdict.message
    assert "blocks.tanh stood in" in verdict.message and "costs once" in verdict.message
    assert ns["tanh"](np.array([0.0]))[0] == 0.5        # the learner's own tanh is back


def test_no_stand_in_note_beside_not_attempted():
    """Nothing was checked, so nothing stood in (the walkthrough's "unclear" point)."""
    ns = defined(WRONG_TANH + "def tanh_derivative(z):\n    raise NotImplementedError()\n")
    assert not run_check("tanh", ns["tanh"]).passed
    verdict = run_check("tanh_derivative", ns["tanh_derivative"])
    assert verdict.status == "not attempted" and "stood in" not in verdict.message


def test_a_passing_helper_is_the_learners_own():
    ns = defined("def tanh(z):\n    return np.tanh(z)\n\n" + TANH_DERIVATIVE)
    verdict = run_check("tanh_derivative", ns["tanh_derivative"])
    assert verdict.passed and "stood in" not in verdict.message


def test_a_stub_helper_is_replaced_too():
    ns = defined("import blocks\n"
                 "def dense_backward(dZ, A_prev, W):\n    raise NotImplementedError()\n\n"
                 "def activation_backward(dA, Z, activation):\n"      # its own (a call through
                 "    return dA * blocks.DERIVATIVES[activation](Z)\n\n"  # blocks' would earn nothing)
                 "def backward(dA_out, cache, params, activations):\n"
                 "    grads, dA = [], dA_out\n"
                 "    for l in reversed(range(len(params))):\n"
                 "        A_prev, Z = cache[l]\n"
                 "        dZ = activation_backward(dA, Z, activations[l])\n"
                 "        dA, dW, db = dense_backward(dZ, A_prev, params[l][0])\n"
                 "        grads.insert(0, (dW, db))\n"
                 "    return grads\n")
    verdict = run_check("backward", ns["backward"])
    assert verdict.passed, verdict.message
    assert "`dense_backward`" in verdict.message and "`activation_backward`" not in verdict.message


class Roomier(Quick):
    """Lesson 02's cells draw figures: more time than Quick."""
    cell_seconds = 5.0
    call_seconds = 2.0


def lesson_02(tmp_path, bodies):
    """Lesson 02's solution with some exercises' bodies replaced."""
    nb = clear_outputs(nbformat.read(ROOT / "solutions" / "02_activations.ipynb", as_version=4))
    for cell in nb.cells:
        if cell.cell_type != "code" or BEGIN not in cell.source:
            continue
        name = cell.source.split("def ", 1)[1].split("(", 1)[0]
        if name in bodies:
            head, rest = cell.source.split(BEGIN, 1)
            cell.source = head.rstrip(" ") + bodies[name] + "\n" + rest.split(END, 1)[1]
    path = tmp_path / "ada" / "02_activations.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def test_the_grader_counts_a_mistake_once(tmp_path):
    path = lesson_02(tmp_path, {"tanh": "    return 1 / (1 + np.exp(-z))",
                                "tanh_derivative": "    return 1 - tanh(z) ** 2"})
    r = grade_submission(path, limits=Roomier)
    tanh, derivative = r["exercises"]["tanh"], r["exercises"]["tanh_derivative"]
    assert not tanh["passed"] and tanh["reason"].startswith("that is the sigmoid")
    assert derivative["passed"], derivative["feedback"]
    assert "blocks.tanh stood in" in derivative["feedback"]
    assert r["score"] == r["max_score"] - 1


def test_a_stub_under_another_name_is_simply_not_attempted():
    ns = defined("def weighted_sum_not_started(x, w, b):\n    raise NotImplementedError()\n")
    verdict = run_check("weighted_sum", ns["weighted_sum_not_started"])
    assert verdict.status == "not attempted" and "not attempted yet" in verdict.message


# ---- train_digits says what it measured -----------------------------------------------------

def test_train_digits_shows_its_accuracy_and_a_hidden_activation_it_was_not_graded_with():
    from tests.answers.lesson08 import make_train_digits
    relu = run_check("train_digits", make_train_digits())
    assert relu.passed and "held-out test digits right" in relu.message
    assert "seem to use" not in relu.message
    sigmoid = run_check("train_digits", make_train_digits(hidden="sigmoid", epochs=30))
    assert sigmoid.passed and "seem to use sigmoid" in sigmoid.message, sigmoid.message


def test_a_helper_fixed_and_redefined_is_checked_afresh():
    ns = defined(WRONG_TANH + TANH_DERIVATIVE)
    assert "stood in" in run_check("tanh_derivative", ns["tanh_derivative"]).message
    exec("def tanh(z):\n    return np.tanh(z)\n", ns)          # the learner fixes tanh
    verdict = run_check("tanh_derivative", ns["tanh_derivative"])
    assert verdict.passed and "stood in" not in verdict.message


# ---- a learner's own blocks.py ------------------------------------------------------------

def test_a_learners_own_blocks_py_does_not_replace_the_courses(tmp_path):
    """A blocks.py beside the notebook comes first on the path: the course's blocks is used
    all the same (the checks and the notebook's imports), and check() says so once."""
    import subprocess
    import sys
    (tmp_path / "blocks.py").write_text("raise SystemExit('the learner file ran')\n", encoding="utf-8")
    code = ("import numpy as np\nfrom checks import check\nimport blocks\nprint(blocks.__file__)\n"
            "check('sigmoid', lambda z: 1 / (1 + np.exp(-z)))\n"
            "check('sigmoid', lambda z: 1 / (1 + np.exp(-z)))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == str(ROOT / "blocks.py")
    assert lines[1].startswith(f"Note: your file {tmp_path / 'blocks.py'} has the name of the "
                               "course's blocks module"), lines
    assert [line[:1] for line in lines[2:] if not line.startswith("Note (not an error)")] \
        == ["✅", "✅"]                                    # the note once, then the checks
