"""Lesson 08, the capstone on handwritten digits: predict, train_digits and train_article_model.

predict is value-checked: labels (m,) of integer class ids, compared exactly with the
reference on fixed and randomised networks whose largest output is clear of the second
(so every correct way of taking the argmax agrees).

train_digits is graded by properties: the checking process CALLS the learner's function
on the course's fixed split of the UCI digits (pixels scaled to [0, 1]), then judges the
returned network with the provided forward pass on the held-out test set, which the
learner's code never receives. It passes at TEST_ACCURACY = 0.90 or more, and when a
second call with the same seed gives the same network.

train_article_model (the article's Keras model, assembled from the learner's lesson 01-07
functions) is graded by properties on the MNIST sample: an exact replay of 2 epochs against the
spec's steps (known mistakes named), the training loss going down, and ARTICLE_ACCURACY on the
1,000 test images it never receives.
"""
import re

import numpy as np

import blocks
import digits

from ..engine.exercise import Case, Exercise, like, when
from ..engine.messages import Joined, Message, msg
from ..engine.verdicts import Note
from ..engine.verify import error_message
from .gen import values

LESSON = "08_digits"
a = np.array
TEST_ACCURACY = 0.90   # 9 in 10 unseen digits; guessing gets 1 in 10 (see the notebook)
SECONDS = 60           # the grader's limit for one call of train_digits (CPU time)
MARGIN = 1e-3          # cases keep the top output this far above the second


# ---- predict ------------------------------------------------------------------------

def outputs(X, params, activations):
    return blocks.forward(X, params, activations)[0]


def labels(X, params, activations):
    return outputs(X, params, activations).argmax(axis=1)


def clear_winner(X, params, activations):
    """True when every row's largest output beats the second by MARGIN (relatively)."""
    top2 = np.sort(outputs(X, params, activations), axis=1)[:, -2:]
    return bool(np.all(top2[:, 1] - top2[:, 0] > MARGIN * (1 + np.abs(top2).max(axis=1))))


def classifier(rng, sizes, m, label, kind="normal", hidden="relu"):
    """A case: a random network sizes[0] -> ... -> sizes[-1] logits, drawn until clear."""
    acts = [hidden] * (len(sizes) - 2) + ["linear"]
    while True:
        params = [(values(rng, (i, o)) / np.sqrt(i), values(rng, (1, o)))
                  for i, o in zip(sizes[:-1], sizes[1:])]
        X = values(rng, (m, sizes[0]), kind)
        if clear_winner(X, params, acts):
            return Case((X, params, acts), label)


def predict_visible():
    """A one-layer classifier by hand, then digit-shaped networks."""
    X = a([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.3]])
    W = a([[1.0, -1.0, 0.5], [0.2, 0.4, -1.0]])
    b = a([[0.0, 0.1, -0.2]])
    rng = np.random.default_rng(8)
    return [Case((X, [(W, b)], ["linear"]),
                 "3 examples, one linear layer, 3 classes (logits [[1.4, -0.1, -1.7], "
                 "[0.3, -0.8, 1.05], [-1.94, 2.22, -1.5]])"),
            classifier(rng, [64, 10, 10], 5, "the article's shape: 64 -> 10 ReLU -> 10, "
                                              "5 digits"),
            classifier(rng, [64, 10, 10], 1, "64 -> 10 ReLU -> 10, a single digit (m = 1)")]


def predict_random(rng):
    cases = [classifier(rng, [4, 6, 3], 3, "3 examples and 3 classes: a square output"),
             classifier(rng, [5, 3], 1, "one linear layer, m = 1"),
             classifier(rng, [3, 5, 4, 10], 7, "two hidden layers"),
             classifier(rng, [6, 8, 2], 9, "two classes"),
             classifier(rng, [2, 4, 5], 4, "large inputs", kind="large"),
             classifier(rng, [8, 6, 4], 6, "tanh hidden layer", hidden="tanh"),
             classifier(rng, [10, 10], 10, "10 examples and 10 classes"),
             classifier(rng, [64, 32, 10], 12, "a digit-sized network")]
    for case in cases:
        case.hidden = True
    return cases


def one_hot(X, params, activations):
    out = outputs(X, params, activations)
    return np.eye(out.shape[1])[out.argmax(axis=1)]


predict = Exercise(
    "predict", LESSON, "predict(X, params, activations) -> labels",
    ("X", "params", "activations"), visible=predict_visible, random=predict_random,
    mistakes=[
        when(lambda case, got: isinstance(got, (tuple, list)),
             "forward returns two things, (A_out, cache): unpack them, "
             "`A_out, _ = forward(X, params, activations)`, and return the labels.",
             "returned_tuple",
             how="the result is a tuple or a list"),
        like(lambda X, p, acts: labels(X, p, acts).astype(float),
             "the labels are right but they are floats: class ids are integers. "
             "np.argmax already returns integers; don't convert them to float "
             "(or use .astype(int)).", "float_labels",
             how="the right labels as floats"),
        like(lambda X, p, acts: outputs(X, p, acts).argmax(axis=0),
             "argmax over axis=0 picks, for each class, the example that scores highest. "
             "You want, for each example (row), the class with the highest score: axis=1.",
             "axis_0",
             how="the argmax of the network's outputs along axis 0"),
        like(lambda X, p, acts: blocks.softmax(outputs(X, p, acts)),
             "you returned the probabilities of every class. predict returns one label per "
             "example: the index of the largest probability, np.argmax(..., axis=1).",
             "probabilities",
             how="the softmax of the network's outputs"),
        like(outputs, "you returned the network's outputs (the logits). predict returns one "
             "label per example: the index of the largest output, np.argmax(A_out, axis=1).",
             "outputs",
             how="the network's outputs, `forward(X, params, activations)[0]`"),
        like(one_hot, "you returned one-hot rows. predict returns the class ids themselves, "
             "shape (m,): np.argmax(A_out, axis=1).", "one_hot",
             how="one-hot rows of the right labels"),
        like(lambda X, p, acts: labels(X, p, acts).reshape(-1, 1),
             "the labels should have shape (m,), not (m, 1) (labels are \"sparse\", like "
             "y_train): drop keepdims, or .ravel() the result.", "column",
             how="the right labels as a column of shape (m, 1)"),
        like(lambda X, p, acts: outputs(X, p, acts).max(axis=1),
             "you returned the largest score itself. predict returns *where* it is, the "
             "class index: argmax, not max.", "max_not_argmax",
             how="the largest output of each row, `A_out.max(axis=1)`"),
        like(lambda X, p, acts: labels(X, p, acts) + 1,
             "every label is 1 too large. Classes count from 0 (digit 0 is class 0), "
             "and argmax's index already does.", "off_by_one",
             how="the right labels plus 1"),
        like(lambda X, p, acts: labels(X, p, ["relu"] * len(p)),
             "the last layer went through ReLU: use each layer's own activation from "
             "`activations` (the last one is \"linear\"). A ReLU output turns every negative "
             "logit into a tie at 0.", "relu_everywhere",
             how="the labels of the network run with ReLU in every layer, the last one included"),
    ])


# ---- train_digits --------------------------------------------------------------------

CALL = "train_digits(X_train, y_train, X_val, y_val, seed=0)"


def scaled_split():
    """The course's fixed split with pixels divided by 16, as the notebook uses it."""
    d = digits.load_digits_split(seed=0)
    return {k: v / digits.MAX_PIXEL if k.startswith("X") else v for k, v in d.items()}


def as_network(value, n_in=64, n_out=10):
    """The learner's params as [(W, b), ...] of floats, or a sentence saying what's wrong."""
    if not (isinstance(value, (list, tuple)) and value and all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in value)):
        return msg("it should return params, a list of (W, b) pairs, one per layer, first layer "
                   "first (like init_params makes). Return the params, not the history.")
    shapes = [tuple(np.shape(x) for x in p) for p in value]
    problem = None
    if any(len(sw) != 2 or sb != (1, sw[1]) for sw, sb in shapes):
        problem = msg("every W should be (n_in, n_out) and every b (1, n_out).")
    elif shapes[0][0][0] != n_in:
        problem = msg("the first W should have {n} rows, one per pixel.", n=n_in)
    elif shapes[-1][0][1] != n_out:
        problem = msg("the last layer should have {n} outputs, one logit per digit.", n=n_out)
    elif any(s[0][1] != t[0][0] for s, t in zip(shapes, shapes[1:])):
        problem = msg("each W's rows should match the previous layer's outputs.")
    if problem:
        return msg("the returned params have shapes {shapes}: {problem}", shapes=shapes,
                   problem=problem)
    try:
        return [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in value]
    except (TypeError, ValueError):
        return msg("the returned W and b should be arrays of numbers.")


def activations_for(params, hidden="relu"):
    return [hidden] * (len(params) - 1) + ["linear"]


def accuracy(params, X, y, hidden="relu"):
    return float(np.mean(labels(X, params, activations_for(params, hidden)) == y))


def other_activation(network, d, graded):
    """(name, test accuracy) of a hidden activation that suits the network clearly better
    than ReLU, the one it is graded with (it was probably trained with it), else None."""
    if len(network) < 2:
        return None
    best = max(((h, accuracy(network, d["X_test"], d["y_test"], h)) for h in ("tanh", "sigmoid")),
               key=lambda pair: pair[1])
    return best if best[1] >= graded + 0.01 else None


def activation_note(network, d, graded):
    other = other_activation(network, d, graded)
    if not other:
        return None
    return msg("Its hidden layers seem to use {activation}: with {activation} they would "
               "classify {accuracy:.1%} of the test digits right, but they are graded as the "
               "course's network, ReLU hidden layers and a linear output (predict's "
               "activations). Train with [\"relu\", ..., \"linear\"].", activation=other[0],
               accuracy=other[1])


def run_train_digits(call, d):
    """(network, problem): the learner's trained network, or one sentence of what went wrong."""
    out = call(Case((d["X_train"], d["y_train"], d["X_val"], d["y_val"]), kwargs={"seed": 0}))
    if out.error:
        said = msg("{call} {problem}", call=CALL, problem=error_message(out))
        if out.timed_out:
            said = msg("{problem} It must finish within {seconds} s when graded: use fewer "
                       "epochs or a smaller hidden layer.", problem=said, seconds=SECONDS)
        return None, said
    if out.mutated:
        return None, msg("{call} changed {names} in place. Shuffle an index array instead and "
                         "leave the caller's data as it was.", call=CALL,
                         names=Joined(out.mutated, last="and"))
    network = as_network(out.value)
    if isinstance(network, Message):
        return None, msg("{call}: {problem}", call=CALL, problem=network)
    if not all(np.all(np.isfinite(x)) for layer in network for x in layer):
        return None, msg("{call} returned parameters containing nan or inf: the training blew "
                         "up. Lower the learning rate (with Adam, try 1e-3 to 1e-2).", call=CALL)
    return network, None


def too_low(network, d):
    """None if the test accuracy reaches TEST_ACCURACY, else why not and what to try."""
    test = accuracy(network, d["X_test"], d["y_test"])
    if test >= TEST_ACCURACY:
        return None
    train = accuracy(network, d["X_train"], d["y_train"])
    said = msg("your network classifies {test:.1%} of the held-out test digits right (and "
               "{train:.1%} of the training digits); it should reach {target:.0%}.", test=test,
               train=train, target=TEST_ACCURACY)

    def then(advice):
        return msg("{problem} {advice}", problem=said, advice=advice)
    other = activation_note(network, d, test)
    if other:
        return then(other)
    silent = no_positive_output(network, d["X_train"])
    if silent > DEAD_OUTPUT:
        return then(output_relu(silent))
    mean, std = d["X_train"].mean(axis=0), d["X_train"].std(axis=0) + 1e-8
    rescaled = [d["X_test"] * digits.MAX_PIXEL, d["X_test"] / digits.MAX_PIXEL,
                (d["X_test"] - mean) / std]
    if any(accuracy(network, X, d["y_test"]) >= TEST_ACCURACY for X in rescaled):
        return then(msg("It does much better when the test digits are rescaled: did you "
                        "rescale or standardise X inside train_digits? The inputs arrive "
                        "already divided by 16; train on them as they are, because the "
                        "grader feeds the test digits that way."))
    if train < 0.2:
        return then(msg("That is about guessing (10 %): the network barely trained. Return "
                        "the params after training (fit updates the list you pass in), "
                        "check the learning rate (Adam: 1e-3 to 1e-2; far smaller barely "
                        "moves, far larger blows up) and give it enough epochs (20-50)."))
    if train - test > 0.1:
        return then(msg("It is much better on the training digits: it memorises them. Use "
                        "fewer epochs, or watch the validation accuracy and stop where it is "
                        "best."))
    return then(msg("It learned, but not enough: train for more epochs, try a learning rate "
                    "between 1e-3 and 1e-2 with Adam, shuffle the examples every epoch, and "
                    "give the hidden layer 32-128 units."))


# A network trained with a linear output lifts each digit's own logit above 0 (at most 1 %
# of the training digits are left with none, even after 1 epoch); one trained with a ReLU on
# its output leaves 15-40 % without any: a logit the ReLU cuts to 0 gets no gradient.
DEAD_OUTPUT = 0.10


def output_relu(share):
    """Why a network that leaves ``share`` of the digits without a positive logit fails (a
    Message)."""
    return msg(
        "{share:.0%} of the training digits get no positive output at all (all 10 logits "
        "are 0 or below), as happens when the output layer goes through a ReLU: an output cut "
        "to 0 gets no gradient, so it stops learning. The last layer must be linear: "
        "activations [\"relu\", ..., \"linear\"] (the softmax is inside the loss).",
        share=share)


def no_positive_output(network, X):
    """The share of the rows of X whose logits are all 0 or below."""
    return float(np.mean((outputs(X, network, activations_for(network)) <= 0).all(axis=1)))


def same_network(p, q):
    return len(p) == len(q) and all(
        np.shape(x) == np.shape(y) and np.allclose(x, y, rtol=1e-6, atol=1e-9)
        for pp, qq in zip(p, q) for x, y in zip(pp, qq))


def train_digits_properties(call):
    d = scaled_split()
    network, problem = run_train_digits(call, d)
    if problem:
        return [problem]
    low = too_low(network, d)
    if low:
        return [low]
    again, problem = run_train_digits(call, d)
    if problem:
        return [msg("a second call: {problem}", problem=problem)]
    if not same_network(network, again):
        return [msg("two calls with seed=0 gave different networks. Make everything random "
                    "come from the seed: init_params(sizes, seed=seed) and fit(..., seed=seed), "
                    "not np.random.")]
    test = accuracy(network, d["X_test"], d["y_test"])
    note = msg("Your network classifies {test:.1%} of the {n} held-out test digits right (graded "
               "with ReLU hidden layers and a linear output; {target:.0%} passes).", test=test,
               n=len(d["y_test"]), target=TEST_ACCURACY)
    other = activation_note(network, d, test)
    return [Note(msg("{note} {other}", note=note, other=other) if other else note)]


train_digits = Exercise(
    "train_digits", LESSON, "train_digits(X_train, y_train, X_val, y_val, seed=0) -> params",
    ("X_train", "y_train", "X_val", "y_val"), properties=train_digits_properties,
    seconds=SECONDS)



# ---- train_article_model -------------------------------------------------------------
# The article's Keras model, assembled and trained by the learner's own pieces: 784 ->
# Dense(10, relu) -> Dense(10) logits (the softmax inside the loss), Adam, the sparse
# softmax cross-entropy on integer labels, batch 32, 10 epochs. Graded on the MNIST sample
# (digits.load_mnist_sample_split(seed=0), pixels / 255): the network it returns must read
# ARTICLE_ACCURACY of the 1,000 test images (which it never receives) and lower the training
# loss; 2 epochs on a few training images, for two seeds, must give exactly the network the
# spec's steps give (replayed here with blocks), or the known mistake they match is named.

ARTICLE_CALL = "train_article_model(X_train, y_train, seed=0)"
ARTICLE_ACCURACY = 0.85        # the model reaches 88-91 % (5 seeds); guessing 10 %
ARTICLE_HIDDEN, N_CLASSES = 10, 10
ARTICLE_ACTS = ["relu", "linear"]
REPLAY = {"n": 48, "epochs": 2, "batch_size": 16, "lr": 2e-3, "seeds": (0, 1)}


def mnist_scaled():
    """The MNIST sample's split with seed 0, pixels divided by 255, as the notebook uses it."""
    d = digits.load_mnist_sample_split(seed=0)
    return {k: v / digits.MNIST_MAX_PIXEL if k.startswith("X") else v for k, v in d.items()}


def article_run(X, y, epochs, batch_size, lr, seed, mistake=None):
    """The spec's training with blocks' pieces, or with one known ``mistake`` (a key of
    ARTICLE_MISTAKES): [(W1, b1), (W2, b2)]. Raises what that mistake raises."""
    lr = {"lr_default": 1e-3, "lr_hundredth": 1e-2}.get(mistake, lr)
    epochs = 10 if mistake == "epochs_ignored" else epochs
    rng = np.random.default_rng(seed)
    params = blocks.init_params([X.shape[1], ARTICLE_HIDDEN, N_CLASSES],
                                seed=seed if mistake == "two_generators" else rng)
    shuffle = np.random.default_rng(seed) if mistake == "two_generators" else rng
    arrays = [p for layer in params for p in layer]
    state = [(np.zeros_like(p), np.zeros_like(p)) for p in arrays]
    if mistake == "shared_state":
        state = [state[0]] * 4
    m, t = X.shape[0], 0
    once = shuffle.permutation(m) if mistake == "shuffle_once" else None
    labels = np.eye(N_CLASSES)[y] if mistake == "one_hot" else y
    for _ in range(epochs):
        order = {"no_shuffle": np.arange(m), "shuffle_once": once}.get(mistake)
        order = shuffle.permutation(m) if order is None else order
        if mistake == "t_per_epoch":
            t = 0
        for start in range(0, m, batch_size):
            idx = order[start:start + batch_size]
            W1, b1, W2, b2 = arrays
            Z1 = blocks.dense_forward(X[idx], W1, b1)
            A1 = blocks.relu(Z1)
            Z2 = blocks.dense_forward(A1, W2, b2)
            if mistake == "softmax_twice":
                dZ2 = blocks.softmax_cross_entropy_grad(blocks.softmax(Z2), labels[idx])
            elif mistake == "relu_output":
                dZ2 = (blocks.softmax_cross_entropy_grad(blocks.relu(Z2), labels[idx])
                       * blocks.relu_derivative(Z2))
            else:
                dZ2 = blocks.softmax_cross_entropy_grad(Z2, labels[idx])
            dA1, dW2, db2 = blocks.dense_backward(dZ2, A1, W2)
            _, dW1, db1 = blocks.dense_backward(dA1 * blocks.relu_derivative(Z1), X[idx], W1)
            t += 1
            for k, g in enumerate((dW1, db1, dW2, db2)):
                mk, vk = state[k]
                arrays[k], mk, vk = blocks.adam_step(arrays[k], g, mk, vk, t, lr)
                if mistake == "shared_state":
                    state = [(mk, vk)] * 4
                else:
                    state[k] = (mk, vk)
    return [(arrays[0], arrays[1]), (arrays[2], arrays[3])]


# The mistakes the replay recognises, each with what the learner is told.
ARTICLE_MISTAKES = {
    "softmax_twice": msg(
        "the softmax is applied twice: softmax_cross_entropy_grad(logits, y) takes the logits "
        "and applies the softmax itself (Keras' Dense(10, softmax) is the linear Dense(10) "
        "plus the softmax inside the loss). Pass it Z2, not softmax(Z2)."),
    "relu_output": msg(
        "the output layer goes through a ReLU. The article's second layer is Dense(10, "
        "softmax): here that is a linear layer, Z2 = dense_forward(A1, W2, b2), whose logits "
        "go straight into softmax_cross_entropy_grad (the softmax is inside the loss)."),
    "lr_default": msg(
        "the learning rate passed in was not used (the run matches lr = 0.001, adam_step's "
        "default): pass it on, adam_step(p, g, m_p, v_p, t, lr)."),
    "lr_hundredth": msg(
        "the steps were taken with lr = 0.01, not the learning rate passed in. The article "
        "uses Keras' default, 0.001 (the default of train_article_model's lr): pass lr on to "
        "adam_step."),
    "epochs_ignored": msg(
        "the run matches 10 epochs, not the number passed in: loop `for epoch in "
        "range(epochs)`."),
    "no_shuffle": msg(
        "the examples were not shuffled: every epoch takes them in the same order. Draw a new "
        "order at the start of every epoch, order = rng.permutation(m), as Keras' fit does."),
    "shuffle_once": msg(
        "the examples were shuffled once, before the first epoch, and every epoch reuses that "
        "order: draw order = rng.permutation(m) inside the epoch loop."),
    "two_generators": msg(
        "the weights and the orders come from two generators (init_params(..., seed=seed) "
        "and a second default_rng(seed)). The spec says, exactly: rng = "
        "np.random.default_rng(seed); params = init_params(sizes, seed=rng); then every epoch "
        "order = rng.permutation(m), from that same rng."),
    "t_per_epoch": msg(
        "Adam's step counter t started again from 0 every epoch. t counts the mini-batches "
        "over ALL epochs: t = 0 once, before the epoch loop, and t += 1 before each batch's "
        "updates."),
    "shared_state": msg(
        "the four arrays share one Adam state. W1, b1, W2 and b2 each need their own m and v "
        "(zeros of their own shape), carried from batch to batch: "
        "`W1, mW1, vW1 = adam_step(W1, dW1, mW1, vW1, t, lr)`, and so on."),
    "one_hot": msg(
        "the labels were turned into one-hot rows. The article's loss is the *sparse* "
        "categorical cross-entropy: softmax_cross_entropy_grad(logits, y) takes the integer "
        "labels, shape (m,), as they come."),
}
RAISES = ("shared_state", "one_hot")       # these fail with an exception, not a wrong network


def article_spec():
    return msg(
        "The spec, exactly: rng = np.random.default_rng(seed); params = init_params([n_in, 10, "
        "10], seed=rng); every epoch order = rng.permutation(m) and batches "
        "order[start:start + batch_size]; every batch dense_forward, relu, dense_forward (the "
        "logits), softmax_cross_entropy_grad with the integer labels, dense_backward, "
        "relu_derivative, dense_backward, then t += 1 and adam_step(p, g, m_p, v_p, t, lr) "
        "for W1, b1, W2 and b2, each with its own m and v.")


def error_text(e):
    return re.sub(r"\([^)]*\)|\d+", "", f"{type(e).__name__}: {e}")


def raised_like(error, X, y):
    """The mistake (of RAISES) whose run raises the same error as the learner's, or None."""
    if not isinstance(error, str):
        return None
    for mistake in RAISES:
        try:
            with np.errstate(all="ignore"):
                article_run(X, y, REPLAY["epochs"], REPLAY["batch_size"], REPLAY["lr"], 0,
                            mistake)
        except Exception as e:  # noqa: BLE001 -- its error is what is compared
            if error_text(e) == re.sub(r"\([^)]*\)|\d+", "", error):
                return mistake
    return None


def call_article(call, X, y, **kwargs):
    """(network, problem) of one call of the learner's train_article_model."""
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    where = f"train_article_model(X_train, y_train, {shown})"     # code, shown as is
    out = call(Case((X, y), kwargs=kwargs))
    if out.error:
        said = msg("{call} {problem}", call=where, problem=error_message(out))
        if out.timed_out:
            said = msg("{problem} It must finish within {seconds} s when graded.", problem=said,
                       seconds=SECONDS)
        mistake = None if out.error_is_sentence else raised_like(out.error, X, y)
        if mistake:
            said = msg("{problem} {hint}", problem=said, hint=ARTICLE_MISTAKES[mistake])
        return None, said
    if out.mutated:
        return None, msg("{call} changed {names} in place. Take the batches with X_train[idx] "
                         "and leave the caller's data as it was.", call=where,
                         names=Joined(out.mutated, last="and"))
    network = as_network(out.value, n_in=X.shape[1])
    if isinstance(network, Message):
        return None, msg("{call}: {problem}", call=where, problem=network)
    if len(network) != 2 or network[0][0].shape[1] != ARTICLE_HIDDEN:
        return None, msg("{call}: the article's model has one hidden layer of {n} units: "
                         "params = [(W1, b1), (W2, b2)] with W1 ({n_in}, {n}) and W2 ({n}, {n}).",
                         call=where, n=ARTICLE_HIDDEN, n_in=X.shape[1])
    if not all(np.all(np.isfinite(x)) for layer in network for x in layer):
        return None, msg("{call} returned parameters containing nan or inf: the training blew "
                         "up.", call=where)
    return network, None


def replay_problem(call, d):
    """None when 2 epochs on a few training images give exactly the spec's network for every
    seed of REPLAY, else what differs (the known mistake it matches, if any)."""
    X, y = d["X_train"][:REPLAY["n"]], d["y_train"][:REPLAY["n"]]
    kwargs = {k: REPLAY[k] for k in ("epochs", "batch_size", "lr")}
    for seed in REPLAY["seeds"]:
        got, problem = call_article(call, X, y, **kwargs, seed=seed)
        if problem:
            return problem
        with np.errstate(all="ignore"):
            if same_params(got, article_run(X, y, **kwargs, seed=seed)):
                continue
            for mistake, hint in ARTICLE_MISTAKES.items():
                if mistake in RAISES:
                    continue
                if same_params(got, article_run(X, y, **kwargs, seed=seed, mistake=mistake)):
                    return msg("{intro} {hint}", intro=replay_intro(seed), hint=hint)
        return msg("{intro} {spec}", intro=replay_intro(seed), spec=article_spec())
    return None


def replay_intro(seed):
    return msg("2 epochs of your train_article_model on the first {n} training images "
               "(batch_size={batch}, lr={lr}, seed={seed}) do not give the network the spec's "
               "steps give from the same seed:", n=REPLAY["n"], batch=REPLAY["batch_size"],
               lr=REPLAY["lr"], seed=seed)


def same_params(p, q):
    return all(np.shape(x) == np.shape(z) and np.allclose(x, z, rtol=1e-7, atol=1e-12)
               for pp, qq in zip(p, q) for x, z in zip(pp, qq))


def train_article_model_properties(call):
    d = mnist_scaled()
    network, problem = call_article(call, d["X_train"], d["y_train"], seed=0)
    if problem:
        return [problem]
    problem = replay_problem(call, d)
    if problem:
        return [problem]
    start = blocks.init_params([d["X_train"].shape[1], ARTICLE_HIDDEN, N_CLASSES],
                               seed=np.random.default_rng(0))
    before = float(blocks.softmax_cross_entropy(outputs(d["X_train"], start, ARTICLE_ACTS),
                                                d["y_train"]))
    after = float(blocks.softmax_cross_entropy(outputs(d["X_train"], network, ARTICLE_ACTS),
                                               d["y_train"]))
    test = accuracy(network, d["X_test"], d["y_test"])
    said = msg("Your model classifies {test:.1%} of the {n:,} held-out MNIST test images right "
               "({target:.0%} passes); its training loss went from {before:.3f} to {after:.3f}.",
               test=test, n=len(d["y_test"]), target=ARTICLE_ACCURACY, before=before,
               after=after)
    if not after < before:
        return [msg("{said} The loss should go down: check that every step subtracts lr * "
                    "m_hat / (sqrt(v_hat) + eps) and that the updated arrays are kept.",
                    said=said)]
    if test < ARTICLE_ACCURACY:
        return [msg("{said} It should reach {target:.0%}.", said=said, target=ARTICLE_ACCURACY)]
    return [Note(said)]


train_article_model = Exercise(
    "train_article_model", LESSON,
    "train_article_model(X_train, y_train, epochs=10, batch_size=32, lr=0.001, seed=0) -> params",
    ("X_train", "y_train"), properties=train_article_model_properties, seconds=SECONDS)

EXERCISES = [predict, train_digits, train_article_model]
