import math

import numpy as np


def sigmoid_piecewise(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_piecewise_into_z(z):
    """The piecewise sigmoid written into an array of z's own dtype: integers cut it."""
    z = np.asarray(z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def tanh_into_z(z):
    out = np.zeros_like(np.asarray(z))
    out[...] = np.tanh(z)
    return out


def softmax_max_as_row(Z):
    E = np.exp(Z - Z.max(axis=1).reshape(1, -1))
    return E / E.sum(axis=1, keepdims=True)


def softmax_max_without_keepdims(Z):
    E = np.exp(Z - Z.max(axis=1))
    return E / E.sum(axis=1, keepdims=True)


def sigmoid_naive(z):          # the article's formula: right, with an overflow warning
    return 1 / (1 + np.exp(-z))


def sigmoid_via_tanh(z):
    return 0.5 * (1 + np.tanh(z / 2))


def tanh_stable_formula(z):
    e = np.exp(-2 * np.abs(z))
    return np.sign(z) * (1 - e) / (1 + e)


def relu_loop(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        out[i] = z[i] if z[i] > 0 else 0.0
    return out


def softmax_loop(Z):
    out = np.empty_like(Z)
    for i, row in enumerate(Z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


def softmax_logsumexp(Z):
    top = Z.max(axis=1, keepdims=True)
    return np.exp(Z - top - np.log(np.exp(Z - top).sum(axis=1, keepdims=True)))


def relu_in_place(z):
    z[z < 0] = 0
    return z


def softmax_global_max(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)


def relu_derivative_if(z):
    if z > 0:
        return 1.0
    return 0.0


RIGHT = {
    "sigmoid": [sigmoid_piecewise, sigmoid_naive, sigmoid_via_tanh],
    "tanh": [np.tanh, tanh_stable_formula],
    "relu": [relu_loop, lambda z: np.where(z > 0, z, 0.0), lambda z: 1.0 * z * (z > 0)],
    "softmax": [softmax_loop, softmax_logsumexp],
    "sigmoid_derivative": [lambda z: sigmoid_piecewise(z) * (1 - sigmoid_piecewise(z)),
                           lambda z: np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2],
    "tanh_derivative": [lambda z: 1 - np.tanh(z) ** 2, lambda z: 1 / np.cosh(z) ** 2],
    "relu_derivative": [lambda z: np.where(z > 0, 1.0, 0.0), lambda z: (z > 0) * 1.0,
                        lambda z: np.heaviside(z, 0.0)],
}

WRONG = {
    "sigmoid": [
        (lambda z: 1 / (1 + np.exp(z)), "sign"),
        (lambda z: 1 / 1 + np.exp(-z), "precedence"),
        (lambda z: 1 / (1 - np.exp(-z)), "minus"),
        (lambda z: np.exp(z) / (1 + np.exp(z)), "unstable"),
        (lambda z: 1 / (1 + math.exp(-z)), "math_exp"),
        (sigmoid_piecewise_into_z, "integer_result"),
    ],
    "tanh": [
        (lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), "unstable"),
        (lambda z: 2 * sigmoid_piecewise(z) - 1, "half"),
        (sigmoid_piecewise, "sigmoid"),
        (lambda z: 1 - np.tanh(z) ** 2, "derivative"),
        (tanh_into_z, "integer_result"),
    ],
    "relu": [
        (lambda z: np.max(z, 0), "np_max"),
        (np.abs, "abs"),
        (lambda z: np.minimum(0, z), "minimum"),
        (lambda z: (z > 0).astype(float), "derivative"),
        (lambda z: max(0, z), "python_max"),
        (relu_in_place, None),        # caught as "changed its argument z in place"
        (lambda z: np.maximum(0, z), "integer_output"),     # integers stay integers
        (lambda z: z * (z > 0), "integer_output"),
    ],
    "softmax": [
        (lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "unstable"),
        (lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True))
         / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=0, keepdims=True), "axis0"),
        (lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(), "whole_array"),
        (lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True))
         / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1), "no_keepdims"),
        (softmax_global_max, "unstable"),
        (softmax_max_as_row, "no_keepdims"),            # the walkthrough's M7
        (softmax_max_without_keepdims, "no_keepdims"),
    ],
    "sigmoid_derivative": [
        (lambda z: z * (1 - z), "output_not_input"),
        (sigmoid_piecewise, "sigmoid"),
        (lambda z: sigmoid_piecewise(z) * (1 + sigmoid_piecewise(z)), "plus"),
        (lambda z: -sigmoid_piecewise(z) * (1 - sigmoid_piecewise(z)), "negated"),
    ],
    "tanh_derivative": [
        (lambda z: 1 - z ** 2, "output_not_input"),
        (lambda z: 1 - np.tanh(z), "not_squared"),
        (lambda z: np.tanh(z) ** 2 - 1, "negated"),
        (lambda z: 1 / np.cosh(z), "sech"),
        (lambda z: 1 - np.tanh(z ** 2), "square_inside"),     # the walkthrough's M8
    ],
    "relu_derivative": [
        (relu_derivative_if, "scalar_if"),
        (lambda z: (z >= 0).astype(float), "one_at_zero"),
        (lambda z: z > 0, "booleans"),
        (lambda z: np.maximum(0, z), "relu"),
        (np.sign, "sign"),
        (lambda z: (z < 0).astype(float), "reversed"),
    ],
}
