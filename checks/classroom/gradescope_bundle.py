"""``python -m checks gradescope-bundle OUT.zip``: the Gradescope autograder, in one zip.

    setup.sh          Gradescope runs it once on its Ubuntu image: a Python >= 3.10 venv in
                      /autograder/venv with requirements-grading.txt (pinned), installed by uv
                      (pip where uv cannot), less what grading never runs
    run_autograder    per submission: grades /autograder/submission/*.ipynb and writes
                      /autograder/results/results.json (AUTOGRADER_ROOT moves /autograder,
                      AUTOGRADER_PYTHON picks the interpreter: that is how the tests run it)
    checks/, solutions/, blocks.py, data/, ...   what grading needs (pyproject's modules),
                      grading.toml (points) and requirements-grading.txt: the pins of
                      requirements.txt that grading needs (NumPy, Matplotlib, nbformat and
                      what they pull in), not the learners' JupyterLab

Layout and format: https://gradescope-autograders.readthedocs.io/en/latest/specs/
"""
import shlex
import stat
import zipfile
from pathlib import Path

from ..authoring.release import project_files
from ..engine.nbread import FORMAT_CHECKER_MODULES
from ..engine.source import ROOT, solution_notebooks

UV = "uv==0.13.10"      # the Makefile's UV (tests/classroom/test_gradescope_bundle.py)
SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euxo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
  if command -v "$candidate" >/dev/null &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    PYTHON="$candidate"; break
  fi
done
export DEBIAN_FRONTEND=noninteractive
if [ -z "$PYTHON" ]; then           # e.g. Ubuntu 20.04 (Python 3.8): the deadsnakes build
  apt-get update
  apt-get install -y software-properties-common
  add-apt-repository -y ppa:deadsnakes/ppa
  apt-get update
  apt-get install -y python3.11 python3.11-venv
  PYTHON=python3.11
fi
if ! "$PYTHON" -m venv "$ROOT/venv"; then   # Debian's python3.X lacks venv until installed
  apt-get update
  apt-get install -y "python$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
  "$PYTHON" -m venv "$ROOT/venv"
fi
VPY="$ROOT/venv/bin/python"
# uv installs in seconds what pip takes a few minutes for (benchmarks/install.py --gradescope);
# pip does it where uv cannot. No install of the course itself: run_autograder runs the grader
# from this folder (python -m checks), and learner code never imports the course's modules.
if "$VPY" -m pip install --no-cache-dir -q "@UV@" &&
   UV_NO_CACHE=1 "$ROOT/venv/bin/uv" pip install --python "$VPY" -r requirements-grading.txt; then
  "$ROOT/venv/bin/uv" pip uninstall --python "$VPY" pip setuptools uv   # in 1 s, pip in 5-15 s
else
  "$VPY" -m pip install --no-cache-dir --no-compile -r requirements-grading.txt
  "$VPY" -m pip uninstall -y -q uv pip setuptools
fi
# What grading never runs (about 70 MB): the installers, the packages' own tests and type
# stubs, fontTools' compiled accelerators (font subsetting for PDF and PS output: matplotlib
# imports a few of its pure-Python modules, which stay), and the bytecode of every module
# grading does not import: the imports below write it for those it does (every submission
# starts from this image, so they are not compiled again per submission).
SITE="$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# numpy.testing imports one module of numpy's tests (numpy/_core/tests/_natype.py): it stays.
find "$SITE" -type f -path '*/tests/*' ! -path '*/numpy/_core/tests/_natype.py' \
  ! -path '*/numpy/_core/tests/__init__.py' -delete
find "$SITE" -depth -type d \( -name tests -o -path '*/tests/*' \) -empty -delete
find "$SITE" -name '*.pyi' -delete
find "$SITE/fontTools" -name '*.so' -delete
env -u PYTHONDONTWRITEBYTECODE "$VPY" -c "
import matplotlib; matplotlib.use('Agg')
import io, matplotlib.pyplot as plt, numpy.testing, blocks, digits, checks.classroom.grade_class, checks.runtime.plain
import checks.classroom.gradescope_results
plt.plot([0, 1], label='x'); plt.title('t'); plt.legend(); plt.savefig(io.BytesIO(), format='png')"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission, in /autograder, as root.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
# Learner code must not read the grader (solutions, the hidden cases' seed, the course's own
# blocks.py) nor write the results: only root reads the course. Learner code reads its
# lesson's provided modules from a folder the grader writes for it (checks/grading/provided.py).
if [ "$(id -u)" = 0 ]; then
  chmod -R go-rwx "$ROOT/source" "$ROOT/submission" "$ROOT/results"
  chmod go+x "$ROOT" "$ROOT/source" 2>/dev/null
fi
cd "$ROOT/source" || exit 1
# Namespaces where the container allows them; else learner code runs as an unprivileged
# user (grade drops to it when run as root), with limits and a system-call filter.
ISOLATION=""
if [ -n "${AUTOGRADER_NO_ISOLATION:-}" ] || ! "$PYTHON" -m checks isolation >/dev/null 2>&1; then
  ISOLATION="--no-isolation"
fi
# Stored results go where only root reads (results/ is go-rwx), not beside the submission.
"$PYTHON" -m checks grade "$ROOT/submission" --gradescope "$RESULTS" --jobs 2 $ISOLATION \
  --store "$ROOT/results/.store"
if [ ! -s "$RESULTS" ]; then       # the grader itself failed: say so rather than show nothing
  cat > "$RESULTS" <<'JSON'
{"score": 0, "output": "The autograder could not grade this submission: an error on our side, not yours. Your instructor can see the details; please tell them.", "tests": []}
JSON
fi
exit 0
"""


GRADING_NEEDS = ("numpy", "matplotlib", "nbformat", "python-dateutil", "tomli")  # what `grade` imports
# jsonschema's optional format checkers (JupyterLab's jupyter-events asks for them): nbformat
# does not use them, and importing them costs 3 s of CPU per run (rfc3987-syntax builds a
# grammar), measured: `import nbformat` 3.7 s of CPU with them, 0.5 s without.
# (one list: engine/nbread.py's module names, as distribution names)
FORMAT_CHECKERS = {m.replace("_", "-") for m in FORMAT_CHECKER_MODULES}


def grading_requirements(text, needs=GRADING_NEEDS, leave_out=FORMAT_CHECKERS):
    """The pins of a requirements.txt made by `uv pip compile` (``text``) that ``needs``
    pull in, found through its "# via" comments: those packages, then every package
    something already kept needs, until nothing changes (``leave_out`` never kept)."""
    blocks, name = {}, None
    for line in text.splitlines():
        stripped = line.strip()
        if line and not line[0].isspace() and not line.startswith("#"):
            name = stripped.split("==")[0].split(";")[0].split("[")[0].strip().lower()
            blocks.setdefault(name, {"pins": [], "via": set()})["pins"].append(stripped)
        elif name and stripped.startswith("#"):
            via = stripped.lstrip("#").strip()
            via = via[len("via"):].strip() if via.startswith("via") else via
            if via and not via.startswith("-r"):
                blocks[name]["via"].add(via.split()[0].lower())
    kept = {n for n in needs if n in blocks}
    while True:
        more = {n for n, b in blocks.items()
                if n not in kept and n not in leave_out and b["via"] & kept}
        if not more:
            break
        kept |= more
    return ("# What grading needs, from requirements.txt (gradescope_bundle.grading_requirements)\n"
            + "\n".join(pin for n in sorted(kept) for pin in blocks[n]["pins"]) + "\n")


def bundle_files(root=ROOT):
    """Relative paths of the course files the autograder needs."""
    files = project_files(root) + [p.relative_to(root) for p in solution_notebooks(root / "solutions")]
    return files + [Path(f) for f in ("requirements.txt", "pyproject.toml", "grading.toml")
                    if (root / f).exists()]


def add(zf, name, data, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def run_autograder(assignment=None, root=ROOT):
    """run_autograder's text: grading ``assignment`` of grading.toml (default: the course)."""
    if not assignment:
        return RUN_AUTOGRADER
    from .assignments import load
    load(assignment, root / "grading.toml")              # AssignmentError if it is not there
    return RUN_AUTOGRADER.replace('--gradescope "$RESULTS"',
                                  f'--gradescope "$RESULTS" --assignment {shlex.quote(assignment)}')


def build_bundle(out, root=ROOT, assignment=None):
    """Writes the zip (files at its root, as Gradescope wants); returns its path.
    ``assignment``: the assignment of grading.toml that this Gradescope assignment grades."""
    script = run_autograder(assignment, root)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        add(zf, "setup.sh", SETUP_SH.replace("@UV@", UV), executable=True)
        add(zf, "run_autograder", script, executable=True)
        for rel in sorted(set(bundle_files(root))):
            add(zf, rel.as_posix(), (root / rel).read_bytes())
        add(zf, "requirements-grading.txt",
            grading_requirements((root / "requirements.txt").read_text(encoding="utf-8")))
    tmp.replace(out)
    return out
