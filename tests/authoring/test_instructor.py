"""The instructor's kit: the generated mistakes guide, the offline slide decks, the class
progress report and the learner's reset."""
import html.parser
import re
import subprocess
from datetime import datetime

import nbformat
import pytest

from checks.authoring import guide, slides
from checks.authoring.build import clear_outputs, learner_text
from checks.catalogue import EXERCISES
from checks.classroom import class_report as progress
from checks.engine.exercise import Exercise, Mistake, changed_input, like, raised, when, when_wrong
from checks.engine.source import BEGIN, END, ROOT, solution_notebooks
from checks.grading import reset
from helpers import Quick

# ---- guide: docs/mistakes.md ---------------------------------------------------------


def test_mistakes_doc_is_fresh():
    assert guide.OUT.read_text(encoding="utf-8") == guide.mistakes_markdown(), \
        "docs/mistakes.md is stale: run `python -m checks guide`"


def test_every_catalogued_mistake_is_explained():
    text = guide.mistakes_markdown()
    for ex in EXERCISES.values():
        assert f"`{ex.signature}`" in text
        for m in ex.mistakes:
            assert f"**`{m.id}`**. They read: “{m.hint}”  \n  The check sees: {m.how}." in text
    assert "instructor-guide.md" in text


def test_every_catalogued_mistake_says_how_it_is_recognised():
    missing = [(ex.id, m.id) for ex in EXERCISES.values() for m in ex.mistakes
               if not (isinstance(m.how, str) and m.how.strip())]
    assert not missing, f"these mistakes declare no how=...: {missing}"


def test_recognition_is_the_declared_how():
    assert guide.recognition(like(lambda z: 1 / (1 + z), "h", "x", how="`1 / (1 + z)`")) == \
        "on the same arguments, the learner's result equals `1 / (1 + z)`"
    assert guide.recognition(when(lambda case, got: got is None, "h", "w",
                                  how="the result is None")) == "the result is None"
    assert guide.recognition(raised("could not be broadcast", "h", "r")) == \
        "their function raises an error whose message contains “could not be broadcast”"
    assert "“not aligned” or “broadcast”" in guide.recognition(
        raised(("not aligned", "broadcast"), "h", "r"))
    assert "(rtol=2e-05, atol=1e-09)" in guide.recognition(changed_input("h", rtol=2e-5))
    [wrapped] = when_wrong([when(lambda case, got: True, "h", "w", how="always")])
    assert guide.recognition(wrapped) == "always (only counted when the value is wrong anyway)"


@pytest.mark.parametrize("mistake", [
    like(lambda z: z, "h", "no_how"), when(lambda case, got: True, "h", "no_how"),
    Mistake("no_how", "h", lambda case, got: True), like(lambda z: z, "h", "no_how", how=" ")])
def test_a_mistake_without_how_stops_the_guide_naming_it(mistake, monkeypatch):
    ex = Exercise("relu", "02_activations", "relu(z)", ("z",), mistakes=[mistake])
    monkeypatch.setitem(EXERCISES, "relu", ex)
    with pytest.raises(guide.UndescribedMistake, match="'no_how' of relu .*how="):
        guide.mistakes_markdown()


def test_python_m_checks_guide_names_an_undescribed_mistake_and_writes_nothing(
        monkeypatch, capsys):
    from checks.__main__ import main
    from checks.errors import STOPPED
    before = guide.OUT.read_bytes()
    ex = Exercise("relu", "02_activations", "relu(z)", ("z",),
                  mistakes=[like(lambda z: z, "h", "identity")])
    monkeypatch.setitem(EXERCISES, "relu", ex)
    assert main(["guide"]) == STOPPED
    err = capsys.readouterr().err
    assert "'identity' of relu does not say how it is recognised" in err and "Traceback" not in err
    assert guide.OUT.read_bytes() == before


def test_the_guide_reads_no_code():
    """How a mistake is recognised comes from its declaration, never from its closure."""
    source = (ROOT / "checks" / "authoring" / "guide.py").read_text(encoding="utf-8")
    for introspection in ("__code__", "__closure__", "__defaults__", "getclosurevars",
                          "co_positions", "getsource", "import ast"):
        assert introspection not in source


def test_a_newly_registered_exercise_is_picked_up(monkeypatch):
    ex = Exercise("predict", "08_capstone", "predict(X, params, activations) -> labels",
                  ("X", "params", "activations"),
                  mistakes=[like(lambda X, p, a: X.argmax(axis=0), "argmax along rows", "axis0",
                                 how="`X.argmax(axis=0)`")])
    monkeypatch.setitem(EXERCISES, "predict", ex)
    text = guide.mistakes_markdown()
    assert "## Lesson 08 · capstone" in text and "**`axis0`**. They read: “argmax along rows”" in text


def test_guide_links_the_generated_doc_and_the_readme_links_the_guide():
    assert "(mistakes.md)" in (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    assert "docs/instructor-guide.md" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---- slides ----------------------------------------------------------------------------


def md(source, **meta):
    return nbformat.v4.new_markdown_cell(source, metadata=meta)


def code(source, lines_out=0, image=False):
    cell = nbformat.v4.new_code_cell(source)
    if lines_out:
        cell.outputs.append(nbformat.v4.new_output("stream", text="x\n" * lines_out))
    if image:
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": "AA=="}))
    return cell


def types(nb):
    return [c.metadata["slideshow"]["slide_type"] for c in slides.mark_slides(nb).cells]


def test_headings_start_slides_and_other_cells_continue():
    nb = nbformat.v4.new_notebook(cells=[md("# Lesson"), md("Text."), code("x = 1"),
                                         md("## Part"), md("### Detail"), code("y = 2")])
    assert types(nb) == ["slide", "-", "-", "slide", "subslide", "-"]


def test_a_plot_or_an_overflow_starts_a_sub_slide_and_explicit_metadata_is_kept():
    nb = nbformat.v4.new_notebook(cells=[
        md("## Part"), code("plot()", image=True), code("\n".join(["x = 1"] * 30)),
        code("z = 1"), md("Aside", slideshow={"slide_type": "notes"}),
        md("## Next", slideshow={"slide_type": "fragment"})])
    assert types(nb) == ["slide", "subslide", "subslide", "subslide", "notes", "fragment"]


def test_decks_hide_solutions_unless_asked():
    path = ROOT / "solutions" / "01_weighted_sum.ipynb"
    shown = "".join(c.source for c in slides.deck(path, solutions=True).cells)
    hidden = "".join(c.source for c in slides.deck(path).cells)
    assert BEGIN in shown and BEGIN not in hidden and "raise NotImplementedError()" in hidden
    assert any(c.get("outputs") for c in slides.deck(path).cells)   # outputs (plots) stay


class Links(html.parser.HTMLParser):
    """Every script and stylesheet a page loads, and the text of its inline scripts/styles."""

    def __init__(self):
        super().__init__()
        self.loads, self.inline, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.loads.append(attrs["href"])
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self._in:
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._in = None


REMOTE = re.compile(r"""(@import\s+(url\()?\s*["']?https?:|url\(\s*["']?https?:|"""
                    r"""import\s[^;]*from\s*["']https?:|\bsrc\s*=\s*["']https?:|"""
                    r"""require\(\s*\[?\s*["']https?:)""")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    return out, slides.build_slides(out)


def test_every_lesson_and_the_formula_sheet_are_built(built):
    out, written = built
    names = {p.name for p in written}
    assert names == {f"{p.stem}.slides.html" for p in solution_notebooks()} | {"formula-sheet.html"}
    deck = (out / "02_activations.slides.html").read_text(encoding="utf-8")
    headings = sum(c.cell_type == "markdown" and c.source.startswith(("# ", "## "))
                   for c in nbformat.read(ROOT / "solutions" / "02_activations.ipynb", 4).cells)
    assert deck.count("<section") > headings
    assert "data:image/png;base64" in deck                 # the plots are in the deck
    sheet = (out / "formula-sheet.html").read_text(encoding="utf-8")
    assert r"\dfrac{\partial L}{\partial \hat Y}" in sheet and "katex" in sheet


def test_decks_load_nothing_from_the_network(built):
    out, written = built
    for page in written:
        links = Links()
        links.feed(page.read_text(encoding="utf-8"))
        assert links.loads, page
        for ref in links.loads:
            assert not re.match(r"(https?:)?//", ref), f"{page.name} loads {ref}"
            assert (out / ref.split("?")[0]).is_file(), f"{page.name}: {ref} is missing"
        for text in links.inline:
            assert not REMOTE.search(text), f"{page.name}: {REMOTE.search(text)[0]}"
    for css in (out / "assets").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not REMOTE.search(text), f"{css}: {REMOTE.search(text)[0]}"
        fonts = {}                       # each font needs one of its formats (woff2 or woff)
        for ref in re.findall(r"""url\(\s*["']?([^"')?#]+)""", text):
            if ref.startswith("data:"):
                continue
            fonts.setdefault(ref.rsplit(".", 1)[0], []).append(css.parent / ref)
        for files in fonts.values():
            assert any(f.is_file() for f in files), f"{css.name} needs one of {files}"


def test_the_remote_pattern_catches_cdn_references():
    for text in ['<script src="https://unpkg.com/x.js">', "@import url(https://fonts.x/y.css);",
                 "import mermaid from 'https://cdn.x/m.js';", "a { background: url('http://x') }"]:
        assert REMOTE.search(text)
    assert not REMOTE.search("/* see https://github.com/x */ a { color: red }")


def test_vendored_files_carry_their_licences():
    for name in slides.PACKAGES:
        assert (slides.VENDOR / name / "LICENSE").read_text(encoding="utf-8").count("Permission is hereby granted, free of charge") == 1


# ---- progress --------------------------------------------------------------------------


def result(student, **statuses):
    """A made-up grader result: exercise id -> status or (status, mistake id)."""
    exercises = {}
    for i, s in statuses.items():
        status, mistake = s if isinstance(s, tuple) else (s, None)
        exercises[i] = {"passed": status == "passed", "points": int(status == "passed"),
                        "max_points": 1, "status": status, "mistake": mistake,
                        "warnings": [], "feedback": ""}
    return {"path": f"{student}/x.ipynb", "student": student, "score": 0, "max_score": 0,
            "error": None, "exercises": exercises}


FAKE = [result("ada", weighted_sum="passed", dense_forward="passed"),
        result("bo", weighted_sum=("failed", "no_bias"), dense_forward=("failed", "no_bias")),
        result("cy", weighted_sum=("failed", "no_bias"), dense_forward="not attempted"),
        result("di", weighted_sum=("failed", "no_sum"), dense_forward="missing"),
        result("cy", sigmoid=("failed", "sign"))]        # cy's second notebook


def test_summary_counts_rates_and_the_commonest_mistake():
    s = progress.summarise(FAKE)
    rows = {r["id"]: r for r in s["exercises"]}
    assert s["learners"] == 4 and list(rows) == ["weighted_sum", "dense_forward", "sigmoid"]
    ws = rows["weighted_sum"]
    assert (ws["passed"], ws["failed"], ws["pass_rate"]) == (1, 3, 0.25)
    assert (ws["mistake"], ws["mistake_count"]) == ("no_bias", 2)
    assert ws["hint"] == next(m.hint for m in EXERCISES["weighted_sum"].mistakes if m.id == "no_bias")
    df = rows["dense_forward"]
    assert (df["passed"], df["failed"], df["not attempted"], df["missing"]) == (1, 1, 1, 1)
    assert rows["sigmoid"]["submitted"] == 1
    assert s["stuck"][0] == "weighted_sum"


def test_table_names_stuck_exercises_and_hints():
    text = "\n".join(progress.table(progress.summarise(FAKE)))
    assert "4 learners" in text and "weighted_sum" in text and "25%" in text
    assert "no_bias (2)" in text and "the bias is missing" in text
    assert "Where most learners are stuck" in text


def test_heatmap_is_a_png(tmp_path):
    path = progress.heatmap(FAKE, tmp_path / "class.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_progress_colours_are_distinct():
    assert len(set(progress.COLOURS.values())) == len(progress.COLOURS)


def lesson01(folder, student, bodies):
    """Lesson 01 from solutions/ with some exercises' solutions replaced by ``bodies``."""
    nb = clear_outputs(nbformat.read(ROOT / "solutions" / "01_weighted_sum.ipynb", 4))
    for cell in nb.cells:
        name = cell.source.split("def ", 1)[-1].split("(", 1)[0]
        if cell.cell_type == "code" and BEGIN in cell.source and name in bodies:
            head, rest = cell.source.split(BEGIN, 1)
            indent = head.rsplit("\n", 1)[-1]
            cell.source = head.rstrip(" ") + indent + bodies[name] + rest.split(END, 1)[1]
    path = folder / student / "01_weighted_sum.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)


def test_progress_end_to_end(tmp_path):
    lesson01(tmp_path, "ada", {})
    lesson01(tmp_path, "bo", {"weighted_sum": "return float(np.dot(x, w))",
                              "dense_forward": "return X @ W"})
    lesson01(tmp_path, "cy", {"dense_forward": "raise NotImplementedError()"})
    lines = []
    s = progress.progress(tmp_path, tmp_path / "map.png", echo=lines.append, limits=Quick)
    rows = {r["id"]: r for r in s["exercises"]}
    assert (rows["weighted_sum"]["passed"], rows["weighted_sum"]["failed"]) == (2, 1)
    assert rows["dense_forward"]["not attempted"] == 1
    assert rows["dense_forward"]["mistake"] == "no_bias"
    assert (tmp_path / "map.png").stat().st_size > 5000
    assert any("no_bias" in line for line in lines)


# ---- reset -----------------------------------------------------------------------------

NAME = "03_forward_pass.ipynb"
WHEN = datetime(2026, 11, 27, 14, 5, 0)


def course(tmp_path, solutions=True, fresh=None):
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    if solutions:
        (root / "solutions").mkdir()
        (root / "solutions" / NAME).write_bytes((ROOT / "solutions" / NAME).read_bytes())
    if fresh:
        (root / "checks" / "fresh").mkdir(parents=True)
        (root / "checks" / "fresh" / NAME).write_text(fresh, encoding="utf-8")
    (root / "notebooks" / NAME).write_text("my work", encoding="utf-8")
    return root


def test_reset_backs_up_then_rebuilds_from_solutions(tmp_path):
    root = course(tmp_path)
    path, saved, origin = reset.reset("03", root, now=WHEN)
    assert saved == root / "notebooks" / "backups" / "03_forward_pass.2026-11-27T14-05-00.ipynb"
    assert saved.read_text(encoding="utf-8") == "my work"
    assert path.read_text(encoding="utf-8") == learner_text(ROOT / "solutions" / NAME) and "solutions" in origin
    path.write_text("second try", encoding="utf-8")
    _, again, _ = reset.reset("03_forward_pass", root, now=WHEN)   # same second: no overwrite
    assert again.name == "03_forward_pass.2026-11-27T14-05-00-1.ipynb"
    assert again.read_text(encoding="utf-8") == "second try" and saved.read_text(encoding="utf-8") == "my work"


def test_reset_from_git_then_from_the_fresh_folder(tmp_path):
    root = course(tmp_path, solutions=False, fresh="from the release")
    assert reset.reset("3", root, now=WHEN)[0].read_text(encoding="utf-8") == "from the release"
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    (root / "notebooks" / NAME).write_text("committed", encoding="utf-8")
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "notebooks"], check=True)
    subprocess.run(git + ["commit", "-qm", "x"], check=True)
    (root / "notebooks" / NAME).write_text("edited", encoding="utf-8")
    path, saved, origin = reset.reset("03", root, now=WHEN)
    assert path.read_text(encoding="utf-8") == "committed" and "commit" in origin


def test_reset_without_any_source_changes_nothing(tmp_path):
    root = course(tmp_path, solutions=False)
    with pytest.raises(reset.ResetError, match="no fresh copy"):
        reset.reset("03", root)
    assert (root / "notebooks" / NAME).read_text(encoding="utf-8") == "my work"
    assert not (root / "notebooks" / "backups").exists()


def test_reset_does_not_overwrite_when_the_backup_cannot_be_written(tmp_path):
    root = course(tmp_path)
    (root / "notebooks" / "backups").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(reset.ResetError, match="Nothing was changed"):
        reset.reset("03", root)
    assert (root / "notebooks" / NAME).read_text(encoding="utf-8") == "my work"


def test_reset_names_the_lessons_when_it_does_not_know_one(tmp_path):
    with pytest.raises(reset.ResetError, match="03_forward_pass"):
        reset.reset("42", course(tmp_path))
