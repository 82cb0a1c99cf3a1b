"""Exercises judged over a loop of calls (checks/catalogue/steps.py), and train's optional optimizer
argument: the mistake recognised is a field, and a failure names the first wrong step."""
import numpy as np

import tests.answers.lesson07 as answers
from checks import run_check
from checks.catalogue import EXERCISES
from checks.catalogue.steps import N_STEPS, consecutive_steps
from checks.engine.exercise import Exercise, Mistake
from checks.engine.messages import msg
from checks.engine.verdicts import FAILED, Outcome


def test_the_step_exercises_name_the_mistake_they_recognise():
    for ex_id, wrongs in answers.WRONG.items():
        if ex_id == "train":
            continue
        for fn, _ in wrongs:
            verdict = run_check(ex_id, fn)
            assert verdict.status == FAILED, verdict.message
            hints = [m for m in EXERCISES[ex_id].mistakes if m.id == verdict.mistake]
            if "Hint: " in verdict.message:
                assert any(f"Hint: {m.hint}" in verdict.message for m in hints), verdict.message
            else:
                assert verdict.mistake is None
            assert verdict.n_cases == 0 and verdict.passed_cases is None   # no partial credit


def test_consecutive_steps_name_the_first_wrong_step_and_its_mistake():
    ex = Exercise("halve", "00_toy", "halve(x) -> x", ("x",),
                  mistakes=[Mistake("doubled", "it doubled.", lambda case, got: True)])
    calls = []

    def call(case):
        calls.append(case.args[0])
        x = case.args[0]
        return Outcome(value=x / 2 if len(calls) < 3 else x * 2)
    problems = consecutive_steps(call, ex, lambda x: x / 2, (np.array([8.0]),), lambda p: p,
                                 lambda state, grad, t: (state[0],), lambda value: (value,), {},
                                 msg("halving"))
    assert [float(x[0]) for x in calls] == [8.0, 4.0, 2.0] and len(problems) == 1
    problem = problems[0]
    assert problem.mistake == "doubled"
    text = str(problem)
    assert text.startswith(f"{N_STEPS} consecutive steps of halving")
    assert "The first wrong one is step 3; steps 1 to 2 were right" in text
    assert text.splitlines()[-1] == "Hint: it doubled."


def test_a_right_loop_gives_no_problem():
    ex = Exercise("halve", "00_toy", "halve(x) -> x", ("x",))
    assert consecutive_steps(lambda case: Outcome(value=case.args[0] / 2), ex, lambda x: x / 2,
                             (np.array([8.0]),), lambda p: p, lambda state, grad, t: (state[0],),
                             lambda value: (value,), {}, "of halving") == []


def train_whose_adam_raises(error):
    right = answers.make_train()

    def train(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed=0,
              optimizer="sgd"):
        if optimizer == "adam":
            raise error
        return right(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed)
    return train


def test_a_train_without_the_optional_optimizer_argument_passes():
    assert run_check("train", answers.train_no_optimizer_argument).passed


def test_a_train_whose_adam_branch_raises_fails_with_its_error():
    """Told apart by what train does with optimizer="sgd", not by the error's words."""
    for error in (TypeError("adam_step() got an unexpected keyword argument 'beta'"),
                  ValueError("optimizer must be 'sgd', got 'adam'")):
        verdict = run_check("train", train_whose_adam_raises(error))
        assert verdict.status == FAILED, verdict.message
        assert str(error) in verdict.message and "optimizer='adam') raised" in verdict.message


def test_a_train_whose_momentum_is_unfinished_passes():
    """momentum is optional: NotImplementedError for it means it is not there."""
    right = answers.make_train()

    def train(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed=0,
              optimizer="sgd"):
        if optimizer == "momentum":
            raise NotImplementedError()
        return right(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed,
                     optimizer)
    verdict = run_check("train", train)
    assert verdict.passed, verdict.message
