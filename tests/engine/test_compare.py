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
    (np.ones(2), np.array([True, True]), "has dtype bool, but it should hold floats (convert with .astype(float))."),
    (np.ones(2), np.array([True, False]), "It also has dtype bool, where floats are expected."),
    (np.array([1, 2]), np.array([1.0, 2.0]), "has dtype float64, but it should hold whole numbers"),
    (np.array([1, 2]), np.array([1.5, 2.0]), "It also has dtype float64, where whole numbers are expected."),
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


# ---- numbers that look equal are never a failure without the reason -------------------

def test_dtype_advice_only_where_it_helps():
    """.astype(float) is suggested only when it would make the values right; a Python int
    (a 0-d integer) is told float(...), which it has; truncated values are told so."""
    right = said(np.array([1.0, 2.0]), np.array([1, 2]))
    assert "convert the result with .astype(float)" in right
    one = said(np.array(1.0), np.array(1), scalar=True)
    assert "float(...)" in one and ".astype" not in one
    cut = said(np.array([1.47, 2.0]), np.array([1, 2]))
    assert "cut to an integer" in cut and ".astype" not in cut
    assert "Worst element at index (0,): expected 1.47, got 1." in cut


def test_float32_is_named_and_enough_digits_are_printed():
    expected = np.array([-0.0256491232, 1.0])
    got = expected.astype(np.float32) + np.float32(5e-8)
    text = said(expected, got)
    assert "dtype float32" in text
    assert "expected -0.0256491232, got -0.0256490726." in text      # printed differently


def test_a_difference_past_the_printed_digits_is_said():
    text = said(np.array(2.62016746), np.array(2.62017226), scalar=True)
    assert "Expected 2.62016746, got 2.62017226." in text
    assert "agree to about 5 significant digits" in text


def test_show_case_prints_expected_and_got_differently_when_they_differ():
    from checks.catalogue import EXERCISES
    from checks.engine.exercise import Case
    from checks.engine.messages import render
    from checks.engine.show import show_case
    case = Case((np.ones((1, 1)), np.ones((1, 1)), np.zeros((1, 1))),
                expected=np.array([[0.123456789]]))
    shown = show_case(EXERCISES["dense_forward"], case, np.array([[0.123457]]))   # a Table
    lines = render(shown, "en").splitlines()
    assert lines[-2].split("=")[1] != lines[-1].split("=")[1]


def test_shapes_named_in_a_numpy_error():
    from checks.engine.exercise import shapes_named
    assert shapes_named("ValueError: operands could not be broadcast together with shapes "
                        "(4,5) (1,4) ") == [(4, 5), (1, 4)]
    assert shapes_named("shapes (3,) (2, 1)") == [(3,), (2, 1)]


def test_a_broadcast_error_of_other_shapes_is_not_blamed_on_a_product():
    """M6 of the walkthrough: an error from `+ b.T` is not "an element-wise product"."""
    from checks import run_check
    verdict = run_check("dense_forward", lambda X, W, b: X @ W + np.ones((len(X) + 1, 1)))
    assert verdict.mistake == "shapes_mismatch", verdict.message
    verdict = run_check("dense_forward", lambda X, W, b: X * W + b)
    assert verdict.mistake == "elementwise_product", verdict.message
