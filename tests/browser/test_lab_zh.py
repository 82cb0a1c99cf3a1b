"""The zh-TW edition in a real browser: JupyterLab opens lesson 01 of notebooks/zh-TW/, every
check says 「尚未作答」, a wrong answer typed in gets its hint in zh-TW and a right one passes.
Screenshots go to build/screenshots/zh-TW-*.png."""
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

NOTEBOOK = "zh-TW/01_weighted_sum.ipynb"     # the lab fixture serves a copy of notebooks/NOTEBOOK
SCREENSHOT_PREFIX = "zh-TW-"
NAME = "01_weighted_sum.ipynb"

WRONG = ["def weighted_sum(x, w, b):", "    return float(np.dot(w, x))"]      # forgets + b
RIGHT = ["def weighted_sum(x, w, b):", "    return float(np.dot(w, x) + b)"]


def test_learner_runs_zh_tw_lesson_01_then_solves_weighted_sum(lab, page, screenshots):
    nb = nbformat.read(lab.root / NAME, as_version=4)
    checks = [c.source.strip() for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert checks and any("加權求和" in c.source for c in nb.cells if c.cell_type == "markdown")

    open_notebook(page, lab.url(NAME))
    shot(page, screenshots / "zh-TW-1-opened.png")
    exercise, check = code_cell(page, "def weighted_sum("), code_cell(page, 'check("weighted_sum"')
    assert "raise NotImplementedError()" in source(exercise)

    run_all(page)
    shot(page, screenshots / "zh-TW-2-all-cells-run.png", check)
    assert not error_outputs(page), "\n".join(error_outputs(page))
    for line in checks:
        said = output(code_cell(page, line))
        assert "尚未作答" in said and "not attempted" not in said, f"{line} says {said!r}"

    type_code(page, exercise, WRONG)
    run_cell(page, exercise)
    run_cell(page, check)
    shot(page, screenshots / "zh-TW-3-wrong-answer.png", check)
    said = output(check)
    assert "weighted_sum：" in said and "個失敗" in said and "提示：少了偏置" in said, said

    type_code(page, exercise, RIGHT)
    run_cell(page, exercise)
    run_cell(page, check)
    shot(page, screenshots / "zh-TW-4-right-answer.png", check)
    said = output(check)
    assert said.startswith("✅ weighted_sum：") and "通過" in said and "失敗" not in said, said
    assert error_outputs(page) == []
