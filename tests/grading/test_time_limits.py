"""The grader's time limits on a busy machine, with fake clocks: the same answers on a
loaded 2-core laptop and on an idle 64-core server.

A call's limit is on the child's CPU time. When its deadline passes, the grader asks the
child's clocks (``sandbox.cpu_times``): a child that was runnable but kept from a CPU by
others' load gets more time (``sandbox.more_time``), up to ``busy_factor`` times its limit
in wall time; a child that used its CPU time, or slept, is stopped. Here a fake machine
gives the child a fixed share of a CPU, and ``Sandbox.receive`` runs on its clock.
The real clocks and a real sandbox are tested once, loosely, at the end."""
import os

import pytest

from checks.engine.exercise import Case
from checks.grading import sandbox
from checks.grading.sandbox import Sandbox, Timeout, more_time
from helpers import Confined


# ---- the rule --------------------------------------------------------------------------
def test_a_child_kept_from_the_cpu_gets_the_cpu_time_it_has_left():
    # 1 s limit, 1 s of wall time gone, of which 0.25 s computing and 0.75 s waiting for a CPU
    assert more_time(1.0, used=0.25, waited=0.75, seconds=1.0, hard=4.0) == pytest.approx(0.75)


def test_more_time_never_reaches_past_the_hard_limit():
    assert more_time(3.9, used=0.3, waited=3.5, seconds=1.0, hard=4.0) == pytest.approx(0.1)


def test_more_time_is_at_least_a_twentieth_of_a_second():
    assert more_time(2.0, used=0.999, waited=1.0, seconds=1.0, hard=4.0) == pytest.approx(0.05)


@pytest.mark.parametrize("used, waited, why", [
    (1.0, 0.0, "used all its CPU time"),
    (1.2, 3.0, "used more than its CPU time, on a busy machine"),
    (0.1, 0.2, "runnable less than half of the time: it slept"),
    (0.0, 0.0, "not runnable at all: stopped, or waiting on input"),
])
def test_the_childs_own_doing_ends_the_request(used, waited, why):
    with pytest.raises(Timeout) as stopped:
        more_time(1.0, used, waited, seconds=1.0, hard=4.0)
    assert not stopped.value.busy, why


def test_past_the_hard_limit_the_machine_is_blamed_not_the_code():
    with pytest.raises(Timeout) as stopped:
        more_time(4.0, used=0.5, waited=3.5, seconds=1.0, hard=4.0)
    assert stopped.value.busy


@pytest.mark.parametrize("used, waited", [(None, 0.5), (0.5, None), (None, None)])
def test_unknown_clocks_fail_closed(used, waited):
    """Where the child's clocks cannot be read, the wall clock decides: no extension."""
    with pytest.raises(Timeout) as stopped:
        more_time(1.0, used, waited, seconds=1.0, hard=4.0)
    assert not stopped.value.busy


def test_the_notebook_side_says_the_same_of_the_same_figures():
    """checks.engine.cputime.Usage.overran judges a finished call in the learner's kernel
    by the same rule: stopped for its own CPU time or for sleeping, not for the load."""
    from checks.engine.cputime import Usage
    for cpu, wait, wall in ((0.25, 0.75, 1.0), (1.0, 0.0, 1.0), (0.1, 0.2, 1.0)):
        used = Usage()
        used.cpu, used.wait, used.wall = cpu, wait, wall
        try:
            more_time(wall, cpu, wait, seconds=1.0, hard=4.0)
            extended = True
        except Timeout:
            extended = False
        assert used.overran(1.0) is not extended, (cpu, wait, wall)


# ---- the rule, in Sandbox.receive's loop, on a fake machine --------------------------------
class Clock:
    """A fake time module for sandbox.py: ``monotonic()`` is ``now``."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


class Waiting(Sandbox):
    """A Sandbox awaiting one reply, with no child: the child gets ``share`` of a CPU while
    it runs (the rest of the time it waits for one), or sleeps (``runnable`` False); it
    replies after ``needs`` seconds of CPU (None: never). ``clocks`` False: its CPU clocks
    cannot be read."""

    def __init__(self, clock, share=1.0, needs=None, runnable=True, clocks=True, limits=Confined):
        self.clock, self.share, self.needs = clock, share, needs
        self.runnable, self.clocks, self.limits = runnable, clocks, limits
        self.inner, self.child_pid, self.discarded, self.buffer = 4242, 4242, 0, b""
        self.waits = 0

    def cpu(self):
        if not self.clocks:
            return None
        t = self.clock.now
        return (self.share * t, (1 - self.share) * t) if self.runnable else (0.0, 0.0)

    def next_frame(self, deadline):
        self.waits += 1
        if self.runnable and self.needs is not None and self.needs / self.share <= deadline:
            self.clock.now = max(self.clock.now, self.needs / self.share)
            return {"nonce": "n", "pid": self.child_pid, "value": "done"}
        self.clock.now = max(self.clock.now, deadline)
        raise Timeout()

    def __del__(self):
        pass


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(sandbox, "time", fake)
    return fake


def receive(child, seconds=1.0):
    return child.receive("n", sandbox.time.monotonic() + seconds, seconds)


def test_an_honest_slow_call_on_a_busy_machine_passes(clock):
    """0.6 s of CPU under a 1 s limit, with a quarter of a CPU: done after 2.4 s of wall
    time, past its deadline, and still answered (the old test ran four CPU hogs)."""
    child = Waiting(clock, share=0.25, needs=0.6)
    assert receive(child)["value"] == "done"
    assert clock.now == pytest.approx(2.4) and child.waits > 1


def test_on_an_idle_machine_the_reply_comes_before_the_deadline(clock):
    child = Waiting(clock, share=1.0, needs=0.6)
    assert receive(child)["value"] == "done" and child.waits == 1


def test_a_loop_on_a_busy_machine_is_stopped_for_its_own_cpu_time(clock):
    """Half a CPU: the loop has used its 1 s of CPU after 2 s, well before the hard limit
    (4 s); the grader, extending by the CPU time left, stops it within one last step."""
    child = Waiting(clock, share=0.5)
    with pytest.raises(Timeout) as stopped:
        receive(child)
    assert not stopped.value.busy
    assert child.cpu()[0] >= 1.0 and 2.0 <= clock.now < 2.0 + 2 * 0.05


def test_a_loop_on_a_very_busy_machine_is_stopped_at_the_hard_limit_as_the_machines_fault(clock):
    """A fifth of a CPU: 0.8 s of CPU at the hard limit; the verdict is the machine's."""
    child = Waiting(clock, share=0.2)
    with pytest.raises(Timeout) as stopped:
        receive(child)
    assert stopped.value.busy
    assert clock.now == pytest.approx(1.0 * Confined.busy_factor)


@pytest.mark.parametrize("kind", ["sleeping", "clocks unknown"])
def test_a_sleeping_child_or_unknown_clocks_stop_at_the_first_deadline(clock, kind):
    child = Waiting(clock, share=0.25, needs=0.1, runnable=kind != "sleeping",
                    clocks=kind != "clocks unknown")
    if kind == "clocks unknown":
        child.needs = None
    with pytest.raises(Timeout) as stopped:
        receive(child)
    assert not stopped.value.busy and clock.now == pytest.approx(1.0) and child.waits == 1


# ---- the real clocks, and one loose run in a real sandbox ------------------------------------
def test_cpu_times_reads_a_process_clocks():
    """sandbox.cpu_times on this process: its CPU clock grows with work, and the time its
    threads waited for a CPU is a number (Linux's schedstat), never negative."""
    if sandbox.cpu_times(os.getpid()) is None:
        pytest.skip("no per-process CPU clock or /proc/<pid>/task/*/schedstat here")
    before = sandbox.cpu_times(os.getpid())
    sum(i * i for i in range(300_000))
    after = sandbox.cpu_times(os.getpid())
    assert after[0] > before[0] and after[1] >= before[1] >= 0


def test_a_real_sandbox_lets_a_short_computation_finish_and_stops_a_loop():
    """Loose on purpose: 0.2 s of CPU under a 1 s limit passes however busy the machine
    (it may take up to 4 s of wall time), and an endless loop is stopped, for its own CPU
    time or, on a machine too busy to tell, as the machine's fault."""
    cell = """
import time
def f():
    t = time.process_time()
    while time.process_time() - t < 0.2:
        pass
    return "done"
def loop():
    while True:
        pass
"""
    with Sandbox([cell], Confined) as s:
        done = s.call("f", Case(args=()), ())
        looped = s.call("loop", Case(args=()), ())
    assert done.value == "done", done
    assert looped.timed_out and "did not finish within 1 s" in str(looped.error), looped
