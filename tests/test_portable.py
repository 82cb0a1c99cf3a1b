"""The course leaves this machine intact: text is UTF-8 whatever the locale, and the
command line works on a console that cannot show the checks' icons."""
import ast
import os
import subprocess
import sys

import pytest

from checks.engine.source import ROOT

SOURCES = sorted(p for folder in ("checks", "tests", "benchmarks")
                 for p in (ROOT / folder).rglob("*.py")) + sorted(ROOT.glob("*.py"))


FILE_MODULES = {"gzip", "bz2", "lzma", "io", "codecs"}     # module.open(path, mode)
NOT_TEXT = {"os", "tarfile", "zipfile", "webbrowser", "urllib"}


def text_io_without_encoding(path, root=ROOT):
    """Calls that read or write text in the locale's encoding: read_text(), write_text(),
    open() / Path.open() / gzip.open() in a text mode, without encoding=."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or any(k.arg == "encoding" for k in node.keywords):
            continue
        f = node.func
        owner = getattr(f.value, "id", None) if isinstance(f, ast.Attribute) else None
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
        if name not in ("read_text", "write_text", "open") or owner in NOT_TEXT:
            continue
        if name == "open":
            args = node.args if owner and owner not in FILE_MODULES else node.args[1:]
            mode = args[0] if args else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and "b" in mode.value:
                continue
        yield f"{path.relative_to(root)}:{node.lineno}"


def test_every_text_file_is_read_and_written_as_utf8():
    found = [where for path in SOURCES for where in text_io_without_encoding(path)]
    assert not found, ("text I/O that follows the locale (cp1252 on Windows, Big5 in "
                       f"Taiwan): add encoding=\"utf-8\" at {found}")


def test_the_lint_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from pathlib import Path\nPath('a').read_text()\nopen('b', 'w')\n"
                   "Path('c').open()\nimport gzip\ngzip.open('d', 'rt')\n"
                   "open('e', 'rb')\nPath('f').write_text('x', encoding='utf-8')\n", encoding="utf-8")
    found = text_io_without_encoding(bad, root=tmp_path)
    assert sorted(int(w.rsplit(":", 1)[1]) for w in found) == [2, 3, 4, 6]


def ascii_locale():
    """The strictest locale there is: whatever is not ASCII fails to encode or decode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8"))}
    return env | {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locales")
def test_part_of_the_suite_passes_under_a_non_utf8_locale():
    env = ascii_locale()
    probe = subprocess.run([sys.executable, "-c", "import locale; print(locale.getpreferredencoding())"],
                           env=env, capture_output=True, text=True)
    assert "UTF" not in probe.stdout.upper(), probe.stdout
    tests = ["tests/test_notebooks.py::test_stored_practice_cases_are_fresh",
             "tests/test_notebooks.py::test_learner_notebook_is_fresh",
             "tests/authoring/test_instructor.py", "tests/grading/test_grade_input.py", "tests/grading/test_status.py",
             "tests/test_setup.py", "tests/test_formula_sheet.py",
             "tests/authoring/test_translation.py::test_catalogue_matches_the_english_and_is_complete",
             "tests/engine/test_messages_zh.py::test_the_catalogue_is_complete_and_compiled"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--no-header", "-x", *tests],          # one process: no -n
                         env=env, cwd=ROOT, capture_output=True, text=True, errors="replace",
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


def test_the_command_line_prints_on_a_console_that_cannot_show_icons(tmp_path):
    run = subprocess.run([sys.executable, "-m", "checks", "--help"], env=ascii_locale(),
                         cwd=ROOT, capture_output=True)
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr
