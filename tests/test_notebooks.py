"""One source: notebooks/ and checks/practice_cases/ are exactly what the build makes from
solutions/, and every learner notebook runs top to bottom with its stubs."""
import json
import re

import nbformat
import numpy as np
import pytest

from checks.authoring import build
from checks.authoring.execute import run
from checks.engine import practice
from checks.engine.source import ROOT, load_reference, solution_notebooks, workshop_notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_stub_replaces_only_the_solution_region():
    source = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    y = 1\n    ### BEGIN SOLUTION\n"
              "    return x + y\n    ### END SOLUTION\n\nprint('kept')")
    assert build.stub(source) == ("def f(x):\n    \"\"\"Doc.\"\"\"\n    y = 1\n"
                                   "    # YOUR CODE HERE\n    raise NotImplementedError()\n\n"
                                   "print('kept')")


@pytest.mark.parametrize("source, says", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "line 2: ### BEGIN SOLUTION is never closed"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "line 3: ### END SOLUTION without"),
    ("### BEGIN SOLUTION\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n",
     "line 3: a second ### BEGIN SOLUTION inside the region opened on line 1"),
])
def test_the_build_refuses_a_broken_solution_region_and_names_it(source, says):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("intro"),
                                         nbformat.v4.new_code_cell(source)])
    with pytest.raises(build.MarkerError) as refused:
        build.learner_version(nb, "07_weight_updates.ipynb")
    assert str(refused.value).startswith("07_weight_updates.ipynb, cell 1, ") and says in str(refused.value)


def test_a_marker_in_a_markdown_cell_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("### BEGIN SOLUTION")])
    with pytest.raises(build.MarkerError, match="cell 0: a solution marker in a markdown cell"):
        build.learner_version(nb, "x.ipynb")


def test_every_solution_has_a_learner_notebook_and_no_more():
    assert sorted(p.name for p in [*solution_notebooks(), *workshop_notebooks()]) == \
        [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", [*solution_notebooks(), *workshop_notebooks()], ids=lambda p: p.stem)
def test_learner_notebook_is_fresh(path):
    learner = ROOT / "notebooks" / path.name
    assert learner.read_text(encoding="utf-8") == build.learner_text(path), \
        f"{learner} is stale: run `python -m checks build`"
    assert "### BEGIN SOLUTION" not in learner.read_text(encoding="utf-8")


def test_stored_practice_cases_are_fresh(tmp_path):
    reference = load_reference()
    for ex_id in [p.stem for p in sorted(practice.FOLDER.glob("*.json"))]:
        from checks.catalogue import EXERCISES
        ex = EXERCISES[ex_id]
        path = practice.write(ex, practice.practice_cases(ex, reference[ex_id]), tmp_path)
        where = practice.differences(practice.load(practice.FOLDER / path.name), practice.load(path))
        assert not where, \
            f"checks/practice_cases/{path.name} is stale at {where[:3]}: run `python -m checks build`"


def test_stored_cases_are_compared_by_meaning_not_bytes(tmp_path):
    from checks.catalogue import EXERCISES
    ex = EXERCISES["sigmoid"]
    cases = practice.read("sigmoid")
    path = practice.write(ex, cases, tmp_path)
    before = path.read_bytes()
    for c in cases:          # another CPU's round-off: the last bit or two
        c.expected = np.asarray(np.nextafter(c.expected, np.inf))
    assert practice.write(ex, cases, tmp_path).read_bytes() == before, "rewritten for round-off"
    cases[0].expected = cases[0].expected * (1 + 1e-9)
    assert practice.differences(practice.load(path), json.loads(practice.text(ex, cases)))
    cases[0].expected = cases[0].expected.astype(np.float32)
    assert practice.differences(practice.load(path), json.loads(practice.text(ex, cases)))
    assert practice.write(ex, cases, tmp_path).read_bytes() != before


def test_closeness_is_relative_to_the_array_and_exact_for_integers():
    a = np.array([1.0, 1e-17, -3.0])
    assert practice.within_round_off(a, a + np.array([1e-13, -1e-17, 0.0]))
    assert not practice.within_round_off(a, a + np.array([1e-9, 0, 0]))
    assert not practice.within_round_off(np.array([1, 2]), np.array([1, 3]))
    assert not practice.within_round_off(np.array([1.0, np.nan]), np.array([1.0, 1.0]))
    assert practice.within_round_off(np.array([np.inf, np.nan]), np.array([np.inf, np.nan]))
    assert not practice.within_round_off(np.zeros(3), np.zeros((3, 1)))


def test_every_value_checked_exercise_has_stored_cases():
    from checks.catalogue import EXERCISES
    missing = [i for i, ex in EXERCISES.items()
               if ex.properties is None and not (practice.FOLDER / f"{i}.json").exists()]
    assert not missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_notebook_runs_with_its_stubs(path):
    nb = run(nbformat.read(path, as_version=4), path.parent, timeout=120)
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


def sanitizers():
    import configparser
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def sanitize(text):
    for regex, replace in sanitizers():
        text = regex.sub(replace, text)
    return text


def test_round_off_in_every_printed_form_is_masked():
    for a, b in [("relative error: 7.4e-12", "relative error: 8.2e-12"),
                 ("relative error dw: 1.0e-12\n", "relative error dw: 9.3e-12\n"),
                 ("layer 0 dW  shape (2, 3)   relative error 1.1e-11", "... relative error 3e-10"),
                 ("[ 1.2e-17 -3.4e-16]", "[ 2.2e-17 -3.3e-16]")]:
        assert sanitize(a).split()[-1] == sanitize(b).split()[-1] == "ROUNDOFF" \
            or sanitize(a) == sanitize(b), (a, b)
    assert sanitize("loss 0.2500, error 2.4e-01") == "loss 0.2500, error 2.4e-01"


@pytest.mark.parametrize("path", [*solution_notebooks(), *workshop_notebooks()], ids=lambda p: p.stem)
def test_stored_outputs_name_no_path_or_user_of_this_machine(path):
    import getpass
    import os
    nb = nbformat.read(path, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])
    for mark in {"/root", "/home/", "/tmp/", "/work/", str(ROOT), os.path.expanduser("~"),
                 f"/{getpass.getuser()}/"}:
        assert mark not in sanitize(text), f"{path.name} prints {mark!r}: print a relative path"
