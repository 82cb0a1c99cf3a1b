import numpy as np

import blocks


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---- numerical_gradient ------------------------------------------------------------

def ng_nditer(f, x, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def ng_ndindex(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def ng_flat_iterator(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for k in range(x.size):                   # x.flat writes through, whatever the layout
        old = x.flat[k]
        x.flat[k] = old + h
        up = f(x)
        x.flat[k] = old - h
        down = f(x)
        x.flat[k] = old
        grad.flat[k] = (up - down) / (2 * h)
    return grad


def ng_flat_view(f, x, h=1e-5):
    flat = x.reshape(-1)          # a view only when x is contiguous; for W.T it is a copy
    grad = np.empty(flat.size)
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + h
        up = f(x)
        flat[k] = saved - h
        down = f(x)
        flat[k] = saved
        grad[k] = (up - down) / (2 * h)
    return grad.reshape(x.shape)


def ng_copies(f, x, h=1e-5):
    # Right by the contract (f takes the array as its argument), though the lesson
    # recommends nudging x itself for lesson 06's functions that ignore their argument.
    grad = np.zeros(x.shape)
    for i in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / 2 / h
    return grad


def ng_drift(f, x, h=1e-5):                # restores x by adding h back
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
    return grad


def ng_never_restored(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        grad[i] = (fp - fm) / (2 * h)
    return grad


def ng_forward(f, x, h=1e-5):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


def ng_divide_by_h(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / h
    return grad


def ng_range_len(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def ng_range_size(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def ng_list(f, x, h=1e-5):
    grads = []
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grads.append((fp - fm) / (2 * h))
    return grads


def ng_flat_result(f, x, h=1e-5):
    return ng_ndindex(f, x, h).ravel()


def ng_whole_array(f, x, h=1e-5):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))


def ng_fixed_h(f, x, h=1e-5):
    return ng_copies(f, x)


# ---- relative_error ----------------------------------------------------------------

def re_loop(a, b):
    diff = top_a = top_b = 0.0
    for u, v in zip(np.ravel(a), np.ravel(b)):
        diff += (u - v) ** 2
        top_a += u ** 2
        top_b += v ** 2
    scale = np.sqrt(top_a) + np.sqrt(top_b)
    return 0.0 if scale == 0 else float(np.sqrt(diff) / scale)


def re_where(a, b):
    num = np.linalg.norm(np.ravel(a - b))
    den = np.linalg.norm(np.ravel(a)) + np.linalg.norm(np.ravel(b))
    return float(np.where(den > 0, num / max(den, 1e-300), 0.0))


def re_nan(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def re_python_floats(a, b):
    return float(np.linalg.norm(a - b)) / (float(np.linalg.norm(a)) + float(np.linalg.norm(b)))


def re_max(a, b):
    scale = np.max(np.abs(a)) + np.max(np.abs(b))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def re_one_norm(a, b):
    na = np.linalg.norm(a)
    return 0.0 if na == 0 else float(np.linalg.norm(a - b) / na)


def re_norm_of_sum(a, b):
    s = np.linalg.norm(a + b)
    return 0.0 if s == 0 else float(np.linalg.norm(a - b) / s)


def re_l1(a, b):
    scale = np.abs(a).sum() + np.abs(b).sum()
    return 0.0 if scale == 0 else float(np.abs(a - b).sum() / scale)


def re_ord2(a, b):
    scale = np.linalg.norm(a, 2) + np.linalg.norm(b, 2)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b, 2) / scale)


def re_elementwise(a, b):
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.abs(a - b) / (np.abs(a) + np.abs(b)))


# ---- mse_loss_grad ---------------------------------------------------------------

def mse_grad_loop(Y_hat, Y):
    g = np.empty_like(Y_hat)
    for i in np.ndindex(Y_hat.shape):
        g[i] = 2 * (Y_hat[i] - Y[i]) / Y_hat.size
    return g


def mse_grad_factored(Y_hat, Y):
    n = np.prod(Y_hat.shape)
    return (2.0 / n) * np.subtract(Y_hat, Y)


# ---- binary_cross_entropy_grad ---------------------------------------------------

def bce_grad_two_terms(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return -(Y / P - (1 - Y) / (1 - P)) / P.size


def bce_grad_where(P, Y, eps=1e-7):
    P = np.minimum(np.maximum(P, eps), 1 - eps)
    return np.where(Y == 1, -1 / P, 1 / (1 - P)) / P.size


def bce_grad_unclipped(P, Y):
    return (P - Y) / (P * (1 - P)) / P.size


def bce_grad_no_mean(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return (P - Y) / (P * (1 - P))


def bce_grad_through_sigmoid(P, Y):
    return (P - Y) / P.size


def bce_grad_sign(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return (Y - P) / (P * (1 - P)) / P.size


def bce_grad_one_term(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return -Y / P / P.size


def bce_grad_clip_denominator(P, Y):
    Pc = np.clip(P, 1e-7, 1 - 1e-7)
    return (P - Y) / (Pc * (1 - Pc)) / P.size


def bce_grad_clip_in_place(P, Y):
    np.clip(P, 1e-7, 1 - 1e-7, out=P)
    return (P - Y) / (P * (1 - P)) / P.size


# ---- softmax_cross_entropy_grad --------------------------------------------------

def sce_grad_loop(logits, labels):
    m, C = logits.shape
    G = np.zeros((m, C))
    for i in range(m):
        e = np.exp(logits[i] - logits[i].max())
        G[i] = e / e.sum()
        G[i, labels[i]] -= 1
    return G / m


def sce_grad_onehot(logits, labels):
    m, C = logits.shape
    shifted = logits - logits.max(axis=1, keepdims=True)
    S = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return (S - (np.arange(C) == labels[:, None])) / m


def stable_softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def sce_grad_naive(logits, labels):
    E = np.exp(logits)
    G = E / E.sum(axis=1, keepdims=True)
    G[np.arange(len(labels)), labels] -= 1
    return G / len(labels)


def sce_grad_no_mean(logits, labels):
    G = stable_softmax(logits)
    G[np.arange(len(labels)), labels] -= 1
    return G


def sce_grad_no_onehot(logits, labels):
    return stable_softmax(logits) / len(labels)


def sce_grad_fancy(logits, labels):
    G = stable_softmax(logits)
    G[:, labels] -= 1
    return G / len(labels)


def sce_grad_sign(logits, labels):
    G = stable_softmax(logits)
    G[np.arange(len(labels)), labels] -= 1
    return -G / len(labels)


def sce_grad_whole_rows(logits, labels):
    G = stable_softmax(logits)
    G[labels] -= 1
    return G / len(labels)


def sce_grad_one_based(logits, labels):
    G = stable_softmax(logits)
    G[np.arange(len(labels)), labels - 1] -= 1
    return G / len(labels)


def sce_grad_size(logits, labels):
    G = stable_softmax(logits)
    G[np.arange(len(labels)), labels] -= 1
    return G / G.size


# ---- neuron_gradients --------------------------------------------------------------

def neuron_chain(x, w, b, y):
    z = np.dot(w, x) + b
    a = sigmoid(z)
    dL_da = 2 * (a - y)
    da_dz = a * (1 - a)
    dz = dL_da * da_dz
    return dz * x, float(dz)


def neuron_loop(x, w, b, y):
    z = b
    for xi, wi in zip(x, w):
        z += xi * wi
    s = 1 / (1 + np.exp(-z))
    dz = 2 * (s - y) * s * (1 - s)
    return np.array([dz * xi for xi in x]), dz


def neuron_variant(dz_of, dw_of=lambda dz, x, w: dz * x, db_of=float):
    def grads(x, w, b, y):
        z = x @ w + b
        a = sigmoid(z)
        dz = dz_of(z, a, y)
        return dw_of(dz, x, w), db_of(dz)
    return grads


RIGHT = {
    "numerical_gradient": [ng_nditer, ng_ndindex, ng_flat_iterator, ng_copies],
    "relative_error": [re_loop, re_where],
    "mse_loss_grad": [mse_grad_loop, mse_grad_factored],
    "binary_cross_entropy_grad": [bce_grad_two_terms, bce_grad_where,
                                  lambda P, Y: bce_grad_where(P, Y, eps=1e-12),
                                  lambda P, Y: bce_grad_where(P, Y, eps=1e-5)],
    "softmax_cross_entropy_grad": [sce_grad_loop, sce_grad_onehot],
    "neuron_gradients": [neuron_chain, neuron_loop],
}

WRONG = {
    "numerical_gradient": [
        (ng_flat_view, "flat_copy"),
        (ng_drift, "not_restored"),
        (ng_never_restored, "not_restored"),
        (ng_forward, "one_sided"),
        (ng_divide_by_h, "divide_by_h"),
        (ng_range_len, "only_1d"),
        (ng_range_size, "only_1d"),
        (ng_list, "list"),
        (ng_flat_result, "shape"),
        (ng_whole_array, "whole_array"),
        (ng_fixed_h, "ignores_h"),
    ],
    "relative_error": [
        (re_nan, "both_zero"),
        (re_python_floats, "both_zero"),
        (re_max, "max_norm"),
        (re_one_norm, "denominator"),
        (re_norm_of_sum, "norm_of_sum"),
        (re_l1, "l1"),
        (re_ord2, "matrix_norm"),
        (re_elementwise, "elementwise"),
        (lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(a) + np.linalg.norm(b),
         "precedence"),
    ],
    "mse_loss_grad": [
        (lambda Y_hat, Y: 2 * (Y_hat - Y), "no_mean"),
        (lambda Y_hat, Y: 2 * (Y_hat - Y) / Y_hat.shape[0], "rows"),
        (lambda Y_hat, Y: 2 * (Y - Y_hat) / Y_hat.size, "sign"),
        (lambda Y_hat, Y: (Y_hat - Y) / Y_hat.size, "no_two"),
        (lambda Y_hat, Y: 2 * (Y_hat - Y) / Y_hat.size / Y_hat.size, "twice"),
        (lambda Y_hat, Y: float(np.mean(2 * (Y_hat - Y))), "number"),
    ],
    "binary_cross_entropy_grad": [
        (bce_grad_unclipped, "unclipped"),
        (bce_grad_no_mean, "no_mean"),
        (bce_grad_sign, "sign"),
        (bce_grad_through_sigmoid, "through_sigmoid"),
        (bce_grad_one_term, "one_term"),
        (bce_grad_clip_in_place, "in_place"),
        (bce_grad_clip_denominator, "numerator_unclipped"),
    ],
    "softmax_cross_entropy_grad": [
        (sce_grad_naive, "unstable"),
        (sce_grad_no_mean, "no_mean"),
        (sce_grad_no_onehot, "no_onehot"),
        (sce_grad_fancy, "fancy_index"),
        (sce_grad_whole_rows, "fancy_index"),
        (sce_grad_sign, "sign"),
        (sce_grad_one_based, "wrong_column"),
        (sce_grad_size, "size"),
        (lambda logits, labels: blocks.softmax(logits) * (1 - blocks.softmax(logits))
         / len(logits), "softmax_slope"),                                       # M1
    ],
    "neuron_gradients": [
        (neuron_variant(lambda z, a, y: 2 * (a - y)), "no_sigmoid_derivative"),
        (neuron_variant(lambda z, a, y: (a - y) * a * (1 - a)), "no_two"),
        (neuron_variant(lambda z, a, y: 2 * (a - y) * sigmoid(a) * (1 - sigmoid(a))),
         "derivative_at_a"),
        (neuron_variant(lambda z, a, y: 2 * (y - a) * a * (1 - a)), "sign"),
        (neuron_variant(lambda z, a, y: 2 * (z - y) * a * (1 - a)), "z_for_a"),
        (neuron_variant(lambda z, a, y: 2 * (a - y) * a * (1 - a), db_of=lambda dz: np.array([dz])),
         "db_array"),
        (neuron_variant(lambda z, a, y: 2 * (a - y) * a * (1 - a), dw_of=lambda dz, x, w: dz * w),
         "times_w"),
        (lambda x, w, b, y: neuron_chain(x, w, b, y)[::-1], "order"),           # M9
    ],
}
