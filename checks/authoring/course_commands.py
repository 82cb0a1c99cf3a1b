"""Building the course from solutions/ (``python -m checks build``, ``translate``,
``release``): the instructor's copy has them, a learner's release does not."""
from ..command import Command


def build_arguments(p):
    p.add_argument("--execute", action="store_true",
                   help="first re-run solutions/ to refresh their stored outputs")


def build_course(execute=False):
    """``make build``'s steps: the notebooks, the practice cases, the provided modules' uses,
    the mistakes guide, then the zh-TW edition; returns the paths written."""
    from ..grading.provided import write_needs  # what each lesson's cells use of blocks, digits
    from .build import build_expected, build_notebooks
    from .guide import write_guide  # docs/mistakes.md, from the same catalogue
    from .translate import build_translations  # the zh-TW edition (checks/authoring/translate.py)
    changed = build_notebooks()
    build_expected()
    needs = write_needs()
    guide = write_guide()
    return changed + ([guide] if guide else []) + ([needs] if needs else []) \
        + build_translations(execute=execute)


def build(args):
    from .build import MarkerError
    from .translate import TranslationError
    try:
        if args.execute:
            from .build import build_expected
            from .execute import execute_solutions
            build_expected()    # first: a new exercise's check cell needs its cases to run
            execute_solutions()
        for path in build_course(execute=args.execute):
            print(f"wrote {path}")
    except MarkerError as e:
        raise MarkerError(f"build stopped: {e}") from None
    except TranslationError as e:
        raise TranslationError(f"The zh-TW edition is not built:\n{e}") from None


def translate_arguments(p):
    p.add_argument("lessons", nargs="*",
                   help="also start catalogues for these lessons (03_forward_pass)")


def translate(args):
    from ..errors import ANSWER_NO, DONE
    from .translate import missing, stale_report, update
    found = {k: v for k, v in update(args.lessons).items() if v}
    print(stale_report(found) if found else "Every zh-TW catalogue is complete.")
    if missing():
        print("Lessons without a catalogue (not in the zh-TW edition yet): " + ", ".join(missing()))
    return ANSWER_NO if found else DONE


def release_arguments(p):
    p.add_argument("out", help="the folder to build it in (an earlier release there is updated)")


def release(args):
    from .release import build_release
    print(f"wrote the learners' release to {build_release(args.out)}")


COMMANDS = [
    Command("build", help="generate notebooks/ and checks/practice_cases/ from solutions/", run=build,
            arguments=build_arguments, needs=("authoring.build", "authoring.execute", "authoring.translate", "solutions/")),
    Command("translate", help="merge the English of solutions/ into the zh-TW catalogues "
            "(locale/) and list the entries to translate", run=translate,
            arguments=translate_arguments, needs=("authoring.translate", "solutions/")),
    Command("release", help="build the learners' release (no solutions) in a folder",
            run=release, arguments=release_arguments, needs=("authoring.release", "solutions/")),
]
