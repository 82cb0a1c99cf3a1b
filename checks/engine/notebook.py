"""``check(id, fn)``: instant feedback inside a notebook, from the stored practice cases."""
import contextlib
import copy
import sysconfig
import traceback
from pathlib import Path

import numpy as np

from . import practice
from ..catalogue import EXERCISES
from ..runtime.invoke import invoke
from ..runtime.provided_modules import is_provided, standing_in
from .cputime import Usage
from .messages import Message, from_child, msg, render
from .verdicts import ICONS, Outcome
from .verify import course_versions, noted, not_yours, set_aside, stand_ins, verify
from .watch import Watch, provided_versions

OWN_CODE = (str(Path(__file__).resolve().parents[1]), str(Path(np.__file__).resolve().parent),
            str(Path(__file__).resolve().parents[2] / "blocks.py"),
            *{str(Path(p).resolve()) for k, p in sysconfig.get_paths().items()
              if k in ("stdlib", "platstdlib", "purelib", "platlib")})


def learner_line(tb):
    """'line N: code' of the innermost traceback frame that is the learner's own code."""
    frames = [f for f in traceback.extract_tb(tb) if not (Path(f.filename).is_absolute()
              and str(Path(f.filename).resolve()).startswith(OWN_CODE))]
    if not frames:
        return None
    f = frames[-1]
    return f"line {f.lineno}: {f.line.strip()}" if f.line else f"line {f.lineno}"


def timed_out(seconds):
    """What the grader says of a call stopped at its limit (grading/sandbox.py, Sandbox.call):
    a Message completing "It ..." (an Outcome with ``error_is_sentence=True``)."""
    return msg("was stopped: it {why} (an infinite loop?)",
               why=msg("did not finish within {seconds:g} s", seconds=seconds))


def local_call(fn, arg_names=(), provided=None, seconds=None):
    """A ``call(case) -> Outcome`` that runs ``fn`` here, in the learner's kernel;
    ``provided``: the course's functions whose use earns nothing (watch.provided_versions),
    watched as far as a learner's own kernel allows (see checks/engine/watch.py);
    ``seconds``: the grader's time limit for one call, if the exercise has its own. A call
    past it fails here as it would when graded (judged by cputime.Usage, after it ends)."""
    def call(case):
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        with Usage() as used:
            r = invoke(fn, args, kwargs, arg_names, learner_line, before=case.args,
                       watch=Watch(provided) if provided else None)
        if seconds and not r.get("not_attempted") and used.overran(seconds):
            return Outcome(error=timed_out(seconds), fatal=True, timed_out=True, error_is_sentence=True)
        error = r.get("error")      # Python's text, the runtime's message data, or the watch's
        return Outcome(value=r.get("value"), line=r.get("line"),
                       error=error if error is None or isinstance(error, Message)
                       else from_child(error),
                       not_attempted=bool(r.get("not_attempted")), stub=r.get("stub"),
                       error_is_sentence=bool(r.get("error_is_sentence")),
                       mutated=tuple(r.get("mutated", ())), warnings=tuple(r.get("warnings", ())))
    return call


def run_check(exercise_id, fn):
    """The Verdict for ``fn`` as the exercise ``exercise_id`` (no printing).

    The other exercises ``fn`` calls are checked first; those that do not pass are
    replaced by the course's versions while ``fn`` is checked (see verify.stand_ins)."""
    ex = EXERCISES[exercise_id]
    namespace = getattr(fn, "__globals__", None)
    verdicts = {}
    for used in ex.uses if isinstance(namespace, dict) else ():
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
RECENT = {}


def recent(exercise_id, fn):
    """The verdict ``fn`` (the same object, with the same code) last got, or None."""
    kept = RECENT.get((exercise_id, id(fn)))
    if kept and kept[0] is fn and kept[1] is getattr(fn, "__code__", None):
        return kept[2]
    return None


def check(exercise_id, fn):
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
