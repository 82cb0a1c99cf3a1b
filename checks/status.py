"""``python -m checks status``: which of your exercises pass, lesson by lesson.

It grades your saved notebooks in a sandbox against the stored practice cases,
so it needs no solutions and never changes your files.
"""
from pathlib import Path

from .exercises import lessons
from .grade import grade_notebook, stored_cases
from .source import ROOT
from .verify import NOT_ATTEMPTED

MARKS = {True: "✅", False: "❌"}


def status(folder=None, echo=print):
    folder = Path(folder or ROOT / "notebooks")
    done = total = 0
    for lesson, ids in lessons().items():
        path = folder / f"{lesson}.ipynb"
        if not path.exists():
            echo(f"{lesson:<22} (no notebook at {path})")
            continue
        r = grade_notebook(path, cases_for=stored_cases)
        marks = []
        for i in ids:
            e = r["exercises"].get(i)
            attempted = e and e["status"] != NOT_ATTEMPTED
            marks.append(f"{MARKS[e['passed']] if attempted else '⏳'} {i}")
            done += bool(e and e["passed"])
        total += len(ids)
        echo(f"{lesson:<22} " + "  ".join(marks) + (f"\n{'':<22} note: {r['error']}" if r["error"] else ""))
    echo(f"\n{done} of {total} exercises pass.")
    return done, total
