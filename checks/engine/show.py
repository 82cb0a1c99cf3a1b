"""Formats a case for a learner: inputs, expected and got, small enough to read."""
import numpy as np

from .messages import Joined, Table, Verbatim, msg, nmsg, pmsg


def fmt(x, precision=4):
    """``x`` as the learner reads it: text (numbers with ``precision`` decimals in arrays, 2
    more significant digits alone) or a Message (words); an array's later lines are
    indented by the Table that shows it."""
    if isinstance(x, (float, np.generic)) or (isinstance(x, np.ndarray) and x.ndim == 0):
        return f"{float(x):.{precision + 2}g}"
    if isinstance(x, np.ndarray):
        if x.size > 36:
            return msg("array of shape {shape} (too large to show)", shape=x.shape)
        text = np.array2string(x, precision=precision, suppress_small=False, max_line_width=80)
        return msg("{array}   shape {shape}", array=text, shape=x.shape) if x.ndim else text
    if isinstance(x, (list, tuple)):
        if sum(np.size(v) for v in x if isinstance(v, np.ndarray)) > 36 or len(x) > 6:
            if isinstance(x, tuple):
                return nmsg("tuple of {n} item (too large to show)",
                            "tuple of {n} items (too large to show)", len(x))
            return nmsg("list of {n} item (too large to show)",
                        "list of {n} items (too large to show)", len(x))
        open_, close_ = "()" if isinstance(x, tuple) else "[]"
        return msg("{open}{items}{close}", open=open_, close=close_,
                   items=Joined([fmt(v, precision) for v in x], words=False))
    if callable(x):
        doc = getattr(x, "__doc__", None)
        return Verbatim(doc) if doc else Verbatim(getattr(x, "__name__", "function"))
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
    """The case's arguments, then expected and got (a Table): only their entry at ``path``
    (shown as ``where``, e.g. "`cache`[1][0]" or a Message) when the results are nested and
    differ there."""
    rows = [(name, fmt(value)) for name, value in zip(ex.arg_names, case.args)]
    rows += [(name, fmt(value)) for name, value in case.kwargs.items()]
    if path and where:
        expected, got_ = (entry(case.expected, path), entry(got, path))
        labels = (pmsg("label", "expected {where}", where=where),
                  pmsg("label", "got {where}", where=where))
    else:
        expected, got_ = case.expected, got
        labels = (pmsg("label", "expected"), pmsg("label", "got"))
    precision = alike_until(expected, got_)
    rows += [(labels[0], fmt(expected, precision)), (labels[1], fmt(got_, precision))]
    return Table(rows)


def alike_until(expected, got):
    """The decimals (4 at least) at which expected and got no longer print alike, when
    they differ: numbers that look equal are never shown as a failure."""
    for precision in (4, 7, 10, 15):
        if str(fmt(expected, precision)) != str(fmt(got, precision)):
            return precision
    return 4
