"""``python -m checks release OUT``: what an instructor hands to learners, without solutions.

    OUT/notebooks/*.ipynb       learner notebooks, generated from solutions/ (stubs, no outputs),
                                and the workshop's playground.ipynb
    OUT/checks/                 the in-notebook checks (minus the LEFT_OUT folders)
    OUT/checks/practice_cases/*.json  practice cases with their answers (visible to learners anyway)
    OUT/checks/fresh/*.ipynb    pristine learner notebooks, for `python -m checks reset`
    OUT/notebooks/zh-TW/        the same in Traditional Chinese (from solutions/zh-TW/), fresh copies too
    OUT/locale/.../checks.mo    the checks' messages in zh-TW, compiled, and checks.po (the
                                lessons' catalogues stay behind)
    OUT/blocks.py, data/ ...    the course's provided modules (pyproject's py-modules) and data
    OUT/README.md               the course's introduction and lessons, how to start, this list
    OUT/README.zh-TW.md         the same for learners in zh-TW, from README.zh-TW.md's learner
                                sections (never the instructors' part of it)
    OUT/Makefile                the course Makefile's set-up part (install, lab) and the
                                learners' commands: status, test, reset, clean
    OUT/.course-release         the list of files the release owns

No solutions/, no hidden cases' seed, no tests. ``tests/authoring/test_release.py`` scans
every file for every reference solution region, follows every link of the README and
runs every command it names, in a release.

Rebuilding updates OUT in place: files of the previous release that are gone are
removed, the others replaced, and anything the release does not own (``.git`` above
all, so an nbgitpuller repository keeps its history) is left alone.
"""
import os
import re
import shutil
import tempfile

try:
    import tomllib
except ModuleNotFoundError:     # Python 3.10
    import tomli as tomllib
from pathlib import Path

from ..engine.source import ROOT, solution_notebooks, workshop_notebooks
from ..errors import CourseError
from .build import learner_text

# Folders of checks/ that hold grading secrets, need solutions/ or build the course,
# with their command modules: never in a learner's release, so that its
# `python -m checks --help` lists only the learners' commands (docs/architecture.md, Layout).
LEFT_OUT = {"authoring", "classroom"}
SKIP = {"__pycache__", ".ipynb_checkpoints", "fresh"}
SETUP_FILES = ("requirements.txt", "requirements.in", "environment.yml", "pyproject.toml",
               "LICENSE")
ZH_README = "README.zh-TW.md"
# README.md's learner sections and their titles in README.zh-TW.md (in this order); a test
# (tests/authoring/test_readme_zh.py) holds the two READMEs' sections, commands and tables
# to each other through this map.
ZH_SECTIONS = {"Start here (learners)": "開始（學員）",
               "Conda, Binder and JupyterHub": "Conda、Binder 與 JupyterHub",
               "Lessons": "課程內容"}
TEMPLATES = Path(__file__).parent / "templates" / "release"
MARKER = ".course-release"
MARKER_HEAD = "# built by `python -m checks release`; the files it owns:\n"
# what check() needs for zh-TW: the compiled catalogue it renders from, and its source
MESSAGES = (Path("locale", "zh_TW", "LC_MESSAGES", "checks.mo"),
            Path("locale", "zh_TW", "LC_MESSAGES", "checks.po"))


class ReleaseError(CourseError):
    """A release that was not built; nothing in its folder was changed."""


def project_files(root=ROOT):
    """Relative paths of what the course package needs: pyproject's py-modules and the
    packages it finds (every file in their folders), and the data/ folder if there is one."""
    tool = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    files = [Path(f"{m}.py") for m in tool.get("py-modules", [])]
    tops = {name.split(".")[0] for name in tool["packages"]["find"]["include"]}
    for folder in sorted(tops):
        files += [p.relative_to(root) for p in sorted((root / folder).rglob("*"))
                  if p.is_file() and not SKIP & set(p.relative_to(root).parts)
                  and "templates/release" not in p.relative_to(root).as_posix()]
    if (root / "data").is_dir():
        files += [p.relative_to(root) for p in sorted((root / "data").rglob("*")) if p.is_file()]
    files += [m for m in MESSAGES if (root / m).is_file()]
    return sorted(set(files))


def copy(files, root, out):
    for rel in files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, out / rel)


def learner_files(root=ROOT):
    return [f for f in project_files(root)
            if not (f.parts[0] == "checks" and len(f.parts) > 2 and f.parts[1] in LEFT_OUT)] + \
           [Path(f) for f in SETUP_FILES if (root / f).exists()]


def write_notebooks(out, solutions=None):
    """Each edition's learner notebooks into notebooks/, and the lessons' into checks/fresh/
    too (where reset finds them; a workshop notebook has no exercises to reset)."""
    for edition in ("", "zh-TW"):           # the English edition, then the zh-TW one
        sols = Path(solutions or ROOT / "solutions") / edition
        lessons = [(p, ("notebooks", "checks/fresh")) for p in solution_notebooks(sols)]
        workshops = [(p, ("notebooks",)) for p in workshop_notebooks(sols)]
        for path, folders in lessons + workshops:
            text = learner_text(path)
            for folder in folders:
                target = out / folder / edition / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")


def section(readme, title):
    """The text of ``## title`` up to the next level-2 heading ('' if absent)."""
    out, inside = [], False
    for line in readme.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == title
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def lesson_table(readme, title="Lessons"):
    """The table of the README's Lessons section (its rows only)."""
    return "\n".join(line for line in section(readme, title).splitlines()
                     if line.startswith("|"))


def start_section(readme, start="Start", heading="## Start"):
    """The README's learners' start section ("## Start ..."), without its subsections for
    instructors (Binder, JupyterHub: they point into the repository)."""
    title = next((line[3:].strip() for line in readme.splitlines()
                  if line.startswith(f"## {start}")), None)
    if title is None:
        return ""
    text = section(readme, title)
    text = re.split(r"\n### .*(?:Binder|JupyterHub|instructor).*\n", text, maxsplit=1)[0]
    # what the repository holds beyond a release (solutions/, the seed) is not the release's
    text = re.sub(r" ?\(This repository is the whole course:.*?\)|（這個儲存庫是完整的課程：.*?）", "",
                  text, flags=re.S)
    return re.sub(r"^## .*", heading, text, count=1).strip()


# A learner's README per edition: the course README it is made from, what its introduction
# loses (grading a class), its start and lessons sections, commands, and what the folder holds.
LEARNER_READMES = {
    "README.md": dict(
        drop=r",? and a whole class can be graded automatically",
        start=("Start", "## Start"), lessons=("Lessons", "## Lessons"), commands="COMMANDS.md",
        contents="## What this folder contains\n\n"
        "The learner notebooks (`notebooks/`, and in Traditional Chinese "
        "`notebooks/zh-TW/`), the checks that run inside them "
        "(`checks/`, with the practice cases and their answers in `checks/practice_cases/`), "
        "pristine copies of the notebooks (`checks/fresh/`, for starting a lesson "
        "again), the provided modules (`blocks.py` and the data the lessons use) and "
        "the pinned requirements. It holds no reference solutions and no hidden "
        "grading cases; your instructor grades your notebooks separately."),
    ZH_README: dict(
        drop=r"，講師也能自動為全班評分",
        start=(ZH_SECTIONS["Start here (learners)"], "## 開始"),
        lessons=(ZH_SECTIONS["Lessons"], "## 課程內容"), commands="COMMANDS.zh-TW.md",
        contents="## 這個資料夾裡有什麼\n\n"
        "學員的筆記本（繁體中文版在 `notebooks/zh-TW/`，英文版在 `notebooks/`）、在筆記本裡執行的"
        "檢查（`checks/`，練習案例和它們的答案在 `checks/practice_cases/`）、筆記本的全新副本"
        "（`checks/fresh/`，用來重新開始某一課）、課程提供的模組（`blocks.py` 和各課用到的資料）"
        "以及固定版本的套件清單。這裡沒有參考解答，也沒有評分用的隱藏案例；講師會另外為你的"
        "筆記本評分。"),
}


def learner_readme(root, out, name="README.md"):
    """The learners' ``name`` (README.md or README.zh-TW.md): the course README's
    introduction, its start section (without Binder and JupyterHub), the commands, the
    lessons and what the folder holds; never its instructors' or translators' sections."""
    edition = LEARNER_READMES[name]
    path = root / name
    readme = path.read_text(encoding="utf-8") if path.exists() else ""
    intro = re.sub(edition["drop"], "", readme.split("\n## ", 1)[0].strip())
    listing = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    title, heading = edition["lessons"]
    table = lesson_table(readme, title)
    parts = [intro, start_section(readme, *edition["start"]),
             (TEMPLATES / edition["commands"]).read_text(encoding="utf-8").strip(),
             f"{heading}\n\n{table}" if table else "",
             edition["contents"] + "\n\n" + "\n".join(f"- `{p}`" for p in listing)]
    return "\n\n".join(p for p in parts if p) + "\n"


def learner_makefile(root):
    """The course Makefile up to its first developers' target (variables, install, lab),
    then the learners' targets."""
    text = (root / "Makefile").read_text(encoding="utf-8")
    head = re.split(r"\n(?=test:)", text, maxsplit=1)[0]
    head = re.sub(r"^# The two commands.*$", "# The learners' release of the course. Start with:  make lab",
                  head, count=1, flags=re.M)
    head = re.sub(r"^\.PHONY:.*$", ".PHONY: lab install status test reset clean", head,
                  count=1, flags=re.M)
    return head.rstrip() + "\n\n" + (TEMPLATES / "targets.mk").read_text(encoding="utf-8")


def owned(out):
    """The files a previous release in ``out`` wrote (None: no release there)."""
    marker = out / MARKER
    if not marker.exists():
        return None
    lines = marker.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# built"):      # an older release: no list
        return {p.relative_to(out).as_posix() for p in out.rglob("*")
                if p.is_file() and ".git" not in p.relative_to(out).parts}
    return {line for line in lines[1:] if line and not line.startswith("#")}


def build_release(out, root=ROOT):
    """Builds the release in ``out``, or updates the one there in place; returns ``out``."""
    out = Path(out)
    previous = owned(out) if out.exists() else None
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        copy(learner_files(root), root, tmp)
        (tmp / "Makefile").write_text(learner_makefile(root), encoding="utf-8")
        shutil.copy2(TEMPLATES / "gitignore", tmp / ".gitignore")      # the learners', not ours
        write_notebooks(tmp, root / "solutions")
        if (root / ZH_README).exists():
            (tmp / ZH_README).write_text("", encoding="utf-8")     # listed in both READMEs
        (tmp / "README.md").write_text(learner_readme(root, tmp), encoding="utf-8")
        if (root / ZH_README).exists():
            (tmp / ZH_README).write_text(learner_readme(root, tmp, ZH_README), encoding="utf-8")
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        (tmp / MARKER).write_text(MARKER_HEAD + "\n".join(files + [MARKER]) + "\n",
                                  encoding="utf-8")
        files.append(MARKER)
        clashes = [f for f in files if (out / f).exists() and f not in (previous or set())]
        if clashes:
            raise ReleaseError(f"{out} holds files that no previous release wrote: "
                             f"{', '.join(clashes[:8])}{' ...' if len(clashes) > 8 else ''}. "
                             "Move them away (or choose another folder) and run again; "
                             "nothing was changed.")
        for stale in sorted((previous or set()) - set(files)):
            (out / stale).unlink(missing_ok=True)
            prune(out, (out / stale).parent)
        for f in files:
            (out / f).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / f, out / f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def prune(top, folder):
    """Removes ``folder`` and its parents up to ``top`` while they are empty."""
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
