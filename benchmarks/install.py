"""How long installing the course takes, where the time goes, and the alternatives side by side.

Learner (default): each route builds a fresh virtual environment under a temporary folder
(the course folder is not touched) and installs ``requirements.txt`` and the course:

    make install      the Makefile's own target (VENV=<temporary>): what `make lab` runs first
    pip (before)      the route `make install` took before uv: venv, pip upgrade,
                      pip install -r requirements.txt, pip install --no-deps -e .
    pip, lean         venv, pip install --no-compile (no pip upgrade)
    uv                venv, pip install uv, uv pip install -r requirements.txt, uv pip install -e .
    uv, bytecode      the same with uv's --compile-bytecode (as pip does by default)

Each step is printed with its wall and CPU time (pip's own steps split into resolving and
fetching, then installing), then a table of the routes' totals as ratios to `make install`,
then the first import of the lessons' packages after each route (uv writes no bytecode at
install: the first import writes it, once). With ``--runs N`` every route runs N times,
interleaved, and the table shows the spread. The package caches (pip's and uv's) are the
user's own, so after a first run they are warm: the figures are the install itself, not the
download; ``--cold`` gives every run empty caches of its own instead.

``--gradescope``: the Gradescope autograder's setup.sh (checks/classroom/gradescope_bundle.py),
run as Gradescope runs it (empty caches, AUTOGRADER_ROOT in a temporary folder): its time, the
venv's size and what is in it, then run_autograder grading every solution notebook in that
venv, which must give full marks.

    python3 benchmarks/install.py                  # the learner's routes, once each
    python3 benchmarks/install.py --runs 3 --routes "make install" uv
    .venv/bin/python benchmarks/install.py --gradescope --runs 2     # needs the course installed

The machine is shared: compare CPU times, and read the load average printed at the end.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_IMPORT = "import numpy, matplotlib.pyplot, nbformat, ipykernel, ipywidgets, jupyterlab, checks.notebook"


def uv_pin():
    """The uv that `make install` installs (the Makefile's UV)."""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.replace(" ", "").startswith("UV:="):
            return line.split(":=", 1)[1].strip()
    return "uv"


def step(command, label, env=None, cwd=ROOT):
    """Runs ``command``; prints and returns (wall, CPU) seconds."""
    start, before = time.monotonic(), os.times()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    installing, output = None, []
    for line in process.stdout:
        output.append(line)
        if installing is None and line.startswith("Installing collected packages"):
            installing = time.monotonic() - start
    process.wait()
    wall, after = time.monotonic() - start, os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    split = (f"  (resolving and fetching {installing:.1f} s, installing {wall - installing:.1f} s)"
             if installing is not None else "")
    print(f"  {label:<46} {wall:6.1f} s wall {cpu:6.1f} s CPU{split}", flush=True)
    if process.returncode:
        print("".join(output[-20:]))
        sys.exit(f"{label} failed (exit code {process.returncode})")
    return wall, cpu


def learner_routes(venv):
    """Each route: a list of (label, command)."""
    py = str(venv / "bin" / "python")
    uv = str(venv / "bin" / "uv")
    pip = [py, "-m", "pip", "install", "--progress-bar", "off"]
    return {
        "make install": [("make install", ["make", "--no-print-directory", "install",
                                           f"VENV={venv}"])],
        "pip (before)": [("python -m venv", [sys.executable, "-m", "venv", str(venv)]),
                         ("pip install --upgrade pip", pip + ["-q", "--upgrade", "pip"]),
                         ("pip install -r requirements.txt", pip + ["-r", "requirements.txt"]),
                         ("pip install --no-deps -e .", pip + ["-qq", "--no-deps", "-e", "."])],
        "pip, lean": [("python -m venv", [sys.executable, "-m", "venv", str(venv)]),
                      ("pip install --no-compile -r requirements.txt",
                       pip + ["--no-compile", "-r", "requirements.txt"]),
                      ("pip install --no-deps -e .", pip + ["-qq", "--no-deps", "-e", "."])],
        "uv": [("python -m venv", [sys.executable, "-m", "venv", str(venv)]),
               (f"pip install {uv_pin()}", pip + ["-q", uv_pin()]),
               ("uv pip install -r requirements.txt",
                [uv, "pip", "install", "--python", py, "-r", "requirements.txt"]),
               ("uv pip install --no-deps -e .",
                [uv, "pip", "install", "-q", "--python", py, "--no-deps", "-e", "."])],
        "uv, bytecode": [("python -m venv", [sys.executable, "-m", "venv", str(venv)]),
                         (f"pip install {uv_pin()}", pip + ["-q", uv_pin()]),
                         ("uv pip install --compile-bytecode -r ...",
                          [uv, "pip", "install", "--compile-bytecode", "--python", py,
                           "-r", "requirements.txt"]),
                         ("uv pip install --no-deps -e .",
                          [uv, "pip", "install", "-q", "--python", py, "--no-deps", "-e", "."])],
    }


def environment(folder, cold):
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)      # as on a learner's machine, and Gradescope's
    if cold:
        env["PIP_CACHE_DIR"], env["UV_CACHE_DIR"] = str(folder / "pip-cache"), str(folder / "uv-cache")
    return env


def site_packages_mb(venv):
    return sum(p.stat().st_size for p in venv.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def learner(args):
    results = {name: [] for name in args.routes}
    first_import = {name: [] for name in args.routes}
    for run in range(args.runs):
        for name in args.routes:
            folder = Path(tempfile.mkdtemp(prefix="install-bench-"))
            venv = folder / "venv"
            env = environment(folder, args.cold)
            try:
                print(f"{name} (run {run + 1} of {args.runs}{', cold caches' if args.cold else ''})",
                      flush=True)
                steps = [step(command, label, env) for label, command in learner_routes(venv)[name]]
                wall, cpu = sum(w for w, _ in steps), sum(c for _, c in steps)
                print(f"  {'total':<46} {wall:6.1f} s wall {cpu:6.1f} s CPU; "
                      f"venv {site_packages_mb(venv):.0f} MB", flush=True)
                results[name].append((wall, cpu))
                first_import[name].append(step([str(venv / "bin" / "python"), "-c", FIRST_IMPORT],
                                               "then: the lessons' first import", env)[0])
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(w for w, _ in results[args.routes[0]])
    print(f"\nSide by side ({args.runs} run{'s' * (args.runs > 1)} each; ratio of median wall "
          f"times to {args.routes[0]!r}):")
    print(f"  {'route':<14} {'wall s (min-max)':>20} {'CPU s (min-max)':>20} {'ratio':>6}"
          f" {'first import s':>15}")
    for name, runs in results.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"  {name:<14} {spread(walls):>20} {spread(cpus):>20} "
              f"{statistics.median(walls) / base:6.2f} {spread(first_import[name]):>15}")


def spread(values):
    return (f"{values[0]:.1f}" if len(values) == 1
            else f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})")


def sizes(venv, top=12):
    """The biggest top-level entries of the venv's site-packages, in MB."""
    site = next(venv.glob("lib/python3*/site-packages"))
    entries = {}
    for p in site.iterdir():
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
        entries[p.name] = sum(f.stat().st_size for f in files) / 1e6
    return sorted(entries.items(), key=lambda kv: -kv[1])[:top]


def gradescope(args):
    from checks.classroom.gradescope_bundle import build_bundle
    walls, megabytes = [], []
    for run in range(args.runs):
        folder = Path(tempfile.mkdtemp(prefix="gradescope-bench-"))
        try:
            bundle = build_bundle(folder / "autograder.zip")
            zipfile.ZipFile(bundle).extractall(folder / "source")
            # Gradescope starts from an image with no package cache: so does each run here.
            env = {**environment(folder, True), "AUTOGRADER_ROOT": str(folder)}
            print(f"Gradescope setup.sh (run {run + 1} of {args.runs}, empty caches)", flush=True)
            wall, _ = step(["bash", str(folder / "source" / "setup.sh")], "setup.sh", env)
            venv = folder / "venv"
            size = site_packages_mb(venv)
            walls.append(wall)
            megabytes.append(size)
            print(f"  venv: {size:.1f} MB; biggest in site-packages: "
                  + ", ".join(f"{name} {mb:.1f}" for name, mb in sizes(venv)), flush=True)
            (folder / "submission").mkdir()
            for notebook in sorted((ROOT / "solutions").glob("0*.ipynb")):
                shutil.copy(notebook, folder / "submission")
            env["AUTOGRADER_PYTHON"] = str(venv / "bin" / "python")
            compiled = set(venv.rglob("*.pyc"))
            step(["bash", str(folder / "source" / "run_autograder")],
                 "run_autograder: every solution notebook", env, cwd=folder)
            missed = sorted(str(p.relative_to(venv)) for p in set(venv.rglob("*.pyc")) - compiled)
            print(f"  bytecode grading wrote (what setup.sh's imports missed): {len(missed)} files "
                  + " ".join(missed[:8]), flush=True)
            result = json.loads((folder / "results" / "results.json").read_text(encoding="utf-8"))
            full = sum(t["max_score"] for t in result["tests"])
            print(f"  score {result['score']} of {full}, {len(result['tests'])} tests", flush=True)
            if result["score"] != full or not result["tests"]:
                sys.exit("The slim venv did not grade the solutions to full marks:\n"
                         + json.dumps(result, indent=1)[:3000])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\nGradescope setup.sh: {spread(walls)} s wall, venv {spread(megabytes)} MB "
          f"(goals: under 40 s, under 150 MB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--routes", nargs="+", default=["make install", "pip (before)",
                                                         "pip, lean", "uv"])
    parser.add_argument("--cold", action="store_true", help="empty package caches for each run")
    parser.add_argument("--gradescope", action="store_true",
                        help="the Gradescope autograder's setup.sh instead of the learner's install")
    args = parser.parse_args()
    unknown = set(args.routes) - set(learner_routes(Path("v")))
    if unknown:
        parser.error(f"unknown route {', '.join(sorted(unknown))}; "
                     f"known: {', '.join(learner_routes(Path('v')))}")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; load average "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
    gradescope(args) if args.gradescope else learner(args)
    print("load average now " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
