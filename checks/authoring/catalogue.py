"""The checks' message catalogue (locale/zh_TW/LC_MESSAGES/checks.po and .mo), by Babel.

Extraction (``pybabel extract``'s job, by Babel's own extractor): every call of the message
functions of checks/engine/messages.py (``msg``, ``pmsg``, ``nmsg``, ``npmsg``) and of
checks/runtime/plain.py's ``message_data`` in checks/ and digits.py (babel.cfg and KEYWORDS
say the same for the command line), plus what the catalogue declares as data: every
mistake's hint (context "hint <exercise>.<mistake id>") and every case label written as a
plain string (context "case"). Merging is ``pybabel update``'s (Catalog.update: changed English
becomes fuzzy, vanished English obsolete), compiling ``pybabel compile``'s (write_mo);
checks/engine/messages.py renders from the compiled checks.mo.
"""
import ast
import io
from pathlib import Path

import numpy as np
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ..engine.source import ROOT

PO = ROOT / "locale" / "zh_TW" / "LC_MESSAGES" / "checks.po"
KEYWORDS = {"msg": None, "pmsg": ((1, "c"), 2), "nmsg": (1, 2), "npmsg": ((1, "c"), 2, 3),
            "said": None,
            "message_data": None}
METHOD_MAP = [("checks/**.py", "python"), ("digits.py", "python"), ("playground.py", "python"),
              ("**.py", "ignore")]
FLAGS = ("python-brace-format",)
HEADER = {"project": "nn-from-scratch-course checks", "locale": "zh_TW", "charset": "utf-8",
          "fuzzy": False}


def extracted(root=ROOT):
    """The template (a Babel Catalog): the code's messages, then the catalogue's data."""
    template = Catalog(**HEADER)
    skip = ("checks/authoring/", "tests/")
    for filename, lineno, message, comments, context in extract_from_dir(
            root, METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        if filename.startswith(skip) or not message or not all(message):
            continue
        template.add(message, locations=[(filename, lineno)], context=context,
                     auto_comments=comments, flags=FLAGS)
    for context, msgid, where in declared():
        template.add(msgid, locations=[where], context=context, flags=FLAGS)
    return template


def declared():
    """[(context, msgid, (file, line))]: the hints of every catalogued mistake and the case
    labels written as plain strings (visible and random cases, and Case(..., "label") calls)."""
    from ..catalogue import EXERCISES
    found = []
    for ex in EXERCISES.values():
        where = (f"checks/catalogue/{module_of(ex)}.py", 0)
        for m in ex.mistakes:
            found.append((f"hint {ex.id}.{m.id}", m.hint, where))
        for case in [*ex.visible(), *(ex.random(np.random.default_rng(0)) if ex.random else [])]:
            if isinstance(case.label, str) and case.label:
                found.append(("case", case.label, where))
    for path in sorted((ROOT / "checks" / "catalogue").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Case":
                label = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "label"), None)
                text = literal(label)
                if text:
                    found.append(("case", text, (path.relative_to(ROOT).as_posix(), node.lineno)))
    return found


def literal(node):
    """The text of a string literal (implicit concatenation included), else None."""
    try:
        value = ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def module_of(ex):
    return {"01": "lesson01", "02": "lesson02", "03": "lesson03", "04": "lesson04",
            "05": "lesson05", "06": "lesson06", "07": "lesson07", "08": "lesson08"}.get(
        ex.lesson[:2], "lesson")


def load(path=PO):
    with open(path, "rb") as f:
        return read_po(f, locale="zh_TW")


def save(catalog, path=PO):
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_by_file=False, include_previous=True,
             include_lineno=False)              # files only: an edit above moves no entry
    Path(path).write_bytes(out.getvalue())
    compile_catalogue(catalog, Path(path).with_suffix(".mo"))


def compile_catalogue(catalog, path):
    """checks.mo, as ``pybabel compile`` writes it (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    if not Path(path).exists() or Path(path).read_bytes() != out.getvalue():
        Path(path).write_bytes(out.getvalue())


def update_catalogue(path=PO):
    """Extracts, merges into checks.po (``pybabel update``), compiles checks.mo; returns it."""
    catalog = load(path) if Path(path).exists() else Catalog(**HEADER)
    template = extracted()
    template.creation_date = catalog.creation_date      # unchanged English, unchanged file
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.obsolete.clear()            # git keeps the history; obsolete entries only mislead
    save(catalog, path)
    return catalog


def problem(translated, fuzzy):
    """What keeps one catalogue entry from translating its message, or None: the same
    words for checks.po and for the lessons' catalogues (translate.stale_segments)."""
    if not translated:
        return "untranslated"
    if fuzzy:
        return "fuzzy (revise, then remove the fuzzy flag)"
    return None


def stale(catalog):
    """What keeps checks.po from translating every message: [(problem, msgid)]."""
    problems = []
    for m in catalog:
        if not m.id:
            continue
        msgid = m.id[0] if isinstance(m.id, tuple) else m.id
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        found = problem(all((s or "").strip() for s in strings), m.fuzzy)
        if found:
            problems.append((found, msgid))
    return problems
