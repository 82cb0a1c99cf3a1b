"""``python -m checks grade``'s outputs, all from the same results, the same assignment and
the same best attempts: the per-notebook JSON and CSV, the per-learner gradebook, the
Canvas and Moodle imports, feedback files and Gradescope's results.json.

    grade (per notebook) --assignments.apply--> learners.gradebook --> files
"""
import json
import sys
from pathlib import Path

from ..grading.store import write_atomic
from . import lms
from .csvsafe import rows_to_csv
from .gradebook import NOT_SUBMITTED, UNREADABLE, gradebook, to_csv as gradebook_csv


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


def to_json(results, book, assignment, ignored=(), isolation=None, extra=None):
    head = {"isolation": isolation} if isolation is not None else {}
    late = assignment.late
    return json.dumps({**head, "assignment": {"name": assignment.name, "points": assignment.points,
                                      "partial_credit": assignment.partial_credit,
                                      "maximum": assignment.maximum,
                                      "due": late.due.isoformat() if late else None},
                       "learners": book, "submissions": results,
                       "ignored": [r["path"] for r in ignored], **(extra or {})},
                      indent=1, default=str) + "\n"


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


def csv_text(text, excel=False):
    """CSV as written: with a byte order mark for Excel (``--excel``), which otherwise
    reads UTF-8 as the Windows code page (Zoë as ZoÃ«)."""
    return "\ufeff" + text if excel else text


def write_outputs(results, args, assignment, ignored, seconds, echo=print, everyone=(),
                  isolation=None, classes=None, found=None, overrides=(), times=None):
    """Writes every output the command line asked for; returns the gradebook rows.
    ``everyone``: every learner found, listed even with nothing in this assignment;
    ``classes`` (roster.class_list) replaces it: who is in the gradebook and who they are;
    ``found``: learners.discover's (for the files not graded); ``overrides``: overrides.read's;
    ``times``: late.Times, when each notebook was handed in."""
    from . import late, overrides as fixes
    from .roster import renamed
    not_graded = {}
    if classes is not None:
        results, ignored = renamed(results, classes), renamed(ignored, classes)
        everyone = classes.who
        for learner, path, why in (found.not_graded if found else []):
            if learner in classes.rename:
                not_graded.setdefault(classes.rename[learner], []).append((shown(path), why))
    book = gradebook(results, assignment, everyone, not_graded)
    unknown = fixes.apply(book, overrides, assignment, getattr(args, "overrides", None))
    late.apply(book, assignment.late, times or late.Times())
    excel = getattr(args, "excel", False)
    moodle_book, refused = lms.moodle_rows(book)
    extra = {"roster": bool(classes and classes.roster),
             "unmatched": classes.unmatched if classes else [],
             "overrides_not_applied": [{"row": o.row, "learner": o.learner, "item": o.item}
                                       for o in unknown]}
    if getattr(args, "json", None):
        write_atomic(args.json, to_json(results, book, assignment, ignored, isolation, extra))
    if getattr(args, "csv", None):
        write_atomic(args.csv, csv_text(notebooks_csv(results), excel))
    if getattr(args, "gradebook", None):
        write_atomic(args.gradebook, csv_text(gradebook_csv(book, assignment, extra["roster"]),
                                              excel))
    if getattr(args, "canvas", None):
        write_atomic(args.canvas, csv_text(lms.canvas(book, assignment), excel))
    if getattr(args, "moodle", None):
        write_atomic(args.moodle, csv_text(lms.moodle(moodle_book, assignment), excel))
        for user, learner in refused:
            print(f"Warning: {learner} is left out of {args.moodle}: {user!r} cannot be a "
                  "Moodle username, and Moodle stops the whole import at one it does not "
                  "know. Give --roster with their usernames (see docs/instructor-guide.md).",
                  file=sys.stderr)
    if getattr(args, "canvas", None) or getattr(args, "moodle", None):
        for login, learners in lms.shared_logins(book).items():
            print(f"Warning: {' and '.join(learners)} share the login {login!r}: the LMS "
                  "would give both rows to one person. Rename their folders to their logins, "
                  "or give --roster.", file=sys.stderr)
    if getattr(args, "feedback", None):
        from ..classroom.feedback import write_feedback
        written = write_feedback(results, args.feedback, assignment, getattr(args, "lang", "en"),
                                 book=book, excel=excel)
        echo(f"wrote {len(written)} feedback files to {args.feedback} "
             f"(learners.csv there says whose is which)")
    if getattr(args, "gradescope", None):
        from ..classroom.gradescope_results import write_results
        write_results(results, args.gradescope, seconds, assignment, ignored)
    if ignored:
        print(f"{len(ignored)} notebook(s) outside the assignment {assignment.name!r} were "
              "not counted: " + ", ".join(r["path"] for r in ignored[:5])
              + (" ..." if len(ignored) > 5 else ""), file=sys.stderr)
    report_class(book, classes, unknown, getattr(args, "overrides", None))
    if book:
        echo(learner_summary(book))
    return book


def report_class(book, classes, unknown, overrides_path):
    """Says, on stderr, what is not in the gradebook and why, and what was not graded."""
    for u in (classes.unmatched if classes else []):
        print(f"Not exported: {u['folder']} ({u['files']} notebook(s)): {u['why']}. "
              "Add them to the roster, or rename the folder to their login.", file=sys.stderr)
    skipped = [(row["learner"], s) for row in book for s in row.get("not_graded", [])]
    if skipped:
        print(f"{len(skipped)} file(s) not graded: " + "; ".join(
            f"{learner}: {Path(s['path']).name}, because {s['reason']}"
            for learner, s in skipped[:10]) + (" ..." if len(skipped) > 10 else ""),
              file=sys.stderr)
    for o in unknown:
        print(f"Not applied: {overrides_path}, row {o.row}: no learner {o.learner!r} in this "
              "class.", file=sys.stderr)
