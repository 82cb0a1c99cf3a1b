"""engine/source.py's lesson names: one parser for what a person types (reset, grading.toml)
and for what a file is called (the grader, the class folders)."""
import pytest

from checks.engine.source import lesson_named, lesson_of_file

NAMES = ["00_start_here", "01_weighted_sum", "03_forward_pass"]


@pytest.mark.parametrize("text", ["3", "03", "003", " 03 ", "03_forward_pass",
                                  "03_forward_pass.ipynb", "notebooks/03_forward_pass.ipynb"])
def test_a_lesson_is_named_by_its_number_or_its_whole_name(text):
    assert lesson_named(text, NAMES) == "03_forward_pass"


@pytest.mark.parametrize("text", ["2", "03_forward", "forward_pass", "", "x3", "-3"])
def test_anything_else_names_no_lesson(text):
    assert lesson_named(text, NAMES) is None


def test_a_number_two_lessons_share_names_neither():
    assert lesson_named("3", ["03_a", "03_b"]) is None


@pytest.mark.parametrize("name, lesson", [
    ("03_forward_pass.ipynb", "03_forward_pass"), ("03_my_copy (1).ipynb", "03_forward_pass"),
    ("03_x", "03_forward_pass"), ("3_forward_pass.ipynb", None), ("03forward.ipynb", None),
    ("02_missing.ipynb", None), ("notes.ipynb", None)])
def test_a_file_belongs_to_the_lesson_its_name_starts_with(name, lesson):
    assert lesson_of_file(name, NAMES) == lesson
