"""What starting the course loads: ``import checks`` and ``python -m checks --help`` leave
NumPy, nbformat and the catalogue out (checks/__init__.py loads ``check`` when asked for);
``from checks import check`` loads them. Held by the modules loaded, never by a clock
(benchmarks/startup.py measures the time)."""
import subprocess
import sys

from checks.engine.source import ROOT

HEAVY = {"numpy", "nbformat", "checks.catalogue", "blocks", "checks.notebook"}


def loaded_by(*args):
    """(the process's stdout, the modules it imported) for ``python -X importtime ARGS``."""
    out = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT,
                         capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout, {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()
                        if line.startswith("import time:")}


def test_the_command_lines_help_loads_neither_numpy_nor_the_catalogue():
    shown, loaded = loaded_by("-m", "checks", "--help")
    assert "status" in shown and {"checks", "checks.command", "argparse"} <= loaded
    assert not HEAVY & loaded, HEAVY & loaded


def test_import_checks_is_light_and_check_is_the_function():
    _, loaded = loaded_by("-c", "import checks, sys; assert 'numpy' not in sys.modules")
    assert "checks" in loaded and not HEAVY & loaded
    shown, loaded = loaded_by("-c", "import checks; from checks import check, run_check, "
                              "use_language; print(callable(check), check is checks.check, "
                              "check.__module__, 'check' in dir(checks))")
    assert shown.split() == ["True", "True", "checks.notebook", "True"]
    assert {"numpy", "checks.catalogue", "blocks"} <= loaded      # blocks: one BLAS thread


def test_a_name_checks_does_not_have_is_an_attribute_error():
    shown, _ = loaded_by("-c", "import checks\ntry:\n    checks.chekc\nexcept AttributeError as e:"
                         "\n    print(e)")
    assert "has no attribute 'chekc'" in shown
