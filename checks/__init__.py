"""Checks for the course: ``check(id, fn)`` in a notebook, ``python -m checks`` outside."""
from pathlib import Path

from .runtime.provided_modules import course_modules_first

course_modules_first(Path(__file__).resolve().parents[1])    # before anything imports blocks
from .engine.language import use_language  # noqa: E402
from .engine.notebook import check, run_check  # noqa: E402

__all__ = ["check", "run_check", "use_language"]
