"""Compares a learner's (plain) result with the expected one and says how they differ."""
from dataclasses import dataclass
from typing import Optional

import numpy as np


@dataclass
class Mismatch:
    where: str                   # "the result", "dW", "cache[1][0]" ...
    problem: str                 # one sentence
    worst: Optional[str] = None  # "at index (0, 2): expected 0.5, got 0.25"
    error: float = 0.0           # largest absolute difference, when values differ
    path: tuple = ()             # indexes from the whole result down to ``where``
    index: tuple = ()            # the worst element's index in ``where`` (() for a number)
    note: str = ""               # why numbers that look alike differ (dtype, digits), if known

    def __str__(self):
        if not self.worst:
            text = self.problem
        elif self.index:
            text = f"{self.problem} Worst element {self.worst}."
        else:
            text = f"{self.problem} {self.worst[0].upper()}{self.worst[1:]}."
        return f"{text} {self.note}" if self.note else text


def describe(x):
    if x is None:
        return "None (did you forget to `return`?)"
    if isinstance(x, np.ndarray):
        return "a number" if x.ndim == 0 else f"an array of shape {x.shape}"
    return {list: "a list", tuple: "a tuple", dict: "a dict", str: "a string"}.get(
        type(x), f"a {type(x).__name__}")


KINDS_ACCEPTED = {"f": "f", "i": "iu", "u": "iu", "b": "b"}


def compare(expected, got, rtol, atol, where="the result", scalar=False, path=()):
    """None when ``got`` matches ``expected`` within tolerance, else the first Mismatch."""
    return compare_at(expected, got, rtol, atol, where, scalar, path)


def compare_at(expected, got, rtol, atol, where, scalar, path):
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            n = len(expected)
            return Mismatch(where, f"{where} should be {n} value{'s' * (n != 1)} "
                                   f"(a {type(expected).__name__}), but it is {describe(got)}"
                                   + (f" of length {len(got)}" if isinstance(got, (list, tuple)) else "")
                                   + ".", path=path)
        for i, (e, g) in enumerate(zip(expected, got)):
            m = compare_at(e, g, rtol, atol, f"{where}[{i}]", False, path + (i,))
            if m:
                return m
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return Mismatch(where, f"{where} should be a dict with keys {sorted(expected)}, "
                                   f"but it is {describe(got)}.", path=path)
        for k in expected:
            m = compare_at(expected[k], got[k], rtol, atol, f"{where}[{k!r}]", False, path + (k,))
            if m:
                return m
        return None
    if isinstance(expected, str):
        return None if got == expected else Mismatch(where, f"{where} should be {expected!r}.",
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
    where = f"at index {idx}: " if idx else ""
    p = digits(e[idx], g[idx])
    return f"{where}expected {e[idx]:.{p}g}, got {g[idx]:.{p}g}"


def integers_for_floats(where, got, values_right):
    """Why a result of whole numbers fails where floats are expected, and what helps."""
    if values_right and got.ndim == 0:
        return (f"{where} is a whole number (dtype {got.dtype}), but it should be a float: "
                "don't round it or convert it with int(); return float(...).")
    if values_right:
        return (f"{where} has dtype {got.dtype} (whole numbers), but it should hold floats: "
                "compute in floats, or convert the result with .astype(float).")
    return (f"It has dtype {got.dtype} (whole numbers), so every value was cut to an integer "
            "on the way: build the result as a float array from the start, not an integer one.")


def compare_arrays(expected, got, rtol, atol, where, scalar):
    if not isinstance(got, np.ndarray):
        return Mismatch(where, f"{where} should be {describe(expected)}, but it is {describe(got)}.")
    if scalar and got.shape != ():
        return Mismatch(where, f"{where} should be a single number (a float), but it is "
                               f"an array of shape {got.shape}. Use float(...) or .item().")
    if got.shape != expected.shape:
        return Mismatch(where, f"{where} has shape {got.shape}, but it should have shape "
                               f"{expected.shape}.")
    e = expected.astype(float)
    note = ""
    if got.dtype.kind not in KINDS_ACCEPTED[expected.dtype.kind]:
        try:
            g = got.astype(float)
            values_right = bool(np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True).all())
        except (TypeError, ValueError):
            values_right = False
        if expected.dtype.kind == "f" and got.dtype.kind in "iu":
            said = integers_for_floats(where, got, values_right)
            if values_right:
                return Mismatch(where, said)
            note = said
        elif values_right or got.dtype.kind not in "fiub":
            kind = {"f": ("floats", "float"), "b": ("True/False values", "bool")}.get(
                expected.dtype.kind, ("whole numbers", "int"))
            return Mismatch(where, f"{where} has dtype {got.dtype}, but it should hold "
                                   f"{kind[0]} (convert with .astype({kind[1]})).")
        else:
            note = (f"It also has dtype {got.dtype}, where "
                    f"{'whole numbers' if expected.dtype.kind in 'iu' else 'floats'} "
                    "are expected.")
    elif expected.dtype.kind == "f" and got.dtype.kind == "f" and got.dtype.itemsize < 8:
        note = (f"Your result has dtype {got.dtype}, which keeps about "
                f"{ {2: 3}.get(got.dtype.itemsize, 7)} significant digits; the checks expect "
                "float64 (about 16). Compute in float64: don't convert to "
                f"np.{got.dtype}.")
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
        return Mismatch(where, f"{where} contains {what} where a finite number is expected.",
                        worst=at(idx, e, g), error=float("inf"), index=idx, note=note)
    diff = np.where(np.isnan(diff), np.inf, diff)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    note = note or close_call(e[idx], g[idx], rtol)
    if expected.ndim == 0:
        return Mismatch(where, f"{where} differs from the expected value.",
                        worst=at((), e, g), error=float(diff[()]), note=note)
    n_bad = int((~ok).sum())
    return Mismatch(where, f"{where} differs from the expected values in {n_bad} of "
                           f"{ok.size} element{'s' * (ok.size != 1)}.",
                    worst=at(idx, e, g), error=float(diff[idx]), index=idx, note=note)


def close_call(e, g, rtol):
    """A sentence when ``g`` misses ``e`` only past 5 significant digits (where the two
    would print alike), else ""."""
    if not (np.isfinite(e) and np.isfinite(g)) or e == 0:
        return ""
    relative = abs(float(g) - float(e)) / abs(float(e))
    if relative >= 1e-5:
        return ""
    return (f"The two agree to about {int(-np.log10(relative))} significant digits, but differ by "
            f"{relative:.1e} of the expected value, more than rtol={rtol:g} allows. A "
            "difference this small usually comes from float32 arithmetic somewhere (about 7 "
            "digits) or from a slightly different formula.")
