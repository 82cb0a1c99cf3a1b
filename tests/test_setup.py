"""The install paths cannot drift apart: make, conda/Binder and CI use one pinned list."""
import re

import pytest

from checks.engine.source import ROOT

LOCKS = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}
DEVELOPERS_ONLY = ("pytest", "pytest-xdist", "nbval", "hanzidentifier")


def requirement_lines(name="requirements.txt"):
    """The lock's requirement lines (``name==version`` and an optional ``; marker``)."""
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith(("#", "-r "))]


def pins(name="requirements.txt"):
    return dict(line.split(";")[0].strip().split("==") for line in requirement_lines(name))


@pytest.mark.parametrize("lock", LOCKS)
def test_requirements_are_all_pinned(lock):
    lines = requirement_lines(lock)
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+!]+( ; .+)?", l)
                         for l in lines)


@pytest.mark.parametrize("lock, source", LOCKS.items())
def test_every_direct_dependency_is_pinned(lock, source):
    names = {k.lower().replace("_", "-") for k in pins(lock)}
    for line in (ROOT / source).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name = re.split(r"[=<>!~; ]", line)[0].lower()
            assert name in names, f"{name} is in {source} but not pinned in {lock}"


def test_learners_install_no_developer_tools():
    """requirements.txt is what learning needs; tests and zh-TW checks come with `make test`."""
    learners = {k.lower() for k in pins()}
    assert not learners & set(DEVELOPERS_ONLY)
    assert set(DEVELOPERS_ONLY) <= {k.lower() for k in pins("requirements-dev.txt")}
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert dev.count("-r requirements.txt") == 1
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "test: dev" in makefile and "-r requirements-dev.txt" in makefile


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
