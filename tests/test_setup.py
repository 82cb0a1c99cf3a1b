"""The install paths cannot drift apart: make, conda/Binder and CI use one pinned list."""
import re

from checks.engine.source import ROOT


def requirement_lines():
    """The lock's requirement lines (``name==version`` and an optional ``; marker``)."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def pins():
    return dict(line.split(";")[0].strip().split("==") for line in requirement_lines())


def test_requirements_are_all_pinned():
    lines = requirement_lines()
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+!]+( ; .+)?", l)
                         for l in lines)


def test_every_direct_dependency_is_pinned():
    names = {k.lower().replace("_", "-") for k in pins()}
    for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[=<>!~; ]", line)[0].lower()
            assert name in names, f"{name} is in requirements.in but not pinned"


def test_conda_and_binder_install_the_same_pins():
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "- -r requirements.txt" in env and "- pip" in env
    python = re.search(r"python=(\d+)\.(\d+)", env).groups()
    minimum = re.search(r'requires-python = ">=(\d+)\.(\d+)"',
                        (ROOT / "pyproject.toml").read_text(encoding="utf-8")).groups()
    assert tuple(map(int, python)) >= tuple(map(int, minimum))


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme
