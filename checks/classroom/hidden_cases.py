"""What only the grader holds: the seed of the hidden cases and the reference solutions.

A learner's release (``python -m checks release``) leaves this module out.
"""
import functools

from ..engine import practice as expected
from ..engine.source import load_reference

GRADING_SEED = 31337   # hidden cases; never stored in the learner's copy


@functools.lru_cache(maxsize=1)
def cached_reference():
    return load_reference()


def hidden_cases(ex, reference):
    """The visible cases and the randomised hidden ones, with the reference's answers."""
    return expected.fill(ex.cases(GRADING_SEED), reference)
