"""``python -m checks grade``'s outputs, all from the same results, the same assignment and
the same best attempts: the per-notebook JSON and CSV, the per-learner gradebook, the
Canvas and Moodle imports, feedback files and Gradescope's results.json.

    grade (per notebook) --assignments.apply--> learners.gradebook --> files
"""
import json
import sys
from pathlib import Path

from . import lms
from .csvsafe import rows_to_csv
from .gradebook import write_atomic
from .learners import NOT_SUBMITTED, UNREADABLE, gradebook, to_csv as gradebook_csv


def notebooks_csv(results):
    """One row per notebook: learner, lesson, path, score, max, each exercise's points, error."""
    ids = list(dict.fromkeys(i for r in results for i in r["exercises"]))
    rows = [["student", "lesson", "path", "score", "max_score", *ids, "error"]]
    for r in results:
        rows.append([r["student"], r.get("lesson") or "", shown(r["path"]), r["score"],
                     r["max_score"],
                     *["" if r["exercises"].get(i) is None else r["exercises"][i]["points"]
                       for i in ids], r["error"] or ""])
    return rows_to_csv(rows)


def shown(path):
    """``path`` relative to the current folder when it is inside it (no home folders in
    a spreadsheet you share), else as given."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def to_json(results, book, assignment, ignored=(), isolation=None):
    head = {"isolation": isolation} if isolation is not None else {}
    return json.dumps({**head, "assignment": {"name": assignment.name, "points": assignment.points,
                                      "partial_credit": assignment.partial_credit,
                                      "maximum": assignment.maximum},
                       "learners": book, "submissions": results,
                       "ignored": [r["path"] for r in ignored]}, indent=1) + "\n"


def learner_summary(book):
    """'41 learners: mean total 20.3 of 29 (70%); 3 with an unreadable notebook; ...'."""
    if not book:
        return "No learners."
    n, best = len(book), book[0]["max"]
    mean = sum(row["total"] for row in book) / n
    unreadable = sum(any(c["status"] == UNREADABLE for c in row["lessons"].values()) for row in book)
    missing = sum(any(c["status"] == NOT_SUBMITTED for c in row["lessons"].values()) for row in book)
    return (f"{n} learner{'s' * (n != 1)}: mean total {mean:.3g} of {best:g}"
            + (f" ({100 * mean / best:.0f}%)" if best else "")
            + f"; {unreadable} with an unreadable notebook; {missing} with a lesson not submitted.")


def write_outputs(results, args, assignment, ignored, seconds, echo=print, everyone=(),
                  isolation=None):
    """Writes every output the command line asked for; returns the gradebook rows.
    ``everyone``: every learner found, listed even with nothing in this assignment."""
    book = gradebook(results, assignment, everyone)
    if getattr(args, "json", None):
        write_atomic(args.json, to_json(results, book, assignment, ignored, isolation))
    if getattr(args, "csv", None):
        write_atomic(args.csv, notebooks_csv(results))
    if getattr(args, "gradebook", None):
        write_atomic(args.gradebook, gradebook_csv(book, assignment))
    if getattr(args, "canvas", None):
        write_atomic(args.canvas, lms.canvas(book, assignment))
    if getattr(args, "moodle", None):
        write_atomic(args.moodle, lms.moodle(book, assignment))
    if getattr(args, "canvas", None) or getattr(args, "moodle", None):
        for login, learners in lms.shared_logins(book).items():
            print(f"Warning: {' and '.join(learners)} share the login {login!r}: the LMS "
                  "would give both rows to one person. Rename their folders to their logins.",
                  file=sys.stderr)
    if getattr(args, "feedback", None):
        from ..classroom.feedback import write_feedback
        written = write_feedback(results, args.feedback, assignment, getattr(args, "lang", "en"))
        echo(f"wrote {len(written)} feedback files to {args.feedback} "
             f"(learners.csv there says whose is which)")
    if getattr(args, "gradescope", None):
        from ..classroom.gradescope_results import write_results
        write_results(results, args.gradescope, seconds, assignment, ignored)
    if ignored:
        print(f"{len(ignored)} notebook(s) outside the assignment {assignment.name!r} were "
              "not counted: " + ", ".join(r["path"] for r in ignored[:5])
              + (" ..." if len(ignored) > 5 else ""), file=sys.stderr)
    if book:
        echo(learner_summary(book))
    return book
