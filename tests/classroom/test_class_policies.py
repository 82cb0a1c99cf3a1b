"""A class graded as instructors run one, end to end through ``python -m checks grade``:
a roster (everyone listed, strangers reported and left out of every export), files not
graded said so, feedback for every row, CSV for Excel, one store reused whatever is asked;
late rules from grading.toml with nbgrader's timestamp.txt and a dates file, overrides, one
learner regraded with --only; Gradescope's wrong-lesson upload and per-test visibility."""
import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

import jsonschema
import nbformat
import pytest

from checks.__main__ import main
from checks.classroom import assignments, late, overrides
from checks.classroom.assignments import Assignment
from checks.classroom.gradebook import gradebook
from checks.classroom.gradescope_results import results_json
from helpers import GRADESCOPE, submission

ROSTER = ("login,name,email,section,canvas_id,sis_id,moodle_username\n"
          "ada,Ada Lovelace,ada@uni.example,secA,101,S1,ada.l\n"
          "carol,Carol Wu,carol@uni.example,secB,104,S4,carol\n"
          "dan,Dan Brown,dan@uni.example,secB,105,S5,dan\n")


def parse(text):
    return list(csv.reader(io.StringIO(text)))


def rows(path):
    text = path.read_text(encoding="utf-8")
    return {r[0]: r for r in parse(text.lstrip("\ufeff"))[1:]}, text


def test_a_roster_lists_everyone_and_exports_no_stranger(tmp_path, capsys):
    cls = tmp_path / "class"
    submission(cls, "ada")
    submission(cls, "jdoe_2024")                            # no one on the roster
    (cls / "carol").mkdir()
    (cls / "carol" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")     # only 00
    untitled = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(untitled, cls / "ada" / "Untitled.ipynb")
    (cls / "ada" / "03_forward_pass.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--assignment", "01", "--roster", str(tmp_path / "roster.csv"),
                 "--gradebook", str(out / "g.csv"), "--canvas", str(out / "c.csv"),
                 "--moodle", str(out / "m.csv"), "--feedback", str(out / "fb"),
                 "--json", str(out / "g.json"), "--excel"]) == 0
    printed = capsys.readouterr()
    book, text = rows(out / "g.csv")
    assert text.startswith("\ufeff")
    assert sorted(book) == ["ada", "carol", "dan"]                   # jdoe_2024 left out
    assert book["ada"][1:7] == ["Ada Lovelace", "ada@uni.example", "secA", "3", "3", "3"]
    assert book["carol"][4:7] == ["0", "0", "3"] and "not submitted" in book["carol"][7]
    assert "Untitled.ipynb: not graded, because" in book["ada"][7]
    assert "03_forward_pass.html: not graded, because it is not a notebook" in book["ada"][7]
    assert "Not exported: jdoe_2024 (1 notebook(s)): it matches no one" in printed.err
    assert "file(s) not graded" in printed.err
    canvas, _ = rows(out / "c.csv")
    assert canvas["Ada Lovelace"][1:5] == ["101", "S1", "ada", "secA"]
    assert not any("jdoe" in ",".join(r) for r in canvas.values())
    moodle, _ = rows(out / "m.csv")
    assert sorted(moodle) == ["ada.l", "carol", "dan"] and moodle["ada.l"][2] == "3"
    fb = out / "fb"
    index, _ = rows(fb / "learners.csv")
    assert sorted(r[1] for r in index.values()) == ["ada", "carol", "dan"]
    for name in index:
        assert (fb / name).is_file()
    ada = (fb / "ada.md").read_text(encoding="utf-8")
    assert "03_forward_pass.html: not graded, because it is not a notebook" in ada
    assert "Untitled.ipynb defines none of the course's exercises" in ada
    data = json.loads((out / "g.json").read_text(encoding="utf-8"))
    assert data["roster"] and [u["folder"] for u in data["unmatched"]] == ["jdoe_2024"]
    row = next(r for r in data["learners"] if r["learner"] == "ada")
    assert row["who"]["canvas_id"] == "101" and row["who"]["folders"] == ["ada"]
    assert {s["path"].rsplit("/", 1)[-1] for s in row["not_graded"]} == {
        "Untitled.ipynb", "03_forward_pass.html"}
    assert {r["student"] for r in data["submissions"]} == {"ada"}
    # the same store, whatever is asked for: nothing graded again
    assert main(["grade", str(cls), "--assignment", "01", "--gradebook", str(out / "g2.csv")]) == 0
    assert "Stored results: 3 of 3 reused, from " + str(tmp_path / "class.results") in \
        capsys.readouterr().out


def test_without_a_roster_lesson_00_only_is_a_row_and_moodle_refuses_no_one_silently(tmp_path,
                                                                                      capsys):
    cls = tmp_path / "k"
    submission(cls, "ada")
    (cls / "carol").mkdir()
    (cls / "carol" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    submission(cls, "Peggy Sue")
    out = tmp_path / "out"
    assert main(["grade", str(cls), "--assignment", "01", "--gradebook", str(out / "g.csv"),
                 "--moodle", str(out / "m.csv"), "--feedback", str(out / "fb")]) == 0
    book, text = rows(out / "g.csv")
    assert not text.startswith("\ufeff")
    assert sorted(book) == ["Peggy Sue", "ada", "carol"] and book["carol"][1] == "0"
    assert (out / "fb" / "carol.md").is_file()
    moodle, _ = rows(out / "m.csv")
    assert sorted(moodle) == ["ada", "carol"]
    assert "Peggy Sue is left out of" in capsys.readouterr().err


def test_a_roster_moodle_cannot_import_stops_before_grading(tmp_path, capsys):
    submission(tmp_path / "class", "ada")
    (tmp_path / "r.csv").write_text("login,name\nAda Lovelace,Ada\n", encoding="utf-8")
    assert main(["grade", str(tmp_path / "class"), "--roster", str(tmp_path / "r.csv"),
                 "--moodle", str(tmp_path / "m.csv")]) == 2
    assert "cannot be Moodle usernames: 'Ada Lovelace'" in capsys.readouterr().err
    assert not (tmp_path / "m.csv").exists() and not (tmp_path / "class.results").exists()


# ---- late rules and overrides ---------------------------------------------------------

TOML = """
[late]
penalty = 10
per = "day"
maximum = 50
grace_minutes = 10
[assignments.week1]
lessons = ["01"]
due = 2026-03-01T23:59:00+00:00
gradescope_visibility = "after_due_date"
"""


def test_late_rules_and_overrides_reach_gradebook_json_and_feedback(tmp_path, monkeypatch,
                                                                    capsys):
    toml = tmp_path / "grading.toml"
    toml.write_text(TOML, encoding="utf-8")
    monkeypatch.setattr(assignments.points_config, "FILE", toml)
    sub = tmp_path / "submitted"
    stamps = {"ada": "2026-03-01 23:59:30.000000 UTC",         # within the grace period
              "bo": "2026-03-03 10:00:00 UTC",                 # 1 d 10 h late: 2 days, 20%
              "cy": "2026-03-01 12:00:00 UTC"}                 # the dates file says otherwise
    for who, stamp in stamps.items():
        path = submission(sub / who, "week1", {"dense_forward": "return X @ W"}
                          if who == "cy" else None)
        (path.parent / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
    (tmp_path / "dates.csv").write_text("learner,submitted,lesson\ncy,2026-03-05T00:00+00:00,01\n",
                                        encoding="utf-8")
    (tmp_path / "fix.csv").write_text(
        "learner,item,points,reason\ncy,dense_forward,1,graded by hand\n"
        "nobody,01,1,typo in the name\nada,sigmoid,1,another assignment's\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["grade", str(sub), "--assignment", "week1", "--gradebook", str(out / "g.csv"),
            "--json", str(out / "g.json"), "--feedback", str(out / "fb"),
            "--dates", str(tmp_path / "dates.csv"), "--overrides", str(tmp_path / "fix.csv")]
    assert main(args) == 0
    assert "Not applied: " in capsys.readouterr().err
    book, _ = rows(out / "g.csv")
    assert {k: v[2] for k, v in book.items()} == {"ada": "3", "bo": "2.4", "cy": "1.8"}
    assert "late by 1 d 10 h (timestamp.txt), 20% off" in book["bo"][4]
    assert "dense_forward: 0 -> 1 by the instructor (graded by hand)" in book["cy"][4]
    assert "late by 3 d (the dates file), 40% off: 3 -> 1.8" in book["cy"][4]
    data = json.loads((out / "g.json").read_text(encoding="utf-8"))
    cell = {r["learner"]: r["lessons"]["01_weighted_sum"] for r in data["learners"]}
    assert cell["bo"]["late"]["penalty_percent"] == 20 and "late" not in cell["ada"]
    assert cell["cy"]["overrides"] == [{"item": "dense_forward", "graded": 0, "points": 1,
                                        "reason": "graded by hand"}]
    assert data["assignment"]["due"] == "2026-03-01T23:59:00+00:00"
    assert data["overrides_not_applied"] == [{"row": 3, "learner": "nobody", "item": "01_weighted_sum"}]
    bo = (out / "fb" / "bo.md").read_text(encoding="utf-8")
    assert "Handed in late by 1 d 10 h (timestamp.txt): 20% off, 3 becomes 2.4 points." in bo
    cy = (out / "fb" / "cy.md").read_text(encoding="utf-8")
    assert "Changed by your instructor: dense_forward from 0 to 1 points (graded by hand)." in cy
    assert "Total: **1.8 / 3**" in cy

    # --only regrades that learner: a stored result tampered with stays until then
    store = tmp_path / "submitted.results"
    for stored in store.glob("*.json"):
        r = json.loads(stored.read_text(encoding="utf-8"))
        if r["student"] == "ada":
            stored.write_text(json.dumps({**r, "score": 0, "exercises": {
                i: {**e, "points": 0, "passed": False} for i, e in r["exercises"].items()}}),
                encoding="utf-8")
    plain = ["grade", str(sub), "--assignment", "week1", "--gradebook", str(out / "g.csv")]
    assert main(plain) == 0
    assert rows(out / "g.csv")[0]["ada"][2] == "0"
    assert main(plain + ["--only", "ada"]) == 0
    assert "Stored results: 2 of 3 reused" in capsys.readouterr().out
    assert rows(out / "g.csv")[0]["ada"][2] == "3"
    assert main(plain + ["--only", "adda"]) == 2
    assert "no such learner in this class (did you mean 'ada'?)" in capsys.readouterr().err
    (tmp_path / "r.csv").write_text("login\nada\nbo\ncy\ndan\n", encoding="utf-8")
    assert main(plain + ["--roster", str(tmp_path / "r.csv"), "--only", "dan"]) == 2
    assert "no notebook of dan was found" in capsys.readouterr().err


def test_the_late_penalty_rule():
    due = datetime(2026, 3, 1, 23, 59, tzinfo=timezone.utc)
    pol = late.Policy(due, grace_minutes=10, penalty=10, per="day", maximum=25)
    assert late.penalty(pol, due + timedelta(minutes=10)) == (0, "")
    assert late.penalty(pol, due + timedelta(minutes=11)) == (10, "late by 11 min")
    assert late.penalty(pol, due + timedelta(days=1, minutes=1))[0] == 20
    assert late.penalty(pol, due + timedelta(days=9))[0] == 25             # the maximum
    assert late.penalty(pol, None, marked_late=True) == (10, "late (time unknown)")
    assert late.penalty(pol, None) == (0, "")
    hourly = late.Policy(due, penalty=5, per="hour")
    assert late.penalty(hourly, due + timedelta(hours=2, minutes=1))[0] == 15
    once = late.Policy(due, penalty=30, per="once")
    assert late.penalty(once, due + timedelta(days=5))[0] == 30


@pytest.mark.parametrize("text, message", [
    ('[assignments.a]\nlessons = ["01"]\ndue = "tomorrow"', "write a TOML date and time"),
    ('[late]\nper = "week"\n[assignments.a]\nlessons = ["01"]\ndue = 2026-03-01',
     'write "day", "hour" or "once"'),
    ('[assignments.a]\nlessons = ["01"]\ndue = 2026-03-01\n[assignments.a.late]\npenalty = 120',
     "from 0 to 100"),
    ('[assignments.a]\nlessons = ["01"]\ngradescope_visibility = "secret"', "after_due_date"),
])
def test_a_wrong_late_rule_says_what_to_fix(tmp_path, text, message):
    toml = tmp_path / "grading.toml"
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(assignments.PointsError, match=message):
        assignments.load("a", toml)


@pytest.mark.parametrize("text, message", [
    ("who,points\n", "learner,item,points,reason"),
    ("learner,item,points,reason\nada,sigmod,1,x\n", "neither an exercise nor a lesson"),
    ("learner,item,points,reason\nada,sigmoid,one,x\n", "write a number"),
    ("learner,item,points,reason\nada,sigmoid,1,\n", "give a reason"),
])
def test_a_wrong_overrides_file_says_which_row(tmp_path, text, message):
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(overrides.OverrideError, match=message):
        overrides.read(path)


def test_overrides_stay_within_the_maximum_and_can_waive_lateness(tmp_path):
    week = Assignment("w", {"weighted_sum": 2, "dense_forward": 1}, False, ["01_weighted_sum"])
    result = {"student": "ada", "lesson": "01_weighted_sum", "score": 1, "max_score": 3,
              "error": None, "path": "ada/01_weighted_sum.ipynb", "exercises": {
                  "weighted_sum": {"points": 0}, "dense_forward": {"points": 1}}}
    path = tmp_path / "o.csv"
    path.write_text("learner,item,points,reason\nada,weighted_sum,+5,generous\n", encoding="utf-8")
    book = gradebook([result], week)
    overrides.apply(book, overrides.read(path), week)
    assert book[0]["total"] == 3                           # +5 kept within weighted_sum's 2
    path.write_text("learner,item,points,reason\nada,01,4,too many\n", encoding="utf-8")
    with pytest.raises(overrides.OverrideError, match="outside 0 to 3"):
        overrides.apply(gradebook([result], week), overrides.read(path), week)
    path.write_text("learner,item,points,reason\nada,late,,extension\n", encoding="utf-8")
    book = gradebook([result], week)
    overrides.apply(book, overrides.read(path), week)
    pol = late.Policy(datetime(2026, 1, 1), penalty=50)
    late.apply(book, pol, late.Times({("ada", None): datetime(2026, 1, 9)}))
    assert book[0]["total"] == 1 and "no late penalty: extension" in book[0]["notes"]


def test_canvas_late_mark_without_a_time_counts_one_unit(tmp_path):
    week = Assignment("w", {"weighted_sum": 2}, False, ["01_weighted_sum"])
    path = tmp_path / "ada_LATE_5_6_01_weighted_sum.ipynb"
    result = {"student": "ada_5", "lesson": "01_weighted_sum", "score": 2, "max_score": 2,
              "error": None, "path": str(path), "exercises": {"weighted_sum": {"points": 2}}}
    book = gradebook([result], week)
    late.apply(book, late.Policy(datetime(2026, 1, 1), penalty=25), late.Times(given=[tmp_path]))
    assert book[0]["total"] == 1.5
    assert book[0]["lessons"]["01_weighted_sum"]["late"]["source"] == "Canvas's _LATE mark"


# ---- Gradescope ----------------------------------------------------------------------

def test_gradescope_names_the_expected_lessons_and_sets_visibility(tmp_path, monkeypatch):
    toml = tmp_path / "grading.toml"
    toml.write_text(TOML, encoding="utf-8")
    monkeypatch.setattr(assignments.points_config, "FILE", toml)
    sub = tmp_path / "submission"
    sub.mkdir()
    (sub / "05_chain_rule.ipynb").write_text("{}", encoding="utf-8")     # the wrong lesson
    out = tmp_path / "results.json"
    assert main(["grade", str(sub), "--assignment", "week1", "--gradescope", str(out)]) == 0
    gs = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(gs, GRADESCOPE)
    assert "No notebook (.ipynb file) was found" not in gs["output"]
    assert "05_chain_rule.ipynb: not part of this assignment, which expects " \
           "01_weighted_sum.ipynb" in gs["output"]
    assert {t["visibility"] for t in gs["tests"]} == {"after_due_date"}
    week1 = assignments.load("week1", toml)
    assert "expects 01_weighted_sum.ipynb" in results_json([], 0, week1)["output"]


# ---- cells named as a person counts them ----------------------------------------------

def test_cells_are_named_as_a_person_counts_them(tmp_path):
    from checks.classroom.grade_class import grade
    from helpers import Quick
    path = submission(tmp_path, "ada", extra_cells=["x = 1\ny = undefined_name",
                                                    "import os\nos._exit(0)"])
    n = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    (r,) = grade([path], limits=Quick, echo=lambda line: None)
    assert f"code cell {n - 1} raised NameError" in r["error"]
    assert f"code cell {n - 1}, line 2: y = undefined_name" in r["error"]
    assert f"code cell {n} was skipped: it ended the Python process (exit code 0)" in r["error"]
    assert f"code cell {n - 2} " not in r["error"] and "cell 0" not in r["error"]


def test_times_come_from_the_dates_file_then_timestamp_txt_then_gradescope(tmp_path):
    sub = tmp_path / "submission"
    nb = sub / "ada" / "week1" / "01_weighted_sum.ipynb"
    nb.parent.mkdir(parents=True)
    nb.write_text("{}", encoding="utf-8")
    (tmp_path / "submission_metadata.json").write_text(
        json.dumps({"created_at": "2026-03-02T10:00:00.5-08:00"}), encoding="utf-8")
    times = late.Times({}, [sub])
    when, source, _ = times.of(["ada"], "01_weighted_sum", str(nb))
    assert source == "Gradescope's submission time"
    assert when == datetime(2026, 3, 2, 18, 0, 0, 500000, tzinfo=timezone.utc)
    (nb.parent / "timestamp.txt").write_text("2026-03-01 08:00:00 UTC\n", encoding="utf-8")
    assert times.of(["ada"], "01_weighted_sum", str(nb))[:2] == (
        datetime(2026, 3, 1, 8, tzinfo=timezone.utc), "timestamp.txt")
    dates = late.Times({("ada", None): datetime(2026, 3, 9)}, [sub])
    assert dates.of(["ADA"], "01_weighted_sum", str(nb))[1] == "the dates file"
    (nb.parent / "timestamp.txt").write_text("yesterday\n", encoding="utf-8")
    with pytest.raises(late.LateError, match="not a date and time"):
        times.of(["ada"], "01_weighted_sum", str(nb))


def test_a_store_that_cannot_be_written_is_said_before_grading(tmp_path, capsys):
    submission(tmp_path / "class", "ada")
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main(["grade", str(tmp_path / "class"), "--store", str(tmp_path / "file" / "s")]) == 2
    assert "Cannot keep results in" in capsys.readouterr().err


def test_how_late_is_said_in_the_learners_language():
    from checks.classroom.late import late_words
    from checks.engine.messages import render
    record = {"submitted": "2026-03-03T00:00:00", "minutes": 24 * 60 + 61}
    assert render(late_words(record), "en") == "late by 1 d 1 h"
    zh = render(late_words(record), "zh-TW")
    assert "1 天 1 小時" in zh and not re.search(r"\d (d|h|min)\b", zh), zh
