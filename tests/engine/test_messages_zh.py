"""check()'s messages in zh-TW: every hint and message fragment translated, a wrong answer's
hint shown in zh-TW, status and feedback files in zh-TW, the JSON and CSV still English."""
import importlib
import pkgutil
import re

import polib
import pytest

import tests.answers as answers
from checks.engine import messages
from checks import run_check
from checks.catalogue import EXERCISES
from checks.classroom.feedback import write_feedback
from checks.engine.language import use_language

MODULES = [importlib.import_module(f"tests.answers.{m.name}")
           for m in pkgutil.iter_modules(answers.__path__)]
WRONG = [(i, f, hint) for m in MODULES for i, fs in m.WRONG.items() for f, hint in fs]
PO = polib.pofile(str(messages.CATALOGUE), encoding="utf-8")
ZH = {(e.msgctxt, e.msgid): e.msgstr for e in PO if not e.obsolete}


def english_left(text):
    """Runs of three or more English words outside code, values and Python's own errors."""
    out = []
    for line in text.splitlines():
        if re.match(r"\s+[\w\[\]]+\s*= ", line) or re.match(r"\s+[\[\(\d-]", line):
            continue                                   # a case's inputs and values
        line = re.sub(r"`[^`]*`", " ", line)
        line = re.sub(r"(引發了|NumPy 警告：?|NumPy 警告 ).*", " ", line)  # Python's and NumPy's text
        words = [w for w in re.split(r"[\s，。：；、（）「」]+", line)
                 if re.fullmatch(r"[A-Za-z]{2,}", w)]
        run = 0
        for w in re.split(r"[\s，。：；、（）「」]+", line):
            run = run + 1 if re.fullmatch(r"[A-Za-z]{2,}", w) else 0
            if run >= 3 and w.lower() not in {"zh", "tw"}:
                out.append(line.strip())
                break
        del words
    return out


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_the_checks_catalogue_is_complete():
    assert messages.stale(PO) == []


def test_english_is_untouched():
    text = "relu: failed 3 of 28 cases."
    assert messages.render(text, "en") is text


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_not_attempted_says_so_in_zh_tw(exercise_id):
    text = messages.render(run_check(exercise_id, stub).message, "zh-TW")
    assert "尚未作答" in text and not english_left(text), text


@pytest.mark.parametrize("exercise_id, fn, hint", WRONG, ids=lambda x: getattr(x, "__name__", x))
def test_a_wrong_answer_gets_its_hint_in_zh_tw(exercise_id, fn, hint):
    verdict = run_check(exercise_id, fn)
    text = messages.render(verdict.message, "zh-TW")
    if verdict.mistake:       # (a mistake id may name two hints: the one shown is in the message)
        english = max([m.hint for m in EXERCISES[exercise_id].mistakes
                       if m.id == verdict.mistake and m.hint in verdict.message], key=len)
        assert "提示：" + ZH[(f"hint {exercise_id}.{verdict.mistake}", english)] in text, text
    assert not english_left(text), text


def test_the_english_check_is_able_to_fail():
    assert english_left("relu：the result differs from the expected values")
    assert not english_left("relu：結果和預期值不同，`np.maximum(0, z)`")


def test_check_prints_in_the_chosen_language(capsys):
    try:
        use_language("zh-TW")
        from checks import check
        check("relu", lambda z: z)
        zh = capsys.readouterr().out
        use_language("en")
        check("relu", lambda z: z)
        en = capsys.readouterr().out
    finally:
        use_language("en")
    assert zh.startswith("❌ relu：") and "未通過" in zh and "提示：" in zh
    assert en.startswith("❌ relu: failed") and "Hint:" in en


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="zh-TW"):
        use_language("fr")


def test_feedback_files_in_zh_tw_while_results_stay_english(tmp_path):
    import shutil
    import nbformat
    from checks.grading.grade import grade_notebook
    from checks.engine.source import ROOT
    path = tmp_path / "ann" / "02_activations.ipynb"
    path.parent.mkdir()
    shutil.copy(ROOT / "notebooks" / "zh-TW" / path.name, path)
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.source.startswith("def relu(")]
    cell.source = cell.source.replace("raise NotImplementedError()", "return z")
    nbformat.write(nb, path)
    result = grade_notebook(path, "ann")
    [zh] = write_feedback([result], tmp_path / "zh", lang="zh-TW")
    text = zh.read_text(encoding="utf-8")
    assert "# ann 的回饋" in text and "| 練習 | 結果 | 分數 |" in text, text
    assert "❌ 未通過" in text and "⏳ 尚未作答" in text and "提示：" in text, text
    [en] = write_feedback([result], tmp_path / "en")
    assert "# Feedback for ann" in en.read_text(encoding="utf-8")
    assert result["exercises"]["relu"]["status"] == "failed"     # the JSON's value, unchanged
    assert "Hint:" in result["exercises"]["relu"]["feedback"]


def test_english_again_restores_the_figures_fonts():
    import matplotlib
    before = list(matplotlib.rcParams["font.sans-serif"])
    try:
        use_language("zh-TW")
    finally:
        use_language("en")
    assert list(matplotlib.rcParams["font.sans-serif"]) == before


def test_english_checks_need_no_polib():
    import subprocess
    import sys
    code = ("import sys; sys.modules['polib'] = None\n"     # as if polib were not installed
            "from checks import check\n"
            "check('relu', lambda z: z)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         encoding="utf-8", timeout=120)
    assert run.returncode == 0 and "❌ relu: failed" in run.stdout, run.stderr
