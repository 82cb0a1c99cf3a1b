"""One source: notebooks/ and checks/expected/ are exactly what the build makes from
solutions/, and every learner notebook runs top to bottom with its stubs."""
import json

import nbformat
import pytest
from nbclient import NotebookClient

from checks import build, expected
from checks.source import ROOT, load_reference, solution_notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_stub_replaces_only_the_solution_region():
    source = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    y = 1\n    ### BEGIN SOLUTION\n"
              "    return x + y\n    ### END SOLUTION\n\nprint('kept')")
    assert build.stub(source) == ("def f(x):\n    \"\"\"Doc.\"\"\"\n    y = 1\n"
                                   "    # YOUR CODE HERE\n    raise NotImplementedError()\n\n"
                                   "print('kept')")


def test_every_solution_has_a_learner_notebook_and_no_more():
    assert [p.name for p in solution_notebooks()] == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_learner_notebook_is_fresh(path):
    learner = ROOT / "notebooks" / path.name
    assert learner.read_text() == build.learner_text(path), \
        f"{learner} is stale: run `python -m checks build`"
    assert "### BEGIN SOLUTION" not in learner.read_text()


def test_stored_practice_cases_are_fresh(tmp_path):
    reference = load_reference()
    for ex_id in [p.stem for p in sorted(expected.FOLDER.glob("*.json"))]:
        from checks.exercises import EXERCISES
        ex = EXERCISES[ex_id]
        path = expected.write(ex, expected.practice_cases(ex, reference[ex_id]), tmp_path)
        assert path.read_text() == (expected.FOLDER / path.name).read_text(), \
            f"checks/expected/{path.name} is stale: run `python -m checks build`"


def test_every_value_checked_exercise_has_stored_cases():
    from checks.exercises import EXERCISES
    missing = [i for i, ex in EXERCISES.items()
               if ex.properties is None and not (expected.FOLDER / f"{i}.json").exists()]
    assert not missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_notebook_runs_with_its_stubs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = [o for o in cell.outputs]
        assert not [o for o in outputs if o.output_type == "error"], cell.source
        text = "".join(o.get("text", "") for o in outputs)
        if cell.source.strip().startswith("check("):
            assert "not attempted yet" in text, (cell.source, text)
            assert "Traceback" not in text


def test_the_provided_blocks_function_is_not_an_answer(capsys):
    import blocks
    from checks import check
    check("sigmoid", blocks.sigmoid)
    assert "provided version, not yours" in capsys.readouterr().out
