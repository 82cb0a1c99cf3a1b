"""Plain data: the only form in which values cross a process boundary or a file.

``encode`` turns nested arrays, numbers, strings, lists, tuples and dicts into
JSON-ready data (arrays as base64 of their float64/int64/bool bytes);
``decode`` rebuilds them. Nothing is ever unpickled, so a file or a child
process can send us numbers and nothing else.

This module imports only the standard library and NumPy: the grading child
loads it by path.
"""
import base64

import numpy as np

from .functions import FUNCTIONS

DTYPES = {"f": "<f8", "i": "<i8", "u": "<i8", "b": "|b1"}  # kinds we keep
MAX_ELEMENTS = 10_000_000   # refuse anything larger than ~80 MB of float64


class NotPlain(TypeError):
    """A value that has no plain form (an object, a function, a string array...); its
    argument is message data (``message_data``) saying what the value is."""


# The messages the learner's process may send: the grader renders only these (a message
# is a template, and a template chosen by learner code could reach the grader's objects).
MESSAGES = frozenset({
    "an array of dtype {dtype} and size {size}", "a value of type {type}",
    "a value nested more than 20 levels deep", "a number of dtype {dtype}",
    "returned {what}, not numbers", "returned a result that could not be read ({error})",
    "returned a result that could not be sent",
    "OSError: a file it wrote passed the {mb:g} MB limit",
    "MemoryError: it used more than {gb:g} GB of memory",
    "RecursionError: it called itself too deeply (endless recursion?)",
    "SyntaxError: the cell is too long or too deeply nested for Python to compile",
    "left a thread running more than {seconds:g} s after it returned; an exercise function "
    "must finish its work before it returns",
    # the lesson stand-ins' errors (invoke.NONE_OF_YOURS and CALLS_ITSELF, after "NotOffered: ")
    "NotOffered: {module}.{name} is your own {name} while this notebook is graded ({name} is "
    "one of its lesson's exercises, so the course's version is not offered), and the notebook "
    "defines no {name} of its own",
    "NotOffered: {module}.{name} is your own {name} while this notebook is graded ({name} is "
    "one of its lesson's exercises, so the course's version is not offered): calling it from "
    "your {name} calls your {name} again",
    "is {provided}, the course's provided version, not the learner's own code"})


def message_data(msgid, /, **args):
    """A learner-visible message as plain data (one of MESSAGES), for the engine's
    messages.from_data: the runtime cannot import the engine (checks/engine/messages.py)."""
    assert msgid in MESSAGES, msgid
    return {"msgid": msgid, "args": args}


def encode(x):
    if isinstance(x, np.random.Generator):      # a case's Generator travels as its seed
        return {"rng": int(x.bit_generator.seed_seq.entropy)}
    if callable(x) and getattr(x, "plain_name", None) in FUNCTIONS:
        return {"fn": x.plain_name}
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, (int, float, np.integer, np.floating, np.bool_)) and np.ndim(x) == 0 \
            and not isinstance(x, np.ndarray):
        return {"scalar": encode(np.asarray(x))} if isinstance(x, np.generic) else x
    if isinstance(x, np.ndarray):
        kind = x.dtype.kind
        if kind not in DTYPES or x.size > MAX_ELEMENTS:
            raise NotPlain(message_data("an array of dtype {dtype} and size {size}",
                                         dtype=str(x.dtype), size=int(x.size)))
        fortran = x.ndim > 1 and x.flags.f_contiguous and not x.flags.c_contiguous
        data = np.ascontiguousarray(x.T if fortran else x, dtype=DTYPES[kind]).tobytes()
        d = {"nd": base64.b64encode(data).decode("ascii"), "dtype": DTYPES[kind],
             "shape": list(x.shape)}
        if fortran:                 # a transposed view stays one (not contiguous row by row)
            d["order"] = "F"
        return d
    if isinstance(x, tuple):
        return {"tuple": [encode(v) for v in x]}
    if isinstance(x, list):
        return [encode(v) for v in x]
    if isinstance(x, dict) and all(isinstance(k, str) for k in x):
        return {"dict": {k: encode(v) for k, v in x.items()}}
    raise NotPlain(message_data("a value of type {type}", type=type(x).__name__))


def decode(d):
    if isinstance(d, list):
        return [decode(v) for v in d]
    if not isinstance(d, dict):
        return d
    if "nd" in d:
        shape = tuple(int(n) for n in d["shape"])
        if d["dtype"] not in DTYPES.values() or np.prod(shape, dtype=float) > MAX_ELEMENTS:
            raise NotPlain("an array too large or of an unknown dtype")
        raw = base64.b64decode(d["nd"])
        if d.get("order") == "F":
            return np.frombuffer(raw, dtype=np.dtype(d["dtype"])).reshape(shape[::-1]).T.copy("K")
        return np.frombuffer(raw, dtype=np.dtype(d["dtype"])).reshape(shape).copy()
    if "fn" in d:
        return FUNCTIONS[d["fn"]]
    if "rng" in d:
        return np.random.default_rng(int(d["rng"]))
    if "scalar" in d:
        return decode(d["scalar"])[()]
    if "tuple" in d:
        return tuple(decode(v) for v in d["tuple"])
    if "dict" in d:
        return {k: decode(v) for k, v in d["dict"].items()}
    raise NotPlain(f"unknown plain form {sorted(d)}")


def normalise(x, depth=0):
    """A learner's return value as plain data: base-class arrays (0-d for numbers),
    lists, tuples, dicts and strings. Raises NotPlain for anything else."""
    if depth > 20:
        raise NotPlain(message_data("a value nested more than 20 levels deep"))
    if isinstance(x, (str, type(None))):
        return x
    if isinstance(x, np.ndarray):     # a subclass is seen as the plain array it holds,
        x = x.view(np.ndarray)         # its size checked before anything is copied
        if x.dtype.kind not in DTYPES or x.size > MAX_ELEMENTS:
            raise NotPlain(message_data("an array of dtype {dtype} and size {size}",
                                         dtype=str(x.dtype), size=int(x.size)))
        return np.array(x)
    if isinstance(x, (bool, int, float, np.generic)):
        a = np.array(x, subok=False)
        if a.dtype.kind not in DTYPES:
            raise NotPlain(message_data("a number of dtype {dtype}", dtype=str(a.dtype)))
        return a
    if isinstance(x, (list, tuple)):
        items = [normalise(v, depth + 1) for v in x]
        return tuple(items) if isinstance(x, tuple) else items
    if isinstance(x, dict) and all(isinstance(k, str) for k in x):
        return {k: normalise(v, depth + 1) for k, v in x.items()}
    raise NotPlain(message_data("a value of type {type}", type=type(x).__name__))


def same(a, b):
    """Exactly equal, arrays and nested containers included (nan equals nan): how both
    the notebook and the grading child tell that a function changed its argument."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return a is b or a == b
