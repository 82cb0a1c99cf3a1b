"""Checks for the course: ``check(id, fn)`` in a notebook, ``python -m checks`` outside."""
from .engine.language import use_language
from .engine.notebook import check, run_check

__all__ = ["check", "run_check", "use_language"]
