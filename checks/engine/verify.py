"""Runs an exercise's cases through a ``call`` and turns what happened into a Verdict.

``call(case) -> Outcome`` is the only thing that differs between the notebook
(the learner's function, called here) and the grader (called in a sandboxed
child process). Everything that judges a result lives here, in the trusted
process.
"""
from dataclasses import replace

import numpy as np

from blocks import relative_error
from .compare import compare
from .exercise import Raised
from .show import show_case
from .verdicts import (FAILED, MISSING, NOT_ATTEMPTED, PASSED, Note, NotAttempted, Verdict,
                       one_line)


def missing(ex):
    return Verdict(ex.id, MISSING, [f"{ex.id}: not found. Your notebook defines no function "
                                    f"named {ex.id}; the grader looks for it by that name."],
                   reason="not found: no function of that name")


def not_attempted(ex, stub=None):
    if stub and stub != ex.id and stub.isidentifier():
        return Verdict(ex.id, NOT_ATTEMPTED,
                       [f"{ex.id}: not checked yet: it calls `{stub}`, which is not finished "
                        f"(it still raises NotImplementedError). Finish {stub} first: replace "
                        f"`raise NotImplementedError()` in its cell with your code, run that "
                        f"cell, then run this check again."],
                       reason=f"calls {stub}, which is not finished yet")
    return Verdict(ex.id, NOT_ATTEMPTED,
                   [f"{ex.id}: not attempted yet. Replace `raise NotImplementedError()` in "
                    f"its cell with your code, run that cell, then run this check again."],
                   reason="not attempted yet")


def stand_ins(ex, verdicts):
    """The exercises ``ex`` calls that do not pass their own checks (``verdicts``: id ->
    Verdict): while ``ex`` is checked, the course's versions (blocks) stand in for them, so
    one mistake costs once, in its own exercise."""
    return tuple(u for u in ex.uses if u in verdicts and not verdicts[u].passed)


def noted(verdict, names):
    """The verdict, with a line saying which of the learner's functions the course's
    versions replaced (none when the exercise was not checked: not attempted, missing)."""
    if not names or verdict.status in (NOT_ATTEMPTED, MISSING):
        return verdict              # nothing was checked, so nothing stood in
    listed = " and ".join(f"`{n}`" for n in names)
    return verdict.with_lines(
        f"Note: your {listed} {'does' if len(names) == 1 else 'do'} not pass "
        f"{'its' if len(names) == 1 else 'their'} own check yet, so while {verdict.id} was "
        f"checked the course's {' and '.join(f'blocks.{n}' for n in names)} stood in for "
        f"{'it' if len(names) == 1 else 'them'} (wherever {verdict.id} calls "
        f"{'it' if len(names) == 1 else 'them'}): one mistake costs once, in its own exercise.")


def verify(ex, cases, call):
    """Checks ``ex`` on ``cases`` (each with ``expected`` filled in) through ``call``."""
    if ex.properties is not None:
        return verify_properties(ex, call)
    failures, warnings, right = [], set(), 0
    n_visible = ex.n_visible()
    for index, case in enumerate(cases):
        out = call(case)
        if out.missing:
            return missing(ex)
        if out.not_attempted:
            return not_attempted(ex, out.stub)
        warnings.update(out.warnings)
        problem = judge(ex, case, out)
        if problem:
            failures.append((case, out, problem, readability(case, index >= n_visible)))
        else:
            right += 1
        if out.fatal:
            break
    if failures:
        failures = [f[:3] for f in sorted(failures, key=lambda f: f[3])]
        case, out, problem, mistake = explain(ex, failures)
        return replace(failed(ex, case, out, problem, len(failures), len(cases), warnings,
                              mistake), passed_cases=right)
    grad_note, grad_problem = gradient_check(ex, cases, call)
    if grad_problem:
        return Verdict(ex.id, FAILED, [f"{ex.id}: {grad_problem}"], len(cases),
                       reason=one_line(grad_problem))
    return Verdict(ex.id, PASSED, [f"{ex.id}: passed all {len(cases)} cases (visible and "
                                   f"randomised), tolerance rtol={ex.rtol:g}, "
                                   f"atol={ex.atol:g}.{grad_note}", *warning_note(warnings)],
                   len(cases), warnings=sorted(warnings))


def readability(case, randomised):
    """Sort key of a failing case: the learner's own cases (hidden ones last), fixed before
    randomised, moderate numbers before large ones (about ±1000), then the smallest."""
    return (case.hidden, randomised, magnitude(case) > 100, case.size)


def magnitude(case):
    """The largest |number| among a case's array arguments (nested lists included)."""
    def top(x):
        if isinstance(x, (list, tuple)):
            return max((top(v) for v in x), default=0.0)
        if isinstance(x, np.ndarray) and x.dtype.kind in "fiu" and x.size:
            return float(np.nanmax(np.abs(x)))
        return 0.0
    return top(list(case.args))


def tolerance(ex, case):
    return ex.tolerance(case) if ex.tolerance else (ex.rtol, ex.atol)


def judge(ex, case, out):
    """None if the outcome is right, else a sentence about what is wrong."""
    if out.error:
        return ((out.error if out.said else f"raised {out.error}")
                + (f" (your {out.line})" if out.line else "") + ".")
    if out.mutated:
        names = f"argument{'s' * (len(out.mutated) > 1)} {', '.join(out.mutated)}"
        if ex.in_place_note:
            return f"changed its {names}: {ex.in_place_note}"
        return (f"changed its {names} in place. Exercise functions must not modify "
                "their inputs: compute into a new array instead (e.g. `x = x + 1`, not `x += 1`).")
    exp, got = case.expected, out.value
    if ex.outputs and isinstance(exp, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(exp):
            return compare(exp, got, ex.rtol, ex.atol, "the result")
        for i, (name, e, g) in enumerate(zip(ex.outputs, exp, got)):
            m = compare(e, g, ex.rtol, ex.atol, f"`{name}`", scalar=False, path=(i,))
            if m:
                return m
        return None
    rtol, atol = tolerance(ex, case)
    return compare(exp, got, rtol, atol, "the result", scalar=ex.scalar)


def explain(ex, failures):
    """(case, outcome, problem, mistake) to show, from failures sorted simplest first.

    An argument changed in place wins: its case is shown, with an in-place hint if one
    matches. Otherwise the mistake that explains the most failing cases, on the simplest
    case it explains."""
    mutated = [f for f in failures if f[1].mutated]
    if mutated:
        for f in mutated:
            m = next((m for m in ex.mistakes if m.in_place and matches(m, *f[:2])), None)
            if m:
                return (*f, m)
        f = mutated[0]
        value_wrong = judge(ex, f[0], replace(f[1], mutated=())) is not None
        m = next((m for m in ex.mistakes if value_wrong and not m.in_place
                  and matches(m, *f[:2])), None)
        return (*f, m)
    mistake = likeliest_mistake(ex, failures)
    f = next((f for f in failures if mistake and matches(mistake, *f[:2])), failures[0])
    return (*f, mistake)


def matches(mistake, case, out):
    return mistake.matches(case, Raised(out.error) if out.error else out.value)


def known_mistake(ex, case, out):
    """The first catalogued mistake that explains this one outcome, or None."""
    return next((m for m in ex.mistakes if matches(m, case, out)), None)


def likeliest_mistake(ex, failures):
    """The catalogued mistake that explains the most failing cases (first listed on ties)."""
    counts = [0 if m.in_place else sum(matches(m, case, out) for case, out, _ in failures)
              for m in ex.mistakes]
    best = max(range(len(counts)), key=lambda i: (counts[i], -i), default=None)
    return ex.mistakes[best] if best is not None and counts[best] else None


def failed(ex, case, out, problem, n_failed, n_cases, warnings, hint):
    """The smallest failing case shown (unless hidden), with the likeliest mistake's hint."""
    if case.hidden and getattr(problem, "worst", None):
        problem = replace(problem, worst=None)   # it would show a hidden expected value
    said = sentence(problem)
    lines = [f"{ex.id}: failed {n_failed} of {n_cases} cases. "
             f"The simplest failing case{' (hidden)' if case.hidden else ''}"
             f"{' — ' + case.label if case.label else ''}:", f"  {said}"]
    if not case.hidden:
        path = getattr(problem, "path", ())
        where = getattr(problem, "where", "").replace("the result", "result")
        lines.append(show_case(ex, case, out.value, path, where))
    if getattr(problem, "error", 0):
        rtol, atol = tolerance(ex, case)
        lines.append("  (on this case only a finite number is asked)" if atol > 1e300 else
                     f"  (equal means |got - expected| <= atol + rtol * |expected|, with "
                     f"rtol={rtol:g}, atol={atol:g})")
    if hint:
        lines.append(f"Hint: {hint.hint}")
    if warnings:
        lines.append("NumPy warned: " + "; ".join(sorted(warnings)[:3]) + ".")
    return Verdict(ex.id, FAILED, lines, n_cases,
                   mistake=hint.id if hint else None, warnings=sorted(warnings),
                   reason=one_line(hint.hint if hint else getattr(problem, "note", "") or said))


def sentence(problem):
    """What is wrong, as a sentence: judge()'s words follow "It", a comparison's Mismatch
    starts its own sentence."""
    if isinstance(problem, str):
        return f"It {problem}"
    return f"{str(problem)[0].upper()}{str(problem)[1:]}"


def warning_note(warnings):
    """[the line a passing verdict adds about NumPy's warnings], or [] without warnings."""
    if not warnings:
        return []
    return ["Note (not an error): NumPy warned " + "; ".join(sorted(warnings)[:3]) +
            ". The results are right, but a stable formula avoids the warning."]


def gradient_check(ex, cases, call, n=2):
    """Compares the learner's result with centred differences on the first ``n`` cases.

    Returns (note for a pass, problem or None)."""
    if ex.numeric is None:
        return "", None
    worst = 0.0
    chosen = ex.gradcheck_cases() if ex.gradcheck_cases else [c for c in cases if not c.hidden]
    for case in chosen[:n]:
        numeric, got = ex.numeric(case), call(case).value
        pairs = zip(numeric, got) if isinstance(numeric, tuple) else [(numeric, got)]
        for num, g in pairs:
            worst = max(worst, relative_error(flat(num), flat(g)))
    if worst > ex.gradcheck_tol:
        return "", (f"the gradient check failed: relative error {worst:.1e} between your "
                    f"result and centred differences (should be below {ex.gradcheck_tol:g}).")
    return f" Gradient check: relative error {worst:.0e} against centred differences.", None


def flat(x):
    if isinstance(x, (list, tuple)):
        return np.concatenate([flat(v) for v in x]) if x else np.zeros(0)
    return np.ravel(np.asarray(x, dtype=float))


def verify_properties(ex, call):
    """Runs ``ex.properties(call)``: it returns its problems (sentences, Problems or
    Mistakes) and Notes, or a failed Verdict of ``ex`` of its own (verify()'s, on single
    cases), which is kept with no case count (a property check earns no partial credit).

    A call of an unfinished function (NotImplementedError) stops the check: the call
    raises NotAttempted. A function the notebook lacks makes the verdict MISSING, whatever
    the property check concluded from the calls' errors."""
    absent = []

    def watched(case):
        out = call(case)
        absent.append(out.missing)
        if out.not_attempted:
            raise NotAttempted(out.stub)
        return out
    try:
        problems = ex.properties(watched)
    except NotAttempted as unfinished:
        return missing(ex) if any(absent) else not_attempted(ex, unfinished.stub)
    if any(absent):
        return missing(ex)
    if isinstance(problems, Verdict):
        return replace(problems, cases=0, passed_cases=None)
    notes = [p for p in problems if isinstance(p, Note)]
    problems = [p for p in problems if not isinstance(p, Note)]
    if problems:
        first = problems[0]
        texts = [p.hint if hasattr(p, "hint") else str(p) for p in problems]
        return Verdict(ex.id, FAILED, [f"{ex.id}: {texts[0]}", *texts[1:]],
                       mistake=getattr(first, "mistake", None) or getattr(first, "id", None),
                       reason=one_line(texts[0]))
    return Verdict(ex.id, PASSED, [f"{ex.id}: passed every property check."
                                   + "".join(f" {n}" for n in notes)])
