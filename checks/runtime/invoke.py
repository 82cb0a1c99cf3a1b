"""One call of a learner's function, as plain data: the same in the notebook and in the grader.

``invoke`` calls ``fn`` on the arguments it is given, records NumPy's warnings,
notices arguments changed in place, and turns the result into plain data
(``plain.normalise``). It never raises for the learner's mistakes: it returns a
dict with ``value``, ``mutated`` and ``warnings``, or ``error`` (and ``line``),
or ``not_attempted``. Standard library, NumPy and ``plain.py`` only: the
grading child loads it by path.
"""
import contextlib
import copy
import importlib
import sys
import threading
import warnings

import numpy as np

from . import plain


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


# A provided function that does an exercise's whole job, besides blocks.<its name>.
STAND_INS = {"predict": [("digits", "predict_labels")]}


def provided_versions(name):
    """{code object: "module.function"} of the provided functions a learner's ``name`` must
    not call: calling them earns nothing for that exercise."""
    found = {}
    for module, attr in [("blocks", name), ("digits", name)] + STAND_INS.get(name, []):
        try:
            f = getattr(sys.modules.get(module) or importlib.import_module(module), attr)
            found[f.__code__] = f"{module}.{attr}"
        except Exception:
            pass
    return found


class Watch:
    """Notices whether any of ``codes`` runs, however it is reached (an alias, a wrapper,
    functools.partial, a lambda, a copy sharing its code object): sys.monitoring's events
    on those code objects alone (Python 3.12+), else a profile function."""
    TOOL = 4

    def __init__(self, codes):
        self.codes, self.hit, self.tampered = codes, None, False

    def seen(self, code, *_):
        if code in self.codes and self.hit is None:
            self.hit = self.codes[code]

    def profile(self, frame, event, arg):
        if event == "call":
            self.seen(frame.f_code)

    def __enter__(self):
        mon = getattr(sys, "monitoring", None)
        if mon is not None and mon.get_tool(self.TOOL) is None:
            self.mon = mon
            mon.use_tool_id(self.TOOL, "checks")
            mon.register_callback(self.TOOL, mon.events.PY_START, self.seen)
            for code in self.codes:
                mon.set_local_events(self.TOOL, code, mon.events.PY_START)
        else:
            self.mon = None
            self.old = sys.getprofile()
            sys.setprofile(self.profile)
            threading.setprofile(self.profile)
        return self

    def __exit__(self, *exc):
        if self.mon is not None:
            mon = self.mon
            self.tampered = (mon.get_tool(self.TOOL) != "checks" or any(
                mon.get_local_events(self.TOOL, c) != mon.events.PY_START for c in self.codes))
            with contextlib.suppress(Exception):
                for code in self.codes:
                    mon.set_local_events(self.TOOL, code, 0)
                mon.register_callback(self.TOOL, mon.events.PY_START, None)
                mon.free_tool_id(self.TOOL)
        else:
            self.tampered = sys.getprofile() != self.profile
            sys.setprofile(self.old)
            threading.setprofile(None)
        return False


def invoke(fn, args, kwargs, arg_names, where, describe=None, catch=Exception, before=None,
           provided=None):
    """Calls ``fn(*args, **kwargs)``; ``where(traceback)`` names the learner's line;
    ``before`` is a copy of ``args`` untouched by the call (made here if not given);
    ``provided``: stand_ins() of the exercise, whose use earns nothing."""
    describe = describe or (lambda e: f"{type(e).__name__}: {e}")
    before = copy.deepcopy(args) if before is None else before
    watch = Watch(provided or {})
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            if provided:
                with watch:
                    value = fn(*args, **kwargs)
            else:
                value = fn(*args, **kwargs)
        except NotImplementedError:
            return {"not_attempted": True, "stub": raiser(sys.exc_info()[2], fn)}
        except catch as e:
            return {"error": describe(e), "line": where(sys.exc_info()[2]), "exception": e}
        notes = sorted({str(w.message)[:200] for w in caught})
    if watch.hit:
        return {"error": plain.message_data("calls {name}, the course's provided version: a call "
                                      "through it earns nothing here; write the computation "
                                      "yourself", name=str(watch.hit)), "said": True}
    if watch.tampered:
        return {"error": plain.message_data("switched off the grader's watch on the course's provided "
                                      "functions; that earns nothing"), "said": True}
    try:
        mutated = [name for name, b, a in zip(arg_names, before, args) if not plain.same(b, a)]
        value = plain.normalise(value)
    except plain.NotPlain as e:
        return {"error": plain.message_data("returned {what}, not numbers", what=e.args[0]),
                "said": True, "warnings": notes}
    except catch as e:       # a result that raises when inspected
        return {"error": plain.message_data("returned a result that could not be read ({error})",
                                      error=type(e).__name__), "said": True}
    return {"value": value, "mutated": mutated, "warnings": notes}


def strip_magics(source):
    """IPython's %magics and !shell lines mean nothing outside a kernel: each becomes `pass`."""
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
