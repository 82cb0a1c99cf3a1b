"""How long a call in the learner's own kernel took, judged as the grader judges it.

The grader stops a call past its limit in CPU time (all threads of the process), or in
wall time when the call was not trying to run (sleeping, waiting for input): not when the
machine was merely busy. ``Usage`` measures one call the same way, so a notebook can say
what grading will say, after the call has finished.
"""
import os
import time
from typing import Optional


def waited() -> Optional[float]:
    """Seconds this process's threads spent ready to run but waiting for a CPU, or None
    where the system does not say (Linux's /proc/self/task/*/schedstat)."""
    total = 0
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/schedstat", encoding="ascii") as f:
                total += int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


class Usage:
    """A context manager: ``with Usage() as used: ...``, then ``used.overran(seconds)``."""

    def __enter__(self):
        self.wall, self.cpu, self.wait = time.monotonic(), time.process_time(), waited()
        return self

    def __exit__(self, *exc):
        wait = waited()
        self.wall = time.monotonic() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.wait = None if wait is None or self.wait is None else wait - self.wait
        return False

    def overran(self, seconds: float) -> bool:
        """True when the grader would have stopped the call at ``seconds``: it used that
        much CPU time, or it ran past it in wall time while mostly not asking for a CPU
        (the grader's rule: runnable less than half of the time)."""
        if self.cpu >= seconds:
            return True
        if self.wall < seconds or self.wait is None:
            return False
        return self.cpu + self.wait < 0.5 * self.wall
