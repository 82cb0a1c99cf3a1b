"""`python -m checks status`: per lesson, which of the learner's saved exercises pass,
graded again only when a notebook changes, and without a sandbox off Linux."""
import os
import subprocess
import sys

import pytest

from checks.engine.source import ROOT
from checks.grading import status as status_module
from checks.grading.status import in_sandbox, in_subprocess, status
from helpers import submission


def counting(runner):
    def run(path):
        run.paths.append(path.name)
        return runner(path)
    run.paths, run.__name__ = [], runner.__name__
    return run


def test_status_marks_passed_failed_and_not_attempted(tmp_path):
    folder = submission(tmp_path, "me", {"weighted_sum": "return float(np.dot(x, w))",
                                         "dense_forward": "raise NotImplementedError()"}).parent
    lines = []
    done, total = status(folder, echo=lines.append, cache=None)
    lesson01 = next(i for i, line in enumerate(lines) if line.startswith("01_weighted_sum"))
    assert "❌ weighted_sum" in lines[lesson01] and "⏳ dense_forward" in lines[lesson01]
    reason = lines[lesson01 + 1]              # why, under the lesson, wrapped (never cut)
    assert reason.strip().startswith("❌ weighted_sum")
    assert all(len(line) <= status_module.WIDTH for line in reason.splitlines())
    assert any(line.startswith("02_activations") and "no notebook" in line for line in lines)
    assert (done, total) == (1, 3) and lines[-1] == "\n1 of 3 exercises pass; 2 to go."   # + layer_from_rows


def test_status_counts_what_passes(tmp_path):
    folder = submission(tmp_path, "me").parent          # the reference answers
    lines = []
    done, _ = status(folder, echo=lines.append, cache=None)
    assert lines[0].startswith("Running 1 notebook of ")         # said at once
    assert done == 3 and "✅ weighted_sum  ✅ dense_forward  ✅ layer_from_rows" in lines[1]


def test_an_unchanged_notebook_is_not_graded_again(tmp_path):
    path = submission(tmp_path, "me", {"weighted_sum": "return float(np.dot(x, w))"})
    run = counting(in_sandbox)
    first, second = [], []
    status(path.parent, echo=first.append, cache=tmp_path / "cache", runner=run)
    status(path.parent, echo=second.append, cache=tmp_path / "cache", runner=run)
    assert run.paths == ["01_weighted_sum.ipynb"] and first[1:] == second
    assert first[0].startswith("Running 1 notebook") and not second[0].startswith("Running")
    submission(tmp_path, "me")                           # fixed: graded again, and passes
    assert status(path.parent, echo=[].append, cache=tmp_path / "cache", runner=run)[0] == 3
    assert run.paths == ["01_weighted_sum.ipynb"] * 2


def test_a_change_to_the_checks_grades_again(tmp_path, monkeypatch):
    path = submission(tmp_path, "me")
    run = counting(in_sandbox)
    status(path.parent, echo=[].append, cache=tmp_path / "cache", runner=run)
    monkeypatch.setattr(status_module, "course_version", lambda mode: "another version")
    status(path.parent, echo=[].append, cache=tmp_path / "cache", runner=run)
    assert len(run.paths) == 2


def test_a_read_only_cache_folder_costs_nothing_but_speed(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    path = submission(tmp_path, "me")
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    assert status(path.parent, echo=[].append, cache=tmp_path / "ro" / "cache")[0] == 3


def test_off_linux_notebooks_run_plainly_and_status_says_so(tmp_path):
    folder = submission(tmp_path, "me", {"weighted_sum": "return float(np.dot(x, w))",
                                         "dense_forward": "raise NotImplementedError()"}).parent
    lines = []
    done, total = status(folder, echo=lines.append, platform="darwin", cache=None)
    assert "no sandbox" in lines[0] and "plain Python process" in lines[0]
    lesson01 = next(line for line in lines if line.startswith("01_weighted_sum"))
    assert "❌ weighted_sum" in lesson01 and "⏳ dense_forward" in lesson01
    assert (done, total) == (1, 3)                      # layer_from_rows passes
    assert status(submission(tmp_path, "you").parent, echo=[].append, platform="win32",
                  cache=None)[0] == 3


def test_the_plain_run_has_a_time_limit_and_survives_a_crash(tmp_path):
    from checks.grading.plainrun import grade_plainly
    looping = submission(tmp_path, "loop", extra_cells=["while True: pass"])
    r = grade_plainly(looping, seconds=3)
    assert "took more than 3 s" in r["error"] and r["exercises"] == {}
    dying = submission(tmp_path, "exit", extra_cells=["import os; os._exit(3)"])
    assert "stopped Python" in grade_plainly(dying)["error"]


def test_status_runs_from_a_notebook_cell_and_from_any_folder(tmp_path):
    """Lesson 00's `!{sys.executable} -m checks status`: the kernel's own Python, any cwd."""
    run = subprocess.run([sys.executable, "-m", "checks", "status", "--help"], cwd=tmp_path,
                         capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 0 and "--plain" in run.stdout
    text = (ROOT / "solutions" / "00_start_here.ipynb").read_text(encoding="utf-8")
    assert "{sys.executable} -m checks status" in text and "!cd .." not in text


def test_plain_runner_is_named_for_the_cache():
    assert in_subprocess.__name__ != in_sandbox.__name__


def test_a_result_decided_by_the_machine_is_not_kept(tmp_path):
    path = submission(tmp_path, "me")
    calls = []

    def flaky(p):
        calls.append(p)
        return {**in_sandbox(p), "transient": True}
    flaky.__name__ = "in_sandbox"
    for _ in range(2):
        status(path.parent, echo=[].append, cache=tmp_path / "cache", runner=flaky)
    assert len(calls) == 2


def test_a_long_reason_is_wrapped_whole_with_its_limit():
    """M13 of the walkthrough: "did not finish within…" lost its 60 s; "writ…" its word."""
    reason = ("train_digits(X_train, y_train, X_val, y_val, seed=0) raised TimeoutError: it did "
              "not finish within 60 s (an infinite loop?); it must finish within 60 s when "
              "graded, so use fewer epochs or a smaller hidden layer.")
    shown = status_module.reason({"reason": reason})
    assert shown == reason
    text = status_module.wrapped(" " * 22 + " ❌ train_digits: ", shown)
    assert " ".join(text.split()) == " ".join(("❌ train_digits: " + reason).split())
    assert all(len(line) <= status_module.WIDTH for line in text.splitlines())


def test_a_zh_tw_reason_is_wrapped_by_display_width_and_loses_nothing():
    """A Chinese character takes two columns and a line may break between two of them (not
    before 。，）); nothing is cut."""
    from checks.engine.messages import width
    reason = ("train_digits(X_train, y_train, X_val, y_val, seed=0) 被停止了：它沒有在 60 秒內完成"
              "（是無窮迴圈嗎？）。評分時它必須在 60 秒內完成：請減少 epoch 數或縮小隱藏層。")
    text = status_module.wrapped(" " * 22 + " ❌ train_digits：", reason)
    lines = text.splitlines()
    assert len(lines) > 1 and all(width(line) <= status_module.WIDTH for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == \
        ("❌ train_digits：" + reason).replace(" ", "")
    assert not any(line.strip()[0] in "。，）：" for line in lines[1:])


# A status in its own process, after what the command line loads, with a runner that fails
# if asked to grade anything; it prints what status printed, then every module loaded.
UNCHANGED = """
import sys
import checks.__main__
from checks.grading.status import status

def in_sandbox(path):          # named as the runner the results were stored for
    raise AssertionError(f"{path} was graded again")

status(sys.argv[1], cache=sys.argv[2], runner=in_sandbox)
print("LOADED", *sorted(sys.modules))
"""


def test_a_status_with_nothing_changed_imports_neither_the_catalogue_nor_nbformat(tmp_path):
    """Only grading needs NumPy, nbformat and the catalogue: with every notebook as it was
    and the checks unchanged, status reads stored results and answers without them."""
    path = submission(tmp_path, "me")
    stored = {"exercises": {"weighted_sum": {"status": "passed", "passed": True},
                            "dense_forward": {"status": "failed", "passed": False,
                                              "reason": "dense_forward returned [0.]"}}}

    def in_sandbox(p):
        return stored
    first = []
    status(path.parent, echo=first.append, cache=tmp_path / "cache", runner=in_sandbox)
    run = subprocess.run([sys.executable, "-c", UNCHANGED, str(path.parent),
                          str(tmp_path / "cache")], capture_output=True, text=True,
                         encoding="utf-8", cwd=tmp_path,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})   # any locale
    assert run.returncode == 0, run.stderr
    shown, loaded = run.stdout.split("LOADED ")
    assert shown.splitlines() == "\n".join(first[1:]).splitlines()     # all but "Running ..."
    loaded = set(loaded.split())
    assert "checks.grading.status" in loaded
    assert not {"numpy", "nbformat", "checks.catalogue", "checks.grading.grade"} & loaded


def test_the_lessons_kept_for_status_are_the_catalogues(tmp_path):
    from checks.catalogue import lessons
    kept = status_module.course_lessons("v1", tmp_path)
    assert kept == lessons() and list(kept) == list(lessons())
    assert status_module.course_lessons("v1", tmp_path) == lessons()      # read back
    (tmp_path / "lessons-v1.json").write_text('{"01_weighted_sum": 3}', encoding="utf-8")
    assert status_module.course_lessons("v1", tmp_path) == lessons()      # damaged: asked again
    assert status_module.course_lessons() == lessons()
