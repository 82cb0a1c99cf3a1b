"""Per-learner feedback files (Markdown): each exercise's result explained as the
in-notebook check explains it, warnings listed (reported, never scored).

Only what the grade JSON holds is used: the check's own messages, which never
show a hidden case's inputs or expected values, and no reference code.

File names are unique per learner (``secA/ada`` and ``secB/ada`` never share one; see
``learners.slug``) and ``learners.csv`` in the same folder maps each file to its learner.
"""
import re
from pathlib import Path

from ..grading.csvsafe import rows_to_csv
from ..grading.gradebook import write_atomic
from ..grading.learners import NOT_SUBMITTED, attempts, gradebook, slug
from ..engine.verdicts import ICONS

MAP = "learners.csv"
MARKUP = re.compile(r"[\\`\[\]<>&|]")
ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def inline(text):
    """Learner text (a name, a file name, an error from their code) as inert Markdown on one
    line: line breaks shown as " ↵ ", HTML's <, > and & as entities, backslashes, backticks,
    brackets and table bars backslash-escaped, so it can open no heading, list, table cell,
    link, image, HTML tag or code span of its own (a ``javascript:`` link needs brackets or
    < to exist). Emphasis marks are left: they can only change how its own words look."""
    text = re.sub(r"\s*[\n\r\v\f\x85\u2028\u2029]\s*", " \N{DOWNWARDS ARROW WITH CORNER LEFTWARDS} ",
                  str(text).strip()).replace("\t", " ")
    return MARKUP.sub(lambda m: ENTITIES.get(m[0], "\\" + m[0]), text)


def fenced(text):
    """Text for inside a ```text block: nothing in it can close the block."""
    return re.sub("`{3,}|~{3,}", lambda m: "'" * len(m[0]), str(text))


def markdown(row, by_lesson, assignment):
    """One learner's feedback: the gradebook row explained, lesson by lesson."""
    score, best = row["total"], row["max"]
    title = "" if assignment.name == "course" else f" ({assignment.name})"
    lines = [f"# Feedback for {inline(row['learner'])}{title}", "",
             f"Total: **{score:g} / {best:g}**" + (f" ({100 * score / best:.0f}%)" if best else ""),
             ""]
    if assignment.partial_credit:
        lines += ["Partial credit: an exercise earns the share of its cases that pass.", ""]
    for lesson, cell in row["lessons"].items():
        found = by_lesson.get(lesson, [])
        if cell["status"] == NOT_SUBMITTED:
            lines += [f"## {lesson}: 0 / {cell['max']:g}", "",
                      f"Not submitted: no notebook of this lesson was found ({lesson}.ipynb).", ""]
            continue
        lines += notebook_section(found[0], cell["max"]) if found else [
            f"## {lesson}: {cell['score']:g} / {cell['max']:g}", ""]
        for other in found[1:]:
            lines += [f"Not counted: {inline(Path(other['path']).name)} ({other['score']:g} points); "
                      "when a lesson is submitted twice, the attempt with more points counts.", ""]
        lines += adjustments(cell)
    for r in by_lesson.get(None, []):
        lines += notebook_section(r, 0)
    for s in row.get("not_graded", []):
        if not any(s["path"] == r["path"] for r in by_lesson.get(None, [])):
            lines += ["{name}: not graded, because {reason}.".format(
                name=Path(s["path"]).name, reason=s["reason"].rstrip(".")), ""]
    if row.get("late_waived"):
        lines += ["No late penalty: {reason}".format(reason=row["late_waived"]), ""]
    return "\n".join(lines).rstrip() + "\n"


def adjustments(cell):
    """The instructor's overrides and the late penalty of one lesson, in words."""
    lines = []
    for o in cell.get("overrides", []):
        lines += ["Changed by your instructor: {item} from {graded:g} to {points:g} points "
                  "({reason}).".format(item=o["item"], graded=o["graded"], points=o["points"],
                                       reason=o["reason"]), ""]
    late = cell.get("late")
    if late:
        lines += ["Handed in {late} ({source}): {percent:g}% off, {before:g} becomes "
                  "{after:g} points.".format(late=late["late"], source=late["source"],
                                             percent=late["penalty_percent"],
                                             before=late["score_before"], after=cell["score"]),
                  ""]
    return lines


def notebook_section(r, worth):
    name = inline(Path(r["path"]).name)
    lines = [f"## {name}: {r['score']:g} / {worth:g}", ""]
    if r["error"]:
        label = "could not be read" if not r["exercises"] else "note on your notebook"
        lines += [f"**{label[0].upper() + label[1:]}:** {inline(r['error'])}", ""]
    if not r["exercises"]:
        return lines + ["No exercise could be graded in this notebook.", ""]
    lines += ["| exercise | result | points |", "|---|---|---|"]
    for ex_id, e in r["exercises"].items():
        lines.append(f"| `{ex_id}` | {ICONS.get(e['status'], '')} {e['status']} "
                     f"| {e['points']:g} / {e['max_points']:g} |")
    lines.append("")
    for ex_id, e in r["exercises"].items():
        lines += [f"### {ICONS.get(e['status'], '')} `{ex_id}`", "", "```text",
                  fenced(e["feedback"]), "```", ""]
        if e["warnings"]:
            lines += ["Warnings (reported, not scored):", ""]
            lines += [f"- {inline(w)}" for w in e["warnings"]] + [""]
    return lines


def file_names(learners):
    """{learner: file name}: unique even on a case-insensitive file system."""
    names, taken = {}, set()
    for learner in learners:
        name = slug(learner)
        if name.casefold() in taken:
            name = slug(learner + "\0")          # a case-only clash: a hash makes it differ
        n = 1
        while name.casefold() in taken:
            n += 1
            name = f"{slug(learner)}-{n}"
        taken.add(name.casefold())
        names[learner] = name + ".md"
    return names


def write_feedback(results, folder, assignment=None, lang="en", book=None, excel=False):
    """Writes ``folder/<learner>.md`` for every learner (in `lang`) and ``folder/learners.csv``
    (file, learner, total, max); returns the Markdown files' paths. ``book``: the gradebook
    rows (default: made from ``results``): every row gets its file, even with nothing
    handed in; ``excel``: learners.csv with a byte order mark."""
    from ..grading.assignments import whole_course
    from ..engine.messages import render
    assignment = assignment or whole_course()
    folder = Path(folder)
    book = gradebook(results, assignment) if book is None else book
    by_learner = attempts(results)
    names = file_names(row["learner"] for row in book)
    written = []
    for row in book:
        path = folder / names[row["learner"]]
        write_atomic(path, render(markdown(row, by_learner.get(row["learner"], {}), assignment),
                                  lang))
        written.append(path)
    write_atomic(folder / MAP, ("\ufeff" if excel else "") + rows_to_csv([["file", "learner", "total", "max"]] +
                                           [[names[r["learner"]], r["learner"], r["total"], r["max"]]
                                            for r in book]))
    return written
