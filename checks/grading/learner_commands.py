"""The learners' commands (``python -m checks status``, ``reset``); a release ships these."""
from ..command import Command


def language(parser, help):
    parser.add_argument("--lang", choices=("en", "zh-TW"), default="en", help=help)


def status_arguments(p):
    p.add_argument("folder", nargs="?", help="folder of notebooks (default: notebooks/)")
    p.add_argument("--plain", action="store_true",
                   help="run the notebooks in a plain Python process, as on macOS and Windows")
    language(p, help="the messages' language; zh-TW also means the folder notebooks/zh-TW/")


def status(args):
    from .status import status
    status(args.folder, platform="plain" if args.plain else None, lang=args.lang)


def reset_arguments(p):
    p.add_argument("lesson", help="its number (03) or name (03_forward_pass)")
    language(p, help="zh-TW: a lesson of notebooks/zh-TW/")


def reset(args):
    from ..engine.messages import msg, render
    from .reset import ResetError, reset
    lang = getattr(args, "lang", "en")
    try:
        path, saved, origin = reset(args.lesson, lang=lang)
    except ResetError as e:
        raise ResetError(render(e.args[0], lang)) from None
    if saved:
        print(render(msg("Your notebook is kept as {path}.", path=str(saved)), lang))
    print(render(msg("{path} is a fresh copy ({origin}).", path=str(path), origin=origin), lang))


COMMANDS = [
    Command("status", help="which of your exercises pass, per lesson", run=status,
            arguments=status_arguments, needs=("grading.status",)),
    Command("reset", help="a fresh copy of a lesson's notebook (yours is backed up)", run=reset,
            arguments=reset_arguments, needs=("grading.reset",)),
]
