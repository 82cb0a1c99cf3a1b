"""The loss cases shared by lesson 04 (the losses) and lesson 05 (their gradients): the
visible cases of the three losses, and what binary cross-entropy's cases say about P.

Binary cross-entropy and exact 0s and 1s. The contract compares values where P
lies in [1e-5, 1 - 1e-5] (any clipping eps up to 1e-5 is right there) and asks
only for a finite result at exactly 0 and 1. The cases honour that as follows:
- most cases keep P inside [1e-5, 1 - 1e-5], its ends included;
- the cases with exact 0s and 1s put them only where the answer is right and
  sure (P == Y). Each such element costs -log(1 - eps), about eps, whatever eps
  a learner clips with, so every clipped answer agrees with the reference to
  within the exercise's atol = 1e-5; an unclipped log gives 0 * log(0) = nan
  there and fails.
Sure and wrong elements (P = 0 with Y = 1) cost -log(eps), which depends on eps,
so no value can be required there; they are left out of the cases.
"""
import numpy as np

import blocks

from ..engine.exercise import Case

a = np.array


# ---- mse ----------------------------------------------------------------------

def mse_visible():
    return [Case((a([[2.5], [0.0], [2.1]]), a([[3.0], [-0.5], [2.0]])),
                 "three examples, one output each (the lesson's example)"),
            Case((a([[1.0, 2.0], [3.0, 4.0]]), a([[1.0, 0.0], [3.0, 1.0]])),
                 "two examples, two outputs each"),
            Case((a([[0.7]]), a([[0.2]])), "one example, one output"),
            Case((a([0.5, -1.0, 2.0, 0.0]), a([0.0, 0.0, 2.0, 0.0])), "1-D arrays")]


# ---- binary cross-entropy -------------------------------------------------------

def exact_edges(case):
    """True when P holds an exact 0 or 1."""
    P = np.asarray(case.args[0])
    return bool(np.any((P == 0) | (P == 1)))


def sure_and_wrong(case):
    """True when P is exactly 0 where Y is 1, or exactly 1 where Y is 0."""
    P, Y = (np.asarray(v) for v in case.args)
    return bool(np.any(((P == 0) & (Y == 1)) | ((P == 1) & (Y == 0))))


FINITE_ONLY = (0.0, float(np.finfo(float).max))   # any finite number of the right form


def finite_if_sure_and_wrong(rtol, atol):
    """A case's tolerance: there the loss is -log(eps), so only finiteness is asked."""
    return lambda case: FINITE_ONLY if sure_and_wrong(case) else (rtol, atol)


def bce_visible():
    X = a([[1.0, 2.0, 3.0]])
    W = a([[0.2, 0.8, -0.5], [0.5, -0.91, 0.26]]).T
    P_article = blocks.sigmoid(X @ W + a([[0.5, -0.1]]))
    return [Case((a([0.9, 0.2, 0.6]), a([1.0, 0.0, 0.0])), "three probabilities, shape (3,)"),
            Case((P_article, a([[1.0, 0.0]])),
                 "the article's sigmoid layer: 'yes' for the first neuron, 'no' for the second"),
            Case((a([[0.8], [1.0], [0.3], [0.0]]), a([[1.0], [1.0], [0.0], [0.0]])),
                 "exact 0s and 1s, sure and right (only a finite result is asked there)"),
            Case((a([[0.0], [0.7], [1.0]]), a([[1.0], [1.0], [0.0]])),
                 "exact 0s and 1s, sure and wrong (only a finite result is asked there)"),
            Case((a([[1e-5], [0.5], [1 - 1e-5], [1e-4], [0.9999], [0.02]]),
                  a([[1.0], [1.0], [0.0], [0.0], [1.0], [1.0]])),
                 "probabilities very close to 0 and 1"),
            Case((a([[0.7, 0.1], [0.4, 0.95]]), a([[1.0, 0.0], [0.0, 1.0]])),
                 "two examples, two outputs each")]


def probabilities(rng, shape, spread=3.0):
    """Probabilities from sigmoids of spread-out logits, kept in [1e-5, 1 - 1e-5]."""
    P = blocks.sigmoid(rng.normal(0, spread, size=shape))
    return np.clip(P, 1e-5, 1 - 1e-5)


def closest_to_edge(P):
    """How near P comes to 0 or 1: the smallest min(P, 1 - P)."""
    return float(np.min(np.minimum(P, 1 - P)))


# ---- softmax cross-entropy ------------------------------------------------------

def sce_visible():
    return [Case((a([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), a([0, 2])),
                 "two examples, three classes (the lesson's example)"),
            Case((a([[0.2, 0.7]]), a([1])), "one example, two classes"),
            Case((a([[1000.0, 0.0]]), a([1])), "one example, huge logits, sure and wrong"),
            Case((a([[1000.0, 990.0, 1000.0], [-1000.0, -1000.0, -990.0], [0.0, 0.0, 0.0]]),
                  a([2, 0, 1])), "large logits, rows far apart"),
            Case((a([[0.3, -1.2, 2.0, 0.0], [1.5, 0.5, -0.5, 2.5], [-2.0, 0.0, 1.0, 0.1]]),
                  a([3, 0, 2])), "three examples, four classes")]
