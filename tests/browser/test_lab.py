"""A learner's first minutes, in a real browser: JupyterLab opens lesson 01 with its stubs, every
cell runs and each check says "not attempted yet"; then a wrong answer typed into the exercise cell
gets its hint and a correct one passes. Screenshots go to build/screenshots/."""
import os
import re
from pathlib import Path

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip("Browser test skipped: /usr/bin/chromium not found (apt-get install chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="Browser test skipped: playwright not installed "
                    "(.venv/bin/pip install -r requirements-browser.txt)")
from playwright.sync_api import TimeoutError as BrowserTimeout, expect  # noqa: E402

NOTEBOOK = "01_weighted_sum.ipynb"           # the lab fixture serves a copy of notebooks/NOTEBOOK
KERNEL_START_MS = 90_000
RUN_ALL_MS = 120_000
RUN_CELL_MS = 30_000

WRONG = ["def weighted_sum(x, w, b):", "    return float(np.dot(w, x))"]      # forgets + b
RIGHT = ["def weighted_sum(x, w, b):", "    return float(np.dot(w, x) + b)"]


# --- reading JupyterLab's page ------------------------------------------------------------------

def kernel_status(page):
    """The status bar's kernel item, e.g. "Python 3 (ipykernel) | Idle" (not the toolbar's circle)."""
    return page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text=re.compile(r" \| "))


def wait_until_idle(page, timeout=RUN_CELL_MS):
    expect(kernel_status(page), "the status bar never showed the venv's kernel idle").to_have_text(
        re.compile(r"^Python 3 \(ipykernel\) \| Idle$"), timeout=timeout)


def code_cell(page, text):
    """The one code cell whose source contains `text`."""
    cells = page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=text))
    expect(cells, f"not exactly one code cell holds {text!r}").to_have_count(1)
    return cells


def prompt(cell):
    return cell.locator(".jp-InputPrompt").text_content().strip()


def output(cell):
    return cell.locator(".jp-OutputArea").text_content()


def source(cell):
    return "\n".join(cell.locator(".cm-line").all_text_contents())


ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def error_outputs(page):
    """Tracebacks and anything written to stderr, as shown under the cells."""
    return page.locator(ERROR_OUTPUT).all_text_contents()


# --- what a learner does ------------------------------------------------------------------------

def open_notebook(page, url):
    page.goto(url)
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=KERNEL_START_MS)
    files_tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if files_tab.count():
        files_tab.click()                          # fold the file browser: more room for the notebook
    wait_until_idle(page, KERNEL_START_MS)


def run_all(page):
    """Run > Run All Cells; wait until every code cell has run ("[7]:", not "[ ]:" or "[*]:"), or
    until a cell shows an error (JupyterLab then stops) and nothing is still running."""
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    try:
        page.wait_for_function("""errorOutput => {
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                            .map(p => p.textContent.trim());
            const error = document.querySelector(errorOutput);
            return prompts.length > 0 && (prompts.every(p => /^\\[\\d+\\]:$/.test(p))
                                          || (error !== null && !prompts.includes('[*]:')));
        }""", arg=ERROR_OUTPUT, timeout=RUN_ALL_MS)
    except BrowserTimeout:
        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_text_contents()
        pytest.fail(f"Run All did not finish within {RUN_ALL_MS // 1000} s; the prompts say {prompts}")
    wait_until_idle(page)


def type_code(page, cell, lines):
    """Select all in the cell's editor and type `lines`, leaving indentation to the editor
    (after `def ...:` and Enter it indents), as a learner would."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(lines[0])
    for line in lines[1:]:
        page.keyboard.press("Enter")
        page.keyboard.type(line.lstrip())
    assert source(cell) == "\n".join(lines), "the editor does not hold what was typed"


def run_cell(page, cell):
    """Click into the cell and Shift+Enter; wait for its new execution count and an idle kernel."""
    before = prompt(cell)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    count = cell.locator(".jp-InputPrompt")
    expect(count, f"the cell did not run (its prompt stayed {before})").not_to_have_text(
        before, timeout=RUN_CELL_MS)
    expect(count).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=RUN_CELL_MS)
    wait_until_idle(page)


def shot(page, path, cell=None):
    if cell is not None:
        cell.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=path)
    print(f"Screenshot: {path}")


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
