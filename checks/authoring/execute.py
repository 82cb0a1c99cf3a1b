"""Runs notebooks in a Jupyter kernel (nbclient): the solutions, re-run in place so their
stored outputs are fresh (nbval compares them), and the zh-TW edition's (translate.py)."""
import copy
from pathlib import Path

import nbformat

from ..engine.source import solution_notebooks


def run(nb, folder, timeout=300):
    """A copy of ``nb`` executed with ``folder`` as its working folder: every cell's outputs
    replaced, no execution timestamps (they would change the file at every run)."""
    from nbclient import NotebookClient
    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def execute_solutions():
    for path in solution_notebooks():
        nb = run(nbformat.read(path, as_version=4), Path(path).parent)
        nbformat.write(nb, path)
        print(f"executed {path}")
