"""Every check, both ways: the reference and other correct answers pass; realistic
mistakes fail with their own hint."""
import importlib
import pkgutil

import pytest

import tests.answers as answers
from checks import run_check
from checks.catalogue import EXERCISES
from checks.engine.source import load_reference

MODULES = [importlib.import_module(f"tests.answers.{m.name}")
           for m in pkgutil.iter_modules(answers.__path__)]
RIGHT = [(i, f) for m in MODULES for i, fs in m.RIGHT.items() for f in fs]
WRONG = [(i, f, hint) for m in MODULES for i, fs in m.WRONG.items() for f, hint in fs]
REFERENCE = load_reference()


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_reference_passes(exercise_id):
    verdict = run_check(exercise_id, REFERENCE[exercise_id])
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("exercise_id, fn", RIGHT)
def test_other_correct_answers_pass(exercise_id, fn):
    verdict = run_check(exercise_id, fn)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("exercise_id, fn, hint", WRONG)
def test_known_mistakes_fail_with_their_hint(exercise_id, fn, hint):
    verdict = run_check(exercise_id, fn)
    assert verdict.status == "failed", verdict.message
    if EXERCISES[exercise_id].properties:
        assert hint in verdict.message
    elif hint is None:
        assert "in place" in verdict.message
    else:
        assert verdict.mistake == hint, verdict.message
        assert "Hint:" in verdict.message


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_has_answers_both_ways(exercise_id):
    assert sum(i == exercise_id for i, _ in RIGHT) >= 2
    hints = {h for i, _, h in WRONG if i == exercise_id}
    assert len(hints) >= 4, f"{exercise_id} needs four mistakes with distinct hints"


def stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_an_untouched_stub_is_not_attempted(exercise_id):
    verdict = run_check(exercise_id, stub)
    assert verdict.status == "not attempted"
    assert "Traceback" not in verdict.message


def test_an_exception_is_one_sentence_with_the_learners_line():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))     # noqa: F821 (np is not defined here)
    verdict = run_check("sigmoid", sigmoid)
    assert verdict.status == "failed"
    assert "raised NameError: name 'np' is not defined" in verdict.message
    assert "return 1 / (1 + np.exp(-z))" in verdict.message
    assert "Traceback" not in verdict.message


def test_a_failure_shows_the_case_expected_and_got():
    verdict = run_check("dense_forward", lambda X, W, b: X @ W)
    for word in ("X", "W", "b", "expected", "got", "Worst element", "Hint:"):
        assert word in verdict.message
