"""The per-learner gradebook: one row per learner, one column per lesson, a total.

    duplicates     a learner with two notebooks of one lesson: the attempt with more
                   points counts (then the one without an error, then the first by
                   path), in every output: gradebook, feedback, progress, Gradescope.
    not submitted  a lesson without a notebook: 0 of its maximum, "not submitted";
    unreadable     a notebook that could not be read: 0 of its maximum, with the reason.

Who a notebook belongs to is decided when submissions are found
(checks/grading/submissions.py).
"""
import re
from pathlib import Path

from ..catalogue import EXERCISES
from ..engine.messages import Message
from .csvsafe import rows_to_csv

GRADED, UNREADABLE, NOT_SUBMITTED = "graded", "unreadable", "not submitted"


def notebook_status(r):
    """A notebook's result as the gradebook counts it: UNREADABLE (an error and no exercise
    graded) or GRADED."""
    return UNREADABLE if r.get("error") and not r.get("exercises") else GRADED


def lesson_of_result(r):
    """The result's lesson; for results without one, the lesson of its first exercise."""
    if r.get("lesson"):
        return r["lesson"]
    first = next(iter(r.get("exercises") or {}), None)
    return EXERCISES[first].lesson if first in EXERCISES else None


def order(r):
    """Best attempt first: more points, then readable, then no error, then by path."""
    return (-r.get("score", 0), notebook_status(r) != GRADED, bool(r.get("error")), str(r["path"]))


def attempts(results):
    """{learner: {lesson or None: [results, best first]}}, learners in order first seen."""
    out = {}
    for r in results:
        out.setdefault(r["student"], {}).setdefault(lesson_of_result(r), []).append(r)
    for by_lesson in out.values():
        for found in by_lesson.values():
            found.sort(key=order)
    return out


def best_attempts(results):
    """Only the attempts that count: one result per learner and lesson (results of an
    unknown lesson, which earn nothing, are all kept so their reasons are reported)."""
    keep = []
    for by_lesson in attempts(results).values():
        for lesson, found in by_lesson.items():
            keep += found if lesson is None else found[:1]
    return keep


def gradebook(results, assignment, everyone=(), not_graded=None):
    """One dict per learner: their lessons (score, max, status, path, exercises: {id:
    points}, note), total and maximum. ``everyone``: learners to list even without a
    notebook of the assignment (0, "not submitted"): names, or {name: who} where ``who``
    (roster.class_list) says who they are for the LMS files. ``not_graded``: {learner:
    [(path, reason)]}, files that look like notebooks but were not graded."""
    rows = []
    found_by_learner = attempts(results)
    who = everyone if isinstance(everyone, dict) else {}
    for learner in everyone:
        found_by_learner.setdefault(learner, {})
    for learner in (not_graded or {}):
        found_by_learner.setdefault(learner, {})
    for learner, by_lesson in sorted(found_by_learner.items()):
        cells, notes, skipped = {}, [], []
        for lesson in assignment.lessons:
            worth = assignment.lesson_maximum(lesson)
            found = by_lesson.get(lesson, [])
            if not found:
                cells[lesson] = {"score": 0, "max": worth, "status": NOT_SUBMITTED, "path": None,
                                 "exercises": {}}
                notes.append(f"{lesson}: not submitted")
                continue
            best = found[0]
            status = notebook_status(best)
            cells[lesson] = {"score": best["score"], "max": worth, "status": status,
                             "path": best["path"],
                             "exercises": {i: e["points"] for i, e in best["exercises"].items()}}
            if status == UNREADABLE:
                notes.append(f"{lesson}: unreadable ({best['error']})")
            if len(found) > 1:
                notes.append(f"{lesson}: {len(found)} notebooks, the best counts "
                             f"({Path(best['path']).name})")
        for r in by_lesson.get(None, []):
            skipped.append({"path": r["path"], "reason": r.get("error") or "no lesson"})
        for path, reason in (not_graded or {}).get(learner, []):
            skipped.append({"path": str(path), "reason": str(reason),
                            **({"why": reason.data()} if isinstance(reason, Message) else {})})
        for s in skipped:
            notes.append(f"{Path(s['path']).name}: not graded, because {s['reason']}")
        total = round(sum(c["score"] for c in cells.values()), 2)
        row = {"learner": learner, "lessons": cells, "total": total,
               "max": assignment.maximum, "notes": notes, "not_graded": skipped}
        if learner in who:
            row["who"] = who[learner]
        rows.append(row)
    return rows


def section(learner):
    """secA for secA/ada: a class folder with one subfolder per section."""
    return learner.rsplit("/", 1)[0] if "/" in learner else ""


def to_csv(book, assignment, roster=False):
    """learner, one column per lesson, total, max, notes (formula-safe); with a roster,
    name, email and section after the learner."""
    extra = ["name", "email", "section"] if roster else []
    header = ["learner", *extra, *assignment.lessons, "total", "max", "notes"]
    rows = [header]
    for row in book:
        who = row.get("who", {})
        rows.append([row["learner"], *[who.get(k, "") for k in extra],
                     *[row["lessons"][lesson]["score"] for lesson in assignment.lessons],
                     row["total"], row["max"], "; ".join(row["notes"])])
    return rows_to_csv(rows)


def slug(learner):
    """A file name for ``learner``, unique per learner: secA/ada and secB/ada differ,
    and so do "a da" and "a_da" (a lossy name gets a short hash of the real one)."""
    import hashlib
    base = re.sub(r"[^\w.-]+", "_", learner).strip("._")[:80] or "learner"
    if base == learner:
        return base
    return f"{base}-{hashlib.sha256(learner.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
