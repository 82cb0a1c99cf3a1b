"""Grades a class: every notebook under the folders given, ``jobs`` at a time, each against
its learner's hidden cases; ``python -m checks grade`` (``cli``) then writes the outputs asked for.

Each result is stored as it finishes (checks/grading/store.py), so an interrupted batch
resumes where it stopped. Grading one notebook is checks/grading/grade.py's; who a notebook
belongs to, checks/grading/submissions.py's.
"""
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..errors import STOPPED, CourseError, did_you_mean
from ..grading import points as points_config
from ..grading.grade import grade_notebook, noted_result, printable_path, refusal
from ..grading.sandbox import STOPPING
from ..grading.sandbox_policy import Budget, Limits, Unisolated, exposed, unreadable_by
from ..grading.store import ResultStore, fingerprint, learner_context, write_atomic
from ..grading.submissions import discover, find_submissions, lesson_by_name
from ..grading.zygote import isolation_refused, kill_all
from .assignments import whole_course
from .gradebook import gradebook
from .hidden_cases import cached_reference, hidden_cases
from .progress_bar import Meter
from .report import notebooks_csv, to_json as report_json


def grade_submission(path, student=None, reference=None, **options):
    """One learner's notebook as the class grader grades it: against their hidden cases
    (hidden_cases.py), judged with ``reference``, the reference solutions' answers (default:
    the cached ones); ``options``: grade_notebook's."""
    return grade_notebook(path, student, cases_for=hidden_cases,
                          reference=reference or cached_reference(), **options)


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
        r = grade_submission(nb, student, reference=reference, limits=limits, points=points,
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
    """``python -m checks grade``: grades, then writes what was asked (report.py).
    Returns the exit code; raises CourseError (PointsError, IsolationUnavailable, RosterError,
    OverrideError, LateError, ...) before any learner code runs when an input is wrong."""
    from ..classroom.report import write_outputs
    from . import assignments, late, overrides, roster
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
        from .gradescope_results import submitter
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
            raise CourseError(f"--only {name}: no such learner in this class"
                              f"{did_you_mean(name, sorted(set(classes.rename.values())), n=3)}"
                              ". Give a learner as the gradebook names them.")
        folders.update(keys)
    store = ResultStore(folder, fingerprint(points, limits))
    for learner in folders:
        mine = [nb for s, nb in found.submissions if s == learner]
        context = learner_context(nb for nb in mine if not refusal(nb))
        for nb in mine:
            for key in (store.key(nb, learner), store.key(nb, learner, context)):
                if key:
                    (folder / f"{key}.json").unlink(missing_ok=True)


# ---- where results are kept, and the batch's JSON and CSV -------------------

def results_folder(*gradebooks):
    """The results folder beside the first gradebook given: grades.json -> grades.results/
    (``grade()`` called from Python; the command line uses ``default_store``)."""
    first = next((Path(p) for p in gradebooks if p), None)
    return first.with_suffix(".results") if first else None


def default_store(paths):
    """Where ``grade`` and ``progress`` keep results unless told (``--store``): beside the
    first folder given, submissions/ -> submissions.results/ (a notebook given: beside its
    folder), whatever outputs are asked for."""
    first = Path(paths[0]).resolve()
    folder = first if first.is_dir() else first.parent
    return folder.with_name((folder.name or "class") + ".results")


def store_line(n, reused, folder):
    """'Stored results: 12 of 40 reused, from DIR.' or where none were found."""
    if reused:
        return f"Stored results: {reused} of {n} reused, from {folder}."
    return (f"Stored results: none reused; looked in {folder} (a first run, or the notebooks, "
            "the checks or the points changed). This run's results are stored there.")


def summary(results, seconds, reused=0, folder=None):
    """'12 submissions in 8.3 s: mean score 1.5 (75% of the maximum); 2 with errors.'

    A notebook that could not be read counts as 0% of the maximum."""
    n = len(results)
    if not n:
        return "No submissions graded."
    score = sum(r["score"] for r in results) / n
    share = sum(r["score"] / r["max_score"] if r["max_score"] else 0 for r in results) / n
    errors = sum(bool(r["error"]) for r in results)
    stored = store_line(n, reused, folder) + "\n" if folder else ""
    return (stored + f"{n} submission{'s' * (n != 1)} in {seconds:.1f} s"
            + (f" ({reused} already graded, from stored results)" if reused else "")
            + f": mean score {score:.3g} ({100 * share:.0f}% of the maximum); "
            + f"{errors} with errors.")


def to_json(results, isolation=None):
    """The whole course's JSON: learners (gradebook.py) and notebooks; ``isolation``
    says whether learner code ran isolated."""
    course = whole_course()
    return report_json(results, gradebook(results, course), course, isolation=isolation)


def to_csv(results):
    """One row per notebook, formula-safe (report.py)."""
    return notebooks_csv(results)
