"""Re-runs solutions/ in place so their stored outputs are fresh (nbval compares them)."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from ..engine.source import solution_notebooks


def execute(path, timeout=300):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    return nb


def execute_solutions():
    for path in solution_notebooks():
        nb = execute(path)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        nbformat.write(nb, path)
        print(f"executed {path}")
