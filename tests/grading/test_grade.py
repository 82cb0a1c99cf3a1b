"""Grading end to end on generated submissions: complete, partial, raising, looping,
exiting, broken. Each learner gets every exercise graded that can be, and a reason."""
import csv
import json

import nbformat
import pytest

from checks.catalogue import EXERCISES
from checks.classroom.grade_class import grade, grade_submission
from checks.engine.verdicts import NOT_ATTEMPTED
from helpers import Quick, points, submission


def graded(path):
    return grade_submission(path, limits=Quick)


def test_complete_submission_gets_full_marks(tmp_path):
    r = graded(submission(tmp_path, "ada"))
    assert (r["score"], r["max_score"], r["error"]) == (3, 3, None)


def test_partial_submission(tmp_path):
    r = graded(submission(tmp_path, "bo", {"weighted_sum": "return float(np.dot(x, w) + b)"},
                          stub_all=True))
    assert points(r) == {"weighted_sum": 1, "dense_forward": 0}
    assert r["exercises"]["dense_forward"]["status"] == NOT_ATTEMPTED
    assert "not attempted" in r["exercises"]["dense_forward"]["feedback"]


def test_a_wrong_answer_gets_its_hint(tmp_path):
    r = graded(submission(tmp_path, "cy", {"dense_forward": "return X @ W"}))
    fb = r["exercises"]["dense_forward"]["feedback"]
    assert points(r) == {"weighted_sum": 1, "dense_forward": 0}
    assert "bias is missing" in fb


def test_a_raising_function_and_a_raising_cell(tmp_path):
    r = graded(submission(tmp_path, "di", {"dense_forward": "raise ValueError('oops')"},
                          extra_cells=["1 / 0"]))
    assert points(r) == {"weighted_sum": 1, "dense_forward": 0}
    assert "ValueError: oops" in r["exercises"]["dense_forward"]["feedback"]
    assert "ZeroDivisionError" in r["error"]


def test_an_infinite_loop_in_a_call_costs_only_that_exercise(tmp_path):
    r = graded(submission(tmp_path, "ed", {"weighted_sum": "while True:\n    pass"}))
    assert points(r) == {"weighted_sum": 0, "dense_forward": 1}
    assert "did not finish within" in r["exercises"]["weighted_sum"]["feedback"]


def test_an_infinite_loop_in_a_cell_is_skipped(tmp_path):
    r = graded(submission(tmp_path, "fa", extra_cells=["while True:\n    pass"]))
    assert points(r) == {"weighted_sum": 1, "dense_forward": 1}
    assert "did not finish" in r["error"]


@pytest.mark.parametrize("code", ["import sys\nsys.exit(3)", "raise KeyboardInterrupt",
                                  "import os\nos._exit(1)"])
def test_exits_cost_only_that_exercise(tmp_path, code):
    r = graded(submission(tmp_path, "gu", {"weighted_sum": code}))
    assert points(r) == {"weighted_sum": 0, "dense_forward": 1}


def test_a_cell_that_exits_the_process(tmp_path):
    r = graded(submission(tmp_path, "hu", extra_cells=["import os\nos._exit(0)"]))
    assert points(r) == {"weighted_sum": 1, "dense_forward": 1}
    assert "exit code 0" in r["error"]


def test_a_missing_exercise(tmp_path):
    path = submission(tmp_path, "io")
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "def dense_forward" not in c.source]
    nbformat.write(nb, path)
    r = graded(path)
    assert points(r) == {"weighted_sum": 1, "dense_forward": 0}
    assert "no function named dense_forward" in r["exercises"]["dense_forward"]["feedback"]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\x00\xff\x10binary"])
def test_an_unreadable_file_is_reported(tmp_path, content):
    path = tmp_path / "01_weighted_sum.ipynb"
    path.write_bytes(content)
    r = graded(path)
    assert r["score"] == 0 and "could not read" in r["error"]


def test_a_class_batch_writes_json_and_csv(tmp_path):
    submission(tmp_path / "class", "ada")
    submission(tmp_path / "class", "bo", {"dense_forward": "while True:\n    pass"})
    (tmp_path / "class" / "cy").mkdir()
    (tmp_path / "class" / "cy" / "01_weighted_sum.ipynb").write_text("{broken", encoding="utf-8")
    out_json, out_csv = tmp_path / "grades.json", tmp_path / "grades.csv"
    results = grade([tmp_path / "class"], out_json, out_csv, limits=Quick, echo=lambda s: None)
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["submissions"] == results
    assert data["isolation"].startswith(("on (", "OFF ("))
    n = len(EXERCISES)                                  # the course's whole total
    assert [(row["learner"], row["total"], row["max"]) for row in data["learners"]] == [
        ("ada", 3, n), ("bo", 2, n), ("cy", 0, n)]
    by_student = {r["student"]: r for r in data["submissions"]}
    assert {s: r["score"] for s, r in by_student.items()} == {"ada": 3, "bo": 2, "cy": 0}
    for r in data["submissions"]:
        # "transient": only when this machine's load decided a verdict (never stored)
        assert set(r) - {"transient", "notes"} == {"path", "student", "lesson", "score",
                                                   "max_score", "error", "exercises"}
        assert ("notes" in r) == bool(r["error"])       # the error as message data
        assert r["lesson"] == "01_weighted_sum"
        for e in r["exercises"].values():
            assert set(e) == {"passed", "points", "max_points", "status", "mistake", "reason",
                              "warnings", "feedback", "cases", "passed_cases",
                              "lines", "why", "warnings_data"}     # the last three: message data
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8", newline="")))
    assert [(row["student"], row["score"]) for row in rows] == [("ada", "3"), ("bo", "2"),
                                                                ("cy", "0")]


def test_the_same_submission_always_gets_the_same_result(tmp_path):
    path = submission(tmp_path, "jo", {"dense_forward": "return X @ W.T + b"})
    assert graded(path) == graded(path)
