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
import textwrap
from pathlib import Path

from ..catalogue import lessons
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
    return plain, ("Not on Linux, so no sandbox: your notebooks run in a plain Python "
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


def announce(n, folder):
    """The line status prints at once when it has notebooks to run (not from its cache)."""
    if n == 1:
        return (f"Running 1 notebook of {folder} to check its exercises (a few seconds; a "
                "notebook is run again only when it changes)...")
    return (f"Running {n} notebooks of {folder} to check their exercises (a few seconds "
            "each; a notebook is run again only when it changes)...")


WIDTH = 100          # status's lines are wrapped to this many characters, never cut


def reason(exercise):
    """Why an exercise does not pass: its verdict's ``reason``, one sentence, whole."""
    return one_line(exercise.get("reason") or "")


def wrapped(first, text, indent=25):
    """``first`` then ``text`` in lines of at most WIDTH characters, the following ones
    indented by ``indent`` spaces (words are never split)."""
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=" " * indent,
                         break_long_words=False, break_on_hyphens=False)


def status(folder=None, echo=print, platform=None, cache=CACHE, runner=None, lang="en"):
    """Prints, per lesson, each exercise's mark and a one-line reason for each failure, in
    `lang` (zh-TW: the notebooks of notebooks/zh-TW/ unless `folder` is given);
    returns (exercises passing, exercises in the course)."""
    from ..engine.messages import render
    folder = Path(folder or ROOT / "notebooks" / ("zh-TW" if lang == "zh-TW" else ""))
    say, echo = echo, (lambda text: say(render(text, lang)))
    default, note = runner_for(platform)
    runner = runner or default
    results = store(runner, cache)
    if note:
        echo(note + "\n")
    done = total = 0
    kept = {lesson: results.get(folder / f"{lesson}.ipynb", "you") if results else None
            for lesson in lessons()}
    fresh = [lesson for lesson, r in kept.items()
             if r is None and (folder / f"{lesson}.ipynb").exists()]
    if fresh:
        echo(announce(len(fresh), folder))
    for lesson, ids in lessons().items():
        path = folder / f"{lesson}.ipynb"
        if not path.exists():
            echo(f"{lesson:<22} (no notebook at {path})")
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
            marks.append(f"{MARKS.get(e['status'], '❌')} {i}")
            if e["status"] in (FAILED, MISSING) and reason(e):
                why.append(wrapped(f"{'':<22} ❌ {i}: ", render(reason(e), lang)))
            done += bool(e["passed"])
        total += len(ids)
        echo(f"{lesson:<22} " + "  ".join(marks))
        for line in why:
            say(line)
        if r.get("error"):
            say(wrapped(f"{'':<22} note: ", render(r["error"], lang)))
    if total and done == total:
        echo(f"\nAll {total} exercises pass.")
    elif total and not done:                     # a fresh copy (make test): a start, not a failure
        echo(f"\n{total} exercises to go.")
    elif total:
        echo(f"\n{done} of {total} exercises pass; {total - done} to go.")
    else:
        echo(f"\n{done} of {total} exercises pass.")
    return done, total
