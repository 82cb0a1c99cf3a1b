"""Checks for the course: ``check(id, fn)`` in a notebook, ``python -m checks`` outside.

Importing ``checks`` is light: ``check``, ``run_check`` and ``use_language`` are loaded when
first asked for (PEP 562), so the command line (``python -m checks --help``, ``status``)
starts without NumPy or the catalogue. ``from checks import check`` loads them."""
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .runtime.provided_modules import course_modules_first

# `import blocks` gives the course's blocks (and digits), even where a learner's own file of
# that name comes first on the path; stdlib only, and nothing is imported when there is none
course_modules_first(Path(__file__).resolve().parents[1])

# name -> the module of checks/ that defines it
LAZY = {"check": "notebook", "run_check": "notebook", "use_language": "engine.language"}

__all__ = ["check", "run_check", "use_language"]

if TYPE_CHECKING:                       # for type checkers and editors: the real names
    from .engine.language import use_language
    from .notebook import check, run_check


def __getattr__(name):
    if name not in LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{LAZY[name]}"), name)
    globals()[name] = value             # found directly from now on
    return value


def __dir__():
    return sorted({*globals(), *LAZY})
