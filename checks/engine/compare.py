"""Compares a learner's (plain) result with the expected one and says how they differ."""
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from .messages import Message, msg, nmsg


@dataclass
class Mismatch:
    where: str                   # "the result", "`dW`", "cache[1][0]" ... (English, for tests)
    problem: Message             # one sentence, starting with what differs (``label``)
    worst: Optional[Message] = None  # "at index (0, 2): expected 0.5, got 0.25"
    error: float = 0.0           # largest absolute difference, when values differ
    path: tuple = ()             # indexes from the whole result down to ``where``
    index: tuple = ()            # the worst element's index in ``where`` (() for a number)
    label: Any = None            # ``where`` as shown in show_case's labels: a Message or code
    note: Optional[Message] = None  # why numbers that look alike differ (dtype, digits), if known

    def message(self):
        """The whole sentence (a Message)."""
        if not self.worst:
            text = self.problem
        elif self.index:
            text = msg("{problem} Worst element {worst}.", problem=self.problem, worst=self.worst)
        else:
            text = msg("{problem} {worst}.", problem=self.problem, worst=self.worst)
        return msg("{problem} {advice}", problem=text, advice=self.note) if self.note else text

    def __str__(self):
        return str(self.message())


def describe(x):
    """What ``x`` is, in words (a Message)."""
    if x is None:
        return msg("None (did you forget to `return`?)")
    if isinstance(x, np.ndarray):
        return msg("a number") if x.ndim == 0 else msg("an array of shape {shape}", shape=x.shape)
    kinds = {list: msg("a list"), tuple: msg("a tuple"), dict: msg("a dict"), str: msg("a string")}
    return kinds.get(type(x)) or msg("a {type}", type=type(x).__name__)


KINDS_ACCEPTED = {"f": "f", "i": "iu", "u": "iu", "b": "b"}


class Where:
    """What a comparison is about: the result (``name`` None) or a named output, with the
    index of a nested entry ("[1][0]")."""

    def __init__(self, name=None, index=""):
        self.name, self.index = name, index

    def at(self, key):
        return Where(self.name, f"{self.index}[{key!r}]")

    def subject(self):
        """As a sentence's subject: "The result[0]", "`dW`"."""
        if self.name is None:
            return msg("The result{index}", index=self.index)
        return f"{self.name}{self.index}"

    def label(self):
        """As show_case's label: "result[0]" ("" for the whole result), "`dW`"."""
        if self.name is None:
            return msg("result{index}", index=self.index) if self.index else None
        return f"{self.name}{self.index}"

    def __str__(self):
        return f"{'the result' if self.name is None else self.name}{self.index}"


def compare(expected, got, rtol, atol, where=None, scalar=False, path=()):
    """None when ``got`` matches ``expected`` within tolerance, else the first Mismatch.
    ``where``: the named output compared ("`dW`"), None for the result."""
    return compare_at(expected, got, rtol, atol, Where(where), scalar, path)


def mismatch(where, problem, **kw):
    return Mismatch(str(where), problem, label=where.label(), **kw)


def compare_at(expected, got, rtol, atol, where, scalar, path):
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            n, kind = len(expected), type(expected).__name__
            if isinstance(got, (list, tuple)):
                problem = nmsg("{where} should be {n} value (a {kind}), but it is {got} of "
                               "length {length}.",
                               "{where} should be {n} values (a {kind}), but it is {got} of "
                               "length {length}.", n, where=where.subject(), kind=kind,
                               got=describe(got), length=len(got))
            else:
                problem = nmsg("{where} should be {n} value (a {kind}), but it is {got}.",
                               "{where} should be {n} values (a {kind}), but it is {got}.", n,
                               where=where.subject(), kind=kind, got=describe(got))
            return mismatch(where, problem, path=path)
        for i, (e, g) in enumerate(zip(expected, got)):
            m = compare_at(e, g, rtol, atol, where.at(i), False, path + (i,))
            if m:
                return m
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return mismatch(where, msg("{where} should be a dict with keys {keys}, but it is "
                                       "{got}.", where=where.subject(), keys=sorted(expected),
                                       got=describe(got)), path=path)
        for k in expected:
            m = compare_at(expected[k], got[k], rtol, atol, where.at(k), False, path + (k,))
            if m:
                return m
        return None
    if isinstance(expected, str):
        return None if got == expected else mismatch(
            where, msg("{where} should be {value!r}.", where=where.subject(), value=expected),
            path=path)
    m = compare_arrays(np.asarray(expected), got, rtol, atol, where, scalar)
    if m:
        m.path = path
    return m


def digits(a, b):
    """Significant digits enough to tell the numbers ``a`` and ``b`` apart (6 to 17)."""
    for p in (6, 9, 12, 17):
        if f"{float(a):.{p}g}" != f"{float(b):.{p}g}":
            return p
    return 17


def at(idx, e, g):
    """'at index (0, 2): expected 0.5, got 0.25', without the index for a single number,
    with as many digits as it takes to see them differ."""
    p = digits(e[idx], g[idx])
    expected, got = f"{e[idx]:.{p}g}", f"{g[idx]:.{p}g}"
    if idx:
        return msg("at index {index}: expected {expected}, got {got}", index=idx,
                   expected=expected, got=got)
    return msg("Expected {expected}, got {got}", expected=expected, got=got)


def integers_for_floats(subject, got, values_right):
    """Why a result of whole numbers fails where floats are expected, and what helps."""
    if values_right and got.ndim == 0:
        return msg("{where} is a whole number (dtype {dtype}), but it should be a float: don't "
                   "round it or convert it with int(); return float(...).", where=subject,
                   dtype=str(got.dtype))
    if values_right:
        return msg("{where} has dtype {dtype} (whole numbers), but it should hold floats: "
                   "compute in floats, or convert the result with .astype(float).",
                   where=subject, dtype=str(got.dtype))
    return msg("It has dtype {dtype} (whole numbers), so every value was cut to an integer on "
               "the way: build the result as a float array from the start, not an integer one.",
               dtype=str(got.dtype))


def compare_arrays(expected, got, rtol, atol, where, scalar):
    subject = where.subject()
    if not isinstance(got, np.ndarray):
        return mismatch(where, msg("{where} should be {expected}, but it is {got}.",
                                   where=subject, expected=describe(expected), got=describe(got)))
    if scalar and got.shape != ():
        return mismatch(where, msg("{where} should be a single number (a float), but it is an "
                                   "array of shape {shape}. Use float(...) or .item().",
                                   where=subject, shape=got.shape))
    if got.shape != expected.shape:
        return mismatch(where, msg("{where} has shape {shape}, but it should have shape "
                                   "{expected}.", where=subject, shape=got.shape,
                                   expected=expected.shape))
    e = expected.astype(float)
    note = None
    if got.dtype.kind not in KINDS_ACCEPTED[expected.dtype.kind]:
        try:
            g = got.astype(float)
            values_right = bool(np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True).all())
        except (TypeError, ValueError):
            values_right = False
        if expected.dtype.kind == "f" and got.dtype.kind in "iu":
            said = integers_for_floats(subject, got, values_right)
            if values_right:
                return mismatch(where, said)
            note = said
        elif values_right or got.dtype.kind not in "fiub":
            kind = {"f": (msg("floats"), "float"), "b": (msg("True/False values"), "bool")}.get(
                expected.dtype.kind, (msg("whole numbers"), "int"))
            return mismatch(where, msg("{where} has dtype {dtype}, but it should hold {kind} "
                                       "(convert with .astype({type})).", where=subject,
                                       dtype=str(got.dtype), kind=kind[0], type=kind[1]))
        else:
            note = msg("It also has dtype {dtype}, where {kind} are expected.",
                       dtype=str(got.dtype),
                       kind=msg("whole numbers") if expected.dtype.kind in "iu" else msg("floats"))
    elif expected.dtype.kind == "f" and got.dtype.kind == "f" and got.dtype.itemsize < 8:
        note = msg("Your result has dtype {dtype}, which keeps about {digits} significant digits; "
                   "the checks expect float64 (about 16). Compute in float64: don't convert to "
                   "np.{dtype}.", dtype=str(got.dtype), digits={2: 3}.get(got.dtype.itemsize, 7))
    g = got.astype(float)
    bad_nan = np.isnan(g) & ~np.isnan(e)
    bad_inf = np.isinf(g) & ~np.isinf(e)
    with np.errstate(all="ignore"):
        ok = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        diff = np.where(ok, 0.0, np.abs(g - e))
    if ok.all():
        return None
    if bad_nan.any() or bad_inf.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nan | bad_inf)[0])
        what = "nan" if bad_nan.any() else "inf"
        return mismatch(where, msg("{where} contains {what} where a finite number is expected.",
                                   where=subject, what=what),
                        worst=at(idx, e, g), error=float("inf"), index=idx, note=note)
    diff = np.where(np.isnan(diff), np.inf, diff)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    note = note or close_call(e[idx], g[idx], rtol)
    if expected.ndim == 0:
        return mismatch(where, msg("{where} differs from the expected value.", where=subject),
                        worst=at((), e, g), error=float(diff[()]), note=note)
    n_bad = int((~ok).sum())
    return mismatch(where, nmsg("{where} differs from the expected values in {bad} of {n} "
                                "element.",
                                "{where} differs from the expected values in {bad} of {n} "
                                "elements.", ok.size, where=subject, bad=n_bad),
                    worst=at(idx, e, g), error=float(diff[idx]), index=idx, note=note)


def close_call(e, g, rtol):
    """A sentence (a Message) when ``g`` misses ``e`` only past 5 significant digits (where
    the two would print alike), else None."""
    if not (np.isfinite(e) and np.isfinite(g)) or e == 0:
        return None
    relative = abs(float(g) - float(e)) / abs(float(e))
    if relative >= 1e-5:
        return None
    return msg("The two agree to about {digits} significant digits, but differ by {relative:.1e} "
               "of the expected value, more than rtol={rtol:g} allows. A difference this small "
               "usually comes from float32 arithmetic somewhere (about 7 digits) or from a "
               "slightly different formula.", digits=int(-np.log10(relative)),
               relative=relative, rtol=rtol)
