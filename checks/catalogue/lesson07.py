"""Lesson 07, weight updates: sgd_step, momentum_step, adam_step and train.

The three optimiser steps are graded by properties, because a single call cannot
show what goes wrong over a loop of calls (checks/engine/steps.py judges them):

1. five consecutive steps on a small quadratic bowl, starting from zero state (t = 1, 2,
   ...), each step fed the learner's own outputs of the step before (``*_loop`` below);
2. single steps from other states (other hyperparameters, tiny and zero gradients, large
   t), judged like value cases (``*_singles`` below).

train is graded by properties only: shapes, one loss per epoch, loss going down,
accuracy on an XOR-like set no straight line can separate, determinism under a seed, and
(from a 3-example set whose every possible epoch can be enumerated and replayed exactly,
checks/engine/replay.py) shuffling each epoch, the last, smaller batch and the optimiser's state.
"""
import numpy as np

import blocks
from ..engine.exercise import Case, Exercise, like, when, when_wrong
from ..engine.replay import loss_of, matching_way, paired_wrongly, same_params
from ..engine.steps import consecutive_steps, stepwise
from ..engine.verdicts import NotAttempted
from ..engine.messages import Joined, Message, msg, nmsg
from ..engine.verify import error_message
from .gen import values

LESSON = "07_weight_updates"
a = np.array


# ---- the optimiser steps: a loop of calls, then single steps -------------------------

def bowl(rng, shape):
    """A quadratic bowl L = sum(k * (p - c)**2) / 2 of curvatures k: its gradient k * (p - c)."""
    k, c = rng.uniform(0.5, 3.0, size=shape), rng.normal(0, 1, size=shape)
    return lambda p: k * (np.asarray(p, dtype=float) - c)


def step_exercise(exercise_id, signature, args, outputs, mistakes, reference, loop, singles):
    """An optimiser step: its value-checking half (cases, mistakes) and its properties
    (checks/engine/steps.py: ``loop``, then the ``singles`` cases)."""
    mistakes = when_wrong(mistakes)
    inner = Exercise(exercise_id, LESSON, signature, args, outputs=outputs, mistakes=mistakes)
    return Exercise(exercise_id, LESSON, signature, args, outputs=outputs, mistakes=mistakes,
                    properties=stepwise(inner, reference, loop, singles))


# ---- sgd_step ---------------------------------------------------------------------

def sgd_loop(call, ex, reference):
    rng = np.random.default_rng(70)
    return consecutive_steps(
        call, ex, reference, (values(rng, (2, 3)),), bowl(rng, (2, 3)),
        lambda state, grad, t: (state[0], grad, 0.1), lambda value: (value,), {},
        msg("gradient descent with lr = 0.1"))


def sgd_singles():
    rng = np.random.default_rng(71)
    return [Case((a([[1.0]]), a([[0.5]]), 0.1), "one weight: w = 1.0, gradient 0.5, lr = 0.1 "
                 "(w - lr * gradient)"),
            Case((a([[0.2, 0.5], [0.8, -0.91], [-0.5, 0.26]]),
                  a([[0.1, -0.3], [0.0, 0.2], [-0.4, 0.05]]), 0.5),
                 "the article's weights, W of shape (3, 2)"),
            Case((a([[0.0, 0.0, 0.0]]), a([[1.0, -2.0, 0.0]]), 0.01), "a bias row b = 0"),
            Case((values(rng, (4, 1)), values(rng, (4, 1), "zeros"), 1.0), "lr = 1, some zero "
                 "gradients"),
            Case((values(rng, (5, 3), "large"), values(rng, (5, 3)), 1e-3),
                 "large weights, small lr"),
            Case((values(rng, (1,)), values(rng, (1,)), 2.0), "shape (1,), lr = 2")]


sgd_step = step_exercise(
    "sgd_step", "sgd_step(param, grad, lr) -> param", ("param", "grad", "lr"), (), [
        like(lambda param, grad, lr: param + lr * grad,
             "the step was added. The gradient points uphill, so gradient descent "
             "subtracts it: param - lr * grad.", "added",
             how="`param + lr * grad`"),
        like(lambda param, grad, lr: param - grad,
             "the learning rate is missing: param - lr * grad.", "no_lr",
             how="`param - grad`"),
        like(lambda param, grad, lr: -lr * grad,
             "that is the step alone; return the updated parameter: param - lr * grad.",
             "step_only",
             how="`-lr * grad`"),
        like(lambda param, grad, lr: lr * grad,
             "that is the step lr * grad alone, not the updated parameter: return "
             "param - lr * grad.", "step_only",
             how="`lr * grad`"),
        like(lambda param, grad, lr: param - grad / lr,
             "the gradient was divided by lr; multiply: param - lr * grad.", "divided_by_lr",
             how="`param - grad / lr`"),
        like(lambda param, grad, lr: param - lr * param,
             "param was multiplied by lr instead of the gradient: param - lr * grad.",
             "lr_times_param",
             how="`param - lr * param`"),
    ], blocks.sgd_step, sgd_loop, sgd_singles)


# ---- momentum_step ----------------------------------------------------------------

def momentum_loop(call, ex, reference):
    rng = np.random.default_rng(72)
    p0 = values(rng, (2, 3))
    return consecutive_steps(
        call, ex, reference, (p0, np.zeros_like(p0)), bowl(rng, (2, 3)),
        lambda state, grad, t: (state[0], grad, state[1], 0.1), tuple, {},
        msg("momentum with lr = 0.1, beta = 0.9, starting from velocity = 0"))


def momentum_singles():
    rng = np.random.default_rng(73)
    p, g, v = values(rng, (3, 2)), values(rng, (3, 2)), values(rng, (3, 2)) / 4
    return [Case((a([[1.0, -0.5]]), a([[0.2, 0.4]]), a([[0.1, -0.3]]), 0.1),
                 "one row, velocity not zero, default beta = 0.9"),
            Case((p, g, v, 0.05), "(3, 2), default beta"),
            Case((p, g, v, 0.05), "beta = 0.5", {"beta": 0.5}),
            Case((p, values(rng, (3, 2), "zeros"), v, 0.2), "some zero gradients",
                 {"beta": 0.99}),
            Case((values(rng, (1,)), values(rng, (1,)), np.zeros(1), 1.0),
                 "shape (1,), velocity 0, lr = 1"),
            Case((values(rng, (4, 4), "large"), values(rng, (4, 4)), values(rng, (4, 4)), 1e-3),
                 "large weights, beta = 0", {"beta": 0.0})]


def momentum(velocity_fn, step_fn=lambda param, lr, v_old, v_new: param - lr * v_new):
    def run(param, grad, velocity, lr, beta=0.9):
        v_new = velocity_fn(grad, velocity, beta)
        return step_fn(param, lr, velocity, v_new), v_new
    return run


momentum_step = step_exercise(
    "momentum_step", "momentum_step(param, grad, velocity, lr, beta=0.9) -> (param, velocity)",
    ("param", "grad", "velocity", "lr"), ("param", "velocity"), [
        like(momentum(lambda g, v, beta: beta * v + (1 - beta) * g,
                      lambda param, lr, v_old, v_new: param + lr * v_new),
             "the step was added. The velocity follows the gradient uphill, so subtract "
             "it: param - lr * velocity.", "added",
             how="the right velocity, with `param + lr * velocity`: the step added"),
        like(momentum(lambda g, v, beta: beta * v + g),
             "the course uses the moving-average form: velocity = beta * velocity "
             "+ (1 - beta) * grad. The (1 - beta) is missing.", "no_one_minus_beta",
             how="the step with `velocity = beta * velocity + grad` (no 1 - beta)"),
        like(momentum(lambda g, v, beta: (1 - beta) * v + beta * g),
             "beta and 1 - beta are swapped: velocity = beta * velocity + (1 - beta) * grad "
             "(beta = 0.9 keeps 90% of the old velocity).", "betas_swapped",
             how="the step with `velocity = (1 - beta) * velocity + beta * grad`"),
        like(lambda param, grad, velocity, lr, beta=0.9:
             (param - lr * (beta * velocity + (1 - beta) * grad), velocity),
             "the velocity you return is the old one. Return the updated velocity too, so "
             "the next step can use it: return param, velocity.", "velocity_not_returned",
             how=("`(param - lr * (beta * velocity + (1 - beta) * grad), velocity)`: the old "
                  "velocity returned")),
        like(momentum(lambda g, v, beta: beta * v + (1 - beta) * g,
                      lambda param, lr, v_old, v_new: param - lr * v_old),
             "the parameter moved with the old velocity. First update the velocity, then "
             "step with the new one: param - lr * velocity.", "old_velocity",
             how=("the right new velocity, with the parameter stepped by the old one: "
                  "`param - lr * velocity_old`")),
        like(lambda param, grad, velocity, lr, beta=0.9:
             (param - lr * grad, beta * velocity + (1 - beta) * grad),
             "the parameter moved with the plain gradient: the velocity was computed but "
             "not used. Step with it: param - lr * velocity.", "velocity_not_used",
             how="`(param - lr * grad, beta * velocity + (1 - beta) * grad)`"),
        like(lambda param, grad, velocity, lr, beta=0.9:
             (param + lr * (beta * velocity - (1 - beta) * grad),
              beta * velocity - (1 - beta) * grad),
             "your velocity has the opposite sign. The course's velocity is a moving average "
             "of the gradients: velocity = beta * velocity + (1 - beta) * grad, and then "
             "param - lr * velocity.", "velocity_sign",
             how=("the step with `velocity = beta * velocity - (1 - beta) * grad`, then "
                  "`param + lr * velocity`")),
    ], blocks.momentum_step, momentum_loop, momentum_singles)


# ---- adam_step --------------------------------------------------------------------

def adam_loop(call, ex, reference):
    rng = np.random.default_rng(74)
    p0 = values(rng, (2, 3))
    return consecutive_steps(
        call, ex, reference, (p0, np.zeros_like(p0), np.zeros_like(p0)), bowl(rng, (2, 3)),
        lambda state, grad, t: (state[0], grad, state[1], state[2], t),
        lambda value: tuple(value), {"lr": 0.05},
        msg("Adam with lr = 0.05, starting from m = v = 0 at t = 1"))


def adam_state(rng, shape, t, scale=1.0):
    """m and v as they are after t - 1 steps of gradients of about ``scale``."""
    if t > 20:        # long after the start: m and v are the averages of g and g**2
        g = scale * rng.normal(1, 1, size=(50,) + shape)
        return g.mean(axis=0), (g ** 2).mean(axis=0)
    m, v = np.zeros(shape), np.zeros(shape)
    for _ in range(t - 1):
        g = scale * rng.normal(1, 1, size=shape)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g ** 2
    return m, v


def adam_singles():
    rng = np.random.default_rng(75)
    cases = [Case((a([[0.5, -1.0]]), a([[0.2, -0.4]]), np.zeros((1, 2)), np.zeros((1, 2)), 1),
                  "the first step (t = 1) from m = v = 0, default lr, betas and eps")]
    p = values(rng, (3, 2))
    m, v = adam_state(rng, (3, 2), 3)
    cases.append(Case((p, values(rng, (3, 2)), m, v, 3), "t = 3, default hyperparameters"))
    m, v = adam_state(rng, (3, 2), 3)
    cases.append(Case((p, values(rng, (3, 2)), m, v, 3), "t = 3, other hyperparameters",
                      {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3}))
    cases.append(Case((p, 1e-5 * values(rng, (3, 2)), np.zeros((3, 2)), np.zeros((3, 2)), 1),
                      "tiny gradients (about 1e-5), t = 1: here eps matters", {"lr": 0.01}))
    cases.append(Case((p, a([[0.0, 1.0], [0.0, -2.0], [0.0, 0.5]]), np.zeros((3, 2)),
                       np.zeros((3, 2)), 1), "some zero gradients at t = 1: v is 0 there"))
    m, v = adam_state(rng, (4, 1), 1000, 0.5)
    cases.append(Case((values(rng, (4, 1), "large"), values(rng, (4, 1)), m, v, 1000),
                      "t = 1000, large weights", {"lr": 0.01}))
    cases.append(Case((values(rng, (1,)), values(rng, (1,)), np.zeros(1), np.zeros(1), 1),
                      "shape (1,), t = 1"))
    return cases


def adam(m_hat_of=None, v_hat_of=None, update=None, returned=None, v_of=None):
    """Adam with one formula replaced, for recognising mistakes."""
    def run(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = v_of(grad, v, beta2) if v_of else beta2 * v + (1 - beta2) * grad ** 2
        m_hat = m_hat_of(m, beta1, t) if m_hat_of else m / (1 - beta1 ** t)
        v_hat = v_hat_of(v, beta2, t) if v_hat_of else v / (1 - beta2 ** t)
        new = update(param, lr, m_hat, v_hat, eps) if update else \
            param - lr * m_hat / (np.sqrt(v_hat) + eps)
        return (new, m_hat, v_hat) if returned == "hats" else (new, m, v)
    return run


def no_eps(case, got):
    v = np.asarray(case.args[3]) * case.kwargs.get("beta2", 0.999) + \
        (1 - case.kwargs.get("beta2", 0.999)) * np.asarray(case.args[1]) ** 2
    return bool(np.any(np.isnan(got[0]) & (v == 0)))


adam_step = step_exercise(
    "adam_step", "adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8) "
    "-> (param, m, v)", ("param", "grad", "m", "v", "t"), ("param", "m", "v"), [
        like(adam(update=lambda p, lr, mh, vh, eps: p + lr * mh / (np.sqrt(vh) + eps)),
             "the step was added; subtract it: param - lr * m_hat / (sqrt(v_hat) + eps).",
             "added",
             how="Adam with the step added: `param + lr * m_hat / (sqrt(v_hat) + eps)`"),
        like(adam(m_hat_of=lambda m, b, t: m, v_hat_of=lambda v, b, t: v),
             "the bias correction is missing: m_hat = m / (1 - beta1**t) and "
             "v_hat = v / (1 - beta2**t). Without it the first steps are far too small "
             "or too large, because m and v start at 0.", "no_bias_correction",
             how="Adam without bias correction: `m_hat = m`, `v_hat = v`"),
        like(adam(m_hat_of=lambda m, b, t: m / (1 - b ** (t - 1)),
                  v_hat_of=lambda v, b, t: v / (1 - b ** (t - 1))),
             "the correction used t - 1 (or t counted from 0): at the first step "
             "1 - beta1**0 = 0 and the division blows up. t counts from 1: use beta1**t "
             "with the t you are given.", "t_from_0",
             how=("Adam corrected with t - 1: `m / (1 - beta1 ** (t - 1))`, "
                  "`v / (1 - beta2 ** (t - 1))`")),
        like(adam(m_hat_of=lambda m, b, t: m / (1 - b ** (t + 1)),
                  v_hat_of=lambda v, b, t: v / (1 - b ** (t + 1))),
             "the correction used t + 1: the t you are given already counts this step "
             "(1 at the first step), so m_hat = m / (1 - beta1**t) and "
             "v_hat = v / (1 - beta2**t), with t as it is.", "t_plus_1",
             how=("Adam corrected with t + 1: `m / (1 - beta1 ** (t + 1))`, "
                  "`v / (1 - beta2 ** (t + 1))`")),
        like(adam(v_hat_of=lambda v, b, t: v / (1 - 0.9 ** t)),
             "v's correction used beta1: each average is corrected with its own beta, "
             "v_hat = v / (1 - beta2**t) (and m_hat = m / (1 - beta1**t)).", "beta1_for_v",
             how="Adam with `v_hat = v / (1 - beta1 ** t)`"),
        like(adam(returned="hats"),
             "return the raw moving averages m and v, not the bias-corrected m_hat and "
             "v_hat: the next step updates m and v, and corrects them afresh.",
             "returned_hats",
             how="Adam returning `(param, m_hat, v_hat)`: the corrected averages"),
        like(adam(update=lambda p, lr, mh, vh, eps: p - lr * mh / np.sqrt(vh + eps)),
             "eps belongs outside the square root: sqrt(v_hat) + eps. (It only guards "
             "the division; inside the root it changes steps whose gradients are small.)",
             "eps_inside_sqrt",
             how="Adam with eps inside the root: `param - lr * m_hat / sqrt(v_hat + eps)`"),
        like(adam(update=lambda p, lr, mh, vh, eps: p - lr * mh / (vh + eps)),
             "the square root is missing: divide by sqrt(v_hat) + eps.", "no_sqrt",
             how="Adam without the root: `param - lr * m_hat / (v_hat + eps)`"),
        like(adam(v_of=lambda g, v, b: b * v + (1 - b) * g),
             "v averages the *squared* gradients: v = beta2 * v + (1 - beta2) * grad**2.",
             "v_not_squared",
             how="Adam with `v = beta2 * v + (1 - beta2) * grad`: the gradient not squared"),
        like(adam(m_hat_of=lambda m, b, t: m / (1 - b) ** t,
                  v_hat_of=lambda v, b, t: v / (1 - b) ** t),
             "the power is in the wrong place: the correction is 1 - beta1**t, "
             "not (1 - beta1)**t.", "correction_power",
             how="Adam corrected with `(1 - beta1) ** t` and `(1 - beta2) ** t`"),
        when(no_eps, "where v is 0 you divided 0 by 0: eps is missing. Divide by "
             "sqrt(v_hat) + eps.", "no_eps",
             how="the returned param is nan where the new v is 0"),
    ], blocks.adam_step, adam_loop, adam_singles)


# ---- train ------------------------------------------------------------------------

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
        ({"t": lambda epoch, j, step, k: step, "reset": True},
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


train = Exercise(
    "train", LESSON, "train(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, "
    "seed=0, optimizer=\"sgd\") -> (params, history)",
    ("X", "y", "layer_sizes", "activations", "loss", "lr", "epochs", "batch_size"),
    properties=train_properties, uses=("sgd_step", "momentum_step", "adam_step"))

EXERCISES = [sgd_step, momentum_step, adam_step, train]
