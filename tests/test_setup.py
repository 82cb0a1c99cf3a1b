"""The install paths cannot drift apart: make, conda/Binder and CI use one pinned list."""
import re

import pytest

from checks.engine.source import ROOT

LOCKS = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}
DEVELOPERS_ONLY = ("pytest", "pytest-xdist", "nbval", "hanzidentifier", "polib", "ruff", "mypy")


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
    """Pinned in its lock, or (for the developers') in requirements.txt, which it includes."""
    included = pins() if "-r requirements.txt" in (ROOT / lock).read_text(encoding="utf-8") else {}
    names = {k.lower().replace("_", "-") for k in {**pins(lock), **included}}
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


def imported_distributions(paths):
    """The installed distributions whose modules the Python files under ``paths`` import
    (absolute imports only; the standard library and the course's own modules left out)."""
    import ast
    import sys
    from importlib.metadata import packages_distributions
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py"))]
    local = {p.name if p.is_dir() else p.stem for folder in (ROOT, ROOT / "checks")
             for p in folder.iterdir() if p.is_dir() or p.suffix == ".py"}
    modules = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules.add(node.module.split(".")[0])
    # tomllib: standard from 3.11; on 3.10 the code falls back to tomli, which is checked
    modules -= set(sys.stdlib_module_names) | local | {"__future__", "tomllib"}
    known = packages_distributions()
    return {m: {d.lower().replace("_", "-") for d in known.get(m, [m])} for m in modules}


def test_what_learners_run_imports_only_what_requirements_txt_installs():
    """blocks, digits, the playground and the checks a release ships (all of checks/ but the
    instructors' parts) import nothing that requirements.txt leaves out; the instructors'
    and authors' parts nothing that requirements-dev.txt leaves out."""
    from checks.authoring.release import LEFT_OUT
    learners = {k.lower() for k in pins()}
    shipped = [ROOT / f for f in ("blocks.py", "digits.py", "playground.py")] + [
        p for p in (ROOT / "checks").iterdir() if p.name not in LEFT_OUT]
    imports = imported_distributions(shipped)
    assert {"numpy", "nbformat", "matplotlib"} <= {d for ds in imports.values() for d in ds}
    missing = {m: ds for m, ds in imports.items() if not ds & learners}
    assert not missing, f"imported by what learners run, not in requirements.txt: {missing}"
    everything = learners | {k.lower() for k in pins("requirements-dev.txt")}
    missing = {m: ds for m, ds in imported_distributions(
        [ROOT / "checks" / name for name in LEFT_OUT]).items() if not ds & everything}
    assert not missing, f"imported by checks/{LEFT_OUT}, in neither lock: {missing}"
