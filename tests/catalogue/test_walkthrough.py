"""Messages of the learner walkthrough (M5, M11) that name no catalogued mistake: the real
cause, in words that are true."""
import numpy as np

import blocks
from checks import run_check
from checks.engine.source import load_reference

REFERENCE = load_reference()


def test_the_provided_function_is_named_where_it_is_defined():
    """M5: blocks.backward called from backward is blocks.backward, not digits.backward."""
    verdict = run_check("backward", lambda dA, cache, params, acts:
                        blocks.backward(dA, cache, params, acts))
    assert "blocks.backward" in verdict.message and "digits.backward" not in verdict.message


def test_a_result_that_is_not_numbers_is_said_once():
    """M11: "It returned a value of type dict", not "It raised it returned ..."."""
    def backward_as_dict(dA, cache, params, acts, key=int):
        grads = REFERENCE["backward"](dA, cache, params, acts)
        return {key(i): g for i, g in enumerate(grads)}
    verdict = run_check("backward", backward_as_dict)
    assert "It returned a value of type dict, not numbers." in verdict.message
    assert "raised" not in verdict.message
    verdict = run_check("backward", lambda *args: backward_as_dict(*args, key=str))
    assert "should be 2 values (a list), but it is a dict." in verdict.message
    assert verdict.mistake is None


def test_a_zero_d_array_counts_as_a_float_everywhere():
    """A 0-d array where "a float" is asked passes in every scalar exercise (the lessons say
    so); an array of shape (1,) does not."""
    def zero_d(x, w, b):
        return np.array(np.dot(x, w) + b)
    assert run_check("weighted_sum", zero_d).passed
    assert run_check("mse_loss", lambda Y_hat, Y: np.mean((Y_hat - Y) ** 2,
                                                         keepdims=False)[()]).passed
    assert not run_check("weighted_sum", lambda x, w, b: np.array([np.dot(x, w) + b])).passed
