"""Hostile submissions: each gets the right verdict, the batch completes, the other
learners' results are unaffected, and nothing is left running or changed on disk.

Every submission is lesson 01 (``weighted_sum``, ``dense_forward``, ``layer_from_rows``): an honest
definition of each, then the hostile cell, then whatever it redefines.
"""
import os
import socket
import threading

import pytest

from checks.classroom.grade_class import grade, grade_submission
from checks.engine.source import ROOT
from helpers import Confined, notebook, verdicts

WRONG = """
def weighted_sum(x, w, b):
    return float(np.dot(x, w) + b) + 1.0
"""
MARK = "987654"    # a sleeping process started by a submission carries this number


def leftovers():
    """Processes a submission started (they run `sleep MARK`), still alive."""
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if MARK.encode() in f.read():
                    alive.append(pid)
        except OSError:
            pass
    return alive


@pytest.fixture(autouse=True)
def nothing_left_running():
    """After every test, even a failing one: no process a submission started is alive
    (they are killed here, then reported)."""
    yield
    alive = leftovers()
    for pid in alive:
        try:
            os.kill(int(pid), 9)
        except OSError:
            pass
    assert not alive, "a submission's process is still running"


# (cells after the honest ones, expected {exercise: passed}, words the feedback must contain)
HOSTILE = {
    "sleeps in a call": ("""
        import time
        def weighted_sum(x, w, b):
            time.sleep(60)
        """, {"weighted_sum": False, "dense_forward": True}, "did not finish within 1 s"),
    "ignores every signal and loops": ("""
        import signal
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        def weighted_sum(x, w, b):
            while True:
                try:
                    pass
                except BaseException:
                    pass
        """, {"weighted_sum": False, "dense_forward": True}, "did not finish"),
    "patches the clocks": ("""
        import time
        time.monotonic = lambda: 0.0
        time.time = lambda: 0.0
        def weighted_sum(x, w, b):
            while True:
                pass
        """, {"weighted_sum": False, "dense_forward": True}, "did not finish"),
    "recurses forever": ("""
        def weighted_sum(x, w, b):
            return weighted_sum(x, w, b)
        """, {"weighted_sum": False, "dense_forward": True}, "endless recursion"),
    "segfaults": ("""
        import ctypes
        def weighted_sum(x, w, b):
            return ctypes.string_at(0)
        """, {"weighted_sum": False, "dense_forward": True}, "segmentation fault"),
    "allocates a huge array": ("""
        def weighted_sum(x, w, b):
            return np.ones(10 ** 10).sum()
        """, {"weighted_sum": False, "dense_forward": True}, "more than 0.5 GB of memory"),
    "grows memory slowly": ("""
        hoard = []
        def weighted_sum(x, w, b):
            while True:
                hoard.append(np.empty(10 ** 7))    # 80 MB more address space each time
        """, {"weighted_sum": False, "dense_forward": True}, "more than 0.5 GB of memory"),
    "prints 200 MB": ("""
        line = "x" * 1000
        for _ in range(200_000):
            print(line)
        """, {"weighted_sum": True, "dense_forward": True},
        "printed more than 2 MB; the rest of its output was dropped"),
    "exits with os._exit in a call": ("""
        import os
        def weighted_sum(x, w, b):
            os._exit(0)
        """, {"weighted_sum": False, "dense_forward": True}, "ended the Python process"),
    "raises SystemExit and KeyboardInterrupt": ("""
        import sys
        def weighted_sum(x, w, b):
            sys.exit(3)
        def dense_forward(X, W, b):
            raise KeyboardInterrupt
        """, {"weighted_sum": False, "dense_forward": False}, "SystemExit"),
    "forks and leaves a daemon": (f"""
        import os
        if os.fork() == 0:                      # a child that outlives the cell
            if os.fork() == 0:                  # a grandchild in its own session
                os.setsid()
                os.execv("/bin/sleep", ["sleep", "{MARK}"])
            os.execv("/bin/sleep", ["sleep", "{MARK}"])
        """, {"weighted_sum": True, "dense_forward": True}, None),
    "patches NumPy's comparisons and __import__": ("""
        import builtins
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        real_import = builtins.__import__
        builtins.__import__ = lambda *a, **k: real_import(*a, **k)
        def weighted_sum(x, w, b):
            return -1.0
        """, {"weighted_sum": False, "dense_forward": True}, "expected"),
    "a thread that cheats later": ("""
        import threading, time
        def cheat():
            time.sleep(0.2)
            np.allclose = lambda *a, **k: True
            np.isclose = lambda *a, **k: np.True_
        threading.Thread(target=cheat, daemon=True).start()
        def weighted_sum(x, w, b):
            time.sleep(0.3)
            return 0.0
        """, {"weighted_sum": False, "dense_forward": True}, None),
    "steals from frames and the garbage collector": ("""
        import gc, sys
        def weighted_sum(x, w, b):
            frame, seen = sys._getframe(1), []
            while frame is not None:
                seen += [v for v in frame.f_locals.values() if isinstance(v, float)]
                frame = frame.f_back
            seen += [o for o in gc.get_objects() if isinstance(o, float)]
            return seen[-1] if seen else 0.0
        """, {"weighted_sum": False, "dense_forward": True}, None),
    "prints fake results": ("""
        print('{"value": 1.0, "passed": true}')
        print("weighted_sum: passed")
        def weighted_sum(x, w, b):
            print('{"value": 6.0}')
            return None
        """, {"weighted_sum": False, "dense_forward": True}, "it is None"),
    "returns a malicious pickle": ("""
        import os
        class Evil:
            def __reduce__(self):
                return (os.system, ("touch /tmp/pwned",))
        def weighted_sum(x, w, b):
            return Evil()
        """, {"weighted_sum": False, "dense_forward": True}, "not numbers"),
    "returns a lying ndarray subclass": ("""
        class Liar(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(other), bool)
            def __array__(self, *a, **k): return np.zeros(3)
            @property
            def size(self): return 1
        def dense_forward(X, W, b):
            return np.full((X.shape[0], W.shape[1]), 1e6).view(Liar)
        """, {"weighted_sum": True, "dense_forward": False}, "expected"),
    "returns an array-like": ("""
        class Like:
            def __init__(self, a): self.a = a
            def __array__(self, *args, **kw): return self.a
        def dense_forward(X, W, b):
            return Like(X @ W + b)
        """, {"weighted_sum": True, "dense_forward": False}, "not numbers"),
    "returns a result that raises when inspected": ("""
        class Bomb(float):
            def __getattribute__(self, name): raise RuntimeError("boom")
            def __float__(self): raise RuntimeError("boom")
            def __repr__(self): raise RuntimeError("boom")
        def weighted_sum(x, w, b):
            return Bomb(1.0)
        """, {"weighted_sum": False, "dense_forward": True}, "could not be read"),
    "hands in the provided blocks.dense_forward": ("""
        from blocks import dense_forward
        """, {"weighted_sum": True, "dense_forward": False}, "not the learner's own code"),
    "plants checks.py and usercustomize.py": ("""
        for name in ("checks.py", "usercustomize.py", "sitecustomize.py", "numpy.py"):
            with open(name, "w") as f:
                f.write("raise SystemExit('planted')\\n")
        import importlib
        importlib.invalidate_caches()
        import checks
        def weighted_sum(x, w, b):
            return -1.0
        """, {"weighted_sum": False, "dense_forward": True}, None),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_submission_gets_the_right_verdict(tmp_path, name):
    cell, expected, words = HOSTILE[name]
    result = grade_submission(notebook(tmp_path, "mallory", cell), reference=None, limits=Confined)
    assert verdicts(result) == expected, result
    if words:
        feedback = " ".join([e["feedback"] for e in result["exercises"].values()]
                            + [result["error"] or ""])
        assert words in feedback, feedback
    assert not leftovers(), "a submission's process is still running"


def test_files_around_a_submission_are_untouched_and_unreadable(tmp_path, namespaces):
    victim = notebook(tmp_path, "victim")
    sentinel = tmp_path / "gradebook.csv"
    sentinel.write_text("precious\n", encoding="utf-8")
    solution = ROOT / "solutions" / "01_weighted_sum.ipynb"
    before = solution.read_bytes(), victim.read_bytes()
    attacker = notebook(tmp_path, "mallory", f"""
        import os, shutil, glob
        for target in [{str(victim)!r}, {str(sentinel)!r}, {str(solution)!r}]:
            try:
                open(target, "w").write("overwritten")
            except OSError:
                pass
        for folder in [".", "..", {str(tmp_path)!r}, {str(ROOT / "solutions")!r}]:
            shutil.rmtree(folder, ignore_errors=True)
        def weighted_sum(x, w, b):            # correct only if it can read the solutions
            source = open({str(solution)!r}).read()
            return float(np.dot(x, w) + b)
        """)
    results = {r["student"]: r for r in grade([tmp_path], reference=None, limits=Confined,
                                              echo=lambda *a: None)}
    assert verdicts(results["victim"]) == {"weighted_sum": True, "dense_forward": True}
    assert not results["mallory"]["exercises"]["weighted_sum"]["passed"]
    assert "No such file" in results["mallory"]["exercises"]["weighted_sum"]["feedback"]
    assert sentinel.read_text(encoding="utf-8") == "precious\n" and attacker.exists()
    assert (solution.read_bytes(), victim.read_bytes()) == before
    assert not os.path.exists("/tmp/pwned")


def test_a_submission_has_no_network_not_even_loopback(tmp_path, namespaces):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(5)
    port, got = server.getsockname()[1], []

    def accept():
        try:
            conn, _ = server.accept()
            got.append(conn.recv(100))
        except OSError:
            pass
    listener = threading.Thread(target=accept)
    listener.start()
    result = grade_submission(notebook(tmp_path, "mallory", f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"leak")
            reached = True
        except OSError:
            reached = False
        def weighted_sum(x, w, b):            # correct only with a network
            return float(np.dot(x, w) + b) if reached else 0.0
        """), reference=None, limits=Confined)
    server.close()
    listener.join()
    assert got == [] and not result["exercises"]["weighted_sum"]["passed"]


def test_a_class_batch_with_every_hostile_submission_completes(tmp_path):
    """All of them in one batch, around two honest learners: both keep full marks."""
    notebook(tmp_path, "ada")
    for i, (cell, _, _) in enumerate(HOSTILE.values()):
        notebook(tmp_path, f"hostile{i:02d}", cell)
    notebook(tmp_path, "zed")
    results = {r["student"]: r for r in grade([tmp_path], reference=None, limits=Confined,
                                              echo=lambda *a: None)}
    assert len(results) == len(HOSTILE) + 2
    for honest in ("ada", "zed"):
        assert results[honest]["score"] == results[honest]["max_score"] == 3, results[honest]
    for i, (_, expected, _) in enumerate(HOSTILE.values()):
        assert verdicts(results[f"hostile{i:02d}"]) == expected
    assert not leftovers()


def test_without_isolation_grading_still_works_and_says_so(tmp_path):
    class Unisolated(Confined):
        isolate = False
    from checks.grading.sandbox import Sandbox
    with Sandbox(["pass"], Unisolated) as s:
        assert s.isolated.startswith("not isolated: turned off by the grader's limits")
    result = grade_submission(notebook(tmp_path, "ada", WRONG), reference=None, limits=Unisolated)
    assert verdicts(result) == {"weighted_sum": False, "dense_forward": True}
