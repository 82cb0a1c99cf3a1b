"""The workshop playground in a real browser: JupyterLab opens notebooks/playground.ipynb, the
playground cell draws the widget; changing the activation and the learning rate, then pressing
Step, changes the loss line and the picture, as read from the page. Screenshots go to
build/screenshots/ (playground-1-... .png)."""
import re

from tests.browser.lab_page import code_cell, error_outputs, expect, open_notebook, run_cell, shot

NOTEBOOK = "playground.ipynb"                # the lab fixture serves a copy of notebooks/NOTEBOOK
SCREENSHOT_PREFIX = "playground-"
WIDGET_MS = 60_000


def loss_line(page):
    return page.locator(".pg-playground .pg-loss").first.text_content().strip()


def picture(page):
    """The decision-boundary picture as the browser shows it (PNG bytes of its screenshot)."""
    return page.locator(".pg-playground .pg-picture").first.screenshot()


def choose(page, label, option):
    """Picks ``option`` in the playground's drop-down labelled ``label``."""
    dropdown = page.locator(".pg-playground .widget-dropdown").filter(has_text=label)
    expect(dropdown, f"no drop-down labelled {label!r}").to_have_count(1)
    dropdown.locator("select").select_option(label=option)


def test_the_playground_trains_a_step_after_the_activation_and_learning_rate_change(lab, page,
                                                                                     screenshots):
    open_notebook(page, lab.url(NOTEBOOK))
    shot(page, screenshots / "playground-1-opened.png")
    run_cell(page, code_cell(page, "import playground"))
    cell = code_cell(page, "playground.show(mine)")
    run_cell(page, cell)
    widget = page.locator(".pg-playground")
    expect(widget, "the playground widget did not render").to_be_visible(timeout=WIDGET_MS)
    expect(page.locator(".pg-playground .pg-loss").first).to_contain_text(
        re.compile(r"step 0 \(epoch 0\.0\): training loss \d\.\d{3}, test loss \d\.\d{3}"))
    expect(page.locator(".pg-playground .pg-origin").first).to_contain_text("the course's blocks.")
    shot(page, screenshots / "playground-2-widget.png", cell)
    first_line, first_picture = loss_line(page), picture(page)

    choose(page, "Activation", "ReLU")                 # a new network: step 0 again, another loss
    expect(page.locator(".pg-playground .pg-loss").first).not_to_have_text(first_line, timeout=WIDGET_MS)
    choose(page, "Learning rate", "0.3")
    before_line, before_picture = loss_line(page), picture(page)
    assert before_picture != first_picture, "the picture did not change with the activation"

    page.locator(".pg-playground button.pg-step").click()
    expect(page.locator(".pg-playground .pg-loss").first).to_contain_text("step 1 (", timeout=WIDGET_MS)
    shot(page, screenshots / "playground-3-after-step.png", cell)
    assert loss_line(page) != before_line
    page.wait_for_timeout(500)                          # the picture's new PNG is decoded
    assert picture(page) != before_picture, "the picture did not change after Step"
    assert error_outputs(page) == []
    print(f"Browser test screenshots: {screenshots}")
