"""Grades learners' notebooks: each in its own sandboxed child, judged here.

``grade_notebook`` never raises: whatever the file holds, it returns a result
with a score and a reason for every exercise it could not grade. ``grade``
runs a whole class, ``jobs`` notebooks at a time, storing each result as it
finishes so an interrupted batch resumes where it stopped.
"""
import difflib
import json
import os
import stat
import sys
import threading
import time
from dataclasses import replace
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..engine.messages import Message, Verbatim, msg, to_data
from ..engine import practice as expected
from ..engine.nbread import nbformat
from . import points as points_config
from ..errors import STOPPED, CourseError
from ..catalogue import EXERCISES, lessons
from .learners import discover, lesson_by_name
from .gradebook import (ResultStore, fingerprint, learner_context, results_folder, summary,
                        to_csv, to_json, write_atomic)
from .notebook_sources import TooMuchSource, reduced_notebook
from .progress_bar import Meter
from .sandbox import (STOPPING, Budget, Limits, Unavailable, Unisolated, Sandbox, clean,
                      exposed, isolation_refused, kill_all, unreadable_by)
from ..engine.source import WORKSHOP_CELLS, defined_functions
from ..engine.verify import noted, stand_ins, verify

__all__ = ["grade", "grade_notebook", "to_csv", "write_atomic"]
MAX_NOTEBOOK_BYTES = 256 * 1024 ** 2    # the file, outputs included (they are skipped)
MAX_SOURCE_BYTES = 2 * 1024 ** 2        # its code cells' sources, as stored


# ---- finding and reading submissions ---------------------------------------

def find_submissions(paths, skip_folders=()):
    """(learner, notebook path) pairs: files as given, folders searched recursively
    (symbolic links to folders are not followed; links to files are listed, then refused).
    Lesson 00 and the workshop playground are never graded; see checks/grading/learners.py
    for who a notebook belongs to and which files are searched."""
    return discover(paths, skip_folders).submissions


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
    for lesson in all_lessons:
        if path.name.startswith(lesson[:2] + "_"):
            return lesson
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


# ---- the grading-only pieces, absent from a learner's release ---------------

def hidden():
    try:
        from ..classroom import hidden_cases as hidden
    except ImportError:
        raise CourseError("Grading against hidden cases needs the instructor's copy of the "
                           "course (solutions/ and checks/classroom/hidden_cases.py). To check your own "
                           "notebooks, run `python -m checks status`.") from None
    return hidden


def cached_reference():
    return hidden().cached_reference()


def stored_cases(ex, reference=None, learner=None):
    """The stored practice cases (the same for everyone: they are the learner's to see)."""
    return expected.read(ex.id)


# ---- one notebook -----------------------------------------------------------

def grade_notebook(path, student=None, cases_for=None, reference=None, limits=Limits,
                   points=None, hide=(), budget=None, identity=None):
    """The result of one notebook (see README for the JSON); never raises.

    ``hide``: folders learner code must not see even inside a kept path (the class's
    folders, the results); ``budget``: the learner's time budget (sandbox.Budget), shared
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
    if cases_for is None:
        cases_for = hidden().hidden_cases
        reference = reference or cached_reference()
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
                "feedback": clean(verdict.message, 4000), "cases": verdict.cases,
                # the same, as message data: shown in either language later (feedback, status)
                "lines": [to_data(line) for line in verdict.lines],
                "why": to_data(verdict.reason) if verdict.reason else None,
                "passed_cases": verdict.cases if verdict.passed else verdict.passed_cases or 0}
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


# ---- a class ----------------------------------------------------------------

def grade(paths, json_path=None, csv_path=None, reference=None, limits=Limits, echo=print,
          jobs=1, results_dir=None, regrade=False, points=None, progress=None, only=None,
          skip_folders=(), outputs=(), isolation=None, identity=None):
    """Grades every notebook under ``paths``, ``jobs`` at a time; returns the results.

    Each result is stored in ``results_dir`` (default: beside the JSON or CSV
    gradebook, e.g. grades.results/) as soon as it is graded; a rerun takes the
    stored results of unchanged notebooks and grades the rest (``regrade``
    grades everything again). Results that depend on the machine, not the
    learner (``transient``), are never stored. The gradebook files are written
    at the end, atomically. ``progress`` is the stream for a progress bar
    (default stderr, drawn only on a terminal). ``only``: grade only notebooks of
    these lessons (a notebook not named after a lesson is graded, and its lesson found
    by its functions). ``outputs``: more files or folders the results go to (hidden
    from learner code, like the results folder).

    Fails closed: with ``limits.isolate`` (the default) and no isolation on this
    machine, raises IsolationUnavailable before any learner code runs (asked once some
    notebook must be graded, or a JSON gradebook written: a rerun with every result stored
    starts no sandbox and loads no reference). ``isolation``: isolation_status(limits),
    when the caller has asked it already. ``identity``: whom every
    notebook's hidden cases are drawn for, when the batch is one learner's submission
    (Gradescope); by default each learner's own name."""
    started = time.monotonic()
    submissions = [(s, nb) for s, nb in find_submissions(paths, skip_folders)
                   if only is None or lesson_by_name(nb) in (None, *only)]
    points = points or points_config.load()
    folder = results_dir or results_folder(json_path, csv_path)
    store = ResultStore(folder, fingerprint(points, limits)) if folder else None
    hide = [Path(p) for p in [*paths, folder, json_path, csv_path, *outputs] if p]
    hide = sorted({str(p if p.is_dir() else p.parent) for p in hide})
    shown = exposed(hide, bool(limits.isolate))
    if shown:
        raise IsolationUnavailable(
            "Grading stopped before running any learner code: {folder} is a folder learner "
            "code may read (Python's libraries, the system's folders and the provided "
            "modules stay readable to it). Keep the class and the results elsewhere."
            .format(folder=shown[0]))

    lock, budgets, contexts, notebooks_of = threading.Lock(), {}, {}, {}
    for student, nb in submissions:
        notebooks_of.setdefault(student, []).append(nb)

    def budget(student):
        """The learner's time budget, shared by all their notebooks."""
        with lock:
            return budgets.setdefault(student, Budget(limits))

    def context(student):
        """A hash of all the learner's readable notebooks, computed once."""
        with lock:
            if student not in contexts:
                contexts[student] = learner_context(
                    nb for nb in notebooks_of[student] if not refusal(nb))
            return contexts[student]

    def key(student):
        return student if identity is None else f"{student}\0{identity}"

    def ready(student, nb):
        """(the result, stored or not) when no grading is needed: a file that is refused,
        or one whose result is stored; else None."""
        why = refusal(nb)
        if why:                          # never hashed, opened or stored: a FIFO would hang
            return noted_result({"path": printable_path(nb), "student": printable_path(student),
                                 "score": 0, "max_score": 0, "error": None, "exercises": {}},
                                why), False
        stored = None
        if store and not regrade:
            stored = store.get(nb, key(student)) or store.get(nb, key(student), context(student))
        if stored is not None:
            return {**stored, "path": printable_path(nb), "student": printable_path(student)}, True
        return None

    def work(student, nb, fresh=False):
        done = ready(student, nb)
        if done is not None:
            return done
        r = grade_notebook(nb, student, reference=reference, limits=limits, points=points,
                           hide=hide, budget=Budget(limits) if fresh else budget(student),
                           identity=identity)
        if store and not r.get("transient"):
            store.put(nb, r, key(student), context(student) if r.get("budget") else "")
        return r, False

    results, reused = [None] * len(submissions), 0
    meter = Meter(len(submissions), progress)
    todo = []
    for i, s in enumerate(submissions):  # what needs no grading first: no sandbox, no
        done = ready(*s)                 # references, no isolation check when nothing does
        if done is None:
            todo.append(i)
            continue
        results[i], was_stored = done
        reused += was_stored
        meter.clear()
        echo(line(done[0], was_stored))
        meter.step()
    if todo or json_path:                # fails closed before any learner code runs
        isolation = isolation or isolation_status(limits)
    if todo:
        reference = reference or cached_reference()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(work, *submissions[i]): i for i in todo}
        for future in as_completed(futures):
            r, was_stored = future.result()
            results[futures[future]] = r
            reused += was_stored
            meter.clear()
            echo(line(r, was_stored))
            meter.step()
    except BaseException:
        STOPPING.set()                   # no new sandbox starts; the running ones are killed
        kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        kill_all()
        STOPPING.clear()
        meter.clear()
        if store:
            echo(f"Interrupted: the submissions already graded are kept in {folder}; "
                 "run the same command again to grade the rest.")
        raise
    pool.shutdown()
    for i, r in enumerate(results):      # once more, alone, what the machine's load decided
        if r.get("transient"):
            results[i], _ = work(*submissions[i], fresh=True)
            echo(line(results[i]) + "  (graded again, alone)")
    meter.clear()
    if json_path:
        write_atomic(json_path, to_json(results, isolation=isolation))
    if csv_path:
        write_atomic(csv_path, to_csv(results))
    if results:
        echo(f"Isolation: {isolation}." if isolation else
             "Isolation: not needed (nothing was graded: no learner code ran).")
        busy = sum(bool(r.get("transient")) for r in results)
        if busy:
            echo(f"{busy} result{'s' * (busy != 1)} depended on this machine (too busy, or "
                 "interrupted) and were not stored: run the same command again to grade "
                 f"{'them' if busy != 1 else 'it'}.")
        echo(summary(results, time.monotonic() - started, reused, folder))
    return results


class IsolationUnavailable(CourseError, RuntimeError):
    pass


def isolation_status(limits):
    """'on (...)' or 'OFF (...)', in words; raises IsolationUnavailable when isolation is
    asked for and this machine cannot provide it."""
    if not sys.platform.startswith("linux"):
        raise IsolationUnavailable(
            "Grading a class needs Linux (its sandbox is built from Linux namespaces, "
            "Landlock and seccomp). On macOS or Windows, `python -m checks status` checks "
            "your own notebooks; grade the class on Linux (a VM or a container will do).")
    if not limits.isolate:
        root = os.getuid() == 0 and limits.user is not None
        cannot = unreadable_by(limits.user) if root else []
        if cannot:
            raise IsolationUnavailable(
                f"Grading stopped before running any learner code: with --no-isolation, "
                f"learner code runs as the unprivileged user {limits.user}, who cannot read "
                f"{', '.join(cannot[:3])}. Move the course and its Python to folders others "
                "can read (check the folders above them with ls -ld; /root is private), or "
                "grade as an ordinary user.")
        try:
            from ..runtime import isolate
            files = ("files limited by Landlock to Python, the provided modules and its own "
                     "folder" if isolate.landlock_abi() else
                     "but it could read any file that user can read (no Landlock here)")
        except Exception:
            files = "but it could read any file that user can read"
        return ("OFF (--no-isolation): learner code ran " +
                (f"as the unprivileged user {limits.user}" if root else "as you")
                + f", with limits and a system-call filter; {files}")
    why = isolation_refused(limits)
    if why:
        raise IsolationUnavailable(
            "Grading stopped before running any learner code: this machine does not let the "
            f"grader isolate it ({why}). Learner code is hostile; isolated, it sees only "
            "Python and the provided modules. To grade anyway, knowing that learner code "
            "will be able to read what your user can read, run the same command with "
            "--no-isolation (see README, \"Security\").")
    return ("on (user, mount, PID, network and IPC namespaces; an allow-listed file "
            "system; a system-call filter)")


def line(r, stored=False):
    return (f"{r['student']:<20} {Path(r['path']).name:<28} {r['score']:g}/{r['max_score']:g}"
            + ("  (stored)" if stored else "")
            + (f"  ({r['error'][:60]})" if r["error"] else ""))


def cli(args):
    """``python -m checks grade``: grades, then writes what was asked (checks/grading/report.py).
    Returns the exit code; raises CourseError (PointsError, IsolationUnavailable, RosterError,
    OverrideError, LateError, ...) before any learner code runs when an input is wrong."""
    from . import assignments, late, overrides, roster
    from .gradebook import default_store
    from .report import write_outputs
    started = time.monotonic()
    missing = [str(p) for p in args.paths if not Path(p).exists()]
    if missing:
        raise CourseError(f"No such file or folder: {', '.join(missing)}")
    points = points_config.load()
    limits = Unisolated if getattr(args, "no_isolation", False) else Limits
    assignment = assignments.load(args.assignment or assignments.COURSE)
    people = roster.read(args.roster) if getattr(args, "roster", None) else None
    fixes = overrides.read(args.overrides) if getattr(args, "overrides", None) else []
    dates = late.read_dates(args.dates) if getattr(args, "dates", None) else None
    skip = assignments.names()
    found = discover(args.paths, skip)
    classes = roster.class_list(found, people)
    if people is not None and args.moodle:
        bad = roster.moodle_problems([(p.moodle or p.login, p.login) for p in people])
        if bad:
            raise roster.RosterError(
                f"Moodle stops a whole import at one username it does not know, and "
                f"{len(bad)} on the roster cannot be Moodle usernames: "
                + ", ".join(repr(u) for u, _ in bad[:5])
                + ". Give the roster a moodle_username column (or use Moodle's participants "
                  "export as the roster).")
    outputs = [args.json, args.csv, args.gradebook, args.canvas, args.moodle, args.feedback,
               args.gradescope]
    folder = Path(getattr(args, "store", None) or default_store(args.paths))
    try:
        if found.submissions:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CourseError(f"Cannot keep results in {folder} ({e.strerror}): give a folder "
                          "you can write to with --store DIR.") from None
    only = assignment.lessons if args.assignment else None
    if getattr(args, "only", None):
        forget(args.only, found, classes, folder, points, limits)
    isolation = isolation_status(limits)             # asked once: it may start processes
    identity = None
    if args.gradescope:                              # one learner's submission
        from ..classroom.gradescope_results import submitter
        identity = submitter()
    results = grade(args.paths, jobs=args.jobs, results_dir=folder, regrade=args.regrade,
                    points=points, limits=limits, only=only, skip_folders=skip,
                    outputs=[o for o in outputs if o], isolation=isolation, identity=identity)
    kept, ignored = assignments.apply(results, assignment)
    if only is not None:                 # named after another lesson: not graded at all
        ignored += [{"path": printable_path(nb), "student": printable_path(s),
                     "lesson": lesson_by_name(nb), "score": 0, "max_score": 0,
                     "error": None, "exercises": {}}
                    for s, nb in found.submissions if lesson_by_name(nb) not in (None, *only)]
    write_outputs(kept, args, assignment, ignored, time.monotonic() - started,
                  isolation=isolation, classes=classes, found=found, overrides=fixes,
                  times=late.Times(dates, args.paths))
    if not found.learners:
        print("No notebooks found under " + ", ".join(map(str, args.paths)), file=sys.stderr)
        return 0 if args.gradescope else STOPPED
    if not kept:
        print(f"No notebook of the assignment {assignment.name!r} ({', '.join(assignment.lessons)})"
              " was found: every learner has 0.", file=sys.stderr)
    return 0


def forget(names, found, classes, folder, points, limits):
    """Removes the stored results of the learners ``names`` (gradebook learners or their
    folders), so that they are graded again; CourseError when one is not in the class."""
    folders = set()
    for name in names:
        keys = [k for k, v in classes.rename.items() if name.casefold() in
                (k.casefold(), v.casefold())]
        if not keys and name.casefold() in {w.casefold() for w in classes.who}:
            raise CourseError(f"--only {name}: no notebook of {name} was found, so there is "
                              "nothing to grade again.")
        if not keys:
            close = difflib.get_close_matches(name, sorted(set(classes.rename.values())), n=3)
            raise CourseError(f"--only {name}: no such learner in this class"
                              + (f" (did you mean {', '.join(close)}?)" if close else "")
                              + ". Give a learner as the gradebook names them.")
        folders.update(keys)
    store = ResultStore(folder, fingerprint(points, limits))
    for learner in folders:
        mine = [nb for s, nb in found.submissions if s == learner]
        context = learner_context(nb for nb in mine if not refusal(nb))
        for nb in mine:
            for key in (store.key(nb, learner), store.key(nb, learner, context)):
                if key:
                    (folder / f"{key}.json").unlink(missing_ok=True)
