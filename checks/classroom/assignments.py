"""Assignments: named sets of lessons or exercises with their points, from ``grading.toml``.

    [assignments.week1]
    lessons = ["01", "02_activations"]      # by number or name: every exercise of the lesson
    exercises = ["init_params"]             # and/or single exercises
    partial_credit = false                  # true: an exercise earns the share of cases it passes
    due = 2026-03-01T23:59:00+08:00         # optional: late work (checks/classroom/late.py)
    gradescope_visibility = "visible"       # or after_due_date, after_published, hidden
    [assignments.week1.points]              # optional: overrides [points] in this assignment
    sigmoid = 2

An assignment not defined but named like a lesson (``02`` or ``02_activations``) is
that lesson alone, with the points of ``[points]``. Without ``--assignment`` the whole
course is graded, as the assignment ``course``,
with the points of ``[points]`` and no partial credit. ``apply`` turns the grader's
per-notebook results (always graded on every exercise of the lesson, so stored
results serve every assignment) into the assignment's: its exercises only, its points.
"""
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import EXERCISES, lessons
from ..engine.source import lesson_named
from ..engine.verdicts import FAILED
from ..errors import did_you_mean
from ..grading import points as points_config
from ..grading.points import (
    PointsError,
    graded_lesson,
    read_table,
    refuse_bad_points,
    refuse_unknown_keys,
)

COURSE = "course"
KEYS = {"lessons", "exercises", "partial_credit", "points", "due", "late",
        "gradescope_visibility"}
VISIBILITY = ("visible", "after_due_date", "after_published", "hidden")


class AssignmentError(PointsError):
    pass


@dataclass
class Assignment:
    name: str
    points: dict                             # {exercise id: points}, in course order
    partial_credit: bool = False
    lessons: list = field(default_factory=list)
    late: object = None                      # late.Policy, or None: no due date
    visibility: str = "visible"              # Gradescope's, for every test


    @property
    def maximum(self):
        return sum(self.points.values())

    def lesson_maximum(self, lesson):
        return sum(p for i, p in self.points.items() if EXERCISES[i].lesson == lesson)


def whole_course(points=None, late=None):
    points = points or points_config.load()
    return Assignment(COURSE, dict(points), False, list(lessons()), late)


def course_policy(table, path):
    """The whole course's late rule: a top-level ``due`` with [late], else None."""
    from . import late
    return late.policy(table.get("due"), table.get("late"), str(path))


def names(path=None):
    return list(read_table(path).get("assignments", {}) or {})


def lesson_or_none(value):
    """The graded lesson ``value`` names (01, 1 or 01_weighted_sum), or None."""
    return lesson_named(value, lessons())


def load(name, path=None):
    """The assignment ``name`` of ``grading.toml``; AssignmentError says what to fix."""
    path = Path(path or points_config.FILE)
    table = read_table(path)
    base = points_config.load(path)
    if name == COURSE and COURSE not in (table.get("assignments") or {}):
        return whole_course(base, course_policy(table, path))
    found = table.get("assignments") or {}
    if isinstance(found, dict) and name not in found and lesson_or_none(name):
        lesson = lesson_or_none(name)                     # --assignment 02: that lesson alone
        return Assignment(lesson, {i: base[i] for i in lessons()[lesson]}, False, [lesson],
                          course_policy(table, path))
    if not isinstance(found, dict) or name not in found:
        known = ", ".join(found) if isinstance(found, dict) and found else "none yet"
        raise AssignmentError(f"{path} has no assignment {name!r} (assignments: {known}). Add "
                              f"a table [assignments.{name}] with lessons = [...]; see "
                              "docs/instructor-guide.md, section Grading.")
    spec, where = found[name], f"{path}, [assignments.{name}]"
    if not isinstance(spec, dict):
        raise AssignmentError(f"{where} should be a table with lessons = [...] or exercises = [...].")
    refuse_unknown_keys(spec, KEYS, where, AssignmentError)
    chosen = set()
    for key in ("lessons", "exercises"):
        if not isinstance(spec.get(key, []), list):
            raise AssignmentError(f"{where}: {key} should be a list, e.g. {key} = [...].")
    for value in spec.get("lessons", []):
        chosen.update(lessons()[graded_lesson(value, where, AssignmentError)])
    for value in spec.get("exercises", []):
        if value not in EXERCISES:
            raise AssignmentError(f"{where}: {value!r} is not an exercise"
                                  f"{did_you_mean(value, EXERCISES)}.")
        chosen.add(value)
    if not chosen:
        raise AssignmentError(f"{where} covers no exercise: give lessons = [...] or exercises = [...].")
    own = spec.get("points", {})
    if not isinstance(own, dict):
        raise AssignmentError(f"{where}: points should be a table [assignments.{name}.points].")
    for ex_id, value in own.items():
        if ex_id not in chosen:
            raise AssignmentError(f"{where} gives points to {ex_id!r}, which is not part of it.")
        refuse_bad_points(ex_id, value, where, AssignmentError)
    partial = spec.get("partial_credit", False)
    if not isinstance(partial, bool):
        raise AssignmentError(f"{where}: partial_credit should be true or false.")
    visibility = spec.get("gradescope_visibility", "visible")
    if visibility not in VISIBILITY:
        raise AssignmentError(f"{where}: gradescope_visibility = {visibility!r}; write one of "
                              f"{', '.join(VISIBILITY)}.")
    from . import late
    policy = late.policy(spec.get("due"), spec.get("late", table.get("late")), where)
    ordered = [i for i in EXERCISES if i in chosen]
    return Assignment(name, {i: own.get(i, base[i]) for i in ordered}, partial,
                      list(dict.fromkeys(EXERCISES[i].lesson for i in ordered)), policy,
                      visibility)


def earned(e, worth, partial):
    """Points for one exercise result: all or nothing, or the share of cases passed."""
    if e.get("passed"):
        return worth
    cases, right = e.get("cases") or 0, e.get("passed_cases") or 0
    if partial and e.get("status") == FAILED and cases:
        return round(worth * min(right, cases) / cases, 2)
    return 0


def apply(results, assignment):
    """(results restricted to ``assignment``, results of lessons outside it).

    A notebook whose lesson is unknown (unreadable and not named after a lesson)
    stays, with no exercise; one of another lesson is set aside."""
    kept, ignored = [], []
    for r in results:
        lesson = r.get("lesson")
        if lesson is not None and lesson not in assignment.lessons:
            ignored.append(r)
            continue
        exercises = {}
        for ex_id, e in r["exercises"].items():
            if ex_id in assignment.points:
                worth = assignment.points[ex_id]
                exercises[ex_id] = {**e, "max_points": worth,
                                    "points": earned(e, worth, assignment.partial_credit)}
        kept.append({**r, "exercises": exercises,
                     "score": round(sum(e["points"] for e in exercises.values()), 2),
                     "max_score": (assignment.lesson_maximum(lesson) if lesson
                                   else sum(e["max_points"] for e in exercises.values()))})
    return kept, ignored
