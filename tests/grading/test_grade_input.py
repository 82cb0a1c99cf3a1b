"""Robust input: whatever a learner hands in is graded as far as it can be, with a reason.
Answers are found by function name, never by cell ids, order or checksums.
(Empty, binary and invalid-JSON files: tests/grading/test_grade.py.)"""
import json
import uuid

import nbformat
import pytest

from checks.classroom.grade_class import grade_submission
from helpers import Quick, points, submission

FULL = {"weighted_sum": 1, "dense_forward": 1}


def graded(path):
    return grade_submission(path, limits=Quick)


def edit(path, change):
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("content", ["[]", "null", '{"cells": 5, "nbformat": 4}',
                                     '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}'])
def test_json_that_is_not_a_notebook(tmp_path, content):
    path = tmp_path / "01_weighted_sum.ipynb"
    path.write_text(content, encoding="utf-8")
    r = graded(path)
    assert r["score"] == 0 and r["exercises"] == {}
    assert "could not read 01_weighted_sum.ipynb as a notebook" in r["error"]


def test_a_cell_without_source_is_skipped_not_fatal(tmp_path):
    path = submission(tmp_path, "ada")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"].insert(0, {"cell_type": "code", "metadata": {}, "outputs": []})
    data["cells"].insert(1, {"cell_type": "code", "source": 42, "metadata": {}, "outputs": []})
    path.write_text(json.dumps(data), encoding="utf-8")
    r = graded(path)
    assert points(r) == FULL


def test_an_nbformat_3_notebook(tmp_path):
    path = submission(tmp_path, "ada", {"dense_forward": "return X @ W"})
    nb3 = nbformat.convert(nbformat.read(path, as_version=4), 3)
    nbformat.write(nb3, path, version=3)
    assert json.loads(path.read_text(encoding="utf-8"))["nbformat"] == 3
    r = graded(path)
    assert points(r) == {"weighted_sum": 1, "dense_forward": 0}
    assert "bias is missing" in r["exercises"]["dense_forward"]["feedback"]


def test_duplicated_cells(tmp_path):
    path = edit(submission(tmp_path, "ada"), lambda nb: nb.cells.extend(
        nbformat.v4.new_code_cell(c.source) for c in list(nb.cells) if c.cell_type == "code"))
    r = graded(path)
    assert points(r) == FULL and r["error"] is None
    assert all(e["warnings"] == [] for e in r["exercises"].values())


def test_reordered_cells(tmp_path):
    path = edit(submission(tmp_path, "ada"), lambda nb: nb.cells.reverse())
    r = graded(path)
    assert points(r) == FULL                    # functions are looked up after every cell ran
    assert "NameError" in r["error"]            # cells that ran before their definitions


def test_no_cell_ids_metadata_or_outputs_needed(tmp_path):
    def scramble(nb):
        for cell in nb.cells:
            cell.id = uuid.uuid4().hex[:8]
            cell.metadata = {}
        nb.metadata = {}
    r = graded(edit(submission(tmp_path, "ada"), scramble))
    assert points(r) == FULL


@pytest.mark.parametrize("first, last, score", [("return X @ W", "return X @ W + b", 1),
                                                ("return X @ W + b", "return X @ W", 0)])
def test_an_exercise_defined_twice_is_graded_as_run_all_leaves_it(tmp_path, first, last, score):
    path = submission(tmp_path, "ada", {"dense_forward": first},
                      extra_cells=[f"def dense_forward(X, W, b):\n    {last}"])
    e = graded(path)["exercises"]["dense_forward"]
    assert e["points"] == score
    assert any("defined in 2 cells" in w and "the last one" in w for w in e["warnings"])


def test_a_renamed_exercise_is_missing_with_a_reason(tmp_path):
    def rename(nb):
        for cell in nb.cells:
            cell.source = cell.source.replace("def dense_forward(", "def dense_forwrd(")
    r = graded(edit(submission(tmp_path, "ada"), rename))
    e = r["exercises"]["dense_forward"]
    assert points(r) == {"weighted_sum": 1, "dense_forward": 0}
    assert e["status"] == "missing"
    assert "It does define dense_forwrd: if that is your answer, rename it back to " \
           "dense_forward." in e["feedback"]


def test_the_learners_own_cells_do_not_matter(tmp_path):
    path = submission(tmp_path, "ada", extra_cells=[
        "print('my notes')", "def helper(v):\n    return v * 2",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4])\nplt.show()",
        "%matplotlib inline\nX_mine = np.ones((2, 3))"])
    edit(path, lambda nb: nb.cells.insert(0, nbformat.v4.new_markdown_cell("# my notebook")))
    r = graded(path)
    assert points(r) == FULL


def test_a_renamed_file_is_recognised_by_its_functions(tmp_path):
    path = submission(tmp_path, "ada")
    path = path.rename(path.with_name("homework final (2).ipynb"))
    r = graded(path)
    assert points(r) == FULL


def test_reset_backups_in_a_learners_folder_are_not_graded(tmp_path):
    from checks.grading.submissions import find_submissions
    current = submission(tmp_path, "ada")
    backups = current.parent / "backups"
    backups.mkdir()
    (backups / "01_weighted_sum.2026-11-27T14-05-00.ipynb").write_text(current.read_text(encoding="utf-8"), encoding="utf-8")
    (backups / "01_weighted_sum.2026-11-27T14-05-00-1.ipynb").write_text(current.read_text(encoding="utf-8"), encoding="utf-8")
    (backups / "my_notes.ipynb").write_text(current.read_text(encoding="utf-8"), encoding="utf-8")     # not a reset's copy
    assert [p.name for _, p in find_submissions([tmp_path])] == ["01_weighted_sum.ipynb",
                                                                  "my_notes.ipynb"]
