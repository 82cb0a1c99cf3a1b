"""plain.py, the only form in which values cross a process boundary or a file: what goes
in comes out the same, and nothing but numbers, strings and containers gets through."""
import json

import numpy as np
import pytest

from checks.runtime import plain
from checks.runtime.functions import FUNCTIONS

VALUES = [
    None, True, 3, 2.5, "text",
    np.float64(0.25), np.int64(-7), np.bool_(True),
    np.arange(6.0).reshape(2, 3), np.array([[1, 2]]), np.array([True, False]),
    np.zeros((0, 3)), np.array(1.5),
    np.arange(6.0).reshape(2, 3).T,                 # a transposed view stays one
    (np.ones(2), [np.zeros(1), {"W": np.eye(2), "note": "x"}]),
]


def equal(a, b):
    """The same value, type, shape and dtype, all the way down."""
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(equal, a, b))
    if isinstance(a, (np.ndarray, np.generic)):
        return np.asarray(b).dtype == np.asarray(a).dtype and plain.same(np.asarray(a), np.asarray(b))
    return type(a) is type(b) and a == b


def through_json(x):
    """``x`` as it comes out of a process boundary or a file: encoded, as JSON, decoded."""
    return plain.decode(json.loads(json.dumps(plain.encode(x))))


@pytest.mark.parametrize("x", VALUES, ids=lambda x: type(x).__name__)
def test_a_value_survives_the_round_trip(x):
    assert equal(x, through_json(x))


def test_a_transposed_array_comes_back_transposed():
    """numerical_gradient must change x in place, so a W.T case must stay a view-like layout."""
    x = np.arange(6.0).reshape(2, 3).T
    back = through_json(x)
    assert np.array_equal(back, x) and back.flags.f_contiguous and not back.flags.c_contiguous
    assert back.flags.writeable
    assert through_json(np.arange(6.0).reshape(2, 3)).flags.c_contiguous


def test_functions_and_generators_travel_by_name_and_seed():
    f = next(iter(FUNCTIONS.values()))
    assert through_json(f) is f
    rng = through_json(np.random.default_rng(42))
    assert rng.normal() == np.random.default_rng(42).normal()


@pytest.mark.parametrize("x, says", [
    (np.array(["a", "b"]), "dtype <U1"),
    (np.array([object()], dtype=object), "dtype object"),
    (lambda z: z, "a value of type function"),
    ({1: 2}, "a value of type dict"),
    (object(), "a value of type object"),
])
def test_anything_else_is_refused_with_its_kind(x, says):
    with pytest.raises(plain.NotPlain) as refused:
        plain.encode(x)
    data = refused.value.args[0]          # message data, one of the runtime's own messages
    assert data["msgid"] in plain.MESSAGES
    assert says in data["msgid"].format(**data["args"])


def test_decoding_builds_numbers_only_and_refuses_the_rest():
    with pytest.raises(plain.NotPlain, match="unknown plain form"):
        plain.decode({"__reduce__": "os.system"})
    with pytest.raises(plain.NotPlain, match="too large or of an unknown dtype"):
        plain.decode({"nd": "", "dtype": "|O", "shape": [1]})
    with pytest.raises(plain.NotPlain, match="too large"):
        plain.decode({"nd": "", "dtype": "<f8", "shape": [10 ** 5, 10 ** 5]})


def test_normalise_sees_a_subclass_as_its_plain_array_and_limits_depth():
    class Lying(np.ndarray):
        def __eq__(self, other):
            return True
    x = np.arange(3.0).view(Lying)
    assert type(plain.normalise(x)) is np.ndarray
    deep = []
    for _ in range(30):
        deep = [deep]
    with pytest.raises(plain.NotPlain, match="nested more than 20 levels"):
        plain.normalise(deep)


def test_same_is_exact_and_nan_equals_nan():
    assert plain.same(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    assert not plain.same(np.array([1.0]), np.array([1.0 + 1e-15]))
    assert not plain.same(np.array([1.0]), np.array([[1.0]]))
    assert not plain.same((1,), [1])
    assert plain.encode((1, 2)) == {"tuple": [1, 2]}
