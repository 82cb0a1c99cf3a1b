"""Random inputs for hidden and practice cases: many shapes, m == 1, large magnitudes, zeros."""
import numpy as np

from ..engine.exercise import Case
from ..engine.messages import msg, nmsg, pmsg


def values(rng, shape, kind="normal"):
    """Float64 array of ``shape``: "normal", "large" (about ±1000) or "zeros" (some exact 0)."""
    if kind == "large":
        return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(500, 1000, size=shape)
    x = rng.normal(0, 2, size=shape)
    if kind == "zeros":
        x[rng.random(shape) < 0.4] = 0.0
    return x


KINDS = ("normal", "normal", "large", "zeros")
# The kinds' names as a case label shows them ("z of shape (3, 4), large values").
KIND_WORDS = {"normal": pmsg("values", "normal"), "large": pmsg("values", "large"),
              "zeros": pmsg("values", "zeros")}


def kind_word(kind):
    """``kind`` ("normal", "large", "zeros") as a word of a case label (a Message)."""
    return KIND_WORDS[kind]


def elementwise_cases(rng, n=24):
    """Cases with one array argument of many shapes, for elementwise functions."""
    shapes = [(1,), (5,), (1, 1), (3, 4), (1, 7), (6, 1), (2, 3, 4), (10,)]
    cases = []
    for i in range(n):
        shape, kind = shapes[i % len(shapes)], KINDS[i % len(KINDS)]
        z = values(rng, shape, kind)
        cases.append(Case((z,), label=msg("z of shape {shape}, {kind} values", shape=shape,
                                          kind=kind_word(kind)), hidden=True))
    return cases


def network_label(sizes, activations, m):
    """A case label: "2-layer network 2-3-1 (relu, sigmoid), 4 examples"."""
    return nmsg("{layers}-layer network {sizes} ({activations}), {n} example",
                "{layers}-layer network {sizes} ({activations}), {n} examples", m,
                layers=len(sizes) - 1, sizes="-".join(map(str, sizes)),
                activations=", ".join(activations))


def logits_label(m, classes, kind):
    """A case label: "4 examples, 3 classes, large logits"."""
    return msg("{examples}, {classes}, {kind} logits",
               examples=nmsg("{n} example", "{n} examples", m),
               classes=nmsg("{n} class", "{n} classes", classes), kind=kind_word(kind))


def batch_shapes(rng, n):
    """(m, n_in, n_out) triples, including m == 1 and square weights."""
    fixed = [(1, 3, 2), (4, 3, 3), (1, 1, 1), (5, 2, 4), (3, 4, 4), (8, 5, 1)]
    extra = [tuple(int(v) for v in rng.integers(1, 7, size=3)) for _ in range(max(0, n - len(fixed)))]
    return (fixed + extra)[:n]


# Networks of the hidden cases of forward (lesson 03) and backward (lesson 06): layer sizes,
# activations, number of examples m (m == 1, one layer, width 1 and a linear output included).
NETWORKS = (((2, 3, 1), ("relu", "relu"), 1), ((4, 5, 3), ("tanh", "linear"), 6),
            ((3, 2), ("sigmoid",), 2), ((5, 4, 4, 2), ("relu", "sigmoid", "linear"), 5),
            ((1, 1, 1), ("tanh", "tanh"), 3), ((6, 8, 3), ("relu", "linear"), 10))


def article_network():
    """The article's 2-3-1 ReLU network with the round weights of lesson 03, section 3 (the
    article draws random ones), for visible cases: Z1 = (1.1, -0.3, 0.2), Z2 = 1.25 on X = (1, 2)."""
    W1 = np.array([[0.2, -0.5, 1.0], [0.4, 0.1, -0.3]])
    W2 = np.array([[0.5], [-1.0], [2.0]])
    return [(W1, np.array([[0.1, 0.0, -0.2]])), (W2, np.array([[0.3]]))]
