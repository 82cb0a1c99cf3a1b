"""nbgrader interoperability: the exported course has nbgrader's metadata, and the real
nbgrader generates the assignment and autogrades a solved and a wrong submission.

The real nbgrader runs in its own virtual environment, .nbgrader-venv/ at the course's
root (made here once, then reused; NBGRADER_VENV points elsewhere, NBGRADER_VENV=skip
skips it). Without network or PyPI that step is skipped with a message; everything else
still runs."""
import csv
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from checks.catalogue import lessons
from checks.classroom import assignments
from checks.classroom.nbgrader_export import export, source_notebook
from checks.engine.source import BEGIN, END, ROOT
from checks.strict import check_strict

VENV = os.environ.get("NBGRADER_VENV") or str(ROOT / ".nbgrader-venv")
PACKAGES = ["nbgrader==0.9.6", "numpy", "matplotlib", "ipykernel"]


def meta(cell):
    return cell.metadata.get("nbgrader")


def test_every_exercise_is_a_solution_cell_and_a_test_cell_worth_its_points():
    points = assignments.load("02").points
    nb = source_notebook(ROOT / "solutions" / "02_activations.ipynb", {**points, "tanh": 3})
    solutions = [c for c in nb.cells if meta(c) and meta(c)["solution"]]
    tests = [c for c in nb.cells if meta(c) and meta(c)["grade"]]
    assert len(solutions) == len(tests) == len(lessons()["02_activations"])
    assert all(BEGIN in c.source and not meta(c)["locked"] for c in solutions)
    assert all(meta(c)["locked"] and "check_strict(" in c.source for c in tests)
    assert {meta(c)["grade_id"]: meta(c)["points"] for c in tests}["test_tanh"] == 3
    ids = [meta(c)["grade_id"] for c in nb.cells if meta(c)]
    assert len(ids) == len(set(ids))
    assert not any(BEGIN in c.source for c in nb.cells if not meta(c))    # nbgrader's complaint
    assert all(c.get("outputs", []) == [] for c in nb.cells if c.cell_type == "code")


def test_check_strict_passes_the_right_answer_and_raises_on_a_wrong_one(capsys):
    import numpy as np
    check_strict("sigmoid", lambda z: 1 / (1 + np.exp(-np.asarray(z, dtype=float))))
    assert "passed" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="sigmoid: failed"):
        check_strict("sigmoid", lambda z: 1 / (1 + np.exp(np.asarray(z, dtype=float))))
    import blocks
    with pytest.raises(AssertionError, match="provided version"):
        check_strict("sigmoid", blocks.sigmoid)


def test_the_export_writes_every_lesson_with_what_it_imports(tmp_path):
    folders = export(tmp_path / "course")
    assert [f.name for f in folders] == list(lessons())       # no assignments in grading.toml
    one = tmp_path / "course" / "source" / "01_weighted_sum"
    assert {"01_weighted_sum.ipynb", "blocks.py", "checks"} <= {p.name for p in one.iterdir()}
    assert not (one / "checks" / "classroom" / "hidden_cases.py").exists() and not (one / "solutions").exists()
    config = tmp_path / "course" / "nbgrader_config.py"
    config.write_text("# mine\n", encoding="utf-8")
    export(tmp_path / "course")
    assert config.read_text(encoding="utf-8") == "# mine\n"   # the instructor's config is kept


def test_lessons_in_no_assignment_are_exported_too(tmp_path):
    from checks.classroom.nbgrader_export import course_assignments
    (tmp_path / "grading.toml").write_text('[assignments.week1]\nlessons = ["01", "02"]\n',
                                           encoding="utf-8")
    assert [a.name for a in course_assignments(tmp_path)] == ["week1", *list(lessons())[2:]]
    (tmp_path / "grading.toml").write_text("", encoding="utf-8")
    assert [a.name for a in course_assignments(tmp_path)] == list(lessons())


def nbgrader_venv():
    if VENV == "skip":
        pytest.skip("NBGRADER_VENV=skip: the real nbgrader is not run here")
    exe = os.path.join(VENV, "bin", "nbgrader")
    if os.path.exists(exe):
        return VENV
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True, timeout=120,
                       capture_output=True)
        subprocess.run([os.path.join(VENV, "bin", "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", *PACKAGES], check=True, timeout=900,
                       capture_output=True, text=True)
    except (subprocess.SubprocessError, OSError) as e:
        shutil.rmtree(VENV, ignore_errors=True)
        detail = getattr(e, "stderr", "") or str(e)
        pytest.skip(f"nbgrader could not be installed in {VENV} (no network or PyPI?): "
                    f"{str(detail).strip()[-300:]}")
    return VENV


def nbgrader(venv, course, *args):
    env = {**os.environ, "PATH": os.path.join(venv, "bin") + os.pathsep + os.environ["PATH"],
           "JUPYTER_PATH": os.path.join(venv, "share", "jupyter"), "PYTHONPATH": ""}
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run([os.path.join(venv, "bin", "nbgrader"), *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (args, run.stdout[-3000:], run.stderr[-3000:])
    return run


def solved_except(nb, bodies):
    """The source notebook's solution cells as a learner would write them (no markers),
    with some exercises' answers replaced by ``bodies``."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if BEGIN not in cell.source:
            continue
        name = cell.source.split("def ", 1)[-1].split("(", 1)[0]
        head, rest = cell.source.split(BEGIN, 1)
        body, tail = rest.split(END, 1)
        indent = head.rsplit("\n", 1)[-1]
        body = body.split("\n", 1)[1] if name not in bodies else indent + bodies[name] + "\n"
        cell.source = head[:len(head) - len(indent)] + body + tail.split("\n", 1)[-1]
    return nb


def test_the_real_nbgrader_generates_and_autogrades(tmp_path):
    venv = nbgrader_venv()
    course = tmp_path / "course"
    export(course)
    nbgrader(venv, course, "generate_assignment", "01_weighted_sum", "--force")
    released = course / "release" / "01_weighted_sum" / "01_weighted_sum.ipynb"
    text = released.read_text(encoding="utf-8")
    assert "raise NotImplementedError()" in text and "return float(np.dot(x, w) + b)" not in text

    source = nbformat.read(course / "source" / "01_weighted_sum" / "01_weighted_sum.ipynb", 4)
    for learner, bodies in [("ada", {}), ("bo", {"dense_forward": "return X @ W"})]:
        folder = course / "submitted" / learner / "01_weighted_sum"
        shutil.copytree(released.parent, folder)
        # the learner's work: the released notebook with their answers in the solution cells
        mine = nbformat.read(released, 4)
        answers = {meta(c)["grade_id"]: c.source for c in solved_except(source, bodies).cells
                   if meta(c) and meta(c)["solution"]}
        for cell in mine.cells:
            if meta(cell) and meta(cell)["solution"]:
                cell.source = answers[meta(cell)["grade_id"]]
        nbformat.write(mine, folder / "01_weighted_sum.ipynb")
    nbgrader(venv, course, "autograde", "01_weighted_sum", "--force")
    nbgrader(venv, course, "export", "--to", str(tmp_path / "grades.csv"))
    rows = {r["student_id"]: r for r in csv.DictReader(open(tmp_path / "grades.csv",
                                                            encoding="utf-8"))}
    assert {s: (float(r["raw_score"]), float(r["max_score"])) for s, r in rows.items()} == \
        {"ada": (3.0, 3.0), "bo": (2.0, 3.0)}   # layer_from_rows as solved
    graded = (course / "autograded" / "bo" / "01_weighted_sum" / "01_weighted_sum.ipynb")
    assert "bias" in graded.read_text(encoding="utf-8")        # the hint reached the notebook
