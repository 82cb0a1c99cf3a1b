"""The gradebook on disk: CSV, atomic writes, and one stored result per graded notebook.

Stored results make a batch resumable: each notebook's result is written the
moment it is graded, to ``<results folder>/<key>.json`` where the key hashes
the notebook's name and bytes with the grader's fingerprint (its code, the
reference solutions, the points and the limits). Run the same command again
and only what is new or changed is graded.
"""
import csv
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

from .source import ROOT, solution_notebooks


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
    """The gradebook as JSON; ``isolation`` says whether learner code ran isolated."""
    head = {"isolation": isolation} if isolation is not None else {}
    return json.dumps({**head, "submissions": results}, indent=1) + "\n"


def to_csv(results):
    ids = list(dict.fromkeys(i for r in results for i in r["exercises"]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "path", "score", "max_score", *ids, "error"])
    for r in results:
        writer.writerow([r["student"], r["path"], f"{r['score']:g}", f"{r['max_score']:g}",
                         *[points(r["exercises"].get(i)) for i in ids], r["error"] or ""])
    return out.getvalue()


def points(exercise):
    return "" if exercise is None else f"{exercise['points']:g}"


def fingerprint(points, limits):
    """A hash of everything that decides a grade, except the notebook itself."""
    import nbformat             # slow to import: only when grading
    h = hashlib.sha256()
    code = sorted((ROOT / "checks").rglob("*.py")) + [ROOT / "blocks.py"]
    for path in code:
        if path.exists():
            h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for path in solution_notebooks():
        nb = nbformat.read(path, as_version=4)
        h.update("\0".join(c.source for c in nb.cells if c.cell_type == "code").encode())
    settings = {k: getattr(limits, k) for k in dir(limits) if not k.startswith("_")}
    h.update(json.dumps([points, settings], sort_keys=True, default=str).encode())
    return h.hexdigest()


class ResultStore:
    """One JSON file per graded notebook in ``folder``, keyed by content and fingerprint."""

    def __init__(self, folder, fingerprint):
        self.folder, self.fingerprint = Path(folder), fingerprint

    def key(self, path):
        h = hashlib.sha256(self.fingerprint.encode())
        h.update(Path(path).name.encode() + b"\0")
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            return None                  # unreadable: grade it (and say why) every time
        return h.hexdigest()

    def get(self, path, student):
        key = self.key(path)
        if key is None:
            return None
        try:
            result = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None
        return {**result, "path": str(path), "student": student}

    def put(self, path, result):
        key = self.key(path)
        if key is not None:
            write_atomic(self.folder / f"{key}.json", json.dumps(result, indent=1) + "\n")


def results_folder(*gradebooks):
    """The results folder beside the first gradebook given: grades.json -> grades.results/."""
    first = next((Path(p) for p in gradebooks if p), None)
    return first.with_suffix(".results") if first else None


def summary(results, seconds, reused=0):
    """'12 submissions in 8.3 s: mean score 1.5 (75% of the maximum); 2 with errors.'

    A notebook that could not be read counts as 0% of the maximum."""
    n = len(results)
    if not n:
        return "No submissions graded."
    score = sum(r["score"] for r in results) / n
    share = sum(r["score"] / r["max_score"] if r["max_score"] else 0 for r in results) / n
    errors = sum(bool(r["error"]) for r in results)
    return (f"{n} submission{'s' * (n != 1)} in {seconds:.1f} s"
            + (f" ({reused} already graded, from stored results)" if reused else "")
            + f": mean score {score:.3g} ({100 * share:.0f}% of the maximum); "
            + f"{errors} with errors.")
