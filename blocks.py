"""Building blocks the course provides, so a later lesson never depends on an
earlier notebook of yours.

Lesson 03 imports the activations from here, lesson 07 the backward pass, and
so on: a mistake in one notebook cannot cascade into the next. The checks
also use these forward functions for their numerical gradient checks.

Conventions (see the course's curriculum): examples are rows,
``Z = X @ W + b`` with ``X`` (m, n_in), ``W`` (n_in, n_out), ``b`` (1, n_out);
parameters are a list of ``(W, b)`` pairs; losses are means over the batch.
"""
import numpy as np

# ---- forward pieces -------------------------------------------------------


def dense_forward(X, W, b):
    """Z = X @ W + b.  X (m, n_in), W (n_in, n_out), b (1, n_out) or (n_out,)."""
    return X @ W + np.reshape(b, (1, -1))


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow for any z."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                      # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(0.0, z)


def linear(z):
    return np.asarray(z, dtype=float)


def softmax(Z):
    """Row-wise softmax of Z (m, C); subtracting the row maximum keeps exp finite."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


def relu_derivative(z):
    return (np.asarray(z) > 0).astype(float)


def linear_derivative(z):
    return np.ones_like(z, dtype=float)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "linear": linear}
DERIVATIVES = {"sigmoid": sigmoid_derivative, "tanh": tanh_derivative,
               "relu": relu_derivative, "linear": linear_derivative}


def init_params(layer_sizes, seed=0):
    """He-initialised [(W, b), ...]: W ~ N(0, 2 / n_in), b = 0 of shape (1, n_out)."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def forward(X, params, activations):
    """Returns (A_out, cache) with one (A_prev, Z) pair per layer in cache."""
    A, cache = X, []
    for (W, b), name in zip(params, activations):
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        A = ACTIVATIONS[name](Z)
    return A, cache


# ---- losses and their gradients -------------------------------------------

EPS = 1e-7  # Keras' clipping for binary cross-entropy


def mse_loss(Y_hat, Y):
    return float(np.mean((Y_hat - Y) ** 2))


def mse_loss_grad(Y_hat, Y):
    return 2 * (Y_hat - Y) / Y_hat.size


def binary_cross_entropy(P, Y):
    P = np.clip(P, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def binary_cross_entropy_grad(P, Y):
    P = np.clip(P, EPS, 1 - EPS)
    return (P - Y) / (P * (1 - P)) / P.size


def logsumexp(Z):
    """log(sum(exp(Z))) per row, stable for any Z (m, C); returns shape (m,)."""
    top = Z.max(axis=1)
    return top + np.log(np.exp(Z - top[:, None]).sum(axis=1))


def softmax_cross_entropy(logits, labels):
    m = logits.shape[0]
    return float(np.mean(logsumexp(logits) - logits[np.arange(m), labels]))


def softmax_cross_entropy_grad(logits, labels):
    m = logits.shape[0]
    G = softmax(logits)
    G[np.arange(m), labels] -= 1
    return G / m


LOSSES = {"mse": (mse_loss, mse_loss_grad),
          "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
          "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad)}


# ---- backward pieces ------------------------------------------------------


def dense_backward(dZ, A_prev, W):
    """Given dL/dZ (m, n_out): dA_prev (m, n_in), dW (n_in, n_out), db (1, n_out)."""
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)


def activation_backward(dA, Z, activation):
    """dL/dZ = dL/dA * f'(Z), element by element."""
    return dA * DERIVATIVES[activation](Z)


def backward(dA_out, cache, params, activations):
    """Walks the layers last to first; returns [(dW, db), ...] first layer first."""
    grads, dA = [], dA_out
    for (A_prev, Z), (W, _), name in reversed(list(zip(cache, params, activations))):
        dZ = activation_backward(dA, Z, name)
        dA, dW, db = dense_backward(dZ, A_prev, W)
        grads.append((dW, db))
    return grads[::-1]


# ---- numerical checks -----------------------------------------------------


def numerical_gradient(f, x, h=1e-5):
    """Centred differences (f(x + h e_i) - f(x - h e_i)) / 2h for every element of x."""
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0.0 when both are zero."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


# ---- weight updates -------------------------------------------------------


def sgd_step(param, grad, lr):
    return param - lr * grad


def momentum_step(param, grad, velocity, lr, beta=0.9):
    velocity = beta * velocity + (1 - beta) * grad
    return param - lr * velocity, velocity


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v

