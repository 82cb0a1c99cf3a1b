"""The mistake catalogue (checks/catalogue/) is declarations: lessons share definitions through
the catalogue's own modules, never through each other, keep no state keyed by object identity,
and copy no function from one module to another."""
import ast
from collections import defaultdict

import numpy as np
import pytest

from checks.catalogue import lesson05
from checks.engine.exercise import Case
from checks.engine.source import ROOT
from checks.runtime.functions import sum_of_cubes, sum_of_squares

CATALOGUE = sorted((ROOT / "checks" / "catalogue").glob("*.py"))
LESSONS = [p for p in CATALOGUE if p.stem.startswith("lesson")]


def tree(path):
    return ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_lesson_imports_another_lesson(path):
    imported = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom):
            imported |= {node.module or ""} | {f"{node.module or ''}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    lessons = {p.stem for p in LESSONS}
    wrong = [m for m in imported if lessons & set(m.split("."))]
    assert not wrong, (f"{path.name} imports {wrong}: put what two lessons share in a module "
                       "of the catalogue (gen.py, loss_cases.py) or in checks/engine/exercise.py")


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda p: p.stem)
def test_no_state_keyed_by_object_identity(path):
    calls = [node.lineno for node in ast.walk(tree(path)) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id == "id"]
    assert not calls, (f"{path.name} calls id() on lines {calls}: key by value "
                       "(functools.lru_cache on a hashable key) instead")


def test_no_function_is_copied_between_catalogue_modules():
    bodies = defaultdict(list)
    for path in CATALOGUE + [ROOT / "checks" / "engine" / "exercise.py"]:
        for node in tree(path).body:
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                bodies[ast.dump(ast.Module(body=body, type_ignores=[]))].append(
                    f"{path.name}:{node.name}")
    copies = [where for where in bodies.values() if len(where) > 1]
    assert not copies, f"the same function is defined more than once: {copies}"


def test_no_lambda_is_copied_from_one_lesson_to_another():
    """A recogniser two lessons share is defined once (common_mistakes.py), not pasted."""
    where = defaultdict(set)
    for path in CATALOGUE:
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Lambda):
                where[ast.dump(node)].add(f"{path.name}:{node.lineno}")
    copies = [sorted(w) for w in where.values() if len({x.split(":")[0] for x in w}) > 1]
    assert not copies, f"the same lambda is written in several modules: {copies}"


# ---- lesson 05's cache of the numerical gradients of the known wrong ways ------------------

def test_the_wrong_ways_are_computed_once_per_value_not_per_object():
    lesson05.computed_ways.cache_clear()
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    first = lesson05.other_ways(Case((sum_of_cubes, x)))
    again = lesson05.other_ways(Case((sum_of_cubes, x.copy())))          # another object
    transposed = lesson05.other_ways(Case((sum_of_cubes, x.T.copy().T)))  # same values, F order
    assert again is first and transposed is first
    assert lesson05.computed_ways.cache_info().misses == 1


@pytest.mark.parametrize("other", [
    Case((sum_of_cubes, np.array([[0.5, -1.0], [2.0, 0.5]]))),            # another value
    Case((sum_of_cubes, np.array([0.5, -1.0, 2.0, 0.25]))),               # another shape
    Case((sum_of_squares, np.array([[0.5, -1.0], [2.0, 0.25]]))),         # another f
    Case((sum_of_cubes, np.array([[0.5, -1.0], [2.0, 0.25]])), kwargs={"h": 1e-3})])
def test_the_wrong_ways_of_another_case_are_its_own(other):
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    ways = lesson05.other_ways(Case((sum_of_cubes, x)))
    theirs = lesson05.other_ways(other)
    assert theirs is not ways
    f, y = other.args
    h = other.kwargs.get("h", 1e-5)
    one_sided = np.array([(f(y + h * e) - f(y)) / h for e in np.eye(y.size).reshape(-1, *y.shape)])
    assert np.allclose(theirs["forward"], one_sided.reshape(y.shape), rtol=1e-6, atol=1e-6)
