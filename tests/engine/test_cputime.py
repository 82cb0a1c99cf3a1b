"""A call past an exercise's time limit fails in the notebook as it does when graded.

The limits here are tiny (a few hundredths of a second) and the calls use CPU time or
sleep well past them, so no test depends on how fast the machine is."""
import time
from dataclasses import replace

import pytest

from checks import run_check
from checks.catalogue import EXERCISES
from checks.engine.cputime import Usage, waited
from checks.engine.exercise import Case
from checks.engine.local_call import local_call, timed_out
from checks.engine.messages import msg
from checks.engine.source import load_reference
from checks.engine.verdicts import Outcome
from checks.engine.verify import verify
from checks.grading.sandbox import Sandbox, Timeout


def burn(cpu_seconds):
    start = time.process_time()
    while time.process_time() - start < cpu_seconds:
        pass
    return 1.0


def test_a_call_that_used_more_cpu_than_the_limit_timed_out():
    out = local_call(lambda: burn(0.2), seconds=0.05)(Case(()))
    assert out.timed_out and out.fatal
    assert out.error == timed_out(0.05)


def test_a_call_within_its_limit_keeps_its_value():
    out = local_call(lambda: burn(0.01), seconds=60)(Case(()))
    assert not out.timed_out and out.value == 1.0


@pytest.mark.skipif(waited() is None, reason="needs /proc/self/task/*/schedstat (Linux)")
def test_a_call_that_slept_past_the_limit_timed_out():
    out = local_call(lambda: time.sleep(0.3), seconds=0.05)(Case(()))
    assert out.timed_out


def test_a_busy_machine_is_not_the_calls_fault():
    used = Usage()
    used.wall, used.cpu, used.wait = 100.0, 30.0, 60.0     # runnable 90 % of the time
    assert not used.overran(60)
    used.cpu, used.wait = 61.0, 0.0
    assert used.overran(60)
    used.cpu, used.wait = 1.0, 0.5                       # slept
    assert used.overran(60)


def test_the_notebook_says_what_the_grader_says():
    said = Sandbox.timeout_words(object(), Timeout(), 60)
    assert timed_out(60) == graders_words(said)
    assert str(timed_out(60)) == \
        "was stopped: it did not finish within 60 s (an infinite loop?)"


def graders_words(why):
    """What Sandbox.call's Outcome says of a call it stopped at its limit (a Message)."""
    return msg("was stopped: it {why} (an infinite loop?)", why=why)


def test_a_slow_train_digits_fails_in_the_notebook_with_the_graders_reason(monkeypatch):
    """The reference, given a limit it cannot meet, fails with the reason status gives."""
    ex = replace(EXERCISES["train_digits"], seconds=0.01)
    monkeypatch.setitem(EXERCISES, "train_digits", ex)
    verdict = run_check("train_digits", load_reference()["train_digits"])
    assert verdict.status == "failed"
    assert "did not finish within 0.01 s" in verdict.reason
    assert "must finish within 60 s when graded" in verdict.reason
    graded = verify(ex, [], lambda case: Outcome(
        error=graders_words(Sandbox.timeout_words(object(), Timeout(), 0.01)), fatal=True,
        timed_out=True, error_is_sentence=True))
    assert graded.reason == verdict.reason
