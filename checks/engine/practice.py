"""Stored practice cases: the visible and a fixed set of randomised cases with the
reference's answers, so a learner's copy checks itself without solutions/."""
import copy
import json
from pathlib import Path

import numpy as np

from ..runtime import plain
from .exercise import Case
from .messages import from_data, to_data

FOLDER = Path(__file__).resolve().parents[1] / "practice_cases"
PRACTICE_SEED = 2024


def fill(cases, reference):
    """Sets each case's ``expected`` to the reference function's answer."""
    for case in cases:
        case.expected = plain.normalise(reference(*copy.deepcopy(case.args), **case.kwargs))
    return cases


def practice_cases(ex, reference):
    cases = fill(ex.cases(PRACTICE_SEED), reference)
    for case in cases:
        case.hidden = False           # practice cases are the learner's to see
    return cases


RTOL = 1e-12      # round-off differs in the last bits between CPUs and BLAS kernels
TINY = 1e-300     # below this, a difference is underflow noise (0 against 5e-324)


def text(ex, cases):
    data = {"exercise": ex.id, "cases": [
        {"label": to_data(c.label), "args": plain.encode(tuple(c.args)), "kwargs": plain.encode(c.kwargs),
         "expected": plain.encode(c.expected)} for c in cases]}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def write(ex, cases, folder=FOLDER):
    """Stores the cases unless the stored ones already mean the same (so a build on
    another CPU, whose round-off differs, does not rewrite them); returns the path."""
    folder.mkdir(exist_ok=True)
    path = folder / f"{ex.id}.json"
    if not path.exists() or differences(load(path), json.loads(text(ex, cases))):
        path.write_text(text(ex, cases), encoding="utf-8")
    return path


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read(exercise_id, folder=FOLDER):
    data = load(folder / f"{exercise_id}.json")
    return [Case(plain.decode(c["args"]), from_data(c["label"]), plain.decode(c["kwargs"]),
                 plain.decode(c["expected"])) for c in data["cases"]]


def differences(stored, fresh, where="cases"):
    """Where two stored-case files differ in meaning, as a list of places: the same
    labels, shapes, dtypes and exact integers, floats within a relative ``RTOL``."""
    if isinstance(stored, dict) and "nd" in stored:
        return [] if isinstance(fresh, dict) and "nd" in fresh and within_round_off(
            plain.decode(stored), plain.decode(fresh)) else [where]
    if isinstance(stored, dict) and isinstance(fresh, dict):
        if stored.keys() != fresh.keys():
            return [where]
        return [d for k in stored for d in differences(stored[k], fresh[k], f"{where}.{k}")]
    if isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            return [where]
        return [d for i, (a, b) in enumerate(zip(stored, fresh))
                for d in differences(a, b, f"{where}[{i}]")]
    if isinstance(stored, float) and isinstance(fresh, float):
        return [] if within_round_off(np.array(stored), np.array(fresh)) else [where]
    return [] if type(stored) is type(fresh) and stored == fresh else [where]


def within_round_off(a, b):
    """Same shape and dtype; equal integers and booleans; floats within RTOL of the
    array's largest magnitude (so a value that cancels to ~0 is not held to 1e-12 of itself)
    or within TINY."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind != "f":
        return bool(np.array_equal(a, b))
    finite = np.isfinite(a)
    if not np.array_equal(finite, np.isfinite(b)) or not np.array_equal(a[~finite], b[~finite],
                                                                        equal_nan=True):
        return False
    scale = np.max(np.abs(a[finite]), initial=0.0)
    return bool(np.all(np.abs(a[finite] - b[finite]) <= RTOL * np.maximum(np.abs(a[finite]), scale) + TINY))
