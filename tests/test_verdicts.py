"""Facts travel as fields: a function the notebook lacks is MISSING because the sandbox
said so, for value-checked and property-checked exercises alike, never because of a message."""
import pytest

from checks import expected
from checks.exercises import EXERCISES
from checks.verdicts import MISSING, Outcome
from checks.verify import verify


def absent(case):
    return Outcome(error="something unrelated", missing=True)


@pytest.mark.parametrize("ex_id", ["weighted_sum", "init_params", "train"])
def test_a_missing_function_is_missing_whatever_it_is_judged_by(ex_id):
    ex = EXERCISES[ex_id]
    cases = [] if ex.properties else expected.read(ex_id)
    verdict = verify(ex, cases, absent)
    assert verdict.status == MISSING and not verdict.passed
    assert verdict.reason == "not found: no function of that name"


def test_an_error_that_mentions_a_name_is_not_missing():
    ex = EXERCISES["weighted_sum"]
    said = verify(ex, expected.read("weighted_sum"),
                  lambda case: Outcome(error="NameError: no function named 'helper' is defined"))
    assert said.status == "failed"
