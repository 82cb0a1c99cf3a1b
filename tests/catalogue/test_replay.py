"""checks/catalogue/replay.py: training replayed with blocks' steps finds how a train went."""
import numpy as np
import pytest

import blocks
from checks.catalogue.replay import (
    TWO_EPOCHS,
    matching_way,
    paired_wrongly,
    run_epochs,
    same_params,
    three_example_epochs,
)

X = np.array([[1.0, -0.5], [-0.3, 0.8], [0.6, 0.9]])
Y = np.array([[0.5], [-1.0], [1.5]])
ACTS, START = ["tanh", "linear"], blocks.init_params([2, 2, 1], 0)


def test_the_epochs_of_three_examples():
    assert three_example_epochs("full", (0, 2)) == [[[1, 2], [0]], [[0, 1], [2]]]
    assert three_example_epochs("dropped", (1, 1)) == [[[0, 2]], [[0, 2]]]
    assert len(TWO_EPOCHS) == len(set(TWO_EPOCHS)) == 18


def test_one_batch_of_sgd_is_forward_backward_and_a_step():
    A, cache = blocks.forward(X[[0, 2]], START, ACTS)
    grads = blocks.backward(blocks.LOSSES["mse"][1](A, Y[[0, 2]]), cache, START, ACTS)
    by_hand = [(blocks.sgd_step(W, dW, 0.5), blocks.sgd_step(b, db, 0.5))
               for (W, b), (dW, db) in zip(START, grads)]
    assert same_params(run_epochs(START, X, Y, ACTS, "mse", 0.5, [[[0, 2]]], "sgd"), by_hand)
    assert not same_params(run_epochs(START, X, Y, ACTS, "mse", 0.5, [[[0, 1]]], "sgd"), by_hand)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_way_two_epochs_go_is_told_apart(optimizer):
    for kind, lasts in TWO_EPOCHS:
        got = run_epochs(START, X, Y, ACTS, "mse", 0.5, three_example_epochs(kind, lasts),
                         optimizer)
        assert matching_way(START, got, X, Y, ACTS, "mse", 0.5, optimizer) == (kind, lasts)


def test_a_wrong_way_of_keeping_the_state_is_named():
    reset = {"t": lambda epoch, j, step, k: j, "reset": True}
    got = run_epochs(START, X, Y, ACTS, "mse", 0.1, three_example_epochs("full", (2, 0)),
                     "adam", reset)
    assert matching_way(START, got, X, Y, ACTS, "mse", 0.1, "adam") is None
    assert matching_way(START, got, X, Y, ACTS, "mse", 0.1, "adam",
                        [({"reset": False, "t": lambda *_: 1}, "t is 1"),
                         (reset, "reset every epoch")]) == ("wrong way", "reset every epoch")


def test_inputs_paired_with_other_targets_are_noticed():
    everything = [[[0, 1, 2]]]
    right = run_epochs(START, X, Y, ACTS, "mse", 0.5, everything, "sgd")
    crossed = run_epochs(START, X, Y[[1, 0, 2]], ACTS, "mse", 0.5, everything, "sgd")
    assert not paired_wrongly(START, right, X, Y, ACTS, "mse", 0.5)
    assert paired_wrongly(START, crossed, X, Y, ACTS, "mse", 0.5)
    assert not paired_wrongly(START, START, X, Y, ACTS, "mse", 0.5)     # never updated
