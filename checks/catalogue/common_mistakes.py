"""Mistakes several lessons recognise the same way, defined once: each lesson gives the hint
(what its learner reads), the recognition and its ``how`` live here."""
import numpy as np

from ..engine.exercise import when
from .loss_cases import exact_edges


def size_one_array(hint):
    """A plain number is asked for (``-> float``) and the result is an array holding one."""
    return when(lambda case, got: np.shape(got) in [(1,), (1, 1)], hint, "size_one_array",
                how="the result has shape (1,) or (1, 1): an array holding one number")


def returns_number(hint):
    """An array (a gradient) is asked for and the result is one number."""
    return when(lambda case, got: np.ndim(got) == 0 and np.size(case.args[0]) > 1, hint,
                "number", how="the result is a single number while the first argument has "
                "more than one element")


def unclipped(hint):
    """Binary cross-entropy or its gradient without clipping P: at an exact 0 or 1 the log
    or the division gives nan or inf."""
    return when(lambda case, got: exact_edges(case) and not np.all(np.isfinite(got)),
                hint, "unclipped",
                how="P holds an exact 0 or 1 and the result is not finite (nan or inf)")


def overflowed_logits(hint):
    """Softmax cross-entropy or its gradient computed without shifting the logits: exp
    overflows (or a row underflows) on logits far from 0."""
    return when(lambda case, got: not np.all(np.isfinite(got))
                and np.abs(case.args[0]).max() > 300, hint, "unstable",
                how="the result is not finite (nan or inf) and some |logit| is over 300")
