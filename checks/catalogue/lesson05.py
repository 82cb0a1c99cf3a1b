"""Lesson 05, the chain rule and gradient checking: numerical_gradient, relative_error,
the three loss gradients and neuron_gradients.

numerical_gradient takes a function: the cases hold named functions from
checks/runtime/functions.py, which cross the grading boundary by name.
"""
import functools

import numpy as np

import blocks

from ..engine.exercise import (
    Case,
    Exercise,
    changed_input,
    close,
    in_wrong_order,
    like,
    raised,
    when,
)
from ..engine.messages import msg, nmsg
from ..runtime.functions import (
    log_sum_exp,
    neighbour_products,
    sin_weighted,
    sum_of_cubes,
    sum_of_squares,
)
from .common_mistakes import overflowed_logits, returns_number, size_one_array, unclipped
from .gen import KINDS, kind_word, logits_label, values
from .loss_cases import (
    bce_visible,
    closest_to_edge,
    finite_if_sure_and_wrong,
    mse_visible,
    probabilities,
    sce_visible,
)

LESSON = "05_chain_rule"
a = np.array


# ---- numerical_gradient --------------------------------------------------------
# Tiny elements (3e-9, 2e-8, 1e-12 ...) make x[i] + h - h differ from x[i] in floating
# point, so a version that "restores" x by adding and subtracting h is caught: the
# checks compare x before and after every call.

def ng_visible():
    return [Case((sum_of_squares, a([0.1, 0.7, 3e-9])), "f = sum of squares, x of shape (3,)"),
            Case((sum_of_cubes, a([[0.5, -1.3], [1.1, 2e-8]])),
                 "f = sum of cubes, x of shape (2, 2)"),
            Case((neighbour_products, a([[0.2, -0.4, 1e-12], [0.9, 0.3, -1.1]])),
                 "f with interacting elements, x of shape (2, 3)"),
            Case((sin_weighted, a([[[0.1, 0.2], [0.3, 7e-7]], [[-0.5, 1.5], [2.0, -3.0]]])),
                 "f = weighted sum of sines, x of shape (2, 2, 2)"),
            Case((sum_of_cubes, a([0.7])), "a single element"),
            Case((sum_of_cubes, a([0.3, -0.2, 5e-9])), "h passed explicitly", {"h": 1e-3}),
            Case((log_sum_exp, a([1.0, 2.0, 3.0])), "f = log-sum-exp, x of shape (3,)"),
            Case((neighbour_products, a([[0.5, -1.0, 2e-8], [1.5, 0.25, -0.75]]).T),
                 "x = W.T, a transposed view of shape (3, 2): not contiguous in memory, "
                 "so x.reshape(-1) would be a copy")]


def ng_random(rng):
    fns = [sum_of_squares, sum_of_cubes, log_sum_exp, sin_weighted, neighbour_products]
    shapes = [(1,), (4,), (2, 3), (3, 1), (2, 2, 2), (1, 1), (5,), (2, 1, 3), (4, 2), (6,)]
    cases = []
    for i, shape in enumerate(shapes):
        f = fns[i % len(fns)]
        x = rng.normal(0, 1, size=shape)
        x.flat[rng.integers(x.size)] = rng.choice([3e-9, -2e-8, 1e-12, 5e-7])
        kwargs = {} if i % 3 else {"h": float(rng.choice([1e-4, 1e-3, 1e-6]))}
        label = (msg("f = {f}, x of shape {shape}, h = {h:g}", f=f.__name__, shape=shape,
                     h=kwargs["h"]) if kwargs else
                 msg("f = {f}, x of shape {shape}", f=f.__name__, shape=shape))
        cases.append(Case((f, x), label, kwargs, hidden=True))
    for f, shape in [(sum_of_cubes, (2, 4)), (sin_weighted, (3, 3))]:
        x = rng.normal(0, 1, size=shape).T
        cases.append(Case((f, x), msg("f = {f}, x = W.T of shape {shape} (a transposed view, "
                                           "not contiguous)", f=f.__name__, shape=x.shape),
                          hidden=True))
    return cases


def h_of(case):
    return case.kwargs.get("h", case.args[2] if len(case.args) > 2 else 1e-5)


def other_ways(case):
    """The numerical gradient as the known mistakes compute it (on copies of x): one whole
    numerical gradient per way, worked out once per case's values (the same case is judged
    against several mistakes)."""
    f, x = case.args[:2]
    x = np.array(x, dtype=float)
    return computed_ways(f, x.shape, x.tobytes(), h_of(case))


@functools.lru_cache(maxsize=64)
def computed_ways(f, shape, data, h):
    """other_ways of f at the float64 array of ``shape`` whose bytes are ``data``."""
    x = np.frombuffer(data, dtype=float).reshape(shape).copy()
    f_x, up, down = f(x), np.zeros_like(x), np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        up[i], down[i] = f(x + e), f(x - e)
    ways = {"forward": (up - f_x) / h, "backward": (f_x - down) / h, "one_h": (up - down) / h,
            "whole_array": (f(x + h) - f(x - h)) / (2 * h)}
    for copy_rows in (False, True):          # `for i in range(len(x))`: whole rows nudged
        y, g = x.copy(), np.zeros_like(x)
        for i in range(len(y)):
            old = y[i].copy() if copy_rows else y[i]
            y[i] = old + h
            f_plus = f(y)
            y[i] = old - h
            f_minus = f(y)
            y[i] = old
            g[i] = (f_plus - f_minus) / (2 * h)
        ways[f"rows_{copy_rows}"] = g
    if h != 1e-5:
        ways["default_h"] = blocks.numerical_gradient(f, x.copy())
    return ways


def computed_as(*ways):
    return lambda case, got: any(w in other_ways(case) and close(got, other_ways(case)[w])
                                 for w in ways)


def whole_array_nudged(case, got):
    x = case.args[1]
    value = other_ways(case)["whole_array"]
    return x.size > 1 and np.size(got) in (1, x.size) and close(
        np.broadcast_to(got, x.shape), np.full(x.shape, value))


ONE_SIDED = ("that is a one-sided difference, (f(x + h) - f(x)) / h or (f(x) - f(x - h)) / h. "
             "Use centred differences, (f(x + h e_i) - f(x - h e_i)) / (2h): they are far more "
             "accurate.")
EVERY_ELEMENT = ("Visit every element of x itself: `for i in np.ndindex(x.shape):` (i is a "
                 "tuple index, x[i] one element), or `it = np.nditer(x, flags=[\"multi_index\"], "
                 "op_flags=[\"readwrite\"])` and x[it.multi_index].")
ONLY_1D = ("your loop runs over the first axis only (range(len(x))), so for a 2-D x it nudges "
           "whole rows. " + EVERY_ELEMENT)
NUDGE = msg("nudging x[i] in place is the method, but when numerical_gradient returns, x must be "
         "exactly as it was: save old = x[i], set x[i] = old + h and then old - h, and finish "
         "with x[i] = old (adding or subtracting h back leaves rounding errors).")


def copy_nudged(case, got):
    """Every derivative 0 on a non-contiguous x: the nudges went into a copy (x.reshape(-1))."""
    x = case.args[1]
    return (isinstance(x, np.ndarray) and not x.flags.c_contiguous and np.size(got) == x.size
            and not np.any(got) and np.any(case.expected))


numerical_gradient = Exercise(
    "numerical_gradient", LESSON, "numerical_gradient(f, x, h=1e-5) -> ndarray", ("f", "x", "h"),
    visible=ng_visible, random=ng_random, in_place_note=NUDGE,
    mistakes=[
        when(copy_nudged, "every derivative came out 0. This x is not contiguous in memory "
             "(a transposed view, W.T), so x.reshape(-1) or x.ravel() gave you a copy: your "
             "nudges changed the copy, f(x) never saw them, and f(x + h) - f(x - h) was 0. "
             + EVERY_ELEMENT, "flat_copy",
             how=("x is not contiguous in memory (a transposed view), the result has x's size, "
                  "every derivative in it is 0 and the expected ones are not (the nudges went "
                  "into a copy made by x.reshape(-1))")),
        changed_input(
            "your values are right, but x is not exactly what it was. You may change x[i] for "
            "a moment, but put back exactly the saved value: old = x[i] before, x[i] = old "
            "after. Adding h back (x[i] += h) leaves rounding errors, and forgetting to "
            "restore leaves x shifted.", mistake_id="not_restored"),
        when(computed_as("forward", "backward"), ONE_SIDED, "one_sided",
             how=("the result equals the one-sided difference `(f(x + h e_i) - f(x)) / h` or "
                  "`(f(x) - f(x - h e_i)) / h`, element by element")),
        when(computed_as("one_h"), "your values are twice the expected ones: the two points "
             "x + h and x - h are 2h apart, so divide by 2 * h.", "divide_by_h",
             how=("the result equals `(f(x + h e_i) - f(x - h e_i)) / h`: twice the centred "
                  "difference")),
        when(whole_array_nudged, "you nudged every element at once (x + h), which gives one "
             "number for the whole array. Nudge one element at a time and store one "
             "derivative per element.", "whole_array",
             how=("x has more than one element and every entry of the result is "
                  "`(f(x + h) - f(x - h)) / (2h)`, with the whole array nudged at once")),
        when(computed_as("rows_False", "rows_True"), ONLY_1D, "only_1d",
             how=("the result equals the centred differences taken by nudging whole rows `x[i]` "
                  "for i in `range(len(x))` (with or without copying the row first)")),
        raised("out of bounds", "x[i] with i up to x.size only works for 1-D x. "
               + EVERY_ELEMENT, "only_1d"),
        when(computed_as("default_h"), "you used h = 1e-5 even though another h was passed. "
             "Use the argument h.", "ignores_h",
             how=("another h was passed, and the result equals the centred differences with the "
                  "default h = 1e-5")),
        when(lambda case, got: isinstance(got, list),
             "you returned a list. Return an array of the same shape as x: start from "
             "grad = np.zeros_like(x) and fill it in.", "list",
             how="the result is a Python list"),
        when(lambda case, got: isinstance(got, np.ndarray) and got.shape != case.args[1].shape
             and got.size == case.args[1].size,
             "the gradient must have the same shape as x (one entry per element): "
             "grad = np.zeros_like(x), or .reshape(x.shape) at the end.", "shape",
             how="the result is an array of x's size but another shape"),
    ])


# ---- relative_error ------------------------------------------------------------

def re_visible():
    return [Case((a([1.0, 2.0, 3.0]), a([1.1, 2.0, 3.0])), "two close vectors"),
            Case((a([0.0, 0.0, 0.0]), a([0.0, 0.0, 0.0])), "both zero"),
            Case((a([3.0, 4.0]), a([0.0, 0.0])), "b is zero (the relative error is 1)"),
            Case((a([[1.0, 2.0], [3.0, 4.0]]), a([[1.5, 2.0], [3.0, 3.0]])), "2-D arrays"),
            Case((a([1e-3, -2e-3, 5e-4]), a([1.1e-3, -2e-3, 4e-4])), "small numbers")]


def re_random(rng):
    cases = []
    shapes = [(1,), (5,), (3, 4), (2, 3, 2), (1, 1), (10,), (4, 4), (6, 1)]
    for i, shape in enumerate(shapes):
        kind = KINDS[i % len(KINDS)]
        A = values(rng, shape, kind)
        B = A + values(rng, shape) * 10.0 ** -rng.integers(1, 9)
        cases.append(Case((A, B), msg("a and b of shape {shape}, {kind} values", shape=shape,
                                           kind=kind_word(kind)), hidden=True))
    cases.append(Case((np.zeros((2, 3)), np.zeros((2, 3))), "both zero, shape (2, 3)",
                      hidden=True))
    cases.append(Case((np.zeros(4), values(rng, (4,))), "a zero", hidden=True))
    cases.append(Case((values(rng, (2, 2)), values(rng, (2, 2))), "unrelated arrays",
                      hidden=True))
    return cases


def norm(x):
    return np.sqrt(np.sum(np.asarray(x, dtype=float) ** 2))


def both_zero(case):
    return not np.any(case.args[0]) and not np.any(case.args[1])


def matrix_2_norm(x):
    x = np.asarray(x, dtype=float)
    return np.linalg.norm(x, 2) if x.ndim == 2 else np.linalg.norm(x)


relative_error = Exercise(
    "relative_error", LESSON, "relative_error(a, b) -> float", ("a", "b"),
    visible=re_visible, random=re_random, scalar=True,
    mistakes=[
        when(lambda case, got: both_zero(case) and np.isnan(got),
             "0 / 0 is nan: when a and b are both zero the denominator is 0. Return 0.0 in "
             "that case (the arrays are equal), e.g. `if scale == 0: return 0.0`.", "both_zero",
             how="a and b are both zero and the result is nan"),
        raised("division by zero", "when a and b are both zero the denominator is 0. Return "
               "0.0 in that case (the arrays are equal).", "both_zero"),
        when(lambda case, got: np.ndim(got) > 0 and np.shape(got) == np.shape(case.args[0])
             and (np.size(got) > 1 or close(got, np.abs(case.args[0] - case.args[1]) / (
                 np.abs(case.args[0]) + np.abs(case.args[1])))),
             "you compared element by element and returned an array. Compare the whole "
             "arrays with one norm each: ||a - b|| / (||a|| + ||b||).", "elementwise",
             how=("the result is an array of a's shape: more than one number, or the "
                  "element-by-element `|a - b| / (|a| + |b|)`")),
        like(lambda A, B: np.max(np.abs(A - B) / (np.abs(A) + np.abs(B))),
             "that is the largest element-by-element relative error. Use Euclidean norms "
             "of the whole arrays: np.linalg.norm(a - b) / (np.linalg.norm(a) + "
             "np.linalg.norm(b)).", "elementwise",
             how="`np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))`"),
        like(lambda A, B: np.max(np.abs(A - B)) / (np.max(np.abs(A)) + np.max(np.abs(B))),
             "you used the largest absolute values (the max norm). Use the Euclidean norm, "
             "np.linalg.norm, which squares, sums and takes the square root.", "max_norm",
             how="`np.max(np.abs(a - b)) / (np.max(np.abs(a)) + np.max(np.abs(b)))`"),
        like(lambda A, B: norm(A - B) / norm(A),
             "the denominator should hold both norms, ||a|| + ||b||: then the result is "
             "symmetric and stays between 0 and 1.", "denominator",
             how="`norm(a - b) / norm(a)` (Euclidean norms)"),
        like(lambda A, B: norm(A - B) / norm(B),
             "the denominator should hold both norms, ||a|| + ||b||: then the result is "
             "symmetric and stays between 0 and 1.", "denominator",
             how="`norm(a - b) / norm(b)` (Euclidean norms)"),
        like(lambda A, B: norm(A - B) / norm(A + B),
             "the denominator is ||a|| + ||b||, the sum of two norms, not the norm of "
             "a + b.", "norm_of_sum",
             how="`norm(a - b) / norm(a + b)` (Euclidean norms)"),
        like(lambda A, B: np.sum(np.abs(A - B)) / (np.sum(np.abs(A)) + np.sum(np.abs(B))),
             "you summed absolute values (the L1 norm). Use the Euclidean norm: the square "
             "root of the sum of squares, np.linalg.norm(v).", "l1",
             how="`np.sum(np.abs(a - b)) / (np.sum(np.abs(a)) + np.sum(np.abs(b)))`: L1 norms"),
        like(lambda A, B: matrix_2_norm(A - B) / (matrix_2_norm(A) + matrix_2_norm(B)),
             "np.linalg.norm(M, 2) of a 2-D array is the largest singular value, not the "
             "Euclidean norm of all elements. Leave out the 2: np.linalg.norm(M).",
             "matrix_norm",
             how=("the relative error with `np.linalg.norm(M, 2)` (the largest singular value) "
                  "for 2-D arrays")),
        like(lambda A, B: norm(A - B) / norm(A) + norm(B),
             "operator precedence: x / y + z divides first. Put the denominator in "
             "brackets: norm(a - b) / (norm(a) + norm(b)).", "precedence",
             how="`norm(a - b) / norm(a) + norm(b)` (Euclidean norms)"),
        like(lambda A, B: norm(A - B) ** 2 / (norm(A) ** 2 + norm(B) ** 2),
             "you used squared norms. Take the square root: np.linalg.norm(v) is "
             "sqrt(sum(v**2)).", "squared",
             how="`norm(a - b) ** 2 / (norm(a) ** 2 + norm(b) ** 2)` (Euclidean norms)"),
        size_one_array("you returned an array holding one number; return a plain number with "
                       "float(...)."),
    ])


# ---- loss gradients ------------------------------------------------------------

def numeric_of(loss):
    """Centred differences of a blocks loss in its first argument (on a copy)."""
    def numeric(case):
        first, second = case.args
        return blocks.numerical_gradient(lambda v: loss(v, second),
                                         np.array(first, dtype=float))
    return numeric


def grad_random(rng):
    cases = []
    for i, shape in enumerate([(1, 1), (5, 1), (3, 4), (1, 6), (8,), (2, 3), (10, 2), (1,)]):
        kind = KINDS[i % len(KINDS)]
        Y = values(rng, shape, kind)
        cases.append(Case((Y + values(rng, shape), Y),
                          msg("Y_hat and Y of shape {shape}, {kind} values", shape=shape,
                              kind=kind_word(kind)), hidden=True))
    return cases


mse_loss_grad = Exercise(
    "mse_loss_grad", LESSON, "mse_loss_grad(Y_hat, Y) -> dY_hat", ("Y_hat", "Y"),
    visible=mse_visible, random=grad_random, finite_difference=numeric_of(blocks.mse_loss),
    mistakes=[
        changed_input("your values are right, but Y_hat or Y was changed in place "
                      "(e.g. Y_hat -= Y). Compute into a new array."),
        like(lambda Y_hat, Y: 2 * (Y_hat - Y),
             "the 1/N is missing: the loss is a mean over all N elements, so its gradient is "
             "2 (Y_hat - Y) / Y_hat.size.", "no_mean",
             how="`2 * (Y_hat - Y)`"),
        like(lambda Y_hat, Y: 2 * (Y_hat - Y) / len(Y_hat),
             "you divided by the number of examples m. The MSE is a mean over all elements: "
             "divide by Y_hat.size.", "rows",
             how="`2 * (Y_hat - Y) / len(Y_hat)`"),
        like(lambda Y_hat, Y: 2 * (Y - Y_hat) / Y_hat.size,
             "the sign is flipped: d/dY_hat of (Y_hat - Y)**2 is +2 (Y_hat - Y).", "sign",
             how="`2 * (Y - Y_hat) / Y_hat.size`"),
        like(lambda Y_hat, Y: (Y_hat - Y) / Y_hat.size,
             "the factor 2 is missing: the derivative of e**2 is 2e.", "no_two",
             how="`(Y_hat - Y) / Y_hat.size`"),
        like(lambda Y_hat, Y: 2 * (Y_hat - Y) / Y_hat.size ** 2,
             "you divided by N twice. The mean's 1/N appears once: 2 (Y_hat - Y) / N.",
             "twice",
             how="`2 * (Y_hat - Y) / Y_hat.size ** 2`"),
        returns_number("you returned one number. The gradient has one entry per "
                       "element of Y_hat, the same shape as Y_hat."),
    ])


def bce_grad_random(rng):
    cases = []
    for i, shape in enumerate([(1, 1), (5, 1), (8,), (1,), (12, 1), (4, 3), (20,)]):
        P = probabilities(rng, shape, spread=[2.0, 4.0, 12.0][i % 3])
        Y = (rng.random(shape) < 0.5).astype(float)
        cases.append(Case((P, Y), msg("P and Y of shape {shape}", shape=shape), hidden=True))
    P = probabilities(rng, (10, 1))
    Y = (rng.random((10, 1)) < 0.5).astype(float)
    sure = rng.random((10, 1)) < 0.3
    P[sure] = Y[sure]
    cases.append(Case((P, Y), "shape (10, 1), exact 0s and 1s where Y is 0 or 1", hidden=True))
    return cases


def bce_grad_with(P, Y, eps=blocks.EPS):
    P = np.clip(P, eps, 1 - eps)
    return (P - Y) / (P * (1 - P)) / P.size


def bce_grad_wrong_eps(case, got):
    edge = closest_to_edge(case.args[0])
    return any(close(got, bce_grad_with(*case.args, eps=e))
               for e in (1e-4, 1e-3, 1e-2, 0.1) if e > edge)


def bce_numeric_cases():
    return [Case((a([0.9, 0.2, 0.6]), a([1.0, 0.0, 0.0]))),
            Case((a([[0.7, 0.1], [0.4, 0.95]]), a([[1.0, 0.0], [0.0, 1.0]])))]


# At an exact, sure and right 0 or 1 the clipped gradient is +-1 / (1 - eps) / N,
# about +-1 / N for every eps: rtol = 2e-5 accepts any clipping eps up to 1e-5.
binary_cross_entropy_grad = Exercise(
    "binary_cross_entropy_grad", LESSON, "binary_cross_entropy_grad(P, Y) -> dP", ("P", "Y"),
    visible=bce_visible, random=bce_grad_random, rtol=2e-5,
    tolerance=finite_if_sure_and_wrong(2e-5, 1e-9),
    finite_difference=numeric_of(blocks.binary_cross_entropy), gradcheck_cases=bce_numeric_cases,
    mistakes=[
        changed_input("your values are right, but P was changed in place "
                      "(np.clip(P, ..., out=P) or P[P < eps] = eps). "
                      "P = np.clip(P, eps, 1 - eps) makes a new array.", rtol=2e-5),
        unclipped("at P exactly 0 or 1 the formula divides by 0. Clip P first, as in the loss: "
                  "P = np.clip(P, eps, 1 - eps) with eps = 1e-7."),
        like(lambda P, Y: bce_grad_with(P, Y) * P.size,
             "the 1/N is missing: the loss is a mean over all N elements, so divide the "
             "gradient by P.size.", "no_mean",
             how="the right gradient (P clipped) times N = P.size: `(P - Y) / (P (1 - P))`"),
        like(lambda P, Y: -bce_grad_with(P, Y),
             "the sign is flipped. Where Y = 1 the loss -log P falls as P grows, so the "
             "gradient there is negative: (P - Y) / (P (1 - P)) / N.", "sign",
             how="the right gradient (P clipped) with its sign flipped"),
        like(lambda P, Y: bce_grad_with(P, Y) / P.size,
             "you divided by N twice. The mean's 1/N appears once.", "twice",
             how="the right gradient (P clipped) divided by N = P.size once more"),
        like(lambda P, Y: (P - Y) / P.size,
             "(P - Y) / N is the gradient with respect to Z, through the sigmoid. Here the "
             "variable is P itself: (P - Y) / (P (1 - P)) / N.", "through_sigmoid",
             how="`(P - Y) / P.size`"),
        like(lambda P, Y: -Y / np.clip(P, blocks.EPS, 1) / P.size,
             "only the Y log P term was differentiated. The (1 - Y) log(1 - P) term adds "
             "(1 - Y) / (1 - P): the gradient is -(Y / P - (1 - Y) / (1 - P)) / N.",
             "one_term",
             how="`-Y / P / P.size` (P clipped from below): the first term only"),
        like(lambda P, Y: (P - Y) / (np.clip(P, blocks.EPS, 1 - blocks.EPS) * (
                1 - np.clip(P, blocks.EPS, 1 - blocks.EPS))) / P.size,
             "only the denominator uses the clipped P. Clip once, at the top "
             "(P = np.clip(P, eps, 1 - eps)), and use that P in the numerator too.",
             "numerator_unclipped",
             how=("`(P - Y) / (Pc * (1 - Pc)) / P.size` with Pc the clipped P: the numerator "
                  "uses the unclipped P")),
        when(bce_grad_wrong_eps, "P was clipped too far from 0 and 1. Clip to [eps, 1 - eps] "
             "with eps = 1e-7.", "wrong_eps",
             how=("the result equals the gradient with P clipped to [eps, 1 - eps] for a larger "
                  "eps (1e-4, 1e-3, 1e-2 or 0.1), one that reaches past the P closest to 0 or 1")),
        returns_number("you returned one number. The gradient has one entry per "
                       "element of P, the same shape as P."),
    ])


def sce_grad_random(rng):
    cases = []
    shapes = [(1, 3), (4, 2), (3, 3), (6, 5), (1, 1), (5, 10), (2, 4), (8, 3), (3, 1)]
    for i, (m, C) in enumerate(shapes):
        kind = KINDS[i % len(KINDS)]
        cases.append(Case((values(rng, (m, C), kind), rng.integers(0, C, size=m)),
                          logits_label(m, C, kind), hidden=True))
    return cases


def onehot(labels, C):
    return np.eye(C)[labels]


def sce_grad_fancy(Z, y):
    G = blocks.softmax(Z)
    G[:, y] -= 1
    return G / len(Z)


def sce_grad_rows(Z, y):
    G = blocks.softmax(Z)
    G[y] -= 1
    return G / len(Z)


def sce_numeric_cases():
    return [Case((a([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), a([0, 2]))),
            Case((a([[0.3, -1.2, 2.0, 0.0], [1.5, 0.5, -0.5, 2.5], [-2.0, 0.0, 1.0, 0.1]]),
                  a([3, 0, 2])))]


softmax_cross_entropy_grad = Exercise(
    "softmax_cross_entropy_grad", LESSON, "softmax_cross_entropy_grad(logits, labels) -> dlogits",
    ("logits", "labels"), visible=sce_visible, random=sce_grad_random,
    finite_difference=numeric_of(blocks.softmax_cross_entropy), gradcheck_cases=sce_numeric_cases,
    mistakes=[
        changed_input("your values are right, but logits was changed in place "
                      "(e.g. logits -= ... or a softmax written into it). "
                      "Compute into a new array."),
        overflowed_logits("exp overflowed for large logits. Compute the softmax stably: "
                          "subtract each row's maximum first (or use blocks' softmax)."),
        like(lambda Z, y: blocks.softmax(Z) - onehot(y, Z.shape[1]),
             "the 1/m is missing: the loss is a mean over the m examples, so the gradient is "
             "(softmax(logits) - onehot) / m.", "no_mean",
             how="`softmax(logits) - onehot(labels)`: no division by m"),
        like(lambda Z, y: (onehot(y, Z.shape[1]) - blocks.softmax(Z)) / len(Z),
             "the sign is flipped: the gradient is (softmax - onehot) / m, so the right "
             "class's entry is negative (raising its logit lowers the loss).", "sign",
             how="`(onehot(labels) - softmax(logits)) / m`"),
        like(lambda Z, y: blocks.softmax(Z) / len(Z),
             "the one-hot part is missing: subtract 1 at each row's right class, "
             "G[np.arange(m), labels] -= 1, then divide by m.", "no_onehot",
             how="`softmax(logits) / m`: no one-hot term"),
        like(sce_grad_fancy, "G[:, labels] -= 1 subtracts 1 in every row, in every listed "
             "column. Subtract it once per row, at that row's class: "
             "G[np.arange(m), labels] -= 1.", "fancy_index",
             how="`G = softmax(logits); G[:, labels] -= 1; G / m`"),
        like(sce_grad_rows, "G[labels] -= 1 subtracts 1 from whole rows (the rows numbered "
             "by the labels). Subtract it once per row, at that row's class: "
             "G[np.arange(m), labels] -= 1.", "fancy_index",
             how="`G = softmax(logits); G[labels] -= 1; G / m`"),
        like(lambda Z, y: blocks.softmax(Z) * (1 - blocks.softmax(Z)) / len(Z),
             "softmax(logits) * (1 - softmax(logits)) is the softmax's own slope, each output "
             "against its own logit, and it has no labels in it. The cross-entropy's gradient "
             "through the softmax is simpler: (softmax(logits) - onehot(labels)) / m.",
             "softmax_slope",
             how="`softmax(logits) * (1 - softmax(logits)) / m`"),
        like(lambda Z, y: (blocks.softmax(Z) - onehot((y - 1) % Z.shape[1], Z.shape[1]))
             / len(Z), "the 1 is subtracted one column to the left. Labels count from 0: "
             "class c is column c.", "wrong_column",
             how="`(softmax(logits) - onehot(labels - 1)) / m`: the 1 one column to the left"),
        like(lambda Z, y: (blocks.softmax(Z) - onehot(y, Z.shape[1])) / Z.size,
             "you divided by m * C. The loss is a mean over the m examples only: divide "
             "by m = logits.shape[0].", "size",
             how="`(softmax(logits) - onehot(labels)) / logits.size`: divided by m * C"),
        like(lambda Z, y: (blocks.softmax(Z) - onehot(y, Z.shape[1])) / len(Z) ** 2,
             "you divided by m twice. The mean's 1/m appears once.", "twice",
             how="`(softmax(logits) - onehot(labels)) / m ** 2`"),
        returns_number("you returned one number. The gradient has the shape of logits, "
                       "(m, C)."),
    ])


# ---- neuron_gradients ----------------------------------------------------------

def neuron_visible():
    return [Case((a([1.0, 2.0, 3.0]), a([0.2, 0.8, -0.5]), 0.5, 1.0),
                 "the article's first neuron, target 1"),
            Case((a([0.5, -1.0]), a([1.5, 0.3]), -0.2, 0.0), "two inputs, target 0"),
            Case((a([2.0]), a([-0.7]), 0.1, 1.0), "a single input"),
            Case((a([1.0, -2.0, 0.5, 3.0]), a([0.4, 0.1, -0.6, 0.2]), 0.0, 0.3),
                 "four inputs, target 0.3")]


def neuron_random(rng):
    cases = []
    for i, n in enumerate([1, 2, 3, 5, 8, 4, 6, 2]):
        kind = ["normal", "normal", "zeros", "large"][i % 4]
        x = values(rng, (n,), kind) if kind != "large" else values(rng, (n,)) * 3
        y = float(rng.choice([0.0, 1.0])) if i % 2 else float(rng.random())
        cases.append(Case((x, values(rng, (n,)) * 0.5, float(rng.normal()), y),
                          nmsg("{n} input, target {y:.3g}", "{n} inputs, target {y:.3g}", n, y=y),
                          hidden=True))
    return cases


def neuron_variant(dz_of, dw_of=lambda dz, x, w: dz * x, db_of=lambda dz: dz):
    def grads(x, w, b, y):
        z = float(np.dot(w, x) + b)
        a_ = float(blocks.sigmoid(z))
        dz = dz_of(z, a_, y)
        return dw_of(dz, x, w), db_of(dz)
    return grads


def neuron_numeric(case, h=1e-5):
    x, w, b, y = case.args

    def loss(w_, b_):
        return float((blocks.sigmoid(np.dot(w_, x) + b_) - y) ** 2)
    dw = blocks.numerical_gradient(lambda v: loss(v, b), np.array(w, dtype=float), h)
    db = (loss(w, b + h) - loss(w, b - h)) / (2 * h)
    return dw, db


def sig(v):
    return float(blocks.sigmoid(v))


neuron_gradients = Exercise(
    "neuron_gradients", LESSON, "neuron_gradients(x, w, b, y) -> (dw, db)", ("x", "w", "b", "y"),
    visible=neuron_visible, random=neuron_random, outputs=("dw", "db"), finite_difference=neuron_numeric,
    mistakes=[
        changed_input("your values are right, but x or w was changed in place. "
                      "Compute into new arrays."),
        in_wrong_order(("dw", "db"), "order"),
        like(neuron_variant(lambda z, a, y: 2 * (a - y)),
             "the sigmoid's derivative is missing. The chain is dL/dw = dL/da * da/dz * dz/dw, "
             "with da/dz = a (1 - a).", "no_sigmoid_derivative",
             how=("the gradients `(dz * x, dz)` with `dz = 2 (a - y)`: no sigmoid derivative (a "
                  "= sigmoid(w · x + b))")),
        like(neuron_variant(lambda z, a, y: (a - y) * a * (1 - a)),
             "the factor 2 is missing: dL/da for L = (a - y)**2 is 2 (a - y).", "no_two",
             how="the gradients `(dz * x, dz)` with `dz = (a - y) a (1 - a)`: no factor 2"),
        like(neuron_variant(lambda z, a, y: 2 * (a - y) * sig(a) * (1 - sig(a))),
             "sigmoid(a) (1 - sigmoid(a)) applies the sigmoid twice. The derivative at z is "
             "a (1 - a), with a = sigmoid(z) already computed.", "derivative_at_a",
             how=("the gradients `(dz * x, dz)` with "
                  "`dz = 2 (a - y) sigmoid(a) (1 - sigmoid(a))`: the sigmoid applied twice")),
        like(neuron_variant(lambda z, a, y: 2 * (a - y) * z * (1 - z)),
             "z (1 - z) is not the sigmoid's derivative: it is a (1 - a) with "
             "a = sigmoid(z).", "derivative_at_z",
             how="the gradients `(dz * x, dz)` with `dz = 2 (a - y) z (1 - z)`"),
        like(neuron_variant(lambda z, a, y: 2 * (z - y) * a * (1 - a)),
             "the loss is on the neuron's output a = sigmoid(z), not on z: "
             "dL/da = 2 (a - y).", "z_for_a",
             how=("the gradients `(dz * x, dz)` with `dz = 2 (z - y) a (1 - a)`: the loss taken "
                  "on z")),
        like(neuron_variant(lambda z, a, y: 2 * (y - a) * a * (1 - a)),
             "the sign is flipped: dL/da for L = (a - y)**2 is 2 (a - y), not 2 (y - a).",
             "sign",
             how="the gradients `(dz * x, dz)` with `dz = 2 (y - a) a (1 - a)`: the sign flipped"),
        like(neuron_variant(lambda z, a, y: 2 * (a - y) * a * (1 - a),
                            dw_of=lambda dz, x, w: dz * w),
             "dz/dw is x, not w (z = w . x + b): dw = dL/dz * x.", "times_w",
             how=("the gradients `(dz * w, dz)` with the right `dz = 2 (a - y) a (1 - a)`: w in "
                  "place of x")),
        when(lambda case, got: np.shape(got[1]) != () and np.size(got[1]) == 1,
             "db is a single number (a float), not an array holding one number: "
             "db = float(...).", "db_array",
             how="db (the second value returned) is an array holding one number"),
        when(lambda case, got: np.shape(got[0]) != np.shape(case.args[1]),
             "dw must have the shape of w, one entry per weight: dw = dL/dz * x.", "dw_shape",
             how="dw (the first value returned) does not have w's shape"),
    ])

EXERCISES = [numerical_gradient, relative_error, mse_loss_grad, binary_cross_entropy_grad,
             softmax_cross_entropy_grad, neuron_gradients]
