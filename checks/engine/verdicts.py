"""What judging decides, as data: an Outcome for one call, a Verdict for one exercise.

The four statuses a Verdict can have are defined here and nowhere else. Facts travel
as fields (``status``, ``mistake``, ``reason``, ``passed_cases``) and the text a learner
reads is kept as ``lines``; ``message`` is derived from them. No code learns a fact by
reading a message.
"""
from dataclasses import dataclass, field, replace
from typing import Any, Optional

PASSED, FAILED, NOT_ATTEMPTED, MISSING = "passed", "failed", "not attempted", "missing"
STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, MISSING)
ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", MISSING: "❔"}   # check() and feedback


@dataclass
class Outcome:
    """What one call of the learner's function did."""
    value: Any = None
    error: Optional[str] = None          # one sentence, e.g. "ValueError: shapes ..."
    line: Optional[str] = None           # "line 3: return x @ w"
    not_attempted: bool = False
    missing: bool = False                # no function of that name to call
    mutated: tuple = ()                  # names of arguments changed in place
    warnings: tuple = ()
    fatal: bool = False                  # timed out or crashed: stop calling this function
    timed_out: bool = False              # the grader stopped it at its time limit
    stub: Optional[str] = None           # the function that raised NotImplementedError
    said: bool = False                   # ``error`` is a sentence ("it ..."), not an exception


@dataclass
class Verdict:
    """One exercise, judged.

    ``lines``: what the learner reads, line by line (the first names the exercise; a part
    given with several lines, e.g. a shown case, is split into them);
    ``mistake``: id of the recognised mistake, if any; ``reason``: one line, why it did not
    pass ("" when it passed); ``passed_cases``: when it failed, how many cases it got right."""
    id: str
    status: str
    lines: list
    cases: int = 0
    mistake: Optional[str] = None
    warnings: list = field(default_factory=list)
    reason: str = ""
    passed_cases: Optional[int] = None

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"a verdict's status is one of {STATUSES}, not {self.status!r}")
        if isinstance(self.lines, str):
            raise TypeError("Verdict.lines is a list of lines, not one string")
        self.lines = [line for part in self.lines for line in str(part).split("\n")]

    @property
    def message(self):
        """The whole text, as check() prints it and the feedback file shows it."""
        return "\n".join(self.lines)

    @property
    def passed(self):
        return self.status == PASSED

    @property
    def failed(self):
        return self.status == FAILED

    @property
    def missing(self):
        return self.status == MISSING

    @property
    def not_attempted(self):
        return self.status == NOT_ATTEMPTED

    def with_lines(self, *more):
        """A copy with ``more`` lines at the end."""
        return replace(self, lines=[*self.lines, *more])


class Note(str):
    """A remark a property check makes about an answer that passes (not a problem)."""


class Problem(str):
    """A problem a property check found (its text), recognised as the catalogued mistake
    ``mistake`` (its id; None if none matched)."""

    def __new__(cls, text, mistake=None):
        self = super().__new__(cls, text)
        self.mistake = mistake
        return self


class NotAttempted(Exception):
    """Raised inside a property check when the learner's function is not finished yet (it
    raised NotImplementedError); ``stub`` names the function that raised, if known."""

    def __init__(self, stub=None):
        super().__init__(stub)
        self.stub = stub


def one_line(text, limit=300):
    """The first sentence of ``text``: a verdict's reason. Past ``limit`` characters it
    ends at the last whole word before it, with "…" (a reason is wrapped where it is shown,
    never cut mid-word)."""
    text = " ".join(str(text).split())
    cut = text.find(". ")
    text = text[:cut + 1] if cut > 0 else text
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)
    return text[:space if space > 0 else limit - 1].rstrip(" ,;:") + "…"
