"""A class at a time: parallel jobs, stored results and resuming, points, progress,
feedback files and Gradescope's results.json."""
import csv
import io
import json
import re

import jsonschema
import nbformat
import numpy as np
import pytest

import checks.classroom.grade_class
from checks.authoring.build import REGION
from checks.catalogue import EXERCISES
from checks.classroom import assignments
from checks.classroom.assignments import Assignment
from checks.classroom.feedback import write_feedback
from checks.classroom.grade_class import grade
from checks.classroom.gradescope_results import results_json
from checks.classroom.hidden_cases import cached_reference, hidden_cases
from checks.classroom.progress_bar import Meter
from checks.engine.source import ROOT
from checks.grading import points as points_config
from helpers import GRADESCOPE, Quick, submission

# Gradescope's results.json, from https://gradescope-autograders.readthedocs.io/en/latest/specs/



def quiet(line):
    pass


def a_class(folder):
    """Four learners of lesson 01: complete, partial, broken file, wrong answer."""
    submission(folder, "ada")
    submission(folder, "bo", {"dense_forward": "raise NotImplementedError()"})
    (folder / "cy").mkdir(parents=True)
    (folder / "cy" / "01_weighted_sum.ipynb").write_text("{broken", encoding="utf-8")
    submission(folder, "di", {"weighted_sum": "return float(np.dot(x, w))"})
    return folder


def counting(monkeypatch):
    """The notebooks grade() actually grades (not taken from stored results)."""
    graded, real = [], checks.classroom.grade_class.grade_notebook
    def grade_notebook(path, *args, **kwargs):
        graded.append(path)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(checks.classroom.grade_class, "grade_notebook", grade_notebook)
    return graded


def interrupt_after(k):
    lines = []
    def echo(line):
        lines.append(line)
        if len(lines) == k:
            raise KeyboardInterrupt
    return echo


def test_an_interrupted_batch_resumes_and_ends_as_a_clean_run(tmp_path, monkeypatch):
    cls = a_class(tmp_path / "class")
    clean = grade([cls], tmp_path / "clean.json", tmp_path / "clean.csv", limits=Quick,
                  echo=quiet, jobs=2)
    assert [r["score"] for r in clean] == [3, 2, 0, 2]   # + layer_from_rows, as solved

    out_json, out_csv = tmp_path / "grades.json", tmp_path / "grades.csv"
    graded = counting(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        grade([cls], out_json, out_csv, limits=Quick, echo=interrupt_after(2), jobs=1)
    assert not out_json.exists() and not out_csv.exists()     # no half gradebook
    stored = len(list((tmp_path / "grades.results").glob("*.json")))
    assert 2 <= stored < 4 and len(graded) == stored

    graded.clear()
    lines = []
    again = grade([cls], out_json, out_csv, limits=Quick, echo=lines.append, jobs=1)
    assert len(graded) == 4 - stored                          # only the rest
    assert sum("(stored)" in line for line in lines) == stored
    assert again == clean
    assert out_json.read_text(encoding="utf-8") == (tmp_path / "clean.json").read_text(encoding="utf-8")
    assert json.loads(out_json.read_text(encoding="utf-8"))["submissions"] == clean
    assert out_csv.read_text(encoding="utf-8") == (tmp_path / "clean.csv").read_text(encoding="utf-8")
    assert re.search(r"4 submissions in .* s \(\d already graded.*\): mean score 1\.75 "
                     r"\(58% of the maximum\); 1 with errors\.", lines[-1]), lines[-1]
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_a_changed_notebook_or_changed_points_are_regraded(tmp_path, monkeypatch):
    cls = tmp_path / "class"
    submission(cls, "ada")
    bo = submission(cls, "bo", {"dense_forward": "return X @ W"})
    out = tmp_path / "grades.json"
    grade([cls], out, limits=Quick, echo=quiet)
    graded = counting(monkeypatch)

    assert [r["score"] for r in grade([cls], out, limits=Quick, echo=quiet)] == [3, 2]
    assert graded == []                                       # nothing changed

    submission(cls, "bo", {"dense_forward": "return X @ W + np.reshape(b, (1, -1)) * 1.0"})
    assert [r["score"] for r in grade([cls], out, limits=Quick, echo=quiet)] == [3, 3]
    assert graded == [bo]

    graded.clear()
    more = {**points_config.load(), "dense_forward": 3}
    results = grade([cls], out, limits=Quick, echo=quiet, points=more)
    assert len(graded) == 2
    assert [(r["score"], r["max_score"]) for r in results] == [(5, 5), (5, 5)]
    assert results[0]["exercises"]["dense_forward"]["max_points"] == 3


def test_points_come_from_grading_toml(tmp_path):
    assert set(points_config.load(tmp_path / "absent.toml").values()) == {1}
    toml = tmp_path / "grading.toml"
    toml.write_text("[points]\nbackward = 3\ntrain = 0.5\n", encoding="utf-8")
    table = points_config.load(toml)
    assert (table["backward"], table["train"], table["sigmoid"]) == (3, 0.5, 1)
    assert set(table) == set(EXERCISES)
    toml.write_text("[points]\nsigmod = 2\n", encoding="utf-8")
    with pytest.raises(points_config.PointsError, match="'sigmod', which is not an exercise "
                                                        r"\(did you mean 'sigmoid'\?\)"):
        points_config.load(toml)
    toml.write_text("[points]\nsigmoid = 'two'\n", encoding="utf-8")
    with pytest.raises(points_config.PointsError, match="must be a number"):
        points_config.load(toml)
    toml.write_text("[points\n", encoding="utf-8")
    with pytest.raises(points_config.PointsError, match="not valid TOML"):
        points_config.load(toml)


def test_the_repository_points_file_is_valid():
    assert (ROOT / "grading.toml").exists()
    points_config.load()


def test_points_reach_the_csv_and_gradescope(tmp_path):
    cls = tmp_path / "class"
    submission(cls, "bo", {"dense_forward": "return X @ W"})
    table = {**points_config.load(), "weighted_sum": 2.5, "dense_forward": 4}
    results = grade([cls], csv_path=tmp_path / "g.csv", limits=Quick, echo=quiet, points=table)
    row = next(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8", newline="")))
    assert (row["score"], row["max_score"], row["weighted_sum"], row["dense_forward"]) == \
        ("3.5", "7.5", "2.5", "0")                     # layer_from_rows: 1 of 1
    lesson01 = Assignment("01", {"weighted_sum": 2.5, "dense_forward": 4}, False, ["01_weighted_sum"])
    gs = results_json(results, 1.2, lesson01)
    jsonschema.validate(gs, GRADESCOPE)
    assert gs["score"] == 2.5                           # the assignment's two exercises
    assert [(t["max_score"], t["score"], t["status"]) for t in gs["tests"]] == \
        [(2.5, 2.5, "passed"), (4, 0, "failed")]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_only_on_a_terminal():
    bar, plain = Terminal(), io.StringIO()
    for stream in (bar, plain):
        meter = Meter(3, stream)
        for _ in range(3):
            meter.clear()
            meter.step()
    assert "\r[" in bar.getvalue() and "3/3" in bar.getvalue() and "#" * 30 in bar.getvalue()
    assert plain.getvalue() == ""


# ---- feedback files and Gradescope ------------------------------------------------

def numbers(text):
    """Every number written with at least 3 significant digits."""
    found = set()
    for token in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d{3,}", text):
        digits = re.sub(r"e.*|[-.]|^0+", "", token.split("e")[0])
        if len(digits.lstrip("0")) >= 3:
            found.add(float(token))
    return found


def hidden_values(exercise_ids, learner=None):
    """The numbers of ``learner``'s hidden cases (their inputs and expected values)."""
    values, reference = set(), cached_reference()
    for ex_id in exercise_ids:
        for case in hidden_cases(EXERCISES[ex_id], reference[ex_id], learner):
            if case.hidden:
                for part in (*case.args, case.expected):
                    values.update(np.ravel(np.asarray(part, dtype=float)).tolist())
    return values


def solution_bodies(lesson):
    nb = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    return [normalised("\n".join(m[0].splitlines()[1:-1]))
            for c in nb.cells if c.cell_type == "code" for m in REGION.finditer(c.source)]


def normalised(text):
    return "\n".join(line.strip() for line in text.splitlines()
                     if line.strip() and not line.strip().startswith("#"))


def test_feedback_explains_failures_and_reveals_no_hidden_case_or_solution(tmp_path):
    cls = tmp_path / "class"
    # right on the visible cases (1 to 3 inputs), wrong on the larger hidden ones
    submission(cls, "ada", {"weighted_sum": "r = float(np.dot(x, w) + b)\n"
                                            "return r if x.size <= 3 else r + 0.5",
                            "dense_forward": "return X @ W"})
    submission(cls, "bo", {"weighted_sum": "raise NotImplementedError()",
                           "dense_forward": "return np.exp(X @ W + b) * 0 + X @ W + b"},
               extra_cells=["np.exp(np.array([1000.0]))", "1 / 0"])
    results = grade([cls], limits=Quick, echo=quiet)
    paths = write_feedback(results, tmp_path / "feedback", assignments.load("01"))
    assert [p.name for p in paths] == ["ada.md", "bo.md"]
    ada, bo = (p.read_text(encoding="utf-8") for p in paths)

    ws = results[0]["exercises"]["weighted_sum"]
    assert "(hidden)" in ws["feedback"] and ws["feedback"] in ada   # the check's own message
    assert "Total: **1 / 3**" in ada and "bias is missing" in ada
    assert "not attempted" in bo and "ZeroDivisionError" in bo
    for learner, text in (("ada", ada), ("bo", bo)):
        leaked = {v for v in numbers(text)
                  for h in hidden_values(["weighted_sum", "dense_forward"], learner)
                  if np.isclose(v, h, rtol=1e-3, atol=0)}
        assert not leaked, f"hidden values in the feedback: {sorted(leaked)[:5]}"
        for body in solution_bodies("01_weighted_sum"):
            assert body not in normalised(text)


def test_warnings_are_reported_never_scored(tmp_path):
    cls = tmp_path / "class"
    submission(cls, "cy", {"weighted_sum": "import warnings\n"
                                           "warnings.warn('careful')\n"
                                           "return float(np.dot(x, w) + b)"})
    results = grade([cls], limits=Quick, echo=quiet)
    e = results[0]["exercises"]["weighted_sum"]
    assert e["passed"] and e["points"] == 1 and e["warnings"] == ["careful"]
    text = write_feedback(results, tmp_path / "fb")[0].read_text(encoding="utf-8")
    assert "Warnings (reported, not scored):\n\n- careful" in text
    gs = results_json(results, 0.4, assignments.load("01"))
    jsonschema.validate(gs, GRADESCOPE)
    assert "- careful" in gs["tests"][0]["output"] and gs["tests"][0]["score"] == 1


def test_gradescope_results_for_several_notebooks_and_for_none(tmp_path):
    sub = tmp_path / "submission"
    submission(tmp_path, "a", {"dense_forward": "return X @ W"}).rename(sub / "01_weighted_sum.ipynb") \
        if sub.mkdir() is None else None
    copy = submission(tmp_path, "b")
    copy.rename(sub / "01_weighted_sum (1).ipynb")
    results = grade([sub], limits=Quick, echo=quiet)
    gs = results_json(results, 3.4, assignments.load("01"))
    jsonschema.validate(gs, GRADESCOPE)
    assert [t["number"] for t in gs["tests"]] == ["1.1", "1.2", "1.3"]
    assert gs["score"] == 3 and all(t["status"] == "passed" for t in gs["tests"])
    assert "more than one of your notebooks" in gs["output"]
    assert gs["execution_time"] == 3

    empty = results_json([], 0.1, assignments.load("01"))
    jsonschema.validate(empty, GRADESCOPE)
    assert empty["score"] == 0 and "No notebook" in empty["output"]


def test_every_exercise_has_its_own_gradescope_number():
    from checks.classroom.gradescope_results import numbers
    assert set(numbers()) == set(EXERCISES) and len(set(numbers().values())) == len(EXERCISES)
    assert numbers()["weighted_sum"] == "1.1" and numbers()["dense_forward"] == "1.2"


def test_the_command_line(tmp_path, capsys):
    from checks.__main__ import main
    cls = tmp_path / "class"
    submission(cls, "ada", {"dense_forward": "return X @ W"})
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--jobs", "2", "--json", str(out / "g.json"),
                 "--csv", str(out / "g.csv"), "--feedback", str(out / "fb"),
                 "--gradescope", str(out / "results.json")]) == 0
    printed = capsys.readouterr().out
    assert "ada" in printed and "1 submission in" in printed and "1 feedback files" in printed
    assert json.loads((out / "g.json").read_text(encoding="utf-8"))["submissions"][0]["score"] == 2
    assert (out / "fb" / "ada.md").exists() and (tmp_path / "class.results").is_dir()
    assert f"none reused; looked in {tmp_path / 'class.results'}" in printed
    jsonschema.validate(json.loads((out / "results.json").read_text(encoding="utf-8")), GRADESCOPE)
    assert main(["grade", str(tmp_path / "nothing")]) == 2
    assert "No such file or folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["grade", str(tmp_path / "empty")]) == 2
    assert "No notebooks found" in capsys.readouterr().err
