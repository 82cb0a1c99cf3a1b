"""Grades one notebook: each in its own sandboxed child, judged here.

``grade_notebook`` never raises: whatever the file holds, it returns a result
with a score and a reason for every exercise it could not grade. It reads the
file safely (regular files only, code cells only, capped), finds its lesson and
judges each exercise on the cases it is given: the stored practice cases for a
learner's own ``status``, a learner's hidden cases for the class grader
(checks/classroom/grade_class.py, which grades a whole class).
"""
import difflib
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

from ..catalogue import EXERCISES, lessons
from ..engine import practice
from ..engine.messages import Message, Verbatim, msg, to_data
from ..engine.nbread import nbformat
from ..engine.source import WORKSHOP_CELLS, defined_functions, lesson_of_file
from ..engine.verify import noted, stand_ins, verify
from . import points as points_config
from .notebook_sources import TooMuchSource, reduced_notebook
from .sandbox import STOPPING, Limits, Sandbox, Unavailable, clean
from .submissions import lesson_by_name

MAX_NOTEBOOK_BYTES = 256 * 1024 ** 2    # the file, outputs included (they are skipped)
MAX_SOURCE_BYTES = 2 * 1024 ** 2        # its code cells' sources, as stored


# ---- reading a submission --------------------------------------------------

def refusal(path, limit=MAX_NOTEBOOK_BYTES):
    """Why the file at ``path`` is not read (a link, a FIFO, a device, too large), or None."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return msg("could not read {name}: {error}", name=path.name,
                   error=Verbatim(e.strerror or ""))
    if stat.S_ISLNK(st.st_mode):
        return msg("{name} is a symbolic link; the grader reads only regular files (hand in the "
                   "notebook itself)", name=path.name)
    if not stat.S_ISREG(st.st_mode):
        return msg("{name} is not a regular file (a folder, FIFO or device); it was not read",
                   name=path.name)
    if st.st_size > limit:
        return msg("{name} is {size:.0f} MB, more than the {limit:.0f} MB a notebook may be; "
                   "clear its outputs and hand it in again", name=path.name,
                   size=st.st_size / 1024 ** 2, limit=limit / 1024 ** 2)
    return None


def read_bytes(path, limit=MAX_NOTEBOOK_BYTES):
    """The file's bytes, never following a link, never blocking, never more than ``limit``."""
    why = refusal(path, limit)
    if why:
        raise ValueError(why)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(msg("{name} is not a regular file; it was not read",
                                 name=path.name))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(msg("{name} is larger than {limit:.0f} MB; it was not read",
                             name=path.name, limit=limit / 1024 ** 2))
    return data


def read_cells(path):
    """The code cells' sources, or ValueError with a reason a person understands.

    Any nbformat version nbformat reads (3 is converted); cells without a
    readable source are skipped, not fatal; a lesson's cell that only shows the workshop
    playground, exactly as shipped, is read as empty (nothing to grade, nothing the sandbox
    offers). Outputs are never read (notebook_sources.py): a notebook of many MB of plots is
    graded on its code; only code beyond MAX_SOURCE_BYTES is refused."""
    data = read_bytes(Path(path))
    try:
        small = reduced_notebook(data, MAX_SOURCE_BYTES)
    except TooMuchSource as e:
        raise ValueError(msg("the code cells of {name} hold {size:.1f} MB of code, more than the "
                             "{cap:g} MB the grader reads; it was not graded (outputs do not "
                             "count, only code)", name=path.name, size=e.size / 1024 ** 2,
                             cap=e.cap / 1024 ** 2)) from None
    except ValueError as e:
        raise ValueError(msg("could not read {name} as a notebook ({error})", name=path.name,
                             error=Verbatim(clean(e, 200, True)))) from None
    try:
        nb = nbformat().reads(json.dumps(small), as_version=4)
        cells = nb.get("cells")
    except Exception as e:
        raise ValueError(msg("could not read {name} as a notebook ({error})", name=path.name,
                             error=Verbatim(f"{type(e).__name__}: {clean(e, 200, True)}"))) \
            from None
    if not isinstance(cells, list):
        raise ValueError(msg("could not read {name} as a notebook: it has no list of cells",
                             name=path.name))
    sources = []
    for cell in cells:
        if not hasattr(cell, "get") or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if isinstance(source, str):
            sources.append("" if source.strip() in WORKSHOP_CELLS else source)
    return sources


def printable_path(path):
    """A path or name as text that prints, stores and goes in a CSV (undecodable bytes
    escaped, so two names stay two names)."""
    def escaped(text):
        return text.replace("\n", "\\n").replace("\t", "\\t")   # one line, always
    try:
        return clean(escaped(os.fsencode(str(path)).decode("utf-8", "backslashreplace")), 1000)
    except UnicodeError:
        return clean(escaped(str(path)), 1000)


def lesson_of(path, cells):
    """The lesson a notebook belongs to: by its file name, else by the functions it defines."""
    all_lessons = lessons()
    by_name = lesson_of_file(path.name, all_lessons)
    if by_name:
        return by_name
    defined = {name for source in cells for name in defined_functions(source)}
    best = max(all_lessons, key=lambda lesson: len(defined & set(all_lessons[lesson])))
    return best if defined & set(all_lessons[best]) else None


def definitions(cells):
    """{function name: [indexes of the code cells defining it]}."""
    where = {}
    for index, source in enumerate(cells):
        for name in defined_functions(source):
            where.setdefault(name, []).append(index)
    return where


def redefined_note(name, cells, where):
    """A note when an exercise is defined in several cells with different code."""
    indexes = where.get(name, [])
    if len({cells[i] for i in indexes}) < 2:
        return None
    return msg("{name} is defined in {n} cells (code cells {cells}); the grader used the last "
               "one, as Run All would.", name=name, n=len(indexes),
               cells=", ".join(str(i + 1) for i in indexes))


# ---- the cases a notebook is judged on -------------------------------------

def stored_cases(ex, reference=None, learner=None):
    """The stored practice cases (the same for everyone: they are the learner's to see)."""
    return practice.read(ex.id)


# ---- one notebook -----------------------------------------------------------

def grade_notebook(path, student=None, *, cases_for, reference=None, limits=Limits,
                   points=None, hide=(), budget=None, identity=None):
    """The result of one notebook (see README for the JSON); never raises.

    ``cases_for(ex, reference, learner)``: the cases each exercise is judged on
    (``stored_cases`` for a learner's own status; the class grader's hidden cases, with
    ``reference`` their answers: checks/classroom/grade_class.py, grade_submission).

    ``hide``: folders learner code must not see even inside a kept path (the class's
    folders, the results); ``budget``: the learner's time budget (sandbox_policy.Budget), shared
    with their other notebooks (default: one of its own); ``result["transient"]``: set when
    the result depends on something outside the learner's control (a machine too busy, an
    interrupted batch): it is never stored; ``result["budget"]`` is "learner" when the
    learner's shared budget ran out while grading it (the result then depends on their
    other notebooks too). ``identity``: whom the hidden cases are drawn for (default: the
    student's name)."""
    path = Path(path)
    result = {"path": printable_path(path), "student": printable_path(student or path.stem),
              "lesson": lesson_by_name(path),
              "score": 0, "max_score": 0, "error": None, "exercises": {}}
    try:
        cells = read_cells(path)
        lesson = result["lesson"] = lesson_of(path, cells)
        if lesson is None:
            raise ValueError(msg("{name} defines none of the course's exercises",
                                 name=path.name))
    except ValueError as e:
        return noted_result(result, e.args[0] if e.args and isinstance(e.args[0], Message)
                            else Verbatim(clean(e, 500, one_line=True)))
    except Exception as e:           # RecursionError from a deeply nested cell, and the like
        return noted_result(result, msg("could not read {name} ({error}); it was not graded",
                                        name=path.name, error=type(e).__name__))
    try:
        return grade_cells(result, cells, lesson, cases_for, reference, limits, points, hide,
                           learner=identity or result["student"], budget=budget)
    except Unavailable as e:
        result["transient"] = True
        return noted_result(result, msg("not graded: {why}",
                                        why=e.args[0] if e.args else ""))
    except Exception as e:           # a bug of ours must not cost the rest of the class
        result["transient"] = True
        return noted_result(result, msg(
            "the grader failed on this notebook ({error}); please report it",
            error=Verbatim(f"{type(e).__name__}: {clean(e, 200)}")))
    finally:
        if STOPPING.is_set():
            result["transient"] = True


def noted_result(result, note):
    """``result`` with ``note`` (a Message) as its error: English text, and message data for
    showing it in the learner's language."""
    result["error"] = clean(str(note), 500, one_line=True)
    result["notes"] = [to_data(note)]
    return result


def grade_cells(result, cells, lesson, cases_for, reference, limits, points, hide=(),
                learner=None, budget=None):
    points = points or points_config.load()
    where = definitions(cells)
    verdicts = {}
    with Sandbox(cells, limits, hide, lesson, budget) as sandbox:
        for ex in (EXERCISES[i] for i in lessons()[lesson]):
            verdict = verdicts[ex.id] = grade_exercise(ex, sandbox, cases_for, reference, where,
                                                       stand_ins(ex, verdicts), learner)
            note = redefined_note(ex.id, cells, where)
            result["exercises"][ex.id] = {
                "passed": verdict.passed, "points": points[ex.id] if verdict.passed else 0,
                "max_points": points[ex.id], "status": verdict.status, "mistake": verdict.mistake,
                "reason": clean(str(verdict.reason or ""), 500),
                "warnings": [clean(str(w), 500, True) for w in verdict.warnings]
                + ([str(note)] if note else []),
                "warnings_data": [to_data(w if isinstance(w, Message)
                                          else Verbatim(clean(w, 500, True)))
                                  for w in verdict.warnings] + ([to_data(note)] if note else []),
                "feedback": clean(verdict.message, 4000), "cases": verdict.n_cases,
                # the same, as message data: shown in either language later (feedback, status)
                "lines": [to_data(line) for line in verdict.lines],
                "why": to_data(verdict.reason) if verdict.reason else None,
                "passed_cases": verdict.n_cases if verdict.passed else verdict.passed_cases or 0}
        notes = sandbox.notes()
        if sandbox.busy or (sandbox.over and sandbox.budget.busy()):
            result["transient"] = True   # decided by the machine's load, not by the learner
        if sandbox.over & {"learner", "idle"}:
            result["budget"] = "learner"
    result["score"] = sum(e["points"] for e in result["exercises"].values())
    result["max_score"] = sum(e["max_points"] for e in result["exercises"].values())
    if notes:
        result["error"] = "; ".join(str(n) for n in notes)
        result["notes"] = [to_data(n) for n in notes]
    return result


def grade_exercise(ex, sandbox, cases_for, reference, where=None, stand_in=(), learner=None):
    """``stand_in``: exercises it calls that failed; the course's versions replace them.
    ``learner``: whose hidden cases (``cases_for(ex, reference, learner)``) are drawn."""
    def call(case):
        return sandbox.call(ex.id, case, ex.arg_names, ex.seconds, stand_in)
    probe = [] if ex.properties else cases_for(ex, reference and reference[ex.id], learner)
    verdict = verify(ex, probe, call)
    if verdict.missing:
        verdict = renamed(verdict, where or {})
    return noted(verdict, stand_in)


def renamed(verdict, where):
    """A MISSING verdict, saying which function of the notebook may be the exercise renamed."""
    hint = renamed_hint(verdict.id, where)
    return replace(verdict, lines=[msg("{text} {hint}", text=verdict.lines[0], hint=hint),
                                   *verdict.lines[1:]]) if hint else verdict


def renamed_hint(name, where):
    close = difflib.get_close_matches(name, [n for n in where if n not in EXERCISES], n=1,
                                      cutoff=0.6)
    return msg("It does define {found}: if that is your answer, rename it back to {name}.",
               found=close[0], name=name) if close else None
