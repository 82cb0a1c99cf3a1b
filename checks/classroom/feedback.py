"""Per-learner feedback files (Markdown): each exercise's result explained as the
in-notebook check explains it, warnings listed (reported, never scored).

Only what the grade JSON holds is used: the check's own messages, which never
show a hidden case's inputs or expected values, and no reference code.

File names are unique per learner (``secA/ada`` and ``secB/ada`` never share one; see
``learners.slug``) and ``learners.csv`` in the same folder maps each file to its learner.
"""
import re
from pathlib import Path

from ..engine.messages import Joined, Verbatim, from_data, msg, pmsg, render
from ..engine.verdicts import ICONS
from ..grading.store import write_atomic
from .csvsafe import rows_to_csv
from .gradebook import NOT_SUBMITTED, attempts, gradebook, slug
from .late import late_words, source_words

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


def markdown(row, by_lesson, assignment, lang="en"):
    """One learner's feedback in ``lang``: the gradebook row explained, lesson by lesson."""
    def say(m):
        return render(m, lang)
    score, best = row["total"], row["max"]
    title = say(msg("Feedback for {learner}", learner=Verbatim(inline(row["learner"])))) + (
        "" if assignment.name == "course" else f" ({inline(assignment.name)})")
    total = say(msg("Total: **{score:g} / {best:g}**", score=score, best=best)) + (
        f" ({100 * score / best:.0f}%)" if best else "")
    lines = [f"# {title}", "", total, ""]
    if assignment.partial_credit:
        lines += [say(msg("Partial credit: an exercise earns the share of its cases that pass.")),
                  ""]
    for lesson, cell in row["lessons"].items():
        found = by_lesson.get(lesson, [])
        if cell["status"] == NOT_SUBMITTED:
            lines += [f"## {lesson}: 0 / {cell['max']:g}", "",
                      say(msg("Not submitted: no notebook of this lesson was found ({name}).",
                              name=lesson + ".ipynb")), ""]
            continue
        lines += notebook_section(found[0], cell["max"], lang) if found else [
            f"## {lesson}: {cell['score']:g} / {cell['max']:g}", ""]
        for other in found[1:]:
            lines += [say(msg("Not counted: {name} ({points:g} points); when a lesson is "
                              "submitted twice, the attempt with more points counts.",
                              name=Verbatim(inline(Path(other["path"]).name)),
                              points=other["score"])), ""]
        lines += adjustments(cell, lang)
    for r in by_lesson.get(None, []):
        lines += notebook_section(r, 0, lang)
    for s in row.get("not_graded", []):
        if not any(s["path"] == r["path"] for r in by_lesson.get(None, [])):
            lines += [say(msg("{name}: not graded, because {reason}.",
                              name=Verbatim(inline(Path(s["path"]).name)),
                              reason=reason_of(s))), ""]
    if row.get("late_waived"):
        lines += [say(msg("No late penalty: {reason}",
                          reason=Verbatim(inline(row["late_waived"])))), ""]
    return "\n".join(lines).rstrip() + "\n"


def reason_of(skipped):
    """Why a notebook was not graded: its message (``why`` data) when the result has it,
    else the English reason, as inert text."""
    if skipped.get("why"):
        return from_data(skipped["why"])
    return Verbatim(inline(skipped["reason"].rstrip(".")))


def adjustments(cell, lang="en"):
    """The instructor's overrides and the late penalty of one lesson, in words (``lang``)."""
    lines = []
    for o in cell.get("overrides", []):
        lines += [render(msg("Changed by your instructor: {item} from {graded:g} to {points:g} "
                             "points ({reason}).", item=Verbatim(inline(o["item"])),
                             graded=o["graded"], points=o["points"],
                             reason=Verbatim(inline(o["reason"]))), lang), ""]
    late = cell.get("late")
    if late:
        lines += [render(msg("Handed in {late} ({source}): {percent:g}% off, {before:g} becomes "
                             "{after:g} points.", late=late_words(late), source=source_words(late),
                             percent=late["penalty_percent"], before=late["score_before"],
                             after=cell["score"]), lang), ""]
    return lines


STATUS_WORDS = {"passed": pmsg("verdict", "passed"), "failed": pmsg("verdict", "failed"),
                "missing": pmsg("verdict", "missing"),
                "not attempted": pmsg("verdict", "not attempted")}


def feedback_text(e, lang):
    """An exercise's check message in ``lang``: from its message data when the result has
    it, else the English text the grader stored."""
    if e.get("lines"):
        return "\n".join(render(from_data(line), lang) for line in e["lines"])
    return e["feedback"]


def notebook_section(r, worth, lang="en"):
    def say(m):
        return render(m, lang)
    name = inline(Path(r["path"]).name)
    lines = [f"## {name}: {r['score']:g} / {worth:g}", ""]
    if r["error"]:
        label = msg("Could not be read") if not r["exercises"] else msg("Note on your notebook")
        error = render(msg("{notes}", notes=Joined([from_data(n) for n in r["notes"]],
                                                    sep="; ")), lang) \
            if r.get("notes") else r["error"]
        lines += [f"**{say(label)}:** {inline(error)}", ""]
    if not r["exercises"]:
        return lines + [say(msg("No exercise could be graded in this notebook.")), ""]
    lines += ["| " + " | ".join(say(h) for h in (pmsg("column", "exercise"),
                                                  pmsg("column", "result"),
                                                  pmsg("column", "points"))) + " |",
              "|---|---|---|"]
    for ex_id, e in r["exercises"].items():
        status = STATUS_WORDS.get(e["status"])
        lines.append(f"| `{ex_id}` | {ICONS.get(e['status'], '')} "
                     f"{say(status) if status else e['status']} "
                     f"| {e['points']:g} / {e['max_points']:g} |")
    lines.append("")
    for ex_id, e in r["exercises"].items():
        lines += [f"### {ICONS.get(e['status'], '')} `{ex_id}`", "", "```text",
                  fenced(feedback_text(e, lang)), "```", ""]
        if e["warnings"]:
            warnings = ([say(from_data(w)) for w in e["warnings_data"]]
                        if e.get("warnings_data") else e["warnings"])
            lines += [say(msg("Warnings (reported, not scored):")), ""]
            lines += [f"- {inline(w)}" for w in warnings] + [""]
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
    from .assignments import whole_course
    assignment = assignment or whole_course()
    folder = Path(folder)
    book = gradebook(results, assignment) if book is None else book
    by_learner = attempts(results)
    names = file_names(row["learner"] for row in book)
    written = []
    for row in book:
        path = folder / names[row["learner"]]
        write_atomic(path, markdown(row, by_learner.get(row["learner"], {}), assignment, lang))
        written.append(path)
    write_atomic(folder / MAP, ("\ufeff" if excel else "") + rows_to_csv([["file", "learner", "total", "max"]] +
                                           [[names[r["learner"]], r["learner"], r["total"], r["max"]]
                                            for r in book]))
    return written
