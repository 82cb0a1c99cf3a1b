"""Grades learners' notebooks: each in its own sandboxed child, judged here.

``grade_notebook`` never raises: whatever the file holds, it returns a result
with a score and a reason for every exercise it could not grade.
"""
import csv
import functools
import io
import json
from pathlib import Path

import nbformat

from . import expected
from .exercises import EXERCISES, lessons
from .sandbox import Limits, Sandbox
from .source import code_cells, defined_functions, load_reference
from .verify import MISSING, NOT_ATTEMPTED, Verdict, verify

GRADING_SEED = 31337   # hidden cases; never stored in the learner's copy


def find_submissions(paths):
    """(student, notebook path) pairs: files as given, folders searched recursively."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            for nb in sorted(p.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in nb.parts:
                    continue
                rel = nb.relative_to(p)
                found.append((rel.parts[0] if len(rel.parts) > 1 else nb.stem, nb))
        else:
            found.append((p.stem, p))
    return found


def read_cells(path):
    """The code cells of a notebook, or raise ValueError with a reason a person understands."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as e:
        raise ValueError(f"could not read {path.name} as a notebook ({type(e).__name__}: "
                         f"{str(e)[:200]})") from None
    return code_cells(nb)


def lesson_of(path, cells):
    """The lesson a notebook belongs to: by its file name, else by the functions it defines."""
    all_lessons = lessons()
    for lesson in all_lessons:
        if path.name.startswith(lesson[:2] + "_"):
            return lesson
    defined = {name for source in cells for name in defined_functions(source)}
    best = max(all_lessons, key=lambda lesson: len(defined & set(all_lessons[lesson])))
    return best if defined & set(all_lessons[best]) else None


@functools.lru_cache(maxsize=1)
def cached_reference():
    return load_reference()


def hidden_cases(ex, reference):
    return expected.fill(ex.cases(GRADING_SEED), reference)


def stored_cases(ex, reference=None):
    return expected.read(ex.id)


def grade_notebook(path, student=None, cases_for=hidden_cases, reference=None, limits=Limits):
    path = Path(path)
    result = {"path": str(path), "student": student or path.stem, "score": 0, "max_score": 0,
              "error": None, "exercises": {}}
    try:
        cells = read_cells(path)
        lesson = lesson_of(path, cells)
        if lesson is None:
            raise ValueError(f"{path.name} defines none of the course's exercises")
    except ValueError as e:
        result["error"] = str(e)
        return result
    exercises = [EXERCISES[i] for i in lessons()[lesson]]
    if reference is None and cases_for is hidden_cases:
        reference = cached_reference()
    with Sandbox(cells, limits) as sandbox:
        for ex in exercises:
            verdict = grade_exercise(ex, sandbox, cases_for, reference)
            result["exercises"][ex.id] = {
                "passed": verdict.passed, "points": ex.points if verdict.passed else 0,
                "max_points": ex.points, "status": verdict.status, "mistake": verdict.hint,
                "warnings": list(verdict.warnings), "feedback": verdict.message}
        notes = list(sandbox.cell_errors.values()) + [w for w in sandbox.bad_cells.values() if w]
    result["score"] = sum(e["points"] for e in result["exercises"].values())
    result["max_score"] = sum(e["max_points"] for e in result["exercises"].values())
    if notes:
        result["error"] = "; ".join(notes)
    return result


def grade_exercise(ex, sandbox, cases_for, reference):
    def call(case):
        return sandbox.call(ex.id, case, ex.args, ex.seconds)
    probe = [] if ex.properties else cases_for(ex, reference and reference[ex.id])
    verdict = verify(ex, probe, call)
    if verdict.status == NOT_ATTEMPTED:
        return verdict
    if verdict.status != "passed" and "no function named" in verdict.message:
        return Verdict(ex.id, MISSING, f"{ex.id}: not found. Your notebook defines no function "
                                       f"named {ex.id}; the grader looks for it by that name.")
    return verdict


def to_csv(results):
    ids = list(dict.fromkeys(i for r in results for i in r["exercises"]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "path", "score", "max_score", *ids, "error"])
    for r in results:
        writer.writerow([r["student"], r["path"], r["score"], r["max_score"],
                         *[r["exercises"].get(i, {}).get("points", "") for i in ids],
                         r["error"] or ""])
    return out.getvalue()


def write_atomic(path, text):
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def grade(paths, json_path=None, csv_path=None, reference=None, limits=Limits, echo=print):
    """Grades every notebook under ``paths``; writes the gradebook; returns the results."""
    reference = reference or cached_reference()
    results = []
    for student, nb in find_submissions(paths):
        r = grade_notebook(nb, student, reference=reference, limits=limits)
        results.append(r)
        echo(f"{r['student']:<20} {nb.name:<28} {r['score']:g}/{r['max_score']:g}"
             + (f"  ({r['error'][:60]})" if r["error"] else ""))
    if json_path:
        write_atomic(json_path, json.dumps({"submissions": results}, indent=1) + "\n")
    if csv_path:
        write_atomic(csv_path, to_csv(results))
    return results
