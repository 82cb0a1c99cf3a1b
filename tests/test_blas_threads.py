"""The course sets one BLAS thread itself, however it was started (not only by `make lab`)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

PROBE = """
import ctypes, glob, os, sys
import numpy                     # a notebook's first line: NumPy before the course
from checks import check         # loads blocks, which sets the threads
libs = glob.glob(os.path.join(os.path.dirname(numpy.__file__), "..", "numpy.libs", "*openblas*"))
libs += glob.glob(os.path.join(os.path.dirname(numpy.__file__), ".dylibs", "*openblas*"))
get = [getattr(ctypes.CDLL(p), n) for p in libs for n in
       ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
        "openblas_get_num_threads") if hasattr(ctypes.CDLL(p), n)]
print(get[0]() if get else "no openblas", os.environ["OPENBLAS_NUM_THREADS"])
"""


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if k not in THREADS}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env},
                         capture_output=True, text=True, check=True).stdout.split()
    if out[0] == "no":
        pytest.skip("this NumPy has no OpenBLAS of its own (Accelerate, MKL)")
    return int(out[0]), out[-1]


def test_one_thread_even_when_numpy_was_imported_first():
    assert probe() == (1, "1")


def test_a_number_the_learner_chose_is_kept():
    assert probe(OPENBLAS_NUM_THREADS="2")[1] == "2"
