"""What a lesson's grading sandbox offers of the course's provided modules, blocks and digits.

A notebook of lesson N is graded with its own ``blocks.py`` and ``digits.py``, written here
from the real modules' syntax trees into a folder the sandbox mounts read-only (``folder``).
They hold:

- the exercises of the lessons before N (the course provides them from then on),
- what lesson N's own cells use of the two modules (``NEEDS``, read from the solution
  notebooks by ``python -m checks build``, stored in ``provided_names.json``),
- the top-level definitions those need, and the imports of both modules;

and nothing else. Lesson N's exercises are never among them: where a kept definition or a
cell refers to one, the module holds a stand-in that calls the learner's own function of
that name (in lesson 02, ``blocks.sigmoid`` is the learner's ``sigmoid``), so the lesson's
demonstrations run on the learner's code and no course version of the exercise exists in
the sandbox, as code or as source. In digits, ``load_digits_split`` returns the split's
training and validation parts only: the test part, on which ``train_digits`` is graded, is
not in the sandbox's data at all.

The stand-in for a failing helper ("one mistake costs once") is not importable either:
``stand_in_source`` gives the grader the course's source of it (and what it needs), sent
with each call that needs it (checks/grading/sandbox.py, checks/runtime/child.py).
"""
import ast
import atexit
import functools
import gzip
import io
import json
import py_compile
import re
import shutil
import tempfile
import threading
from pathlib import Path

from ..catalogue import lessons as catalogue_lessons
from ..engine.source import ROOT
from ..runtime.invoke import CALLS_ITSELF, NONE_OF_YOURS
from ..runtime.provided_modules import PROVIDED_MODULES

NEEDS_FILE = Path(__file__).with_name("provided_names.json")
HELD_OUT_SEED = 0                 # train_digits is graded on this seed's test part

PROXY_HELPERS = '''

class NotOffered(Exception):
    """Raised by a stand-in for one of this lesson's exercises (see yours)."""


LEARNER = {{}}         # the learner's namespace: the grading child puts it here
EARLY = {{}}           # the learner's own definitions of them, from cells not run yet
ACTIVE = set()        # the exercises whose stand-in is running now


def yours(name, args, kwargs):
    """Calls the learner's own function ``name`` (an exercise of this lesson): the one the
    notebook has defined so far, else the one a later cell defines."""
    fn = LEARNER.get(name)
    if not callable(fn) or getattr(fn, "__module__", None) == __name__:
        fn = EARLY.get(name)
    if not callable(fn) or getattr(fn, "__module__", None) == __name__:
        raise NotOffered({none!r}.format(module=__name__, name=name))
    if name in ACTIVE:
        raise NotOffered({itself!r}.format(module=__name__, name=name))
    ACTIVE.add(name)
    try:
        return fn(*args, **kwargs)
    finally:
        ACTIVE.discard(name)'''

PROXY = '''

def {name}(*args, **kwargs):
    """{name} is an exercise of this lesson: here, {module}.{name} is your own {name}."""
    return yours({name!r}, args, kwargs)'''

# digits.load_digits_split in the sandbox: the seen parts of the course's split, no test part.
SEEN_SPLIT = '''

def load_digits_split(seed=0):
    """The course's split of the digits as the grading sandbox holds it: the training and
    validation parts of the split with seed {seed} (whatever ``seed`` is), and an empty test
    part. The test digits are held out: train_digits is graded on them."""
    X, y = load_digits()
    n = {n_train}
    return {{"X_train": X[:n], "y_train": y[:n], "X_val": X[n:], "y_val": y[n:],
            "X_test": X[:0], "y_test": y[:0]}}'''


# ---- the real modules, as statements ---------------------------------------------------
class Statement:
    """One top-level statement of a provided module: the names it defines, the top-level
    names (``(module, name)``) it refers to, and its source text."""

    def __init__(self, module, node, text, defined, refers):
        self.module, self.node, self.text = module, node, text
        self.defined, self.refers = defined, refers


@functools.lru_cache(maxsize=None)
def read_module(module):
    """(docstring, [Statement] in source order, {name: (module, name)} imported from the
    other provided module) of ROOT/<module>.py."""
    source = (ROOT / f"{module}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    body = tree.body
    doc = ast.get_docstring(tree) if body and isinstance(body[0], ast.Expr) else None
    if doc is not None:
        body = body[1:]
    imported = {}                                  # name -> (module, name) from blocks/digits
    statements = []
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module in PROVIDED_MODULES:
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
            continue
        statements.append((node, defined_names(node)))
    own = {name for _, names in statements for name in names}
    out, lines = [], LINE.findall(source)
    for node, names in statements:
        loads = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - set(names)
        refers = {(module, n) for n in loads if n in own}
        refers |= {imported[n] for n in loads if n in imported}
        out.append(Statement(module, node, segment(lines, node), names, refers))
    return doc, out, imported


LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")   # lines as ast splits them


def segment(lines, node):
    """ast.get_source_segment(source, node) from the source's ``lines`` (LINE.findall),
    split once: get_source_segment splits the whole source at every call."""
    first, last = node.lineno - 1, node.end_lineno - 1
    start = lines[first].encode()
    if first == last:
        return start[node.col_offset:node.end_col_offset].decode()
    return "".join([start[node.col_offset:].decode(), *lines[first + 1:last],
                    lines[last].encode()[:node.end_col_offset].decode()])


def defined_names(node):
    """The top-level names a statement binds (a def, a class, an assignment, an import)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    targets = (node.targets if isinstance(node, ast.Assign)
               else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else None)
    if targets is None:
        raise ValueError(f"{type(node).__name__} at line {node.lineno}: provided.py knows how "
                         "to keep definitions, assignments and imports only")
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


@functools.lru_cache(maxsize=None)
def definitions():
    """{(module, name): Statement} of every top-level definition of blocks and digits."""
    found = {}
    for module in PROVIDED_MODULES:
        for st in read_module(module)[1]:
            if not isinstance(st.node, (ast.Import, ast.ImportFrom)):
                found.update({(module, name): st for name in st.defined})
    return found


# ---- what each lesson may use ----------------------------------------------------------
def exercises_by_lesson():
    return catalogue_lessons()


def needs():
    """{lesson: {(module, name)}}: what each lesson's solution cells use (provided_names.json)."""
    stored = json.loads(NEEDS_FILE.read_text(encoding="utf-8"))
    return {lesson: {(m, n) for m, names in used.items() for n in names}
            for lesson, used in stored.items()}


def offered(lesson):
    """(kept, proxied): the ``(module, name)`` definitions lesson ``lesson``'s sandbox keeps,
    and the names of its exercises that stand for the learner's own functions there."""
    table = definitions()
    order = list(exercises_by_lesson())
    own = set(exercises_by_lesson().get(lesson, ()))
    before = order[:order.index(lesson)] if lesson in order else []
    start = {(m, ex) for earlier in before for ex in exercises_by_lesson()[earlier]
             for m in PROVIDED_MODULES if (m, ex) in table}
    start |= needs().get(lesson, set()) if lesson is not None else set()
    kept, todo = set(), [k for k in start if k in table]
    while todo:
        key = todo.pop()
        if key in kept or key[1] in own:
            continue
        kept.add(key)
        todo += [k for k in table[key].refers if k in table]
    proxied = {(m, ex) for m in PROVIDED_MODULES for ex in own if (m, ex) in table}
    return kept, proxied


def module_text(module, lesson, kept, proxied, n_train=None):
    """The source of lesson ``lesson``'s ``module``: its imports, the kept definitions (in
    their original order and text), and a stand-in for each of the lesson's exercises."""
    doc, statements, imported = read_module(module)
    keep = {name for m, name in kept if m == module}
    proxy = {name for m, name in proxied if m == module}
    names = sorted(keep | proxy)
    lines = [repr(f"The course's {module} module as the grading sandbox offers it to a notebook of "
                  f"lesson {lesson}: {', '.join(names) if names else 'nothing'}. "
                  "Written by checks/grading/provided.py from the course's own module."
                  + (" Its digits are the course split's training and validation digits only: "
                     "the test digits are held out." if module == "digits" and n_train else ""))]
    for source_module in PROVIDED_MODULES:
        wanted = sorted(name for name, origin in imported.items()
                        if origin[0] == source_module and origin in kept | proxied)
        if wanted:
            lines.append(f"from {source_module} import {', '.join(wanted)}")
    for st in statements:
        if isinstance(st.node, (ast.Import, ast.ImportFrom)):
            lines.append(st.text)
    if proxy:
        lines.append(PROXY_HELPERS.format(none=NONE_OF_YOURS, itself=CALLS_ITSELF))
    for st in statements:
        if isinstance(st.node, (ast.Import, ast.ImportFrom)):
            continue
        here = set(st.defined)
        if here & proxy:
            lines += [PROXY.format(name=name, module=module) for name in st.defined
                      if name in proxy]
        elif module == "digits" and here == {"load_digits_split"} and n_train is not None:
            lines.append(SEEN_SPLIT.format(seed=HELD_OUT_SEED, n_train=n_train))
        elif here & keep:
            lines.append("\n\n" + st.text)
    return "\n".join(lines) + "\n"


def digits_data():
    import digits
    return digits.DATA


def seen_digits():
    """(csv.gz bytes, n_train): the rows of the course's split that learner code may see
    (the training part, then the validation part), in digits.csv.gz's format."""
    import numpy as np

    import digits
    X, y = digits.load_digits()
    train, val, _ = digits.stratified_split(y, seed=HELD_OUT_SEED)
    rows = np.concatenate([train, val])
    table = np.column_stack([X[rows], y[rows]]).astype(np.int64)
    text = io.StringIO()
    np.savetxt(text, table, fmt="%d", delimiter=",")
    return gzip.compress(text.getvalue().encode("ascii"), mtime=0), len(train)


def write_folder(lesson, target):
    """Writes lesson ``lesson``'s blocks.py, digits.py and the data they read into ``target``."""
    kept, proxied = offered(lesson)
    target.mkdir(parents=True, exist_ok=True)
    n_train = None
    if ("digits", "load_digits") in kept and digits_data().exists():
        (target / "data").mkdir(exist_ok=True)
        data, n_train = seen_digits()
        (target / "data" / "digits.csv.gz").write_bytes(data)
    if ("digits", "MNIST_SAMPLE") in kept:
        (target / "data").mkdir(exist_ok=True)
        for path in sorted((ROOT / "data").glob("mnist_5k-*.gz")):
            shutil.copyfile(path, target / "data" / path.name)
    for module in PROVIDED_MODULES:
        (target / f"{module}.py").write_text(
            module_text(module, lesson, kept, proxied, n_train), encoding="utf-8")
        py_compile.compile(str(target / f"{module}.py"), doraise=True)   # read-only there
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)     # readable by the learner's user
    return target


FOLDERS = {}
LOCK = threading.Lock()


def folder(lesson):
    """The folder holding lesson ``lesson``'s provided modules, written once per process
    (``None``: a notebook of no known lesson, offered nothing)."""
    with LOCK:
        if lesson not in FOLDERS:
            if "" not in FOLDERS:
                FOLDERS[""] = Path(tempfile.mkdtemp(prefix="grade-provided-"))
                FOLDERS[""].chmod(0o711)        # others may pass, not list: where learner code
                atexit.register(shutil.rmtree, FOLDERS[""], True)   # can read other lessons'
            #                                     folders (no isolation, no Landlock), it
            #                                     cannot find them
            target = Path(tempfile.mkdtemp(prefix=f"{lesson or 'none'}-", dir=FOLDERS[""]))
            FOLDERS[lesson] = write_folder(lesson, target)
        return FOLDERS[lesson]


# ---- the learner's own definitions, for a cell that runs before them ----------------------
def early_definitions(lesson, cells):
    """[(cell index, source)]: for each exercise of ``lesson`` that blocks or digits stand in
    for, its last definition in ``cells`` when defining it runs none of the learner's code
    (a plain ``def``: no decorator, no annotation, constant defaults). A cell that shows
    ``blocks.sigmoid`` before the notebook's own sigmoid is defined then runs with it, as the
    notebook's later cell defines it (the child keeps them apart from the learner's names)."""
    from ..engine.source import parse
    names = {name for _, name in offered(lesson)[1]}
    found = {}
    for index, source in enumerate(cells):
        try:
            tree = parse(source)
        except (SyntaxError, RecursionError, ValueError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in names and plain_def(node):
                text = ast.get_source_segment(source, node)
                if text is not None:
                    found[node.name] = (index, "\n" * (node.lineno - 1) + text)
    return sorted(found.values())


def plain_def(node):
    """True when executing the ``def`` itself evaluates no expression of the learner's."""
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return (not node.decorator_list and node.returns is None
            and all(a is None or a.annotation is None for a in every)
            and all(d is None or isinstance(d, ast.Constant) for d in
                    [*args.defaults, *args.kw_defaults]))


# ---- stand-ins for a failing helper ----------------------------------------------------
@functools.lru_cache(maxsize=64)
def stand_in_source(names):
    """The course's source of the blocks functions ``names`` and of every top-level
    definition they need, with blocks' imports: compiled by the grading child in a private
    namespace for one call (checks/runtime/child.py), never importable there."""
    table = definitions()
    kept, todo = set(), [("blocks", n) for n in names if ("blocks", n) in table]
    while todo:
        key = todo.pop()
        if key not in kept:
            kept.add(key)
            todo += [k for k in table[key].refers if k in table]
    _, statements, _ = read_module("blocks")
    return "\n\n".join(st.text for st in statements
                       if isinstance(st.node, (ast.Import, ast.ImportFrom))
                       or {("blocks", n) for n in st.defined} & kept) + "\n"


# ---- what the lessons' cells use, from the solution notebooks --------------------------
def used_in(source, aliases):
    """{(module, name)} of blocks and digits a cell's code uses: ``from blocks import x``,
    and ``blocks.x`` after ``import blocks`` (under any alias, in this cell or an earlier
    one: ``aliases``, {alias: module}, is updated)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in PROVIDED_MODULES:
                    aliases[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module in PROVIDED_MODULES:
            used |= {(node.module, a.name) for a in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in aliases:
            used.add((aliases[node.value.id], node.attr))
    return used


def solution_needs(folders=None):
    """{lesson: {module: [names]}} from every solution notebook (English and zh-TW)."""
    import nbformat

    from ..engine.source import solution_notebooks
    from ..runtime.invoke import strip_magics
    folders = folders or [ROOT / "solutions", ROOT / "solutions" / "zh-TW"]
    found = {}
    for path in (p for f in folders for p in solution_notebooks(f)):
        lesson = path.stem
        used, aliases = found.setdefault(lesson, set()), {}
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                used |= used_in(strip_magics(cell.source), aliases)
    return {lesson: {m: sorted(n for mm, n in used if mm == m) for m in PROVIDED_MODULES}
            for lesson, used in sorted(found.items())}


def write_needs(folders=None):
    """Writes provided_names.json (``python -m checks build``); returns its path if it changed."""
    text = json.dumps(solution_needs(folders), indent=1, sort_keys=True) + "\n"
    old = NEEDS_FILE.read_text(encoding="utf-8") if NEEDS_FILE.exists() else None
    if text == old:
        return None
    NEEDS_FILE.write_text(text, encoding="utf-8")
    return NEEDS_FILE


def remove_all():
    """Deletes every folder written by ``folder`` (tests)."""
    with LOCK:
        root = FOLDERS.pop("", None)
        FOLDERS.clear()
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


__all__ = ["folder", "offered", "stand_in_source", "write_needs", "module_text"]
