"""Lesson 02, activations: sigmoid, tanh, relu, softmax and three derivatives."""
import numpy as np

import blocks

from ..engine.exercise import Case, Exercise, like, raised, raised_when, shapes_named, when
from ..engine.messages import nmsg
from .gen import KINDS, elementwise_cases, kind_word, values

LESSON = "02_activations"
a = np.array


def has_nan_where_large(case, got):
    z = np.asarray(case.args[0], dtype=float)
    return np.any(~np.isfinite(got) & (np.abs(z) > 300))


UNSTABLE = ("np.exp overflowed for a large |z| (e^1000 is inf, and inf/inf is nan). "
            "Rewrite the formula so exp only ever sees non-positive numbers.")


def visible(*arrays):
    return lambda: [Case((x,), label) for x, label in arrays]


BASIC = (a([-2.0, 0.0, 2.0]), "a few values")
LARGE = (a([-1000.0, -30.0, 0.0, 30.0, 1000.0]), "large magnitudes")
BATCH = (a([[0.5, -1.5], [3.0, -0.25]]), "a 2-D array")
SCALAR = (np.float64(0.7), "a single number")
ZEROS = (a([0.0, -0.0, 1e-12, -1e-12]), "zeros and tiny numbers")
AWAY_FROM_KINK = (a([-3.0, -0.5, 0.25, 4.0]), "away from 0")
INTEGERS = (a([-3, 0, 2], dtype=np.int64), "whole numbers in an integer array (dtype int64)")


def floats_into_integers(f):
    """``f``'s result computed into an array of z's own (integer) dtype: what
    ``np.empty_like(z)``, ``np.zeros_like(z)`` or ``z.copy()`` filled in place give."""
    def wrong(z):
        z = np.asarray(z)
        out = np.empty_like(z)
        out[...] = f(z.astype(float))
        return out
    return wrong


def into_integers(f):
    return when(lambda case, got: np.asarray(case.args[0]).dtype.kind in "iu"
                and np.asarray(got).dtype.kind in "iu"
                and np.array_equal(got, floats_into_integers(f)(case.args[0])),
                "the result was stored in an array of z's own dtype, and this z holds "
                "integers (dtype int64), so every value was cut to a whole number. Work in "
                "floats whatever comes in: z = np.asarray(z, dtype=float) first, then "
                "np.empty_like(z) gives a float array.", "integer_result",
                how="z is an integer array and the result is the right values cut to "
                    "integers (computed into `np.empty_like(z)` or the like)")


def elementwise(exercise_id, signature, visible_cases, mistakes, finite_difference=None, uses=()):
    return Exercise(exercise_id, LESSON, signature, ("z",), visible=visible(*visible_cases),
                    random=elementwise_cases, mistakes=mistakes, finite_difference=finite_difference,
                    gradcheck_cases=visible(AWAY_FROM_KINK, BATCH), uses=uses)


def centred(f, h=1e-6):
    """The numerical derivative of an elementwise function, as an exercise's ``finite_difference``."""
    return lambda case: (f(case.args[0] + h) - f(case.args[0] - h)) / (2 * h)


sigmoid = elementwise("sigmoid", "sigmoid(z)", [BASIC, LARGE, BATCH, SCALAR, INTEGERS], [
    like(lambda z: 1 / (1 + np.exp(z)), "the sign in the exponent is flipped: "
         "sigmoid(z) = 1 / (1 + e^(-z)), so sigmoid(2) > 0.5.", "sign",
         how="`1 / (1 + np.exp(z))`"),
    like(lambda z: 1 / 1 + np.exp(-z), "operator precedence: 1 / 1 + np.exp(-z) divides "
         "1 by 1 first. Put the denominator in brackets: 1 / (1 + np.exp(-z)).", "precedence",
         how="`1 / 1 + np.exp(-z)`"),
    like(lambda z: 1 / (1 - np.exp(-z)), "the denominator should be 1 + e^(-z), not 1 - e^(-z).",
         "minus",
         how="`1 / (1 - np.exp(-z))`"),
    like(lambda z: np.exp(-z) / (1 + np.exp(-z)), "that is 1 - sigmoid(z) = sigmoid(-z): "
         "the numerator should be 1 (or e^z over 1 + e^z).", "complement",
         how="`np.exp(-z) / (1 + np.exp(-z))`"),
    when(has_nan_where_large, UNSTABLE, "unstable",
         how="the result holds nan or inf where |z| > 300 (exp overflowed)"),
    into_integers(blocks.sigmoid),
    raised("only length-1 arrays", "math.exp works on one number only; use np.exp, "
           "which works on whole arrays.", "math_exp"),
    raised("only 0-dimensional arrays", "math.exp works on one number only; use np.exp, "
           "which works on whole arrays.", "math_exp"),
])

tanh = elementwise("tanh", "tanh(z)", [BASIC, LARGE, BATCH, SCALAR, INTEGERS], [
    when(has_nan_where_large, UNSTABLE + " Or use np.tanh, which is stable.", "unstable",
         how="the result holds nan or inf where |z| > 300 (exp overflowed)"),
    like(blocks.sigmoid, "that is the sigmoid; tanh maps to (-1, 1): np.tanh(z).", "sigmoid",
         how="the sigmoid, `1 / (1 + np.exp(-z))`"),
    like(lambda z: 2 * blocks.sigmoid(z) - 1, "2·sigmoid(z) - 1 is tanh(z/2). "
         "The identity is tanh(z) = 2·sigmoid(2z) - 1.", "half",
         how="`2 * sigmoid(z) - 1`"),
    like(lambda z: 1 / np.tanh(z), "numerator and denominator are swapped: "
         "tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z)).", "coth",
         how="`1 / np.tanh(z)`"),
    like(lambda z: 1 - np.tanh(z) ** 2, "that is the derivative of tanh, not tanh itself.",
         "derivative",
         how="`1 - np.tanh(z) ** 2`"),
    into_integers(np.tanh),
])

relu = elementwise("relu", "relu(z)", [BASIC, BATCH, ZEROS, SCALAR, INTEGERS], [
    when(lambda case, got: np.asarray(case.args[0]).dtype.kind in "iu"
         and np.asarray(got).dtype.kind in "iu"
         and np.array_equal(got, np.maximum(0, case.args[0])),
         "the values are right, but for an integer z they stay integers (in np.maximum(0, z) "
         "the 0 is an int too, and z * (z > 0) keeps z's dtype). Write np.maximum(0.0, z): "
         "a float 0.0 makes the result floats whatever z holds.", "integer_output",
         how="z is an integer array and the result is ReLU's values, still integers"),
    like(lambda z: np.max(z, 0), "np.max(z, 0) takes the largest value along axis 0. "
         "For the element-wise maximum with 0 use np.maximum(0, z).", "np_max",
         how="`np.max(z, 0)`"),
    like(np.abs, "np.abs flips negatives to positive; ReLU sets them to 0.", "abs",
         how="`np.abs(z)`"),
    like(lambda z: np.minimum(0, z), "np.minimum keeps the negatives; ReLU keeps the "
         "positives: np.maximum(0, z).", "minimum",
         how="`np.minimum(0, z)`"),
    like(lambda z: (np.asarray(z) > 0).astype(float), "that is ReLU's derivative "
         "(0 or 1); ReLU itself returns z where z > 0.", "derivative",
         how="`(z > 0).astype(float)`"),
    raised("truth value of an array", "Python's max(0, z) compares one number at a time; "
           "for arrays use np.maximum(0, z).", "python_max"),
])


def softmax_visible():
    return [Case((a([[1.0, 2.0, 3.0]]),), "one row"),
            Case((a([[1000.0, 1000.0], [1.0, 2.0]]),), "large logits"),
            Case((a([[1000.0, 990.0, 1000.0], [-1000.0, -1000.0, -990.0]]),),
                 "rows far apart"),
            Case((a([[0.0, 0.0, 0.0, 0.0], [2.0, -1.0, 0.5, 0.0], [3.0, 3.0, -3.0, 1.0]]),),
                 "three rows of four classes")]


def softmax_random(rng):
    cases = []
    for i, (m, c) in enumerate([(1, 3), (4, 2), (3, 3), (6, 5), (1, 1), (5, 10), (2, 4), (7, 7)]):
        kind = KINDS[i % len(KINDS)]
        cases.append(Case((values(rng, (m, c), kind),), nmsg("{n} row of {c} logits, {kind} values",
                                                   "{n} rows of {c} logits, {kind} values", m, c=c,
                                                   kind=kind_word(kind)),
                          hidden=True))
    return cases


def exp_shifted(Z):
    return np.exp(Z - np.max(Z, axis=1, keepdims=True))


softmax = Exercise(
    "softmax", LESSON, "softmax(Z)", ("Z",), visible=softmax_visible, random=softmax_random,
    mistakes=[
        like(lambda Z: exp_shifted(Z) / exp_shifted(Z).sum(axis=0, keepdims=True),
             "the sum runs down the columns (axis=0). Each row is one example: "
             "normalise along axis=1 with keepdims=True.", "axis0",
             how=("the exponentials (shifted by each row's maximum) divided by their column "
                  "sums, `.sum(axis=0, keepdims=True)`")),
        like(lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(),
             "you normalised over the whole array; each row must sum to 1: "
             ".sum(axis=1, keepdims=True).", "whole_array",
             how="`np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum()`: one sum over the whole array"),
        like(lambda Z: exp_shifted(Z) / exp_shifted(Z).sum(axis=1),
             "the row sums lost their axis (shape (m,) broadcasts across columns). "
             "Use .sum(axis=1, keepdims=True) so they have shape (m, 1).", "no_keepdims",
             how=("the exponentials (shifted by each row's maximum) divided by `.sum(axis=1)` "
                  "without keepdims")),
        when(lambda case, got: np.isnan(got).any() and (np.abs(case.args[0]) > 300).any(),
             "np.exp overflowed or every entry of a row underflowed to 0, giving nan. "
             "Subtract each row's own maximum first: Z - Z.max(axis=1, keepdims=True) "
             "(the result is the same, and exp never sees a large number).", "unstable",
             how=("the result holds nan and some |logit| is over 300 (exp overflowed, or a row "
                  "underflowed to 0)")),
        like(lambda Z: (np.exp(Z - Z.max(axis=1)) / np.exp(Z - Z.max(axis=1)).sum(
            axis=1, keepdims=True)),
             "each row's maximum was subtracted from the wrong entries: Z.max(axis=1) has "
             "shape (m,), which lines up with the columns, not the rows. Keep it a column: "
             "Z - Z.max(axis=1, keepdims=True).", "max_axis",
             how=("`E = np.exp(Z - Z.max(axis=1))` (the maxima as a row), divided by "
                  "`E.sum(axis=1, keepdims=True)`")),
        raised_when("operands could not be broadcast",
                    lambda case, text: shapes_named(text)[1] in ((len(case.args[0]),),
                                                                 (1, len(case.args[0]))),
                    "a row's maximum or its sum lost its axis: one value per row, of shape "
                    "(m,) or (1, m), lines up with the columns, not the rows. Keep both as "
                    "columns of shape (m, 1): Z.max(axis=1, keepdims=True) and "
                    "E.sum(axis=1, keepdims=True).", "no_keepdims",
                    how="names a second shape (m,) or (1, m), m the number of rows"),
    ])

sigmoid_derivative = elementwise(
    "sigmoid_derivative", "sigmoid_derivative(z)", [BASIC, LARGE, BATCH, SCALAR, INTEGERS], [
        like(lambda z: z * (1 - z), "z(1 - z) is the formula for a sigmoid *output*. "
             "The argument here is the pre-activation z: compute s = sigmoid(z) first, "
             "then s * (1 - s).", "output_not_input",
             how="`z * (1 - z)`"),
        like(blocks.sigmoid, "that is the sigmoid itself; its derivative is "
             "sigmoid(z) * (1 - sigmoid(z)).", "sigmoid",
             how="the sigmoid itself, `1 / (1 + np.exp(-z))`"),
        like(lambda z: blocks.sigmoid(z) * (1 + blocks.sigmoid(z)),
             "the sign is wrong: sigmoid'(z) = s * (1 - s).", "plus",
             how="`sigmoid(z) * (1 + sigmoid(z))`"),
        like(lambda z: -blocks.sigmoid_derivative(z), "the sign is flipped: "
             "the sigmoid increases, so its derivative is positive.", "negated",
             how="`-sigmoid(z) * (1 - sigmoid(z))`"),
        when(has_nan_where_large, UNSTABLE, "unstable",
             how="the result holds nan or inf where |z| > 300 (exp overflowed)"),
    ], finite_difference=centred(blocks.sigmoid), uses=("sigmoid",))

tanh_derivative = elementwise(
    "tanh_derivative", "tanh_derivative(z)", [BASIC, LARGE, BATCH, SCALAR, INTEGERS], [
        like(lambda z: 1 - z ** 2, "1 - a² is the formula in terms of the *output* a = tanh(z). "
             "Here the argument is z: compute 1 - np.tanh(z)**2.", "output_not_input",
             how="`1 - z ** 2`"),
        like(lambda z: 1 - np.tanh(z ** 2), "the square is inside tanh: 1 - tanh(z**2) "
             "squares z. Square tanh's output instead: 1 - np.tanh(z)**2.", "square_inside",
             how="`1 - np.tanh(z ** 2)`"),
        like(lambda z: 1 - np.tanh(z), "tanh must be squared: 1 - tanh(z)**2.", "not_squared",
             how="`1 - np.tanh(z)`"),
        like(lambda z: np.tanh(z) ** 2 - 1, "the sign is flipped: 1 - tanh(z)**2.", "negated",
             how="`np.tanh(z) ** 2 - 1`"),
        like(lambda z: 1 / np.cosh(z), "sech(z) must be squared: 1 / cosh(z)**2.", "sech",
             how="`1 / np.cosh(z)`"),
        when(has_nan_where_large, UNSTABLE + " np.tanh is stable.", "unstable",
             how="the result holds nan or inf where |z| > 300 (exp overflowed)"),
    ], finite_difference=centred(np.tanh), uses=("tanh",))

relu_derivative = elementwise(
    "relu_derivative", "relu_derivative(z)", [BASIC, ZEROS, BATCH, SCALAR, INTEGERS], [
        when(lambda case, got: got.dtype == bool, "you returned booleans (True/False); "
             "return floats with (z > 0).astype(float).", "booleans",
             how="the result's dtype is bool"),
        like(lambda z: (np.asarray(z) >= 0).astype(float), "at exactly z = 0 the course takes "
             "relu'(0) = 0: use z > 0, not z >= 0.", "one_at_zero",
             how="`(z >= 0).astype(float)`"),
        like(lambda z: np.maximum(0, z), "that is ReLU itself; its derivative is 1 where "
             "z > 0 and 0 elsewhere.", "relu",
             how="`np.maximum(0, z)`"),
        like(np.sign, "np.sign gives -1 for negative z; the derivative there is 0.", "sign",
             how="`np.sign(z)`"),
        like(lambda z: (np.asarray(z) < 0).astype(float), "the comparison is reversed: "
             "1 where z > 0.", "reversed",
             how="`(z < 0).astype(float)`"),
        raised("truth value of an array", "`if z > 0:` works for one number only: for an "
               "array, z > 0 is an array of True/False and Python's `if` cannot decide on it. "
               "Compare element by element instead: (z > 0).astype(float), or "
               "np.where(z > 0, 1.0, 0.0).", "scalar_if"),
    ], finite_difference=centred(blocks.relu), uses=("relu",))

EXERCISES = [sigmoid, tanh, relu, softmax, sigmoid_derivative, tanh_derivative, relu_derivative]
