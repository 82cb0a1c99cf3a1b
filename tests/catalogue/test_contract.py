"""docs/curriculum.md and the checks' catalogue name the same exercises with the same
arguments: the contract may grow (new exercises, optional arguments at the end), never drift."""
import re

from checks.catalogue import EXERCISES, lessons
from checks.engine.source import ROOT

DOC = (ROOT / "docs" / "curriculum.md").read_text(encoding="utf-8")


def documented():
    """{name: [argument, ...]} of every `name(args)` signature in the contract's table."""
    table = DOC.split("## Lessons and exercises", 1)[1].split("\n## ", 1)[0]
    found = {}
    for m in re.finditer(r"`(\w+)\(([^)`]*)\)", table):     # the first mention is the signature
        found.setdefault(m[1], [a.strip() for a in m[2].split(",") if a.strip()])
    return found


def arguments(ex):
    return [a.strip() for a in ex.signature.split("(", 1)[1].split(")", 1)[0].split(",") if a.strip()]


def test_every_exercise_is_in_the_contract_with_its_arguments():
    doc = documented()
    for ex in EXERCISES.values():
        assert ex.id in doc, f"{ex.id} is graded but docs/curriculum.md does not list it"
        assert arguments(ex)[:len(doc[ex.id])] == doc[ex.id], \
            f"{ex.id}: the catalogue says {arguments(ex)}, docs/curriculum.md {doc[ex.id]}"


def test_every_exercise_in_the_contract_is_graded():
    missing = set(documented()) - set(EXERCISES)
    assert not missing, f"docs/curriculum.md lists {sorted(missing)}, which nothing grades"


def test_lessons_are_in_the_contract_in_order():
    rows = re.findall(r"^\| (\d\d) ", DOC.split("## Lessons and exercises", 1)[1], re.M)
    assert rows[0] == "00" and rows[1:] == [lesson[:2] for lesson in lessons()]


def test_nothing_in_the_repository_points_outside_it():
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "solutions").glob("*.ipynb")]:
        assert "../shared" not in path.read_text(encoding="utf-8"), f"{path.name} points outside"
