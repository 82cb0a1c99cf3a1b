"""One type for the failures the course expects, and what `python -m checks` exits with.

An expected failure (a wrong option, a missing file, a stale catalogue, a folder the release
would overwrite) raises a ``CourseError`` whose message says what happened and what to do
next. ``python -m checks`` prints that message, without a traceback, and exits with the
error's ``exit_code``. Anything else that escapes is a bug of ours and keeps its traceback.
Library code raises; it never prints an error or calls ``sys.exit``.
"""

DONE = 0          # the command did its job
ANSWER_NO = 1     # it ran, and its answer is no (isolation unavailable, catalogues to update)
STOPPED = 2       # a usage error or an expected failure; the message says what to do next
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it)

EXIT_CODES = f"""exit codes:
  {DONE}    done
  {ANSWER_NO}    done, and the answer is no (isolation not available; zh-TW catalogues to update)
  {STOPPED}    stopped: a usage error, or an expected failure whose message says what to do next
  {INTERRUPTED}  interrupted (Ctrl-C)"""


def did_you_mean(name, choices, n=1):
    """" (did you mean 'x'?)": the closest of ``choices`` to ``name`` (up to ``n`` of them),
    for an error message; "" when none is close."""
    import difflib
    close = difflib.get_close_matches(str(name), list(choices), n=n)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


class CourseError(Exception):
    """An expected failure; ``str(error)`` is the whole message a person reads."""
    exit_code = STOPPED
