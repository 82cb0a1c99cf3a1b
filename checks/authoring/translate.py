"""The zh-TW edition, generated from the same solutions/ through gettext catalogues.

    solutions/NN.ipynb --segments--> locale/zh_TW/LC_MESSAGES/NN.po   (update_lesson_catalogue)
    solutions/NN.ipynb + NN.po --translated--> solutions/zh-TW/NN.ipynb  (executed: nbval runs it)
                               --learner_version--> notebooks/zh-TW/NN.ipynb

What is translated, one catalogue entry each:
- a markdown paragraph (blocks split at blank lines); display-only maths only when a \text{...}
  in it holds words (msgctxt "maths"): only those words may change;
- a fenced code block in markdown (msgctxt "code block"), usually copied as it is, adapted where
  the zh-TW edition needs another command (flag it `code-differs`);
- a code comment (msgctxt "code comment"; `### BEGIN/END SOLUTION` markers are not);
- a string literal a learner reads (msgctxt "code string"): the argument of print, a plot title,
  axis, tick or legend label or text (through if-else, +, % and lists), a docstring, a label
  ending in a colon, or any literal or f-string with a word and a space in its own text. Its
  msgid is the literal as written, quotes and `{fields}` included; the translation keeps the
  quotes, prefix and fields, so the code of both editions is the same
  (tests/authoring/test_translation.py compares their syntax trees);
- the stubs' comment, `# YOUR CODE HERE` (msgctxt "stub comment"), which the translated notebook
  keeps in its metadata for build.clear_solutions.

The edition holds the lessons that have a catalogue. A catalogue that no longer matches the English fails the build with the entries to update
(`stale_segments`); `update_lesson_catalogue` merges the new English in first, like msgmerge: a changed paragraph
comes back fuzzy with its old translation and its previous msgid, for the translator to revise.
"""
import ast
import copy
import difflib
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
import polib

from ..engine.source import BEGIN, ROOT, solution_notebooks, workshop_notebooks
from ..errors import ANSWER_NO, CourseError
from . import catalogue  # the checks' messages (checks.po)
from .build import STUB_COMMENT, learner_version
from .execute import run

LANG = "zh-TW"
LOCALE = ROOT / "locale" / "zh_TW" / "LC_MESSAGES"
STRING, COMMENT, BLOCK, MATHS = "code string", "code comment", "code block", "maths"
# \text{...} in LaTeX that is a name, not a word to translate
TEXT_NAMES = {"prev", "relu", "softmax", "onehot", "size", ".size", "BCE", "CE", "MSE", "out", "in"}
# The setup cell of a zh-TW notebook chooses the language of check()'s messages.
SELECT_LANGUAGE = 'import checks; checks.use_language("zh-TW")'
# Calls whose string arguments a learner reads (print, plot text, tick labels, errors).
SHOWN = {"print", "set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel",
         "text", "annotate", "legend", "set_xticklabels", "set_yticklabels", "figtext", "Exception",
         "ValueError", "TypeError", "RuntimeError", "xticks", "yticks", "set_xticks", "set_yticks",
         "bar", "barh", "pie", "table", "set_label", "set_text", "fig_text"}
SHOWN_KEYWORDS = {"label", "labels", "title", "xlabel", "ylabel", "text", "s", "tick_label",
                  "xticklabels", "yticklabels", "colLabels", "rowLabels"}
# The placeholder comment of an exercise stub (checks/authoring/build.py writes it).
STUB = "stub comment"

class TranslationError(CourseError):
    """A catalogue is missing, stale or breaks the code: the message lists what to do."""
    exit_code = ANSWER_NO       # the build ran, and the zh-TW edition waits for its translator


@dataclass(frozen=True)
class Segment:
    """One translatable piece of a notebook: its catalogue key and where it sits."""
    msgctxt: str            # None for markdown, else STRING / COMMENT
    msgid: str
    cell: int
    start: int = 0          # character span in the cell's source (code only)
    end: int = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid)


# --- step 1: segments, the pieces of a notebook that a learner reads ------------------------------

def paragraphs(text):
    """[(text, msgctxt or False)] whose concatenation is `text`: blocks split at blank lines,
    fenced code kept whole (msgctxt BLOCK); separators and display-only maths are False."""
    pieces = re.split(r"(\n[ \t]*\n)", text)
    out, block = [], ""
    for i, piece in enumerate(pieces):
        if i % 2 == 1 and not block.count("```") % 2:      # a separator outside a fence
            out.append((block, True))
            out.append((piece, False))
            block = ""
        else:
            block += piece
    out.append((block, True))
    return [(b, ok and kind_of(b)) for b, ok in out if b]


def kind_of(block):
    """The msgctxt of a markdown block (None for prose), or False if it is not translated."""
    stripped = block.strip()
    if stripped.startswith("```"):
        return BLOCK
    if stripped.startswith("$$") and stripped.endswith("$$") and stripped.count("$$") == 2:
        return MATHS if worded_text(block) else False
    return None if re.search(r"[A-Za-z]{2}", strip_maths_and_fields(block)) else False


def worded_text(latex):
    """Does a \text{...} in this LaTeX hold words a learner reads (not a name like "prev")?"""
    return any(re.search(r"[A-Za-z]{2}", t) and t.strip() not in TEXT_NAMES
               for t in re.findall(r"\\text\{([^}]*)\}", latex))


def strip_maths_and_fields(text):
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", "", text, flags=re.S)
    return re.sub(r"\{[^{}]*\}|\\[nt]", "", text)


def line_offsets(source):
    offsets, total = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    return offsets + [total]


def char_offset(source, offsets, lineno, col_bytes):
    line = source.splitlines(keepends=True)[lineno - 1] if lineno <= len(offsets) - 1 else ""
    return offsets[lineno - 1] + len(line.encode("utf-8")[:col_bytes].decode("utf-8"))


def shown_strings(tree):
    """String nodes a learner reads: arguments of SHOWN calls and label-like keywords (through
    conditional expressions, `+`, `%`, `and`/`or`, tuples and lists), docstrings, any other
    literal or f-string with a word and a space in its text ("class 0", "-> passed",
    f"accuracy {a:.1%}", "loss $L$"). A string
    used as code is left alone: a keyword setting (loc="upper left"), a subscript key, a
    comparison's operand. Parts of an f-string are not separate strings."""
    inside_fstring = {id(m) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
                      for m in ast.walk(n) if m is not n}
    code = {id(k.value) for n in ast.walk(tree) if isinstance(n, ast.Call)
            for k in n.keywords if k.arg not in SHOWN_KEYWORDS}     # loc="upper left" ...
    code |= {id(m) for n in ast.walk(tree) if isinstance(n, (ast.Subscript, ast.Compare))
             for m in ast.walk(n.slice if isinstance(n, ast.Subscript) else n)}
    picked = {}

    def add(node):
        if id(node) in inside_fstring:
            return
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                                and isinstance(node.value, str)):
            picked[id(node)] = node
        elif isinstance(node, (ast.Tuple, ast.List)):
            for e in node.elts:
                add(e)
        elif isinstance(node, ast.IfExp):
            add(node.body)
            add(node.orelse)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            add(node.left)
            add(node.right)
        elif isinstance(node, ast.BoolOp):
            for v in node.values:
                add(v)

    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            name = getattr(n.func, "attr", getattr(n.func, "id", None))
            if name in SHOWN:
                for a in n.args:
                    add(a)
            for k in n.keywords:
                if k.arg in SHOWN_KEYWORDS:
                    add(k.value)
        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Module)) and n.body \
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant):
            add(n.body[0].value)
        if id(n) not in code and worded(n):
            add(n)
    return [n for n in picked.values()]


def worded(node):
    """Is this a string literal or f-string whose own text (fields aside) has a word and a
    space, i.e. words a learner reads rather than a name used as code?"""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return False
    text = strip_maths_and_fields(text)
    return bool(re.search(r"[A-Za-z]{2,}", text) and re.search(r"\s", text))


def code_segments(source, cell):
    """The comments and shown strings of one code cell, in source order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    offsets, found = line_offsets(source), []
    for node in shown_strings(tree):
        start = char_offset(source, offsets, node.lineno, node.col_offset)
        end = char_offset(source, offsets, node.end_lineno, node.end_col_offset)
        text = source[start:end]
        body = strip_maths_and_fields(literal_body(text))
        if re.search(r"[A-Za-z]{2}", body) or re.search(r"\S\s*:\s*$", body):   # or a label "Z  :"
            found.append(Segment(STRING, text, cell, start, end))
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and not tok.string.startswith("###"):
            body = re.sub(r"^#\s*", "", tok.string)
            if re.search(r"[A-Za-z]{2}", body):
                start = offsets[tok.start[0] - 1] + tok.start[1] + (len(tok.string) - len(body))
                found.append(Segment(COMMENT, body, cell, start, start + len(body)))
    return sorted(found, key=lambda s: s.start)


def literal_body(text):
    """A string literal's text without its prefix and quotes."""
    return re.sub(r"^[rRbBuUfF]*('''|\"\"\"|'|\")", "", text)[:-1].rstrip("'\"")


def segments(nb):
    """Every translatable piece of a notebook, in order; a lesson with exercises also has its
    stubs' comment (msgctxt STUB), listed at its first exercise cell."""
    found, stubbed = [], False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found += [Segment(kind, text, i) for text, kind in paragraphs(cell.source)
                      if kind is not False]
        elif cell.cell_type == "code":
            found += code_segments(cell.source, i)
            if BEGIN in cell.source and not stubbed:
                found.append(Segment(STUB, STUB_COMMENT, i))
                stubbed = True
    return found


# --- step 2: the catalogue, merged with the English like msgmerge ---------------------------------

def catalogue_path(lesson, locale=None):
    return Path(locale or LOCALE) / f"{lesson}.po"


def new_catalogue(lesson):
    po = polib.POFile(wrapwidth=100)
    po.metadata = {"Project-Id-Version": f"nn-from-scratch-course {lesson}",
                   "Language": "zh_TW", "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit"}
    return po


def load_catalogue(lesson, locale=None):
    path = catalogue_path(lesson, locale)
    return polib.pofile(str(path), encoding="utf-8", wrapwidth=100) if path.exists() \
        else new_catalogue(lesson)


def update_lesson_catalogue(lesson, nb, locale=None):
    """Merges the notebook's segments into its catalogue and saves it. Returns the catalogue."""
    wanted = {}
    for s in segments(nb):
        wanted.setdefault(s.key, []).append((f"{lesson}.ipynb", str(s.cell)))
    note = {STRING: "A Python string literal: keep its prefix, quotes and {fields}.",
            STUB: "The comment in every exercise's stub, above raise NotImplementedError()."}
    return merge(load_catalogue(lesson, locale), wanted, catalogue_path(lesson, locale),
                 lambda ctxt: note.get(ctxt))


def merge(po, wanted, path, comment_for):
    """msgmerge's job: ``wanted`` maps (msgctxt, msgid) to where the English stands. New
    English gets an entry (fuzzy with the closest old translation, if any), vanished
    English goes obsolete; ``comment_for(msgctxt)`` is a note for the translator. Saves
    ``po`` at ``path`` and returns it."""
    old = {(e.msgctxt, e.msgid): e for e in po}
    spare = [e for k, e in old.items() if k not in wanted and e.msgstr]
    entries = []
    for (ctxt, msgid), where in wanted.items():
        e = old.get((ctxt, msgid))
        if e is None:
            e = polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr="")
            guess = closest(msgid, [s for s in spare if s.msgctxt == ctxt])
            if guess is not None:
                e.msgstr, e.previous_msgid = guess.msgstr, guess.msgid
                e.flags.append("fuzzy")
        e.obsolete, e.occurrences = False, where
        if comment_for(ctxt):
            e.comment = comment_for(ctxt)
        entries.append(e)
    for k, e in old.items():
        if k not in wanted and e.msgstr:
            e.obsolete, e.occurrences = True, []
            entries.append(e)
    po[:] = entries
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return po


def closest(msgid, candidates, cutoff=0.6):
    best = max(candidates, key=lambda e: difflib.SequenceMatcher(None, msgid, e.msgid).ratio(),
               default=None)
    if best is not None and difflib.SequenceMatcher(None, msgid, best.msgid).ratio() >= cutoff:
        return best
    return None


def stale_segments(nb, po):
    """What keeps the catalogue from translating this notebook: [(problem, msgid)]."""
    active = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems, seen = [], set()
    for s in segments(nb):
        if s.key in seen:
            continue
        seen.add(s.key)
        e = active.get(s.key)
        found = "not in the catalogue (new or changed English)" if e is None \
            else catalogue.problem(bool(e.msgstr.strip()), e.fuzzy)
        if found:
            problems.append((found, s.msgid))
    return problems


def stale_report(found):
    lines = []
    for lesson, problems in found.items():
        lines.append(f"{catalogue_path(lesson).relative_to(ROOT)}: {len(problems)} entries to update")
        for problem, msgid in problems:
            short = msgid if len(msgid) < 90 else msgid[:87] + "..."
            lines.append(f"  - {problem}: {short!r}")
    lines.append("Edit those entries (msgstr, and drop '#, fuzzy'), then run `make build` again.")
    return "\n".join(lines)


# --- step 3: the translated notebook --------------------------------------------------------------

def translated(nb, po):
    """A copy of `nb` with every segment replaced by its translation and the language selected."""
    table = {(e.msgctxt, e.msgid): e.msgstr for e in po if not e.obsolete and e.msgstr
             and not e.fuzzy}
    nb = copy.deepcopy(nb)
    by_cell = {}
    for s in segments(nb):
        by_cell.setdefault(s.cell, []).append(s)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            cell.source = "".join(text if kind is False else table.get((kind, text), text)
                                  for text, kind in paragraphs(cell.source))
        elif i in by_cell:
            source = cell.source
            for s in sorted((s for s in by_cell[i] if s.msgctxt != STUB), key=lambda s: s.start,
                            reverse=True):
                source = source[:s.start] + table.get(s.key, s.msgid) + source[s.end:]
            cell.source = source
    select_language(nb)
    nb.metadata["language"] = LANG
    if table.get((STUB, STUB_COMMENT)):
        nb.metadata["stub_comment"] = table[(STUB, STUB_COMMENT)]   # build.clear_solutions
    return nb


def select_language(nb):
    """Appends the language choice to the setup cell (the first cell importing checks)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and re.search(r"^from checks import|^import checks",
                                                  cell.source, re.M):
            if SELECT_LANGUAGE not in cell.source:
                cell.source = cell.source.rstrip("\n") + "\n" + SELECT_LANGUAGE
            return nb
    return nb


def code_shape(source):
    """A cell's syntax tree with every string's text blanked out (f-strings keep their fields):
    two editions' code cells must have the same shape."""
    tree = ast.parse(source)
    for n in ast.walk(tree):
        if isinstance(n, ast.JoinedStr):
            n.values = [v for v in n.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            n.value = ""
    return ast.dump(tree)


def code_differences(english, translation):
    """Indices of code cells whose code (strings and comments aside) differs."""
    out = []
    for i, (a, b) in enumerate(zip(english.cells, translation.cells)):
        if a.cell_type == "code":
            b_source = b.source.replace("\n" + SELECT_LANGUAGE, "")
            try:
                if code_shape(a.source) != code_shape(b_source):
                    out.append(i)
            except SyntaxError:
                out.append(i)
    return out


# --- step 4: the build -------------------------------------------------------------------------------

def lessons_in_edition(solutions=None, locale=None):
    """The lessons of the zh-TW edition: those with a catalogue (`python -m checks translate
    NN_name` starts one), and the workshop notebooks (playground) that have one."""
    return [p for p in [*solution_notebooks(solutions), *workshop_notebooks(solutions)]
            if catalogue_path(p.stem, locale).exists()]


def missing(solutions=None, locale=None):
    return [p.stem for p in solution_notebooks(solutions) if not catalogue_path(p.stem, locale).exists()]


def update(lessons=(), solutions=None, locale=None):
    """`python -m checks translate [NN_name ...]`: merges the English into the catalogues (all
    of the edition's, plus any lesson named) and returns {lesson: stale entries}."""
    found = {}
    for path in [*solution_notebooks(solutions), *workshop_notebooks(solutions)]:
        if path.stem in lessons or path.name in lessons or catalogue_path(path.stem, locale).exists():
            nb = nbformat.read(path, as_version=4)
            found[path.stem] = stale_segments(nb, update_lesson_catalogue(path.stem, nb, locale))
    found["checks"] = catalogue.stale(catalogue.update_catalogue())
    return found


def same_sources(a, b):
    return [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells]


def build_translations(solutions=None, out_solutions=None, out_notebooks=None, locale=None,
                       execute=False):
    """Updates the catalogues, fails with the stale entries, else writes solutions/zh-TW/
    (executed when their sources change, or always with execute=True) and notebooks/zh-TW/.
    Returns the paths it changed."""
    sols = Path(out_solutions or ROOT / "solutions" / LANG)
    books = Path(out_notebooks or ROOT / "notebooks" / LANG)
    found, ready = {}, []
    for path in lessons_in_edition(solutions, locale):
        nb = nbformat.read(path, as_version=4)
        po = update_lesson_catalogue(path.stem, nb, locale)
        problems = stale_segments(nb, po)
        if problems:
            found[path.stem] = problems
        else:
            ready.append((path, nb, po))
    problems = catalogue.stale(catalogue.update_catalogue())
    if problems:
        found["checks"] = problems
    if found:
        raise TranslationError(stale_report(found))
    changed = []
    sols.mkdir(parents=True, exist_ok=True)
    books.mkdir(parents=True, exist_ok=True)
    for path, nb, po in ready:
        zh = translated(nb, po)
        broken = code_differences(nb, zh)
        if broken:
            raise TranslationError(f"{catalogue_path(path.stem).relative_to(ROOT)}: the translation "
                                   f"changes the code of cells {broken}: keep string quotes, "
                                   "prefixes and {fields} as in the English")
        target = sols / path.name
        old = nbformat.read(target, as_version=4) if target.exists() else None
        if execute or old is None or not same_sources(old, zh):
            write(run(zh, sols), target)        # written only once it has run to the end
            changed.append(target)
        learner = books / path.name
        text = nbformat.writes(learner_version(nbformat.read(target, as_version=4))) + "\n"
        if not learner.exists() or learner.read_text(encoding="utf-8") != text:
            learner.write_text(text, encoding="utf-8")
            changed.append(learner)
    return changed


def write(nb, path):
    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
