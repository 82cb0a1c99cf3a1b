"""Lesson 01, the weighted sum: weighted_sum, dense_forward and layer_from_rows."""
import numpy as np

from ..engine.exercise import Case, Exercise, like, raised, raised_when, shapes_named
from ..engine.messages import msg, nmsg
from .common_mistakes import size_one_array
from .gen import KINDS, batch_shapes, kind_word, values

LESSON = "01_weighted_sum"
a = np.array


def weighted_sum_visible():
    return [Case((a([1.0, 2.0, 3.0]), a([0.2, 0.8, -0.5]), 0.5), "the article's first neuron"),
            Case((a([1.0, 2.0]), a([0.5, -1.0]), 0.0), "two inputs, no bias"),
            Case((a([4.0]), a([-0.25]), 2.0), "a single input")]


def weighted_sum_random(rng):
    cases = []
    for i, n in enumerate([1, 2, 3, 5, 10, 50, 4, 7]):
        kind = KINDS[i % len(KINDS)]
        cases.append(Case((values(rng, (n,), kind), values(rng, (n,), "normal"),
                           float(values(rng, (), kind))),
                          nmsg("{n} input, {kind} values", "{n} inputs, {kind} values", n,
                               kind=kind_word(kind)),
                          hidden=True))
    return cases


weighted_sum = Exercise(
    "weighted_sum", LESSON, "weighted_sum(x, w, b) -> float", ("x", "w", "b"),
    visible=weighted_sum_visible, random=weighted_sum_random, scalar=True,
    mistakes=[
        size_one_array("you returned an array holding one number; return the number itself "
                       "with float(...) or .item()."),
        like(lambda x, w, b: np.dot(x, w), "the bias is missing: z = w · x + b.", "no_bias",
             how="`np.dot(x, w)`"),
        like(lambda x, w, b: np.dot(x, w) - b, "the bias is subtracted; add it: z = w · x + b.",
             "bias_subtracted",
             how="`np.dot(x, w) - b`"),
        like(lambda x, w, b: x * w + b,
             "x * w multiplies element by element and keeps one value per input. "
             "Sum the products: np.dot(x, w) or np.sum(x * w).", "no_sum",
             how="`x * w + b`"),
        like(lambda x, w, b: np.sum(x * w + b),
             "the bias was added once per input (n times), inside the sum: got - expected "
             "= (n - 1) * b. Add it once, after the sum: np.dot(x, w) + b.", "bias_n_times",
             how="`np.sum(x * w + b)`"),
        like(lambda x, w, b: np.sum(x + w) + b,
             "the inputs are added to the weights; multiply them: sum of x_i * w_i.", "added",
             how="`np.sum(x + w) + b`"),
    ])


def dense_visible():
    X = a([[1.0, 2.0, 3.0]])
    W = a([[0.2, 0.5], [0.8, -0.91], [-0.5, 0.26]])   # the article's weights, transposed
    return [Case((X, W, a([[0.5, -0.1]])), "the article's layer: 3 inputs, 2 neurons"),
            Case((a([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]]), W, a([0.5, -0.1])),
                 "a batch of two examples, b of shape (2,)"),
            Case((a([[1.0, 2.0], [3.0, 4.0]]), a([[1.0, 0.0], [2.0, -1.0]]), a([[0.0, 1.0]])),
                 "square weights")]


def dense_random(rng):
    cases = []
    for i, (m, n_in, n_out) in enumerate(batch_shapes(rng, 12)):
        kind = KINDS[i % len(KINDS)]
        b_shape = (1, n_out) if i % 2 == 0 else (n_out,)
        cases.append(Case((values(rng, (m, n_in), kind), values(rng, (n_in, n_out)),
                           values(rng, b_shape, kind)),
                          msg("X {m}x{n_in}, W {n_in}x{n_out}, b of shape {b_shape}, {kind} values", m=m,
                              n_in=n_in, n_out=n_out, b_shape=b_shape, kind=kind_word(kind)),
                          hidden=True))
    return cases


dense_forward = Exercise(
    "dense_forward", LESSON, "dense_forward(X, W, b) -> Z", ("X", "W", "b"),
    visible=dense_visible, random=dense_random,
    mistakes=[
        like(lambda X, W, b: X @ W, "the bias is missing: Z = X @ W + b.", "no_bias",
             how="`X @ W`"),
        like(lambda X, W, b: X @ W.T + np.reshape(b, (1, -1)),
             "W is used transposed. W has shape (n_in, n_out), so X @ W already gives "
             "(m, n_out): no .T needed.", "transposed_W",
             how="`X @ W.T + b` (b as a row)"),
        like(lambda X, W, b: X[:1] @ W + np.reshape(b, (1, -1)),
             "only the first example is computed. X holds one example per row: X @ W "
             "handles the whole batch at once, no indexing needed.", "one_example",
             how="`X[:1] @ W + b` (b as a row): the first example only"),
        like(lambda X, W, b: X @ W + np.reshape(b, (-1, 1)),
             "the bias is added down the columns. Reshape it to a row (1, n_out) so it "
             "broadcasts across examples: b.reshape(1, -1).", "bias_column",
             how="`X @ W + b.reshape(-1, 1)`: b as a column"),
        like(lambda X, W, b: (X @ W + np.reshape(b, (1, -1))).T,
             "the result is transposed: shape (n_out, m), one row per neuron. The course "
             "keeps one example per row: Z = X @ W + b has shape (m, n_out) (W.T @ X.T is its "
             "transpose).", "transposed_result",
             how="`(X @ W + b).T`: shape (n_out, m)"),
        raised_when("operands could not be broadcast",
                    lambda case, text: sorted(shapes_named(text)[:2]) == sorted(
                        [np.shape(case.args[0]), np.shape(case.args[1])]),
                    "an element-wise product (*) between X and W cannot work: their shapes "
                    "differ. A layer needs the matrix product X @ W (or np.dot(X, W)).",
                    "elementwise_product",
                    how="says the shapes of X and W could not be broadcast together"),
        raised_when("operands could not be broadcast",
                    lambda case, text: len(shapes_named(text)) >= 2,
                    "NumPy could not line up two shapes in your formula (the error names "
                    "them). With one example per row no transpose is needed anywhere: X @ W "
                    "has shape (m, n_out), and b, of shape (1, n_out) or (n_out,), adds to "
                    "every row as it is.", "shapes_mismatch",
                    how="says two other shapes could not be broadcast together"),
    ])


# ---- "Find the bug": the article's layer, its weights written one row per neuron --------

def rows_visible():
    X = a([[1.0, 2.0, 3.0]])
    weights = a([[0.2, 0.8, -0.5], [0.5, -0.91, 0.26]])   # the article's: one row per neuron
    return [Case((X, weights, a([0.5, -0.1])), "the article's layer: 3 inputs, 2 neurons"),
            Case((a([[1.0, 2.0], [0.0, -1.0]]), a([[1.0, -2.0], [0.5, 0.0]]), a([0.0, 1.0])),
                 "2 inputs, 2 neurons: square weights, where the bug runs silently"),
            Case((a([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), weights, a([0.5, -0.1])),
                 "the article's layer on a batch of two examples")]


def rows_random(rng):
    cases = []
    for i, (m, n_in, n_out) in enumerate(batch_shapes(rng, 10)):
        kind = ("normal", "zeros")[i % 2]
        cases.append(Case((values(rng, (m, n_in), kind), values(rng, (n_out, n_in)),
                           values(rng, (n_out,), kind)),
                          msg("X {m}x{n_in}, weights {n_out}x{n_in} (one row per neuron), {kind} values",
                              m=m, n_in=n_in, n_out=n_out, kind=kind_word(kind)), hidden=True))
    return cases


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


NOT_TRANSPOSED = ("weights holds one row per neuron, shape (n_out, n_in), so X @ weights "
                  "pairs the inputs with the neurons. Transpose it into a column per neuron: "
                  "X @ weights.T + bias.")

layer_from_rows = Exercise(
    "layer_from_rows", LESSON, "layer_from_rows(X, weights, bias) -> A", ("X", "weights", "bias"),
    visible=rows_visible, random=rows_random,
    mistakes=[
        raised(("not aligned", "core dimension", "broadcast"), NOT_TRANSPOSED, "not_transposed"),
        like(lambda X, w, b: sigmoid(X @ w + b),
             "the weights are used untransposed. With square weights this runs, but each "
             "neuron then reads another neuron's weights. " + NOT_TRANSPOSED, "untransposed",
             how="`sigmoid(X @ weights + bias)`: the weights untransposed"),
        like(lambda X, w, b: X @ w.T + b,
             "these are the weighted sums Z; the layer's output is A = sigmoid(Z).", "no_sigmoid",
             how="`X @ weights.T + bias`: no sigmoid"),
        like(lambda X, w, b: sigmoid(X @ w.T),
             "the bias is missing: A = sigmoid(X @ weights.T + bias).", "no_bias",
             how="`sigmoid(X @ weights.T)`"),
        like(lambda X, w, b: 1 / (1 + np.exp(X @ w.T + b)),
             "the sign in the exponent is flipped: sigmoid(z) = 1 / (1 + e^(-z)), so "
             "np.exp(-z). With e^(+z) every output is 1 - sigmoid(z).", "exp_sign",
             how="`1 / (1 + np.exp(X @ weights.T + bias))`: e^(+z)"),
        like(lambda X, w, b: sigmoid(X @ w.T + b).T,
             "the result is transposed: shape (n_out, m), one row per neuron. The course "
             "keeps one example per row: sigmoid(X @ weights.T + bias) has shape (m, n_out).",
             "transposed_result",
             how="`sigmoid(X @ weights.T + bias).T`: shape (n_out, m)"),
        like(lambda X, w, b: sigmoid(X @ w.T) + b,
             "the bias is added after the sigmoid; add it to the weighted sum, inside: "
             "sigmoid(X @ weights.T + bias).", "bias_outside",
             how="`sigmoid(X @ weights.T) + bias`"),
    ])

EXERCISES = [weighted_sum, dense_forward, layer_from_rows]
