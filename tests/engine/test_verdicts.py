"""Facts travel as fields: a verdict's status, its recognised mistake and its reason are
data; its message is derived from its lines. A function the notebook lacks is MISSING
because the sandbox said so, for value-checked and property-checked exercises alike,
never because of a message."""
import ast
from pathlib import Path

import pytest

from checks import run_check
from checks.catalogue import EXERCISES
from checks.engine import practice
from checks.engine.exercise import Case, Exercise
from checks.engine.messages import Table, msg, pmsg
from checks.engine.source import load_reference
from checks.engine.verdicts import (
    FAILED,
    ICONS,
    MISSING,
    NOT_ATTEMPTED,
    PASSED,
    STATUSES,
    Outcome,
    Problem,
    Verdict,
)
from checks.engine.verify import verify, verify_properties

CHECKS = Path(__file__).resolve().parent.parent / "checks"
REFERENCE = load_reference()


def absent(case):
    return Outcome(error="something unrelated", missing=True)


@pytest.mark.parametrize("ex_id", ["weighted_sum", "init_params", "train"])
def test_a_missing_function_is_missing_whatever_it_is_judged_by(ex_id):
    ex = EXERCISES[ex_id]
    cases = [] if ex.properties else practice.read(ex_id)
    verdict = verify(ex, cases, absent)
    assert verdict.status == MISSING and not verdict.passed
    assert verdict.reason == "not found: no function of that name"


def test_an_error_that_mentions_a_name_is_not_missing():
    ex = EXERCISES["weighted_sum"]
    said = verify(ex, practice.read("weighted_sum"),
                  lambda case: Outcome(error="NameError: no function named 'helper' is defined"))
    assert said.status == FAILED


# ---- the Verdict itself -----------------------------------------------------------------

@pytest.mark.parametrize("status", STATUSES)
def test_each_status_is_one_field_and_its_flags(status):
    verdict = Verdict("relu", status, ["relu: something"])
    assert (verdict.passed, verdict.missing) == (status == PASSED, status == MISSING)
    assert status in ICONS


def test_a_status_outside_the_four_is_refused():
    with pytest.raises(ValueError, match="status is one of"):
        Verdict("relu", "partly passed", ["relu: ..."])


def test_the_message_is_derived_from_the_lines():
    verdict = Verdict("relu", FAILED, [msg("relu: failed 1 of 2 cases."),
                                       Table([("x", "[1. 2.]"), (pmsg("label", "got"), "3")])])
    assert verdict.message == "relu: failed 1 of 2 cases.\n  x   = [1. 2.]\n  got = 3"
    assert verdict.text("zh-TW").endswith("  你的結果 = 3")
    more = verdict.with_lines(msg("Note: a note."))
    assert more.message == verdict.message + "\nNote: a note." and more.lines[-1] == "Note: a note."
    assert len(verdict.lines) == 2                 # the original is unchanged
    with pytest.raises(TypeError):
        Verdict("relu", FAILED, "relu: one string")


def test_verify_gives_each_status_with_its_facts():
    ex = EXERCISES["dense_forward"]
    cases = practice.read("dense_forward")
    right = run_check("dense_forward", REFERENCE["dense_forward"])
    assert right.passed and right.reason == "" and right.mistake is None
    assert str(right.lines[0]).startswith("dense_forward: passed all")

    wrong = run_check("dense_forward", lambda X, W, b: X @ W)
    assert wrong.status == FAILED and wrong.mistake == "no_bias"
    assert wrong.reason == "the bias is missing: Z = X @ W + b."
    assert wrong.passed_cases is not None and wrong.passed_cases < wrong.n_cases == len(cases)
    assert any(str(line).startswith("Hint: ") for line in wrong.lines)

    def unfinished(X, W, b):
        raise NotImplementedError()
    stub = run_check("dense_forward", unfinished)
    assert stub.status == NOT_ATTEMPTED and stub.reason == "not attempted yet"

    assert verify(ex, cases, absent).missing


# ---- property checks: NotAttempted, Problems and a verdict of their own ----------------

def property_exercise(properties):
    return Exercise("toy", "00_toy", "toy(x) -> x", ("x",), properties=properties)


def test_an_unfinished_call_stops_a_property_check():
    seen = []

    def properties(call):
        seen.append(call(Case((1,))).value)
        seen.append("after")          # never reached: the call raised NotAttempted
        return ["never reported"]
    verdict = verify_properties(property_exercise(properties),
                                lambda case: Outcome(not_attempted=True, stub="helper"))
    assert verdict.status == NOT_ATTEMPTED and "calls helper" in str(verdict.reason)
    assert seen == []


def test_a_problem_carries_its_mistake_and_a_note_is_not_a_problem():
    def properties(call):
        return [Problem(msg("it went wrong. Do this."), "sign"), msg("and another thing.")]
    verdict = verify_properties(property_exercise(properties), lambda case: Outcome(value=1))
    assert verdict.status == FAILED and verdict.mistake == "sign"
    assert verdict.lines == ["toy: it went wrong. Do this.", "and another thing."]
    assert verdict.reason_text("en") == "it went wrong."
    assert verdict.n_cases == 0 and verdict.passed_cases is None


# ---- no code learns a fact from a message ---------------------------------------------

TEXT_FIELDS = {"message", "feedback", "reason", "error"}
READING = {"startswith", "endswith", "find", "rfind", "index", "split", "splitlines",
           "partition", "count", "strip"}


def text_field(node):
    """True when ``node`` is x.message (or .feedback, .reason, .error), or x["feedback"] and
    the like."""
    if isinstance(node, ast.BoolOp):                     # (x.message or "")
        return text_field(node.values[0])
    if isinstance(node, ast.Attribute):
        return node.attr in TEXT_FIELDS
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and key.value in TEXT_FIELDS
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "get" and node.args:
        return isinstance(node.args[0], ast.Constant) and node.args[0].value in TEXT_FIELDS
    return False


def parsed_messages(tree):
    """Where code reads a message to learn something: slices it (cutting its end off to
    show less is not reading), searches it, tests what it starts with, or appends to it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and text_field(node.value) and not (
                isinstance(node.slice, ast.Slice) and node.slice.lower is None
                and node.slice.step is None):
            yield node, "slices"
        elif isinstance(node, ast.Compare) and any(
                isinstance(op, (ast.In, ast.NotIn)) and text_field(right)
                for op, right in zip(node.ops, node.comparators)):
            yield node, "searches"
        elif isinstance(node, ast.Attribute) and node.attr in READING and text_field(node.value):
            yield node, f"calls .{node.attr}() on"
        elif isinstance(node, ast.AugAssign) and text_field(node.target):
            yield node, "appends to"


def test_no_module_learns_a_fact_from_a_message():
    found = []
    for path in sorted(CHECKS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(CHECKS.parent)}:{node.lineno} {what} a message"
                  for node, what in parsed_messages(tree)]
    assert found == []


def test_the_detector_finds_what_it_looks_for():
    code = ("a = v.message[3:]\nb = 'x' in v.message\nc = e['feedback'].startswith('x')\n"
            "v.message += 'x'\nd = 'x' in e.get('reason')\nok = v.message + 'x'\n"
            "shown = r['error'][:60]\nf = (r.get('error') or '').startswith('the')\n")
    found = sorted((node.lineno, what) for node, what in parsed_messages(ast.parse(code)))
    assert [what for _, what in found] == [
        "slices", "searches", "calls .startswith() on", "appends to", "searches",
        "calls .startswith() on"]


def status_literals(tree):
    """Where a status is spelled as a literal and used as a status: compared, a key of a
    map of statuses, the "status" of a dict, or one of several in a tuple, list or set.
    (The result field "passed", a column header or a catalogue entry is not a status.)"""
    def status(n):
        return isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in STATUSES
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            yield from (n for n in [node.left, *node.comparators] if status(n))
        elif isinstance(node, ast.Dict):
            if sum(map(status, node.keys)) >= 2:
                yield from (k for k in node.keys if status(k))
            yield from (v for k, v in zip(node.keys, node.values) if status(v)
                        and isinstance(k, ast.Constant) and k.value == "status")
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and sum(map(status, node.elts)) >= 2:
            yield from (n for n in node.elts if status(n))


def test_the_statuses_are_spelled_once():
    """Only verdicts.py spells "passed", "failed", "not attempted" or "missing" as a status
    (gradescope_results.py writes Gradescope's own "passed" / "failed", another vocabulary)."""
    found = []
    for path in sorted(CHECKS.rglob("*.py")):
        if path.name in ("verdicts.py", "gradescope_results.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(CHECKS.parent)}:{n.lineno} {n.value!r}"
                  for n in status_literals(tree)]
    assert found == []


def test_the_status_detector_finds_what_it_looks_for():
    code = ("A, B = 'passed', 'failed'\nif v.status == 'not attempted': pass\n"
            "ICONS = {'passed': 1, 'missing': 2}\nr = {'status': 'missing', 'passed': False}\n"
            "ok = e.get('passed'), ('verdict', 'passed')\n")
    assert sorted(n.lineno for n in status_literals(ast.parse(code))) == [1, 1, 2, 3, 3, 4]
