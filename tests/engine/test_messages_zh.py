"""What a zh-TW learner is shown: every catalogued wrong answer (tests/answers), every
unfinished exercise, status, reset and feedback, rendered in zh-TW, with no English word
outside code, identifiers, numbers, Python's own error texts and a short allow-list; the
catalogue complete and compiled; zh-TW punctuation held. One test per lesson and rule,
each listing every offender."""
import importlib
import io
import pkgutil
import re

import pytest

import tests.answers as answers
from checks import run_check
from checks.authoring import catalogue
from checks.catalogue import EXERCISES, lessons
from checks.engine import messages
from checks.engine.messages import (
    Joined,
    Table,
    Verbatim,
    from_child,
    from_data,
    msg,
    nmsg,
    pmsg,
    render,
    width,
)

MODULES = [importlib.import_module(f"tests.answers.{m.name}")
           for m in pkgutil.iter_modules(answers.__path__)]
WRONG = [(i, f) for m in MODULES for i, fs in m.WRONG.items() for f, _ in fs]
LESSONS = sorted(lessons())
ALLOW = {"NumPy", "Keras", "ReLU", "Adam", "MNIST", "epoch", "epochs", "Python", "XOR", "He", "dtype",
         "logits", "tuple", "list", "dict", "None", "True", "False", "stub", "shape", "softmax",
         "sigmoid", "tanh", "relu", "linear", "mse", "sgd", "momentum", "adam", "seed", "lr",
         "beta", "atol", "rtol", "nan", "inf", "argmax", "axis", "row", "column", "Generator",
         "float", "int", "bool", "Hint", "blocks", "git", "commit", "Linux", "solutions",
         "notebooks", "checks", "fresh", "ipynb", "zh", "TW", "params", "history", "loss",
         "logit", "pre", "activation", "cross", "entropy", "sparse", "categorical", "batch",
         "mini", "size", "np", "exp", "log", "mean", "sum", "max", "min", "eps", "clip",
         "Z", "W", "b", "X", "y", "A", "P", "Y", "dZ", "dW", "db", "dA", "hat", "prev", "out",
         "in", "grad", "t", "m", "v", "h", "x", "z", "f", "e", "g", "k", "rng", "logsumexp",
         "old", "return", "order", "keepdims", "fit", "zip"}
IDENTIFIERS = {w for ex in EXERCISES.values()
               for w in (ex.id, *ex.arg_names, *ex.outputs, *re.findall(r"\w+", ex.signature))}


def english_words(text):
    """The English words a zh-TW reader would meet: outside code spans, Python's and NumPy's
    own texts, a case's rows of values, identifiers, numbers and ALLOW."""
    found = []
    for line in text.splitlines():
        if re.match(r"\s+\S+(\s\S+)?\s+= ", line) and "=" in line:   # a Table row: label = value
            line = line.split(" = ", 1)[0]
        line = re.sub(r"`[^`]*`", " ", line)
        line = re.sub(r"Python 的錯誤訊息：.*?）(?=[。；]|$|（)", " ", line)
        line = re.sub(r"(NumPy 發出警告：?).*", " ", line)
        line = re.sub(r"第 \d+ 行：.*?）", " ", line)          # the learner's own line of code
        for token in re.split(r"[\s，。：；、（）「」！？]+", line):
            if not re.search(r"[A-Za-z]{2,}", token) or re.search(r"[._=\[\](){}/*+\-^'\"0-9]",
                                                                    token):
                continue                                 # code, numbers, identifiers
            for w in re.findall(r"[A-Za-z]+", token):
                if w not in ALLOW and w.lower() not in ALLOW and w not in IDENTIFIERS:
                    found.append(w)
    return found


def stub(*args, **kwargs):
    raise NotImplementedError()


def shown(exercise_id, fn):
    return run_check(exercise_id, fn).text("zh-TW")


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_wrong_answer_of_a_lesson_is_shown_in_zh_tw(lesson):
    bad = []
    for exercise_id, fn in [(i, f) for i, f in WRONG if i in lessons()[lesson]]:
        text = shown(exercise_id, fn)
        words = english_words(text)
        if words:
            bad.append(f"{exercise_id} ({getattr(fn, '__name__', fn)}): {sorted(set(words))}\n{text}")
    assert not bad, "\n\n".join(bad)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_unfinished_exercise_of_a_lesson_says_so_in_zh_tw(lesson):
    bad = []
    for exercise_id in lessons()[lesson]:
        text = shown(exercise_id, stub)
        if "尚未" not in text or english_words(text):
            bad.append(text)
    assert not bad, "\n\n".join(bad)


@pytest.mark.parametrize("lesson", LESSONS)
def test_zh_tw_punctuation_in_every_verdict_line_of_a_lesson(lesson):
    """Full-width ，：；（） beside Chinese, no space around them, no half-width full stop after
    Chinese, one colon style after the exercise's name."""
    bad = []
    for exercise_id, fn in [(i, f) for i, f in WRONG if i in lessons()[lesson]]:
        for line in shown(exercise_id, fn).splitlines():
            plain = re.sub(r"`[^`]*`", "C", re.sub(r"Python 的錯誤訊息：.*?）", "", line))
            if (re.search(r"[\u4e00-\u9fff]\s*[,:;]|[\u4e00-\u9fff]\.(\s|$)", plain)
                    or re.search(r"\S[ \t]+[，。：；）]|[（，。：；][ \t]+", plain)
                    or re.match(rf"{exercise_id}: ", line)):
                bad.append(f"{exercise_id}: {line}")
    assert not bad, "\n".join(bad)


def test_the_catalogue_is_complete_and_compiled():
    po = catalogue.load()
    assert catalogue.stale(po) == []
    out = io.BytesIO()
    catalogue.write_mo(out, po, use_fuzzy=False)
    assert out.getvalue() == messages.COMPILED.read_bytes(), \
        "checks.mo is older than checks.po: run python -m checks translate"


def test_the_english_check_is_able_to_fail():
    assert english_words("relu：the result differs from the expected values")
    assert not english_words("relu：結果和預期值不同，`np.maximum(0, z)`")
    assert not english_words("你的函式出現錯誤（Python 的錯誤訊息：TypeError: f() missing x）。")


def test_labels_are_aligned_by_display_width():
    text = render(Table([("z", "0.7"), (pmsg("label", "expected"), "1"),
                         (pmsg("label", "got"), "2")]), "zh-TW")
    columns = {width(line.split("=")[0]) for line in text.splitlines()}
    assert len(columns) == 1, text


def test_words_are_messages_and_nest():
    m = msg("z of shape {shape}, {kind} values", shape=(3, 4), kind=pmsg("values", "large"))
    assert str(m) == "z of shape (3, 4), large values"
    assert render(m, "zh-TW") == "z 的形狀為 (3, 4)，很大的值"
    assert render(nmsg("tuple of {n} item (too large to show)",
                       "tuple of {n} items (too large to show)", 2), "zh-TW") == \
        "含 2 個項目的 tuple（太大，無法顯示）"


def test_python_text_is_framed_and_kept():
    m = msg("raised {error}",
            error=Verbatim("TypeError: mom() missing 1 required positional argument: 'beta'."))
    assert render(m, "zh-TW") == ("出現錯誤（Python 的錯誤訊息：TypeError: mom() missing 1 "
                                  "required positional argument: 'beta'.）")


def test_a_stored_verdict_renders_in_either_language():
    verdict = run_check("sigmoid", lambda z: 1 / (1 + __import__("numpy").exp(z)))
    data = [messages.to_data(line) for line in verdict.lines]
    again = [from_data(d) for d in data]
    assert "\n".join(render(m, "en") for m in again) == verdict.message
    assert "\n".join(render(m, "zh-TW") for m in again) == verdict.text("zh-TW")


def test_learner_code_cannot_choose_a_template():
    hostile = {"msgid": "{what.__class__.__mro__}", "args": {"what": "x"}}
    assert isinstance(from_child(hostile), str) and "__mro__" in from_child(hostile)
    nested = {"msgid": "returned {what}, not numbers",
              "args": {"what": {"msgid": "{x.__init__}", "args": {}}}}
    assert isinstance(from_child(nested), str)
    ok = from_child({"msgid": "a value of type {type}", "args": {"type": "set"}})
    assert str(ok) == "a value of type set"


def test_lists_join_in_each_language():
    j = Joined(["`a`", "`b`", "`c`"], last="and")
    assert render(j, "en") == "`a`, `b` and `c`"
    assert render(j, "zh-TW") == "`a`、`b` 和 `c`"


# ---- where messages are shown: check(), status, reset, feedback files ------------------

def zh_notebook(tmp_path, learner="ann"):
    """A zh-TW 02_activations notebook with relu answered wrong (the rest left unfinished)."""
    import shutil

    import nbformat

    from checks.engine.source import ROOT
    path = tmp_path / learner / "02_activations.ipynb"
    path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "zh-TW" / path.name, path)
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.source.startswith("def relu(")]
    cell.source = cell.source.replace("raise NotImplementedError()", "return z")
    nbformat.write(nb, path)
    return path


def test_check_prints_in_the_chosen_language(capsys):
    from checks import check
    from checks.engine.language import use_language
    try:
        use_language("zh-TW")
        check("relu", lambda z: z)
        zh = capsys.readouterr().out
        use_language("en")
        check("relu", lambda z: z)
        en = capsys.readouterr().out
    finally:
        use_language("en")
    assert zh.startswith("❌ relu：") and "失敗" in zh and "提示：" in zh and \
        not english_words(zh), zh
    assert en.startswith("❌ relu: failed") and "Hint:" in en


def test_status_in_zh_tw_has_no_english(tmp_path):
    from checks.grading.status import status
    zh_notebook(tmp_path)
    lines = []
    status(tmp_path / "ann", echo=lines.append, platform="plain", cache=None, lang="zh-TW")
    text = "\n".join(lines)
    assert "❌ relu：" in text and "還有 7 個練習等你完成。" in text, text   # none passes: N to go
    bad = [line for line in lines if english_words(line.split("/")[-1] if "ipynb" in line
                                                   else line)]
    assert not bad, text


def test_feedback_in_zh_tw_from_a_stored_result_while_the_json_stays_english(tmp_path):
    import json

    from checks.classroom.feedback import write_feedback
    from checks.classroom.grade_class import grade_submission
    result = grade_submission(zh_notebook(tmp_path), "ann")
    stored = json.loads(json.dumps(result))           # as the results folder keeps it
    [zh] = write_feedback([stored], tmp_path / "zh", lang="zh-TW")
    text = zh.read_text(encoding="utf-8")
    assert "# ann 的回饋" in text and "| 練習 | 結果 | 分數 |" in text, text
    assert "❌ 未通過" in text and "⏳ 尚未作答" in text and "提示：" in text, text
    shown = text.split("```text", 1)[1].replace("```text", "").replace("```", "")
    assert not english_words(shown), shown
    [en] = write_feedback([stored], tmp_path / "en")
    assert "# Feedback for ann" in en.read_text(encoding="utf-8")
    relu = result["exercises"]["relu"]
    assert relu["status"] == "failed" and "Hint:" in relu["feedback"]   # English JSON
    assert relu["lines"][0]["msgid"] == "{exercise}: {text}"             # and its data


def test_reset_messages_in_zh_tw():
    from checks.grading.reset import ResetError, lesson_name
    with pytest.raises(ResetError) as raised:
        lesson_name("99")
    text = render(raised.value.args[0], "zh-TW")
    assert text.startswith("沒有 '99' 這一課") and not english_words(text), text


def test_sandbox_reasons_in_zh_tw():
    reasons = [msg("it was killed, probably for using too much memory"),
               msg("did not finish within {seconds:g} s", seconds=2.0),
               msg("the notebook used up its time budget of {seconds:g} s (restarts after loops "
                   "and crashes included)", seconds=60.0)]
    for reason in reasons:
        text = render(reason, "zh-TW")
        assert text != str(reason) and not english_words(text), text


def test_english_checks_need_no_babel():
    import subprocess
    import sys
    code = ("import sys; sys.modules['babel'] = sys.modules['polib'] = None\n"
            "from checks import check, use_language\n"
            "check('relu', lambda z: z)\nuse_language('zh-TW')\ncheck('relu', lambda z: z)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         encoding="utf-8", timeout=120)
    assert run.returncode == 0 and "❌ relu: failed" in run.stdout and "❌ relu：" in run.stdout, \
        run.stderr


@pytest.mark.parametrize("raw, tidy", [
    ("結果 和預期值不同。 預期 0.668188, 你的結果是 0.7.",
     "結果和預期值不同。預期 0.668188，你的結果是 0.7。"),
    ("❌ train: 損失上升了 (lr = 0.1) .", "❌ train：損失上升了（lr = 0.1）。"),
    ("請用 `x = x + 1, y` ; 形狀 (3, 4)", "請用 `x = x + 1, y`；形狀 (3, 4)"),
    ("  （相等的意思是 |a| <= b）", "  （相等的意思是 |a| <= b）"),
])
def test_zh_tw_punctuation_rules(raw, tidy):
    assert messages.tidy(raw) == tidy


def test_python_text_is_left_alone_by_the_rules():
    text = render(msg("{a}：{b}", a="結果", b=Verbatim("ValueError: shapes (2,3) and (2,) .")),
                  "zh-TW")
    assert text.endswith("ValueError: shapes (2,3) and (2,) .")


def test_code_after_chinese_keeps_its_brackets():
    assert messages.tidy("請改成逐元素比較：(z > 0).astype(float)。") == \
        "請改成逐元素比較：(z > 0).astype(float)。"
    assert messages.tidy("公式是 (1 - p) * y。") == "公式是 (1 - p) * y。"
    assert messages.tidy("損失 (a - y)^2 = 0.25") == "損失 (a - y)^2 = 0.25"


def test_reset_prints_in_zh_tw(monkeypatch, capsys):
    """What `reset --lang zh-TW` prints, for each place a fresh copy comes from."""
    import argparse
    from pathlib import Path

    from checks.grading import learner_commands, reset
    origins = [msg("rebuilt from solutions/{path}", path="zh-TW/02_activations.ipynb"),
               msg("the last commit's notebooks/{path}", path="zh-TW/02_activations.ipynb"),
               "checks/fresh/zh-TW/02_activations.ipynb"]
    for origin in origins:
        monkeypatch.setattr(reset, "reset", lambda lesson, lang, o=origin: (
            Path("notebooks/zh-TW/02_activations.ipynb"),
            Path("notebooks/zh-TW/backups/02_activations.1.ipynb"), o))
        learner_commands.reset(argparse.Namespace(lesson="02", lang="zh-TW"))
        out = capsys.readouterr().out
        assert "已保留為" in out and "全新的副本" in out, out
        assert not english_words(out.replace("notebooks/zh-TW/", "")), out


def test_the_runtime_sends_only_its_own_messages():
    """Every message_data msgid in checks/runtime/ is one of plain.MESSAGES (the grader renders
    only those), and the stand-ins' NotOffered messages are invoke's texts."""
    import ast

    from checks.engine.source import ROOT
    from checks.runtime import invoke, plain
    sent = {node.args[0].value
            for path in (ROOT / "checks" / "runtime").glob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) == "message_data" and node.args
            and isinstance(node.args[0], ast.Constant)}
    assert sent and sent <= plain.MESSAGES, sent - plain.MESSAGES
    assert {"NotOffered: " + invoke.NONE_OF_YOURS, "NotOffered: " + invoke.CALLS_ITSELF} <= sent
