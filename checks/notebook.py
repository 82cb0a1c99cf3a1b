"""``check(id, fn)``: instant feedback inside a notebook, from the stored practice cases.

The façade a notebook imports (``from checks import check``): it sits above the engine and
the catalogue, looks the exercise up in the catalogue, and has the engine judge it with a
``local_call`` (checks/engine/local_call.py) that runs the learner's function here."""
import contextlib
from collections.abc import Callable
from types import CodeType
from typing import Any, Optional

from .catalogue import EXERCISES
from .engine import practice
from .engine.local_call import local_call
from .engine.messages import msg, render
from .engine.verdicts import ICONS, Verdict
from .engine.verify import course_versions, not_yours, noted, set_aside, stand_ins, verify
from .engine.watch import provided_versions
from .runtime.provided_modules import is_provided, standing_in


def run_check(exercise_id: str, fn: Callable[..., Any]) -> Verdict:
    """The Verdict for ``fn`` as the exercise ``exercise_id`` (no printing).

    The other exercises ``fn`` calls are checked first; those that do not pass are
    replaced by the course's versions while ``fn`` is checked (see verify.stand_ins)."""
    ex = EXERCISES[exercise_id]
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):          # not a def (a builtin, a partial): no helpers
        namespace = {}
    verdicts = {}
    for used in ex.uses:
        theirs = namespace.get(used)
        if callable(theirs) and getattr(theirs, "__module__", None) != "blocks":
            verdicts[used] = recent(used, theirs) or run_check(used, theirs)
    names = stand_ins(ex, verdicts)
    cases = [] if ex.properties else practice.read(exercise_id)
    with standing_in(namespace, course_versions(names)) if names else contextlib.nullcontext():
        call = local_call(fn, ex.arg_names, provided_versions(exercise_id), ex.seconds)
        verdict = noted(verify(ex, cases, call), names)
    if len(RECENT) > 64:
        RECENT.clear()
    RECENT[exercise_id, id(fn)] = (fn, getattr(fn, "__code__", None), verdict)
    return verdict


# The latest verdict of each exercise's function (the very object, with the same code), so
# that checking tanh_derivative after tanh does not check tanh again. It only decides
# whether the course's version stands in for a helper, never an exercise's own verdict.
RECENT: dict[tuple[str, int], tuple[Callable[..., Any], Optional[CodeType], Verdict]] = {}


def recent(exercise_id: str, fn: Callable[..., Any]) -> Optional[Verdict]:
    """The verdict ``fn`` (the same object, with the same code) last got, or None."""
    kept = RECENT.get((exercise_id, id(fn)))
    if kept and kept[0] is fn and kept[1] is getattr(fn, "__code__", None):
        return kept[2]
    return None


def check(exercise_id: str, fn: Callable[..., Any]) -> None:
    """Checks your function against the course's cases and prints what it finds."""
    if exercise_id not in EXERCISES:
        print(render(msg("There is no exercise called {exercise!r}. The exercises are: {names}.",
                         exercise=exercise_id, names=", ".join(EXERCISES))))
        return
    if not callable(fn):
        print(render(msg("check({exercise!r}, ...) needs your function itself as its second "
                         "argument, for example check({exercise!r}, {exercise}).",
                         exercise=exercise_id)))
        return
    if is_provided(fn):
        print("❌ " + render(not_yours(exercise_id, fn)))
        return
    for note in set_aside():
        print(render(note))
    verdict = run_check(exercise_id, fn)
    print(f"{ICONS.get(verdict.status, '')} {verdict.text()}")
