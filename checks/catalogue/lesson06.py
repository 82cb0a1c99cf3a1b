"""Lesson 06, backpropagation: dense_backward, activation_backward and backward.

Every exercise is also checked numerically, by centred differences of the forward
computation it differentiates (float64, inputs away from ReLU's kink at 0).
"""
import numpy as np

import blocks

from ..engine.exercise import Case, Exercise, close, in_wrong_order, like, raised, when, when_wrong
from ..engine.messages import msg
from .gen import KINDS, NETWORKS, article_network, batch_shapes, kind_word, network_label, values

LESSON = "06_backpropagation"
a = np.array
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "linear")
KINK = 1e-3      # gradient-check inputs keep every ReLU pre-activation |z| above this


# ---- dense_backward ------------------------------------------------------------

def dense_visible():
    A_prev = a([[1.0, 2.0, 3.0]])
    W = a([[0.2, 0.5], [0.8, -0.91], [-0.5, 0.26]])   # the article's layer, W as (n_in, n_out)
    return [Case((a([[0.3, -0.6]]), A_prev, W), "the article's layer: 3 inputs, 2 neurons, "
                 "one example"),
            Case((a([[0.1, -0.2, 0.3], [0.0, 0.4, -0.1], [0.2, 0.1, 0.05]]),
                  a([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0], [3.0, 0.0, 1.0]]),
                  a([[0.2, -0.3, 0.1], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9]])),
                 "a batch of 3 examples, square W (3 x 3)"),
            Case((a([[1.0, -1.0], [0.5, 2.0], [-0.5, 0.0], [2.0, 1.0]]),
                  a([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.5], [0.0, 3.0, -2.0], [1.5, -0.5, 1.0]]),
                  a([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])),
                 "a batch of 4 examples, 3 inputs, 2 neurons")]


def dense_random(rng):
    cases = []
    for i, (m, n_in, n_out) in enumerate(batch_shapes(rng, 12)):
        kind = KINDS[i % len(KINDS)]
        # "zeros": A_prev with exact zeros, as after a ReLU; "large": A_prev about ±1000
        cases.append(Case((values(rng, (m, n_out)), values(rng, (m, n_in), kind),
                           values(rng, (n_in, n_out))),
                          msg("dZ {m}x{n_out}, A_prev {m}x{n_in} ({kind} values), W {n_in}x{n_out}", m=m,
                              n_out=n_out, n_in=n_in, kind=kind_word(kind)),
                          hidden=True))
    return cases


def dense_numeric(case):
    """Centred differences of L = sum(dZ * (A_prev @ W + b)) w.r.t. A_prev, W and b."""
    dZ, A_prev, W = (np.array(x, dtype=float) for x in case.args)
    b = np.zeros((1, W.shape[1]))

    def L(A_prev, W, b):
        return float(np.sum(dZ * blocks.dense_forward(A_prev, W, b)))
    return (blocks.numerical_gradient(lambda x: L(x, W, b), A_prev.copy()),
            blocks.numerical_gradient(lambda x: L(A_prev, x, b), W.copy()),
            blocks.numerical_gradient(lambda x: L(A_prev, W, x), b.copy()))


def dense_gradcheck_cases():
    rng = np.random.default_rng(6)
    return [dense_visible()[2],
            Case((rng.normal(size=(3, 4)), rng.normal(size=(3, 2)), rng.normal(size=(2, 4))),
                 "dZ 3x4, A_prev 3x2, W 2x4")]


def dense_wrong(dA=None, dW=None, db=None):
    """The reference with one of its three formulas replaced."""
    def run(dZ, A_prev, W):
        return (dA(dZ, A_prev, W) if dA else dZ @ W.T,
                dW(dZ, A_prev, W) if dW else A_prev.T @ dZ,
                db(dZ, A_prev, W) if db else dZ.sum(axis=0, keepdims=True))
    return run


def divided_by_m(case, got):
    dZ, A_prev, W = case.args
    m = dZ.shape[0]
    return m > 1 and (close(got[1], A_prev.T @ dZ / m)
                      or close(got[2], dZ.sum(axis=0, keepdims=True) / m))


def dW_transposed(case, got):
    dZ, A_prev, W = case.args
    return (close(got[1], dZ.T @ A_prev)
            or (A_prev.shape[1] == dZ.shape[0] and close(got[1], A_prev @ dZ)))


def db_no_keepdims(case, got):
    dZ = case.args[0]
    return np.shape(got[2]) == (dZ.shape[1],) and close(got[2], dZ.sum(axis=0))


def db_wrong_axis(case, got):
    dZ = case.args[0]
    return (close(got[2], dZ.sum(axis=1, keepdims=True)) or close(got[2], dZ.sum(axis=1))
            or close(got[2], np.sum(dZ)))


dense_backward = Exercise(
    "dense_backward", LESSON, "dense_backward(dZ, A_prev, W) -> (dA_prev, dW, db)",
    ("dZ", "A_prev", "W"), visible=dense_visible, random=dense_random,
    outputs=("dA_prev", "dW", "db"), finite_difference=dense_numeric, gradcheck_cases=dense_gradcheck_cases,
    mistakes=when_wrong([
        when(divided_by_m,
             "dW or db was divided by m. The 1/m of the mean loss is already inside dZ "
             "(it came from the loss gradient): dW = A_prev.T @ dZ and "
             "db = dZ.sum(axis=0, keepdims=True), with no / m.", "divided_by_m",
             how=("m > 1 and dW equals `A_prev.T @ dZ / m`, or db equals "
                  "`dZ.sum(axis=0, keepdims=True) / m`")),
        when(db_no_keepdims,
             "db has shape (n_out,): the sum lost its axis. Keep it as a row of shape "
             "(1, n_out), like b: dZ.sum(axis=0, keepdims=True).", "db_no_keepdims",
             how="db has shape (n_out,) and equals `dZ.sum(axis=0)`"),
        when(db_wrong_axis,
             "db sums over the wrong axis. b is shared by all examples, so add dZ up over "
             "the examples (the rows): dZ.sum(axis=0, keepdims=True).", "db_wrong_axis",
             how=("db equals dZ summed over axis 1 (with or without keepdims) or over the whole "
                  "array")),
        like(dense_wrong(dA=lambda dZ, A_prev, W: dZ @ W),
             "dA_prev uses W where it needs W.T. dZ is (m, n_out) and W is (n_in, n_out), so "
             "dA_prev = dZ @ W.T has shape (m, n_in), like A_prev. (With a square W, dZ @ W "
             "runs but gives the wrong numbers.)", "W_not_transposed",
             how="the right gradients except `dA_prev = dZ @ W`"),
        when(dW_transposed,
             "dW should be A_prev.T @ dZ: shape (n_in, n_out), the shape of W. Yours is "
             "transposed or multiplies A_prev without its .T.", "dW_transposed",
             how="dW equals `dZ.T @ A_prev`, or `A_prev @ dZ` where the shapes allow it"),
        in_wrong_order(("dA_prev", "dW", "db")),
        like(dense_wrong(dA=lambda dZ, A_prev, W: dZ @ W.T * A_prev),
             "dA_prev is just dZ @ W.T: the activation's derivative belongs to "
             "activation_backward, not to the dense layer.", "dA_times_A",
             how="the right gradients except `dA_prev = dZ @ W.T * A_prev`"),
    ]))


# ---- activation_backward --------------------------------------------------------

def activation_visible():
    dA = a([[1.0, -2.0, 0.5, 3.0]])
    Z = a([[-2.0, -0.5, 0.5, 2.0]])
    return [Case((dA, Z, "sigmoid"), "sigmoid, one example"),
            Case((dA, Z, "tanh"), "tanh, one example"),
            Case((a([[1.0, -2.0, 0.5], [3.0, 1.5, -1.0]]), a([[-1.0, 0.0, 2.0], [0.5, -3.0, 0.0]]),
                  "relu"), "relu, two examples, Z with exact zeros (relu'(0) = 0)"),
            Case((dA, Z, "linear"), "linear, one example"),
            Case((a([[0.5, -1.0], [2.0, 1.0]]), a([[1.5, -0.25], [-2.0, 3.0]]), "relu"),
                 "relu, two examples")]


def activation_random(rng):
    shapes = [(1, 1), (1, 4), (3, 2), (5, 3), (2, 6), (8, 1)]
    cases = []
    for i, name in enumerate(ACTIVATION_NAMES * 4):
        shape, kind = shapes[i % len(shapes)], KINDS[(i // 4) % len(KINDS)]
        cases.append(Case((values(rng, shape), values(rng, shape, kind), name),
                          msg("{name}, shape {shape}, {kind} Z", name=name, shape=shape,
                              kind=kind_word(kind)), hidden=True))
    return cases


def activation_numeric(case):
    """Centred differences of L = sum(dA * f(Z)) with respect to Z."""
    dA, Z, name = case.args
    f = blocks.ACTIVATIONS[name]
    return blocks.numerical_gradient(lambda z: float(np.sum(dA * f(z))), np.array(Z, dtype=float))


def activation_gradcheck_cases():
    dA = a([[0.7, -1.2, 0.4], [1.5, 0.3, -0.8]])
    Z = a([[-1.5, 0.2, 2.5], [0.8, -0.3, -2.0]])    # |z| >= 0.2: away from ReLU's kink
    return [Case((dA, Z, "sigmoid"), "sigmoid"), Case((dA, Z, "relu"), "relu")]


def other_activation(case, got):
    dA, Z, name = case.args
    return any(close(got, blocks.activation_backward(dA, Z, other))
               and not close(got, blocks.activation_backward(dA, Z, name))
               for other in ACTIVATION_NAMES if other != name)


def formula_applied_to_Z(dA, Z, name):
    by_output = {"sigmoid": Z * (1 - Z), "tanh": 1 - Z ** 2}
    return dA * by_output.get(name, blocks.DERIVATIVES[name](Z))


activation_backward = Exercise(
    "activation_backward", LESSON, "activation_backward(dA, Z, activation) -> dZ",
    ("dA", "Z", "activation"), visible=activation_visible, random=activation_random,
    finite_difference=activation_numeric, gradcheck_cases=activation_gradcheck_cases,
    mistakes=when_wrong([
        like(lambda dA, Z, name: dA * blocks.DERIVATIVES[name](blocks.ACTIVATIONS[name](Z)),
             "the derivative was taken at A = f(Z) instead of at Z: f'(f(Z)). The cache holds "
             "the pre-activation Z; evaluate f' there: dA * f'(Z).", "derivative_at_A",
             how="`dA * f'(f(Z))`: the derivative taken at A = f(Z)"),
        like(formula_applied_to_Z,
             "a(1 - a) and 1 - a² are the derivatives written in terms of the *output* "
             "a = f(Z), but the argument here is Z. Compute the output first (s = sigmoid(Z)) "
             "or use sigmoid_derivative(Z) / tanh_derivative(Z).", "formula_on_Z",
             how=("`dA * Z * (1 - Z)` for the sigmoid and `dA * (1 - Z ** 2)` for tanh: the "
                  "formulas in terms of the output, applied to Z (relu and linear as they "
                  "should be)")),
        like(lambda dA, Z, name: blocks.DERIVATIVES[name](Z),
             "that is f'(Z) alone. The chain rule multiplies it by the gradient arriving "
             "from above: dZ = dA * f'(Z).", "no_dA",
             how="`f'(Z)`: without dA"),
        like(lambda dA, Z, name: dA * (Z >= 0) if name == "relu"
             else blocks.activation_backward(dA, Z, name),
             "at exactly Z = 0 the course takes relu'(0) = 0: use Z > 0, not Z >= 0.",
             "relu_at_zero",
             how="`dA * (Z >= 0)` for relu (the other activations right)"),
        like(lambda dA, Z, name: dA * blocks.ACTIVATIONS[name](Z),
             "dA was multiplied by the activation f(Z) itself; multiply by its derivative "
             "f'(Z).", "activation_not_derivative",
             how="`dA * f(Z)`: the activation instead of its derivative"),
        like(lambda dA, Z, name: dA * (1 - np.tanh(Z)) if name == "tanh"
             else blocks.activation_backward(dA, Z, name),
             "tanh's derivative is 1 - tanh(Z)**2: the square is missing.", "tanh_not_squared",
             how="`dA * (1 - np.tanh(Z))` for tanh (the other activations right)"),
        like(lambda dA, Z, name: dA @ blocks.DERIVATIVES[name](Z).T,
             "dA @ ... is a matrix product; the chain rule here is element by element: "
             "dA * f'(Z).", "matrix_product",
             how="`dA @ f'(Z).T`: a matrix product"),
        when(other_activation,
             "that is the gradient of another activation. Look at the `activation` argument "
             "and use its own derivative (\"sigmoid\", \"tanh\", \"relu\" or \"linear\").",
             "other_activation",
             how=("the result equals the right gradient of another of the four activations (and "
                  "not this one's)")),
        raised("matmul", "dA @ ... is a matrix product; the chain rule here is element by "
               "element: dA * f'(Z).", "matrix_product"),
    ]))


# ---- backward -------------------------------------------------------------------

def network_case(rng, sizes, activations, m, kind="normal", label=None):
    """dA_out, cache (from blocks.forward), params, activations of a random network.

    X is redrawn until every pre-activation is at least KINK away from 0, so the
    case is also fit for a gradient check."""
    params = [(values(rng, (i, o)) / np.sqrt(i), values(rng, (1, o)) / 2)
              for i, o in zip(sizes[:-1], sizes[1:])]
    for _ in range(100):
        X = values(rng, (m, sizes[0]), kind)
        A_out, cache = blocks.forward(X, params, activations)
        if min(np.abs(Z).min() for _, Z in cache) > KINK:
            break
    dA_out = rng.normal(0, 1, size=A_out.shape)
    return Case((dA_out, cache, params, list(activations)), label or network_label(sizes, activations, m))


def backward_visible():
    params, activations = article_network(), ["relu", "relu"]
    A_out, cache = blocks.forward(a([[1.0, 2.0]]), params, activations)
    dA_out = blocks.mse_loss_grad(A_out, a([[1.0]]))
    return [Case((dA_out, cache, params, activations),
                 "the article's 2-3-1 ReLU network on X = [[1, 2]], MSE with target [[1]]"),
            network_case(np.random.default_rng(3), [2, 3, 1], ["tanh", "sigmoid"], 4),
            network_case(np.random.default_rng(4), [3, 3, 3, 3], ["relu", "tanh", "sigmoid"], 2)]


def backward_random(rng):
    shapes = NETWORKS + (((3, 3, 3), ("sigmoid", "relu"), 1),
                         ((2, 4, 4, 4, 3), ("tanh", "relu", "tanh", "linear"), 4),
                         ((4, 4, 4, 4), ("linear", "relu", "tanh"), 3))
    cases = [network_case(rng, s, acts, m) for s, acts, m in shapes]
    cases.append(network_case(rng, [3, 4, 2], ["sigmoid", "tanh"], 4, kind="large"))
    for c in cases:
        c.hidden = True
    return cases


def replaced(params, l, k, new):
    out = [list(layer) for layer in params]
    out[l][k] = new
    return out


def backward_numeric(case):
    """Centred differences of L = sum(dA_out * A_out), A_out = blocks.forward(X, params, ...)."""
    dA_out, cache, params, activations = case.args
    X = cache[0][0]
    params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params]

    def grad(l, k):
        def L(p):
            return float(np.sum(dA_out * blocks.forward(X, replaced(params, l, k, p),
                                                        activations)[0]))
        return blocks.numerical_gradient(L, params[l][k].copy())
    return [(grad(l, 0), grad(l, 1)) for l in range(len(params))]


def backward_gradcheck_cases():
    return [backward_visible()[0],
            network_case(np.random.default_rng(11), [3, 4, 2], ["relu", "tanh"], 3)]


def backward_wrong(order="reverse", act=None, dZ_of=None, dA_of=None, entry=None):
    """The reference backward pass with one thing done wrong, for recognising mistakes."""
    def run(dA_out, cache, params, activations):
        L = len(params)
        layers = list(range(L))
        layers = layers if order == "forward" else layers[::-1]
        grads, dA = [None] * L, dA_out
        for step, l in enumerate(layers):
            A_prev, Z = entry(cache, l) if entry else cache[l]
            W = params[l][0]
            name = act(activations, l, step) if act else activations[l]
            dZ = dZ_of(dA, Z, name) if dZ_of else blocks.activation_backward(dA, Z, name)
            dW, db = A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)
            dA = dA_of(dZ, W) if dA_of else dZ @ W.T
            dA = dA_out if dA is None else dA           # dA_of returning None: dA_out again
            grads[l] = (dW, db)
        return grads
    return run


def grads_reversed(case, got):
    exp = case.expected
    return len(exp) > 1 and close(got, exp[::-1]) and not close(got, exp)


def grads_divided_by_m(case, got):
    m = case.args[0].shape[0]
    dW, db = case.expected[-1]
    return m > 1 and (close(got[-1][0], dW / m) or close(got[-1][1], db / m))


def db_shape(case, got):
    pairs = isinstance(got, (list, tuple)) and all(
        isinstance(g, (list, tuple)) and len(g) == 2 for g in got)
    return pairs and any(np.shape(g[1]) != np.shape(e[1]) and np.size(g[1]) == np.size(e[1])
                         for g, e in zip(got, case.expected))


WRONG_ORDER = ("backpropagation walks the layers from the last to the first, and layer l uses "
               "its own cache[l] = (A_prev, Z), params[l] and activations[l]. Loop with "
               "`for l in reversed(range(len(params)))` and index all three with l.")
WRONG_ACTIVATION = ("a layer's derivative was taken with another layer's activation. When you "
                    "walk the layers backwards, use activations[l] for layer l (if you zip, "
                    "reverse the activations too).")

backward = Exercise(
    "backward", LESSON, "backward(dA_out, cache, params, activations) -> grads",
    ("dA_out", "cache", "params", "activations"), visible=backward_visible,
    random=backward_random, finite_difference=backward_numeric, gradcheck_cases=backward_gradcheck_cases,
    uses=("dense_backward", "activation_backward"),
    mistakes=when_wrong([
        when(grads_reversed,
             "the gradients are right but listed last layer first. grads must match params: "
             "first layer first. Reverse the list before returning it (grads[::-1]), or fill "
             "grads[l] by index.", "grads_reversed",
             how=("there is more than one layer and the result equals the right grads listed "
                  "last layer first")),
        when(grads_divided_by_m,
             "the gradients are m times too small: they were divided by m again. The 1/m of the "
             "mean loss is already in dA_out, so dW = A_prev.T @ dZ with no / m.",
             "divided_by_m",
             how="m > 1 and the last layer's dW or db equals the right one divided by m"),
        when(db_shape,
             "a db has the wrong shape. Every db is (1, n_out), like b: "
             "dZ.sum(axis=0, keepdims=True).", "db_shape",
             how="some db has the right number of elements in another shape"),
        like(backward_wrong(order="forward"), WRONG_ORDER, "wrong_order",
             how="the course's backward pass walking the layers first to last"),
        like(backward_wrong(entry=lambda cache, l: cache[l][::-1]),
             "each cache entry is (A_prev, Z), in that order: unpack it as "
             "A_prev, Z = cache[l].", "cache_swapped",
             how="the course's backward pass reading each cache entry as `(Z, A_prev)`"),
        like(backward_wrong(entry=lambda cache, l: cache[l - 1]), WRONG_ORDER, "wrong_order",
             how="the course's backward pass with layer l reading `cache[l - 1]`"),
        like(backward_wrong(act=lambda acts, l, step: acts[step]), WRONG_ACTIVATION,
             "wrong_activation",
             how=("the course's backward pass with the activations taken in forward order while "
                  "the layers go backwards")),
        like(backward_wrong(act=lambda acts, l, step: acts[-1]), WRONG_ACTIVATION,
             "wrong_activation",
             how=("the course's backward pass with the last layer's activation used for every "
                  "layer")),
        like(backward_wrong(dZ_of=lambda dA, Z, name: blocks.activation_backward(
            dA, blocks.ACTIVATIONS[name](Z), name)),
             "the activation's derivative was evaluated at the layer's output A = f(Z). "
             "Evaluate it at the pre-activation Z from the cache: "
             "activation_backward(dA, Z, activations[l]).", "derivative_at_A",
             how=("the course's backward pass with each derivative taken at the layer's output "
                  "A = f(Z)")),
        like(backward_wrong(dZ_of=lambda dA, Z, name: dA),
             "the activations' derivatives are missing: before dense_backward, every layer "
             "needs dZ = activation_backward(dA, Z, activations[l]).", "no_activation_derivative",
             how="the course's backward pass without the activations' derivatives (dZ = dA)"),
        like(backward_wrong(dA_of=lambda dZ, W: None),
             "every layer received dA_out, the gradient of the network's output. Only the "
             "last layer gets dA_out: each layer hands the one before it its own dA_prev "
             "(dA = dA_prev from dense_backward), and the loop carries that dA down.",
             "dA_out_everywhere",
             how="the course's backward pass with dA_out handed to every layer"),
        like(backward_wrong(dA_of=lambda dZ, W: dZ @ W),
             "the gradient passed to the previous layer must be dZ @ W.T (shape (m, n_in)); "
             "it used W without .T.", "W_not_transposed",
             how="the course's backward pass handing `dZ @ W` (no .T) to the layer before"),
    ]))

EXERCISES = [dense_backward, activation_backward, backward]
