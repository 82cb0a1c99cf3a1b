"""``python -m checks nbgrader-export DIR``: the course as an nbgrader course folder.

    DIR/nbgrader_config.py           written once (an existing one is kept): the course id
                                     and a generous cell timeout
    DIR/source/<assignment>/         one folder per assignment of grading.toml, then one
        NN_lesson.ipynb              per lesson in no assignment, each holding its lessons'
        checks/, blocks.py, data/... notebooks and what they import (the learners' files)

In each notebook, an exercise's cell (the one with ``### BEGIN SOLUTION``) becomes an
nbgrader solution cell, and its check cell an autograder test cell worth the exercise's
points, calling ``checks.strict.check_strict``: the same check as ``check``, on the same
stored practice cases, raising when it fails. Then, in DIR, nbgrader does the rest:

    nbgrader generate_assignment week1                # a name printed by the export;
    nbgrader autograde week1                          # submitted/<learner>/week1/

The hidden randomised cases stay with ``python -m checks grade``: nbgrader's test cells
run in the learner's notebook, where a hidden case would not stay hidden.
"""
import re
import shutil
from pathlib import Path

import nbformat

from ..authoring.build import clear_outputs
from ..authoring.release import SETUP_FILES, learner_files
from ..catalogue import lessons
from ..engine.source import BEGIN, ROOT
from . import assignments as assignments_config

CHECK_CELL = re.compile(r'^\s*check\(\s*["\'](\w+)["\']\s*,\s*(\w+)\s*\)\s*$')
CONFIG = '''# Written by `python -m checks nbgrader-export`; edit freely, it is not overwritten.
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "nn-from-scratch"
# Lesson 08 trains a network: give a cell time.
c.Execute.timeout = 600
'''
TEST_SOURCE = ('# Autograder test (nbgrader): the course\'s check for {ex}, raising if it fails.\n'
               'from checks.strict import check_strict\n'
               'check_strict("{ex}", {fn})')


def nbgrader_meta(grade_id, solution=False, grade=False, points=None):
    meta = {"grade": grade, "solution": solution, "locked": not solution,
            "grade_id": grade_id, "schema_version": 3}
    if grade:
        meta["points"] = points
    return meta


def source_notebook(path, points):
    """The solution notebook ``path`` with nbgrader's metadata; ``points`` {exercise: points}
    for the exercises graded here (other exercises' cells stay solution cells, untested)."""
    nb = clear_outputs(nbformat.read(path, as_version=4))
    used = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if BEGIN in cell.source:
            name = (re.findall(r"^def (\w+)", cell.source, re.M) or [f"cell{index}"])[0]
            grade_id = unique(f"{name}_solution", used)
            cell.metadata["nbgrader"] = nbgrader_meta(grade_id, solution=True)
            continue
        m = CHECK_CELL.match(cell.source)
        if m and m[1] in points:
            cell.source = TEST_SOURCE.format(ex=m[1], fn=m[2])
            cell.metadata["nbgrader"] = nbgrader_meta(unique(f"test_{m[1]}", used), grade=True,
                                                      points=points[m[1]])
    return nb


def unique(grade_id, used):
    name, n = grade_id, 1
    while name in used:
        n += 1
        name = f"{grade_id}_{n}"
    used.add(name)
    return name


def course_assignments(root=ROOT):
    """The assignments to export: grading.toml's, then one per lesson that no assignment
    covers (every lesson alone when grading.toml defines none)."""
    toml = root / "grading.toml"
    found = [assignments_config.load(name, toml) for name in assignments_config.names(toml)]
    covered = {lesson for a in found for lesson in a.lessons}
    return found + [assignments_config.load(lesson, toml) for lesson in lessons()
                    if lesson not in covered]


def export(out, root=ROOT):
    """Writes the nbgrader course into ``out``; returns the assignment folders written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if not (out / "nbgrader_config.py").exists():
        (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    written = []
    support = [f for f in learner_files(root) if str(f) not in SETUP_FILES]
    for a in course_assignments(root):
        folder = out / "source" / a.name
        if folder.exists():
            shutil.rmtree(folder)               # ours: rebuilt from solutions/ every time
        for rel in support:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, folder / rel)
        for lesson in a.lessons:
            points = {i: p for i, p in a.points.items() if i in lessons()[lesson]}
            nb = source_notebook(root / "solutions" / f"{lesson}.ipynb", points)
            nbformat.write(nb, folder / f"{lesson}.ipynb")
        written.append(folder)
    return written
