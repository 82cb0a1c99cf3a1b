"""A class as learners: names, lesson 00, unreadable and missing lessons, duplicates,
assignments and partial credit, Canvas and Moodle imports, formula-safe CSV, feedback
files that never merge two learners. Every file is parsed back."""
import csv
import io
import json
import shutil

import jsonschema
import pytest

from checks.__main__ import main
from checks.classroom import assignments, gradebook as learners, lms
from checks.classroom.assignments import Assignment, AssignmentError
from checks.classroom.csvsafe import cell, rows_to_csv
from checks.classroom.feedback import write_feedback
from checks.classroom.grade_class import grade
from checks.classroom.gradescope_results import results_json
from checks.engine.source import ROOT
from checks.grading import submissions
from checks.grading.submissions import find_submissions
from helpers import GRADESCOPE, Quick, submission


def quiet(line):
    pass


def parse(text):
    return list(csv.reader(io.StringIO(text)))


# ---- CSV cells a spreadsheet would run ------------------------------------------------

@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(1+1)*cmd", "+1+1",
                                  "-2+3", "\tx", "\rx", "=1"])
def test_formula_like_text_is_escaped(text):
    assert cell(text) == "'" + text
    assert parse(rows_to_csv([[text]]))[0][0].startswith("'")


@pytest.mark.parametrize("value, written", [("ada", "ada"), (-1.5, "-1.5"), (2, "2"),
                                            (0.1 + 0.2, "0.3"), (None, ""), ("a=b", "a=b")])
def test_ordinary_cells_and_numbers_are_left_alone(value, written):
    assert cell(value) == written


def test_a_hostile_folder_name_reaches_no_csv_unescaped(tmp_path):
    cls = tmp_path / "class"
    submission(cls, "=HYPERLINK(1)")
    submission(cls, "@SUM(1+1)*cmd")
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--csv", str(out / "n.csv"), "--gradebook",
                 str(out / "g.csv"), "--canvas", str(out / "c.csv"), "--moodle",
                 str(out / "m.csv"), "--feedback", str(out / "fb"),
                 "--assignment", "01"]) == 0
    for name in ("n.csv", "g.csv", "c.csv", "m.csv", "fb/learners.csv"):
        for row in parse((out / name).read_text(encoding="utf-8")):
            for value in row:
                assert not value.startswith(("=", "@", "+", "\t", "\r")), (name, value)
                assert not (value.startswith("-") and not value[1:2].isdigit()), (name, value)


# ---- who is who -----------------------------------------------------------------------

def test_learners_are_named_by_their_folder_relative_to_what_was_given(tmp_path):
    cls = tmp_path / "class"
    for learner in ("secA/ada", "secB/ada", "bo"):
        submission(cls, learner)
    (cls / "bo" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")                 # never graded
    nbgrader = cls / "cy" / "week1"                                      # submitted/cy/week1/
    nbgrader.mkdir(parents=True)
    shutil.copy(cls / "bo" / "01_weighted_sum.ipynb", nbgrader)
    loose = cls / "di.ipynb"                                             # a notebook per learner
    shutil.copy(cls / "bo" / "01_weighted_sum.ipynb", loose)
    canvas = cls / "lovelaceada_LATE_1234_5678_01_weighted_sum.ipynb"   # Canvas download
    shutil.copy(cls / "bo" / "01_weighted_sum.ipynb", canvas)
    found = find_submissions([cls], skip_folders={"week1"})
    assert sorted(s for s, _ in found) == ["bo", "cy", "di", "lovelaceada_1234", "secA/ada",
                                           "secB/ada"]
    assert submissions.lesson_by_name(canvas) == "01_weighted_sum"
    who = submissions.discover([cls], skip_folders={"week1"}).learners["lovelaceada_1234"]
    assert (who.canvas_id, who.login, who.late) == ("1234", "lovelaceada", True)
    # one learner's folder, or one notebook, keeps the learner's name
    assert [s for s, _ in find_submissions([cls / "bo"])] == ["bo"]
    assert [s for s, _ in find_submissions([cls / "bo" / "01_weighted_sum.ipynb"])] == ["bo"]


def result(student, lesson, score, error=None, path=None, exercises=None):
    if exercises is None:
        exercises = {} if error and score == 0 else {"weighted_sum": {
            "points": score, "max_points": 2, "passed": score == 2, "feedback": "weighted_sum: ...",
            "status": "passed" if score == 2 else "failed", "warnings": []}}
    return {"student": student, "lesson": lesson, "score": score, "max_score": 2,
            "error": error, "exercises": exercises,
            "path": path or f"{student}/{lesson}.ipynb"}


def test_gradebook_rows_missing_unreadable_and_duplicates():
    course = Assignment("w", {"weighted_sum": 1, "dense_forward": 1, "sigmoid": 1, "tanh": 1},
                        False, ["01_weighted_sum", "02_activations"])
    results = [result("ada", "01_weighted_sum", 0, "could not read it", "ada/01_weighted_sum.ipynb"),
               result("ada", "02_activations", 2),
               result("bo", "01_weighted_sum", 1, path="bo/01 copy.ipynb"),
               result("bo", "01_weighted_sum", 2, path="bo/01_weighted_sum.ipynb"),
               result("bo", "01_weighted_sum", 0, "could not read", "bo/01 (2).ipynb")]
    book = {row["learner"]: row for row in learners.gradebook(results, course)}
    ada, bo = book["ada"], book["bo"]
    assert (ada["total"], ada["max"]) == (2, 4)
    assert ada["lessons"]["01_weighted_sum"]["status"] == "unreadable"
    assert any("unreadable (could not read it)" in n for n in ada["notes"])
    assert (bo["total"], bo["lessons"]["02_activations"]["status"]) == (2, "not submitted")
    assert bo["lessons"]["01_weighted_sum"]["path"] == "bo/01_weighted_sum.ipynb"
    assert any("3 notebooks, the best counts" in n for n in bo["notes"])
    rows = parse(learners.to_csv(learners.gradebook(results, course), course))
    assert rows[0] == ["learner", "01_weighted_sum", "02_activations", "total", "max", "notes"]
    assert rows[1][:5] == ["ada", "0", "2", "2", "4"] and rows[2][:5] == ["bo", "2", "0", "2", "4"]
    assert all(float(r[3]) <= float(r[4]) for r in rows[1:])


def test_a_class_end_to_end_per_learner(tmp_path):
    cls = tmp_path / "class"
    submission(cls, "ada")
    submission(cls, "bo", {"dense_forward": "return X @ W"})
    shutil.copy(cls / "ada" / "01_weighted_sum.ipynb", cls / "bo" / "01_weighted_sum (1).ipynb")
    (cls / "cy").mkdir()
    (cls / "cy" / "01_weighted_sum.ipynb").write_text('{"cells": [', encoding="utf-8")  # truncated
    (cls / "cy" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--assignment", "01", "--json", str(out / "g.json"),
                 "--gradebook", str(out / "book.csv"), "--feedback", str(out / "fb")]) == 0
    data = json.loads((out / "g.json").read_text(encoding="utf-8"))
    assert {r["student"] for r in data["submissions"]} == {"ada", "bo", "cy"}
    assert not any("00_start_here" in r["path"] for r in data["submissions"])
    book = {r[0]: r for r in parse((out / "book.csv").read_text(encoding="utf-8"))[1:]}
    assert [book[n][1:4] for n in ("ada", "bo", "cy")] == [["3", "3", "3"], ["3", "3", "3"],
                                                          ["0", "0", "3"]]
    assert "unreadable" in book["cy"][4]
    bo = (out / "fb" / "bo.md").read_text(encoding="utf-8")
    assert "Total: **3 / 3**" in bo and "Not counted: 01_weighted_sum.ipynb (2 points)" in bo
    cy = (out / "fb" / "cy.md").read_text(encoding="utf-8")
    assert "Total: **0 / 3**" in cy and "Could not be read" in cy


# ---- feedback files -----------------------------------------------------------------------

def test_feedback_files_never_merge_learners(tmp_path):
    results = [result(name, "01_weighted_sum", 1) for name in
               ("secA/ada", "secB/ada", "a da", "a_da", "Ada", "ada")]
    paths = write_feedback(results, tmp_path / "fb",
                           Assignment("w", {"weighted_sum": 2}, False, ["01_weighted_sum"]))
    assert len({p.name.casefold() for p in paths}) == 6
    index = parse((tmp_path / "fb" / "learners.csv").read_text(encoding="utf-8"))
    assert index[0] == ["file", "learner", "total", "max"]
    whose = {row[0]: row[1] for row in index[1:]}
    assert sorted(whose.values()) == sorted(r["student"] for r in results)
    for name, learner in whose.items():
        assert (tmp_path / "fb" / name).read_text(encoding="utf-8").startswith(
            f"# Feedback for {learner} (w)\n")


# ---- assignments ------------------------------------------------------------------------

TOML = """
[points]
dense_forward = 3
[assignments.week1]
lessons = ["01", "02_activations"]
[assignments.forward]
exercises = ["dense_forward"]
partial_credit = true
[assignments.forward.points]
dense_forward = 10
"""


def test_assignments_load_with_their_points(tmp_path):
    toml = tmp_path / "grading.toml"
    toml.write_text(TOML, encoding="utf-8")
    week1 = assignments.load("week1", toml)
    assert week1.lessons == ["01_weighted_sum", "02_activations"]
    assert week1.points["dense_forward"] == 3 and week1.maximum == 1 + 3 + 1 + 7
    forward = assignments.load("forward", toml)
    assert forward.points == {"dense_forward": 10} and forward.partial_credit
    assert assignments.load("03", toml).points == {"init_params": 1, "forward": 1}
    assert assignments.load("course", toml).maximum == sum(assignments.whole_course(
        {**{i: 1 for i in week1.points}, **assignments.points_config.load(toml)}).points.values())


@pytest.mark.parametrize("text, message", [
    ("[assignments.a]\nlessons = [\"09\"]", "not a graded lesson"),
    ("[assignments.a]\nexercises = [\"sigmod\"]", "did you mean 'sigmoid'"),
    ("[assignments.a]\nlesons = [\"01\"]", "unknown key"),
    ("[assignments.a]\nlessons = \"01\"", "should be a list"),
    ("[assignments.a]\nlessons = []", "covers no exercise"),
    ("[assignments.a]\nlessons = [\"01\"]\n[assignments.a.points]\nsigmoid = 2", "not part of it"),
    ("[assignments.a]\nlessons = [\"01\"]\npartial_credit = \"yes\"", "true or false"),
    ("[assignments.b]\nlessons = [\"01\"]", "no assignment 'a'"),
])
def test_a_wrong_assignment_says_what_to_fix(tmp_path, text, message):
    toml = tmp_path / "grading.toml"
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(AssignmentError, match=message):
        assignments.load("a", toml)


def test_partial_credit_is_the_share_of_cases_passed():
    e = {"passed": False, "status": "failed", "cases": 8, "passed_cases": 6}
    assert assignments.earned(e, 4, partial=True) == 3 and assignments.earned(e, 4, False) == 0
    assert assignments.earned({**e, "status": "missing"}, 4, True) == 0
    assert assignments.earned({**e, "passed": True}, 4, True) == 4


def test_an_assignment_grades_and_reports_only_its_lessons(tmp_path, monkeypatch):
    toml = tmp_path / "grading.toml"
    toml.write_text("[assignments.one]\nexercises = [\"dense_forward\"]\npartial_credit = true\n"
                    "[assignments.one.points]\ndense_forward = 4\n", encoding="utf-8")
    monkeypatch.setattr(assignments.points_config, "FILE", toml)
    cls = tmp_path / "class"
    # right on some cases only: adds b only when X has one row
    submission(cls, "ada", {"dense_forward": "return X @ W + b if X.shape[0] == 1 else X @ W"})
    other = cls / "ada" / "02_activations.ipynb"
    other.write_text("{broken", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--assignment", "one", "--json", str(out / "g.json"),
                 "--gradescope", str(out / "results.json")]) == 0
    data = json.loads((out / "g.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in data["submissions"]] == [str(cls / "ada" / "01_weighted_sum.ipynb")]
    (row,) = data["learners"]
    e = data["submissions"][0]["exercises"]
    assert list(e) == ["dense_forward"] and 0 < e["dense_forward"]["points"] < 4
    assert row["total"] == e["dense_forward"]["points"] and row["max"] == 4
    gs = json.loads((out / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(gs, GRADESCOPE)
    assert [t["max_score"] for t in gs["tests"]] == [4]


def test_gradescope_lists_every_expected_exercise_and_extra_lessons_gain_nothing(tmp_path):
    sub = tmp_path / "submission"
    submission(tmp_path, "x").rename(tmp_path / "x.ipynb")
    sub.mkdir()
    (tmp_path / "x.ipynb").rename(sub / "01_weighted_sum.ipynb")
    results = grade([sub], limits=Quick, echo=quiet)
    week = Assignment("w", {"dense_forward": 1, "sigmoid": 1, "tanh": 1}, False,
                      ["01_weighted_sum", "02_activations"])
    kept, ignored = assignments.apply(results, week)
    gs = results_json(kept, 1, week, ignored)
    jsonschema.validate(gs, GRADESCOPE)
    assert [(t["number"], t["score"], t["max_score"]) for t in gs["tests"]] == [
        ("1.2", 1, 1), ("2.1", 0, 1), ("2.2", 0, 1)]
    assert "02_activations.ipynb" in gs["tests"][1]["output"] and gs["score"] == 1
    only02 = Assignment("02", {"sigmoid": 1}, False, ["02_activations"])
    kept, ignored = assignments.apply(results, only02)
    gs = results_json(kept, 1, only02, ignored)
    assert gs["score"] == 0 and "not part of this assignment" in gs["output"]


# ---- LMS imports ----------------------------------------------------------------------

def test_canvas_and_moodle_imports_parse_back():
    week = Assignment("week1", {"weighted_sum": 1, "dense_forward": 2}, False, ["01_weighted_sum"])
    results = [result("secA/ada", "01_weighted_sum", 3), result("lovelace_77_1", "01_weighted_sum", 1),
               result("=cmd", "01_weighted_sum", 0, "could not read it")]
    results[1]["student"] = "lovelace_77"
    who = {"lovelace_77": {"login": "lovelace", "canvas_id": "77", "folders": ["lovelace_77"]},
           "secA/ada": {"login": "ada", "section": "secA", "folders": ["secA/ada"]},
           "=cmd": {"login": "=cmd", "folders": ["=cmd"]}}
    book = learners.gradebook(results, week, who)
    canvas = parse(lms.canvas(book, week))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "week1"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][5] == "3"
    rows = {r[3]: r for r in canvas[2:]}
    assert rows["ada"][4:] == ["secA", "3"] and rows["lovelace"][1] == "77"
    assert rows["'=cmd"][5] == "0"
    assert all(float(r[5]) <= 3 for r in canvas[2:])
    moodle = parse(lms.moodle(book, week))
    assert moodle[0] == ["Username", "Learner folder", "week1", "week1 feedback", "Email address"]
    by_user = {r[0]: r for r in moodle[1:]}
    assert by_user["ada"][1:3] == ["secA/ada", "3"] and by_user["lovelace"][2] == "1"
    assert "unreadable" in by_user["'=cmd"][3]


def test_unknown_assignment_on_the_command_line_is_a_sentence(tmp_path, capsys):
    submission(tmp_path / "class", "ada")
    assert main(["grade", str(tmp_path / "class"), "--assignment", "nope"]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err


def test_the_repository_grading_toml_assignments_load():
    for name in assignments.names(ROOT / "grading.toml"):
        assert assignments.load(name).maximum > 0


def test_the_instructor_guides_example_grading_toml_loads(tmp_path):
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    example = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    toml = tmp_path / "grading.toml"
    toml.write_text(example, encoding="utf-8")
    week3 = assignments.load("week3", toml)
    assert week3.partial_credit and week3.points["backward"] == 5 and week3.points["train"] == 2
    assert week3.lessons == ["05_chain_rule", "06_backpropagation", "07_weight_updates"]
    assert assignments.load("week1", toml).maximum == 10


def test_every_learner_found_is_in_the_gradebook_and_shared_logins_are_flagged(tmp_path, capsys):
    cls = tmp_path / "class"
    submission(cls, "secA/ada")
    submission(cls, "secB/ada")
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--assignment", "02", "--gradebook", str(out / "g.csv"),
                 "--canvas", str(out / "c.csv")]) == 0
    rows = parse((out / "g.csv").read_text(encoding="utf-8"))
    assert [r[:4] for r in rows[1:]] == [["secA/ada", "0", "0", "7"], ["secB/ada", "0", "0", "7"]]
    assert all("not submitted" in r[4] for r in rows[1:])
    assert "share the login 'ada'" in capsys.readouterr().err


def test_status_and_grading_hash_the_same_course_code():
    """One list decides both caches: the checks' code and stored cases, the provided modules."""
    from checks.engine.source import ROOT
    from checks.grading.store import course_code
    names = {p.relative_to(ROOT).as_posix() for p in course_code()}
    assert {"blocks.py", "digits.py", "checks/__init__.py"} <= names
    assert any(n.startswith("checks/") and n.endswith(".json") for n in names)
