"""``python -m checks reset LESSON``: a fresh copy of a lesson's notebook, your work kept.

    notebooks/03_forward_pass.ipynb --> notebooks/backups/03_forward_pass.2026-11-27T14-05-00.ipynb
    fresh copy                       --> notebooks/03_forward_pass.ipynb

The fresh copy comes from the first of these that has it: solutions/ (through the
build's pipeline), the git checkout's last commit, checks/fresh/ (a release may ship
one). The notebook is only replaced once its backup is written and read back intact.
With ``--lang zh-TW`` the same happens in the zh-TW edition's folders (notebooks/zh-TW/, ...).
"""
import re
import subprocess
from datetime import datetime
from pathlib import Path

from ..engine.messages import Verbatim, msg
from ..engine.source import ROOT, lesson_named
from ..errors import CourseError


class ResetError(CourseError):
    """A reset that could not be done; the message says why and what to do."""


def edition_folder(lang):
    """The folder of an edition inside notebooks/, solutions/ and checks/fresh/."""
    return "zh-TW" if lang == "zh-TW" else ""


def lesson_name(lesson, root=ROOT, lang="en"):
    """'03', '3', '03_forward_pass' or '03_forward_pass.ipynb' -> '03_forward_pass.ipynb'."""
    sub = edition_folder(lang)
    places = [root / "notebooks" / sub, root / "solutions" / sub, root / "checks" / "fresh" / sub]
    names = sorted({p.stem for folder in places for p in folder.glob("[0-9][0-9]_*.ipynb")})
    found = lesson_named(lesson, names)
    if found is None:
        raise ResetError(msg("no lesson {lesson!r}. Lessons: {lessons}. Give its number (e.g. 03) "
                             "or its name (e.g. 03_forward_pass).", lesson=lesson,
                             lessons=", ".join(names) or msg("none found")))
    return found + ".ipynb"


def from_solutions(name, root, sub=""):
    path = root / "solutions" / sub / name
    rel = Path(sub, name).as_posix()
    if path.exists():      # solutions/ (and the build) are not in a release
        from ..authoring.build import learner_text
    return (learner_text(path), msg("rebuilt from solutions/{path}", path=rel)) if path.exists() else None


def from_git(name, root, sub=""):
    rel = Path(sub, name).as_posix()
    try:
        done = subprocess.run(["git", "-C", str(root), "show", f"HEAD:./notebooks/{rel}"],
                              capture_output=True, text=True, encoding="utf-8", timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout, msg("the last commit's notebooks/{path}", path=rel)


def from_fresh_folder(name, root, sub=""):
    path = root / "checks" / "fresh" / sub / name
    rel = Path(sub, name).as_posix()
    if not path.exists():
        return None
    return path.read_text(encoding="utf-8"), f"checks/fresh/{rel}"     # a path, shown as is


SOURCES = (from_solutions, from_git, from_fresh_folder)


def fresh_copy(name, root=ROOT, sub=""):
    """(notebook text, where it came from) from the first source that has it."""
    for source in SOURCES:
        found = source(name, root, sub)
        if found:
            return found
    raise ResetError(msg("found no fresh copy of {name}: there is no solutions/ folder, this is "
                         "not a git checkout, and checks/fresh/ does not have it. Download the "
                         "course again and copy the notebook from there.", name=name))


def is_backup(path):
    """A copy ``backup`` kept: backups/NN_name.YYYY-MM-DDTHH-MM-SS[-n].ipynb."""
    return path.parent.name == "backups" and re.fullmatch(
        r"\d\d_\w+\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(-\d+)?\.ipynb", path.name) is not None


def backup(path, now=None):
    """Copies ``path`` to backups/<stem>.<time>.ipynb next to it, reads it back, returns it."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%dT%H-%M-%S")
    folder = path.parent / "backups"
    data = path.read_bytes()
    try:
        folder.mkdir(exist_ok=True)
        target, n = folder / f"{path.stem}.{stamp}.ipynb", 1
        while target.exists():
            target, n = folder / f"{path.stem}.{stamp}-{n}.ipynb", n + 1
        target.write_bytes(data)
        intact = target.read_bytes() == data
    except OSError as e:
        raise ResetError(msg("could not write a backup of {name} in {folder} ({error}). Nothing "
                             "was changed. Free some space or fix the folder's permissions, then "
                             "try again.", name=path.name, folder=str(folder),
                             error=Verbatim(e.strerror or ""))) from None
    if not intact:
        raise ResetError(msg("the backup {backup} does not match {name}. Nothing was changed.",
                             backup=str(target), name=path.name))
    return target


def reset(lesson, root=ROOT, now=None, lang="en"):
    """Replaces notebooks/<lesson> (notebooks/zh-TW/<lesson> for lang="zh-TW") with a fresh
    copy after backing it up.

    Returns (notebook path, backup path or None, where the fresh copy came from)."""
    name = lesson_name(lesson, root, lang)
    text, origin = fresh_copy(name, root, edition_folder(lang))
    path = root / "notebooks" / edition_folder(lang) / name
    saved = None
    if path.exists():
        if path.read_text(errors="replace", encoding="utf-8") == text:
            return path, None, origin
        saved = backup(path, now)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path, saved, origin
