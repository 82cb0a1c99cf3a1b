"""python -m checks {build,status,grade}: see README.md."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m checks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate notebooks/ and checks/expected/ from solutions/")
    b.add_argument("--execute", action="store_true",
                   help="first re-run solutions/ to refresh their stored outputs")
    s = sub.add_parser("status", help="which of your exercises pass, per lesson")
    s.add_argument("folder", nargs="?", help="folder of notebooks (default: notebooks/)")
    g = sub.add_parser("grade", help="grade learners' notebooks (files or folders)")
    g.add_argument("paths", nargs="+")
    g.add_argument("--json", help="write the gradebook as JSON here")
    g.add_argument("--csv", help="write one row per submission here")
    args = parser.parse_args(argv)

    if args.command == "build":
        from .build import build
        if args.execute:
            from .execute import execute_solutions
            execute_solutions()
        for path in build():
            print(f"wrote {path}")
    elif args.command == "status":
        from .status import status
        status(args.folder)
    elif args.command == "grade":
        from .grade import grade
        results = grade(args.paths, args.json, args.csv)
        if not results:
            print("No notebooks found under " + ", ".join(args.paths), file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
