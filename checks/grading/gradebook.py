"""The gradebook on disk: CSV, atomic writes, and one stored result per graded notebook.

Stored results make a batch resumable: each notebook's result is written the
moment it is graded, to ``<results folder>/<key>.json`` where the key hashes
the notebook's name and bytes with the grader's fingerprint (its code, the
reference solutions, the points and the limits). Run the same command again
and only what is new or changed is graded.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..engine.nbread import code_sources
from ..engine.source import ROOT, solution_notebooks


def course_code():
    """The files that decide a verdict, besides the notebook: the checks' code and stored
    cases, and the provided modules."""
    checks = ROOT / "checks"
    found = [*checks.rglob("*.py"), *checks.rglob("*.json"), ROOT / "blocks.py", ROOT / "digits.py"]
    return sorted(p for p in found if p.is_file())


def hash_files(h, paths):
    """``h`` (a hashlib object) updated with each file's path in the course and its bytes."""
    for path in paths:
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h


def write_atomic(path, text):
    """Writes ``text`` to a temporary file beside ``path``, then renames it into place:
    a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_json(results, isolation=None):
    """The whole course's JSON: learners (checks/grading/learners.py) and notebooks; ``isolation``
    says whether learner code ran isolated."""
    from .assignments import whole_course
    from .learners import gradebook
    from .report import to_json as report_json
    course = whole_course()
    return report_json(results, gradebook(results, course), course, isolation=isolation)


def to_csv(results):
    """One row per notebook, formula-safe (checks/grading/report.py)."""
    from .report import notebooks_csv
    return notebooks_csv(results)


def fingerprint(points, limits):
    """A hash of everything that decides a grade, except the notebook itself."""
    h = hash_files(hashlib.sha256(), course_code())
    for path in solution_notebooks():
        h.update("\0".join(code_sources(path)).encode())
    settings = {k: getattr(limits, k) for k in dir(limits) if not k.startswith("_")}
    h.update(json.dumps([points, settings], sort_keys=True, default=str).encode())
    return h.hexdigest()


class ResultStore:
    """One JSON file per graded notebook in ``folder``, keyed by content, learner and
    fingerprint (the learner: their hidden cases are their own)."""

    def __init__(self, folder, fingerprint):
        self.folder, self.fingerprint = Path(folder), fingerprint

    def key(self, path, student, context=""):
        """``context``: what else the result depends on (learner_context), if anything."""
        h = hashlib.sha256(self.fingerprint.encode())
        h.update(str(student).encode("utf-8", "surrogatepass") + b"\0" + context.encode() + b"\0")
        h.update(Path(path).name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            return None                  # unreadable: grade it (and say why) every time
        return h.hexdigest()

    def get(self, path, student, context=""):
        key = self.key(path, student, context)
        if key is None:
            return None
        try:
            result = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None
        return {**result, "path": str(path), "student": student}

    def put(self, path, result, student, context=""):
        key = self.key(path, student, context)
        if key is not None:
            write_atomic(self.folder / f"{key}.json", json.dumps(result, indent=1) + "\n")


def learner_context(paths):
    """A hash of all of one learner's notebooks (names and bytes): what a result cut short by
    the learner's shared time budget also depends on."""
    h = hashlib.sha256()
    for path in sorted(map(Path, paths)):
        h.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            h.update(b"\0unreadable")
    return h.hexdigest()


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
