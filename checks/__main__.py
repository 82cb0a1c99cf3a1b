"""python -m checks {build,translate,status,grade,isolation,gradescope-bundle,nbgrader-export,
release,...}: see README.md."""
import argparse
import sys


def tolerant_output():
    """A console that cannot show ✅ (cp1252, an ASCII locale) prints ? instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv=None):
    tolerant_output()
    parser = argparse.ArgumentParser(prog="python -m checks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate notebooks/ and checks/expected/ from solutions/")
    b.add_argument("--execute", action="store_true",
                   help="first re-run solutions/ to refresh their stored outputs")
    s = sub.add_parser("status", help="which of your exercises pass, per lesson")
    s.add_argument("folder", nargs="?", help="folder of notebooks (default: notebooks/)")
    s.add_argument("--plain", action="store_true",
                   help="run the notebooks in a plain Python process, as on macOS and Windows")
    s.add_argument("--lang", choices=("en", "zh-TW"), default="en",
                   help="the messages' language; zh-TW also means the folder notebooks/zh-TW/")
    g = sub.add_parser("grade", help="grade learners' notebooks (files or folders)")
    g.add_argument("paths", nargs="+")
    g.add_argument("--json", help="write everything as JSON here (learners and notebooks)")
    g.add_argument("--csv", help="write one row per notebook here")
    g.add_argument("--gradebook", metavar="FILE.csv",
                   help="write one row per learner: a column per lesson, total and maximum")
    g.add_argument("--assignment", metavar="NAME",
                   help="grade only this assignment of grading.toml (its lessons and points)")
    g.add_argument("--canvas", metavar="FILE.csv", help="write Canvas's gradebook import CSV")
    g.add_argument("--moodle", metavar="FILE.csv", help="write Moodle's grade import CSV")
    g.add_argument("--jobs", "-j", type=int, default=1, help="grade N notebooks at a time")
    g.add_argument("--feedback", metavar="DIR", help="write one Markdown feedback file per learner")
    g.add_argument("--lang", choices=("en", "zh-TW"), default="en",
                   help="the language of the feedback files (the JSON and CSV stay English)")
    g.add_argument("--gradescope", metavar="FILE",
                   help="write Gradescope's results.json (all notebooks: one learner's submission)")
    g.add_argument("--results", metavar="DIR",
                   help="store each result here as it is graded (default: beside --json/--csv)")
    g.add_argument("--regrade", action="store_true", help="ignore stored results; grade everything")
    g.add_argument("--no-isolation", action="store_true",
                   help="grade even where learner code cannot be isolated (it can then read "
                        "what your user can read; see README, Security)")
    sub.add_parser("isolation", help="can learner code be isolated here? (exit 0 if so)")
    gb = sub.add_parser("gradescope-bundle", help="build the Gradescope autograder zip")
    gb.add_argument("out", nargs="?", default="gradescope_autograder.zip")
    gb.add_argument("--assignment", metavar="NAME",
                    help="the assignment of grading.toml this Gradescope assignment grades")
    nx = sub.add_parser("nbgrader-export", help="the course as an nbgrader course folder")
    nx.add_argument("out", help="the nbgrader course folder (its source/ is written)")
    tr = sub.add_parser("translate", help="merge the English of solutions/ into the zh-TW "
                        "catalogues (locale/) and list the entries to translate")
    tr.add_argument("lessons", nargs="*", help="also start catalogues for these lessons (03_forward_pass)")
    rl = sub.add_parser("release", help="build the learners' release (no solutions) in a folder")
    rl.add_argument("out")
    # instructors' kit (checks/guide.py, slides.py, progress.py, reset.py)
    sub.add_parser("guide", help="write docs/mistakes.md from the mistake catalogue")
    sl = sub.add_parser("slides", help="every lesson as an offline slide deck in build/slides/")
    sl.add_argument("--out", help="folder for the decks (default: build/slides/)")
    sl.add_argument("--solutions", action="store_true", help="show the solutions on the slides")
    sl.add_argument("--lang", choices=("en", "zh-TW"), default="en",
                    help="zh-TW: the decks of solutions/zh-TW/ (default folder build/slides/zh-TW/)")
    sl.add_argument("--fetch-vendor", action="store_true",
                    help="first re-download reveal.js and KaTeX into vendor/ (needs network)")
    pg = sub.add_parser("progress", help="grade a class folder: pass rates, stuck spots, heat map")
    pg.add_argument("folder")
    pg.add_argument("--png", help="save the summary figure (a bar per exercise) here")
    pg.add_argument("--csv", help="save the per-learner table (a column per exercise) here")
    pg.add_argument("--heatmap", metavar="PNG",
                    help="save a learners x exercises heat map here (classes up to 150)")
    pg.add_argument("--results", metavar="DIR",
                    help="stored results (default: FOLDER.results beside the class folder)")
    pg.add_argument("--regrade", action="store_true", help="ignore stored results")
    rs = sub.add_parser("reset", help="a fresh copy of a lesson's notebook (yours is backed up)")
    rs.add_argument("lesson", help="its number (03) or name (03_forward_pass)")
    rs.add_argument("--lang", choices=("en", "zh-TW"), default="en",
                    help="zh-TW: a lesson of notebooks/zh-TW/")
    args = parser.parse_args(argv)

    if args.command == "build":
        from .build import MarkerError, build
        from .translate import TranslationError
        try:
            if args.execute:
                from .build import build_expected
                from .execute import execute_solutions
                build_expected()    # first: a new exercise's check cell needs its cases to run
                execute_solutions()
            for path in build(execute=args.execute):
                print(f"wrote {path}")
        except MarkerError as e:
            print(f"build stopped: {e}", file=sys.stderr)
            return 2
        except TranslationError as err:
            print(f"The zh-TW edition is not built:\n{err}", file=sys.stderr)
            return 1
    elif args.command == "translate":
        from .translate import missing, stale_report, update
        found = {k: v for k, v in update(args.lessons).items() if v}
        print(stale_report(found) if found else "Every zh-TW catalogue is complete.")
        if missing():
            print("Lessons without a catalogue (not in the zh-TW edition yet): " + ", ".join(missing()))
        return 1 if found else 0
    elif args.command == "status":
        from .status import status
        status(args.folder, platform="plain" if args.plain else None, lang=args.lang)
    elif args.command == "grade":
        from .grade import cli
        return cli(args)
    elif args.command == "isolation":
        from .sandbox import isolation_refused
        why = isolation_refused()
        print("Isolation: available." if why is None else f"Isolation: not available ({why}).")
        return 0 if why is None else 1
    elif args.command == "gradescope-bundle":
        from .bundle import build_bundle
        from .points import PointsError
        try:
            print(f"wrote {build_bundle(args.out, assignment=args.assignment)}")
        except PointsError as e:
            print(e, file=sys.stderr)
            return 2
    elif args.command == "nbgrader-export":
        from .nbgrader_export import export
        from .points import PointsError
        try:
            for folder in export(args.out):
                print(f"wrote {folder}")
        except PointsError as e:
            print(e, file=sys.stderr)
            return 2
        print(f"Next, in {args.out}: nbgrader generate_assignment NAME, then nbgrader autograde "
              "NAME (see docs/instructor-guide.md, Grading).")
    elif args.command == "release":
        from .release import build_release
        print(f"wrote the learners' release to {build_release(args.out)}")
    elif args.command in ("guide", "slides", "progress", "reset"):
        from .instructor import run
        return run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
