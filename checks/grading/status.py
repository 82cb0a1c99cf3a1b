"""``python -m checks status``: which of your exercises pass, lesson by lesson.

It grades your saved notebooks against the stored practice cases, so it needs
no solutions and never changes your files. On Linux each notebook runs in the
grader's sandbox; elsewhere (macOS, Windows) in a plain Python subprocess with a
time limit (``plainrun.py``), and status says so. A notebook is graded again
only when its bytes or the course's checks change: results are kept in
``.cache/status/`` in the course folder (or nowhere, if it is read-only).

With nothing changed, status reads the course's files and the stored results only: it
imports neither the catalogue (nor NumPy with it) nor nbformat, the costly imports, which
only grading a notebook needs (tests/grading/test_status.py holds it).
"""
import hashlib
import json
import re
import sys
from pathlib import Path

from ..engine.messages import Joined, Verbatim, from_data, msg, nmsg, render, width
from ..engine.source import ROOT
from ..engine.verdicts import FAILED, ICONS, MISSING, one_line

CACHE = ROOT / ".cache" / "status"


def in_sandbox(path):
    """Your notebook in the grader's sandbox, isolated where this machine allows it (it is
    your own code on your own machine, so status does not refuse where grading would)."""
    from .grade import grade_notebook, stored_cases
    from .zygote import learner_limits
    return grade_notebook(path, cases_for=stored_cases, limits=learner_limits())


def in_subprocess(path):
    from .plainrun import grade_plainly
    return grade_plainly(path)


def runner_for(platform=None):
    """(how to grade one notebook, a note for the learner or None)."""
    if (platform or sys.platform).startswith("linux"):
        return in_sandbox, None
    return in_subprocess, msg("Not on Linux, so no sandbox: your notebooks run in a plain Python "
                      "process with a time limit. (The class grader needs Linux.)")


def course_version(mode):
    """A hash of what decides a status: the course's code (store.course_code) and the
    way notebooks are run."""
    from .store import course_code, hash_files
    return hash_files(hashlib.sha256(mode.encode()), course_code()).hexdigest()


def store(version, folder):
    from .store import ResultStore
    return ResultStore(folder, version) if folder else None


def course_lessons(version=None, folder=None):
    """{lesson: [its exercise ids]} in course order (catalogue.lessons()), kept in ``folder``
    for the course's ``version``: a status with nothing changed then never imports the
    catalogue, and NumPy with it. ``folder`` None: from the catalogue itself."""
    kept = Path(folder) / f"lessons-{version}.json" if folder and version else None
    if kept:
        try:
            found = json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = None
        if isinstance(found, dict) and all(isinstance(ids, list) and all(
                isinstance(i, str) for i in ids) for ids in found.values()):
            return found
    from ..catalogue import lessons
    found = lessons()
    if kept:
        from .store import write_atomic
        try:
            write_atomic(kept, json.dumps(found))
        except OSError:               # a read-only course folder: ask the catalogue every time
            pass
    return found


def worth_keeping(result):
    """A result decided by this machine (its load, a bug of ours: grade_notebook marks
    them ``transient``) is not kept."""
    return not result.get("transient")


def announce(n, folder):
    """The line status prints at once when it has notebooks to run (not from its cache): a
    Message."""
    return nmsg("Running {n} notebook of {folder} to check its exercises (a few seconds; a "
                "notebook is run again only when it changes)...",
                "Running {n} notebooks of {folder} to check their exercises (a few seconds "
                "each; a notebook is run again only when it changes)...", n, folder=str(folder))


WIDTH = 100          # status's lines are wrapped to this many columns, never cut


def reason(exercise, lang="en"):
    """Why an exercise does not pass: its verdict's ``reason`` (from its message data), in
    ``lang``, one sentence, whole."""
    why = from_data(exercise["why"]) if exercise.get("why") else exercise.get("reason") or ""
    return one_line(render(why, lang) if why else "")


def notes(result, lang="en"):
    """What went wrong with a notebook's cells, in ``lang``."""
    if result.get("notes"):
        return render(msg("{notes}", notes=Joined([from_data(n) for n in result["notes"]],
                                                   sep="; ")), lang)
    return result.get("error")


def pad(text, n):
    """``text`` padded to ``n`` columns of display width."""
    return text + " " * max(1, n - width(text) + 1)


# A line may break at a space, or before or after a CJK character (never before closing
# punctuation such as 。，）, which stays with what it closes).
CHUNK = re.compile(r"\s+|[\u2e80-\u9fff\uf900-\ufaff][\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f"
                   r"\uff09\uff3d\uff5d]*|[^\s\u2e80-\u9fff\uf900-\ufaff]+")


def wrapped(first, text, indent=25):
    """``first`` then ``text`` in lines of at most WIDTH columns (display width: a Chinese
    character counts two), the following ones indented by ``indent`` spaces; words are never
    split."""
    lines, line, line_width = [], first, width(first)       # widths add up: counted once
    for chunk in CHUNK.findall(" ".join(text.split())):
        if chunk.isspace():
            if line.strip():
                line, line_width = line + " ", line_width + 1
            continue
        trailing = len(line) - len(line.rstrip())             # spaces: one column each
        if line_width - trailing + width(chunk) > WIDTH and line.strip() and line != first:
            lines.append(line.rstrip())
            line, line_width = " " * indent, indent
        line, line_width = line + chunk, line_width + width(chunk)
    lines.append(line.rstrip())
    return "\n".join(lines)


def status(folder=None, echo=print, platform=None, cache=CACHE, runner=None, lang="en"):
    """Prints, per lesson, each exercise's mark and a one-line reason for each failure, in
    `lang` (zh-TW: the notebooks of notebooks/zh-TW/ unless `folder` is given);
    returns (exercises passing, exercises in the course)."""
    folder = Path(folder or ROOT / "notebooks" / ("zh-TW" if lang == "zh-TW" else ""))
    say = echo
    default, note = runner_for(platform)
    runner = runner or default
    version = course_version(runner.__name__) if cache else None
    results = store(version, cache)
    lessons = course_lessons(version, cache)
    if note:
        say(render(note, lang) + "\n")
    done = total = 0
    kept = {lesson: results.get(folder / f"{lesson}.ipynb", "you") if results else None
            for lesson in lessons}
    fresh = [lesson for lesson, r in kept.items()
             if r is None and (folder / f"{lesson}.ipynb").exists()]
    if fresh:
        say(render(announce(len(fresh), folder), lang))
    for lesson, ids in lessons.items():
        path = folder / f"{lesson}.ipynb"
        if not path.exists():
            say(pad(lesson, 22) + render(msg("(no notebook at {path})", path=str(path)), lang))
            continue
        r = kept[lesson]
        if r is None:
            r = runner(path)
            if results and worth_keeping(r):
                try:
                    results.put(path, r, "you")
                except OSError:       # a read-only course folder: grade every time
                    results = None
        marks, why = [], []
        for i in ids:
            e = r["exercises"].get(i) or {"status": MISSING, "passed": False}
            marks.append(f"{ICONS.get(e['status'], ICONS[FAILED])} {i}")
            if e["status"] in (FAILED, MISSING) and reason(e):
                why.append(wrapped(" " * 22 + f" {ICONS[e['status']]} ", render(msg(
                    "{exercise}: {text}", exercise=i, text=Verbatim(reason(e, lang))), lang)))
            done += bool(e["passed"])
        total += len(ids)
        say(f"{lesson:<22} " + "  ".join(marks))
        if r.get("error"):
            why.append(wrapped(" " * 22 + " ", render(msg("note: {note}",
                                                          note=Verbatim(notes(r, lang))), lang)))
        for line in why:
            say(line)
    if total and done == total:
        last = nmsg("All {n} exercise passes.", "All {n} exercises pass.", total)
    elif total and not done:                     # a fresh copy (make test): a start, not a failure
        last = nmsg("{n} exercise to go.", "{n} exercises to go.", total)
    elif total:
        last = nmsg("{done} of {n} exercise passes; {left} to go.",
                    "{done} of {n} exercises pass; {left} to go.", total, done=done, left=total - done)
    else:
        last = nmsg("{done} of {n} exercise passes.", "{done} of {n} exercises pass.", total, done=done)
    say("\n" + render(last, lang))
    return done, total
