"""Reading and driving JupyterLab's page in the browser tests (Playwright): find a cell, type
into it, run it, read its output, take a screenshot. Importing it skips the importing test
module where the browser test cannot run: no /usr/bin/chromium, or no Playwright."""
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip("Browser test skipped: /usr/bin/chromium not found (apt-get install chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="Browser test skipped: playwright not installed "
                    "(.venv/bin/pip install -r requirements-browser.txt)")
from playwright.sync_api import TimeoutError as BrowserTimeout, expect  # noqa: E402

KERNEL_START_MS = 90_000
RUN_ALL_MS = 120_000
RUN_CELL_MS = 30_000


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
