"""Reads notebooks' code: the exercise cells, the solution regions, functions by name."""
import ast
import re
from pathlib import Path

from .messages import msg

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ROOT = Path(__file__).resolve().parents[2]


def code_cells(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def is_exercise(source):
    return BEGIN in source


PARSE_CHARS = 100_000   # the longest cell parsed in the grader's own process (the parser
#                         takes up to ~700 bytes per character: ~70 MB at most)
TOP_LEVEL_DEF = re.compile(r"^def[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(", re.M)


class TooComplex(SyntaxError):
    """A cell too long (more than PARSE_CHARS) or too deeply nested for the grader to parse."""


def parse(source):
    """ast.parse, bounded: a cell longer than PARSE_CHARS, or one whose parse runs out of
    stack (a 200,000-term sum) or memory, raises TooComplex (a SyntaxError) instead, so a
    parse bomb never costs the process that parses it more than ~70 MB.
    (The limit also keeps Python 3.10's parser, which crashes the process on a deep enough
    expression, from ever seeing one.)"""
    if len(source) > PARSE_CHARS:
        raise TooComplex(msg("a code cell of {size:,} characters (more than {limit:,}) is not "
                             "parsed by the grader", size=len(source), limit=PARSE_CHARS))
    try:
        return ast.parse(source)
    except (RecursionError, MemoryError):
        raise TooComplex(msg("a code cell nested too deeply to parse")) from None


def imports_of(source):
    """A cell's top-level import statements alone, as a module to compile."""
    try:
        tree = parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return tree


def defined_functions(source):
    """Names of the functions a cell defines at top level. A cell too long or too deeply
    nested to parse (TooComplex) is scanned for lines ``def name(`` instead (in linear
    time and constant memory)."""
    try:
        tree = parse(source)
    except TooComplex:
        return TOP_LEVEL_DEF.findall(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def lesson_named(text, names):
    """The one lesson of ``names`` ('03_forward_pass', ...) that ``text`` names by its number
    or its whole name ('3', '03', '03_forward_pass', '03_forward_pass.ipynb'), else None."""
    key = Path(str(text).strip()).name.removesuffix(".ipynb")
    if key.isdigit():
        found = [n for n in names if n[:2].isdigit() and int(n[:2]) == int(key)]
    else:
        found = [n for n in names if n == key]
    return found[0] if len(found) == 1 else None


def lesson_of_file(name, names):
    """The lesson of ``names`` a file or folder is named after ('01_weighted_sum (1).ipynb',
    '01_x': its first two digits and an underscore), else None."""
    return lesson_named(name[:2], names) if re.match(r"\d\d_", name) else None


def solution_notebooks(folder=None):
    return sorted(Path(folder or ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


WORKSHOP = ("playground.ipynb",)     # notebooks without exercises: built and shipped, never graded
# Cells a lesson ships that need the playground module, which the sandbox does not offer: lesson
# 07's last cell shows the workshop playground; lesson 08's reads the learner's own functions from
# their other lesson notebooks (the grader reads one notebook: there the course's versions, which
# lesson 08's first cell imports, stand in). The grader and status leave them out (as empty cells).
WORKSHOP_CELLS = (
    "import playground\n\nplayground.show(globals());",
    ("import playground\n\n"
     "yours = playground.own_pieces([\"init_params\", \"dense_forward\", \"relu\", \"relu_derivative\", "
     "\"softmax_cross_entropy\",\n"
     "                               \"softmax_cross_entropy_grad\", \"dense_backward\", \"adam_step\"])\n"
     "print(\"\\n\".join(yours.notes))\n"
     "init_params, dense_forward, relu, relu_derivative, softmax_cross_entropy, "
     "softmax_cross_entropy_grad, \\\n"
     "    dense_backward, adam_step = yours.functions.values()"),
)


def workshop_notebooks(folder=None):
    """The workshop notebooks in ``folder`` (solutions/ by default) that exist."""
    folder = Path(folder or ROOT / "solutions")
    return [folder / name for name in WORKSHOP if (folder / name).is_file()]


def load_reference(folder=None):
    """{function name: reference function} from the solutions' exercise cells and imports."""
    from .nbread import code_sources
    functions = {}
    for path in solution_notebooks(folder):
        namespace = {"__name__": f"reference_{path.stem}"}
        for source in code_sources(path):
            if is_exercise(source):
                exec(compile(source, f"{path.name}", "exec"), namespace)
                for name in defined_functions(source):
                    functions[name] = namespace[name]
            else:
                exec(compile(imports_of(source), f"{path.name}", "exec"), namespace)
    return functions
