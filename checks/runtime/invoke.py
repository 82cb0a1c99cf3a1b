"""One call of a learner's function, as plain data: the same in the notebook and in the grader.

``invoke`` calls ``fn`` on the arguments it is given, records NumPy's warnings,
notices arguments changed in place, and turns the result into plain data
(``plain.normalise``). It never raises for the learner's mistakes: it returns a
dict with ``value``, ``mutated`` and ``warnings``, or ``error`` (and ``line``),
or ``not_attempted``. Standard library, NumPy and ``plain.py`` only: the
grading child loads it by path.
"""
import _thread
import contextlib
import copy
import os
import sys
import time
import warnings

import numpy as np

from . import plain

# Raised in the grading sandbox by blocks' stand-ins for one of the lesson's own exercises,
# which are the learner's functions there (checks/grading/provided.py writes them).
NONE_OF_YOURS = ("{module}.{name} is your own {name} while this notebook is graded ({name} is "
                 "one of its lesson's exercises, so the course's version is not offered), and "
                 "the notebook defines no {name} of its own")
CALLS_ITSELF = ("{module}.{name} is your own {name} while this notebook is graded ({name} is "
                "one of its lesson's exercises, so the course's version is not offered): "
                "calling it from your {name} calls your {name} again")


def raiser(tb, fn=None):
    """The name of the function whose frame raised (the innermost one), or None when it
    is ``fn`` itself."""
    try:
        while tb.tb_next is not None:
            tb = tb.tb_next
        if tb.tb_frame.f_code is getattr(fn, "__code__", None):
            return None
        name = tb.tb_frame.f_code.co_name
        return name if isinstance(name, str) and name.isidentifier() and len(name) < 80 else None
    except Exception:
        return None


THREAD_WAIT = 2.0    # seconds a call's threads may run on after it returns


def tasks():
    """The number of this process's threads, native ones included, or None (no /proc)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def threads_finished(before, seconds=THREAD_WAIT):
    """Waits, at most ``seconds``, until the threads started since ``before`` (Python
    threads, and the process's tasks where /proc shows them) have ended; False if a Python
    thread still runs. (A native thread that stays, such as a BLAS library's pool, only
    makes it wait.)"""
    python, native = before
    deadline = time.monotonic() + seconds
    while True:
        now = tasks()
        if _thread._count() <= python and (native is None or now is None or now <= native):
            return True
        if time.monotonic() > deadline:
            return _thread._count() <= python
        time.sleep(0.002)


def invoke(fn, args, kwargs, arg_names, where, describe=None, catch=Exception, before=None,
           watch=None):
    """Calls ``fn(*args, **kwargs)``; ``where(traceback)`` names the learner's line;
    ``before`` is a copy of ``args`` untouched by the call (made here if not given);
    ``watch``: a context manager around the call whose ``finding()`` is None or the error
    the call earns (check()'s watch on the provided modules, checks/engine/watch.py)."""
    describe = describe or (lambda e: f"{type(e).__name__}: {e}")
    before = copy.deepcopy(args) if before is None else before
    baseline = (_thread._count(), tasks())
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with watch or contextlib.nullcontext():
                value = fn(*args, **kwargs)
        except NotImplementedError:
            return {"not_attempted": True, "stub": raiser(sys.exc_info()[2], fn)}
        except catch as e:
            return {"error": describe(e), "line": where(sys.exc_info()[2]), "exception": e}
        finished = threads_finished(baseline)    # a thread's late write counts as the call's
        notes = sorted({str(w.message)[:200] for w in caught})
    if not finished:
        return {"error": plain.message_data(
                    "left a thread running more than {seconds:g} s after it returned; an "
                    "exercise function must finish its work before it returns",
                    seconds=THREAD_WAIT),
                "error_is_sentence": True}
    found = watch.finding() if watch is not None else None
    if found:
        return {"error": found, "error_is_sentence": True}
    try:
        mutated = [name for name, b, a in zip(arg_names, before, args) if not plain.same(b, a)]
        value = plain.normalise(value)
    except plain.NotPlain as e:
        return {"error": plain.message_data("returned {what}, not numbers", what=e.args[0]),
                "error_is_sentence": True, "warnings": notes}
    except catch as e:       # a result that raises when inspected
        return {"error": plain.message_data("returned a result that could not be read ({error})",
                                      error=type(e).__name__), "error_is_sentence": True}
    return {"value": value, "mutated": mutated, "warnings": notes}


def strip_magics(source):
    """IPython's %magics and !shell lines mean nothing outside a kernel: each becomes `pass`."""
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
