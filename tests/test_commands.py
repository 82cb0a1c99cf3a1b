"""One command line: `python -m checks --help` lists exactly the commands this copy of the
course can run, each of them runs, and expected failures become a sentence and an exit code.
The same in a learner's release: tests/authoring/test_release.py."""
import ast
import re
from pathlib import Path

import pytest

from checks import errors
from checks.__main__ import main
from checks.command import PARTS, Command, everywhere, present
from checks.engine.source import ROOT
from checks.errors import CourseError
from helpers import closure, listed, modules_of, runnable


def run(argv, capsys):
    """main(argv) -> (exit code, stdout, stderr); argparse's exits included."""
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- what --help lists ------------------------------------------------------------------

def test_help_lists_exactly_the_commands_present(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert listed(out) == [c.name for c in present()]
    assert len(listed(out)) == len(set(listed(out))) == 12       # the repository has them all
    assert "exit codes:" in out and "130" in out


def test_the_repository_has_everything_each_command_needs():
    for c in everywhere():
        assert c.missing() == [], f"{c.name}: needs {c.missing()}, absent from the repository"


def test_every_module_that_declares_commands_is_a_part():
    declaring = set()
    for path in (ROOT / "checks").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "COMMANDS"
                                                 for t in n.targets) for n in tree.body):
            declaring.add(".".join(path.relative_to(ROOT / "checks").with_suffix("").parts))
    assert declaring == set(PARTS), "name each command module in checks/command.py's PARTS"


@pytest.mark.parametrize("name", [c.name for c in present()])
def test_every_command_has_help(name, capsys):
    code, out, _ = run([name, "--help"], capsys)
    assert code == 0 and out.startswith("usage: python -m checks " + name)


def test_the_readme_names_every_command_and_no_other():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"^\| `python -m checks ([\w-]+)", table, re.M)
    assert named == [c.name for c in present()]
    declared = dict(re.findall(r"^\| `python -m checks ([\w-]+)[^|]*\|[^|]*\| `checks/([\w/]+)\.py` \|",
                               table, re.M))
    assert declared == {c.name: c.run.__module__.split(".", 1)[1].replace(".", "/") for c in present()}


def test_the_architecture_page_names_each_command_module():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for part in PARTS:
        assert f"{part.rsplit('.', 1)[-1]}.py" in page


# ---- each command runs: a light run of each (the heavy work faked where it is costly;
# each is run for real by its own tests: test_grade_batch, test_release, test_instructor...)

SMOKE = {   # command: (arguments, {module: {function: fake}}, exit code, in the output)
    "status": (["status", "{tmp}"], {}, 0, "exercises pass."),
    "reset": (["reset", "99"], {}, 2, "no lesson '99'"),
    "build": (["build"], {"authoring.course_commands": {"build_course": lambda execute: ["notebooks/x.ipynb"]}}, 0,
              "wrote notebooks/x.ipynb"),
    "translate": (["translate"], {"authoring.translate": {"update": lambda lessons: {"checks": []}}}, 0,
                  "Every zh-TW catalogue is complete."),
    "release": (["release", "{tmp}/course"], {"authoring.release": {"build_release": lambda out: out}}, 0,
                "wrote the learners' release to"),
    "grade": (["grade", "{tmp}/nobody"], {}, 2, "No such file or folder"),
    "isolation": (["isolation"], {}, None, "Isolation: "),
    "gradescope-bundle": (["gradescope-bundle", "{tmp}/b.zip", "--assignment", "nope"], {}, 2,
                          "no assignment 'nope'"),
    "nbgrader-export": (["nbgrader-export", "{tmp}/nb"],
                        {"classroom.nbgrader_export": {"export": lambda out: [out]}}, 0,
                        "nbgrader generate_assignment"),
    "guide": (["guide"], {"authoring.guide": {"write_guide": lambda: False}}, 0, "is up to date"),
    "slides": (["slides", "--out", "{tmp}/decks"], {"authoring.slides": {"build_slides": lambda out, **k: []}},
               0, "Present offline"),
    "progress": (["progress", "{tmp}"], {}, 2, "no notebooks found"),
}


def test_every_command_has_a_smoke_run():
    assert sorted(SMOKE) == sorted(c.name for c in present())


@pytest.mark.parametrize("name", sorted(SMOKE))
def test_every_command_runs(name, tmp_path, capsys, monkeypatch):
    argv, fakes, expected, said = SMOKE[name]
    for module, functions in fakes.items():
        mod = __import__(f"checks.{module}", fromlist=["_"])
        for function, fake in functions.items():
            assert hasattr(mod, function)
            monkeypatch.setattr(mod, function, fake)
    code, out, err = run([a.format(tmp=tmp_path) for a in argv], capsys)
    assert (code == expected if expected is not None else code in (0, 1)), (code, out, err)
    assert said in out + err and "Traceback" not in err


# ---- one error type, one mapping to exit codes -------------------------------------------

def fake(run):
    return [Command("try", help="a command for this test", run=run)]


def raises(error):
    def run(args):
        raise error
    return run


@pytest.mark.parametrize("error, expected", [
    (CourseError("Do this next."), 2),
    (type("Stale", (CourseError,), {"exit_code": errors.ANSWER_NO})("Translate these."), 1),
    (KeyboardInterrupt(), 130),
    (PermissionError(13, "Permission denied", "/out/grades.csv"), 2),
])
def test_an_expected_failure_is_a_sentence_and_an_exit_code(error, expected, monkeypatch,
                                                            capsys):
    monkeypatch.setattr("checks.__main__.present", lambda: fake(raises(error)))
    code, _, err = run(["try"], capsys)
    assert code == expected and "Traceback" not in err


def test_the_message_is_printed_whole_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setattr("checks.__main__.present",
                        lambda: fake(raises(CourseError("It failed.\nDo this next."))))
    code, out, err = run(["try"], capsys)
    assert (code, out, err) == (2, "", "It failed.\nDo this next.\n")
    monkeypatch.setattr("checks.__main__.present", lambda: fake(
        raises(PermissionError(13, "Permission denied", "/out/grades.csv"))))
    assert run(["try"], capsys)[2] == "Permission denied: /out/grades.csv\n"


def test_a_bug_keeps_its_traceback(monkeypatch, capsys):
    """Only expected failures are turned into sentences; a bug of ours must be seen."""
    for bug in (ValueError("a bug"), OSError("no file involved")):
        monkeypatch.setattr("checks.__main__.present", lambda bug=bug: fake(raises(bug)))
        with pytest.raises(type(bug)):
            main(["try"])


def test_a_command_returns_its_exit_code(monkeypatch, capsys):
    for returned, code in ((None, 0), (0, 0), (1, 1), (2, 2)):
        monkeypatch.setattr("checks.__main__.present",
                            lambda returned=returned: fake(lambda args: returned))
        assert main(["try"]) == code


def test_a_usage_error_exits_2(capsys):
    code, _, err = run(["no-such-command"], capsys)
    assert code == 2 and "invalid choice" in err
    code, _, err = run(["reset"], capsys)
    assert code == 2 and "lesson" in err


# The failures a person can cause, and the exceptions that are not theirs to fix: a learner's
# function that cannot be turned into plain data, or not finished yet (it stops a property
# check, and verify_properties makes it the verdict "not attempted"), and the sandbox's
# outcomes for one notebook (caught there, and reported in that notebook's result), and a
# cell too big to parse (a SyntaxError, handled where any SyntaxError of a cell is), and a
# file that is not a notebook or holds too much code (read_cells makes them its reason).
NOT_COURSE_ERRORS = {"runtime.plain.NotPlain", "engine.verdicts.NotAttempted", "grading.sandbox.Timeout",
                     "grading.zygote.Crashed", "grading.zygote.Unavailable", "grading.sandbox.OverBudget",
                     "engine.source.TooComplex", "grading.notebook_sources.NotNotebook",
                     "grading.notebook_sources.TooMuchSource"}


def test_every_expected_failure_is_a_course_error():
    import importlib
    found = set()
    for path in (ROOT / "checks").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(ROOT / "checks").with_suffix("").parts)
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.bases and module != "runtime.child":  # a script
                cls = getattr(importlib.import_module(f"checks.{module}"), node.name)
                if isinstance(cls, type) and issubclass(cls, BaseException):
                    found.add(f"{module}.{node.name}")
                    assert issubclass(cls, CourseError) or f"{module}.{node.name}" in NOT_COURSE_ERRORS, \
                        f"checks/{module}.py: {node.name} should derive from errors.CourseError"
    assert NOT_COURSE_ERRORS <= found
    assert len(found - NOT_COURSE_ERRORS) >= 8


def test_library_code_never_exits():
    """Only __main__ ends the process (and the grading child, its own process, with os._exit)."""
    for path in (ROOT / "checks").rglob("*.py"):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                name = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                assert getattr(name, "id", None) != "SystemExit", f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Call):
                f = node.func
                called = (f"{getattr(f.value, 'id', '')}.{f.attr}" if isinstance(f, ast.Attribute)
                          else getattr(f, "id", ""))
                assert called not in ("sys.exit", "exit", "quit"), f"{path.name}:{node.lineno}"
                if called == "os._exit":
                    assert path.name in ("child.py", "isolate.py"), f"{path.name}:{node.lineno}"


# ---- what a command's code needs: its imports, against what a copy of the course holds ----


def test_the_closure_follows_lazy_imports():
    command = {c.name: c for c in everywhere()}
    assert {"checks.classroom.grade_class", "checks.grading.grade", "checks.grading.sandbox",
            "checks.classroom.hidden_cases", "checks.classroom.report", "checks.classroom.feedback",
            "checks.classroom.gradescope_results", "checks.catalogue", "checks.catalogue.lesson07"} \
        <= closure(command["grade"])
    assert {"checks.grading.status", "checks.grading.grade", "checks.grading.plainrun"} <= closure(command["status"])
    assert not [m for m in closure(command["status"]) if m.startswith("checks.classroom")]   # a learner's


def copy_without(tmp_path, module):
    """A course folder of empty files: everything of the repository's checks/ but ``module``."""
    copy = tmp_path / module
    for rel in {m for m in modules_of(ROOT) if m != module and not m.startswith(module + ".")}:
        target = copy / Path(*rel.split(".")).with_suffix(".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    for folder in ("solutions", "docs"):
        (copy / folder).mkdir(exist_ok=True)
    return copy


def test_a_command_is_not_listed_where_a_release_leaves_out_its_code(tmp_path):
    """Each module a learner's release leaves out, alone: the commands whose code imports it
    are not listed in a copy without it (their `needs` say so)."""
    from checks.authoring.release import LEFT_OUT
    left_out = {f"checks.{folder}" for folder in LEFT_OUT}
    assert left_out <= modules_of(ROOT)

    def inside(module, folder):
        return module == folder or module.startswith(folder + ".")
    imported = {c.name: closure(c) for c in everywhere()}
    for folder in left_out:
        copy = copy_without(tmp_path, folder)
        for c in everywhere():
            if any(inside(m, folder) for m in imported[c.name]):
                assert not runnable(c, copy), f"{c.name} imports {folder}: add it to its needs"
    status = next(c for c in everywhere() if c.name == "status")
    assert not any(inside(m, f) for m in imported["status"] for f in left_out)
    assert runnable(status, copy_without(tmp_path, "x"))
