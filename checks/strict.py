"""``check_strict(id, fn)``: the notebook check for autograders that score by exceptions.

nbgrader (and similar tools) give a test cell its points when it runs without raising.
``check_strict`` runs the same check as ``check`` (the stored practice cases), prints the
same message, and raises AssertionError when the exercise does not pass.
"""
from .engine.verdicts import ICONS
from .notebook import run_check


def check_strict(exercise_id, fn):
    if getattr(fn, "__module__", None) == "blocks":
        raise AssertionError(f"{exercise_id}: this is blocks.{fn.__name__}, the course's "
                             "provided version, not yours.")
    verdict = run_check(exercise_id, fn)
    print(f"{ICONS.get(verdict.status, '')} {verdict.message}")
    if not verdict.passed:
        raise AssertionError(verdict.message)
