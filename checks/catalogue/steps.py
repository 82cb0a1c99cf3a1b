"""An exercise judged over a loop of calls: an optimiser step fed its own outputs.

A single call cannot show what goes wrong over a loop of calls (a velocity not handed
on, a state reset), so such an exercise is graded by properties, ``stepwise``:

1. ``consecutive_steps``: N_STEPS calls from a starting state, each fed the state the
   learner's previous call returned, each compared with the reference from that same
   state. A failure names the first wrong step and shows its case, with the hint of the
   catalogued mistake it matches;
2. then single steps from other states, judged like value cases by ``verify``.
"""
import copy

from ..engine.exercise import Case
from ..engine.messages import msg
from ..engine.practice import fill
from ..engine.show import show_case
from ..engine.verdicts import Problem
from ..engine.verify import hint_line, judge, known_mistake, sentence, verify
from ..runtime import plain

N_STEPS = 5


def step_failure(ex, case, out, header):
    """None if ``out`` is right for ``case``, else a Problem: ``header``, what is wrong, the
    case, and the hint of the mistake it matches."""
    problem = judge(ex, case, out)
    if not problem:
        return None
    hint = known_mistake(ex, case, out)
    lines = [header, msg("  {problem}", problem=sentence(problem)), show_case(ex, case, out.value)]
    if hint:
        lines.append(hint_line(ex, hint))
    return Problem(lines, hint.id if hint else None)


def consecutive_steps(call, ex, reference, start, grad_of, args_of, state_of, kwargs, what):
    """Runs N_STEPS calls feeding each one the state the learner's previous call returned.

    ``start``: the state before step 1; ``grad_of(param)`` the gradient at ``param``;
    ``args_of(state, grad, t)`` the call's arguments; ``state_of(value)`` the next state
    from a call's result; ``what`` says which loop it is (a Message: "gradient descent with
    lr = 0.1").
    Returns [] if every step matches ``reference``, else [a Problem naming the first wrong
    step]."""
    state = start
    for t in range(1, N_STEPS + 1):
        args = args_of(state, grad_of(state[0]), t)
        case = Case(args, msg("step {t} of {n}", t=t, n=N_STEPS), dict(kwargs))
        case.expected = plain.normalise(reference(*copy.deepcopy(args), **kwargs))
        out = call(case)
        before = (msg("step 1 (the first call)") if t == 1 else
                  msg("step {t}; steps 1 to {previous} were right, so look at what one step "
                      "hands to the next", t=t, previous=t - 1))
        problem = step_failure(ex, case, out, msg(
            "{n} consecutive steps of {what}, each fed what your previous step returned. The "
            "first wrong one is {before}:", n=N_STEPS, what=what, before=before))
        if problem:
            return [problem]
        state = state_of(out.value)
    return []


def stepwise(ex, reference, loop, singles):
    """The property check of a step exercise ``ex`` (its cases' mistakes, no properties of
    its own): ``loop(call, ex, reference)`` first (e.g. consecutive_steps), then the
    ``singles()`` cases, filled in by ``reference``, judged by verify()."""
    def properties(call):
        problems = loop(call, ex, reference)
        if problems:
            return problems
        verdict = verify(ex, fill(singles(), reference), call)
        return [] if verdict.passed else verdict
    return properties
