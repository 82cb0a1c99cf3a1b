import numpy as np


def weighted_sum_loop(x, w, b):
    z = b
    for xi, wi in zip(x, w):
        z += xi * wi
    return z


def weighted_sum_einsum(x, w, b):
    return np.einsum("i,i->", x, w) + b


def dense_loop(X, W, b):
    Z = np.zeros((X.shape[0], W.shape[1]))
    for i in range(X.shape[0]):
        for j in range(W.shape[1]):
            Z[i, j] = np.sum(X[i] * W[:, j]) + np.ravel(b)[j]
    return Z


def dense_einsum(X, W, b):
    return np.einsum("mi,io->mo", X, W) + np.reshape(b, (1, -1))


RIGHT = {
    "weighted_sum": [weighted_sum_loop, weighted_sum_einsum, lambda x, w, b: float(x @ w + b)],
    "dense_forward": [dense_loop, dense_einsum, lambda X, W, b: np.dot(X, W) + b],
}

WRONG = {
    "weighted_sum": [
        (lambda x, w, b: float(np.dot(x, w)), "no_bias"),
        (lambda x, w, b: float(np.dot(x, w) - b), "bias_subtracted"),
        (lambda x, w, b: x * w + b, "no_sum"),
        (lambda x, w, b: float(np.sum(x + w) + b), "added"),
        (lambda x, w, b: float(np.sum(x * w + b)), "bias_n_times"),
        (lambda x, w, b: np.array([np.dot(x, w) + b]), "size_one_array"),
    ],
    "dense_forward": [
        (lambda X, W, b: X @ W, "no_bias"),
        (lambda X, W, b: X @ W.T + b, "transposed_W"),
        (lambda X, W, b: X[0] @ W + np.reshape(b, (1, -1)), "one_example"),
        (lambda X, W, b: X @ W + np.reshape(b, (-1, 1)), "bias_column"),
        (lambda X, W, b: X * W + b, "elementwise_product"),
        (lambda X, W, b: W.T @ X.T + b.T, "transposed_result"),    # the walkthrough's M6
        (lambda X, W, b: (X @ W + b).T, "transposed_result"),
        (lambda X, W, b: X @ W + b.T, "bias_column"),             # b (1, n_out) as a column
    ],
}


# ---- layer_from_rows: the article's layer with its weights one row per neuron --------------

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def rows_loop(X, weights, bias):
    A = np.zeros((X.shape[0], weights.shape[0]))
    for k in range(X.shape[0]):
        for j in range(weights.shape[0]):           # neuron j reads row j of weights
            A[k, j] = sigmoid(np.dot(X[k], weights[j]) + bias[j])
    return A


RIGHT["layer_from_rows"] = [
    rows_loop,
    lambda X, weights, bias: sigmoid(np.dot(X, np.transpose(weights)) + bias),
    lambda X, weights, bias: sigmoid((weights @ X.T).T + bias.reshape(1, -1)),
]
WRONG["layer_from_rows"] = [
    (lambda X, weights, bias: sigmoid(np.dot(X, weights) + bias), "not_transposed"),
    (lambda X, weights, bias: sigmoid(X @ weights + bias) if weights.shape[0] == weights.shape[1]
     else sigmoid(X @ weights.T + bias), "untransposed"),
    (lambda X, weights, bias: X @ weights.T + bias, "no_sigmoid"),
    (lambda X, weights, bias: sigmoid(X @ weights.T), "no_bias"),
    (lambda X, weights, bias: sigmoid(X @ weights.T) + bias, "bias_outside"),
    (lambda X, weights, bias: 1 / (1 + np.exp(X @ weights.T + bias)), "exp_sign"),
    (lambda X, weights, bias: sigmoid(X @ weights.T + bias).T, "transposed_result"),
]
