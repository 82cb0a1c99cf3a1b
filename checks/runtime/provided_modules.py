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
