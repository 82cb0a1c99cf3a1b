"""The layout is the rules: the grading child's runtime imports only the standard library,
NumPy and itself; what ships in a release never imports a left-out folder at module level;
every module of checks/ lives in a part (docs/architecture.md, Layout)."""
import ast
import sys

from checks.engine.source import ROOT
from checks.authoring.release import LEFT_OUT, learner_files

CHECKS = ROOT / "checks"
PARTS = ('runtime', 'engine', 'catalogue', 'grading', 'authoring', 'classroom')          # lowest first
UPWARD = {('engine/notebook.py', 'catalogue')}
TOP = ('__init__', '__main__', 'command', 'errors')


def module_level(node):
    """The statements run on import: everything but function bodies."""
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield child
            yield from module_level(child)


def imports(path, module_level_only=False):
    """(level, module) of every import of a file (only those run on import if asked)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = module_level(tree) if module_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for a in node.names:
                yield 0, a.name
        elif isinstance(node, ast.ImportFrom):
            for a in node.names if node.module is None else [None]:
                yield node.level, node.module or a.name


def test_the_runtime_imports_only_the_standard_library_numpy_and_itself():
    own = {p.stem for p in (CHECKS / "runtime").glob("*.py")}
    wrong = []
    for path in sorted((CHECKS / "runtime").glob("*.py")):
        for level, name in imports(path):
            top = name.split(".")[0]
            if level == 1 and top in own | {""}:
                continue
            if level == 0 and (top in sys.stdlib_module_names or top == "numpy"
                               or (path.name == "child.py" and top == "runtime")):
                continue
            wrong.append(f"{path.name}: {'.' * level}{name}")
    assert not wrong, "the grading child may import only the standard library, NumPy and " \
                      f"checks/runtime/: {wrong}"


def test_the_grading_child_loads_the_runtime_without_checks():
    import subprocess
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from runtime import isolate, plain, invoke, functions; "
            "assert 'checks' not in sys.modules, sorted(m for m in sys.modules if 'checks' in m)")
    out = subprocess.run([sys.executable, "-I", "-c", code, str(CHECKS)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_every_module_lives_in_a_part():
    loose = sorted(p.name for p in CHECKS.glob("*.py") if p.stem not in TOP)
    assert not loose, f"modules outside the parts of checks/: {loose}"
    for part in PARTS:
        assert (CHECKS / part / "__init__.py").exists(), part


def test_what_ships_never_imports_a_left_out_folder_at_module_level():
    shipped = [p for p in CHECKS.rglob("*.py") if p.relative_to(CHECKS).parts[0] not in LEFT_OUT]
    wrong = []
    for path in shipped:
        for level, name in imports(path, module_level_only=True):
            parts = (name or "").split(".")
            if level and any(part in LEFT_OUT for part in parts) or \
                    not level and parts[:1] == ["checks"] and len(parts) > 1 and parts[1] in LEFT_OUT:
                wrong.append(f"{path.relative_to(ROOT)}: {'.' * level}{name}")
    assert not wrong, wrong


def test_each_part_imports_only_lower_parts_when_loaded():
    wrong = []
    for part in PARTS:
        for path in sorted((CHECKS / part).rglob("*.py")):
            rel = path.relative_to(CHECKS).as_posix()
            for level, name in imports(path, module_level_only=True):
                if level >= 2:
                    other = (name or "").split(".")[0]
                    if other in PARTS and PARTS.index(other) > PARTS.index(part) \
                            and (rel, other) not in UPWARD:
                        wrong.append(f"{rel} imports {other}")
    assert not wrong, f"a part imports a higher one when loaded (order: {PARTS}): {wrong}"


def test_a_release_leaves_out_whole_folders():
    files = {f.as_posix() for f in learner_files()}
    for folder in LEFT_OUT:
        assert (CHECKS / folder).is_dir()
        assert not [f for f in files if f.startswith(f"checks/{folder}/")], folder
    for part in set(PARTS) - set(LEFT_OUT):
        assert any(f.startswith(f"checks/{part}/") for f in files), part


def test_tests_share_helpers_through_helpers_py_not_each_other():
    tests = ROOT / "tests"
    own = {p.stem for p in tests.rglob("test_*.py")}
    wrong = [f"{path.relative_to(ROOT)}: {name}" for path in sorted(tests.rglob("*.py"))
             for level, name in imports(path) if (name or "").split(".")[0] in own]
    assert not wrong, f"import what tests share from tests/helpers.py: {wrong}"
