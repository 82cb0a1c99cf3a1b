"""What only the grader holds: the seed of the hidden cases and the reference solutions.

A learner's release (``python -m checks release``) leaves this module out.
"""
import functools
import hashlib

from ..engine import practice
from ..engine.source import load_reference

GRADING_SEED = 31337   # hidden cases; never stored in the learner's copy


@functools.lru_cache(maxsize=1)
def cached_reference():
    return load_reference()


def learner_seed(learner, exercise):
    """The seed of ``learner``'s hidden cases of ``exercise``: drawn from the course's secret
    GRADING_SEED, the learner's identity and the exercise, so each learner gets cases of
    their own (one learner's leak is not the class's answers) and the same ones every run."""
    key = f"{GRADING_SEED}\0{learner}\0{exercise}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def hidden_cases(ex, reference, learner=None):
    """The visible cases and the randomised hidden ones, with the reference's answers:
    ``learner``'s own (learner_seed), or the class-wide GRADING_SEED's when None."""
    seed = GRADING_SEED if learner is None else learner_seed(learner, ex.id)
    return practice.fill(ex.cases(seed), reference)
