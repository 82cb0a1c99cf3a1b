"""``python -m checks status``: which of your exercises pass, lesson by lesson.

It grades your saved notebooks against the stored practice cases, so it needs
no solutions and never changes your files. On Linux each notebook runs in the
grader's sandbox; elsewhere (macOS, Windows) in a plain Python subprocess with a
time limit (``plainrun.py``), and status says so. A notebook is graded again
only when its bytes or the course's checks change: results are kept in
``.cache/status/`` in the course folder (or nowhere, if it is read-only).
"""
import hashlib
import sys
from pathlib import Path

from ..catalogue import lessons
from ..engine.messages import Joined, Verbatim, from_data, msg, nmsg, render, width
from ..engine.verdicts import FAILED, MISSING, NOT_ATTEMPTED, PASSED, one_line

ROOT = Path(__file__).resolve().parents[2]

MARKS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", MISSING: "❌"}
CACHE = ROOT / ".cache" / "status"


def sandboxed(path):
    """Your notebook in the grader's sandbox, isolated where this machine allows it (it is
    your own code on your own machine, so status does not refuse where grading would)."""
    from .grade import grade_notebook, stored_cases
    from .sandbox import learner_limits
    return grade_notebook(path, cases_for=stored_cases, limits=learner_limits())


def plain(path):
    from .plainrun import grade_plainly
    return grade_plainly(path)


def runner_for(platform=None):
    """(how to grade one notebook, a note for the learner or None)."""
    if (platform or sys.platform).startswith("linux"):
        return sandboxed, None
    return plain, msg("Not on Linux, so no sandbox: your notebooks run in a plain Python "
                      "process with a time limit. (The class grader needs Linux.)")


def course_version(mode):
    """A hash of what decides a status: the course's code (gradebook.course_code) and the
    way notebooks are run."""
    from .gradebook import course_code, hash_files
    return hash_files(hashlib.sha256(mode.encode()), course_code()).hexdigest()


def store(runner, folder):
    from .gradebook import ResultStore
    return ResultStore(folder, course_version(runner.__name__)) if folder else None


def worth_keeping(result):
    """A result decided by this machine (its load, a bug of ours: grade_notebook marks
    them ``transient``) is not kept."""
    return not result.get("transient")


def reason(exercise, lang="en"):
    """Why an exercise does not pass (its verdict's ``reason``, from its message data), in
    ``lang``, short enough for status."""
    why = from_data(exercise["why"]) if exercise.get("why") else exercise.get("reason") or ""
    return one_line(render(why, lang) if why else "", 100)


def notes(result, lang="en"):
    """What went wrong with a notebook's cells, in ``lang``."""
    if result.get("notes"):
        return render(msg("{notes}", notes=Joined([from_data(n) for n in result["notes"]],
                                                   sep="; ")), lang)
    return result.get("error")


def pad(text, n):
    """``text`` padded to ``n`` columns of display width."""
    return text + " " * max(1, n - width(text) + 1)


def status(folder=None, echo=print, platform=None, cache=CACHE, runner=None, lang="en"):
    """Prints, per lesson, each exercise's mark and a one-line reason for each failure, in
    `lang` (zh-TW: the notebooks of notebooks/zh-TW/ unless `folder` is given);
    returns (exercises passing, exercises in the course)."""
    folder = Path(folder or ROOT / "notebooks" / ("zh-TW" if lang == "zh-TW" else ""))
    say = echo
    default, note = runner_for(platform)
    runner = runner or default
    results = store(runner, cache)
    if note:
        say(render(note, lang) + "\n")
    done = total = 0
    for lesson, ids in lessons().items():
        path = folder / f"{lesson}.ipynb"
        if not path.exists():
            say(pad(lesson, 22) + render(msg("(no notebook at {path})", path=str(path)), lang))
            continue
        r = results.get(path, "you") if results else None
        if r is None:
            r = runner(path)
            if results and worth_keeping(r):
                try:
                    results.put(path, r)
                except OSError:       # a read-only course folder: grade every time
                    results = None
        marks, why = [], []
        for i in ids:
            e = r["exercises"].get(i) or {"status": MISSING, "passed": False}
            marks.append(f"{MARKS.get(e['status'], '❌')} {i}")
            if e["status"] in (FAILED, MISSING) and reason(e):
                why.append(" " * 22 + " ❌ " + render(msg("{exercise}: {text}", exercise=i,
                                                          text=Verbatim(reason(e, lang))), lang))
            done += bool(e["passed"])
        total += len(ids)
        say(f"{lesson:<22} " + "  ".join(marks))
        if r.get("error"):
            why.append(" " * 22 + " " + render(msg("note: {note}", note=Verbatim(notes(r, lang))),
                                               lang))
        for line in why:
            say(line)
    say("\n" + render(nmsg("{done} of {n} exercise passes.", "{done} of {n} exercises pass.",
                            total, done=done), lang))
    return done, total
