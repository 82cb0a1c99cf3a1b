"""CSV that a spreadsheet cannot turn into a formula (OWASP, "CSV Injection").

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with ``'``, so Excel, LibreOffice and Google Sheets show it as text.
Numbers are written as numbers (a negative number stays a number): only text is
escaped. Every CSV the grader writes goes through ``rows_to_csv``.
"""
import csv
import io

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """``value`` as a safe CSV cell: numbers as they are, text escaped when it could be a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return f"{value:g}"
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def rows_to_csv(rows):
    """The rows (lists of cells) as CSV text, every cell through ``cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
