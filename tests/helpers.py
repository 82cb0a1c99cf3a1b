"""What several test files share: short limits, and the notebooks they grade.

Imported as ``helpers`` (tests/ is on sys.path through tests/conftest.py)."""
import textwrap

import nbformat

from checks.authoring.build import clear_outputs
from checks.engine.source import BEGIN, END, ROOT
from checks.grading.sandbox import Limits

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
