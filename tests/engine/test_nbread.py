"""engine/nbread.py: nbformat imported without jsonschema's format checkers, from any number
of threads at once (the grader's --jobs); the course's notebooks read by json as nbformat
reads them."""
import json
import subprocess
import sys

from checks.engine.nbread import code_sources, nbformat
from checks.engine.source import code_cells, solution_notebooks

THREADS = """
import json, sys, threading
from checks.engine.nbread import FORMAT_CHECKER_MODULES, nbformat
barrier, got = threading.Barrier(8), []
def read():
    barrier.wait()
    got.append(callable(getattr(nbformat(), "reads", None)))
threads = [threading.Thread(target=read) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"whole": got, "checkers": [m for m in FORMAT_CHECKER_MODULES if m in sys.modules]}))
"""


def test_threads_importing_nbformat_at_once_each_get_it_whole_without_format_checkers():
    run = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True,
                         timeout=300, check=False)
    assert json.loads(run.stdout) == {"whole": [True] * 8, "checkers": []}, run.stderr


def test_the_course_notebooks_read_by_json_as_nbformat_reads_them():
    for path in solution_notebooks():
        assert code_sources(path) == code_cells(nbformat().read(path, as_version=4)), path
