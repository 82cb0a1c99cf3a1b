"""What an exercise is, to the checks: its cases, its known mistakes, its tolerance."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

import numpy as np

if TYPE_CHECKING:
    from .messages import Message
    from .verdicts import Note, Outcome, Problem, Verdict

# A learner's function, called on one case by the checks (engine/notebook.py's local_call, or
# the grader's sandbox): what it did.
Call = Callable[["Case"], "Outcome"]
# What a property check finds: problems (sentences, Problems, Mistakes) and Notes, or a
# failed Verdict of its own (engine/verify.py, verify_properties).
Findings = Union[Sequence[Union[str, "Message", "Problem", "Mistake", "Note"]], "Verdict"]


@dataclass
class Case:
    """One call of a learner's function: ``fn(*args, **kwargs)`` should return ``expected``."""
    args: tuple[Any, ...]
    label: Union[str, Message] = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    expected: Any = None
    hidden: bool = False

    @property
    def size(self) -> int:
        """Number of array elements in the arguments: how "small" the case is."""
        return sum(np.size(a) for a in self.args if isinstance(a, np.ndarray))


@dataclass
class Mistake:
    """A known mistake, recognised from a failing case: ``matches(case, got)``.

    ``how`` says in words how ``matches`` recognises it, completing "the check sees: ...";
    the instructor's guide (docs/mistakes.md, checks/authoring/guide.py) prints it as declared. The
    helpers below write it: ``like`` and ``when`` from their ``how`` argument, ``raised``
    and ``changed_input`` from their own arguments, ``when_wrong`` adds its condition."""
    id: str
    hint: Union[str, Message]
    matches: Callable[[Case, Any], bool]
    how: Optional[str] = None   # how it is recognised, in words (every catalogued one has it)
    in_place: bool = False      # explains a right value whose arguments were changed in place


@dataclass
class Exercise:
    """One exercise as the checks know it: its cases (``visible`` ones fixed and shown,
    ``random`` ones drawn per seed), its catalogued ``mistakes``, how close is right
    (``rtol``, ``atol``, ``tolerance``), or a ``properties`` check instead of cases."""
    id: str
    lesson: str
    signature: str
    arg_names: tuple[str, ...]                   # the parameters' names, for messages
    visible: Callable[[], list[Case]] = lambda: []     # fixed, shown cases
    random: Optional[Callable[[np.random.Generator], list[Case]]] = None
    mistakes: list[Mistake] = field(default_factory=list)
    outputs: tuple[str, ...] = ()                # names of returned values, if several
    scalar: bool = False                         # the contract says "-> float"
    rtol: float = 1e-6
    atol: float = 1e-9
    # (rtol, atol) of one case, if it differs
    tolerance: Optional[Callable[[Case], tuple[float, float]]] = None
    finite_difference: Optional[Callable[[Case], Any]] = None   # the result by centred differences
    gradcheck_tol: float = 1e-6
    gradcheck_cases: Optional[Callable[[], list[Case]]] = None   # default: the visible cases
    properties: Optional[Callable[[Call], Findings]] = None   # graded by properties instead
    points: int = 1
    seconds: Optional[float] = None              # grader's time limit per call, if not the default
    # what to say when an argument changed in place, if not the default
    in_place_note: Optional[Union[str, Message]] = None
    uses: tuple[str, ...] = ()                   # other exercises of the lesson it may call

    def n_visible(self) -> int:
        return len(self.visible())

    def cases(self, seed: int) -> list[Case]:
        """The visible cases, then the randomised ones drawn with ``seed``."""
        cases = list(self.visible())
        if self.random is not None:
            cases += self.random(np.random.default_rng(seed))
        return cases


# ---- recognising mistakes ---------------------------------------------------

def close(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when two results (arrays or nested tuples/lists of them) agree."""
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))
                and len(a) == len(b) and all(close(x, y, rtol, atol) for x, y in zip(a, b)))
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol, atol, equal_nan=True))
    except (TypeError, ValueError):
        return False


def like(wrong: Callable[..., Any], hint: Union[str, Message], mistake_id: Optional[str] = None,
         how: Optional[str] = None) -> Mistake:
    """A mistake recognised by its output: the learner's result equals ``wrong(*args)``.
    ``how`` names that wrong result for the guide, e.g. "`np.dot(x, w)`".

    Never on a case where the mistake's output equals the expected one: there the two
    cannot be told apart, and the learner's answer may be right."""
    def matches(case: Case, got: Any) -> bool:
        if isinstance(got, Raised):
            return False
        try:
            with np.errstate(all="ignore"):
                w = wrong(*case.args, **case.kwargs)
                if case.expected is not None and indistinguishable(w, case.expected):
                    return False
                return close(got, w)
        except Exception:
            return False
    said = how and how.strip() and f"on the same arguments, the learner's result equals {how}"
    return Mistake(mistake_id or wrong.__name__, hint, matches, said)


def indistinguishable(wrong: Any, expected: Any) -> bool:
    """True when a mistake's output would pass as the expected one (values, shape, dtype)."""
    from ..runtime.plain import normalise
    from .compare import compare
    try:
        return compare(expected, normalise(wrong), 1e-6, 1e-9) is None
    except Exception:
        return close(wrong, expected)


class Raised(str):
    """Stands for the learner's result when their function raised: the error's text."""


def raised(pattern: Union[str, Sequence[str]], hint: Union[str, Message], mistake_id: str) -> Mistake:
    """A mistake recognised by the error it raises: ``pattern`` is a substring of its message,
    or a tuple of substrings any of which will do."""
    patterns = (pattern,) if isinstance(pattern, str) else tuple(pattern)
    said = " or ".join(f"“{p}”" for p in patterns)
    return Mistake(mistake_id, hint, lambda case, got: isinstance(got, Raised)
                   and any(p in got for p in patterns),
                   f"their function raises an error whose message contains {said}")


def when(predicate: Callable[[Case, Any], Any], hint: Union[str, Message], mistake_id: str,
         how: Optional[str] = None) -> Mistake:
    """A mistake recognised by a predicate of the case and the learner's result; ``how``
    says what the predicate sees, e.g. "the result has shape (1,) or (1, 1)"."""
    def matches(case: Case, got: Any) -> bool:
        if isinstance(got, Raised):
            return False
        try:
            with np.errstate(all="ignore"):
                return bool(predicate(case, got))
        except Exception:
            return False
    return Mistake(mistake_id, hint, matches, how)


def changed_input(hint: Union[str, Message], rtol: float = 1e-6, atol: float = 1e-9,
                  mistake_id: str = "in_place") -> Mistake:
    """A case that failed with the right value (within ``rtol``, ``atol``): an argument was
    changed in place."""
    mistake = when(lambda case, got: close(got, case.expected, rtol, atol), hint, mistake_id,
                   f"the learner's value is right (rtol={rtol:g}, atol={atol:g}) but an "
                   "argument was changed in place")
    mistake.in_place = True
    return mistake


def when_wrong(mistakes: Sequence[Mistake]) -> list[Mistake]:
    """The mistakes, each recognised only when the result is not right anyway (a right value
    that failed for another reason, e.g. an argument changed in place, gets no hint)."""
    def wrong_only(m: Mistake) -> Callable[[Case, Any], bool]:
        return lambda case, got: not close(got, case.expected) and m.matches(case, got)
    return [Mistake(m.id, m.hint, wrong_only(m),
                    m.how and f"{m.how} (only counted when the value is wrong anyway)")
            for m in mistakes]


def in_wrong_order(outputs: Sequence[str], mistake_id: str = "wrong_order") -> Mistake:
    """The right values, returned in another order: ``outputs`` names them in the right one,
    e.g. ("dw", "db"). One wording for every exercise that returns several values."""
    import itertools

    def matches(case: Case, got: Any) -> bool:
        exp = case.expected
        if not (isinstance(got, (tuple, list)) and isinstance(exp, (tuple, list))
                and len(got) == len(exp) == len(outputs)) or close(got, exp):
            return False
        return any(close(tuple(got[i] for i in order), exp)
                   for order in itertools.permutations(range(len(exp))) if list(order) !=
                   list(range(len(exp))))
    return when(matches, "the values are right but returned in the wrong order: return "
                f"{', '.join(outputs)}, in that order.", mistake_id,
                how="the result holds the right values in another order")


def raised_when(pattern: str, predicate: Callable[[Case, str], Any], hint: Union[str, Message],
                mistake_id: str, how: Optional[str] = None) -> Mistake:
    """A mistake recognised by the error it raises: ``pattern`` is a substring of its
    message and ``predicate(case, message)`` holds (e.g. the shapes it names are the
    arguments'); ``how`` completes "their function raises an error whose message ..."."""
    def matches(case: Case, got: Any) -> bool:
        if not (isinstance(got, Raised) and pattern in got):
            return False
        try:
            return bool(predicate(case, str(got)))
        except Exception:
            return False
    return Mistake(mistake_id, hint, matches, f"their function raises an error whose message {how}")


def shapes_named(message: str) -> list[tuple[int, ...]]:
    """The shapes a NumPy error names, e.g. "... with shapes (4,5) (4,)" -> [(4, 5), (4,)]."""
    import re
    return [tuple(int(n) for n in group.replace(" ", "").split(",") if n)
            for group in re.findall(r"\(([\d, ]*)\)", message)]
