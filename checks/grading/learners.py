"""The class as learners, not notebooks: who a notebook belongs to, which attempt counts,
and the per-learner gradebook (one row per learner, one column per lesson, a total).

    a learner      the submission folder, named by its path relative to the folder given
                   (class/secA/ada/01_weighted_sum.ipynb -> "secA/ada"); a folder named
                   after a lesson or an assignment (nbgrader's submitted/ada/week1/) is
                   not a learner, so it is skipped. A notebook given as a file, or lying
                   in the folder given, belongs to that folder ("ada" for ada/01_*.ipynb),
                   unless its name is not a lesson's (class/ada.ipynb is "ada"). A file
                   from Canvas's submissions download (ada_123_456_01_x.ipynb) is "ada_123".
    lesson 00      is never graded.
    duplicates     a learner with two notebooks of one lesson: the attempt with more
                   points counts (then the one without an error, then the first by
                   path), in every output: gradebook, feedback, progress, Gradescope.
    not submitted  a lesson without a notebook: 0 of its maximum, "not submitted";
    unreadable     a notebook that could not be read: 0 of its maximum, with the reason.
"""
import re
from pathlib import Path

from .csvsafe import rows_to_csv
from ..catalogue import EXERCISES, lessons
from ..engine.source import WORKSHOP

INTRO = "00_"
# Canvas's "Download Submissions" zip: login[_LATE]_userid_submissionid_original-name
CANVAS_FILE = re.compile(r"^(?P<login>[^_/]+?)(?P<late>_LATE)?_(?P<id>\d+)_\d+_(?P<name>.+)$")
GRADED, UNREADABLE, NOT_SUBMITTED = "graded", "unreadable", "not submitted"


def lesson_by_name(path):
    """The lesson a file or folder is named after ("01_weighted_sum.ipynb", "01_x"), or None."""
    name = Path(path).name
    canvas = CANVAS_FILE.match(name)
    name = canvas["name"] if canvas else name
    for lesson in lessons():
        if name.startswith(lesson[:3]):
            return lesson
    return None


def is_intro(path):
    return Path(path).name.startswith(INTRO)


def is_workshop(path):
    """A workshop notebook (no exercises): never graded; status goes by lesson and skips it."""
    return Path(path).name in WORKSHOP


def folder_name(path):
    resolved = Path(path).resolve()
    return resolved.name or "learner"


def learner_of(given, notebook, skip_folders=()):
    """The learner ``notebook`` (found under ``given``, a file or a folder) belongs to."""
    given, notebook = Path(given), Path(notebook)
    canvas = CANVAS_FILE.match(notebook.name)
    if canvas and notebook.parent == given:
        return f"{canvas['login']}_{canvas['id']}"
    if given == notebook or not given.is_dir():
        return folder_name(notebook.parent) if lesson_by_name(notebook) else notebook.stem
    parts = list(notebook.relative_to(given).parts[:-1])
    while parts and (lesson_by_name(parts[-1]) or parts[-1] in skip_folders):
        parts.pop()
    if parts:
        return "/".join(parts)
    return folder_name(given) if lesson_by_name(notebook) else notebook.stem


def status_of(r):
    return UNREADABLE if r.get("error") and not r.get("exercises") else GRADED


def lesson_of_result(r):
    """The result's lesson; for results without one, the lesson of its first exercise."""
    if r.get("lesson"):
        return r["lesson"]
    first = next(iter(r.get("exercises") or {}), None)
    return EXERCISES[first].lesson if first in EXERCISES else None


def order(r):
    """Best attempt first: more points, then readable, then no error, then by path."""
    return (-r.get("score", 0), status_of(r) != GRADED, bool(r.get("error")), str(r["path"]))


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


def gradebook(results, assignment, everyone=()):
    """One dict per learner: their lessons (score, max, status, note), total and maximum.
    ``everyone``: learners to list even without a notebook of the assignment (0, "not
    submitted"), e.g. all the learners found in the class folder."""
    rows = []
    found_by_learner = attempts(results)
    for learner in everyone:
        found_by_learner.setdefault(learner, {})
    for learner, by_lesson in sorted(found_by_learner.items()):
        cells, notes = {}, []
        for lesson in assignment.lessons:
            worth = assignment.lesson_maximum(lesson)
            found = by_lesson.get(lesson, [])
            if not found:
                cells[lesson] = {"score": 0, "max": worth, "status": NOT_SUBMITTED, "path": None}
                notes.append(f"{lesson}: not submitted")
                continue
            best = found[0]
            status = status_of(best)
            cells[lesson] = {"score": best["score"], "max": worth, "status": status,
                             "path": best["path"]}
            if status == UNREADABLE:
                notes.append(f"{lesson}: unreadable ({best['error']})")
            if len(found) > 1:
                notes.append(f"{lesson}: {len(found)} notebooks, the best counts "
                             f"({Path(best['path']).name})")
        for r in by_lesson.get(None, []):
            notes.append(f"{Path(r['path']).name}: not graded ({r.get('error') or 'no lesson'})")
        total = round(sum(c["score"] for c in cells.values()), 2)
        rows.append({"learner": learner, "lessons": cells, "total": total,
                     "max": assignment.maximum, "notes": notes})
    return rows


def to_csv(book, assignment):
    """learner, one column per lesson, total, max, notes (formula-safe)."""
    header = ["learner", *assignment.lessons, "total", "max", "notes"]
    rows = [header]
    for row in book:
        rows.append([row["learner"], *[row["lessons"][lesson]["score"] for lesson in
                                       assignment.lessons], row["total"], row["max"],
                     "; ".join(row["notes"])])
    return rows_to_csv(rows)


def slug(learner):
    """A file name for ``learner``, unique per learner: secA/ada and secB/ada differ,
    and so do "a da" and "a_da" (a lossy name gets a short hash of the real one)."""
    import hashlib
    base = re.sub(r"[^\w.-]+", "_", learner).strip("._")[:80] or "learner"
    if base == learner:
        return base
    return f"{base}-{hashlib.sha256(learner.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
