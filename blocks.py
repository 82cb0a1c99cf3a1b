"""Building blocks the course provides, so a later lesson never depends on an
earlier notebook of yours.

Lesson 03 imports the activations from here, lesson 07 the backward pass, and
so on: a mistake in one notebook cannot cascade into the next. The checks
also use these forward functions for their numerical gradient checks.

Conventions (see the course's curriculum): examples are rows,
``Z = X @ W + b`` with ``X`` (m, n_in), ``W`` (n_in, n_out), ``b`` (1, n_out);
parameters are a list of ``(W, b)`` pairs; losses are means over the batch.

Importing blocks (every lesson does, through ``from checks import check``) also sets one
BLAS thread for the course's small matrices, whatever way the course was started: see
``one_blas_thread``.
"""
import glob
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> str:
    """One BLAS thread for this process, unless its environment already chose a number.

    The course's matrices are small: one thread is faster than several fighting over the
    cores, and a lesson cell takes the same time on a laptop and a shared server. Before
    NumPy is loaded the environment variables do it; after (a notebook imports numpy
    first), NumPy's own OpenBLAS is told directly. Returns how it was done, for tests:
    "environment", "openblas", "chosen" (the environment already said) or "unknown"."""
    if any(var in os.environ for var in BLAS_THREADS):
        return "chosen"
    loaded = "numpy" in sys.modules
    for var in BLAS_THREADS:
        os.environ[var] = "1"           # and for every process started from here
    if not loaded:
        return "environment"
    try:
        import ctypes
        where = sys.modules["numpy"].__file__
        if where is None:                # not an ordinary install: its BLAS cannot be found
            return "unknown"
        folder = os.path.dirname(where)
        for path in (glob.glob(os.path.join(folder, "..", "numpy.libs", "*openblas*"))
                     + glob.glob(os.path.join(folder, ".dylibs", "*openblas*"))):
            lib = ctypes.CDLL(path)
            for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                         "openblas_set_num_threads64_", "openblas_set_num_threads"):
                if hasattr(lib, name):
                    getattr(lib, name)(1)
                    return "openblas"
    except Exception:       # another BLAS (Accelerate, MKL) or none found: leave it as it is
        pass
    return "unknown"


BLAS_THREADS_SET = one_blas_thread()    # how it was done (see one_blas_thread)

import numpy as np  # noqa: E402  (after the BLAS threads are chosen)
from numpy.typing import ArrayLike, NDArray  # noqa: E402

# The type hints' names (shapes are in the docstrings): a float array, integer labels, a
# network's parameters [(W, b), ...] (its gradients too), forward's cache [(A_prev, Z), ...].
Array = NDArray[np.float64]
Labels = NDArray[np.integer[Any]]
Params = list[tuple[Array, Array]]
Cache = list[tuple[Array, Array]]

# ---- forward pieces -------------------------------------------------------


def dense_forward(X: Array, W: Array, b: Array) -> Array:
    """A dense layer's weighted sums, Z = X @ W + b.

    Inputs:  X (m, n_in), one example per row; W (n_in, n_out); b (1, n_out) or (n_out,).
    Returns: Z (m, n_out). Nothing is cached: backward needs X and W, which the caller keeps.
    """
    return X @ W + np.reshape(b, (1, -1))


def sigmoid(z: ArrayLike) -> Array:
    """1 / (1 + e^-z), element by element, without overflow for any z.

    Inputs:  z, a number or an array of any shape.  Returns: an array of z's shape, in [0, 1].
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                      # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh(z: ArrayLike) -> Array:
    """tanh(z) element by element: z of any shape -> the same shape, in [-1, 1]."""
    return np.tanh(z)


def relu(z: ArrayLike) -> Array:
    """max(0, z) element by element: z of any shape -> a float array of the same shape."""
    return np.maximum(0.0, z)


def linear(z: ArrayLike) -> Array:
    """The identity (a layer without activation): z of any shape -> z as floats."""
    return np.asarray(z, dtype=float)


def softmax(Z: Array) -> Array:
    """Row-wise softmax: each row of scores becomes probabilities that sum to 1.

    Inputs:  Z (m, C) logits, one example per row.
    Returns: (m, C), e^Z / sum of e^Z over the row; subtracting the row maximum first
             keeps exp finite (entries may still underflow to 0).
    """
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def sigmoid_derivative(z: ArrayLike) -> Array:
    """d sigmoid / dz = s (1 - s) with s = sigmoid(z): z of any shape -> the same shape."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh_derivative(z: ArrayLike) -> Array:
    """d tanh / dz = 1 - tanh(z)^2: z of any shape -> the same shape."""
    return 1 - np.tanh(z) ** 2


def relu_derivative(z: ArrayLike) -> Array:
    """d relu / dz: 1.0 where z > 0, else 0.0 (0.0 at exactly 0): z of any shape -> floats."""
    return (np.asarray(z) > 0).astype(float)


def linear_derivative(z: ArrayLike) -> Array:
    """d z / dz = 1.0 everywhere: z of any shape -> ones of that shape."""
    return np.ones_like(z, dtype=float)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "linear": linear}
DERIVATIVES = {"sigmoid": sigmoid_derivative, "tanh": tanh_derivative,
               "relu": relu_derivative, "linear": linear_derivative}


def init_params(layer_sizes: Sequence[int], seed: int | np.random.Generator = 0) -> Params:
    """He-initialised parameters for a network with these layer sizes.

    Inputs:  layer_sizes, e.g. [64, 10, 10] (inputs first); seed, an int or a Generator.
    Returns: [(W, b), ...], one pair per layer, first layer first: W (n_in, n_out) drawn
             from N(0, 2 / n_in) by np.random.default_rng(seed), b zeros (1, n_out).
    """
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def forward(X: Array, params: Params, activations: Sequence[str]) -> tuple[Array, Cache]:
    """The forward pass through every layer: A = f(A_prev @ W + b), first layer first.

    Inputs:  X (m, n_in); params [(W, b), ...]; activations, one name per layer
             ("sigmoid", "tanh", "relu", "linear").
    Returns: (A_out, cache). A_out (m, n_out of the last layer). cache: one (A_prev, Z)
             pair per layer, A_prev the layer's input (m, n_in) and Z its weighted sums
             (m, n_out): exactly what backward needs.
    """
    A, cache = X, []
    for (W, b), name in zip(params, activations):
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        A = ACTIVATIONS[name](Z)
    return A, cache


# ---- losses and their gradients -------------------------------------------

EPS = 1e-7  # Keras' clipping for binary cross-entropy


def mse_loss(Y_hat: Array, Y: Array) -> float:
    """Mean squared error, averaged over every element (no factor 1/2).

    Inputs: Y_hat and Y of the same shape.  Returns: a float.
    """
    return float(np.mean((Y_hat - Y) ** 2))


def mse_loss_grad(Y_hat: Array, Y: Array) -> Array:
    """d mse_loss / d Y_hat = 2 (Y_hat - Y) / Y_hat.size: the shape of Y_hat."""
    return 2 * (Y_hat - Y) / Y_hat.size


def binary_cross_entropy(P: Array, Y: Array) -> float:
    """-(Y log P + (1 - Y) log(1 - P)), averaged over every element.

    Inputs:  P, probabilities, (m, 1) or (m,); Y, 0/1 labels of the same shape. P is
             clipped to [1e-7, 1 - 1e-7] first, so the loss stays finite.
    Returns: a float.
    """
    P = np.clip(P, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def binary_cross_entropy_grad(P: Array, Y: Array) -> Array:
    """(P - Y) / (P (1 - P)) / P.size, the formula of d binary_cross_entropy / dP, evaluated
    at P clipped to [EPS, 1 - EPS]. Inside that range it is the loss's derivative. Outside it,
    where the clipped loss is flat (derivative 0), it is deliberately not: a sure and wrong
    output (P = 0, Y = 1) still gets a large gradient the right way instead of none."""
    P = np.clip(P, EPS, 1 - EPS)
    return (P - Y) / (P * (1 - P)) / P.size


def logsumexp(Z: Array) -> Array:
    """log(sum(exp(Z))) per row, stable for any Z (m, C); returns shape (m,)."""
    top = Z.max(axis=1)
    return top + np.log(np.exp(Z - top[:, None]).sum(axis=1))


def softmax_cross_entropy(logits: Array, labels: Labels) -> float:
    """Cross-entropy of softmax(logits) against integer labels, averaged over the m rows.

    Inputs:  logits (m, C); labels (m,) integers in 0..C-1.
    Returns: a float, mean of logsumexp(row) - row[label]: stable for any logits.
    """
    m = logits.shape[0]
    return float(np.mean(logsumexp(logits) - logits[np.arange(m), labels]))


def softmax_cross_entropy_grad(logits: Array, labels: Labels) -> Array:
    """d softmax_cross_entropy / d logits = (softmax(logits) - onehot(labels)) / m: (m, C)."""
    m = logits.shape[0]
    G = softmax(logits)
    G[np.arange(m), labels] -= 1
    return G / m


LOSSES = {"mse": (mse_loss, mse_loss_grad),
          "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
          "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad)}


# ---- backward pieces ------------------------------------------------------


def dense_backward(dZ: Array, A_prev: Array, W: Array) -> tuple[Array, Array, Array]:
    """The backward pass of a dense layer (Z = A_prev @ W + b).

    Inputs:  dZ (m, n_out), dL/dZ; A_prev (m, n_in) from the forward pass's cache; W (n_in, n_out).
    Returns: (dA_prev, dW, db): dZ @ W.T (m, n_in), A_prev.T @ dZ (n_in, n_out), and dZ summed
             over the examples (1, n_out). No 1/m here: the loss gradient holds it.
    """
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)


def activation_backward(dA: Array, Z: Array, activation: str) -> Array:
    """dL/dZ = dL/dA * f'(Z), element by element.

    Inputs:  dA and Z of the same shape (m, n); activation, the layer's activation's name.
    Returns: dZ, that shape.
    """
    return dA * DERIVATIVES[activation](Z)


def backward(dA_out: Array, cache: Cache, params: Params, activations: Sequence[str]) -> Params:
    """Backpropagation through every layer, last to first.

    Inputs:  dA_out, dL/dA of the network's output (m, n_out); cache, params and activations
             as forward took and returned them.
    Returns: grads [(dW, db), ...], first layer first, each the shape of its (W, b).
    The first layer's dA_prev would be dL/dX, which nothing needs, so it is not computed.
    """
    grads, dA = [], dA_out
    for l in reversed(range(len(params))):
        (A_prev, Z), (W, _) = cache[l], params[l]
        dZ = activation_backward(dA, Z, activations[l])
        if l > 0:
            dA, dW, db = dense_backward(dZ, A_prev, W)
        else:                                   # dense_backward without dZ @ W.T
            dW, db = A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)
        grads.append((dW, db))
    return grads[::-1]


# ---- numerical checks -----------------------------------------------------


def numerical_gradient(f: Callable[[Array], float], x: Array, h: float = 1e-5) -> Array:
    """Centred differences (f(x + h e_i) - f(x - h e_i)) / 2h for every element of x.

    Inputs:  f, a function of the array x returning a number; x, a float array of any shape
             (nudged in place one element at a time, and every value put back exactly).
    Returns: the gradient, an array of x's shape.
    """
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


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """||a - b|| / (||a|| + ||b||), and 0.0 when both are zero."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


# ---- weight updates -------------------------------------------------------


def sgd_step(param: Array, grad: Array, lr: float) -> Array:
    """One gradient-descent step: param - lr * grad (a new array of param's shape)."""
    return param - lr * grad


def momentum_step(param: Array, grad: Array, velocity: Array, lr: float,
                  beta: float = 0.9) -> tuple[Array, Array]:
    """Momentum, the moving-average form: v = beta v + (1 - beta) grad; param - lr v.

    Returns: (param, velocity), both new arrays of param's shape.
    """
    velocity = beta * velocity + (1 - beta) * grad
    return param - lr * velocity, velocity


def adam_step(param: Array, grad: Array, m: Array, v: Array, t: int, lr: float = 1e-3,
              beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[Array, Array, Array]:
    """One Adam step (Kingma and Ba's Algorithm 1); t counts steps from 1.

    Inputs:  param, grad, m, v of one shape; m and v are this parameter's running averages.
    Returns: (param, m, v): the updated parameter, and the raw (not bias-corrected) m and v.
    """
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v



# ---- printing -------------------------------------------------------------


def display_width(text: object) -> int:
    """How many columns ``text`` takes in a terminal or a notebook's output: an East Asian
    wide or full-width character (神, ：) counts two, every other character one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def pad(text: object, width: int) -> str:
    """``text`` followed by spaces up to ``width`` display columns, so that printed columns
    line up in both editions: ``f"{pad(label, 20)} {value}"`` instead of ``f"{label:20s}"``,
    which counts characters and misaligns Chinese labels."""
    text = str(text)
    return text + " " * max(0, width - display_width(text))
