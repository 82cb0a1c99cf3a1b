"""Points per exercise, set in one place: ``grading.toml`` at the course's root.

    [points]
    backward = 3        # every exercise not listed is worth 1 point
"""
import difflib

try:
    import tomllib
except ModuleNotFoundError:     # Python 3.10
    import tomli as tomllib
from pathlib import Path

from ..catalogue import EXERCISES
from ..engine.source import ROOT
from ..errors import CourseError

FILE = ROOT / "grading.toml"


class PointsError(CourseError, ValueError):
    pass


def refuse_unknown_keys(table, keys, where, error=PointsError):
    """Raises ``error`` naming the keys of ``table`` (a grading.toml table at ``where``)
    that are not among ``keys``, and the keys that are."""
    unknown = set(table) - set(keys)
    if unknown:
        raise error(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                    f"the keys are {', '.join(sorted(keys))}.")


def read_table(path=None):
    """The whole of ``grading.toml`` as a dict ({} when there is no such file)."""
    path = Path(path or FILE)
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PointsError(f"{path} is not valid TOML ({e}). Fix that line.") from None


def load(path=None):
    """{exercise id: points} for every exercise; PointsError says what to fix."""
    path = Path(path or FILE)
    table = read_table(path).get("points", {})
    if not isinstance(table, dict):
        raise PointsError(f"{path}: `points` should be a table, `[points]`, of "
                          "exercise = number lines.")
    for name, value in table.items():
        if name not in EXERCISES:
            close = difflib.get_close_matches(name, EXERCISES, n=1)
            raise PointsError(f"{path} gives points to {name!r}, which is not an exercise"
                              + (f" (did you mean {close[0]!r}?)" if close else "")
                              + f". The exercises are: {', '.join(EXERCISES)}.")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise PointsError(f"{path}: {name} = {value!r}; points must be a number >= 0.")
    return {i: table.get(i, ex.points) for i, ex in EXERCISES.items()}
