"""compare.py, the sentence a learner reads when a value differs: one kind of difference,
one explanation, the first difference only."""
import numpy as np
import pytest

from checks.engine.compare import compare

TOL = dict(rtol=1e-7, atol=1e-9)


def said(expected, got, **kw):
    m = compare(expected, got, **TOL, **kw)
    return None if m is None else str(m)


def test_equal_within_tolerance_says_nothing():
    assert said(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12])) is None
    assert said((np.ones(2), {"a": np.zeros(1)}), (np.ones(2), {"a": np.zeros(1)})) is None
    assert said(np.array([1, 2]), np.array([1, 2], dtype=np.uint8)) is None  # any integer kind


@pytest.mark.parametrize("expected, got, words", [
    (np.ones(3), None, "should be an array of shape (3,), but it is None (did you forget to `return`?)"),
    (np.ones((2, 3)), np.ones((3, 2)), "has shape (3, 2), but it should have shape (2, 3)."),
    (np.ones(2), np.array([True, False]), "has dtype bool, but it should hold floats (convert with .astype(float))."),
    (np.array([1, 2]), np.array([1.5, 2.0]), "has dtype float64, but it should hold whole numbers"),
    (np.ones(3), np.array([1.0, np.nan, 1.0]), "contains nan where a finite number is expected."),
    (np.ones(3), np.array([1.0, 1.0, np.inf]), "contains inf where a finite number is expected."),
    (np.arange(4.0).reshape(2, 2), np.array([[0.0, 1.0], [2.0, 3.5]]),
     "differs from the expected values in 1 of 4 elements. Worst element at index (1, 1): expected 3, got 3.5."),
])
def test_each_kind_of_difference_has_its_own_sentence(expected, got, words):
    assert words in said(expected, got)


def test_a_single_number_names_no_index():
    text = said(np.array(0.5), np.array(0.25), scalar=True)
    assert text == "The result differs from the expected value. Expected 0.5, got 0.25."
    assert "index" not in text


def test_a_size_one_array_where_a_float_is_expected():
    assert "should be a single number (a float), but it is an array of shape (1, 1). " \
           "Use float(...) or .item()." in said(np.array(0.5), np.array([[0.5]]), scalar=True)


def test_nested_results_name_the_entry_and_its_path():
    expected = (np.ones(2), [(np.zeros(2), np.ones(1))])
    got = (np.ones(2), [(np.zeros(2), np.array([2.0]))])
    m = compare(expected, got, **TOL, where="cache")
    assert m.where == "cache[1][0][1]" and m.path == (1, 0, 1)
    assert "should be 2 values (a tuple), but it is a list of length 1" in \
        said(expected, [np.ones(2)], where="cache").replace("the result", "cache")


def test_dicts_need_the_same_keys():
    assert "should be a dict with keys ['a', 'b'], but it is a dict." in \
        said({"a": np.ones(1), "b": np.ones(1)}, {"a": np.ones(1)})
