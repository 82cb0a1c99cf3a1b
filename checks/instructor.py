"""The instructor's commands, run from ``python -m checks``: guide, slides, progress, reset."""
import sys


def run(args):
    """Runs one parsed command; returns the exit code. Errors are sentences, not tracebacks."""
    try:
        return COMMANDS[args.command](args) or 0
    except (FileNotFoundError, RuntimeError, ValueError, OSError) as e:
        print(e, file=sys.stderr)
        return 2


def guide(args):
    from .guide import OUT, write_guide
    print(f"wrote {OUT}" if write_guide() else f"{OUT} is up to date")


def slides(args):
    from . import slides as s
    if args.fetch_vendor:
        for folder in s.fetch_vendor():
            print(f"fetched {folder}")
    zh = getattr(args, "lang", "en") == "zh-TW"
    out = args.out or (s.OUT / "zh-TW" if zh else s.OUT)
    folder = s.ROOT / "solutions" / "zh-TW" if zh else None
    for path in s.build_slides(out, solutions_folder=folder, solutions=args.solutions):
        print(f"wrote {path}")
    print("Present offline: open any .html in that folder (keep assets/ next to it); "
          "press S for the speaker view.")


def progress(args):
    from .progress import progress
    progress(args.folder, args.png, csv=args.csv, heatmap_png=args.heatmap,
             results_dir=args.results, regrade=args.regrade)


def reset(args):
    from .messages import render
    from .reset import ResetError, reset
    lang = getattr(args, "lang", "en")
    try:
        path, saved, origin = reset(args.lesson, lang=lang)
    except ResetError as e:
        print(render(str(e), lang), file=sys.stderr)
        return 2
    if saved:
        print(render(f"Your notebook is kept as {saved}.", lang))
    print(render(f"{path} is a fresh copy ({origin}).", lang))


COMMANDS = {"guide": guide, "slides": slides, "progress": progress, "reset": reset}
