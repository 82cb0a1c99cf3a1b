"""Reads notebooks' code: the exercise cells, the solution regions, functions by name."""
import ast
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ROOT = Path(__file__).resolve().parent.parent


def code_cells(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def is_exercise(source):
    return BEGIN in source


def is_imports(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def defined_functions(source):
    """Names of the functions a cell defines at top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def solution_notebooks(folder=None):
    return sorted(Path(folder or ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def load_reference(folder=None):
    """{function name: reference function} from the solutions' import and exercise cells."""
    functions = {}
    for path in solution_notebooks(folder):
        namespace = {"__name__": f"reference_{path.stem}"}
        for source in code_cells(nbformat.read(path, as_version=4)):
            if is_imports(source) or is_exercise(source):
                exec(compile(source, f"{path.name}", "exec"), namespace)
                for name in defined_functions(source):
                    functions[name] = namespace[name]
    return functions
