"""Reads notebooks' code: the exercise cells, the solution regions, functions by name."""
import ast
import sys
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ROOT = Path(__file__).resolve().parents[2]


def code_cells(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def is_exercise(source):
    return BEGIN in source


LONGEST = 200_000   # characters: Python 3.10's parser can overflow the C stack beyond this


def parse(source):
    """ast.parse; on Python 3.10, whose parser crashes the whole process on a deep enough
    expression (3.11+ raise RecursionError), a cell longer than LONGEST is refused instead."""
    if sys.version_info < (3, 11) and len(source) > LONGEST:
        raise RecursionError(f"a code cell of {len(source):,} characters is too long to read "
                             "safely on Python 3.10")
    return ast.parse(source)


def imports_of(source):
    """A cell's top-level import statements alone, as a module to compile."""
    try:
        tree = parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return tree


def defined_functions(source):
    """Names of the functions a cell defines at top level."""
    try:
        tree = parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def solution_notebooks(folder=None):
    return sorted(Path(folder or ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


WORKSHOP = ("playground.ipynb",)     # notebooks without exercises: built and shipped, never graded
# Cells a lesson ships that only show the workshop playground (lesson 07's last cell): the
# grader and status leave them out (as empty cells), since the sandbox offers no playground.
WORKSHOP_CELLS = ("import playground\n\nplayground.show(globals());",)


def workshop_notebooks(folder=None):
    """The workshop notebooks in ``folder`` (solutions/ by default) that exist."""
    folder = Path(folder or ROOT / "solutions")
    return [folder / name for name in WORKSHOP if (folder / name).is_file()]


def load_reference(folder=None):
    """{function name: reference function} from the solutions' exercise cells and imports."""
    import nbformat             # slow to import: only when the solutions are read
    functions = {}
    for path in solution_notebooks(folder):
        namespace = {"__name__": f"reference_{path.stem}"}
        for source in code_cells(nbformat.read(path, as_version=4)):
            if is_exercise(source):
                exec(compile(source, f"{path.name}", "exec"), namespace)
                for name in defined_functions(source):
                    functions[name] = namespace[name]
            else:
                exec(compile(imports_of(source), f"{path.name}", "exec"), namespace)
    return functions
