"""How long each lesson takes in a room: its size, the time its cells take to run
(measured, executing the solution notebook in a Jupyter kernel), and an estimate of a
learner's time from a stated rule, side by side with the agenda's slot.

    .venv/bin/python benchmarks/lesson_length.py

Rule (a planning rule, not a measurement of learners): reading at 120 words a minute
(technical text with formulas), half a minute per code cell to run and look at it,
six minutes per exercise, plus the measured run time of the cells.
"""
import re
import time

import nbformat
from nbclient import NotebookClient

from checks.catalogue import lessons
from checks.engine.source import ROOT

WORDS_PER_MINUTE, MINUTES_PER_CELL, MINUTES_PER_EXERCISE = 120, 0.5, 6
# The agendas of docs/instructor-guide.md: minutes per lesson (day and a half).
AGENDA = {"00": 30, "01": 35, "02": 80, "03": 40, "04": 55, "05": 85, "06": 60, "07": 65, "08": 50}


def main():
    exercises = lessons()
    total = 0
    print(f"{'lesson':<22}{'words':>7}{'cells':>7}{'exer.':>7}{'run s':>8}{'estimate':>10}"
          f"{'agenda':>8}{'agenda/est.':>13}")
    for path in sorted((ROOT / "solutions").glob("0*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        words = sum(len(re.findall(r"\w+", c.source)) for c in nb.cells if c.cell_type == "markdown")
        cells = sum(c.cell_type == "code" for c in nb.cells)
        n_ex = len(exercises.get(path.stem, []))
        t = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
        run = time.perf_counter() - t
        minutes = (words / WORDS_PER_MINUTE + cells * MINUTES_PER_CELL
                   + n_ex * MINUTES_PER_EXERCISE + run / 60)
        total += minutes
        slot = AGENDA[path.stem[:2]]
        print(f"{path.stem:<22}{words:>7}{cells:>7}{n_ex:>7}{run:>8.1f}{minutes:>9.0f}m"
              f"{slot:>7}m{slot / minutes:>13.2f}")
    print(f"{'total':<51}{total:>9.0f}m{sum(AGENDA.values()):>7}m")


if __name__ == "__main__":
    main()
