"""The instructor's commands (``python -m checks guide``, ``slides``, ``progress``): the
instructor's copy has them, a learner's release does not."""
from ..command import Command


def guide(args):
    from ..authoring.guide import OUT, write_guide
    print(f"wrote {OUT}" if write_guide() else f"{OUT} is up to date")


def slides_arguments(p):
    p.add_argument("--out", help="folder for the decks (default: build/slides/)")
    p.add_argument("--solutions", action="store_true", help="show the solutions on the slides")
    p.add_argument("--lang", choices=("en", "zh-TW"), default="en",
                   help="zh-TW: the decks of solutions/zh-TW/ (default folder build/slides/zh-TW/)")
    p.add_argument("--fetch-vendor", action="store_true",
                   help="first re-download reveal.js and KaTeX into vendor/ (needs network)")


def slides(args):
    from ..authoring import slides as s
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


def progress_arguments(p):
    p.add_argument("folder")
    p.add_argument("--png", help="save the summary figure (a bar per exercise) here")
    p.add_argument("--csv", help="save the per-learner table (a column per exercise) here")
    p.add_argument("--heatmap", metavar="PNG",
                   help="save a learners x exercises heat map here (classes up to 150)")
    p.add_argument("--store", "--results", dest="results", metavar="DIR",
                   help="stored results (default: FOLDER.results beside the class folder, "
                        "where grade keeps them too)")
    p.add_argument("--regrade", action="store_true", help="ignore stored results")
    p.add_argument("--assignment", metavar="NAME",
                   help="only this assignment of grading.toml (or one lesson: 03)")
    p.add_argument("--jobs", "-j", type=int,
                   help="grade N notebooks at a time (default: every core)")


def progress(args):
    from .class_report import progress
    options = {"jobs": args.jobs} if getattr(args, "jobs", None) else {}
    progress(args.folder, args.png, csv=args.csv, heatmap_png=args.heatmap,
             results_dir=args.results, regrade=args.regrade,
             assignment=getattr(args, "assignment", None), **options)


COMMANDS = [
    Command("guide", help="write docs/mistakes.md from the mistake catalogue", run=guide,
            needs=("authoring.guide", "docs/")),
    Command("slides", help="every lesson as an offline slide deck in build/slides/", run=slides,
            arguments=slides_arguments, needs=("authoring.slides", "solutions/")),
    Command("progress", help="grade a class folder: pass rates, stuck spots, heat map",
            run=progress, arguments=progress_arguments,
            needs=("classroom.class_report", "classroom.grade_class", "classroom.hidden_cases", "solutions/")),
]
