"""progress at class scale: best attempts, unreadable apart from not submitted, pass rates,
grouping by lesson, stored results reused, and outputs readable for 500 learners."""
import csv
import io
import struct

import pytest

import checks.classroom.grade_class
from checks.classroom import class_report as progress
from helpers import Quick, submission


def ex(status, mistake=None):
    return {"status": status, "passed": status == "passed", "mistake": mistake}


def result(student, lesson, error=None, **statuses):
    return {"student": student, "lesson": lesson, "path": f"{student}/{lesson}.ipynb",
            "score": sum(s == "passed" for s in statuses.values()), "max_score": 2,
            "error": error, "exercises": {i: ex(s) for i, s in statuses.items()}}


CLASS = [result("ada", "01_weighted_sum", weighted_sum="passed", dense_forward="passed"),
         result("ada", "02_activations", sigmoid="failed"),
         result("bo", "01_weighted_sum", weighted_sum="failed", dense_forward="failed"),
         result("bo", "01_weighted_sum", weighted_sum="passed", dense_forward="failed"),  # better
         result("cy", "01_weighted_sum", error="could not read 01_weighted_sum.ipynb")]


def test_unreadable_is_not_not_submitted_and_the_best_attempt_counts():
    s = progress.summarise(CLASS)
    rows = {r["id"]: r for r in s["exercises"]}
    ws = rows["weighted_sum"]
    assert (ws["passed"], ws["failed"], ws["unreadable"], ws["not submitted"]) == (2, 0, 1, 0)
    assert ws["pass_rate"] == pytest.approx(2 / 3) and ws["class_pass_rate"] == pytest.approx(2 / 3)
    sig = rows["sigmoid"]
    assert (sig["submitted"], sig["not submitted"]) == (1, 2) and sig["class_pass_rate"] == 0
    assert s["unreadable"] == ["cy"]
    text = "\n".join(progress.table(s))
    assert text.index("01_weighted_sum") < text.index("  weighted_sum") < text.index("02_activations")
    assert "could not be read: cy" in text


def test_the_per_learner_csv_parses_back():
    rows = list(csv.reader(io.StringIO(progress.learners_csv(CLASS))))
    assert rows[0][:4] == ["learner", "01_weighted_sum/weighted_sum",
                           "01_weighted_sum/dense_forward", "01_weighted_sum/layer_from_rows"]
    by = {r[0]: r for r in rows[1:]}
    assert by["bo"][1:6] == ["passed", "failed", "not submitted", "not submitted", "1"]
    assert by["cy"][1:5] == ["unreadable", "unreadable", "unreadable", "not submitted"]


def png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_500_learners_fit_one_screen_and_the_heat_map_says_to_use_the_csv(tmp_path):
    big = [result(f"learner{k:03d}", "01_weighted_sum",
                  weighted_sum="passed" if k % 3 else "failed",
                  dense_forward="passed" if k % 5 else "not attempted") for k in range(500)]
    s = progress.summarise(big)
    width, height = png_size(progress.summary_figure(s, tmp_path / "s.png"))
    assert width <= 1920 and height <= 1080
    with pytest.raises(ValueError, match="--csv"):
        progress.heatmap(big, tmp_path / "h.png")
    assert len(progress.learners_csv(big).splitlines()) == 501


def test_a_second_run_reuses_stored_results(tmp_path, monkeypatch):
    cls = tmp_path / "class"
    submission(cls, "ada")
    (cls / "bo").mkdir()
    (cls / "bo" / "01_weighted_sum.ipynb").write_text("{broken", encoding="utf-8")
    first = progress.progress(cls, echo=lambda line: None, limits=Quick, jobs=1)
    graded, real = [], checks.classroom.grade_class.grade_notebook
    monkeypatch.setattr(checks.classroom.grade_class, "grade_notebook",
                        lambda path, *a, **k: graded.append(path) or real(path, *a, **k))
    lines = []
    again = progress.progress(cls, tmp_path / "s.png", echo=lines.append, csv=tmp_path / "l.csv",
                              heatmap_png=tmp_path / "h.png", limits=Quick, jobs=1)
    assert {**again, "snapshot": None} == {**first, "snapshot": None}
    assert lines[0].startswith("As of 20")                       # when the folder was read
    assert graded == []                                          # nothing graded again
    assert (tmp_path / "class.results").is_dir()
    assert (tmp_path / "s.png").exists() and (tmp_path / "h.png").exists()
    assert "unreadable" in (tmp_path / "l.csv").read_text(encoding="utf-8")


def test_progress_counts_lesson_00_only_learners_and_takes_an_assignment(tmp_path):
    cls = tmp_path / "class"
    submission(cls, "ada")
    (cls / "carol").mkdir()
    (cls / "carol" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    (cls / "ada" / "02_activations.ipynb").write_text("{broken", encoding="utf-8")
    whole = progress.progress(cls, echo=lambda line: None, limits=Quick, jobs=1)
    assert whole["learners"] == 2                        # carol counts: 0 of everything
    assert {r["lesson"] for r in whole["exercises"]} == {"01_weighted_sum", "02_activations"}
    lines = []
    one = progress.progress(cls, echo=lines.append, limits=Quick, jobs=1, assignment="01",
                            csv=tmp_path / "l.csv")
    assert {r["lesson"] for r in one["exercises"]} == {"01_weighted_sum"}
    ws = next(r for r in one["exercises"] if r["id"] == "weighted_sum")
    assert (ws["passed"], ws["not submitted"]) == (1, 1)
    assert "carol" in (tmp_path / "l.csv").read_text(encoding="utf-8")
    with pytest.raises(Exception, match="no assignment 'nope'"):
        progress.progress(cls, echo=lines.append, limits=Quick, jobs=1, assignment="nope")


NOTHING_NEW = """
import json, sys
from checks.__main__ import main
code = main(["progress", sys.argv[1]])
from checks.grading import sandbox
hidden = sys.modules.get("checks.classroom.hidden_cases")
print(json.dumps({"code": code,
                  "heavy": [m for m in ("nbformat", "jsonschema", "matplotlib") if m in sys.modules],
                  "references_loaded": bool(hidden and hidden.cached_reference.cache_info().misses),
                  "sandbox_started": sandbox.ZYGOTE.proc is not None}))
"""


def test_a_rerun_with_nothing_new_reads_stored_results_only(tmp_path):
    """`progress` again on an unchanged class (item 6 of issue 22: a live session): it
    imports neither nbformat nor matplotlib, loads no reference solution and starts no
    sandbox, and prints the same table. Measured in a fresh process, by what it loaded."""
    import json
    import subprocess
    import sys
    cls = tmp_path / "class"
    submission(cls, "ada", {"dense_forward": "return None"})
    first = []
    progress.progress(cls, echo=first.append, jobs=1)
    run = subprocess.run([sys.executable, "-c", NOTHING_NEW, str(cls)], capture_output=True,
                         text=True, timeout=300)
    *table, report = run.stdout.splitlines()
    assert json.loads(report) == {"code": 0, "heavy": [], "references_loaded": False,
                                  "sandbox_started": False}, run.stderr
    assert table[1:] == first[1:]                 # the same report (its first line: the time)
    assert any(line.split()[:3] == ["dense_forward", "0", "1"] for line in table)
