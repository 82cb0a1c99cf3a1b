"""Lesson 04, the loss: mse_loss, binary_cross_entropy and softmax_cross_entropy.

The cases shared with the gradients of lesson 05 (and how binary cross-entropy's cases
treat exact 0s and 1s) are in loss_cases.py.
"""
import numpy as np

import blocks

from ..engine.exercise import Case, Exercise, changed_input, close, like, raised, when
from ..engine.messages import msg
from .common_mistakes import overflowed_logits, size_one_array, unclipped
from .gen import KINDS, kind_word, logits_label, values
from .loss_cases import (
    bce_visible,
    closest_to_edge,
    exact_edges,
    finite_if_sure_and_wrong,
    mse_visible,
    probabilities,
    sce_visible,
)

LESSON = "04_loss"
a = np.array


SIZE_ONE = ("you returned an array holding one number; a loss is a plain number: "
            "wrap it in float(...) or use .item().")


def per_axis(loss_terms):
    """Mistakes: the mean over one axis only (an array instead of one number)."""
    def matches(case, got):
        terms = loss_terms(*case.args)
        return np.ndim(terms) > 0 and any(
            close(got, terms.mean(axis=ax)) for ax in range(np.ndim(terms)))
    return matches


# ---- mse_loss ---------------------------------------------------------------

def mse_random(rng):
    shapes = [(1, 1), (5, 1), (3, 4), (1, 6), (8,), (2, 3), (10, 2), (4, 4), (1,), (6, 3)]
    cases = []
    for i, shape in enumerate(shapes):
        kind = KINDS[i % len(KINDS)]
        Y = values(rng, shape, kind)
        Y_hat = Y + values(rng, shape, "zeros" if kind == "zeros" else "normal")
        cases.append(Case((Y_hat, Y), msg("Y_hat and Y of shape {shape}, {kind} values", shape=shape,
                              kind=kind_word(kind)),
                          hidden=True))
    Y = values(rng, (3, 2))
    cases.append(Case((Y.copy(), Y), "perfect predictions (loss 0)", hidden=True))
    return cases


def sq(Y_hat, Y):
    return (Y_hat - Y) ** 2


mse_loss = Exercise(
    "mse_loss", LESSON, "mse_loss(Y_hat, Y) -> float", ("Y_hat", "Y"),
    visible=mse_visible, random=mse_random, scalar=True,
    mistakes=[
        changed_input("your value is right, but Y_hat or Y was changed: `Y_hat -= Y` writes "
                      "into the caller's array. Write `errors = Y_hat - Y` instead."),
        like(lambda Y_hat, Y: np.sum(sq(Y_hat, Y)),
             "that is the sum of the squared errors. The loss is their mean: "
             "np.mean((Y_hat - Y)**2).", "sum",
             how="`np.sum((Y_hat - Y) ** 2)`"),
        like(lambda Y_hat, Y: 0.5 * np.mean(sq(Y_hat, Y)),
             "your result is exactly half the expected one. This course's MSE has no 1/2 "
             "in front: np.mean((Y_hat - Y)**2).", "half",
             how="`0.5 * np.mean((Y_hat - Y) ** 2)`"),
        like(lambda Y_hat, Y: np.sum(sq(Y_hat, Y)) / len(Y),
             "you divided by the number of examples m. The mean runs over all elements: "
             "divide by Y_hat.size, or simply use np.mean.", "rows",
             how="`np.sum((Y_hat - Y) ** 2) / len(Y)`"),
        when(per_axis(sq), "you averaged along one axis only and got one number per row or "
             "column. The loss is the mean over all elements: np.mean(...) with no axis.",
             "one_axis",
             how=("the result equals `((Y_hat - Y) ** 2).mean(axis=k)` for some axis k: one "
                  "number per row or per column")),
        like(lambda Y_hat, Y: np.mean(np.abs(Y_hat - Y)),
             "that is the mean absolute error. Square the errors instead: (Y_hat - Y)**2.",
             "absolute",
             how="`np.mean(np.abs(Y_hat - Y))`"),
        like(lambda Y_hat, Y: np.sqrt(np.mean(sq(Y_hat, Y))),
             "that is the root of the MSE (the RMSE). Leave out the square root.", "root",
             how="`np.sqrt(np.mean((Y_hat - Y) ** 2))`"),
        like(lambda Y_hat, Y: np.mean(Y_hat - Y),
             "the errors are not squared, so too high and too low cancel out: "
             "np.mean((Y_hat - Y)**2).", "not_squared",
             how="`np.mean(Y_hat - Y)`"),
        size_one_array(SIZE_ONE),
    ])


# ---- binary_cross_entropy -----------------------------------------------------

def bce_terms(P, Y, eps=blocks.EPS, log=np.log):
    P = np.clip(P, eps, 1 - eps)
    return -(Y * log(P) + (1 - Y) * log(1 - P))


def bce_random(rng):
    cases = []
    for i, shape in enumerate([(1, 1), (5, 1), (8,), (1,), (12, 1), (4, 3), (20,), (6, 1)]):
        P = probabilities(rng, shape, spread=[2.0, 4.0, 12.0][i % 3])
        Y = (rng.random(shape) < 0.5).astype(float)
        cases.append(Case((P, Y), msg("P and Y of shape {shape}", shape=shape), hidden=True))
    for shape in [(10, 1), (16,)]:           # some exact, sure and right answers
        P = probabilities(rng, shape)
        Y = (rng.random(shape) < 0.5).astype(float)
        sure = rng.random(shape) < 0.3
        P[sure] = Y[sure]
        cases.append(Case((P, Y), msg("shape {shape}, exact 0s and 1s where Y is 0 or 1", shape=shape),
                          hidden=True))
    for shape in [(6, 1), (9,)]:              # some exact, sure and wrong answers
        P = probabilities(rng, shape)
        Y = (rng.random(shape) < 0.5).astype(float)
        sure = rng.random(shape) < 0.3
        P[sure] = np.where(rng.random(shape) < 0.5, Y, 1 - Y)[sure]
        P.flat[0], Y.flat[0] = 0.0, 1.0
        cases.append(Case((P, Y), msg("shape {shape}, exact 0s and 1s, some sure and wrong", shape=shape),
                          hidden=True))
    P = a([[1e-5], [1 - 1e-5], [1e-5], [1 - 1e-5]])
    cases.append(Case((P, a([[1.0], [0.0], [0.0], [1.0]])), "the ends of [1e-5, 1 - 1e-5]",
                      hidden=True))
    return cases


def logs_labels(case, got):
    """Y inside the log: inf on cases without exact 0s and 1s, or the swapped loss."""
    P, Y = case.args
    return not exact_edges(case) and (
        bool(np.any(np.isinf(got))) or close(got, blocks.binary_cross_entropy(Y, P)))


def wrong_eps(case, got):
    """Clipped with a larger eps (only eps beyond the P closest to 0 or 1 changes anything)."""
    edge = closest_to_edge(case.args[0])
    return any(close(got, np.mean(bce_terms(*case.args, eps=e)))
               for e in (1e-4, 1e-3, 1e-2, 0.05, 0.1) if e > edge)


def eps_added(case, got):
    P, Y = case.args
    return closest_to_edge(P) < 1e-2 and any(
        close(got, -np.mean(Y * np.log(P + e) + (1 - Y) * np.log(1 - P + e)))
        for e in (1e-6, 1e-7, 1e-8, 1e-9, 1e-10))


binary_cross_entropy = Exercise(
    "binary_cross_entropy", LESSON, "binary_cross_entropy(P, Y) -> float", ("P", "Y"),
    visible=bce_visible, random=bce_random, scalar=True, atol=1e-5,
    tolerance=finite_if_sure_and_wrong(1e-6, 1e-5),
    mistakes=[
        changed_input("your value is right, but P was changed: np.clip(P, ..., out=P) or "
                      "P[P < eps] = eps write into the caller's array. "
                      "P = np.clip(P, eps, 1 - eps) makes a new one.", atol=1e-5),
        unclipped("np.log(0) is -inf and 0 * log(0) is nan, and P does reach exactly 0 and 1. "
                  "Clip first: P = np.clip(P, eps, 1 - eps) with eps = 1e-7 (clipping to [0, 1] "
                  "changes nothing)."),
        when(logs_labels, "P and Y have swapped roles: the log is taken of the prediction P, "
             "and the label Y only weighs it: -(Y log P + (1 - Y) log(1 - P)).", "swapped",
             how=("on a case without exact 0s and 1s in P, the result is infinite or equals the "
                  "loss with P and Y swapped, `binary_cross_entropy(Y, P)`")),
        like(lambda P, Y: -blocks.binary_cross_entropy(P, Y),
             "your loss is negative: the minus sign is missing. log P < 0 for P < 1, so "
             "-(Y log P + (1 - Y) log(1 - P)) is positive.", "sign",
             how="`-binary_cross_entropy(P, Y)`: the loss with its sign flipped"),
        like(lambda P, Y: np.sum(bce_terms(P, Y)),
             "that is the sum over the elements. The loss is their mean: np.mean(...).", "sum",
             how=("the sum (not the mean) of the clipped elementwise losses "
                  "`-(Y log P + (1 - Y) log(1 - P))`")),
        when(wrong_eps, "P was clipped too far from 0 and 1, which changes the loss of "
             "confident answers. Clip to [eps, 1 - eps] with eps = 1e-7.", "wrong_eps",
             how=("the result equals the loss with P clipped to [eps, 1 - eps] for a larger eps "
                  "(1e-4, 1e-3, 1e-2, 0.05 or 0.1), one that reaches past the P closest to 0 or "
                  "1")),
        when(eps_added, "adding eps inside the log (np.log(P + eps)) shifts every value a "
             "little. Clip P instead: P = np.clip(P, eps, 1 - eps), then take np.log(P).",
             "eps_added",
             how=("some P is within 0.01 of 0 or 1 and the result equals "
                  "`-np.mean(Y * np.log(P + e) + (1 - Y) * np.log(1 - P + e))` for e = 1e-6 ... "
                  "1e-10")),
        like(lambda P, Y: np.mean(bce_terms(P, Y, log=np.log10)),
             "np.log10 is the base-10 logarithm; cross-entropy uses the natural log, np.log.",
             "log_base",
             how="the mean clipped loss computed with `np.log10`"),
        like(lambda P, Y: np.mean(bce_terms(P, Y, log=np.log2)),
             "np.log2 is the base-2 logarithm; cross-entropy uses the natural log, np.log.",
             "log_base",
             how="the mean clipped loss computed with `np.log2`"),
        when(per_axis(bce_terms), "you averaged along one axis only; the loss is one number, "
             "the mean over all elements: np.mean(...) with no axis.", "one_axis",
             how=("the result equals the clipped elementwise losses averaged along one axis "
                  "only: one number per row or per column")),
        size_one_array(SIZE_ONE),
    ])


# ---- softmax_cross_entropy ----------------------------------------------------

def sce_random(rng):
    cases = []
    shapes = [(1, 3), (4, 2), (3, 3), (6, 5), (1, 1), (5, 10), (2, 4), (8, 3), (3, 1), (7, 7)]
    for i, (m, C) in enumerate(shapes):
        kind = KINDS[i % len(KINDS)]
        labels = rng.integers(0, C, size=m)
        cases.append(Case((values(rng, (m, C), kind), labels),
                          logits_label(m, C, kind),
                          hidden=True))
    return cases


def lse(Z):
    return blocks.logsumexp(Z)


def picked(Z, labels):
    return Z[np.arange(len(Z)), labels]


softmax_cross_entropy = Exercise(
    "softmax_cross_entropy", LESSON, "softmax_cross_entropy(logits, labels) -> float",
    ("logits", "labels"), visible=sce_visible, random=sce_random, scalar=True,
    mistakes=[
        changed_input("your value is right, but logits was changed: `logits -= ...` writes "
                      "into the caller's array. Write `shifted = logits - M` instead."),
        overflowed_logits(
            "exp overflowed, or a probability underflowed to 0 and its log is "
            "-inf. Compute each row's loss as logsumexp(row) - logit of the right class, "
            "where logsumexp subtracts the row's own maximum (axis=1, keepdims=True) before "
            "exp. Never take the log of a computed softmax."),
        raised("could not be broadcast", "the shapes do not line up. Take one maximum and "
               "one sum per row, along axis=1, and keep them as a column with keepdims=True: "
               "M = logits.max(axis=1, keepdims=True) has shape (m, 1).", "axis"),
        like(lambda Z, y: np.mean(lse(Z)) - np.mean(Z[:, y]),
             "logits[:, labels] takes every label's column from every row: an m x m matrix. "
             "Pick one entry per row with logits[np.arange(m), labels].", "fancy_index",
             how=("`np.mean(logsumexp(logits)) - np.mean(logits[:, labels])`: every label's "
                  "column taken from every row")),
        like(lambda Z, y: np.mean(-picked(Z, y)),
             "the logsumexp term is missing: the loss of a row is logsumexp(row) minus the "
             "logit of its right class.", "no_logsumexp",
             how="`np.mean(-logits[np.arange(m), labels])`: no logsumexp term"),
        like(lambda Z, y: np.mean(lse(Z)),
             "you did not subtract the right class's logit: the loss of a row is "
             "logsumexp(row) - logits[i, labels[i]].", "no_pick",
             how="`np.mean(logsumexp(logits))`: the right class's logit not subtracted"),
        like(lambda Z, y: np.mean(lse(Z) - picked(Z, y - 1)),
             "you picked the column one to the left of the right class. Labels count from 0: "
             "class labels[i] is column labels[i].", "off_by_one",
             how=("`np.mean(logsumexp(logits) - logits[np.arange(m), labels - 1])`: the column "
                  "one to the left")),
        raised("out of bounds", "an index went past the last class. Labels count from 0 to "
               "C - 1 and label c is column c: use logits[np.arange(m), labels] as they are.",
               "off_by_one"),
        like(lambda Z, y: np.sum(lse(Z) - picked(Z, y)),
             "that is the sum over the examples. The loss is their mean: np.mean(...).", "sum",
             how=("`np.sum(logsumexp(logits) - logits[np.arange(m), labels])`: the sum over the "
                  "examples")),
        like(lambda Z, y: np.mean(lse(Z) - picked(Z, y)) / Z.shape[1],
             "you averaged over all m * C entries. Each example's loss is one number: "
             "take the mean over the m examples only.", "mean_over_classes",
             how=("the right loss divided by the number of classes C: a mean over all m * C "
                  "entries")),
        when(lambda case, got: np.shape(got) == (len(case.args[1]),) and close(
                 got, lse(case.args[0]) - picked(*case.args)),
             "you returned one loss per example. Return their mean, one number: "
             "float(np.mean(...)).", "per_example",
             how=("the result has shape (m,) and equals the loss of each example, "
                  "`logsumexp(logits) - logits[np.arange(m), labels]`")),
        size_one_array(SIZE_ONE),
    ])

EXERCISES = [mse_loss, binary_cross_entropy, softmax_cross_entropy]
