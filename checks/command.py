"""What a command of ``python -m checks`` is, and which commands this copy of the course has.

Each part of ``checks/`` that has commands declares them in its command module, as
``COMMANDS = [Command(...), ...]``; the module is light (it imports its part's code only when
a command runs), so listing every command loads neither NumPy nor the catalogue
(tests/test_startup.py; benchmarks/startup.py times it against a bare Python). A command is
present when its part's module is, and so are the modules and folders it ``needs``: a
learner's release, which leaves out grading and building, simply has fewer commands.
"""
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Callable

from .engine.source import ROOT

# The command modules, in the order --help lists their commands. tests/test_commands.py
# fails if a module of checks/ declares COMMANDS without being named here.
PARTS = ("grading.learner_commands", "authoring.course_commands", "classroom.grading_commands", "classroom.instructor")


def no_arguments(parser):
    pass


@dataclass(frozen=True)
class Command:
    """``python -m checks NAME``.

    name:      the subcommand
    help:      one line for --help
    run:       run(args) -> exit code (None means 0); raises CourseError for an expected failure
    arguments: arguments(parser) adds its options to its argparse parser
    needs:     modules of checks/ (dotted, e.g. ``"classroom.hidden_cases"``) and folders of
               the course (``"solutions/"``) it cannot run without, beyond its part's module;
               tests/test_commands.py checks them against the modules its code imports
    """
    name: str
    help: str
    run: Callable
    arguments: Callable = no_arguments
    needs: tuple = ()

    def missing(self, root=ROOT):
        """What this copy of the course lacks for the command (empty: it can run)."""
        return [n for n in self.needs
                if not ((root / n).is_dir() if n.endswith("/") else module_present(n, root))]


def module_present(name, root=ROOT):
    """Is checks.<name> in the course at ``root`` (a file, or a folder with __init__.py)?"""
    path = root / "checks" / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def parts(root=ROOT):
    """The command modules present here, in PARTS order."""
    return [import_module(f"checks.{part}") for part in PARTS if module_present(part, root)]


def present(root=ROOT):
    """The commands this copy of the course can run, in --help's order."""
    return [c for part in parts(root) for c in part.COMMANDS if not c.missing(root)]


def everywhere():
    """Every command of the parts present, whether it can run here or not."""
    return [c for part in parts() for c in part.COMMANDS]
