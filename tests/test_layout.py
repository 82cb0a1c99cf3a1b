"""The layout is the rules (docs/architecture.md, Layout): the grading child's runtime imports
only the standard library, NumPy and itself; no module of checks/ imports one of a higher part,
nor is any in an import cycle (imports in function bodies count); what ships in a release never
imports a left-out folder at module level; every module of checks/ lives in a part."""
import ast
import sys

from checks.authoring.release import LEFT_OUT, learner_files
from checks.engine.source import ROOT

CHECKS = ROOT / "checks"
PARTS = ('runtime', 'engine', 'catalogue', 'grading', 'authoring', 'classroom')          # lowest first
# The imports of a higher part allowed, each with its reason; keep this list short.
UPWARD = {
    # status off Linux runs a notebook in a plain subprocess, which checks it as the learner's
    # own check cells would: with the façade's run_check, inside a function, in that process.
    ('checks.grading.plainrun', 'checks.notebook'),
    # reset rebuilds a fresh notebook from solutions/ with the build, in the instructor's copy
    # only (a release has neither solutions/ nor checks/authoring/: there it uses checks/fresh/).
    ('checks.grading.reset', 'checks.authoring.build'),
}
# The import cycles allowed, each with its reason; keep this list short.
CYCLES = []    # none: keep it so (each one allowed would name its reason here)
TOP = ('__init__', '__main__', 'command', 'errors', 'notebook', 'strict')
# check() and check_strict(): the façade, above every part (a part importing it imports upward)
FACADE = ('checks.notebook', 'checks.strict')


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


def module_name(path):
    """checks/grading/grade.py -> checks.grading.grade; checks/catalogue/__init__.py -> checks.catalogue."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph():
    """{module of checks/: {modules of checks/ it imports}}, every import statement counted,
    those in function bodies too (``from .x import y`` is the module x.y when there is one,
    else x). A package's __init__, which Python runs before any of its modules, is not counted
    unless imported by name."""
    modules = {module_name(p): p for p in CHECKS.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:      # checks.x.y.attribute -> checks.x.y
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def part_of(module):
    """The part of checks/ a module is in ('grading'), or None for checks/'s own modules."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in PARTS) else None


def test_no_module_imports_one_of_a_higher_part():
    graph, wrong = import_graph(), []
    for module, imported in sorted(graph.items()):
        for other in sorted(imported):
            mine, theirs = part_of(module), part_of(other)
            if not mine:
                continue
            higher = other in FACADE or theirs and PARTS.index(theirs) > PARTS.index(mine)
            if higher and (module, other) not in UPWARD:
                wrong.append(f"{module} imports {other}")
    assert not wrong, f"a part imports a higher one (order, lowest first: {PARTS}, then " \
                      f"the façade {FACADE}): {wrong}"
    stale = [pair for pair in UPWARD if pair[1] not in graph.get(pair[0], ())]
    assert not stale, f"allowed upward imports that no longer exist (remove them): {stale}"


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycles_finds_a_cycle_through_several_modules():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    found = cycles(import_graph())
    wrong = [c for c in found if c not in CYCLES]
    assert not wrong, f"modules of checks/ that import each other, directly or not: {wrong}"
    stale = [c for c in CYCLES if c not in found]
    assert not stale, f"allowed cycles that no longer exist (remove them): {stale}"


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


def test_the_engine_imports_blocks_only_for_the_gradient_check():
    """The engine judges any exercise and holds no lesson content: it imports neither the
    catalogue nor the façade (the test above), and the course's provided module ``blocks``
    only in verify.py, whose gradient check (lessons 02, 05, 06) measures with the
    relative_error lesson 05 teaches."""
    wrong = [f"{path.name}: {name}" for path in sorted((CHECKS / "engine").glob("*.py"))
             for level, name in imports(path)
             if not level and name.split(".")[0] == "blocks" and path.name != "verify.py"]
    assert not wrong, wrong
