"""Points per exercise, set in one place: ``grading.toml`` at the course's root.

    [points]
    backward = 3        # every exercise not listed is worth 1 point
"""
try:
    import tomllib
except ModuleNotFoundError:     # Python 3.10
    import tomli as tomllib
from pathlib import Path

from ..catalogue import EXERCISES, lessons
from ..engine.source import ROOT, lesson_named
from ..errors import CourseError, did_you_mean

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
            raise PointsError(f"{path} gives points to {name!r}, which is not an exercise"
                              f"{did_you_mean(name, EXERCISES)}. The exercises are: "
                              f"{', '.join(EXERCISES)}.")
        refuse_bad_points(name, value, path)
    return {i: table.get(i, ex.points) for i, ex in EXERCISES.items()}


def refuse_bad_points(name, value, where, error=PointsError):
    """Raises ``error`` unless ``value``, the points of exercise ``name``, is a number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise error(f"{where}: {name} = {value!r}; points must be a number >= 0.")


def graded_lesson(value, where, error=PointsError):
    """The graded lesson ``value`` names (01, 1 or 01_weighted_sum), for grading.toml and the
    files beside it; ``error`` says what to write when it names none."""
    found = lesson_named(value, lessons())
    if found is None:
        raise error(f"{where}: {value!r} is not a graded lesson. The lessons are: "
                    f"{', '.join(lessons())} (write 01 or 01_weighted_sum).")
    return found
