"""A learner's first minutes, in a real browser: JupyterLab opens lesson 01 with its stubs, every
cell runs and each check says "not attempted yet"; then a wrong answer typed into the exercise cell
gets its hint and a correct one passes. Screenshots go to build/screenshots/."""
import re

import nbformat

from tests.browser.lab_page import (
    code_cell,
    error_outputs,
    open_notebook,
    output,
    run_all,
    run_cell,
    shot,
    source,
    type_code,
)

NOTEBOOK = "01_weighted_sum.ipynb"           # the lab fixture serves a copy of notebooks/NOTEBOOK

WRONG = ["def weighted_sum(x, w, b):", "    return float(np.dot(w, x))"]      # forgets + b
RIGHT = ["def weighted_sum(x, w, b):", "    return float(np.dot(w, x) + b)"]


# --- the test -----------------------------------------------------------------------------------

def test_learner_runs_lesson_01_then_solves_weighted_sum(lab, page, screenshots):
    nb = nbformat.read(lab.root / NOTEBOOK, as_version=4)
    checks = [c.source.strip() for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]
    plots = [c for c in nb.cells if c.cell_type == "code" and "plt.show()" in c.source]
    assert checks and plots

    open_notebook(page, lab.url(NOTEBOOK))
    shot(page, screenshots / "1-opened.png")
    exercise, check = code_cell(page, "def weighted_sum("), code_cell(page, 'check("weighted_sum"')
    assert "raise NotImplementedError()" in source(exercise), "the served notebook lost its stub"

    run_all(page)
    shot(page, screenshots / "2-all-cells-run.png", check)
    errors = error_outputs(page)
    assert not errors, "a cell shows an error after Run All:\n" + "\n".join(errors)
    unrun = [p for p in page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_text_contents()
             if not re.fullmatch(r"\[\d+\]:", p.strip())]
    assert unrun == [], f"Run All left code cells unrun: {unrun}"
    for line in checks:
        said = output(code_cell(page, line))
        assert "not attempted yet" in said, f"{line} says {said!r}"
    assert page.locator(".jp-OutputArea-output img").count() >= len(plots), "a plot is missing"

    type_code(page, exercise, WRONG)
    run_cell(page, exercise)
    run_cell(page, check)
    shot(page, screenshots / "3-wrong-answer.png", check)
    said = output(check)
    assert "weighted_sum: failed" in said and "Hint: the bias is missing" in said, said

    type_code(page, exercise, RIGHT)
    run_cell(page, exercise)
    run_cell(page, check)
    shot(page, screenshots / "4-right-answer.png", check)
    said = output(check)
    assert "weighted_sum: passed" in said and "failed" not in said, said
    assert error_outputs(page) == []
    assert "not attempted yet" in output(code_cell(page, 'check("dense_forward"')), \
        "checking one exercise changed another's"
    print(f"Browser test screenshots: {screenshots}")
