"""Runs an exercise's cases through a ``call`` and turns what happened into a Verdict.

``call(case) -> Outcome`` is the only thing that differs between the notebook
(the learner's function, called here) and the grader (called in a sandboxed
child process). Everything that judges a result lives here, in the trusted
process.
"""
from dataclasses import replace

import numpy as np

from blocks import relative_error

from ..runtime.provided_modules import SET_ASIDE
from .compare import compare
from .exercise import Raised
from .messages import Joined, Message, Verbatim, case_label, hint as hint_message, msg, nmsg
from .show import show_case
from .verdicts import FAILED, MISSING, NOT_ATTEMPTED, PASSED, NotAttempted, Note, Verdict


def headed(ex_id, text):
    """The first line of a verdict: the exercise, then what it says."""
    return msg("{exercise}: {text}", exercise=ex_id, text=text)


def missing(ex):
    return Verdict(ex.id, MISSING, [headed(ex.id, msg(
        "not found. Your notebook defines no function named {exercise}; the grader looks for "
        "it by that name.", exercise=ex.id))],
                   reason=msg("not found: no function of that name"))


def not_attempted(ex, stub=None):
    if stub and stub != ex.id and stub.isidentifier():
        return Verdict(ex.id, NOT_ATTEMPTED, [headed(ex.id, msg(
            "not checked yet: it calls `{stub}`, which is not finished (it still raises "
            "NotImplementedError). Finish {stub} first: replace `raise NotImplementedError()` "
            "in its cell with your code, run that cell, then run this check again.", stub=stub))],
                       reason=msg("calls {stub}, which is not finished yet", stub=stub))
    return Verdict(ex.id, NOT_ATTEMPTED, [headed(ex.id, msg(
        "not attempted yet. Replace `raise NotImplementedError()` in its cell with your code, "
        "run that cell, then run this check again."))],
                   reason=msg("not attempted yet"))


def stand_ins(ex, verdicts):
    """The exercises ``ex`` calls that do not pass their own checks (``verdicts``: id ->
    Verdict): while ``ex`` is checked, the course's versions (blocks) stand in for them, so
    one mistake costs once, in its own exercise."""
    return tuple(u for u in ex.uses if u in verdicts and not verdicts[u].passed)


def course_versions(names):
    """{name: blocks.<name>}: the course's versions of ``names``."""
    import blocks
    return {n: getattr(blocks, n) for n in names}


def set_aside():
    """A note for each file of the learner's that the course's provided module of the same
    name was preferred to (runtime/provided_modules.course_modules_first), once each."""
    notes = []
    while SET_ASIDE:
        name, path = SET_ASIDE.pop(0)
        notes.append(msg("Note: your file {path} has the name of the course's {module} module, "
                         "so the checks and your notebook use the course's {module}, not your "
                         "file. Rename your file (for example to my_{module}.py) to use it.",
                         path=path, module=name))
    return notes


def not_yours(exercise_id, fn):
    """What check() says of the course's own version (``is_provided(fn)``) given to it."""
    return msg("{exercise}: this is {module}.{name}, the course's provided version, not yours. "
               "Define your own {exercise} in the exercise cell (and do not import it from "
               "blocks after that cell), then run the check again.", exercise=exercise_id,
               module=fn.__module__, name=fn.__name__)


def noted(verdict, names):
    """The verdict, with a line saying which of the learner's functions the course's
    versions replaced (none when the exercise was not checked: not attempted, missing)."""
    if not names or verdict.status in (NOT_ATTEMPTED, MISSING):
        return verdict              # nothing was checked, so nothing stood in
    return verdict.with_lines(nmsg(
        "Note: your {names} does not pass its own check yet, so while {exercise} was checked "
        "the course's {blocks} stood in for it (wherever {exercise} calls it): one mistake "
        "costs once, in its own exercise.",
        "Note: your {names} do not pass their own checks yet, so while {exercise} was checked "
        "the course's {blocks} stood in for them (wherever {exercise} calls them): one mistake "
        "costs once, in its own exercise.", len(names),
        names=Joined([f"`{n}`" for n in names], last="and"), exercise=verdict.id,
        blocks=Joined([f"blocks.{n}" for n in names], last="and")))


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
        return Verdict(ex.id, FAILED, [headed(ex.id, grad_problem)], len(cases),
                       reason=grad_problem)
    passed = msg("passed all {n} cases (visible and randomised), tolerance rtol={rtol:g}, "
                 "atol={atol:g}.", n=len(cases), rtol=ex.rtol, atol=ex.atol)
    if grad_note:
        passed = msg("{passed} {gradient_check}", passed=passed, gradient_check=grad_note)
    return Verdict(ex.id, PASSED, [headed(ex.id, passed), *warning_note(warnings)],
                   len(cases), warnings=sorted(warnings, key=str))


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
    """None if the outcome is right, else what is wrong: a Message completing "It ..."
    (see ``sentence``) or a comparison's Mismatch."""
    if out.error:
        return error_message(out)
    if out.mutated:
        names = Joined([f"`{n}`" for n in out.mutated], last="and")
        if ex.in_place_note:
            return nmsg("changed its argument {names} in place: {note}",
                        "changed its arguments {names} in place: {note}", len(out.mutated),
                        names=names, note=ex.in_place_note)
        return nmsg("changed its argument {names} in place. Exercise functions must not modify "
                    "their inputs: compute into a new array instead (e.g. `x = x + 1`, not "
                    "`x += 1`).",
                    "changed its arguments {names} in place. Exercise functions must not "
                    "modify their inputs: compute into a new array instead (e.g. `x = x + 1`, "
                    "not `x += 1`).", len(out.mutated), names=names)
    exp, got = case.expected, out.value
    if ex.outputs and isinstance(exp, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(exp):
            return compare(exp, got, ex.rtol, ex.atol)
        for i, (name, e, g) in enumerate(zip(ex.outputs, exp, got)):
            m = compare(e, g, ex.rtol, ex.atol, f"`{name}`", scalar=False, path=(i,))
            if m:
                return m
        return None
    rtol, atol = tolerance(ex, case)
    return compare(exp, got, rtol, atol, scalar=ex.scalar)


def error_message(out):
    """What went wrong in a call that raised (or that the runtime stopped), as words
    completing "It ..." or "<the call> ...": a Message, Python's own text kept verbatim."""
    if out.error_is_sentence:                        # a sentence of ours: "It <was stopped: ...>"
        said = out.error
    else:                               # an exception: Python's text, or the runtime's words
        said = msg("raised {error}", error=out.error if isinstance(out.error, Message)
                   else Verbatim(out.error))
    if out.line:
        return msg("{problem} (your {line}).", problem=said, line=line_message(out.line))
    return msg("{problem}.", problem=said)


def line_message(line):
    """Where the error happened, from the Outcome's "line 3: return x @ w"."""
    number, _, code = str(line).partition(": ")
    if number.startswith("line ") and number[5:].isdigit():
        return msg("line {number}: {code}", number=int(number[5:]), code=Verbatim(code))
    return Verbatim(line)


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
    which = msg("The simplest failing case (hidden)") if case.hidden else \
        msg("The simplest failing case")
    if case.label:
        which = msg("{which} — {label}", which=which, label=case_label(case.label))
    lines = [headed(ex.id, msg("failed {failed} of {n} cases. {which}:", failed=n_failed,
                               n=n_cases, which=which)),
             msg("  {problem}", problem=said)]
    if not case.hidden:
        path = getattr(problem, "path", ())
        where = getattr(problem, "label", None)
        lines.append(show_case(ex, case, out.value, path, where))
    if getattr(problem, "error", 0):
        rtol, atol = tolerance(ex, case)
        lines.append(msg("  (on this case only a finite number is asked)") if atol > 1e300 else
                     msg("  (equal means |got - expected| <= atol + rtol * |expected|, with "
                         "rtol={rtol:g}, atol={atol:g})", rtol=rtol, atol=atol))
    if hint:
        lines.append(hint_line(ex, hint))
    numpy, notices = numpy_warnings(warnings)
    if numpy:
        lines.append(msg("NumPy warned: {warnings}.",
                         warnings=Joined([Verbatim(w) for w in numpy[:3]], sep="; ")))
    lines += notices
    return Verdict(ex.id, FAILED, lines, n_cases,
                   mistake=hint.id if hint else None, warnings=sorted(warnings, key=str),
                   reason=hint_message(ex.id, hint.id, hint.hint) if hint else
                   getattr(problem, "note", None) or said)


def hint_line(ex, mistake):
    """"Hint: ..." with a catalogued mistake's hint."""
    return msg("Hint: {hint}", hint=hint_message(ex.id, mistake.id, mistake.hint))


def sentence(problem):
    """What is wrong, as a sentence: judge()'s words follow "It", a comparison's Mismatch
    is its own sentence."""
    if isinstance(problem, Message):
        return msg("It {problem}", problem=problem)
    return problem.message()


def warning_note(warnings):
    """[the lines a passing verdict adds about NumPy's warnings and the grader's notices]."""
    numpy, notices = numpy_warnings(warnings)
    if not numpy:
        return notices
    return [msg("Note (not an error): NumPy warned {warnings}. The results are right, but a "
                "stable formula avoids the warning.",
                warnings=Joined([Verbatim(w) for w in numpy[:3]], sep="; ")), *notices]


def numpy_warnings(warnings):
    """(NumPy's warnings, their text sorted; the grader's own notices, Messages)."""
    return (sorted(w for w in warnings if not isinstance(w, Message)),
            sorted((w for w in warnings if isinstance(w, Message)), key=str))


def gradient_check(ex, cases, call, n=2):
    """Compares the learner's result with centred differences on the first ``n`` cases.

    Returns (note for a pass, problem or None)."""
    if ex.finite_difference is None:
        return "", None
    worst = 0.0
    chosen = ex.gradcheck_cases() if ex.gradcheck_cases else [c for c in cases if not c.hidden]
    for case in chosen[:n]:
        numeric, got = ex.finite_difference(case), call(case).value
        pairs = zip(numeric, got) if isinstance(numeric, tuple) else [(numeric, got)]
        for num, g in pairs:
            worst = max(worst, relative_error(flat(num), flat(g)))
    if worst > ex.gradcheck_tol:
        return "", msg("the gradient check failed: relative error {error:.1e} between your "
                       "result and centred differences (should be below {tol:g}).",
                       error=worst, tol=ex.gradcheck_tol)
    return msg("Gradient check: relative error {error:.0e} against centred differences.",
               error=worst), None


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
        return replace(problems, n_cases=0, passed_cases=None)
    notes = [p.text for p in problems if isinstance(p, Note)]
    problems = [p for p in problems if not isinstance(p, Note)]
    if problems:
        first = problems[0]
        lines = [line for p in problems for line in problem_lines(ex, p)]
        return Verdict(ex.id, FAILED, [headed(ex.id, lines[0]), *lines[1:]],
                       mistake=mistake_of(first), reason=lines[0])
    passed = msg("passed every property check.")
    for note in notes:
        passed = msg("{passed} {note}", passed=passed, note=note)
    return Verdict(ex.id, PASSED, [headed(ex.id, passed)])


def mistake_of(p):
    """The id of the catalogued mistake a property check's problem is, or names."""
    if isinstance(p, Message):
        return None
    return getattr(p, "mistake", None) or (p.id if hasattr(p, "matches") else None)


def problem_lines(ex, p):
    """A property check's problem as verdict lines: a catalogued Mistake gives its hint, a
    Problem its text (one Message or a list of lines), a Message itself."""
    if hasattr(p, "hint") and hasattr(p, "matches"):
        return [hint_message(ex.id, p.id, p.hint)]
    text = p.text if hasattr(p, "text") and not isinstance(p, Message) else p
    if isinstance(text, list):
        return text
    if isinstance(text, str) and not isinstance(text, Message):
        raise TypeError(f"{ex.id}'s property check returned English text {text[:60]!r}: "
                        "return msg(...) (checks/engine/messages.py)")
    return [text]
