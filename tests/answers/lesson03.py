import numpy as np

import blocks


def init_loop(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for i in range(len(layer_sizes) - 1):
        n_in, n_out = layer_sizes[i], layer_sizes[i + 1]
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)
        params.append((W, np.zeros((1, n_out))))
    return params


def init_as_lists(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [[rng.normal(0, (2 / a) ** 0.5, (a, b)), np.zeros((1, b))]
            for a, b in zip(layer_sizes, layer_sizes[1:])]


def init_scale(scale, bias=np.zeros, transposed=False, global_rng=False):
    def init(layer_sizes, seed=0):
        rng = np.random.default_rng(seed)
        out = []
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
            shape = (n_out, n_in) if transposed else (n_in, n_out)
            W = (np.random.normal(0, scale(n_in), shape) if global_rng
                 else rng.normal(0, scale(n_in), shape))
            out.append((W, bias((1, n_out)) if bias is np.zeros else bias(n_out)))
        return out
    return init


def init_global_seeded(layer_sizes, seed=0):
    np.random.seed(seed)
    return [(np.random.randn(n_in, n_out) * np.sqrt(2 / n_in), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def forward_loop(X, params, activations):
    cache, A = [], X
    for layer in range(len(params)):
        W, b = params[layer]
        Z = np.dot(A, W) + b
        cache.append((A, Z))
        A = {"sigmoid": blocks.sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
             "linear": lambda z: z}[activations[layer]](Z)
    return A, cache


def forward_as_lists(X, params, activations):
    A, cache = X, []
    for (W, b), f in zip(params, activations):
        Z = X @ W + b if not cache else A @ W + b
        cache.append([A, Z])
        A = blocks.ACTIVATIONS[f](Z)
    return [A, cache]


def forward_cache_after(X, params, activations):
    A, cache = X, []
    for (W, b), f in zip(params, activations):
        Z = A @ W + b
        A = blocks.ACTIVATIONS[f](Z)
        cache.append((A, Z))
    return A, cache


def forward_skip_last(X, params, activations):
    A, cache = X, []
    for i, ((W, b), f) in enumerate(zip(params, activations)):
        Z = A @ W + b
        cache.append((A, Z))
        A = blocks.ACTIVATIONS[f](Z) if i < len(params) - 1 else Z
    return A, cache


def forward_all_relu(X, params, activations):
    A, cache = X, []
    for W, b in params:
        Z = A @ W + b
        cache.append((A, Z))
        A = np.maximum(0, Z)
    return A, cache


def forward_swapped(X, params, activations):
    A, cache = X, []
    for (W, b), f in zip(params, activations):
        Z = A @ W + b
        cache.append((Z, A))
        A = blocks.ACTIVATIONS[f](Z)
    return A, cache


def forward_output_only(X, params, activations):
    A = X
    for (W, b), f in zip(params, activations):
        A = blocks.ACTIVATIONS[f](A @ W + b)
    return A


def init_rng_per_layer(layer_sizes, seed=0):
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        rng = np.random.default_rng(seed)
        params.append((rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)), np.zeros((1, n_out))))
    return params


RIGHT = {"init_params": [init_loop, init_as_lists],
         "forward": [forward_loop, forward_as_lists]}

WRONG = {
    "init_params": [
        (init_scale(lambda n: np.sqrt(1 / n)), "sqrt(1 / n_in)"),
        (init_scale(lambda n: 2 / n), "2 / n_in"),
        (init_scale(lambda n: np.sqrt(2 / n), transposed=True), "(n_in, n_out)"),
        (init_scale(lambda n: np.sqrt(2 / n), bias=lambda n: np.zeros(n)), "(1, n_out)"),
        (init_scale(lambda n: np.sqrt(2 / n), global_rng=True), "ignores `seed`"),
        (init_global_seeded, "np.random.seed(seed)"),
        (init_rng_per_layer, "create the generator once"),
    ],
    "forward": [
        (forward_cache_after, "cache_after"),
        (forward_skip_last, "last_activation"),
        (forward_all_relu, "same_activation"),
        (forward_swapped, "cache_swapped"),
        (forward_output_only, "no_cache"),                                     # M2
        (lambda X, params, acts: forward_loop(X, params, acts)[::-1], "wrong_order"),
    ],
}
