"""What several test files share: short limits, and the notebooks they grade.

Imported as ``helpers`` (tests/ is on sys.path through tests/conftest.py)."""
import ast
import re
import textwrap
from pathlib import Path

import nbformat

from checks.authoring.build import clear_outputs
from checks.command import module_present
from checks.engine.source import BEGIN, END, ROOT
from checks.grading.sandbox_policy import Limits

SOLUTION = ROOT / "solutions" / "01_weighted_sum.ipynb"


class Quick(Limits):
    """Short time limits: a test of a loop or a hang is over in seconds."""
    cell_seconds = 3.0
    call_seconds = 1.0


class Confined(Quick):
    """Quick, and less memory, output and CPU: for hostile submissions."""
    memory_bytes = 512 * 1024 ** 2
    output_bytes = 2 * 1024 ** 2
    cpu_seconds = 20


# ---- lesson 01 from its solution, some exercises replaced ----------------------------
def submission(tmp_path, name, bodies=None, extra_cells=(), stub_all=False):
    """Lesson 01 with each exercise's solution replaced by ``bodies[id]`` (or a stub)."""
    nb = clear_outputs(nbformat.read(SOLUTION, as_version=4))
    for cell in nb.cells:
        if cell.cell_type != "code" or BEGIN not in cell.source:
            continue
        name_ = cell.source.split("def ", 1)[1].split("(", 1)[0]
        body = (bodies or {}).get(name_, "raise NotImplementedError()" if stub_all else None)
        if body is not None:
            head, rest = cell.source.split(BEGIN, 1)
            indent = head.rsplit("\n", 1)[-1]
            cell.source = head.rstrip(" ") + "\n".join(
                indent + line for line in body.splitlines()) + rest.split(END, 1)[1]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in extra_cells]
    path = tmp_path / name / "01_weighted_sum.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


VARIED = ("weighted_sum", "dense_forward")   # the exercises these tests vary; lesson 01's third,
                                             # layer_from_rows, stays as the solution has it


def points(result):
    return {i: e["points"] for i, e in result["exercises"].items() if i in VARIED}


# ---- hostile cells after an honest lesson 01 ------------------------------------------
HONEST = """
import numpy as np
from checks import check

def weighted_sum(x, w, b):
    return float(np.dot(x, w) + b)

def dense_forward(X, W, b):
    return X @ W + b

def layer_from_rows(X, weights, bias):
    return 1 / (1 + np.exp(-(X @ weights.T + bias)))
"""


def notebook(folder, student, *cells):
    path = folder / student / "01_weighted_sum.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c).strip()) for c in (HONEST, *cells)]
    nbformat.write(nb, path)
    return path


def verdicts(result):
    """Passed or not, for the two exercises the hostile cells attack (not lesson 01's third,
    layer_from_rows, which only the honest cell defines)."""
    return {i: e["passed"] for i, e in result["exercises"].items()
            if i in ("weighted_sum", "dense_forward")}


# ---- Gradescope's results.json, as its documentation describes it ----------------------
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE = {
    "type": "object",
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"},
        "output": {"type": "string"}, "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY, "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "score": {"type": "number"}, "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
                "number": {"type": "string"}, "output": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY, "extra_data": {"type": "object"}},
            "required": ["score", "max_score", "status", "name", "number", "output",
                         "visibility"],
            "additionalProperties": False}},
    },
    "required": ["score", "execution_time", "output", "tests"],
    "additionalProperties": False,
}


# ---- what a command's code needs: its imports, against what a copy of the course holds ----
def listed(help_text):
    """The command names of `python -m checks --help`, in its order."""
    section = help_text.split("commands:", 1)[1].split("\n\n", 1)[0]
    return [m[1] for m in re.finditer(r"^ {4}([a-z][\w-]*)", section, re.M)]


def optional(tree):
    """The import statements guarded by ``except ImportError``: the code runs without them."""
    return {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try)
            and any("ImportError" in ast.dump(h.type) for h in t.handlers if h.type)
            for n in ast.walk(ast.Module(body=t.body, type_ignores=[]))}


def imports(nodes, package, skip=frozenset()):
    """(checks.* module, the names it imports from it) for each import among ``nodes``."""
    for node in nodes:
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[:len(parts) - node.level + 1]) if node.level else ""
            name = ".".join(p for p in (base, node.module) if p)
            if name.split(".")[0] == "checks":
                yield name, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            yield from ((a.name, []) for a in node.names if a.name.split(".")[0] == "checks")


def eager(tree):
    """The statements a module runs when imported (its body, try/if blocks included),
    without the bodies of its functions and classes."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            todo += list(ast.iter_child_nodes(node))


def source_of(name, root=ROOT):
    path = root / Path(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def closure(command):
    """The checks modules a command imports when it runs: those its run function imports;
    those the functions it imports by name import, and the functions of their module they
    name, in turn; and everything each of those modules imports when it is imported. An
    import guarded by ``except ImportError`` is not counted: the code does without it."""
    import inspect
    import textwrap
    start = ast.parse(textwrap.dedent(inspect.getsource(command.run)))
    todo, seen, followed = list(imports(ast.walk(start), command.run.__module__.rsplit(".", 1)[0])), set(), set()
    while todo:
        name, names = todo.pop()
        if source_of(name) is None:                 # an attribute of its package, not a module
            continue
        path = source_of(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = optional(tree)
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        calls = set(names) & set(functions)                 # `from .grade import cli`
        while calls:                                        # and what it calls in its module
            f = calls.pop()
            if f"{name}.{f}" not in followed:
                followed.add(f"{name}.{f}")
                todo += imports(ast.walk(functions[f]), package, skip)
                calls |= {n.id for n in ast.walk(functions[f])
                          if isinstance(n, ast.Name) and n.id in functions}
        todo += [(f"{name}.{n}", []) for n in names]             # `from . import hidden`
        if name in seen:
            continue
        seen.add(name)
        parents = name.split(".")
        todo += [(".".join(parents[:i]), []) for i in range(1, len(parents))]
        todo += imports(eager(tree), package, skip)
    return seen


def runnable(command, root):
    """Would `python -m checks` in the course at ``root`` list this command?"""
    part = command.run.__module__.split(".", 1)[1]
    return module_present(part, root) and not command.missing(root)


def modules_of(root):
    return {".".join(("checks",) + p.relative_to(root / "checks").with_suffix("").parts)
            .removesuffix(".__init__") for p in (root / "checks").rglob("*.py")}
