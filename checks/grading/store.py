"""Stored results: one JSON file per graded notebook, keyed by content; atomic writes.

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
