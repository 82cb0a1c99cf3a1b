"""Score overrides (``grade --overrides FILE.csv``): the instructor's corrections, applied
to the gradebook after grading, shown with their reason in the notes, the JSON and the
learner's feedback.

    learner,item,points,reason
    ada,sigmoid,1,"graded by hand: the answer is right, named sigmoid_fn"
    bo,03,2.5,regraded after the appeal
    cy,+late,,"extension granted: no late penalty"

    learner   the gradebook's learner: a roster login, or the learner's folder (secA/ada)
    item      an exercise (sigmoid) or a lesson (03 or 03_forward_pass) of the assignment,
              or "late" (points left empty): no late penalty for this learner
    points    the new score of that exercise or lesson (0 to its maximum in the assignment);
              "+1" or "-0.5" changes the graded score by that much (kept within 0 and the maximum)
    reason    required: the learner reads it

Overrides of exercises or lessons outside the assignment being graded are skipped (one file
can serve every assignment); an override naming no learner of the class is reported.
"""
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import EXERCISES
from ..errors import CourseError
from .csvsafe import read_rows

LATE = "late"


class OverrideError(CourseError, ValueError):
    pass


@dataclass
class Override:
    learner: str
    item: str            # an exercise id, a lesson, or LATE
    points: str          # as written: "2", "+1", "-0.5", or "" for LATE
    reason: str
    row: int

    def new_score(self, graded, maximum):
        if self.points[:1] in "+-":
            return min(maximum, max(0, round(graded + float(self.points), 2)))
        return float(self.points)


def read(path):
    """[Override] from ``path``; OverrideError says which row is wrong and why."""
    from .assignments import lesson_or_none
    path = Path(path)
    rows = read_rows(path, "the overrides file", OverrideError)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    item_column = next((h for h in ("item", "exercise", "lesson") if h in header), None)
    if not {"learner", "points", "reason"} <= set(header) or item_column is None:
        raise OverrideError(f"{path}: the first row should be learner,item,points,reason "
                            "(see docs/instructor-guide.md, Overrides).")
    found = []
    for n, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        v = dict(zip(header, (c.strip() for c in row)))
        where = f"{path}, row {n}"
        item, points = v.get(item_column, ""), v.get("points", "").lstrip("'")
        if item.lstrip("+").lower() == LATE:
            item = LATE
        elif item in EXERCISES:
            pass
        elif lesson_or_none(item):
            item = lesson_or_none(item)
        else:
            raise OverrideError(f"{where}: {item!r} is neither an exercise nor a lesson "
                                "(write sigmoid, or 02 for a whole lesson, or late).")
        if not v.get("learner"):
            raise OverrideError(f"{where}: which learner? The learner column is empty.")
        if not v.get("reason"):
            raise OverrideError(f"{where}: give a reason; the learner reads it in the feedback.")
        if item != LATE:
            try:
                value = float(points)
            except ValueError:
                raise OverrideError(f"{where}: points = {points!r}; write a number such as 2, "
                                    "or +1 / -0.5 to change the graded score.") from None
            if value < 0 and points[:1] != "-":
                raise OverrideError(f"{where}: points = {points!r} is negative.")
        found.append(Override(v["learner"], item, points, v["reason"], n))
    return found


def apply(book, overrides, assignment, path="overrides"):
    """Applies ``overrides`` to the gradebook rows (in place); returns the overrides that
    name no learner of ``book`` (reported, not applied). Lessons keep a list ``overrides``
    of {item, graded, points, reason}; notes say what changed."""
    by_learner = {}
    for row in book:
        for name in (row["learner"], *row.get("who", {}).get("folders", [])):
            by_learner.setdefault(name.casefold(), row)
    unknown = []
    for o in overrides:
        row = by_learner.get(o.learner.casefold())
        if row is None:
            unknown.append(o)
            continue
        if o.item == LATE:
            row["late_waived"] = o.reason
            row["notes"].append(f"no late penalty: {o.reason}")
            continue
        lesson = EXERCISES[o.item].lesson if o.item in EXERCISES else o.item
        if lesson not in row["lessons"] or (o.item in EXERCISES and o.item not in assignment.points):
            continue                                    # another assignment's
        cell = row["lessons"][lesson]
        if o.item in EXERCISES:
            worth = assignment.points[o.item]
            graded = cell.setdefault("exercises", {}).get(o.item, 0)
        else:
            worth, graded = cell["max"], cell["score"]
        new = o.new_score(graded, worth)
        if not 0 <= new <= worth:
            raise OverrideError(f"{path}, row {o.row}: {o.item} is worth {worth:g} in "
                                f"{assignment.name}; {o.points} is outside 0 to {worth:g}.")
        if o.item in EXERCISES:
            cell["exercises"][o.item] = new
            cell["score"] = round(cell["score"] + new - graded, 2)
        else:
            cell["score"] = new
        cell.setdefault("overrides", []).append({"item": o.item, "graded": graded,
                                                 "points": new, "reason": o.reason})
        row["notes"].append(f"{o.item}: {graded:g} -> {new:g} by the instructor ({o.reason})")
    for row in book:
        row["total"] = round(sum(c["score"] for c in row["lessons"].values()), 2)
    return unknown
