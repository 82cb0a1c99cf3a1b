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

    def __str__(self):
        if not self.worst:
            return self.problem
        if self.index:
            return f"{self.problem} Worst element {self.worst}."
        return f"{self.problem} {self.worst[0].upper()}{self.worst[1:]}."


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


def at(idx, e, g):
    """'at index (0, 2): expected 0.5, got 0.25', without the index for a single number."""
    where = f"at index {idx}: " if idx else ""
    return f"{where}expected {e[idx]:.6g}, got {g[idx]:.6g}"


def compare_arrays(expected, got, rtol, atol, where, scalar):
    if not isinstance(got, np.ndarray):
        return Mismatch(where, f"{where} should be {describe(expected)}, but it is {describe(got)}.")
    if scalar and got.shape != ():
        return Mismatch(where, f"{where} should be a single number (a float), but it is "
                               f"an array of shape {got.shape}. Use float(...) or .item().")
    if got.shape != expected.shape:
        return Mismatch(where, f"{where} has shape {got.shape}, but it should have shape "
                               f"{expected.shape}.")
    if got.dtype.kind not in KINDS_ACCEPTED[expected.dtype.kind]:
        kind = {"f": ("floats", "float"), "b": ("True/False values", "bool")}.get(
            expected.dtype.kind, ("whole numbers", "int"))
        return Mismatch(where, f"{where} has dtype {got.dtype}, but it should hold {kind[0]} "
                               f"(convert with .astype({kind[1]})).")
    e, g = expected.astype(float), got.astype(float)
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
                        worst=at(idx, e, g), error=float("inf"), index=idx)
    diff = np.where(np.isnan(diff), np.inf, diff)
    if expected.ndim == 0:
        return Mismatch(where, f"{where} differs from the expected value.",
                        worst=at((), e, g), error=float(diff[()]))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    idx = tuple(int(i) for i in idx)
    n_bad = int((~ok).sum())
    return Mismatch(where, f"{where} differs from the expected values in {n_bad} of "
                           f"{ok.size} element{'s' * (ok.size != 1)}.",
                    worst=at(idx, e, g), error=float(diff[idx]), index=idx)
