import numpy as np

import blocks

# ---- dense_backward ------------------------------------------------------------

def dense_backward_loops(dZ, A_prev, W):
    m, n_in = A_prev.shape
    n_out = W.shape[1]
    dA_prev, dW, db = np.zeros((m, n_in)), np.zeros((n_in, n_out)), np.zeros((1, n_out))
    for i in range(m):
        for j in range(n_out):
            dA_prev[i] += dZ[i, j] * W[:, j]
            dW[:, j] += A_prev[i] * dZ[i, j]
            db[0, j] += dZ[i, j]
    return dA_prev, dW, db


def dense_backward_einsum(dZ, A_prev, W):
    return (np.einsum("mo,io->mi", dZ, W), np.einsum("mi,mo->io", A_prev, dZ),
            np.ones((1, dZ.shape[0])) @ dZ)


def dense_backward_over_m(dZ, A_prev, W):          # deeplearning.ai's 1/m, applied again
    m = A_prev.shape[0]
    return dZ @ W.T, A_prev.T @ dZ / m, np.sum(dZ, axis=0, keepdims=True) / m


def dense_backward_no_keepdims(dZ, A_prev, W):
    return dZ @ W.T, A_prev.T @ dZ, np.sum(dZ, axis=0)


def dense_backward_axis1(dZ, A_prev, W):
    return dZ @ W.T, A_prev.T @ dZ, np.sum(dZ, axis=1, keepdims=True)


def dense_backward_W(dZ, A_prev, W):
    return np.dot(dZ, W), np.dot(A_prev.T, dZ), dZ.sum(axis=0, keepdims=True)


def dense_backward_dW_swapped(dZ, A_prev, W):
    return dZ @ W.T, dZ.T @ A_prev, dZ.sum(axis=0, keepdims=True)


def dense_backward_no_transpose(dZ, A_prev, W):
    return dZ @ W.T, A_prev @ dZ, dZ.sum(axis=0, keepdims=True)


def dense_backward_order(dZ, A_prev, W):
    return A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True), dZ @ W.T


# ---- activation_backward --------------------------------------------------------

def activation_backward_branches(dA, Z, activation):
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-np.clip(Z, -500, 500)))
        return dA * s * (1 - s)
    if activation == "tanh":
        return dA / np.cosh(np.clip(Z, -300, 300)) ** 2
    if activation == "relu":
        return np.where(Z > 0, dA, 0.0)
    if activation == "linear":
        return dA.copy()
    raise ValueError(f"unknown activation {activation}")


def activation_backward_table(dA, Z, activation):
    derivative = {"sigmoid": blocks.sigmoid_derivative, "tanh": blocks.tanh_derivative,
                  "relu": lambda z: np.heaviside(z, 0.0), "linear": np.ones_like}[activation]
    return np.multiply(dA, derivative(Z))


def activation_backward_at_A(dA, Z, activation):
    A = blocks.ACTIVATIONS[activation](Z)
    return dA * blocks.DERIVATIVES[activation](A)


def activation_backward_output_formula(dA, Z, activation):
    if activation == "sigmoid":
        return dA * Z * (1 - Z)
    if activation == "tanh":
        return dA * (1 - Z ** 2)
    return dA * blocks.DERIVATIVES[activation](Z)


def activation_backward_no_dA(dA, Z, activation):
    return blocks.DERIVATIVES[activation](Z)


def activation_backward_relu_ge(dA, Z, activation):
    if activation == "relu":
        return dA * (Z >= 0)
    return dA * blocks.DERIVATIVES[activation](Z)


def activation_backward_always_sigmoid(dA, Z, activation):
    s = blocks.sigmoid(Z)
    return dA * s * (1 - s)


def activation_backward_tanh_no_square(dA, Z, activation):
    if activation == "tanh":
        return dA * (1 - np.tanh(Z))
    return blocks.activation_backward(dA, Z, activation)


def activation_backward_in_place(dA, Z, activation):
    dA *= blocks.DERIVATIVES[activation](Z)
    return dA


# ---- backward -------------------------------------------------------------------

def backward_prepend(dA_out, cache, params, activations):
    grads, dA = [], dA_out
    for l in range(len(params) - 1, -1, -1):
        A_prev, Z = cache[l]
        dZ = blocks.activation_backward(dA, Z, activations[l])
        dA, dW, db = blocks.dense_backward(dZ, A_prev, params[l][0])
        grads.insert(0, (dW, db))
    return grads


def backward_dA_out_everywhere(dA_out, cache, params, activations):
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        dZ = blocks.activation_backward(dA_out, Z, activations[l])
        _, dW, db = blocks.dense_backward(dZ, A_prev, params[l][0])
        grads.insert(0, (dW, db))
    return grads


def backward_uses_helpers(dA_out, cache, params, activations):
    """The lesson's way, calling the notebook's own dense_backward and activation_backward
    (looked up by name, as in a notebook)."""
    grads, dA = [], dA_out
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        dZ = activation_backward(dA, Z, activations[l])   # noqa: F821 (the learner's)
        dA, dW, db = dense_backward(dZ, A_prev, params[l][0])   # noqa: F821
        grads.insert(0, (dW, db))
    return grads


def backward_zip(dA_out, cache, params, activations):
    grads, dA = [], dA_out
    for (A_prev, Z), (W, _b), f in zip(cache[::-1], params[::-1], activations[::-1]):
        dZ = dA * blocks.DERIVATIVES[f](Z)
        grads.append([A_prev.T @ dZ, np.sum(dZ, axis=0, keepdims=True)])
        dA = dZ @ W.T
    grads.reverse()
    return grads


def backward_reversed_result(dA_out, cache, params, activations):
    grads, dA = [], dA_out
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        dZ = blocks.activation_backward(dA, Z, activations[l])
        dA, dW, db = blocks.dense_backward(dZ, A_prev, params[l][0])
        grads.append((dW, db))
    return grads                                         # last layer first


def backward_over_m(dA_out, cache, params, activations):
    m = dA_out.shape[0]
    grads, dA = [None] * len(params), dA_out
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        dZ = blocks.activation_backward(dA, Z, activations[l])
        grads[l] = (A_prev.T @ dZ / m, dZ.sum(axis=0, keepdims=True) / m)
        dA = dZ @ params[l][0].T
    return grads


def backward_forward_order(dA_out, cache, params, activations):
    grads, dA = [], dA_out
    for l in range(len(params)):
        A_prev, Z = cache[l]
        dZ = blocks.activation_backward(dA, Z, activations[l])
        dA, dW, db = blocks.dense_backward(dZ, A_prev, params[l][0])
        grads.append((dW, db))
    return grads


def backward_activations_not_reversed(dA_out, cache, params, activations):
    grads, dA = [], dA_out
    for (A_prev, Z), (W, _b), f in zip(reversed(cache), reversed(params), activations):
        dZ = blocks.activation_backward(dA, Z, f)
        dA, dW, db = blocks.dense_backward(dZ, A_prev, W)
        grads.append((dW, db))
    return grads[::-1]


def backward_at_A(dA_out, cache, params, activations):
    grads, dA = [None] * len(params), dA_out
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        A = blocks.ACTIVATIONS[activations[l]](Z)
        dZ = dA * blocks.DERIVATIVES[activations[l]](A)
        dA, dW, db = blocks.dense_backward(dZ, A_prev, params[l][0])
        grads[l] = (dW, db)
    return grads


def backward_no_derivative(dA_out, cache, params, activations):
    grads, dA = [None] * len(params), dA_out
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        dA, dW, db = blocks.dense_backward(dA, A_prev, params[l][0])
        grads[l] = (dW, db)
    return grads


def backward_db_flat(dA_out, cache, params, activations):
    grads, dA = [None] * len(params), dA_out
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        dZ = blocks.activation_backward(dA, Z, activations[l])
        grads[l] = (A_prev.T @ dZ, dZ.sum(axis=0))
        dA = dZ @ params[l][0].T
    return grads


def backward_cache_swapped(dA_out, cache, params, activations):
    grads, dA = [None] * len(params), dA_out
    for l in reversed(range(len(params))):
        Z, A_prev = cache[l]
        dZ = blocks.activation_backward(dA, Z, activations[l])
        dA, dW, db = blocks.dense_backward(dZ, A_prev, params[l][0])
        grads[l] = (dW, db)
    return grads


RIGHT = {
    "dense_backward": [dense_backward_loops, dense_backward_einsum,
                       lambda dZ, A_prev, W: (np.dot(dZ, W.T), np.dot(A_prev.T, dZ),
                                              dZ.sum(0).reshape(1, -1))],
    "activation_backward": [activation_backward_branches, activation_backward_table],
    "backward": [backward_prepend, backward_zip],
}

WRONG = {
    "dense_backward": [
        (dense_backward_over_m, "divided_by_m"),
        (dense_backward_no_keepdims, "db_no_keepdims"),
        (dense_backward_axis1, "db_wrong_axis"),
        (dense_backward_W, "W_not_transposed"),
        (dense_backward_dW_swapped, "dW_transposed"),
        (dense_backward_no_transpose, "dW_transposed"),
        (dense_backward_order, "wrong_order"),
    ],
    "activation_backward": [
        (activation_backward_at_A, "derivative_at_A"),
        (activation_backward_output_formula, "formula_on_Z"),
        (activation_backward_no_dA, "no_dA"),
        (activation_backward_relu_ge, "relu_at_zero"),
        (activation_backward_always_sigmoid, "other_activation"),
        (activation_backward_tanh_no_square, "tanh_not_squared"),
        (activation_backward_in_place, None),
    ],
    "backward": [
        (backward_reversed_result, "grads_reversed"),
        (backward_over_m, "divided_by_m"),
        (backward_forward_order, "wrong_order"),
        (backward_activations_not_reversed, "wrong_activation"),
        (backward_at_A, "derivative_at_A"),
        (backward_no_derivative, "no_activation_derivative"),
        (backward_db_flat, "db_shape"),
        (backward_cache_swapped, "cache_swapped"),
        (backward_dA_out_everywhere, "dA_out_everywhere"),
    ],
}
