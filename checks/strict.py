"""``check_strict(id, fn)``: the notebook check for autograders that score by exceptions.

nbgrader (and similar tools) give a test cell its points when it runs without raising.
``check_strict`` runs the same check as ``check`` (the stored practice cases), prints the
same message, and raises AssertionError when the exercise does not pass.
"""
from .engine.messages import render
from .engine.verdicts import ICONS
from .engine.verify import not_yours, set_aside
from .notebook import run_check
from .runtime.provided_modules import is_provided


def check_strict(exercise_id, fn):
    """Prints what ``check`` prints; raises AssertionError unless the exercise passes."""
    if is_provided(fn):
        raise AssertionError(render(not_yours(exercise_id, fn)))
    for note in set_aside():
        print(render(note))
    verdict = run_check(exercise_id, fn)
    print(f"{ICONS.get(verdict.status, '')} {verdict.text()}")
    if not verdict.passed:
        raise AssertionError(verdict.text())
