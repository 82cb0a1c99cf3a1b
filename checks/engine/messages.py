"""check()'s messages in the learner's language, translated where they are shown.

The checks compose their messages in English, in their own code; nothing there changes.
At the rendering boundary (check() printing, `status`, feedback files) `render(text)`
translates the finished English text through one gettext catalogue,
locale/zh_TW/LC_MESSAGES/checks.po, whose entries are extracted from the checks' source:

- every hint of the mistake catalogue: msgctxt "hint <exercise>.<mistake id>", msgid the hint;
- every message fragment the checks write (a string or f-string with words in it):
  msgctxt "<module>.<function>", msgid the text with its variable parts numbered {0}, {1}, ...
  The translation uses the same numbers, in any order.

Rendering replaces the hints' text, then matches each fragment as a pattern (its {n} standing
for any text on one line, itself translated in turn), longest fragments first. The JSON and
CSV a grader writes keep the English; Python's and NumPy's own error texts stay as they are.
"""
import ast
import re
from functools import lru_cache
from pathlib import Path

from .language import current
from .source import ROOT

CATALOGUE = ROOT / "locale" / "zh_TW" / "LC_MESSAGES" / "checks.po"
# Modules whose strings a learner can read, in a notebook, in status or in a feedback file.
MODULES = ("verify", "steps", "compare", "show", "notebook", "watch", "invoke", "status", "feedback",
           "grade", "child", "sandbox", "plainrun", "reset", "instructor", "learner_commands")


# Keyword arguments whose text is the command line's (--help), which stays English.
ARGPARSE = {"help", "description", "epilog", "metavar"}

# Short pieces the extraction skips (one word) but a learner reads.
EXTRA = (("verify.failed", "Hint: {0}"), ("verify.failed", "  It {0}"),
         ("verify.failed", " (hidden)"), ("verify.judge", "raised {0}"),
         ("verify.judge", " (your {0})"), ("notebook.learner_line", "line {0}: {1}"),
         ("show.show_case", "  expected"), ("show.show_case", "  got "),
         ("feedback.markdown", "Total: **{0} / {1}**"), ("verdict", "passed"),
         ("verdict", "failed"), ("verdict", "missing"), ("verdict", "not attempted"), ("status", "note: {0}"),
         ("exercises.gen.KINDS", "normal"), ("exercises.gen.KINDS", "large"),
         ("exercises.gen.KINDS", "zeros"), ("show.fmt", "   shape {0}"))


# --- extraction ------------------------------------------------------------------------------------

def template(node):
    """A string node as text with its variable parts numbered {0}, {1}, ... (braces doubled)."""
    if isinstance(node, ast.Constant):
        return node.value.replace("{", "{{").replace("}", "}}")
    parts, n = [], 0
    for v in node.values:
        if isinstance(v, ast.Constant):
            parts.append(v.value.replace("{", "{{").replace("}", "}}"))
        else:
            parts.append(f"{{{n}}}")
            n += 1
    return "".join(parts)


def worded(text):
    return len(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{\d+\}", "", text))) >= 2 and " " in text


def fragments(path, module):
    """[(msgctxt, msgid)] of one source file's message strings, in source order."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    skip = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    skip |= {id(m) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
             for m in ast.walk(n) if m is not n}
    skip |= {id(n.value) for n in ast.walk(tree)            # help="...": --help's English
             if isinstance(n, ast.keyword) and n.arg in ARGPARSE}
    # a mistake's how="..." is written for the instructor's guide (docs/mistakes.md, English)
    skip |= {id(m) for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg == "how"
             for m in ast.walk(n.value)}
    found = []

    def visit(node, where):
        for child in ast.iter_child_nodes(node):
            here = f"{module}.{child.name}" if isinstance(child, (ast.FunctionDef, ast.ClassDef)) \
                else where
            if id(child) not in skip and (isinstance(child, ast.JoinedStr) or (
                    isinstance(child, ast.Constant) and isinstance(child.value, str))):
                text = template(child)
                if worded(text):
                    found.append((here, text, child.lineno))
            visit(child, here)
    visit(tree, module)
    return sorted(found, key=lambda f: f[2])


def source_entries():
    """[(msgctxt, msgid, occurrence)] for the catalogue: hints, then message fragments."""
    from ..catalogue import EXERCISES
    entries, hints = [], set()
    for ex in EXERCISES.values():
        for m in ex.mistakes:
            entries.append((f"hint {ex.id}.{m.id}", m.hint, (f"checks/catalogue ({ex.lesson})", "")))
            hints.add(m.hint)
    files = [(next((ROOT / "checks").glob(f"*/{m}.py"), ROOT / "checks" / f"{m}.py"), m)
             for m in MODULES]
    files += [(p, f"exercises.{p.stem}") for p in sorted((ROOT / "checks" / "catalogue").glob("*.py"))]
    entries += [(ctxt, msgid, ("checks/engine/messages.py", "EXTRA")) for ctxt, msgid in EXTRA]
    for path, module in files:
        if path.exists():
            for ctxt, text, line in fragments(path, module):
                if text.replace("{{", "{").replace("}}", "}") not in hints:
                    entries.append((ctxt, text, (path.relative_to(ROOT).as_posix(), str(line))))
    return entries


def update_catalogue(path=None):
    """Merges the checks' English into checks.po like msgmerge; returns the catalogue."""
    import polib
    from ..authoring.translate import merge, new_catalogue
    path = Path(path or CATALOGUE)
    po = polib.pofile(str(path), encoding="utf-8", wrapwidth=100) if path.exists() \
        else new_catalogue("checks")
    wanted = {}
    for ctxt, msgid, where in source_entries():
        wanted.setdefault((ctxt, msgid), []).append(where)
    return merge(po, wanted, path, lambda ctxt: None if ctxt.startswith("hint ")
                 else "A message fragment: keep every {n}; they may move.")


def stale(po):
    """What keeps checks.po from translating every message: [(problem, msgid)]."""
    active = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems = []
    for ctxt, msgid, _ in source_entries():
        e = active.get((ctxt, msgid))
        if e is None:
            problems.append(("not in the catalogue (new or changed English)", msgid))
        elif not e.msgstr.strip():
            problems.append(("untranslated", msgid))
        elif e.fuzzy:
            problems.append(("fuzzy (revise, then remove the fuzzy flag)", msgid))
    return list(dict.fromkeys(problems))


# --- rendering ---------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def table(path=CATALOGUE):
    """(hints {english: translation}, patterns [(regex, translation template)]), longest first.
    polib is imported here, so English checks need nothing beyond NumPy (e.g. under nbgrader)."""
    if not Path(path).exists():
        return {}, []
    import polib
    po = polib.pofile(str(path), encoding="utf-8")
    hints, patterns = {}, []
    for e in po:
        if e.obsolete or not e.msgstr or e.fuzzy:
            continue
        if e.msgctxt.startswith("hint "):
            hints[e.msgid] = e.msgstr
        else:
            patterns.append((pattern(e.msgid), e.msgstr, len(re.sub(r"\{\d+\}", "", e.msgid))))
    patterns.sort(key=lambda p: -p[2])
    return hints, [(p, t) for p, t, _ in patterns]


def pattern(msgid):
    """A fragment's regex: its words literal, each {n} any text on one line; a fragment
    ending in punctuation ends there (so the "." of 0.5 does not end a sentence)."""
    parts = re.split(r"(\{\d+\})", msgid)
    regex = ""
    for i, part in enumerate(parts):
        if re.fullmatch(r"\{\d+\}", part):
            last = i == len(parts) - 1 or (i == len(parts) - 2 and not parts[-1])
            regex += f"(?P<g{part[1:-1]}>[^\\n]*)" if last else f"(?P<g{part[1:-1]}>[^\\n]*?)"
        else:
            regex += re.escape(part.replace("{{", "{").replace("}}", "}"))
    if re.search(r"[.:;)]$", msgid):
        regex += r"(?=\s|$)"
    elif re.search(r"[A-Za-z]$", msgid):
        regex += r"\b"
    if re.match(r"[A-Za-z]", msgid):
        regex = r"\b" + regex
    return re.compile(regex, re.IGNORECASE)


def render(text, lang=None):
    """`text` (English, as the checks wrote it) in `lang` (default: the chosen language)."""
    if (lang or current()) == "en" or not text:
        return text
    hints, patterns = table()
    for english in sorted(hints, key=len, reverse=True):
        text = text.replace(english, hints[english])
    return translate_text(text, patterns, depth=0)


def translate_text(text, patterns, depth):
    if depth > 4 or not re.search(r"[A-Za-z]{2,}", text):
        return text
    for regex, zh in patterns:
        def fill(m):
            values = {k[1:]: translate_text(v, patterns, depth + 1) for k, v in m.groupdict().items()}
            return zh.format(*[values[str(i)] for i in range(len(values))])
        text = regex.sub(fill, text)
    return text
