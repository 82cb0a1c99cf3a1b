"""Lesson 07, weight updates: sgd_step, momentum_step, adam_step and train.

The three optimiser steps are graded by properties, because a single call cannot
show what goes wrong over a loop of calls (checks/catalogue/steps.py judges them):

1. five consecutive steps on a small quadratic bowl, starting from zero state (t = 1, 2,
   ...), each step fed the learner's own outputs of the step before (``*_loop`` below);
2. single steps from other states (other hyperparameters, tiny and zero gradients, large
   t), judged like value cases (``*_singles`` below).

train is graded by properties only (checks/catalogue/training_checks.py): shapes, one loss
per epoch, loss going down, accuracy on an XOR-like set no straight line can separate,
determinism under a seed, and (from a 3-example set whose every possible epoch can be
enumerated and replayed exactly, checks/catalogue/replay.py) shuffling each epoch, the last,
smaller batch and the optimiser's state.
"""
import numpy as np

import blocks

from ..engine.exercise import Case, Exercise, like, when, when_wrong
from ..engine.messages import msg
from .gen import values
from .steps import consecutive_steps, stepwise
from .training_checks import train_properties

LESSON = "07_weight_updates"
a = np.array


# ---- the optimiser steps: a loop of calls, then single steps -------------------------

def bowl(rng, shape):
    """A quadratic bowl L = sum(k * (p - c)**2) / 2 of curvatures k: its gradient k * (p - c)."""
    k, c = rng.uniform(0.5, 3.0, size=shape), rng.normal(0, 1, size=shape)
    return lambda p: k * (np.asarray(p, dtype=float) - c)


def step_exercise(exercise_id, signature, args, outputs, mistakes, reference, loop, singles):
    """An optimiser step: its value-checking half (cases, mistakes) and its properties
    (checks/catalogue/steps.py: ``loop``, then the ``singles`` cases)."""
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


# ---- train: graded by its properties (training_checks.py) --------------------------

train = Exercise(
    "train", LESSON, "train(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, "
    "seed=0, optimizer=\"sgd\") -> (params, history)",
    ("X", "y", "layer_sizes", "activations", "loss", "lr", "epochs", "batch_size"),
    properties=train_properties, uses=("sgd_step", "momentum_step", "adam_step"))

EXERCISES = [sgd_step, momentum_step, adam_step, train]
