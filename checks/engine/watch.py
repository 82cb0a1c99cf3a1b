"""check()'s watch on the course's provided modules, in a learner's own kernel.

In a notebook, ``blocks`` and ``digits`` are importable by design (lessons import them), so
``check("sigmoid", sigmoid)`` watches, while it calls the learner's function, whether the
course's own version of that exercise runs (``provided_versions``), and says so: a call
through it earns nothing. It is a convenience, not a guarantee: code in the same process can
switch it off, go around it or patch it, and nothing graded depends on it. The class grader
offers no version of a lesson's exercises in its sandbox at all (checks/grading/provided.py).
"""
import contextlib
import importlib
import sys
import threading

from .messages import msg

# A provided function that does an exercise's whole job, besides blocks.<its name>
# (tests/grading/test_provided_by_lesson.py finds them by calling, and checks this list).
PROVIDED_EQUIVALENTS = {
    "predict": [("digits", "predict_labels")], "adam_step": [("digits", "adam_into")],
    # the article's model is assembled from the learner's pieces, not by fit
    "train_article_model": [("digits", "fit"), ("digits", "adam_into")]}


def provided_versions(name):
    """{code object: "module.function"} of the provided functions a learner's ``name`` must
    not call: calling them earns nothing for that exercise. For check() in a learner's own
    kernel only, where the full blocks is importable by design: the grading child offers
    none of them (checks/grading/provided.py), so it needs no watch."""
    found = {}
    for module, attr in [("blocks", name), ("digits", name)] + PROVIDED_EQUIVALENTS.get(name, []):
        try:
            f = getattr(sys.modules.get(module) or importlib.import_module(module), attr)
            # named where it is defined: digits.backward is blocks.backward, imported
            found.setdefault(f.__code__, f"{f.__module__}.{f.__name__}")
        except Exception:
            pass
    return found


class Watch:
    """Notices whether any of ``codes`` runs, however it is reached (an alias, a wrapper,
    functools.partial, a lambda, a copy sharing its code object): sys.monitoring's events
    on those code objects alone (Python 3.12+), else a profile function.

    A convenience for check() in the learner's own kernel, not a guarantee: code running
    in the same process can switch it off, go around it (a `_thread` thread, a copy of the
    source) or patch it. The class grader does not rely on it."""
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

    def finding(self):
        """None, or the error a call earns for using the course's version (a Message)."""
        if self.hit:
            return msg("calls {name}, the course's provided version: a call through it earns "
                       "nothing here; write the computation yourself", name=self.hit)
        if self.tampered:
            return msg("switched off the grader's watch on the course's provided functions; "
                       "that earns nothing")
        return None
