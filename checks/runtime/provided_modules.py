"""The course's provided modules (``blocks``, ``digits``) as a learner's code meets them.

``is_provided(fn)``: whether a function is the course's version rather than the learner's
(check(), check_strict() and the grading child refuse to grade one). ``standing_in``: the
course's versions in a learner's namespace for a while ("one mistake costs once", see
engine/verify.stand_ins), in the notebook and in the grading child alike.

Standard library only: the grading child loads it by path.
"""
import contextlib

PROVIDED_MODULES = ("blocks", "digits")     # module names; grading/provided.py writes the files


def is_provided(fn):
    """True when ``fn`` is defined in one of the course's provided modules."""
    return getattr(fn, "__module__", None) in PROVIDED_MODULES


@contextlib.contextmanager
def standing_in(namespace, versions):
    """``versions`` ({name: function}) in ``namespace`` while the block runs; afterwards each
    name is as it was (put back, or gone if it was not there)."""
    saved = {n: namespace[n] for n in versions if n in namespace}
    try:
        namespace.update(versions)
        yield
    finally:
        for n in versions:
            if n in saved:
                namespace[n] = saved[n]
            else:
                namespace.pop(n, None)


SET_ASIDE = []      # [(module name, the file set aside)], until check() tells the learner


def course_modules_first(course_folder):
    """Makes ``import blocks`` (and digits) give the course's modules in ``course_folder``,
    even where a file of the same name comes first on the path (a learner's own blocks.py
    beside their notebook, or in the folder the grader runs in). Nothing is imported when
    no such file exists. What it sets aside goes into SET_ASIDE."""
    import importlib.util
    import sys
    from pathlib import Path
    for name in PROVIDED_MODULES:
        course = (Path(course_folder) / f"{name}.py").resolve()
        module = sys.modules.get(name)
        try:
            origin = getattr(module, "__file__", None) if module is not None \
                else getattr(importlib.util.find_spec(name), "origin", None)
        except (ImportError, ValueError):
            origin = None
        if not origin or Path(origin).resolve() == course or not course.is_file():
            continue
        spec = importlib.util.spec_from_file_location(name, course)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        SET_ASIDE.append((name, str(origin)))
