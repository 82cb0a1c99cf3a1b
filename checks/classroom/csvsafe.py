"""CSV that a spreadsheet cannot turn into a formula (OWASP, "CSV Injection").

A text cell is prefixed with ``'``, so Excel, LibreOffice and Google Sheets show it as
text, when its first character that is not blank (spaces, tabs, no-break and
ideographic spaces, zero-width and other invisible format characters) is, or looks
like after Unicode compatibility folding (NFKC: full-width ``＝＋－＠``, small ``﹦﹢﹣``),
one of ``= + - @`` or the minus sign ``−``; or when it starts with a tab, a carriage
return or a line feed. Numbers are written as numbers (a negative number stays a
number): only text is escaped. Every CSV the grader writes goes through ``rows_to_csv``.
"""
import csv
import io
import unicodedata
from pathlib import Path

FORMULA = frozenset("=+-@\u2212")           # ``−``: MINUS SIGN, which NFKC keeps as it is
DANGEROUS = ("\t", "\r", "\n")


def blank(char):
    """White space, or a character that draws nothing (Unicode categories Z*, Cc, Cf)."""
    return char.isspace() or unicodedata.category(char)[0] == "Z" or \
        unicodedata.category(char) in ("Cc", "Cf")


def formula_like(text):
    """True when a spreadsheet could read ``text`` as a formula (see the module's doc)."""
    if text.startswith(DANGEROUS):
        return True
    first = next((c for c in text if not blank(c)), "")
    return bool(first) and (first in FORMULA or unicodedata.normalize("NFKC", first)[:1] in FORMULA)


def cell(value):
    """``value`` as a safe CSV cell: numbers as they are, text escaped when it could be a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return f"{value:g}"
    text = str(value)
    return "'" + text if formula_like(text) else text


def rows_to_csv(rows):
    """The rows (lists of cells) as CSV text, every cell through ``cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def read_rows(path, what, error):
    """The rows of a CSV file a person saved (UTF-8, with or without Excel's byte order
    mark); ``error(sentence)`` is raised, naming ``what`` ("the dates file"), when it
    cannot be read."""
    try:
        return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeError) as e:
        raise error(f"could not read {what} {path}: {e}") from None
