"""The learners' release holds no solution and still checks; the Gradescope bundle
grades a submission in a simulated /autograder."""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from checks.authoring.build import REGION
from checks.authoring.release import ReleaseError, build_release
from checks.catalogue import EXERCISES
from checks.classroom.gradescope_bundle import build_bundle
from checks.engine.source import ROOT, solution_notebooks, workshop_notebooks
from helpers import GRADESCOPE, submission


def normalised(text):
    return "\n".join(line.strip() for line in text.splitlines()
                     if line.strip() and not line.strip().startswith("#"))


def solution_bodies():
    """Every reference solution region of solutions/, normalised, with where it comes from."""
    bodies = []
    for path in solution_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                bodies += [(path.name, normalised("\n".join(m[0].splitlines()[1:-1])))
                           for m in REGION.finditer(cell.source)]
    assert len(bodies) >= 27
    return bodies


def text_of(path):
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix == ".ipynb":
        nb = json.loads(data)
        return "\n".join("".join(c.get("source", "")) + "\n" + json.dumps(c.get("outputs", []))
                         for c in nb["cells"])
    return data.decode("utf-8", errors="ignore")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("rel") / "course")


# Reviewed exceptions: (file in the release, solution notebook, line of its solution).
# Lesson 00 shows how a check reacts to a correct answer with lesson 01's weighted_sum.
KNOWN = {(f"{folder}00_start_here.ipynb", "01_weighted_sum.ipynb", "return float(np.dot(x, w) + b)")
         for folder in ("notebooks/", "checks/fresh/", "notebooks/zh-TW/", "checks/fresh/zh-TW/")}
# The sgd_step.step_only hint names the one-line update; every learner who makes that mistake
# is shown it (checks/catalogue/lesson07.py), and checks.po holds the same hint in one piece.
KNOWN |= {(f"locale/zh_TW/LC_MESSAGES/checks.{kind}", "07_weight_updates.ipynb",
           "return param - lr * grad") for kind in ("po", "mo")}


def test_no_solution_code_anywhere_in_the_release(release):
    files = [p for p in release.rglob("*") if p.is_file()]
    assert len(files) > 40
    bodies, found = solution_bodies(), set()
    for path in files:
        rel = path.relative_to(release).as_posix()
        if rel == "blocks.py":
            continue          # the provided module: checked to be the course's own, below
        text = normalised(text_of(path))
        found |= {(rel, notebook, body) for notebook, body in bodies if body in text}
    assert found <= KNOWN, f"solution code in the release: {sorted(found - KNOWN)}"


def test_the_scan_finds_a_solution_when_there_is_one(tmp_path):
    notebook, body = solution_bodies()[5]
    leaked = tmp_path / "leak.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f():\n    " +
                                                                   body.replace("\n", "\n    "))])
    nbformat.write(nb, leaked)
    assert body in normalised(text_of(leaked))


def test_the_release_holds_what_learners_need_and_no_grading_secret(release):
    files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    lessons = [p.name for p in solution_notebooks()]
    workshop = [p.name for p in workshop_notebooks()]
    assert sorted(p.name for p in (release / "notebooks").glob("*.ipynb")) == sorted(lessons + workshop)
    for name in workshop:              # the playground: shipped without outputs, nothing to reset
        nb = nbformat.read(release / "notebooks" / name, as_version=4)
        assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
        assert not (release / "checks" / "fresh" / name).exists()
        assert (release / "notebooks" / "zh-TW" / name).exists()
    assert "playground.py" in files
    for name in lessons:
        text = (release / "notebooks" / name).read_text(encoding="utf-8")
        assert (release / "checks" / "fresh" / name).read_text(encoding="utf-8") == text
        nb = nbformat.reads(text, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] for c in code) and "### BEGIN SOLUTION" not in text
    expected = {p.name for p in (ROOT / "checks" / "practice_cases").glob("*.json")}
    assert {f.split("/")[-1] for f in files if f.startswith("checks/practice_cases/")} == expected
    ignored = (release / ".gitignore").read_text(encoding="utf-8").split()     # the learners'
    assert ".venv/" in ignored and ".ipynb_checkpoints/" in ignored
    assert not {"/build/", ".nbgrader-venv/", ".venv310/"} & set(ignored)     # not ours
    assert (release / "blocks.py").read_bytes() == (ROOT / "blocks.py").read_bytes()
    assert {"README.md", "requirements.txt", "pyproject.toml", "checks/notebook.py"} <= files
    if (ROOT / "digits.py").exists():
        assert {"digits.py"} | {f"data/{p.name}" for p in (ROOT / "data").iterdir()} <= files
    assert not any(f.startswith(("solutions/", "tests/")) or f.endswith("hidden_cases.py") for f in files)
    for path in release.rglob("*.py"):
        assert "GRADING_SEED" not in path.read_text(encoding="utf-8") and "31337" not in path.read_text(encoding="utf-8")
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert "## What this folder contains" in readme and "no reference solutions" in readme


# The dev venv has this repository installed editable; its import hook would find modules
# a release lacks in the repository. A learner's install of the release has no such hook.
ONLY_THE_RELEASE = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in str(f)]
sys.path.insert(0, {root!r})
"""

CHECK = ONLY_THE_RELEASE + """
import numpy as np
import checks
from checks.notebook import run_check
assert checks.__file__.startswith({root!r}), checks.__file__
right = run_check("sigmoid", lambda z: 1 / (1 + np.exp(-np.asarray(z, dtype=float))))
wrong = run_check("sigmoid", lambda z: 1 / (1 + np.exp(np.asarray(z, dtype=float))))
print(right.status, "|", wrong.status, "|", wrong.message)
"""


def test_the_release_checks_work_without_solutions(release):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}     # as in a kernel, whatever the locale
    out = subprocess.run([sys.executable, "-c", CHECK.format(root=str(release))], cwd=release,
                         env=env, capture_output=True, encoding="utf-8", timeout=120)
    assert out.returncode == 0, out.stderr
    right, wrong, message = out.stdout.split(" | ", 2)
    assert (right, wrong) == ("passed", "failed") and "Hint:" in message


PLAYGROUND = ONLY_THE_RELEASE + """
import checks, playground
assert playground.__file__.startswith({root!r}), playground.__file__
mine = playground.from_lessons("notebooks")        # the release's notebooks: stubs only
trainer = playground.show(mine)                    # no kernel here: a sentence, not a widget
trainer.step(20)
checks.use_language("zh-TW")
print(sorted(set(trainer.choice.origin.values())), "|", playground.pmsg("playground", "Step"))
"""


def test_the_playground_runs_in_a_release_on_the_learners_stubs(release):
    out = subprocess.run([sys.executable, "-c", PLAYGROUND.format(root=str(release))], cwd=release,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"}, capture_output=True,
                         encoding="utf-8", timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("The playground needs a notebook") and "training loss" in lines[1]
    assert lines[-1] == "['course'] | 單步"           # unfinished stubs: the course's; zh-TW catalogue shipped


def test_grading_in_a_release_says_what_is_missing(release, tmp_path):
    run = ONLY_THE_RELEASE + "import runpy\nsys.argv = ['checks', 'grade', 'notebooks']\n" \
                             "runpy.run_module('checks', run_name='__main__')"
    out = subprocess.run([sys.executable, "-c", run.format(root=str(release))], cwd=release,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "instructor's copy" in out.stderr and "Traceback" not in out.stderr


COMMAND_LINE = ONLY_THE_RELEASE + """
import contextlib, io, json
from checks.__main__ import main
runs = []
for argv in {argvs!r}:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
    runs.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(runs))
"""


def command_line(release, *argvs):
    """[(exit code, stdout, stderr)] of `python -m checks ARGV` for each argv, in the release."""
    run = subprocess.run([sys.executable, "-c", COMMAND_LINE.format(root=str(release),
                                                                    argvs=list(argvs))],
                         cwd=release, capture_output=True, encoding="utf-8", timeout=300,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_the_release_lists_only_the_commands_it_can_run_and_each_runs(release, tmp_path):
    from checks.command import everywhere
    from helpers import closure, listed, modules_of, runnable
    [(code, out, _)] = command_line(release, ["--help"])
    here = listed(out)
    assert code == 0 and here == ["status", "reset"]
    assert here == [c.name for c in everywhere() if runnable(c, release)]
    for c in everywhere():           # all the code of each command listed is in the release
        if c.name in here:
            assert closure(c) <= modules_of(release), (c.name, closure(c) - modules_of(release))
    empty = tmp_path / "empty"
    empty.mkdir()
    helps = command_line(release, *([name, "--help"] for name in here))
    assert [code for code, _, _ in helps] == [0] * len(here)
    (status, out, _), (reset, _, err) = command_line(release, ["status", str(empty)],
                                                     ["reset", "99"])
    assert status == 0 and "0 of 0 exercises pass." in out
    assert reset == 2 and "no lesson '99'" in err
    gone = [c.name for c in everywhere() if c.name not in here]
    for code, _, err in command_line(release, *([name] for name in gone)):
        assert code == 2 and "instructor's copy" in err and "it has: status, reset" in err


def test_the_gradescope_bundle_grades_a_submission(tmp_path):
    zip_path = build_bundle(tmp_path / "autograder.zip", assignment="01")
    names = zipfile.ZipFile(zip_path).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "blocks.py", "grading.toml",
            "checks/classroom/hidden_cases.py", "solutions/01_weighted_sum.ipynb"} <= set(names)
    root = tmp_path / "autograder"
    zipfile.ZipFile(zip_path).extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    assert subprocess.run(["bash", "-n", root / "source" / "setup.sh"]).returncode == 0
    (root / "source" / "grading.toml").write_text("[points]\ndense_forward = 2\n", encoding="utf-8")
    (root / "submission").mkdir()
    submission(tmp_path, "ada", {"dense_forward": "return X @ W"}).rename(
        root / "submission" / "01_weighted_sum.ipynb")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    run = subprocess.run(["bash", root / "run_autograder"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE)
    assert results["score"] == 2
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in results["tests"]] == [
        ("weighted_sum (01_weighted_sum.ipynb)", 1, 1, "passed"),
        ("dense_forward (01_weighted_sum.ipynb)", 0, 2, "failed"),   # the bundle's points
        ("layer_from_rows (01_weighted_sum.ipynb)", 1, 1, "passed")]
    assert "bias is missing" in results["tests"][1]["output"]


def test_run_autograder_always_leaves_a_results_file(tmp_path):
    zip_path = build_bundle(tmp_path / "autograder.zip")
    root = tmp_path / "autograder"
    zipfile.ZipFile(zip_path).extractall(root / "source")
    (root / "submission").mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": "/bin/false"}
    run = subprocess.run(["bash", root / "source" / "run_autograder"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE | {"required": ["score", "output", "tests"]})
    assert results["score"] == 0 and "error on our side" in results["output"]


# ---- updating a release in place, and its README -------------------------------------

def test_rebuilding_updates_in_place_and_keeps_what_it_does_not_own(tmp_path):
    out = build_release(tmp_path / "course")
    git = ["git", "-C", str(out), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "release 1"], check=True)
    (out / "instructor-notes.txt").write_text("mine", encoding="utf-8")
    stale = out / "checks" / "practice_cases" / "old_exercise.json"   # as if a release had it
    stale.write_text("{}", encoding="utf-8")
    marker = out / ".course-release"
    marker.write_text(marker.read_text(encoding="utf-8") + "checks/practice_cases/old_exercise.json\n",
                      encoding="utf-8")
    (out / "notebooks" / "01_weighted_sum.ipynb").write_text("edited", encoding="utf-8")
    build_release(out)
    assert (out / "instructor-notes.txt").read_text(encoding="utf-8") == "mine"
    assert not stale.exists()
    assert "edited" not in (out / "notebooks" / "01_weighted_sum.ipynb").read_text(encoding="utf-8")
    status = subprocess.run(git + ["status", "--porcelain"], capture_output=True, text=True,
                            check=True).stdout
    assert status.strip() == "?? instructor-notes.txt"           # git history intact, no diff
    assert not list(tmp_path.glob(".course.*"))                   # no temporary folder left


def test_a_folder_with_foreign_files_is_refused_and_left_unchanged(tmp_path):
    out = tmp_path / "repo"
    (out / ".git").mkdir(parents=True)
    (out / "README.md").write_text("my repo", encoding="utf-8")
    with pytest.raises(ReleaseError, match="README.md"):
        build_release(out)
    assert sorted(p.name for p in out.iterdir()) == [".git", "README.md"]
    (out / "README.md").unlink()
    build_release(out)                                             # only .git: fine
    assert (out / "notebooks").is_dir() and (out / ".git").is_dir()


def fake_venv(release):
    """release/.venv: a venv whose python sees this test run's packages but not this
    repository (no editable hook), so the release's own commands run in seconds."""
    import site
    import sysconfig
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", release / ".venv"], check=True)
    purelib = sysconfig.get_paths(vars={"base": str(release / ".venv"),
                                        "platbase": str(release / ".venv")})["purelib"]
    Path(purelib).mkdir(parents=True, exist_ok=True)
    (Path(purelib) / "course-test.pth").write_text(
        "\n".join(p for p in site.getsitepackages() if "site-packages" in p) + "\n", encoding="utf-8")
    (release / ".venv" / ".installed").touch()


def test_the_release_readme_has_no_dead_link_and_its_commands_work(tmp_path):
    release = build_release(tmp_path / "course")
    readme = (release / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", readme):
        if not re.match(r"https?://", target):
            assert (release / target.split("#")[0]).exists(), f"dead link: {target}"
    assert "solutions/" not in readme and "instructor-guide" not in readme
    assert "shared/" not in readme and "../" not in readme
    fake_venv(release)
    targets = re.findall(r"(?:`|^)make (\w+)", readme, re.M)
    assert {"lab", "status", "test", "reset"} <= set(targets)
    # as a learner types it, not as a sub-make of `make test` (which would print "Entering directory")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    (release / "notebooks" / "03_forward_pass.ipynb").write_text("my work", encoding="utf-8")
    for target in dict.fromkeys(targets):
        if target == "lab":         # interactive: it must at least be a target whose tool is there
            assert subprocess.run(["make", "-n", "lab"], cwd=release, env=env,
                                  capture_output=True).returncode == 0
            assert subprocess.run([release / ".venv/bin/python", "-m", "jupyterlab", "--version"],
                                  cwd=release, capture_output=True).returncode == 0
            continue
        args = ["make", target] + (["LESSON=03"] if target == "reset" else [])
        run = subprocess.run(args, cwd=release, env=env, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, (target, run.stdout[-2000:], run.stderr[-2000:])
        if target in ("status", "test"):
            assert run.stdout.rstrip().endswith(f"{len(EXERCISES)} exercises to go.")
        if target == "clean":
            fake_venv(release)
    kept = list((release / "notebooks" / "backups").glob("03_forward_pass*.ipynb"))
    assert [p.read_text(encoding="utf-8") for p in kept] == ["my work"]     # make reset kept it


def test_the_release_has_the_zh_tw_edition(release):
    zh = sorted(p.name for p in (release / "notebooks" / "zh-TW").glob("*.ipynb"))
    assert zh == sorted(p.name for p in (release / "notebooks").glob("*.ipynb"))
    assert (release / "locale" / "zh_TW" / "LC_MESSAGES" / "checks.po").is_file()
    assert (release / "locale" / "zh_TW" / "LC_MESSAGES" / "checks.mo").is_file()
    assert not list(release.rglob("0*_*.po")), "the lessons' catalogues stay with the sources"


def test_the_release_builds_as_a_package_with_the_parts_it_ships(release, tmp_path):
    """pip can build it (its pyproject names no folder the release left out), and the wheel
    holds the checks learners run and nothing of the left-out folders."""
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                          str(tmp_path), str(release)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"checks/__main__.py", "checks/grading/sandbox.py", "checks/runtime/child.py",
            "checks/practice_cases/sigmoid.json", "blocks.py"} <= set(names)
    assert not [n for n in names if n.split("/")[1:2] in (["authoring"], ["classroom"])]


def test_the_release_ships_a_learner_zh_tw_readme_not_the_instructors(release):
    readme = (release / "README.zh-TW.md").read_text(encoding="utf-8")
    source = (ROOT / "README.zh-TW.md").read_text(encoding="utf-8")
    assert readme != source
    for instructors in ("## 給講師", "## 翻譯流程", "checks grade", "checks slides", "checks release",
                        "docs/translating.md", "solutions/", "tests/", "instructor-guide", "JupyterHub"):
        assert instructors not in readme, instructors
    assert "## 開始" in readme and "make lab-zh" in readme and "`layer_from_rows`" in readme
    assert "checks status --lang zh-TW" in readme and "## 這個資料夾裡有什麼" in readme
    assert "- `notebooks/zh-TW/01_weighted_sum.ipynb`" in readme
    for target in re.findall(r"\]\(([^)\s]+)\)", readme):
        if not re.match(r"https?://", target):
            assert (release / target.split("#")[0]).exists(), f"dead link: {target}"
    assert "[繁體中文](README.zh-TW.md)" in (release / "README.md").read_text(encoding="utf-8")
