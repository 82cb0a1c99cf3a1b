"""Grading a class (``python -m checks grade``, ``isolation``, ``gradescope-bundle``,
``nbgrader-export``): the instructor's copy has them, a learner's release does not."""
from ..command import Command


def grade_arguments(p):
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", help="write everything as JSON here (learners and notebooks)")
    p.add_argument("--csv", help="write one row per notebook here")
    p.add_argument("--gradebook", metavar="FILE.csv",
                   help="write one row per learner: a column per lesson, total and maximum")
    p.add_argument("--assignment", metavar="NAME",
                   help="grade only this assignment of grading.toml (its lessons and points)")
    p.add_argument("--canvas", metavar="FILE.csv", help="write Canvas's gradebook import CSV")
    p.add_argument("--moodle", metavar="FILE.csv", help="write Moodle's grade import CSV")
    p.add_argument("--jobs", "-j", type=int, default=1, help="grade N notebooks at a time")
    p.add_argument("--feedback", metavar="DIR", help="write one Markdown feedback file per learner")
    p.add_argument("--lang", choices=("en", "zh-TW"), default="en",
                   help="the language of the feedback files (the JSON and CSV stay English)")
    p.add_argument("--gradescope", metavar="FILE",
                   help="write Gradescope's results.json (all notebooks: one learner's submission)")
    p.add_argument("--roster", metavar="FILE.csv",
                   help="the class list: login, name, email, section, canvas_id, sis_id, "
                        "moodle_username (or Canvas's gradebook export, or Moodle's "
                        "participants export, as they are); everyone on it gets a row")
    p.add_argument("--overrides", metavar="FILE.csv",
                   help="score overrides applied after grading: learner, item (exercise, "
                        "lesson or late), points, reason")
    p.add_argument("--dates", metavar="FILE.csv",
                   help="when each learner handed in: learner, submitted[, lesson] "
                        "(for the late rules of grading.toml)")
    p.add_argument("--only", metavar="LEARNER", action="append",
                   help="grade this learner again (repeat for more); the others' stored "
                        "results are reused, and every output is written whole")
    p.add_argument("--store", "--results", dest="store", metavar="DIR",
                   help="keep each result here as it is graded, and reuse it next time "
                        "(default: beside the first folder given, FOLDER.results)")
    p.add_argument("--excel", action="store_true",
                   help="write the CSV files with a byte order mark, for Excel")
    p.add_argument("--regrade", action="store_true", help="ignore stored results; grade everything")
    p.add_argument("--no-isolation", action="store_true",
                   help="grade even where learner code cannot be isolated (it can then read "
                        "what your user can read; see README, Security)")


def grade(args):
    from .grade_class import cli
    return cli(args)


def isolation(args):
    from ..errors import ANSWER_NO, DONE
    from ..grading.zygote import isolation_refused
    why = isolation_refused()
    print("Isolation: available." if why is None else f"Isolation: not available ({why}).")
    return DONE if why is None else ANSWER_NO


def bundle_arguments(p):
    p.add_argument("out", nargs="?", default="gradescope_autograder.zip")
    p.add_argument("--assignment", metavar="NAME",
                   help="the assignment of grading.toml this Gradescope assignment grades")


def bundle(args):
    from .gradescope_bundle import build_bundle
    print(f"wrote {build_bundle(args.out, assignment=args.assignment)}")


def nbgrader_arguments(p):
    p.add_argument("out", help="the nbgrader course folder (its source/ is written)")


def nbgrader_export(args):
    from .nbgrader_export import export
    for folder in export(args.out):
        print(f"wrote {folder}")
    print(f"Next, in {args.out}: nbgrader generate_assignment NAME, then nbgrader autograde "
          "NAME (see docs/instructor-guide.md, Grading).")


# Grading needs the hidden cases and the reference solutions; so do the Gradescope bundle
# (it ships them to Gradescope) and the feedback files and results.json grade can write.
GRADING = ("classroom.grade_class", "classroom.hidden_cases", "classroom.feedback", "classroom.gradescope_results", "solutions/")

COMMANDS = [
    Command("grade", help="grade learners' notebooks (files or folders)", run=grade,
            arguments=grade_arguments, needs=GRADING),
    Command("isolation", help="can learner code be isolated here? (exit 0 if so)",
            run=isolation, needs=("grading.zygote",)),
    Command("gradescope-bundle", help="build the Gradescope autograder zip", run=bundle,
            arguments=bundle_arguments, needs=("classroom.gradescope_bundle", "authoring.release") + GRADING),
    Command("nbgrader-export", help="the course as an nbgrader course folder",
            run=nbgrader_export, arguments=nbgrader_arguments,
            needs=("classroom.nbgrader_export", "authoring.release", "solutions/")),
]
