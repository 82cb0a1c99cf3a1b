"""The zh-TW edition stays whole: every catalogue entry translated, maths, code, numbers and
links unchanged, Taiwan usage only, the same code in both editions, generated files fresh."""
import re
from collections import Counter

import hanzidentifier
import nbformat
import polib
import pytest

from checks.authoring import build, translate
from checks.authoring.execute import run
from checks.engine.source import ROOT, WORKSHOP, solution_notebooks, workshop_notebooks

LESSONS = translate.lessons_in_edition()
PO = {p.stem: translate.load_catalogue(p.stem) for p in LESSONS}
ENTRIES = [(lesson, e) for lesson, po in PO.items() for e in po if not e.obsolete]
CHECKS = polib.pofile(str(ROOT / "locale" / "zh_TW" / "LC_MESSAGES" / "checks.po"),
                      encoding="utf-8")
# Every catalogue, the lessons' and the checks': one test per catalogue and rule, listing
# every entry that breaks it.
CATALOGUES = {**PO, "checks": CHECKS}


def strings(e):
    """An entry's translations (a plural entry has one per form)."""
    return [s for _, s in sorted(e.msgstr_plural.items())] if e.msgid_plural else [e.msgstr]


def report(bad):
    return f"{len(bad)} entries:\n" + "\n".join(bad)


# The glossary's Mainland terms (docs/translating.md lists them with their Taiwan words);
# 算法 only where it is not part of 演算法.
MAINLAND = ("數據", "(?<!演)算法", "信息", "代碼", "程序", "運行", "默認", "內存", "文件", "循環",
            "溢出", "支持", "打印", "網絡", "數組", "變量", "質量", "實現", "調用", "緩存", "屏幕",
            "鼠標", "軟件", "硬件", "用戶", "視頻", "字符串", "對象", "接口", "博客")


def entry_id(item):
    lesson, e = item
    return f"{lesson}:{e.occurrences[0][1] if e.occurrences else '-'}:{e.msgid[:30]}"


def maths(text):
    """The LaTeX of a text; the words inside \\text{...} may be translated."""
    found = re.findall(r"\$\$.*?\$\$|\$[^$\n]+\$", text, flags=re.S)
    return Counter(re.sub(r"\\text\{[^}]*\}", r"\\text{}", m) for m in found)


def inline_code(text):
    return Counter(re.findall(r"`[^`\n]+`", text))


def links(text):
    return Counter(re.findall(r"\]\([^)]*\)|https?://\S+", text))


def numbers(text):
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]+`|\]\([^)]*\)", " ", text, flags=re.S)
    return Counter(re.findall(r"\d+(?:\.\d+)?", text))


def test_the_edition_has_lessons():
    assert LESSONS, "no zh-TW catalogue in locale/zh_TW/LC_MESSAGES/"


def test_every_lesson_is_in_the_edition():
    assert not translate.missing(), "start a catalogue: python -m checks translate NN_name"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_catalogue_matches_the_english_and_is_complete(path):
    nb = nbformat.read(path, as_version=4)
    problems = translate.stale_segments(nb, PO[path.stem])
    assert not problems, translate.stale_report({path.stem: problems})


# ---- the lesson catalogues' rules: one test per lesson and rule, listing every bad entry ----

def kept_maths(e):
    return None if maths(e.msgstr) == maths(e.msgid) else "LaTeX must be the same"


def kept_inline_code(e):
    if "code-differs" in e.flags or inline_code(e.msgstr) == inline_code(e.msgid):
        return None
    return "inline code must be the same (or flag the entry code-differs)"


def kept_links(e):
    return None if links(e.msgstr) == links(e.msgid) else "links must be the same"


def kept_numbers(e):
    """The same numbers (as a set: a translation may say a number once where the English
    repeats it, e.g. a title's English gloss dropped); string literals aside."""
    if e.msgctxt == translate.STRING or set(numbers(e.msgstr)) == set(numbers(e.msgid)):
        return None
    return f"numbers differ: {sorted(set(numbers(e.msgid)) ^ set(numbers(e.msgstr)))}"


def kept_literal_form(e):
    """A string literal keeps its prefix, quotes and {fields}, and stays one expression."""
    if e.msgctxt != translate.STRING:
        return None
    prefix = re.match(r"[rRbBuUfF]*('\'\'|\"\"\"|'|\")", e.msgid)[0]
    if not (e.msgstr.startswith(prefix) and e.msgstr.endswith(prefix.lstrip("rRbBuUfF"))):
        return "prefix or quotes changed"
    fields = lambda s: re.findall(r"(?<!\{)\{[^{}]*\}(?!\})", s) if "f" in prefix.lower() else []
    if fields(e.msgstr) != fields(e.msgid):
        return "{fields} changed"
    try:
        compile("(" + e.msgstr + ")", "<msgstr>", "eval")     # one expression, however split
    except SyntaxError as error:
        return f"not one Python expression: {error.msg}"
    return None


def taiwan_usage(e):
    simplified = [c for c in e.msgstr if hanzidentifier.identify(c) == hanzidentifier.SIMPLIFIED]
    mainland = [t for t in MAINLAND if re.search(t, e.msgstr)]
    if simplified or mainland:
        return f"Simplified characters {''.join(simplified)!r}, Mainland terms {mainland}"
    return None


def no_english_in_text(e):
    """No English word left inside \\text{...} of the translation (names such as prev aside)."""
    words = [t for t in re.findall(r"\\text\{([^}]*)\}", e.msgstr)
             if set(re.findall(r"[A-Za-z]{2,}", t)) - PEOPLE and t.strip() not in translate.TEXT_NAMES]
    return f"English in \\text{{}}: {words}" if words else None


def retired_terms(e):
    """The editor's pass replaced these (docs/translating.md, Terms settled)."""
    found = [t for t in RETIRED if t in e.msgstr]
    return f"retired terms {found} (see docs/translating.md)" if found else None


PEOPLE = {"He", "LeCun", "Xavier", "Glorot", "Kingma", "Ba"}      # names, not English words
RETIRED = ("樁", "輕推", "實得", "天真的", "sparse categorical 交叉熵", "YOUR CODE HERE")
RULES = [kept_maths, kept_inline_code, kept_links, kept_numbers, kept_literal_form, taiwan_usage,
         no_english_in_text, retired_terms]


def bad_entries(lesson, rule):
    """Every active entry of a lesson's catalogue that breaks a rule, one line each."""
    out = []
    for e in PO[lesson]:
        if e.obsolete or not e.msgstr:
            continue
        problem = rule(e)
        if problem:
            out.append(f"{entry_id((lesson, e))}: {problem}")
    return out


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
@pytest.mark.parametrize("lesson", sorted(PO), ids=str)
def test_lesson_catalogue_rule(lesson, rule):
    bad = bad_entries(lesson, rule)
    assert not bad, f"{len(bad)} entries of {lesson}.po break {rule.__name__}:\n" + "\n".join(bad)


def test_the_catalogue_rules_can_fail():
    e = polib.POEntry(msgctxt=translate.STRING, msgid='f"{n} examples"', msgstr='f"{m} 個樣本"')
    assert kept_literal_form(e) and not kept_literal_form(
        polib.POEntry(msgctxt=translate.STRING, msgid='f"{n} examples"', msgstr='f"{n} 個樣本"'))
    e = polib.POEntry(msgid=r"$\text{shape } (1, n)$ in `b`, see [x](y) 3",
                      msgstr=r"$\text{shape } (1, n)$ 在 b，4 的樁")
    assert kept_inline_code(e) and kept_links(e) and kept_numbers(e) and no_english_in_text(e)
    assert retired_terms(e) and not kept_maths(e)
    assert taiwan_usage(polib.POEntry(msgid="x", msgstr="这个算法"))
    e = polib.POEntry(msgid="Day9 (Day 9), 2024 (2024 x)", msgstr="Day9（第 9 天），2024")
    assert kept_numbers(e) is None


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_taiwan_usage_only(catalogue):
    """Every catalogue, the checks' messages too (plural forms included)."""
    bad = []
    for e in CATALOGUES[catalogue]:
        text = "".join(strings(e)) if not e.obsolete else ""
        simplified = [c for c in text if hanzidentifier.identify(c) == hanzidentifier.SIMPLIFIED]
        mainland = [t for t in MAINLAND if re.search(t, text)]
        if simplified or mainland:
            bad.append(f"{entry_id((catalogue, e))}: Simplified {''.join(simplified)!r}, "
                       f"Mainland terms {mainland} (see docs/translating.md)")
    assert not bad, report(bad)


def test_the_checks_translations_keep_their_placeholders():
    """Every {name} of a check message's English is in its translation, and no other."""
    field = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
    bad = [f"{entry_id(('checks', e))}: {s!r}" for e in CHECKS if not e.obsolete
           for s in strings(e) if s and set(field.findall(s)) != set(field.findall(e.msgid))]
    assert not bad, report(bad)


def test_the_per_catalogue_rules_can_fail():
    bad = polib.POEntry(msgctxt=translate.STRING, msgid='f"{n} examples"', msgstr='"{n} 個樣本"')
    assert kept_literal_form(bad) == "prefix or quotes changed"
    assert [t for t in MAINLAND if re.search(t, "代碼")] == ["代碼"]

def test_the_mainland_check_can_fail():
    assert [t for t in MAINLAND if re.search(t, "這個算法用了很多數據")] == ["數據", "(?<!演)算法"]
    assert not [t for t in MAINLAND if re.search(t, "這個演算法用了很多資料")]


def test_the_simplified_check_can_fail():
    assert [c for c in "神经网络的权重" if hanzidentifier.identify(c) == hanzidentifier.SIMPLIFIED]
    assert not [c for c in "神經網路的權重" if hanzidentifier.identify(c) == hanzidentifier.SIMPLIFIED]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_both_editions_have_the_same_code(path):
    nb = nbformat.read(path, as_version=4)
    zh = translate.translated(nb, PO[path.stem])
    assert [c.cell_type for c in zh.cells] == [c.cell_type for c in nb.cells]
    assert translate.code_differences(nb, zh) == []


def test_a_broken_string_translation_is_caught():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'n = 3\nprint(f"{n} examples")')])
    po = translate.new_catalogue("x")
    po.append(polib.POEntry(msgctxt=translate.STRING, msgid='f"{n} examples"',
                            msgstr='f"{n + 1} 個樣本"'))
    assert translate.code_differences(nb, translate.translated(nb, po)) == [0]


def test_a_changed_paragraph_is_stale_and_comes_back_fuzzy(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "A neuron adds its inputs.\n\nIt has a bias.")])
    po = translate.update_lesson_catalogue("99_x", nb, tmp_path)
    for e in po:
        e.msgstr = {"A neuron adds its inputs.": "神經元把輸入加起來。"}.get(e.msgid, "它有偏置。")
    po.save(str(translate.catalogue_path("99_x", tmp_path)))
    assert translate.stale_segments(nb, po) == []
    nb.cells[0].source = "A neuron adds up its inputs.\n\nIt has a bias."
    po = translate.update_lesson_catalogue("99_x", nb, tmp_path)
    problems = translate.stale_segments(nb, po)
    assert problems == [("fuzzy (revise, then remove the fuzzy flag)", "A neuron adds up its inputs.")]
    entry = po.find("A neuron adds up its inputs.")
    assert entry.msgstr == "神經元把輸入加起來。" and entry.previous_msgid == "A neuron adds its inputs."


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_zh_tw_notebooks_are_fresh(path):
    nb = nbformat.read(path, as_version=4)
    zh = translate.translated(nb, PO[path.stem])
    solution = ROOT / "solutions" / translate.LANG / path.name
    assert solution.exists() and translate.same_sources(nbformat.read(solution, as_version=4), zh), \
        f"{solution} is stale: run `make build`"
    learner = ROOT / "notebooks" / translate.LANG / path.name
    assert learner.read_text(encoding="utf-8") == build.learner_text(solution), \
        f"{learner} is stale: run `make build`"


def test_every_zh_tw_notebook_comes_from_a_lesson():
    names = {p.name for p in [*solution_notebooks(), *workshop_notebooks()]}
    for folder in (ROOT / "solutions" / translate.LANG, ROOT / "notebooks" / translate.LANG):
        assert {p.name for p in folder.glob("*.ipynb")} <= names


ZH_NOTEBOOKS = sorted((ROOT / "notebooks" / translate.LANG).glob("*.ipynb"))


@pytest.mark.parametrize("path", ZH_NOTEBOOKS, ids=lambda p: p.stem)
def test_zh_tw_learner_notebook_runs_with_its_stubs(path):
    nb = run(nbformat.read(path, as_version=4), path.parent)
    checks = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        text = "".join(o.get("text", "") for o in cell.outputs)
        if cell.source.strip().startswith("check("):
            checks += 1
            assert "尚未作答" in text and "not attempted" not in text, (cell.source, text)
    assert checks or path.stem == "00_start_here" or path.name in WORKSHOP   # no exercises there


def test_a_wrong_answer_in_a_zh_tw_notebook_gets_its_hint_in_zh_tw():
    path = ROOT / "notebooks" / translate.LANG / "01_weighted_sum.ipynb"
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.source.startswith("def weighted_sum")]
    cell.source = cell.source.replace("raise NotImplementedError()", "return float(np.dot(x, w))")
    nb = run(nb, path.parent)
    [out] = [c for c in nb.cells if c.source.strip() == 'check("weighted_sum", weighted_sum)']
    text = "".join(o.get("text", "") for o in out.outputs)
    assert text.startswith("❌ weighted_sum：") and "提示：少了偏置：z = w · x + b。" in text, text


def test_status_in_zh_tw_grades_the_zh_tw_notebooks(tmp_path):
    from checks.grading.status import status
    lines = []
    done, total = status(echo=lines.append, cache=None, lang="zh-TW")
    text = "\n".join(lines)
    assert done == 0 and f"還有 {total} 個練習等你完成。" in text, text
    assert "⏳ weighted_sum" in text and "no notebook" not in text and "沒有筆記本" not in text


def test_figures_use_a_cjk_font_when_one_is_installed_and_stay_quiet_without(monkeypatch):
    import warnings

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from checks.engine import language
    saved = matplotlib.rcParams.copy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")           # a missing glyph would be a UserWarning
            monkeypatch.setattr(language, "CJK_FONTS", ("No Such Font",))
            monkeypatch.setattr(language, "CJK_FILES", ("no-such-font-file",))
            assert language.use_cjk_font() is None
            fig, ax = plt.subplots()
            ax.set_title("神經網路的權重")
            fig.canvas.draw()
            plt.close(fig)
        monkeypatch.undo()
        font = language.cjk_font()
        if font is None:
            pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert language.use_cjk_font() == font
            assert matplotlib.rcParams["font.sans-serif"][0] == font
            fig, ax = plt.subplots()
            ax.set_title("神經網路的權重（−1）")
            fig.canvas.draw()
            plt.close(fig)
    finally:
        matplotlib.rcParams.update(saved)


def test_slides_in_zh_tw(tmp_path):
    import shutil

    from checks.authoring.slides import build_slides
    folder = tmp_path / "zh"
    folder.mkdir()
    shutil.copy(ROOT / "solutions" / translate.LANG / "01_weighted_sum.ipynb", folder)
    written = build_slides(tmp_path / "out", solutions_folder=folder)
    deck = (tmp_path / "out" / "01_weighted_sum.slides.html").read_text(encoding="utf-8")
    assert tmp_path / "out" / "01_weighted_sum.slides.html" in written
    assert "加權求和" in deck and "NotImplementedError" in deck and "BEGIN SOLUTION" not in deck


def test_the_maths_check_can_fail():
    assert maths(r"$w - \text{學習率}\cdot g$") == maths(r"$w - \text{learning rate}\cdot g$")
    assert maths(r"$w + \text{學習率}\cdot g$") != maths(r"$w - \text{learning rate}\cdot g$")


def test_reset_in_zh_tw_backs_up_and_restores_the_zh_tw_notebook(tmp_path):
    import shutil

    from checks.grading.reset import reset
    root = tmp_path / "course"
    for sub in ("notebooks/zh-TW", "solutions/zh-TW"):
        (root / sub).mkdir(parents=True)
    name = "01_weighted_sum.ipynb"
    shutil.copy(ROOT / "solutions" / "zh-TW" / name, root / "solutions" / "zh-TW" / name)
    (root / "notebooks" / "zh-TW" / name).write_text("{}", encoding="utf-8")
    path, saved, origin = reset("01", root=root, lang="zh-TW")
    assert path == root / "notebooks" / "zh-TW" / name and saved.parent.name == "backups"
    assert saved.read_text(encoding="utf-8") == "{}" and origin == f"rebuilt from solutions/zh-TW/{name}"
    assert "加權求和" in path.read_text(encoding="utf-8")
    assert not (root / "notebooks" / name).exists()


def test_zh_tw_stubs_say_in_zh_tw_where_the_code_goes(tmp_path):
    stub = "# " + translate.load_catalogue("01_weighted_sum").find(
        build.STUB_COMMENT, msgctxt=translate.STUB).msgstr
    assert stub != "# " + build.STUB_COMMENT and "YOUR CODE HERE" not in stub
    for path in ZH_NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        assert "YOUR CODE HERE" not in text, path.name
        assert "NotImplementedError" not in text or json_escaped(stub) in text, path.name
    from checks.grading.reset import fresh_copy  # reset and the release: the same
    text, _ = fresh_copy("01_weighted_sum.ipynb", sub="zh-TW")
    assert json_escaped(stub) in text and "YOUR CODE HERE" not in text
    english, _ = fresh_copy("01_weighted_sum.ipynb")
    assert "# YOUR CODE HERE" in english


def json_escaped(text):
    import json
    return json.dumps(text, ensure_ascii=False)[1:-1]


def test_worded_literals_are_extracted_wherever_they_are_shown():
    source = ('ok = "-> passed" if err < 1e-7 else "-> FAILED"\n'
              'ax.bar(["class 0", "class 1"], p)\n'
              'print(f"{name:8s} relative to the last layer: " + "  ".join(sizes))\n'
              'draw(ax, (f"after {n} epochs: " if n > 1 else "after 1 epoch: ") + f"accuracy {a:.1%}")\n'
              'labels = ["dense layer\\n$W$", "loss $L$"]\n'
              'plt.legend(loc="upper left"); y = data["y_train"]; z = mode == "two words"\n'
              'print("Z   :", Z)\n')
    found = [s.msgid for s in translate.code_segments(source, 0)]
    assert found == ['"-> passed"', '"-> FAILED"', '"class 0"', '"class 1"',
                     'f"{name:8s} relative to the last layer: "', 'f"after {n} epochs: "',
                     '"after 1 epoch: "', 'f"accuracy {a:.1%}"', '"dense layer\\n$W$"', '"loss $L$"',
                     '"Z   :"'], found
