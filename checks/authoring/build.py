"""Builds the learner's notebooks from solutions/: a short pipeline of small steps.

    solutions/NN_name.ipynb --clear_solutions--> --clear_outputs--> notebooks/NN_name.ipynb
    solutions/playground.ipynb (a workshop notebook, no exercises) the same way

(the zh-TW edition, notebooks/zh-TW/, goes through the same steps: checks/authoring/translate.py)

and stores each exercise's practice cases with the reference's answers in
checks/practice_cases/, so the learner's copy checks itself without solutions/, and what
each lesson's cells use of blocks and digits in checks/grading/provided_names.json (what the
grading sandbox offers a notebook of that lesson: checks/grading/provided.py).
"""
import re
from pathlib import Path

import nbformat

from ..catalogue import EXERCISES
from ..engine import practice
from ..engine.source import BEGIN, END, ROOT, load_reference, solution_notebooks, workshop_notebooks
from ..errors import CourseError

REGION = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*$",
                    re.S | re.M)


# The stub's comment; a translated notebook names its own in its metadata (translate.py).
STUB_COMMENT = "YOUR CODE HERE"


def stub(source, comment=STUB_COMMENT):
    """Every solution region becomes `# YOUR CODE HERE` (or ``comment``, the edition's words)
    + `raise NotImplementedError()`."""
    return REGION.sub(lambda m: f"{m[1]}# {comment}\n{m[1]}raise NotImplementedError()",
                      source)


class MarkerError(CourseError, ValueError):
    """A solution region that is not closed, closed twice, or opened inside another."""


def check_markers(source, where):
    """Raises MarkerError unless every BEGIN SOLUTION is closed by one END SOLUTION
    before the next BEGIN, so no solution can reach a learner notebook by accident."""
    open_at = None
    for number, line in enumerate(source.splitlines(), 1):
        marker = line.strip()
        if marker.startswith(BEGIN):
            if open_at:
                raise MarkerError(f"{where}, line {number}: a second {BEGIN} inside the region "
                                  f"opened on line {open_at}; close the first with {END}")
            open_at = number
        elif marker.startswith(END):
            if not open_at:
                raise MarkerError(f"{where}, line {number}: {END} without a {BEGIN} before it")
            open_at = None
    if open_at:
        raise MarkerError(f"{where}, line {open_at}: {BEGIN} is never closed; add {END} "
                          "after the solution")


def clear_solutions(nb, name="notebook"):
    comment = nb.metadata.get("stub_comment", STUB_COMMENT)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            check_markers(cell.source, f"{name}, cell {index}")
            cell.source = stub(cell.source, comment)
        elif BEGIN in cell.source or END in cell.source:
            raise MarkerError(f"{name}, cell {index}: a solution marker in a {cell.cell_type} "
                              "cell; solutions live in code cells")
    return nb


def clear_outputs(nb, name="notebook"):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


STEPS = (clear_solutions, clear_outputs)


def learner_version(nb, name="notebook"):
    for step in STEPS:
        nb = step(nb, name)
    return nb


def learner_text(path):
    nb = learner_version(nbformat.read(path, as_version=4), Path(path).name)
    return nbformat.writes(nb) + "\n"


def build_notebooks(solutions=None, notebooks=None):
    """Writes notebooks/ from solutions/; returns the paths it changed."""
    out = Path(notebooks or ROOT / "notebooks")
    out.mkdir(exist_ok=True)
    changed = []
    for path in [*solution_notebooks(solutions), *workshop_notebooks(solutions)]:
        target, text = out / path.name, learner_text(path)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def build_expected(reference=None):
    """Writes checks/practice_cases/<id>.json for every value-checked exercise."""
    reference = reference or load_reference()
    written = []
    for ex in EXERCISES.values():
        if ex.properties is None and ex.id in reference:
            written.append(practice.write(ex, practice.practice_cases(ex, reference[ex.id])))
    return written
