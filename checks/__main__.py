"""python -m checks COMMAND: the course's command line. It lists the commands of the parts
present in this copy of the course (checks/command.py); README.md says more."""
import argparse
import re
import sys

from .command import PARTS, everywhere, parts, present
from .errors import EXIT_CODES, INTERRUPTED, STOPPED, CourseError


def tolerant_output():
    """A console that cannot show ✅ (cp1252, an ASCII locale) prints ? instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


class Parser(argparse.ArgumentParser):
    """argparse, except that a command this copy of the course lacks is named as such."""
    commands = ()

    def error(self, message):
        asked = re.search(r"invalid choice: '([^']*)'", message)
        if asked and self.commands:
            why = absent(asked[1], self.commands)
            if why:
                self.print_usage(sys.stderr)
                self.exit(STOPPED, f"{self.prog}: {why}\n")
        super().error(message)


def absent(name, here):
    """Why the command ``name`` is not in this copy of the course (None: no such command)."""
    listed = ", ".join(c.name for c in here)
    known = next((c for c in everywhere() if c.name == name), None)
    if known:
        return (f"`{name}` cannot run in this copy of the course: it lacks "
                f"{', '.join(known.missing())}. It runs in the instructor's copy (the "
                f"repository); this copy has: {listed}.")
    if len(parts()) < len(PARTS):
        return (f"this copy of the course has no command {name!r}; it has: {listed}. A "
                "learner's release has only the learners' commands: grading and building the "
                "course need the instructor's copy (the repository).")
    return None


def parser(commands):
    top = Parser(prog="python -m checks", description=__doc__, epilog=EXIT_CODES,
                 formatter_class=argparse.RawDescriptionHelpFormatter)
    top.commands = commands
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             title="commands")
    for c in commands:
        c.arguments(sub.add_parser(c.name, help=c.help, description=c.help))
    return top


def main(argv=None):
    """Runs one command; returns its exit code (errors.py lists them)."""
    tolerant_output()
    commands = present()
    args = parser(commands).parse_args(argv)
    command = next(c for c in commands if c.name == args.command)
    try:
        return command.run(args) or 0
    except CourseError as e:
        print(e, file=sys.stderr)
        return e.exit_code
    except OSError as e:
        if e.filename is None:          # not a file we were given: a bug, keep its traceback
            raise
        print(f"{e.strerror or e}: {e.filename}", file=sys.stderr)
        return STOPPED
    except KeyboardInterrupt:
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
