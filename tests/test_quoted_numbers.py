"""Numbers the lessons quote in their text come from what their cells print.

A number with a decimal point or a percent sign, in a markdown cell's prose (not in $maths$,
not in `code`), must equal, at the precision it is quoted with, a number printed by one of the
notebook's code cells (stored outputs of solutions/, which nbval keeps in step with the code).
"90.3 %" matches a printed 90.3% or 90.31%; "0.0672" a printed 0.0672 or 0.06718. So a text that
quotes fewer digits than the output never depends on the last digits a CPU prints.

Numbers that are not results (a learning rate, a bound from the maths, an example's inputs)
are written in $maths$ or `code`, or listed in NOT_RESULTS with the reason.
"""
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import nbformat
import pytest

from checks.engine.source import solution_notebooks

MATHS_OR_CODE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|```.*?```|`[^`]*`", re.S)
QUOTED = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?\s?%|\d+(?:,\d{3})*\.\d+)")
PRINTED = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?%?")

# Numbers in prose that are inputs or settings, not printed results, with the reason.
NOT_RESULTS = {
    "00_start_here": set(),
}


def quoted_numbers(text):
    prose = MATHS_OR_CODE.sub(" ", text)
    for match in QUOTED.finditer(prose):
        yield match.group(1)


def printed_numbers(nb):
    numbers = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
            for token in PRINTED.findall(text):
                numbers.add(token)
    return numbers


def as_decimal(token):
    return Decimal(token.rstrip("%").replace(",", ""))


def matches(quoted, printed):
    """Does the quoted number equal some printed number, rounded to the quoted precision?"""
    q = as_decimal(quoted)
    places = Decimal(1).scaleb(q.as_tuple().exponent)
    percent = quoted.endswith("%")
    for token in printed:
        if token.endswith("%") != percent and not percent:
            continue
        try:
            p = as_decimal(token)
        except Exception:
            continue
        if percent and not token.endswith("%"):
            p = p * 100 if abs(p) <= 1 else p       # a fraction printed as 0.903 is 90.3 %
        if any(p.quantize(places, rounding=r) == q for r in (ROUND_HALF_EVEN, ROUND_HALF_UP)):
            return True
    return False


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_numbers_in_the_text_are_printed_by_the_cells(path):
    nb = nbformat.read(path, as_version=4)
    printed = printed_numbers(nb)
    allowed = NOT_RESULTS.get(path.stem, set())
    unmatched = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for quoted in quoted_numbers(cell.source):
            if quoted not in allowed and not matches(quoted, printed):
                unmatched.append(f"cell {i}: {quoted!r}")
    assert not unmatched, (f"{path.name}: numbers in the text that no cell prints (quote them as "
                           f"printed, or write inputs in $maths$ or `code`): {unmatched}")


def test_the_comparison_rounds_to_the_quoted_precision():
    assert matches("90.3 %", {"90.3%"}) and matches("90 %", {"90.3%"})
    assert matches("0.0672", {"0.06718"}) and matches("90.3 %", {"0.903"})
    assert not matches("90.4 %", {"90.3%"}) and not matches("0.0673", {"0.0672"})
    assert list(quoted_numbers("lr $0.005$, `1e-3`, got 97.8 % and 0.0686")) == ["97.8 %", "0.0686"]
