"""Formats a case for a learner: inputs, expected and got, small enough to read."""
import numpy as np


def fmt(x, indent, precision=4):
    """``x`` as the learner reads it: numbers with ``precision`` decimals in arrays (and 2
    more significant digits alone)."""
    if isinstance(x, (float, np.generic)) or (isinstance(x, np.ndarray) and x.ndim == 0):
        return f"{float(x):.{precision + 2}g}"
    if isinstance(x, np.ndarray):
        if x.size > 36:
            return f"array of shape {x.shape} (too large to show)"
        text = np.array2string(x, precision=precision, suppress_small=False, max_line_width=80)
        shape = f"   shape {x.shape}" if x.ndim else ""
        return text.replace("\n", "\n" + " " * indent) + shape
    if isinstance(x, (list, tuple)):
        if sum(np.size(v) for v in x if isinstance(v, np.ndarray)) > 36 or len(x) > 6:
            return f"{type(x).__name__} of {len(x)} items (too large to show)"
        open_, close_ = "()" if isinstance(x, tuple) else "[]"
        return open_ + ", ".join(fmt(v, indent, precision) for v in x) + close_
    if callable(x):
        return getattr(x, "__doc__", None) or getattr(x, "__name__", "a function")
    return repr(x)


def entry(value, path):
    """``value[path[0]][path[1]]...``, or None where it has no such entry."""
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def show_case(ex, case, got, path=(), where=None):
    """The case's arguments, then expected and got: only their entry at ``path`` (named
    ``where``, e.g. "`cache`[1][0]") when the results are nested and differ there."""
    rows = [(name, value) for name, value in zip(ex.arg_names, case.args)]
    rows += list(case.kwargs.items())
    if path and where:
        rows += [(f"expected {where}", entry(case.expected, path)),
                 (f"got {where}", entry(got, path))]
    else:
        rows += [("expected", case.expected), ("got", got)]
    width = max(len(name) for name, _ in rows) + 4
    precision = alike_until(rows[-2][1], rows[-1][1], width)
    return "\n".join(f"  {name:<{width - 4}} = {fmt(value, width, precision)}"
                     for name, value in rows)


def alike_until(expected, got, indent):
    """The decimals (4 at least) at which expected and got no longer print alike, when
    they differ: numbers that look equal are never shown as a failure."""
    for precision in (4, 7, 10, 15):
        if fmt(expected, indent, precision) != fmt(got, indent, precision):
            return precision
    return 4
