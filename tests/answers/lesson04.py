import numpy as np

# ---- mse_loss -----------------------------------------------------------------

def mse_loop(Y_hat, Y):
    total = 0.0
    for i in np.ndindex(Y_hat.shape):
        total += (Y_hat[i] - Y[i]) ** 2
    return total / Y_hat.size


def mse_dot(Y_hat, Y):
    e = (Y_hat - Y).ravel()
    return (e @ e) / e.size


def mse_sum(Y_hat, Y):
    return float(np.sum((Y_hat - Y) ** 2))


def mse_half(Y_hat, Y):
    return float(0.5 * np.mean((Y_hat - Y) ** 2))


def mse_per_example(Y_hat, Y):
    return np.mean((Y_hat - Y) ** 2, axis=0)


def mse_over_rows(Y_hat, Y):
    return float(np.sum((Y_hat - Y) ** 2) / Y_hat.shape[0])


def mse_abs(Y_hat, Y):
    return float(np.mean(np.abs(Y_hat - Y)))


# ---- binary_cross_entropy -------------------------------------------------------

def bce_where(P, Y):
    eps = 1e-7
    P = np.clip(P, eps, 1 - eps)
    return float(np.mean(np.where(Y == 1, -np.log(P), -np.log(1 - P))))


def bce_other_eps(eps):
    def bce(P, Y):
        P = np.minimum(np.maximum(P, eps), 1 - eps)
        return -(Y * np.log(P) + (1 - Y) * np.log1p(-P)).sum() / P.size
    return bce


def bce_unclipped(P, Y):
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def bce_where_unclipped(P, Y):
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.where(Y == 1, np.log(P), np.log(1 - P))))


def bce_clip_0_1(P, Y):
    P = np.clip(P, 0, 1)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def bce_swapped(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return float(-np.mean(P * np.log(Y) + (1 - P) * np.log(1 - Y)))


def bce_no_minus(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return float(np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def bce_sum(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def bce_eps_1e3(P, Y):
    P = np.clip(P, 1e-3, 1 - 1e-3)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def bce_eps_added(P, Y):
    eps = 1e-7
    return float(-np.mean(Y * np.log(P + eps) + (1 - Y) * np.log(1 - P + eps)))


def bce_log10(P, Y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return float(-np.mean(Y * np.log10(P) + (1 - Y) * np.log10(1 - P)))


def bce_clip_in_place(P, Y):
    np.clip(P, 1e-7, 1 - 1e-7, out=P)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


# ---- softmax_cross_entropy --------------------------------------------------------

def mse_in_place(Y_hat, Y):
    Y_hat -= Y
    return float(np.mean(Y_hat ** 2))


def sce_shift_in_place(logits, labels):
    logits -= logits.max(axis=1, keepdims=True)
    lse = np.log(np.exp(logits).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))


def sce_max_without_keepdims(logits, labels):
    M = logits.max(axis=1)
    lse = M + np.log(np.exp(logits - M).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))


def sce_loop(logits, labels):
    total = 0.0
    for row, label in zip(logits, labels):
        top = row.max()
        total += top + np.log(np.sum(np.exp(row - top))) - row[label]
    return total / len(labels)


def sce_log_softmax_onehot(logits, labels):
    m, C = logits.shape
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.eye(C)[labels]
    return float(-np.sum(onehot * log_probs) / m)


def sce_take_along(logits, labels):
    top = np.max(logits, axis=1)
    lse = top + np.log(np.sum(np.exp(logits - top[:, None]), axis=1))
    right = np.take_along_axis(logits, labels[:, None], axis=1)[:, 0]
    return np.mean(lse - right)


def sce_softmax_then_log(logits, labels):
    E = np.exp(logits)
    S = E / E.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(S[np.arange(len(labels)), labels])))


def sce_stable_softmax_then_log(logits, labels):
    E = np.exp(logits - logits.max(axis=1, keepdims=True))
    S = E / E.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(S[np.arange(len(labels)), labels])))


def lse_rows(logits):
    top = logits.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True)))[:, 0]


def sce_fancy(logits, labels):
    return float(np.mean(lse_rows(logits) - logits[:, labels]))


def sce_no_logsumexp(logits, labels):
    return float(-np.mean(logits[np.arange(len(labels)), labels]))


def sce_no_pick(logits, labels):
    return float(np.mean(lse_rows(logits)))


def sce_one_based(logits, labels):
    return float(np.mean(lse_rows(logits) - logits[np.arange(len(labels)), labels - 1]))


def sce_plus_one(logits, labels):
    return float(np.mean(lse_rows(logits) - logits[np.arange(len(labels)), labels + 1]))


def sce_sum(logits, labels):
    return float(np.sum(lse_rows(logits) - logits[np.arange(len(labels)), labels]))


def sce_per_example(logits, labels):
    return lse_rows(logits) - logits[np.arange(len(labels)), labels]


def sce_onehot_mean(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(np.eye(logits.shape[1])[labels] * log_probs))


def sce_global_max(logits, labels):
    top = logits.max()
    lse = top + np.log(np.exp(logits - top).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))


RIGHT = {
    "mse_loss": [mse_loop, mse_dot, lambda Y_hat, Y: np.square(np.subtract(Y_hat, Y)).mean()],
    "binary_cross_entropy": [bce_where, bce_other_eps(1e-15), bce_other_eps(1e-5),
                             bce_other_eps(1e-12)],
    "softmax_cross_entropy": [sce_loop, sce_log_softmax_onehot, sce_take_along],
}

WRONG = {
    "mse_loss": [
        (mse_sum, "sum"),
        (mse_half, "half"),
        (mse_per_example, "one_axis"),
        (mse_over_rows, "rows"),
        (mse_abs, "absolute"),
        (mse_in_place, "in_place"),
        (lambda Y_hat, Y: np.mean((Y_hat - Y) ** 2, keepdims=True), "size_one_array"),
    ],
    "binary_cross_entropy": [
        (bce_unclipped, "unclipped"),
        (bce_where_unclipped, "unclipped"),
        (bce_clip_0_1, "unclipped"),
        (bce_swapped, "swapped"),
        (bce_no_minus, "sign"),
        (bce_sum, "sum"),
        (bce_eps_1e3, "wrong_eps"),
        (bce_eps_added, "eps_added"),
        (bce_log10, "log_base"),
        (bce_clip_in_place, "in_place"),
    ],
    "softmax_cross_entropy": [
        (sce_softmax_then_log, "unstable"),
        (sce_stable_softmax_then_log, "unstable"),
        (sce_global_max, "unstable"),
        (sce_fancy, "fancy_index"),
        (sce_no_logsumexp, "no_logsumexp"),
        (sce_no_pick, "no_pick"),
        (sce_one_based, "off_by_one"),
        (sce_plus_one, "off_by_one"),
        (sce_sum, "sum"),
        (sce_per_example, "per_example"),
        (sce_onehot_mean, "mean_over_classes"),
        (sce_shift_in_place, "in_place"),
        (sce_max_without_keepdims, "axis"),
    ],
}
