"""``python -m checks release OUT``: what an instructor hands to learners, without solutions.

    OUT/notebooks/*.ipynb       learner notebooks, generated from solutions/ (stubs, no outputs)
    OUT/checks/                 the in-notebook checks (minus GRADING_ONLY below)
    OUT/checks/expected/*.json  practice cases with their answers (visible to learners anyway)
    OUT/checks/fresh/*.ipynb    pristine learner notebooks, for `python -m checks reset`
    OUT/blocks.py, data/ ...    the course's provided modules (pyproject's py-modules) and data
    OUT/README.md               the learners' part of README.md, and this list

No solutions/, no hidden cases' seed, no tests. ``tests/test_release.py`` scans
every file for every reference solution region.
"""
import shutil
import tempfile
try:
    import tomllib
except ModuleNotFoundError:     # Python 3.10
    import tomli as tomllib
from pathlib import Path

from .build import learner_text
from .source import ROOT, solution_notebooks

# Modules that hold grading secrets or need solutions/: never in a learner's release.
GRADING_ONLY = {"hidden.py", "execute.py", "release.py", "bundle.py", "feedback.py",
                "gradescope.py"}
SKIP = {"__pycache__", ".ipynb_checkpoints", "fresh"}
SETUP_FILES = ("requirements.txt", "requirements.in", "environment.yml", "pyproject.toml",
               "Makefile", ".gitignore", "LICENSE")
MARKER = ".course-release"


def project_files(root=ROOT):
    """Relative paths of what the course package needs: pyproject's py-modules and
    packages (every file in them), and the data/ folder if there is one."""
    tool = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    files = [Path(f"{m}.py") for m in tool.get("py-modules", [])]
    for package in tool.get("packages", []):
        folder = Path(*package.split("."))
        files += [p.relative_to(root) for p in sorted((root / folder).rglob("*"))
                  if p.is_file() and not SKIP & set(p.relative_to(root).parts)]
    if (root / "data").is_dir():
        files += [p.relative_to(root) for p in sorted((root / "data").rglob("*")) if p.is_file()]
    return sorted(set(files))


def copy(files, root, out):
    for rel in files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, out / rel)


def learner_files(root=ROOT):
    return [f for f in project_files(root)
            if not (f.parts[0] == "checks" and f.name in GRADING_ONLY)] + \
           [Path(f) for f in SETUP_FILES if (root / f).exists()]


def write_notebooks(out, solutions=None):
    for path in solution_notebooks(solutions):
        text = learner_text(path)
        for folder in (out / "notebooks", out / "checks" / "fresh"):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / path.name).write_text(text, encoding="utf-8")


def section(readme, title):
    """The text of ``## title`` up to the next level-2 heading ('' if absent)."""
    out, inside = [], False
    for line in readme.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == title
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def learner_readme(root, out):
    readme = (root / "README.md").read_text(encoding="utf-8") if (root / "README.md").exists() else ""
    intro = readme.split("\n## ", 1)[0].strip()
    listing = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    parts = [intro, section(readme, "Start (learners)"), section(readme, "Lessons"),
             "## What this folder contains\n\n"
             "The learner notebooks (`notebooks/`), the checks that run inside them "
             "(`checks/`, with the practice cases and their answers in `checks/expected/`), "
             "pristine copies of the notebooks (`checks/fresh/`, for starting a lesson "
             "again), the provided modules (`blocks.py` and the data the lessons use) and "
             "the pinned requirements. It holds no reference solutions and no hidden "
             "grading cases; your instructor grades your notebooks separately.\n\n"
             + "\n".join(f"- `{p}`" for p in listing)]
    return "\n\n".join(p for p in parts if p) + "\n"


def build_release(out, root=ROOT):
    """Builds the release in ``out`` (replacing a previous release there); returns ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"{out} is not empty and holds no previous release; "
                         "choose a new folder for the release.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        copy(learner_files(root), root, tmp)
        write_notebooks(tmp, root / "solutions")
        (tmp / "README.md").write_text(learner_readme(root, tmp), encoding="utf-8")
        (tmp / MARKER).write_text("built by `python -m checks release`\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
