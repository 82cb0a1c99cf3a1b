"""Settings every test needs, whoever runs them and wherever HOME is."""
import os
import tempfile
from pathlib import Path


def writable(folder):
    return bool(folder) and os.access(folder, os.W_OK)


def give_jupyter_a_place_to_write():
    """Jupyter, IPython and Matplotlib keep state under HOME; with a read-only (or no)
    HOME the kernels nbval starts would fail, so they get a private temporary folder."""
    if writable(os.environ.get("HOME")):
        return
    state = Path(tempfile.mkdtemp(prefix="nn-course-home-"))
    for name, sub in [("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")]:
        if not writable(os.environ.get(name)):
            (state / sub).mkdir(parents=True, exist_ok=True)
            os.environ[name] = str(state / sub)


give_jupyter_a_place_to_write()
# One BLAS thread in every kernel the tests start (as `make` sets for lab and test): the
# course's matrices are small, and two test workers must not each spawn a thread per core.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
