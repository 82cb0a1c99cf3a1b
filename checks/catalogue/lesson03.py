"""Lesson 03, the forward pass: init_params (graded by properties) and forward."""
import numpy as np

import blocks

from ..engine.exercise import Case, Exercise, close, in_wrong_order, like, when
from ..engine.messages import msg
from ..engine.verify import error_message
from .gen import NETWORKS, article_network, network_label, values

LESSON = "03_forward_pass"


def init_params_properties(call):
    """Problems with init_params, judged by shapes, scale, zero biases and seeding."""
    def run(sizes, seed):
        out = call(Case((sizes,), kwargs={"seed": seed}))
        return out

    out = run([2, 3, 1], 0)
    if out.error:
        return [msg("{call} {problem}", call="init_params([2, 3, 1], seed=0)",
                    problem=error_message(out))]
    params = out.value
    expected_shapes = [((2, 3), (1, 3)), ((3, 1), (1, 1))]
    if not isinstance(params, (list, tuple)) or len(params) != 2 or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in params):
        return [msg("init_params([2, 3, 1]) should return a list of 2 (W, b) pairs, one per "
                    "layer.")]
    shapes = [tuple(np.shape(x) for x in p) for p in params]
    if shapes != expected_shapes:
        said = msg("init_params([2, 3, 1]) gave shapes {shapes}, expected {expected} as "
                   "[(W1, b1), (W2, b2)].", shapes=shapes, expected=expected_shapes)
        if [s[0] for s in shapes] == [(3, 2), (1, 3)]:
            said = msg("{problem} Hint: W is (n_in, n_out) so that Z = X @ W works with rows as "
                       "examples.", problem=said)
        elif [s[1] for s in shapes] == [(3,), (1,)]:
            said = msg("{problem} Hint: every b has shape (1, n_out): np.zeros((1, n_out)).",
                       problem=said)
        return [said]
    problems = []
    if any(np.any(b != 0) for _, b in params):
        problems.append(msg("the biases should start at exactly zero: np.zeros((1, n_out))."))
    big = run([400, 300, 200], 1)        # 180,000 weights: their std to within ~0.2 %
    if not big.error and isinstance(big.value, (list, tuple)) and len(big.value) == 2:
        for (W, _), n_in in zip(big.value, [400, 300]):
            std, target = float(np.std(W)), np.sqrt(2.0 / n_in)
            if abs(std / target - 1) > 0.05 or abs(float(np.mean(W))) > 0.1 * target:
                problems.append(scale_hint(std, target, n_in))
                break
    square = run([4, 4, 4], 0)
    if not square.error and isinstance(square.value, (list, tuple)) and len(square.value) == 2 \
            and np.array_equal(square.value[0][0], square.value[1][0]):
        problems.append(msg("two layers of the same shape got identical weights: create the "
                            "generator once, before the loop, and draw every layer from it."))
    same = run([2, 3, 1], 0)
    other = run([2, 3, 1], 7)
    if from_global_state(params, [2, 3, 1], 0):
        return problems + [GLOBAL_SEEDED]
    if not same.error and not close_params(params, same.value):
        problems.append(msg("two calls with the same seed gave different weights: they came "
                            "from NumPy's global random state (np.random.randn, "
                            "np.random.normal, ...), which ignores `seed`. Draw from a generator "
                            "made from the seed: rng = np.random.default_rng(seed), then "
                            "rng.normal(...)."))
    elif not other.error and close_params(params, other.value):
        problems.append(msg("seed=0 and seed=7 gave the same weights: pass `seed` to "
                            "np.random.default_rng(seed)."))
    by_rng = call(Case(([3, 2],), kwargs={"seed": np.random.default_rng(5)}))
    by_int = run([3, 2], 5)
    if by_rng.error:
        problems.append(msg("{call} {problem} `seed` may also be a Generator "
                            "(np.random.default_rng accepts one).",
                            call="init_params([3, 2], seed=np.random.default_rng(5))",
                            problem=error_message(by_rng)))
    elif not by_int.error and not close_params(by_rng.value, by_int.value):
        problems.append(msg("a Generator seeded with 5 should give the same weights as seed=5."))
    return problems


GLOBAL_SEEDED = msg(
    "your weights come from NumPy's global random state, seeded with np.random.seed(seed) "
    "(then np.random.randn or np.random.normal). That state is shared by the whole notebook: "
    "any other random call in between changes your weights, and `seed` may also be a "
    "Generator, which np.random.seed cannot take. Make a generator of your own: "
    "rng = np.random.default_rng(seed), then rng.normal(0.0, np.sqrt(2 / n_in), "
    "size=(n_in, n_out)).")


def from_global_state(params, sizes, seed):
    """True when the weights are np.random.seed(seed)'s draws (randn or normal), in order."""
    state = np.random.RandomState(seed)
    try:
        for (W, _), n_in, n_out in zip(params, sizes[:-1], sizes[1:]):
            draw = state.standard_normal((n_in, n_out))
            W = np.asarray(W, dtype=float)
            if W.shape != draw.shape or not np.allclose(W, draw * np.std(W) / np.std(draw),
                                                        rtol=1e-6, atol=1e-12):
                return False
        return True
    except (TypeError, ValueError):
        return False


def scale_hint(std, target, n_in):
    candidates = [("sqrt(1 / n_in)", np.sqrt(1 / n_in)), ("2 / n_in", 2 / n_in), ("1", 1.0),
                  ("sqrt(2 / n_out)", None)]
    formula = next((name for name, value in candidates
                    if value is not None and abs(std / value - 1) < 0.05), None)
    said = msg("with n_in = {n_in} the weights' standard deviation is {std:.4f}, but He "
               "initialisation uses sqrt(2 / n_in) = {target:.4f}.", n_in=n_in, std=std,
               target=target)
    if formula:
        said = msg("{problem} That matches a standard deviation of {formula}.", problem=said,
                   formula=formula)
    return msg("{problem} Draw them with rng.normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out)).",
               problem=said)


def close_params(p, q):
    try:
        return all(np.array_equal(x, y) for pp, qq in zip(p, q) for x, y in zip(pp, qq)) \
            and len(p) == len(q)
    except (TypeError, ValueError):
        return False


init_params = Exercise("init_params", LESSON, "init_params(layer_sizes, seed=0) -> params",
                       ("layer_sizes",), properties=init_params_properties)


def network(rng, sizes, activations, m, kind="normal"):
    params = [(values(rng, (i, o)), values(rng, (1, o))) for i, o in zip(sizes[:-1], sizes[1:])]
    return Case((values(rng, (m, sizes[0]), kind), params, list(activations)),
                network_label(sizes, activations, m))



def forward_visible():
    return [Case((np.array([[1.0, 2.0]]), article_network(), ["relu", "relu"]),
                 "the article's 2-3-1 ReLU network on X = [[1, 2]]"),
            network(np.random.default_rng(3), [2, 3, 1], ["tanh", "sigmoid"], 4),
            network(np.random.default_rng(4), [3, 4, 4, 2], ["relu", "tanh", "linear"], 3)]


def forward_random(rng):
    cases = [network(rng, s, acts, m) for s, acts, m in NETWORKS]
    cases.append(network(rng, [3, 4, 2], ["sigmoid", "tanh"], 4, kind="large"))
    for c in cases:
        c.hidden = True
    return cases


def forward_wrong(A_of_layer=None, cache_entry=None):
    """A forward pass with one thing done wrong, for recognising mistakes."""
    def run(X, params, activations):
        A, cache = X, []
        for i, ((W, b), name) in enumerate(zip(params, activations)):
            Z = A @ W + b
            A_new = blocks.ACTIVATIONS[A_of_layer(i, name, len(params))](Z) if A_of_layer \
                else blocks.ACTIVATIONS[name](Z)
            cache.append(cache_entry(A, Z, A_new) if cache_entry else (A, Z))
            A = A_new
        return A, cache
    return run


forward = Exercise(
    "forward", LESSON, "forward(X, params, activations) -> (A_out, cache)",
    ("X", "params", "activations"), visible=forward_visible, random=forward_random,
    outputs=("A_out", "cache"),
    mistakes=[
        like(forward_wrong(cache_entry=lambda A, Z, A_new: (A_new, Z)),
             "each cache entry should hold the layer's *input* A_prev and its Z. Append "
             "(A, Z) before you overwrite A with the activation.", "cache_after",
             how=("the course's forward pass with each cache entry `(A, Z)` holding the layer's "
                  "output A instead of its input")),
        like(forward_wrong(cache_entry=lambda A, Z, A_new: (Z, A)),
             "the cache entries are in the wrong order: (A_prev, Z).", "cache_swapped",
             how="the course's forward pass with each cache entry in the order `(Z, A_prev)`"),
        like(forward_wrong(lambda i, name, n: "linear" if i == n - 1 else name),
             "the last layer's activation was not applied. Every layer, the last one "
             "included, applies its own activation from `activations`.", "last_activation",
             how="the course's forward pass with the last layer left linear (no activation)"),
        like(forward_wrong(lambda i, name, n: "relu"),
             "every layer used ReLU. Look up each layer's own activation: "
             "activations[i] names it.", "same_activation",
             how="the course's forward pass with ReLU in every layer"),
        when(lambda case, got: isinstance(got, (tuple, list)) and len(got) == 2
             and isinstance(got[1], (tuple, list)) and len(got[1]) == len(case.args[1]) + 1,
             "the cache has one entry too many: one (A_prev, Z) pair per layer.",
             "cache_too_long",
             how="the result is a pair whose cache (a list) has one entry more than there "
                 "are layers"),
        when(lambda case, got: isinstance(got, np.ndarray)
             and close(got, case.expected[0]),
             "you returned only the output A_out; the cache is missing. forward returns two "
             "things: return A, cache, where cache holds one (A_prev, Z) pair per layer "
             "(backward needs them in lesson 06).", "no_cache",
             how="the result is one array, the right A_out, without the cache"),
        in_wrong_order(("A_out", "cache")),
    ])

EXERCISES = [init_params, forward]
