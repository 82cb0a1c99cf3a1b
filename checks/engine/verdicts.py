"""What judging decides, as data: an Outcome for one call, a Verdict for one exercise.

The four statuses a Verdict can have are defined here and nowhere else. Facts travel
as fields (``status``, ``mistake``, ``reason``, ``passed_cases``) and the text a learner
reads is kept as ``lines``; ``message`` is derived from them. No code learns a fact by
reading a message.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Optional, Union

if TYPE_CHECKING:
    from .messages import Joined, Message, Table

# What a learner reads, as data (checks/engine/messages.py): a sentence is a Message, or
# text shown as it is (a str, e.g. Verbatim: Python's own error); a line may also be a
# Table (a shown case) or a Joined list.
Said = Union[str, "Message"]
Line = Union[str, "Message", "Table", "Joined"]

PASSED, FAILED, NOT_ATTEMPTED, MISSING = "passed", "failed", "not attempted", "missing"
STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, MISSING)
ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", MISSING: "❔"}   # check(), status, feedback


@dataclass
class Outcome:
    """What one call of the learner's function did."""
    value: Any = None
    error: Optional[Said] = None         # one sentence, e.g. "ValueError: shapes ..."
    line: Optional[str] = None           # "line 3: return x @ w"
    not_attempted: bool = False
    missing: bool = False                # no function of that name to call
    mutated: tuple[str, ...] = ()        # names of arguments changed in place
    warnings: tuple[str, ...] = ()
    fatal: bool = False                  # timed out or crashed: stop calling this function
    timed_out: bool = False              # the grader stopped it at its time limit
    stub: Optional[str] = None           # the function that raised NotImplementedError
    error_is_sentence: bool = False      # ``error`` completes "It ...", not an exception's text


@dataclass
class Verdict:
    """One exercise, judged.

    ``lines``: what the learner reads, as messages (checks/engine/messages.py), one per line
    (a shown case is one Table); the first names the exercise;
    ``mistake``: id of the recognised mistake, if any; ``reason``: one line, why it did not
    pass, a Message ("" when it passed); ``passed_cases``: when it failed, how many cases it got right."""
    id: str
    status: str
    lines: list[Line]
    n_cases: int = 0                     # how many cases it was checked on
    mistake: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    reason: Said = ""
    passed_cases: Optional[int] = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"a verdict's status is one of {STATUSES}, not {self.status!r}")
        if isinstance(self.lines, str):
            raise TypeError("Verdict.lines is a list of lines, not one string")
        self.lines = list(self.lines)

    @property
    def message(self) -> str:
        """The whole text in English, as the JSON keeps it."""
        return self.text("en")

    def text(self, lang: Optional[str] = None) -> str:
        """The whole text in ``lang`` (default: the chosen language), as check() prints it."""
        from .messages import render
        return "\n".join(render(line, lang) for line in self.lines)

    def reason_text(self, lang: Optional[str] = None, limit: int = 300) -> str:
        """``reason``'s first sentence in ``lang``: one line for status."""
        from .messages import render
        return one_line(render(self.reason, lang), limit) if self.reason else ""

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def missing(self) -> bool:
        return self.status == MISSING

    def with_lines(self, *more: Line) -> Verdict:
        """A copy with ``more`` lines at the end."""
        return replace(self, lines=[*self.lines, *more])


class Note:
    """A remark a property check makes about an answer that passes (not a problem):
    ``text``, a Message."""

    def __init__(self, text: Said) -> None:
        self.text = text

    def __str__(self) -> str:
        return str(self.text)


class Problem:
    """A problem a property check found: ``text`` (a Message, or a list of them, one per
    line), recognised as the catalogued mistake ``mistake`` (its id; None if none matched)."""

    def __init__(self, text: Union[Said, list[Said]], mistake: Optional[str] = None) -> None:
        self.text, self.mistake = text, mistake

    def __str__(self) -> str:
        from .messages import render
        return render(self.text, "en")


class NotAttempted(Exception):
    """Raised inside a property check when the learner's function is not finished yet (it
    raised NotImplementedError); ``stub`` names the function that raised, if known."""

    def __init__(self, stub: Optional[str] = None) -> None:
        super().__init__(stub)
        self.stub = stub


def one_line(text: object, limit: int = 300) -> str:
    """The first sentence of ``text`` (English or Chinese): a verdict's reason. Past ``limit``
    characters it ends at the last whole word before it, with "…" (a reason is wrapped where
    it is shown, never cut mid-word)."""
    text = " ".join(str(text).split())
    cut = min((i for i in (text.find(". "), text.find("。")) if i > 0), default=-1)
    text = text[:cut + 1] if cut > 0 else text
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)
    return text[:space if space > 0 else limit - 1].rstrip(" ,;:") + "…"
