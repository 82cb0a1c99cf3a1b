"""Learner-visible messages as data, rendered in the learner's language where they are shown.

A message is created with its English msgid and named arguments, gettext's model:

    msg("{where} differs from the expected value.", where=...)          # gettext
    pmsg("label", "expected")                                           # pgettext: a context
    nmsg("{n} value", "{n} values", n)                                  # ngettext: plurals
    npmsg("label", "{n} case", "{n} cases", n)                          # npgettext

An argument is a number or text shown as is (code, identifiers, Python's own error texts),
another Message (a word such as "large" is a message too; it renders in the same language),
a ``Verbatim`` (text the zh-TW punctuation rules must not touch), a ``Joined`` list or a
``Table`` (labelled rows aligned by display width). ``render(message, lang)`` gives the text;
``str(message)`` is the English. ``message.data()`` / ``from_data`` make a message plain JSON
data, so a stored verdict can be shown in either language later.

The zh-TW catalogue is locale/zh_TW/LC_MESSAGES/checks.po, extracted and merged by Babel
(``python -m checks translate``, checks/authoring/catalogue.py) and compiled to checks.mo,
which is what renders (the standard library's gettext reads it). A missing translation
renders as English (the tests list every one).
"""
import gettext
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from .language import current

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUE = LOCALE / "zh_TW" / "LC_MESSAGES" / "checks.po"
COMPILED = CATALOGUE.with_suffix(".mo")
HINT = "hint {exercise}.{mistake}"          # the context of a catalogued mistake's hint


class Message:
    """One learner-visible message: English msgid (``plural`` and count ``n`` for plural
    forms), optional ``context``, named arguments ``args``."""
    __slots__ = ("id", "args", "context", "plural", "n")

    def __init__(self, msgid, args=None, context=None, plural=None, n=None):
        self.id, self.args, self.context, self.plural, self.n = msgid, args or {}, context, plural, n

    def __str__(self):
        return render(self, "en")

    def __repr__(self):
        return f"msg({self.id!r}{''.join(f', {k}={v!r}' for k, v in self.args.items())})"

    def __eq__(self, other):
        if isinstance(other, str):                  # a message equals its English text
            return str(self) == other
        return isinstance(other, Message) and self.data() == other.data()

    def __contains__(self, text):                   # a search of the English text
        return text in str(self)

    def __hash__(self):
        return hash((self.id, self.context))

    def data(self):
        """The message as plain JSON data: {"msgid", "args", and "context", "plural", "n"}."""
        d = {"msgid": self.id, "args": {k: to_data(v) for k, v in self.args.items()}}
        d.update({k: v for k, v in (("context", self.context), ("plural", self.plural),
                                    ("n", self.n)) if v is not None})
        return d


class Verbatim(str):
    """Text shown exactly as written in every language (Python's or NumPy's own error text,
    a learner's line of code): the zh-TW punctuation rules leave it alone."""


class Joined:
    """``items`` shown as one list: "a, b" ("a、b" in zh-TW); ``last`` "and" or "or" joins
    the last two ("a, b and c"; 「a、b 和 c」). ``words=False``: a list of values (numbers),
    its separator the same in every language."""
    __slots__ = ("items", "last", "sep", "words")

    def __init__(self, items, last=None, sep=", ", words=True):
        self.items, self.last, self.sep, self.words = list(items), last, sep, words


class Table:
    """Rows (label, value) shown as ``  label = value``, labels padded to one display width
    (a wide East Asian character counts two); a value's later lines are indented to match."""
    __slots__ = ("rows",)

    def __init__(self, rows):
        self.rows = list(rows)


def msg(msgid, /, **args):
    return Message(msgid, args)


def pmsg(context, msgid, /, **args):
    return Message(msgid, args, context=context)


def nmsg(singular, plural, n, /, **args):
    return Message(singular, {"n": n, **args}, plural=plural, n=n)


def npmsg(context, singular, plural, n, /, **args):
    return Message(singular, {"n": n, **args}, context=context, plural=plural, n=n)


def hint(exercise, mistake, text):
    """A catalogued mistake's hint: its English text, in the context "hint <exercise>.<id>"."""
    return Message(text, context=HINT.format(exercise=exercise, mistake=mistake))


def case_label(label):
    """A case's label as a message: a literal label of the catalogue is its own msgid (in the
    context "case"; checks/authoring/catalogue.py extracts them from the cases)."""
    return label if isinstance(label, Message) else Message(str(label), context="case")


# --- data -------------------------------------------------------------------------------------

def to_data(value):
    if isinstance(value, Message):
        return value.data()
    if isinstance(value, Verbatim):
        return {"verbatim": str(value)}
    if isinstance(value, Joined):
        return {"joined": [to_data(v) for v in value.items], "last": value.last, "sep": value.sep,
                "words": value.words}
    if isinstance(value, Table):
        return {"table": [[to_data(a), to_data(b)] for a, b in value.rows]}
    if isinstance(value, tuple):            # a shape stays a tuple: (1, 3), not [1, 3]
        return {"tuple": [to_data(v) for v in value]}
    if isinstance(value, list):
        return {"list": [to_data(v) for v in value]}
    np = sys.modules.get("numpy")      # not imported here: the command line starts without it
    if np is not None and isinstance(value, np.generic):      # (no NumPy loaded, no NumPy value)
        return value.item()
    return value


def from_data(data):
    """The value ``to_data`` made (a Message from a message's data)."""
    if not isinstance(data, dict):
        return data
    if "msgid" in data:
        return Message(data["msgid"], {k: from_data(v) for k, v in data.get("args", {}).items()},
                       data.get("context"), data.get("plural"), data.get("n"))
    if "verbatim" in data:
        return Verbatim(data["verbatim"])
    if "joined" in data:
        return Joined([from_data(v) for v in data["joined"]], data.get("last"), data.get("sep", ", "),
                      data.get("words", True))
    if "table" in data:
        return Table([(from_data(a), from_data(b)) for a, b in data["table"]])
    if "list" in data:
        return [from_data(v) for v in data["list"]]
    if "tuple" in data:
        return tuple(from_data(v) for v in data["tuple"])
    return data


def from_child(data, clean=str):
    """An Outcome's error from the learner's process: its message data when it is one of the
    runtime's own messages (checks/runtime/plain.py MESSAGES) with plain arguments, else its
    text (``clean``-ed) as Python's verbatim message. Never a template learner code chose."""
    from ..runtime.plain import MESSAGES

    def plain_args(args):
        return isinstance(args, dict) and all(
            isinstance(k, str) and (isinstance(v, (str, int, float)) or
                                    (isinstance(v, dict) and v.get("msgid") in MESSAGES
                                     and plain_args(v.get("args"))))
            for k, v in args.items())
    if isinstance(data, dict):
        if data.get("msgid") in MESSAGES and plain_args(data.get("args", {})):
            return from_data({"msgid": data["msgid"], "args": {
                k: clean(v) if isinstance(v, str) else v for k, v in data["args"].items()}})
        return clean(repr(data))
    return clean(data) if isinstance(data, str) else clean(repr(data))


# --- rendering ----------------------------------------------------------------------------------

class English(gettext.NullTranslations):
    pass


@lru_cache(maxsize=None)
def translations(lang):
    """The compiled catalogue of ``lang`` (English: the msgids themselves)."""
    if lang == "en" or not COMPILED.exists():
        return English()
    with open(COMPILED, "rb") as f:
        return gettext.GNUTranslations(f)


def translated(m, lang):
    """The template of message ``m`` in ``lang`` (its English msgid when untranslated)."""
    t = translations(lang)
    if m.plural is not None:
        if m.context is not None:
            return t.npgettext(m.context, m.id, m.plural, m.n)
        return t.ngettext(m.id, m.plural, m.n)
    if m.context is not None:
        return t.pgettext(m.context, m.id)
    return t.gettext(m.id)


OPEN, CLOSE = "\x0e", "\x0f"        # around verbatim text while the zh-TW rules run


def render(value, lang=None):
    """``value`` (a Message, or any argument kind) as text in ``lang`` (default: the chosen
    language); for zh-TW with the punctuation and spacing rules applied."""
    lang = lang or current()
    if lang == "en":
        return text_of(value, lang)
    return tidy(text_of(value, lang))


def text_of(value, lang):
    if isinstance(value, Message):
        template = translated(value, lang)
        if not value.args:
            return template
        args = {k: text_of(v, lang) if needs_rendering(v) else v for k, v in value.args.items()}
        try:
            return template.format(**args)
        except (KeyError, IndexError, ValueError):      # a broken translation: show the English
            return value.id.format(**args) if value.plural is None or value.n == 1 else \
                value.plural.format(**args)
    if isinstance(value, Verbatim):
        if lang == "en":
            return str(value)
        return OPEN + value.replace(OPEN, "").replace(CLOSE, "") + CLOSE
    if isinstance(value, Joined):
        return joined(value, lang)
    if isinstance(value, Table):
        return table(value, lang)
    if isinstance(value, list) and any(needs_rendering(v) for v in value):
        return "\n".join(text_of(v, lang) for v in value)      # lines
    return str(value)


def needs_rendering(v):
    return isinstance(v, (Message, Verbatim, Joined, Table)) or (
        isinstance(v, list) and any(needs_rendering(x) for x in v))


LAST = {"and": msg("{a} and {b}"), "or": msg("{a} or {b}")}


def joined(j, lang):
    items = [text_of(v, lang) for v in j.items]
    if not j.words:
        return j.sep.join(items)
    sep = {", ": "、", "; ": "；"}.get(j.sep, j.sep) if lang != "en" else j.sep
    if j.last and len(items) > 1:
        pair = LAST[j.last]
        last = text_of(Message(pair.id, {"a": items[-2], "b": items[-1]}), lang)
        items = items[:-2] + [last]
    return sep.join(items)


def width(text):
    """Display width: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text if c not in (OPEN, CLOSE))


def table(t, lang):
    rows = [(text_of(a, lang) if lang == "en" else tidy(text_of(a, lang)), text_of(b, lang))
            for a, b in t.rows]            # a label as it will be shown, then measured
    pad = max((width(a) for a, _ in rows), default=0)
    out = []
    for label, value in rows:
        head = f"  {label}{' ' * (pad - width(label))} = "
        out.append(head + value.replace("\n", "\n" + " " * width(head)))
    return "\n".join(out)


# --- zh-TW punctuation and spacing ------------------------------------------------------------

CJK = "\u3400-\u9fff\uf900-\ufaff「」『』（）。，：；、！？"
HAN = f"[{CJK}]"
PROTECTED = re.compile(f"{OPEN}[^{CLOSE}]*{CLOSE}|`[^`\\n]*`")
FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", ".": "。", "!": "！", "?": "？"}


def tidy(text):
    """zh-TW rules, outside code spans and verbatim text: full-width ，：；（）。 next to
    Chinese, no space around full-width punctuation, no half-width full stop after Chinese."""
    parts, last = [], 0
    for m in PROTECTED.finditer(text):
        parts.append(tidy_plain(text[last:m.start()]))
        parts.append(m.group().strip(OPEN + CLOSE))
        last = m.end()
    parts.append(tidy_plain(text[last:]))
    out = "".join(parts)
    # a space between Chinese and a code span; none between full-width punctuation and it
    out = re.sub(r"(?<=[\u3400-\u9fff])(?=`)|(?<=`)(?=[\u3400-\u9fff])", " ", out)
    return re.sub(r"(?<=[（，：；。「」、])[ \t]+(?=\S)|(?<=\S)[ \t]+(?=[）。，：；」、])", "", out)


def tidy_plain(s):
    if not re.search(HAN, s):
        return s
    # brackets holding Chinese, or following it, become full-width; a shape (3, 4) after
    # Chinese and a call f(x) stay
    s = re.sub(r"\(([^()\n]*[\u3400-\u9fff][^()\n]*)\)", r"（\1）", s)
    after_code = r"(?![ \t]*[\w(\[*/+=<>@^-]|\.\w)"     # code or maths goes on: (1 - p) * y, (a - y)^2
    s = re.sub(f"(?<={HAN})[ \t]*\\(([^()\\n]*)\\)" + after_code, lambda m: m.group()
               if re.fullmatch(r"[\d,\s]*", m.group(1)) else f"（{m.group(1)}）", s)
    # , : ; ! ? next to Chinese (before or after, spaces between)
    s = re.sub(f"(?<={HAN})[ \t]*([,:;!?])[ \t]*", lambda m: FULL[m.group(1)], s)
    s = re.sub(f"[ \t]*([,;!?])[ \t]*(?={HAN})", lambda m: FULL[m.group(1)], s)
    s = re.sub(f"(?<=[^\\s\\d]):[ \t]*(?={HAN})", "：", s)
    # a full stop after Chinese, or ending a Chinese sentence after a number or a name
    s = re.sub(f"(?<={HAN})[ \t]*\\.(?=\\s|$)", "。", s)
    s = re.sub(f"(?<=[\\w%)\\]])\\.(?=[ \t]*(?:{HAN}|$))", lambda m: "。"
               if re.search(HAN, s[:m.start()].rsplit("\n", 1)[-1]) else ".", s)
    # no space before or after full-width punctuation (a line's indentation stays), none
    # between two Chinese characters
    s = re.sub(r"(?<=\S)[ \t]+(?=[。，：；（）、！？])", "", s)
    s = re.sub(r"(?<=[。，：；（）、！？])[ \t]+", "", s)
    s = re.sub(r"(?<=[\u3400-\u9fff])[ \t]+(?=[\u3400-\u9fff])", "", s)
    # a space between Chinese and Latin letters or digits (as the lessons' prose has it)
    s = re.sub(r"(?<=[\u3400-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%\])])(?=[\u3400-\u9fff])",
               " ", s)
    return s
