"""README.zh-TW.md carries what a learner needs from README.md: the learner sections (mapped
in checks/authoring/release.py's ZH_SECTIONS), every command they give and every row of the
lesson table, with its code names. The zh-TW edition's own commands count as the English
ones (`make lab-zh` for `make lab`, `--lang zh-TW`, `notebooks/zh-TW/`)."""
import re

from checks.authoring.release import ZH_SECTIONS, section
from checks.engine.source import ROOT

EN = (ROOT / "README.md").read_text(encoding="utf-8")
ZH = (ROOT / "README.zh-TW.md").read_text(encoding="utf-8")
# What starts a command in a code span or a code block line.
COMMAND = re.compile(r"^(?:make|python3?|py|\.venv|conda|jupyter|pip|ssh|sudo|brew|xcode-select|"
                     r"!\{sys\.executable\}|import sys|check\(|https?://)")


def learner_sections(readme, titles):
    """The text of the given level-2 sections (with their subsections)."""
    return "\n".join(section(readme, t) for t in titles)


def headings(text):
    return [line.lstrip("#").strip() for line in text.splitlines() if re.match(r"#{2,3} ", line)]


def commands(text, zh=False):
    """Every command of a text: each line of a fenced code block and each code span that
    starts like a command; for the zh-TW edition, its own variants read as the English."""
    found = set()
    for block in re.findall(r"```[^\n]*\n(.*?)```", text, re.S):
        found |= {line.strip() for line in block.splitlines() if line.strip()
                  and not line.strip().startswith("#")}
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    found |= {span.strip() for span in re.findall(r"`([^`\n]+)`", text) if COMMAND.match(span.strip())}
    if zh:
        found |= {re.sub(r"notebooks([/\\])zh-TW[/\\]", r"notebooks\1",
                         c.replace(" --lang zh-TW", "").replace("make lab-zh", "make lab"))
                  for c in found}
    return {re.sub(r"\s+", " ", c) for c in found}


def table_rows(text):
    """{first cell: the code names in the row} of every table row (header and rule aside)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and not set(cells[0]) <= set("-: ") and cells[0] != "#":
            rows[cells[0]] = set(re.findall(r"`[^`]+`", line))
    return rows


def differences(en, zh):
    """What README.zh-TW.md (zh) lacks of README.md's (en) learner sections: [str]."""
    problems = []
    start = next((line[3:].strip() for line in en.splitlines() if line.startswith("## Start")), None)
    if start is None:
        return ["README.md has no '## Start ...' section"]
    english = learner_sections(en, [start, "Lessons"])
    chinese = learner_sections(zh, [ZH_SECTIONS.get(start, start), ZH_SECTIONS["Lessons"]])
    zh_headings = set(headings(zh))
    for title in headings(english):
        if title not in ZH_SECTIONS:
            problems.append(f"README.md's learner section {title!r} has no zh-TW title in "
                            "release.ZH_SECTIONS (and README.zh-TW.md)")
        elif ZH_SECTIONS[title] not in zh_headings:
            problems.append(f"README.zh-TW.md lacks the section {ZH_SECTIONS[title]!r} ({title})")
    for command in sorted(commands(english) - commands(chinese, zh=True)):
        problems.append(f"README.zh-TW.md lacks the command {command!r}")
    en_rows, zh_rows = table_rows(english), table_rows(chinese)
    for key, names in en_rows.items():
        if key not in zh_rows:
            problems.append(f"README.zh-TW.md's lesson table lacks the row {key!r}")
        elif names - zh_rows[key]:
            problems.append(f"README.zh-TW.md's lesson table, row {key!r}, lacks "
                            f"{sorted(names - zh_rows[key])}")
    return problems


def test_the_zh_tw_readme_has_every_learner_section_command_and_lesson_row():
    problems = differences(EN, ZH)
    assert not problems, "\n".join(problems)


def test_the_comparison_fails_when_the_english_gains_what_the_zh_tw_lacks():
    start = next(line for line in EN.splitlines() if line.startswith("## Start"))
    gained = EN.replace(start, start + "\n\n### Offline\n\nRun `make offline-kit` first.\n", 1)
    gained = gained.replace("| 08 |", "| 09 | transformers | `attention` |\n| 08 |", 1)
    problems = differences(gained, ZH)
    assert any("'Offline'" in p for p in problems), problems
    assert any("'make offline-kit'" in p for p in problems), problems
    assert any("row '09'" in p for p in problems), problems
    fewer = ZH.replace("`layer_from_rows`", "")
    assert any("layer_from_rows" in p for p in differences(EN, fewer))
    assert any("status" in p for p in differences(EN, ZH.replace("checks status --lang zh-TW`", "checks`")))


def test_the_zh_tw_readme_promises_nothing_the_test_does_not_hold():
    assert "內容永遠一致" not in ZH
    assert "../shared" not in ZH and "shared/" not in ZH
