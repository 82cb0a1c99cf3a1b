"""``local_call``: a ``call(case) -> Outcome`` that runs a learner's function here, in their
own kernel (the grader's ``call`` runs it in the sandbox instead; verify() takes either)."""
import copy
import sysconfig
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Optional

import numpy as np

from ..runtime.invoke import invoke
from .cputime import Usage
from .exercise import Call
from .messages import Message, from_child, msg
from .verdicts import Outcome
from .watch import Watch

OWN_CODE = (str(Path(__file__).resolve().parents[1]), str(Path(np.__file__).resolve().parent),
            str(Path(__file__).resolve().parents[2] / "blocks.py"),
            *{str(Path(p).resolve()) for k, p in sysconfig.get_paths().items()
              if k in ("stdlib", "platstdlib", "purelib", "platlib")})


def learner_line(tb: Optional[TracebackType]) -> Optional[str]:
    """'line N: code' of the innermost traceback frame that is the learner's own code."""
    frames = [f for f in traceback.extract_tb(tb) if not (Path(f.filename).is_absolute()
              and str(Path(f.filename).resolve()).startswith(OWN_CODE))]
    if not frames:
        return None
    f = frames[-1]
    return f"line {f.lineno}: {f.line.strip()}" if f.line else f"line {f.lineno}"


def timed_out(seconds: float) -> Message:
    """What the grader says of a call stopped at its limit (grading/sandbox.py, Sandbox.call):
    a Message completing "It ..." (an Outcome with ``error_is_sentence=True``)."""
    return msg("was stopped: it {why} (an infinite loop?)",
               why=msg("did not finish within {seconds:g} s", seconds=seconds))


def local_call(fn: Callable[..., Any], arg_names: tuple[str, ...] = (), provided: Any = None,
               seconds: Optional[float] = None) -> Call:
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
            return Outcome(error=timed_out(seconds), fatal=True, timed_out=True,
                           error_is_sentence=True)
        error = r.get("error")      # Python's text, the runtime's message data, or the watch's
        return Outcome(value=r.get("value"), line=r.get("line"),
                       error=error if error is None or isinstance(error, Message)
                       else from_child(error),
                       not_attempted=bool(r.get("not_attempted")), stub=r.get("stub"),
                       error_is_sentence=bool(r.get("error_is_sentence")),
                       mutated=tuple(r.get("mutated", ())), warnings=tuple(r.get("warnings", ())))
    return call
