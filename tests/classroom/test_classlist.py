"""Who the learners are, as instructors' folders really hold them: a hub of homes with the
whole course in each, an nbgrader exchange, a Canvas download, files that only look like
notebooks; and a roster (this course's, Canvas's export, Moodle's export) deciding who is in
the gradebook and who the LMS files name. No learner code runs here except in the end-to-end
tests at the bottom, which grade lesson 01 notebooks."""
import csv
import io
import shutil

import pytest

from checks.classroom import assignments, gradebook as learners, lms, roster
from checks.grading import submissions
from checks.grading.submissions import discover
from helpers import submission


def parse(text):
    return list(csv.reader(io.StringIO(text)))


def names(found):
    return sorted({s for s, _ in found.submissions})


def notebook(tmp_path):
    """A solved lesson 01 notebook's path (made once per test)."""
    path = tmp_path / "_source" / "x" / "01_weighted_sum.ipynb"
    if not path.exists():
        submission(tmp_path / "_source", "x")
    return path


def put(src, *paths):
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, path)


def course_copy(src, root):
    """A learner's copy of the course, as a release or a hub home holds it."""
    (root / "checks").mkdir(parents=True)
    (root / "blocks.py").write_text("# provided\n", encoding="utf-8")
    put(src, root / "notebooks" / "01_weighted_sum.ipynb",
        root / "notebooks" / "zh-TW" / "02_activations.ipynb",
        root / "checks" / "fresh" / "01_weighted_sum.ipynb",
        root / "checks" / "fresh" / "zh-TW" / "01_weighted_sum.ipynb",
        root / "notebooks" / "backups" / "01_weighted_sum.2026-01-01T10-00-00.ipynb",
        root / "notebooks" / ".ipynb_checkpoints" / "01_weighted_sum-checkpoint.ipynb",
        root / "solutions" / "01_weighted_sum.ipynb")


# ---- learners found in real folder trees ---------------------------------------------

def test_a_hub_of_homes_is_one_learner_per_home_graded_on_working_notebooks(tmp_path):
    src = notebook(tmp_path)
    hub = tmp_path / "hub"
    course_copy(src, hub / "jupyter-ada" / "course")
    put(src, hub / "jupyter-ada" / ".local" / "share" / "x.ipynb")   # hidden: never searched
    put(src, hub / "jupyter-ada" / "02_activations.ipynb")          # her own, beside the course
    course_copy(src, hub / "jupyter-bo" / "nn-course")
    found = discover([hub])
    assert names(found) == ["jupyter-ada", "jupyter-bo"]
    ada = sorted(p.relative_to(hub).as_posix() for s, p in found.submissions if s == "jupyter-ada")
    assert ada == ["jupyter-ada/02_activations.ipynb",
                   "jupyter-ada/course/notebooks/01_weighted_sum.ipynb",
                   "jupyter-ada/course/notebooks/zh-TW/02_activations.ipynb"]
    # one home, or one course copy, given alone: still one learner
    assert names(discover([hub / "jupyter-ada"])) == ["jupyter-ada"]
    assert names(discover([hub / "jupyter-ada" / "course"])) == ["course"]


def test_a_class_of_whole_checkouts_keeps_each_learner_and_sections(tmp_path):
    src = notebook(tmp_path)
    cls = tmp_path / "class"
    course_copy(src, cls / "secA" / "ada")
    course_copy(src, cls / "secA" / "bo")
    put(src, cls / "secB" / "cy" / "01_weighted_sum.ipynb")
    found = discover([cls])
    assert names(found) == ["secA/ada", "secA/bo", "secB/cy"]
    assert not any("solutions" in p.parts or "fresh" in p.parts for _, p in found.submissions)


def test_an_nbgrader_student_named_like_a_lesson_stays_a_student(tmp_path):
    src = notebook(tmp_path)
    submitted = tmp_path / "submitted"
    put(src, submitted / "01_team" / "week1" / "01_weighted_sum.ipynb",
        submitted / "ada" / "week1" / "01_weighted_sum.ipynb",
        submitted / "bo" / "01_weighted_sum" / "01_weighted_sum.ipynb")
    assert names(discover([submitted], {"week1"})) == ["01_team", "ada", "bo"]
    assert names(discover([submitted / "ada"], {"week1"})) == ["ada"]
    assert names(discover([submitted / "bo"])) == ["bo"]


def test_only_canvas_shaped_files_are_canvas_downloads(tmp_path):
    src = notebook(tmp_path)
    cls = tmp_path / "canvas"
    put(src, cls / "jdoe_2024" / "01_weighted_sum.ipynb",                    # a folder: a login
        cls / "lovelaceada_LATE_1234_5678_01_weighted_sum-1.ipynb",         # a resubmission
        cls / "bob_01_weighted_sum.ipynb",                                  # not Canvas's shape
        cls / "carol_77_88_00_start_here.ipynb")                            # lesson 00 only
    found = discover([cls])
    who = found.learners
    assert who["jdoe_2024"].canvas_id == "" and who["jdoe_2024"].login == "jdoe_2024"
    assert (who["lovelaceada_1234"].canvas_id, who["lovelaceada_1234"].late) == ("1234", True)
    assert who["carol_77"].canvas_id == "77"                   # listed, though nothing is graded
    assert "carol_77" not in names(found) and "bob_01_weighted_sum" in names(found)
    assert submissions.is_intro(cls / "carol_77_88_00_start_here.ipynb")


def test_files_that_look_like_notebooks_are_graded_or_said_not_to_be(tmp_path):
    src = notebook(tmp_path)
    ada = tmp_path / "class" / "ada"
    put(src, ada / "01_weighted_sum.IPYNB", ada / "02_activations.ipynb.txt",
        ada / "Untitled.ipynb")
    (ada / "03_forward_pass.html").write_text("<html></html>", encoding="utf-8")
    (ada / "notes.txt").write_text("mine", encoding="utf-8")
    found = discover([tmp_path / "class"])
    assert sorted(p.name for _, p in found.submissions) == [
        "01_weighted_sum.IPYNB", "02_activations.ipynb.txt", "Untitled.ipynb"]
    assert {s for s, _ in found.submissions} == {"ada"}
    (skipped,) = found.not_graded
    assert skipped[0] == "ada" and skipped[1].name == "03_forward_pass.html"
    assert "only .ipynb files are graded" in skipped[2]


def test_a_learner_with_only_lesson_00_is_found(tmp_path):
    src = notebook(tmp_path)
    put(src, tmp_path / "k" / "ada" / "01_weighted_sum.ipynb",
        tmp_path / "k" / "carol" / "00_start_here.ipynb")
    found = discover([tmp_path / "k"])
    assert names(found) == ["ada"] and sorted(found.learners) == ["ada", "carol"]


# ---- rosters -------------------------------------------------------------------------

OWN = ("Login,Name,Email,Section,Canvas ID,SIS ID,Moodle username\n"
       "ada,Ada Lovelace,ada@uni.example,secA,101,S1,ada.l\n"
       "olivia1,Olivia Chen,o1@uni.example,secA,102,S2,olivia1\n"
       "olivia2,Olivia Chen,o2@uni.example,secB,103,S3,olivia2\n"
       "carol,Carol Wu,carol@uni.example,secB,104,S4,carol\n"
       "dan,Dan Brown,dan@uni.example,secB,105,S5,dan\n")

CANVAS = ("Student,ID,SIS User ID,SIS Login ID,Section,week1 (2001)\n"
          "    Points Possible,,,,,10\n"
          "\"Lovelace, Ada\",101,S1,ada,secA,\n"
          "\"Student, Test\",999,,,secA,\n"
          "\"Zoë, Ng\",106,S6,zoe,secB,\n")

MOODLE = ("First name;Last name;Username;Email address;Roles;Groups\n"
          "Ada;Lovelace;ada.l;ada@uni.example;Student;secA\n"
          "Terry;Teacher;tt;tt@uni.example;Teacher;\n")


def write(tmp_path, name, text, bom=False):
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def test_the_three_roster_formats_are_read_as_they_are(tmp_path):
    own = roster.read(write(tmp_path, "own.csv", OWN))
    assert [p.login for p in own] == ["ada", "olivia1", "olivia2", "carol", "dan"]
    assert (own[0].canvas_id, own[0].sis_id, own[0].moodle, own[0].section) == ("101", "S1",
                                                                                 "ada.l", "secA")
    canvas = roster.read(write(tmp_path, "canvas.csv", CANVAS, bom=True))
    assert [(p.login, p.canvas_id, p.name) for p in canvas] == [
        ("ada", "101", "Lovelace, Ada"), ("zoe", "106", "Zoë, Ng")]
    moodle = roster.read(write(tmp_path, "moodle.csv", MOODLE))
    assert [(p.login, p.moodle, p.email, p.section) for p in moodle] == [
        ("ada.l", "ada.l", "ada@uni.example", "secA")]


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("who,what\nada,1\n", "should name the columns"),
    ("login,name\nada,A\nADA,B\n", "rows 2 and 3 are both 'ADA'"),
    ("login,name,email\n,A,\n", "row 2 has neither a login nor an email"),
    ("Student,ID\n    Points Possible,\n", "lists no learner"),
])
def test_a_wrong_roster_says_what_to_fix(tmp_path, text, message):
    with pytest.raises(roster.RosterError, match=message):
        roster.read(write(tmp_path, "r.csv", text))


def identity(key, login=None, canvas_id=""):
    return submissions.Identity(key, login or key.rsplit("/", 1)[-1], canvas_id)


def test_folders_are_matched_to_people_without_guessing(tmp_path):
    m = roster.Matcher(roster.read(write(tmp_path, "own.csv", OWN)))

    def who(ident):
        person, why = m.match(ident)
        return person.login if person else why
    assert who(identity("ada")) == "ada" and who(identity("ADA.L")) == "ada"
    assert who(identity("hub/jupyter-ada")) == "ada" and who(identity("claim-carol")) == "carol"
    assert who(identity("dan@uni.example")) == "dan" and who(identity("S4")) == "carol"
    assert who(identity("jdoe_2024")) == "it matches no one on the roster"
    assert who(identity("ada_2024")) == "it matches no one on the roster"
    assert who(identity("lovelaceada_101", "lovelaceada", "101")) == "ada"          # Canvas ID
    assert who(identity("wuCarol_555", "wucarol", "555")) == "carol"     # Canvas's name, no ID
    assert who(identity("Carol Wu_31_assignsubmission_file_")) == "carol"       # Moodle folder
    # two Olivia Chens: the section in the path decides, else no one
    assert who(identity("secB/Olivia Chen_7_assignsubmission_file_")) == "olivia2"
    assert who(identity("Olivia Chen_7_assignsubmission_file_")).startswith("it could be more")


def test_the_class_list_renames_merges_and_reports(tmp_path):
    src = notebook(tmp_path)
    cls = tmp_path / "class"
    put(src, cls / "ada" / "01_weighted_sum.ipynb", cls / "jdoe_2024" / "01_weighted_sum.ipynb",
        cls / "carol" / "00_start_here.ipynb")
    found = discover([cls])
    classes = roster.class_list(found, roster.read(write(tmp_path, "own.csv", OWN)))
    assert classes.rename == {"ada": "ada", "carol": "carol"}
    assert classes.unmatched == [{"folder": "jdoe_2024", "why": "it matches no one on the roster",
                                  "files": 1}]
    assert sorted(classes.who) == ["ada", "carol", "dan", "olivia1", "olivia2"]
    assert classes.who["carol"]["folders"] == ["carol"] and classes.who["dan"]["folders"] == []
    # without a roster: everyone found, identities from the files only
    plain = roster.class_list(found)
    assert sorted(plain.who) == ["ada", "carol", "jdoe_2024"]
    assert plain.who["jdoe_2024"]["canvas_id"] == ""


# ---- LMS files from the roster -------------------------------------------------------

def test_lms_files_take_identities_from_the_roster_only(tmp_path):
    people = roster.read(write(tmp_path, "own.csv", OWN))
    week = assignments.Assignment("week1", {"weighted_sum": 2}, False, ["01_weighted_sum"])
    classes = roster.ClassList({p.login: {**p.data(), "folders": []} for p in people}, {}, [],
                               True)
    book = learners.gradebook([], week, classes.who)
    canvas = {r[3]: r for r in parse(lms.canvas(book, week))[2:]}
    assert canvas["ada"][:5] == ["Ada Lovelace", "101", "S1", "ada", "secA"]
    moodle = {r[0]: r for r in parse(lms.moodle(book, week))[1:]}
    assert sorted(moodle) == ["ada.l", "carol", "dan", "olivia1", "olivia2"]
    assert moodle["ada.l"][4] == "ada@uni.example"
    # no roster: a folder named jdoe_2024 is login jdoe_2024, never Canvas user 2024
    book = learners.gradebook([], week, {"jdoe_2024": {"login": "jdoe_2024",
                                                       "folders": ["jdoe_2024"]}})
    (row,) = parse(lms.canvas(book, week))[2:]
    assert row[1] == "" and row[3] == "jdoe_2024"
    good, bad = lms.moodle_rows(learners.gradebook([], week, ["Peggy Sue", "zoë", "ok.name"]))
    assert [r["learner"] for r in good] == ["ok.name"]
    assert sorted(u for u, _ in bad) == ["Peggy Sue", "zoë"]
