"""train's property check (lesson 07): what a mini-batch training loop must do, judged from
its results alone.

``train_properties(call)`` runs the learner's train through ``call`` and returns its
problems (Messages), the first property that fails first: the returned shapes, one loss per
epoch, the loss going down and the accuracy reached on an XOR-like set no straight line can
separate, determinism under a seed; then, from a 3-example set whose every possible epoch can
be listed and replayed exactly with blocks' steps (checks/catalogue/replay.py), the
shuffling, the last, smaller batch, and the optimiser's state (optimizer="adam", and
"momentum" where train offers it).
"""
import numpy as np

import blocks

from ..engine.exercise import Case
from ..engine.messages import Joined, Message, msg, nmsg
from ..engine.verdicts import NotAttempted
from ..engine.verify import error_message
from .replay import RIGHT_WAY, loss_of, matching_way, paired_wrongly, same_params

a = np.array

XOR_SIZES, XOR_ACTS, XOR_LOSS = [2, 8, 2], ["tanh", "linear"], "softmax_cross_entropy"
XOR_LR, XOR_EPOCHS, XOR_BATCH, XOR_ACCURACY = 0.5, 20, 12, 0.95
ADAM_LR, ADAM_EPOCHS = 0.1, 10
TINY_SIZES, TINY_ACTS, TINY_LR, TINY_BATCH, TINY_SEEDS = [2, 2, 1], ["tanh", "linear"], 0.5, 2, 8


def xor_data():
    """40 points in four blobs, XOR-labelled: a straight line gets at most 3 in 4 right."""
    rng = np.random.default_rng(7)
    centres = a([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    X = np.concatenate([c + 0.3 * rng.normal(size=(10, 2)) for c in centres])
    return X, np.repeat([0, 0, 1, 1], 10)


def tiny_data():
    """3 examples, so that every possible epoch of mini-batches can be enumerated."""
    return a([[1.0, -0.5], [-0.3, 0.8], [0.6, 0.9]]), a([[0.5], [-1.0], [1.5]])


def describe_call(sizes, epochs, batch, seed, extra=""):
    return (f"train(X, y, {sizes}, ..., epochs={epochs}, batch_size={batch}, seed={seed}"
            f"{extra})")        # code, shown as is


def as_params(value, sizes):
    """The learner's params as [(W, b), ...] of float arrays, or a sentence saying what's wrong."""
    expected = [((i, o), (1, o)) for i, o in zip(sizes[:-1], sizes[1:])]
    if not (isinstance(value, (list, tuple)) and len(value) == len(expected) and all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in value)):
        return msg("params should be a list of {n} (W, b) pairs, one per layer (like "
                   "init_params returns).", n=len(expected))
    shapes = [tuple(np.shape(x) for x in p) for p in value]
    if shapes != expected:
        return msg("params have shapes {shapes}; expected {expected} as [(W1, b1), (W2, b2)].",
                   shapes=shapes, expected=expected)
    return [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in value]


def run_train(call, X, y, sizes, acts, loss, lr, epochs, batch, seed, **extra):
    """(params, losses, problem): the learner's train, its output checked for shape."""
    args = (X, y, sizes, acts, loss, lr, epochs, batch)
    out = call(Case(args, kwargs={"seed": seed, **extra}))
    what = describe_call(sizes, epochs, batch, seed,
                         "".join(f", {k}={v!r}" for k, v in extra.items()))
    if out.error:
        return None, None, msg("{call} {problem}", call=what, problem=error_message(out))
    if out.mutated:
        return None, None, msg(
            "{call} changed {names} in place. Shuffle an index array instead (order = "
            "rng.permutation(m)) and take X[order], y[order]: the caller's data must stay as "
            "it was.", call=what, names=Joined(out.mutated, last="and"))
    value = out.value
    if not (isinstance(value, (list, tuple)) and len(value) == 2):
        return None, None, msg("{call} should return two things: (params, history).", call=what)
    params = as_params(value[0], sizes)
    if isinstance(params, Message):
        return None, None, msg("{call}: {problem}", call=what, problem=params)
    history = value[1]
    if not (isinstance(history, dict) and "loss" in history):
        return None, None, msg("{call}: history should be a dict whose key \"loss\" holds one "
                               "loss per epoch, e.g. {example}.", call=what,
                               example='{"loss": [0.69, 0.52, ...]}')
    try:
        losses = np.asarray(history["loss"], dtype=float).ravel()
    except (TypeError, ValueError):
        return None, None, msg("{call}: history[\"loss\"] should be a list of numbers.",
                               call=what)
    if losses.size != epochs:
        return None, None, nmsg(
            "{call}: history[\"loss\"] has {n} value, but it should hold one loss per epoch: "
            "{epochs} numbers. Append the loss once, after each epoch's mini-batches.",
            "{call}: history[\"loss\"] has {n} values, but it should hold one loss per epoch: "
            "{epochs} numbers. Append the loss once, after each epoch's mini-batches.",
            int(losses.size), call=what, epochs=epochs)
    return params, losses, None


# Known wrong ways a train keeps an optimiser's state, each with its hint (a way: see
# replay.RIGHT_WAY).
WRONG_WAYS = {
    "adam": [
        ({"t": lambda epoch, j, step, k: j, "reset": False},
         msg("Adam's step counter t started again from 1 every epoch. t counts the mini-batches "
         "over ALL epochs, 1, 2, 3, ...: set t = 0 once, before the epoch loop, and add 1 "
         "before each batch's updates.")),
        ({"t": lambda epoch, j, step, k: 1, "reset": False},
         msg("Adam's step counter t was 1 at every step, so the bias correction never fades. "
         "t counts the mini-batches over all epochs, 1, 2, 3, ...: t = 0 before the epoch "
         "loop, t += 1 before each batch's updates, and pass that t to adam_step.")),
        ({"t": lambda epoch, j, step, k: epoch, "reset": False},
         msg("t counted the epochs. Adam's t counts the updates, one per mini-batch, over all "
         "epochs: add 1 to t for every batch.")),
        ({"t": lambda epoch, j, step, k: None, "reset": False},
         msg("t grew by one for every array updated (4 per batch here) instead of once per "
         "mini-batch: add 1 to t once per batch, before updating every W and b with it.")),
        ({"t": lambda epoch, j, step, k: j, "reset": True},
         msg("m, v and t started again from zero every epoch. Create one m and one v per "
         "parameter array (zeros) and t = 0 once, before the epoch loop, and carry them "
         "across epochs.")),
        ({**RIGHT_WAY, "reset": True},
         msg("every epoch started again from m = v = 0. Create one m and one v per parameter "
         "array once, before the epoch loop, and keep each step's returned m and v.")),
        ({"lr": 1e-3},
         msg("adam_step was called without train's learning rate, so it used its default "
         "lr = 1e-3: pass it on, adam_step(p, g, m_p, v_p, t, lr).")),
        ({"step": lambda p, g, m, v, t, lr: uncorrected_adam(p, g, m, v, lr)},
         msg("the steps have no bias correction: m_hat = m / (1 - beta1**t) and "
         "v_hat = v / (1 - beta2**t) are missing. Update every W and b with "
         "adam_step(p, g, m_p, v_p, t, lr), which corrects them.")),
    ],
    "momentum": [
        ({"reset": True},
         msg("every epoch started again from velocity = 0. Create one velocity per parameter "
         "array (zeros) once, before the epoch loop, and keep each step's returned velocity.")),
    ],
}


def uncorrected_adam(p, g, m, v, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g ** 2
    return p - lr * m / (np.sqrt(v) + eps), m, v


def which_epochs(call, seed, optimizer="sgd", lr=TINY_LR):
    """How the learner's 2 epochs on the 3-example set went, from every possible way.

    Returns ("full" or "dropped", (last example of epoch 1, of epoch 2)) for the way that
    matches, None if none does, ("problem", what went wrong) if the call failed, or
    ("wrong way", hint) when it matches a known wrong way of keeping the optimiser's state."""
    X, y = tiny_data()
    extra = {} if optimizer == "sgd" else {"optimizer": optimizer}
    start, _, problem = run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse", lr, 0,
                                  TINY_BATCH, seed, **extra)
    if problem:
        start = blocks.init_params(TINY_SIZES, seed)
    got, _, problem = run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse", lr, 2,
                                TINY_BATCH, seed, **extra)
    if problem and optimizer != "sgd" and run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse",
                                                    lr, 2, TINY_BATCH, seed)[2] is None:
        return "problem", msg("on a 3-example regression set with optimizer=\"{optimizer}\": "
                              "{problem} The same call with the default optimizer works, so "
                              "look at how train keeps {optimizer}'s state. {keep_state}",
                              optimizer=optimizer, problem=problem,
                              keep_state=KEEP_STATE[optimizer])
    if problem:
        return "problem", msg("on a 3-example regression set (loss=\"mse\", y of shape (3, 1)): "
                              "{problem} Does train use the loss its `loss` argument names: "
                              "loss_fn, loss_grad = blocks.LOSSES[loss]?", problem=problem)
    return matching_way(start, got, X, y, TINY_ACTS, "mse", lr, optimizer,
                        WRONG_WAYS.get(optimizer, []))


def pairs_mismatched(call, seeds=4):
    """True when one full-batch epoch of the learner's train on the 3-example set matches
    the inputs paired with targets in another order (X and y shuffled by different
    permutations), for one of the first ``seeds`` seeds (replay.paired_wrongly)."""
    X, y = tiny_data()
    for seed in range(seeds):
        start, _, problem = run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse", TINY_LR, 0, 3,
                                      seed)
        got, _, problem_ = run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse", TINY_LR, 1, 3,
                                     seed)
        if problem or problem_:
            return False
        if paired_wrongly(start, got, X, y, TINY_ACTS, "mse", TINY_LR):
            return True
    return False


PAIRS = msg("the inputs and the targets no longer match: X and y were put in different orders "
            "(two different permutations, or only one of them shuffled), so each example is "
            "trained towards another example's target. Draw ONE order per epoch, order = "
            "rng.permutation(m), and index both with it: X[order], y[order].")
PAIRS_SENTENCE = msg("The inputs and the targets no longer match: X and y were put in different "
                     "orders (two different permutations, or only one of them shuffled), so "
                     "each example is trained towards another example's target. Draw ONE order "
                     "per epoch, order = rng.permutation(m), and index both with it: X[order], "
                     "y[order].")


def train_properties(call):
    X, y = xor_data()

    def xor_run(lr, epochs, seed, **extra):
        return run_train(call, X, y, XOR_SIZES, XOR_ACTS, XOR_LOSS, lr, epochs, XOR_BATCH,
                         seed, **extra)
    what = describe_call(XOR_SIZES, XOR_EPOCHS, XOR_BATCH, 0)
    params, losses, problem = xor_run(XOR_LR, XOR_EPOCHS, 0)
    if problem:
        return [problem]
    first, last = losses[0], losses[-1]
    if not np.all(np.isfinite(losses)):
        return [msg("on the XOR set, {call} gave losses {losses}...: the loss became inf or nan, "
                    "the training blew up. Check that each step subtracts lr * grad (param - "
                    "lr * grad).", call=what, losses=np.round(losses[:5], 4).tolist())]
    start, _, _ = xor_run(XOR_LR, 0, 0)
    if start is not None and same_params(start, params, rtol=0):
        return [msg("{call} returned the parameters it started from: they were never updated. "
                    "Keep the result of each step: params[l] = (sgd_step(W, dW, lr), "
                    "sgd_step(b, db, lr)).", call=what)]
    if not last < 0.5 * first:
        if pairs_mismatched(call):
            return [msg("on the XOR set the loss went from {first:.4f} after epoch 1 to "
                        "{last:.4f} after epoch {epochs}: {problem}", first=first, last=last,
                        epochs=XOR_EPOCHS, problem=PAIRS)]
        if last > first:
            return [msg("on the XOR set the loss went up, from {first:.4f} after epoch 1 to "
                        "{last:.4f} after epoch {epochs} (lr = {lr}). Gradient descent subtracts "
                        "the step: param - lr * grad.", first=first, last=last,
                        epochs=XOR_EPOCHS, lr=XOR_LR)]
        return [msg("on the XOR set the loss hardly went down, from {first:.4f} after epoch 1 to "
                    "{last:.4f} after epoch {epochs} (lr = {lr}). Check that every mini-batch "
                    "updates every W and b.", first=first, last=last, epochs=XOR_EPOCHS,
                    lr=XOR_LR)]
    problems = []
    final = loss_of(params, X, y, XOR_ACTS, XOR_LOSS)
    if not np.isclose(last, final, rtol=1e-6, atol=1e-9):
        problems.append(msg(
            "history[\"loss\"][-1] is {last:.6g}, but the loss of the returned params on the "
            "whole training set is {final:.6g}. After each epoch, record the loss of the "
            "whole training set: loss(forward(X, params, activations)[0], y).", last=last,
            final=final))
    accuracy = float(np.mean(blocks.forward(X, params, XOR_ACTS)[0].argmax(axis=1) == y))
    if accuracy < XOR_ACCURACY:
        problems.append(msg(
            "after {call} the network classifies {accuracy:.0%} of the XOR set right; it "
            "should reach at least {target:.0%}. The loss went from {first:.4f} to "
            "{last:.4f}.", call=what, accuracy=accuracy, target=XOR_ACCURACY, first=first,
            last=last))
    # determinism, on 2 epochs (8 mini-batches) to keep the check fast
    short, short_losses, problem = xor_run(XOR_LR, 2, 0)
    again, again_losses, problem_again = xor_run(XOR_LR, 2, 0)
    other, _, problem_other = xor_run(XOR_LR, 2, 1)
    if problem or problem_again or problem_other:
        return problems + [problem or problem_again or problem_other]
    if not (same_params(short, again) and np.allclose(short_losses, again_losses, rtol=1e-12,
                                                      atol=0)):
        return problems + [msg(
            "two calls with the same seed gave different results. Make everything random "
            "come from rng = np.random.default_rng(seed): the initial weights "
            "(init_params(layer_sizes, seed=rng)) and each epoch's order (rng.permutation(m)), "
            "not np.random.")]
    if same_params(short, other):
        problems.append(msg("seed=0 and seed=1 gave the same parameters: use the seed, "
                            "rng = np.random.default_rng(seed), for the weights and the "
                            "shuffling."))
    if problems:
        return problems
    problems = shuffling_problems(call)
    if problems:
        return problems
    adam_params, adam_losses, problem = xor_run(ADAM_LR, ADAM_EPOCHS, 0, optimizer="adam")
    if problem and not accepts_optimizer(call):
        return []            # an optional argument this train does not have
    problems = optimiser_problems(call, "adam")      # exact, with a hint for known ways
    if problems:
        return problems
    if problem:
        return [problem]
    adam_accuracy = float(np.mean(
        blocks.forward(X, adam_params, XOR_ACTS)[0].argmax(axis=1) == y))
    if not (np.all(np.isfinite(adam_losses)) and adam_losses[-1] < 0.5 * adam_losses[0]
            and adam_accuracy >= XOR_ACCURACY):
        return [msg("with optimizer=\"adam\" (lr = {lr}, {epochs} epochs) the loss went from "
                    "{first:.4f} after epoch 1 to {last:.4f} and {accuracy:.0%} of the XOR set "
                    "is classified right: the loss should at least halve and the accuracy "
                    "reach {target:.0%}. Keep one m and one v per parameter array, count t "
                    "across all mini-batches from 1, and use adam_step's returned m and v in "
                    "the next step.", lr=ADAM_LR, epochs=ADAM_EPOCHS, first=adam_losses[0],
                    last=adam_losses[-1], accuracy=adam_accuracy, target=XOR_ACCURACY)]
    if supports(call, "momentum"):
        return optimiser_problems(call, "momentum")
    return []


def shuffling_problems(call):
    """The last, smaller batch and the shuffling, from every possible epoch on 3 examples."""
    ways = [which_epochs(call, seed) for seed in range(TINY_SEEDS)]
    failed = [w[1] for w in ways if w is not None and w[0] == "problem"]
    if failed:
        return failed[:1]
    found = [w for w in ways if w is not None]
    if not found:
        if pairs_mismatched(call):
            return [PAIRS_SENTENCE]
        return [msg("2 epochs of your train on a 3-example set (batch_size=2, loss=\"mse\") match "
                "no run of mini-batch gradient descent from the same starting weights, in any "
                "order of the examples. Each epoch: one order = rng.permutation(m), batches "
                "order[start:start + batch_size], and for each batch forward, the loss "
                "gradient, backward, then sgd_step(p, g, lr) for every W and b.")]
    if found and all(kind == "dropped" for kind, _ in found):
        return [msg(
            "an epoch skipped the last, smaller batch: with 3 examples and batch_size=2 an "
            "epoch makes 2 updates (2 examples, then the 1 left over), yours made 1. "
            "Loop with `for start in range(0, m, batch_size)` and take "
            "order[start:start + batch_size]; the last slice is simply shorter.")]
    if len(found) == TINY_SEEDS and len({lasts for _, lasts in found}) == 1:
        return [msg(
            "the examples were visited in the same order for every seed and every epoch: "
            "they were not shuffled. Draw a new order each epoch, order = rng.permutation(m), "
            "and make the mini-batches from X[order], y[order].")]
    if len(found) == TINY_SEEDS and all(l1 == l2 for _, (l1, l2) in found):
        return [msg(
            "every epoch visited the examples in the same order as the first: shuffle "
            "anew at the start of each epoch (order = rng.permutation(m) inside the "
            "epoch loop).")]
    if len(found) == TINY_SEEDS and all(kind == "full" for kind, _ in found):
        off = next((seed for seed, (_, lasts) in enumerate(found)
                    if lasts != spec_lasts(seed)), None)
        if off is not None:
            return [spec_order(off)]
    return []


def spec_lasts(seed):
    """The last example of each of 2 epochs on the 3-example set, as the spec draws them:
    one rng = np.random.default_rng(seed), init_params(..., seed=rng) first, then one
    rng.permutation(3) per epoch."""
    rng = np.random.default_rng(seed)
    blocks.init_params(TINY_SIZES, seed=rng)
    return tuple(int(rng.permutation(3)[-1]) for _ in range(2))


def spec_order(seed):
    """What a train that shuffles, but not with the spec's one generator, is told (a
    Message)."""
    return msg(
        "the examples were shuffled every epoch, but not in the order the spec's random "
        "generator gives (seed={seed}), so your results differ from everyone else's with the "
        "same seed (and from reference_train's). The spec says, exactly: \"1. rng = "
        "np.random.default_rng(seed); params = blocks.init_params(layer_sizes, seed=rng). "
        "2. Every epoch: order = rng.permutation(m)\". One generator, used in that order: "
        "init_params(layer_sizes, seed=seed) or a second default_rng(seed) gives the same "
        "weights but other orders.", seed=seed)


TINY_OPTIMISER_LR = {"adam": 0.1, "momentum": 0.5}
OPTIMISER_SEEDS = 2
KEEP_STATE = {
    "adam": msg("Every W and b needs its own m and v (zeros at the start, carried across "
             "batches and epochs), t counts the mini-batches over all epochs from 1, and each "
             "step takes the m and v that the same array's previous step returned: "
             "`W, mW, vW = adam_step(W, dW, mW, vW, t, lr)`."),
    "momentum": msg("Every W and b needs its own velocity (zeros at the start, carried across "
                 "batches and epochs): `W, vW = momentum_step(W, dW, vW, lr)`."),
}


def accepts_optimizer(call):
    """False when train fails as soon as it is given optimizer="sgd", its own default (on
    the 3-example set, where it works without): it has no such argument, which is optional."""
    X, y = tiny_data()
    _, _, problem = run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse", TINY_LR, 0, TINY_BATCH,
                              0, optimizer="sgd")
    return problem is None


def supports(call, optimizer):
    """False when train has no such optimizer (momentum is optional: the course's train
    knows "sgd" and "adam"): it says so by raising, or quietly runs another one instead."""
    X, y = tiny_data()
    lr = TINY_OPTIMISER_LR[optimizer]

    def run(**extra):
        return run_train(call, X, y, TINY_SIZES, TINY_ACTS, "mse", lr, 1, TINY_BATCH, 0, **extra)
    try:
        got, _, problem = run(optimizer=optimizer)
    except NotAttempted:     # NotImplementedError for it: not there
        return False
    if problem:              # any: it is optional, and a train that has it says so by working
        return False
    for other in ({}, {"optimizer": "adam"}):
        params, _, problem = run(**other)
        if problem is None and same_params(got, params, rtol=1e-12):
            return False
    return True


def optimiser_problems(call, optimizer):
    """train(..., optimizer=...) replayed exactly: 2 epochs on the 3-example set against
    blocks' steps from the learner's own start, in every possible order, for a few seeds."""
    lr = TINY_OPTIMISER_LR[optimizer]
    for seed in range(OPTIMISER_SEEDS):
        way = which_epochs(call, seed, optimizer, lr)
        if way is None:
            return [msg("with optimizer=\"{optimizer}\" (lr = {lr}), 2 epochs of your train on "
                        "a 3-example set (batch_size=2: 4 updates) match no run of {optimizer} "
                        "from the same starting weights, in any order of the examples "
                        "(seed={seed}). {keep_state}", optimizer=optimizer, lr=lr, seed=seed,
                        keep_state=KEEP_STATE[optimizer])]
        if way[0] == "problem":
            return [way[1]]
        if way[0] == "wrong way":
            return [msg("with optimizer=\"{optimizer}\" (lr = {lr}) on a 3-example set: {hint}",
                        optimizer=optimizer, lr=lr, hint=way[1])]
    return []
