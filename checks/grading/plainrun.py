"""Grades one of your own notebooks without a sandbox, for ``status`` on macOS and Windows.

The notebook's code cells run in a plain Python subprocess (``python -m
checks.grading.plainrun NOTEBOOK``) with a time limit for the whole notebook; each
exercise is then checked exactly as its check cell would, against the stored
practice cases. This is your own code on your own machine: the class grader
(``grade``) never runs notebooks this way.
"""
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from ..engine.messages import Verbatim, msg, to_data

MARK = "@@status@@ "
SECONDS = 120


def grade_plainly(path, seconds=SECONDS):
    """The status of one notebook as ``{"exercises": {id: {...}}, "error": ...}``; never raises."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    try:
        run = subprocess.run([sys.executable, "-m", "checks.grading.plainrun", str(path)], env=env,
                             cwd=Path(path).parent, capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return failure(msg("running the notebook took more than {seconds} s, so status stopped "
                           "it; look for a loop that never ends", seconds=seconds))
    lines = [l for l in run.stdout.decode("utf-8", "replace").splitlines() if l.startswith(MARK)]
    if not lines:
        tail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return failure(msg("the notebook stopped Python before it could be checked ({error})",
                           error=Verbatim(tail[0][:200])))
    return json.loads(lines[-1][len(MARK):])


def failure(error):
    """A result with only ``error`` (a Message): English, and message data for status."""
    return {"exercises": {}, "error": str(error), "notes": [to_data(error)]}


def check_notebook(path):
    """Runs the notebook's cells here, then checks each of its lesson's exercises."""
    import checks

    from ..catalogue import EXERCISES, lessons
    from ..engine.verify import missing
    from ..notebook import run_check
    from ..runtime.invoke import strip_magics
    from .grade import lesson_of, read_cells
    try:
        cells = read_cells(path)
    except ValueError as e:
        return failure(e.args[0] if e.args else str(e))
    lesson = lesson_of(path, cells)
    if lesson is None:
        return failure(msg("{name} defines none of the course's exercises", name=path.name))
    checks.check = lambda *args, **kwargs: None      # the notebook's own check cells: silent
    namespace, errors = {"__name__": "__main__"}, []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for index, source in enumerate(cells):
            try:
                exec(compile(strip_magics(source), f"<code cell {index + 1}>", "exec"), namespace)
            except Exception as e:
                errors.append(msg("code cell {index} raised {error}", index=index + 1,
                                  error=Verbatim(f"{type(e).__name__}: {str(e)[:120]}")))
        exercises = {}
        for ex_id in lessons()[lesson]:
            fn = namespace.get(ex_id)
            verdict = run_check(ex_id, fn) if callable(fn) else missing(EXERCISES[ex_id])
            exercises[ex_id] = {"status": verdict.status, "passed": verdict.passed,
                                "reason": str(verdict.reason), "feedback": verdict.message,
                                "lines": [to_data(line) for line in verdict.lines],
                                "why": to_data(verdict.reason) if verdict.reason else None}
    return {"exercises": exercises, "error": "; ".join(map(str, errors)) or None,
            "notes": [to_data(e) for e in errors]}


if __name__ == "__main__":
    print(MARK + json.dumps(check_notebook(Path(sys.argv[1]))), flush=True)
