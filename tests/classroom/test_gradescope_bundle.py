"""The Gradescope bundle installs only what grading needs: the pins of requirements.txt
that NumPy, Matplotlib and nbformat pull in, not the learners' JupyterLab."""
import zipfile

from checks.classroom.gradescope_bundle import build_bundle, grading_requirements
from checks.engine.source import ROOT

LOCK = """numpy==2.2.6
    # via
    #   -r requirements.in
    #   contourpy
contourpy==1.3.3 ; python_full_version == '3.11.*'
    # via matplotlib
matplotlib==3.10.9
    # via -r requirements.in
jupyterlab==4.4.0
    # via -r requirements.in
tornado==6.5
    # via
    #   jupyterlab
    #   ipykernel
"""


def names(text):
    return {line.split("==")[0] for line in text.splitlines() if line and line[0] != "#"}


def test_only_what_grading_pulls_in_is_kept():
    assert names(grading_requirements(LOCK)) == {"numpy", "contourpy", "matplotlib"}
    assert names(grading_requirements(LOCK, leave_out={"contourpy"})) == {"numpy", "matplotlib"}
    assert "contourpy==1.3.3 ; python_full_version == '3.11.*'" in grading_requirements(LOCK)


def test_the_bundle_installs_the_grading_requirements(tmp_path):
    with zipfile.ZipFile(build_bundle(tmp_path / "b.zip")) as zf:
        setup = zf.read("setup.sh").decode()
        kept = names(zf.read("requirements-grading.txt").decode())
    assert "-r requirements-grading.txt" in setup and "-r requirements.txt" not in setup
    assert {"numpy", "matplotlib", "nbformat"} <= kept
    assert not {"jupyterlab", "ipykernel", "pytest", "nbval", "notebook"} & kept
    assert not {"rfc3987-syntax", "webcolors", "fqdn", "lark"} & kept   # format checkers
    everything = names((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert kept < everything and len(kept) < len(everything) / 3


def test_setup_uses_the_makefiles_uv_and_leaves_no_installer(tmp_path):
    """setup.sh installs with the uv `make install` pins (pip where uv cannot), then removes
    the installers; what it deletes is only what grading never imports (benchmarks/install.py
    --gradescope grades every solution notebook in that venv to full marks)."""
    import re

    from checks.classroom.gradescope_bundle import UV
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^UV := (\S+)$", makefile, re.MULTILINE).group(1) == UV
    with zipfile.ZipFile(build_bundle(tmp_path / "b.zip")) as zf:
        setup = zf.read("setup.sh").decode()
    assert f'pip install --no-cache-dir -q "{UV}"' in setup and "@UV@" not in setup
    assert "pip uninstall --python \"$VPY\" pip setuptools uv" in setup       # uv's branch
    assert "pip uninstall -y -q uv pip setuptools" in setup                   # pip's branch
    assert "-m pip install --no-cache-dir --no-compile -r requirements-grading.txt" in setup


def test_setup_removes_only_what_grading_never_imports(tmp_path):
    """setup.sh's clean-up, run on a small site-packages: tests, type stubs and fontTools'
    compiled accelerators go; numpy.testing's one module from numpy's tests, the pure-Python
    modules beside the accelerators and everything else stay."""
    import subprocess

    from checks.classroom.gradescope_bundle import SETUP_SH
    lines = SETUP_SH.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SITE="))
    end = next(i for i, line in enumerate(lines) if line.startswith("env -u PYTHONDONTWRITEBYTECODE"))
    site = tmp_path / "site-packages"
    kept = ["numpy/_core/tests/__init__.py", "numpy/_core/tests/_natype.py", "numpy/__init__.py",
            "numpy/testing/_private/utils.py", "fontTools/misc/bezierTools.py", "PIL/Image.py",
            "matplotlib/testing/__init__.py", "tests_helper.py"]
    gone = ["numpy/_core/tests/test_umath.py", "numpy/lib/tests/data/x.npy", "numpy/__init__.pyi",
            "fontTools/misc/bezierTools.cpython-311-x86_64-linux-gnu.so", "PIL/tests/test_a.py"]
    for name in kept + gone:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("x", encoding="utf-8")
    script = "set -euo pipefail\nSITE=" + str(site) + "\n" + "\n".join(lines[start + 1:end])
    subprocess.run(["bash", "-c", script], check=True)
    assert [n for n in kept if not (site / n).exists()] == []
    assert [n for n in gone if (site / n).exists()] == []
    assert not (site / "numpy/lib/tests").exists() and not (site / "PIL/tests").exists()
