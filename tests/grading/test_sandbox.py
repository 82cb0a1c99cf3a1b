"""The sandbox against a hostile class (issue 12), one test per finding or more: what learner
code can see, reach and start, the limits per learner, deadlines, replies, special files,
strings from the child, calls through the provided modules, and failing closed."""
import io
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from checks.classroom import grade_class
from checks.classroom.grade_class import IsolationUnavailable, grade, grade_submission
from checks.classroom.gradescope_bundle import build_bundle
from checks.engine.exercise import Case
from checks.engine.source import ROOT
from checks.grading import grade as grading, sandbox_policy, zygote
from checks.grading.sandbox import Sandbox
from checks.grading.sandbox_policy import Limits
from checks.runtime import isolate
from helpers import Confined, notebook, verdicts

ISOLATED_AND_NOT = [pytest.param(True, id="isolated"), pytest.param(False, id="unisolated")]


def limits(isolated, **extra):
    return type("L", (Confined,), {"isolate": isolated, **extra})


def run_cell(source, lim=Confined):
    """What the learner function ``f`` defined by ``source`` returns, in a sandbox."""
    with Sandbox([source], lim) as s:
        out = s.call("f", Case(args=()), ())
        return s, out


# ---- 1, 3: an allow-listed file system -------------------------------------------------
def test_learner_code_sees_only_the_allow_list(tmp_path, namespaces):
    """A walk from / finds no classmate, no course folder, no results, no /run, no socket,
    even for a class folder and a course copy inside a kept Python prefix (a venv's src/)."""
    inside_prefix = Path(tempfile.mkdtemp(prefix="course-in-venv-", dir=sys.prefix))
    try:
        (inside_prefix / "checks" / "classroom").mkdir(parents=True)
        (inside_prefix / "checks" / "classroom" / "hidden_cases.py").write_text("GRADING_SEED = 1\n", encoding="utf-8")
        ada = notebook(tmp_path / "class", "classmate_zq7")
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(tmp_path / "docker.sock"))
        walk = """
import os
found = []
for top in ("/",):
    for folder, dirs, files in os.walk(top):
        if folder.startswith(("/proc", "/usr", "/sys")):
            dirs[:] = []
            continue
        found += [os.path.join(folder, f) for f in files]
seen = set(os.listdir("/"))
def f():
    return [p for p in found if any(w in p for w in ("classmate_zq7", "docker.sock",
            "course-in-venv", TMP, SOLUTIONS, CHECKS))] + sorted(seen)
""".replace("TMP", repr(str(tmp_path))).replace("SOLUTIONS", repr(str(ROOT / "solutions"))
            ).replace("CHECKS", repr(str(ROOT / "checks")))
        with Sandbox([walk], Confined, hide=[inside_prefix, tmp_path]) as s:
            out = s.call("f", Case(args=()), ())
        listener.close()
        assert out.error is None, out
        leaks = [p for p in out.value if p.startswith("/") and p != "/"]
        assert leaks == [], leaks
        top = set(out.value)
        allowed = {Path(p).parts[1] for p in sandbox_policy.keep_paths()} | {"dev", "proc", "tmp"}
        assert top <= allowed and "run" not in top and str(ada) not in top
    finally:
        import shutil
        shutil.rmtree(inside_prefix, ignore_errors=True)


def test_the_course_is_hidden_even_inside_a_kept_folder(namespaces):
    """The venv's site-packages stays readable; a course folder inside it does not (hide)."""
    kept = sysconfig.get_paths()["purelib"]
    inside = Path(tempfile.mkdtemp(prefix="src-", dir=kept))
    try:
        (inside / "secret.txt").write_text("seed", encoding="utf-8")
        (inside / "blocks.py").write_text("x = 1\n", encoding="utf-8")
        cell = f"""
import os
def f():
    return [os.path.isdir({kept!r}), os.listdir({str(inside)!r})]
"""
        with Sandbox([cell], Confined, hide=[inside]) as s:
            out = s.call("f", Case(args=()), ())
        assert out.value == [True, []], out
    finally:
        import shutil
        shutil.rmtree(inside, ignore_errors=True)


# ---- 4: no sockets of any kind -------------------------------------------------------------
@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_no_socket_of_any_kind(tmp_path, isolated, isolation_where_possible):
    if isolated and isolation_where_possible:
        pytest.skip(f"needs namespaces: {isolation_where_possible}")
    path = tmp_path / "listener.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.listen()
    listener.settimeout(0.5)
    cell = f"""
import socket
def f():
    out = []
    for family, address in ((socket.AF_UNIX, {str(path)!r}), (socket.AF_UNIX, "\\0abstract"),
                            (socket.AF_INET, ("127.0.0.1", 9))):
        try:
            s = socket.socket(family)
            s.connect(address)
            out.append("reached")
        except OSError as e:
            out.append(type(e).__name__)
    return out
"""
    s, out = run_cell(cell, limits(isolated))
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    assert out.value == ["PermissionError"] * 3, out


# ---- 10, 11: memory and processes per learner ---------------------------------------------
@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_no_new_process_no_memfd_no_mount_no_escape_from_the_parent_death_signal(
        isolated, isolation_where_possible):
    if isolated and isolation_where_possible:
        pytest.skip(f"needs namespaces: {isolation_where_possible}")
    cell = """
import ctypes, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
def attempt(f):
    try:
        r = f()
        return "refused" if r == -1 else "done"
    except OSError:
        return "refused"
def f():
    return {
        "fork": attempt(os.fork),
        "subprocess": attempt(lambda: subprocess.run(["/bin/true"])),
        "memfd": attempt(lambda: os.memfd_create("hoard")),
        "unshare": attempt(lambda: libc.unshare(0x00020000 | 0x10000000)),
        "mount": attempt(lambda: libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None)),
        "setsid": attempt(os.setsid),
        "pdeathsig": attempt(lambda: libc.prctl(1, 0, 0, 0, 0)),
        "kill others": attempt(lambda: os.kill(-1, 0)),
        "shared memory": attempt(lambda: libc.shmget(0, 1 << 20, 0o1600)),
        "message queue": attempt(lambda: libc.msgget(0, 0o1600)),
    }
"""
    s, out = run_cell(cell, limits(isolated))
    assert out.value == {k: "refused" for k in out.value} and len(out.value) == 10, out


@pytest.mark.skipif(not isolate.landlock_abi(), reason="the kernel has no Landlock")
def test_without_namespaces_landlock_still_allow_lists_files(tmp_path):
    """--no-isolation: learner code reads Python and its lesson's provided modules, writes its
    own folder, and nothing else (a classmate, the course and its own blocks.py, /etc, /tmp
    are refused)."""
    from checks.grading import provided
    classmate = notebook(tmp_path / "class", "ada")
    cell = f"""
import os
def f():
    out = {{}}
    for name, path in (("classmate", {str(classmate)!r}), ("hidden", {str(ROOT / 'checks' / 'hidden_cases.py')!r}),
                       ("etc", "/etc/passwd"), ("blocks", {str(ROOT / 'blocks.py')!r}),
                       ("offered", {str(provided.folder(None) / 'blocks.py')!r})):
        try:
            open(path).read(10)
            out[name] = "read"
        except OSError:
            out[name] = "refused"
    with open("mine.txt", "w") as fh:
        fh.write("ok")
    out["own folder"] = open("mine.txt").read()
    return out
"""
    # As root, learner code runs as nobody; where nobody cannot read the checkout (a clone
    # under /root or in a mktemp -d folder) stay root: Landlock binds root too.
    user = None if os.getuid() == 0 and sandbox_policy.unreadable_by(Confined.user) else Confined.user
    s, out = run_cell(cell, limits(False, user=user))
    assert out.value == {"classmate": "refused", "hidden": "refused", "etc": "refused",
                         "blocks": "refused", "offered": "read", "own folder": "ok"}, out
    assert "Landlock" in s.isolated


def test_the_private_tmp_is_capped(namespaces):
    cell = """
def f():
    try:
        with open("/tmp/work/big", "wb") as fh:
            for _ in range(30):
                fh.write(b"x" * 1024 ** 2)
        return "wrote 30 MB"
    except OSError as e:
        return type(e).__name__
"""
    s, out = run_cell(cell, Confined)
    assert out.value == "OSError" or "limit" in (out.error or ""), out


def test_an_interrupted_batch_leaves_nothing_running(tmp_path):
    """Ctrl-C on `python -m checks grade` with sandboxes busy: every process it started is
    gone within seconds (the zygote's session holds them all)."""
    for name in ("ada", "bo", "cy"):
        notebook(tmp_path / "class", name, """
            import time
            time.sleep(0.5)
            def weighted_sum(x, w, b):
                while True:
                    pass
            """)
    flag = [] if zygote.isolation_refused() is None else ["--no-isolation"]
    grader = subprocess.Popen([sys.executable, "-m", "checks", "grade", str(tmp_path / "class"),
                               "--jobs", "2", *flag], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    # Waits, not bounds (each ends as soon as it can): for the zygote and a sandbox of it
    # (two at once may never be seen on a loaded machine), then for the grader's exit.
    zygotes, deadline = set(), time.monotonic() + 60
    while time.monotonic() < deadline and not (zygotes and len(processes_in(zygotes)) >= 2):
        zygotes |= {pid for pid, (parent, _) in processes().items() if parent == grader.pid
                    and pid != grader.pid}
        time.sleep(0.1)
    assert zygotes, "the grader never started its zygote"
    assert grader.poll() is None, "the batch ended before it could be interrupted"
    os.killpg(grader.pid, signal.SIGINT)
    assert grader.wait(timeout=120) == 130
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and processes_in(zygotes):
        time.sleep(0.1)
    left = processes_in(zygotes)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"still running after Ctrl-C: {left}"


def processes():
    """{pid: (parent, session)} of every process."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[int(pid)] = (int(fields[1]), int(fields[3]))
        except (OSError, ValueError, IndexError):
            pass
    return out


def processes_in(sessions):
    """Processes in the zygotes' sessions (every sandbox process is in one)."""
    return [pid for pid, (_, session) in processes().items() if session in sessions]


# ---- 5: one learner's load does not fail a classmate ----------------------------------------
# A busy machine extends a call's deadline (its limit is on CPU time, not the wall clock):
# tests/grading/test_time_limits.py, with fake clocks, and one loose run in a real sandbox.
def test_a_sleeping_call_still_times_out_on_the_wall_clock():
    cell = "import time\ndef f():\n    time.sleep(30)\n"
    s, out = run_cell(cell, Confined)
    assert "did not finish within 1 s" in out.error      # stopped long before its 30 s


def test_results_that_depend_on_the_machine_are_never_stored(tmp_path, monkeypatch):
    notebook(tmp_path / "class", "ada")
    real = grade_class.grade_notebook

    def busy(*args, **kwargs):
        return {**real(*args, **kwargs), "transient": True}
    monkeypatch.setattr(grade_class, "grade_notebook", busy)
    lines = []
    grade([tmp_path / "class"], tmp_path / "g.json", limits=Confined, echo=lines.append)
    assert not list((tmp_path / "g.results").glob("*.json"))
    assert any("were not stored" in line or "was not stored" in line or "not stored" in line
               for line in lines)


# ---- 6, 17: deadlines on writes; one reply per request ---------------------------------------
def test_a_child_that_stops_reading_cannot_hang_the_grader():
    with Sandbox(["def f(x):\n    return 1.0"], Confined) as s:
        os.kill(s.inner, signal.SIGSTOP)
        out = s.call("f", Case(args=("x" * (4 * 1024 ** 2),)), ("x",))
        assert "did not finish" in out.error, out        # the write's deadline, not a hang


def test_fake_and_duplicate_replies_are_discarded(tmp_path):
    """A cell that finds the reply channel and writes a fake reply, then sleeps; a function
    that answers twice: every case still gets its own answer."""
    cells = ["""
import gc, json, os, struct, time
for o in gc.get_objects():
    if type(o).__name__ == "Learner":
        data = json.dumps({"ok": True, "value": {"nd": "", "dtype": "<f8", "shape": []}}).encode()
        os.write(o.reply_w, struct.pack(">I", len(data)) + data)
time.sleep(30)
""", """
import gc, json, os, struct, sys
import numpy as np
learner = [o for o in gc.get_objects() if type(o).__name__ == "Learner"][0]
def weighted_sum(x, w, b):
    right = float(np.dot(x, w) + b)
    nonce = sys._getframe(3).f_locals.get("command", {}).get("nonce")
    for fake in (right, right + 1):                  # this case's answer, then a wrong one
        data = json.dumps({"value": fake, "nonce": nonce, "pid": os.getpid() + 1}).encode()
        os.write(learner.reply_w, struct.pack(">I", len(data)) + data)
    return right
"""]
    result = grade_submission(notebook(tmp_path, "mallory", *cells), reference=None, limits=Confined)
    assert verdicts(result) == {"weighted_sum": True, "dense_forward": True}, result
    assert "did not finish within 3 s" in result["error"]


# ---- 7, 8, 9: strings from the child; reading a notebook ---------------------------------------
def test_lone_surrogates_and_undecodable_folder_names_do_not_crash_a_batch(tmp_path):
    bad = os.fsdecode(b"caf\xe9")
    notebook(tmp_path / "class", bad)
    notebook(tmp_path / "class", "mallory", "raise ValueError(chr(0xd800))")
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    grade([tmp_path / "class"], tmp_path / "g.json", tmp_path / "g.csv", limits=Confined,
          echo=lambda line: print(line, file=stream))
    stream.flush()
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert len(data["submissions"]) == 2
    (tmp_path / "g.csv").read_text(encoding="utf-8")
    again = grade([tmp_path / "class"], tmp_path / "g.json", limits=Confined,
                  echo=lambda line: print(line, file=stream))     # from the stored results
    assert sorted(r["score"] for r in again) == [3, 3]   # lesson 01 has 3 exercises


def test_a_deeply_nested_cell_costs_that_cell_only(tmp_path):
    """Graded as far as it can be: the cell Python cannot compile is the learner's error
    (issue 19; tests/grading/test_redteam_grader.py has the rest)."""
    notebook(tmp_path / "class", "ada")
    deep = notebook(tmp_path / "class", "bo")
    import nbformat
    nb = nbformat.read(deep, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("x = 1" + " + 1" * 200_000))
    nbformat.write(nb, deep)
    results = {r["student"]: r for r in grade([tmp_path / "class"], limits=Confined,
                                              echo=lambda *a: None)}
    assert results["ada"]["score"] == 3 and results["bo"]["score"] == 3
    assert "too long or too deeply nested" in results["bo"]["error"]


def test_text_from_the_child_is_bounded(tmp_path):
    """Learner code that makes its errors 10 MB long (patching the child's own describe)."""
    cell = """
import gc
learner = [o for o in gc.get_objects() if type(o).__name__ == "Learner"][0]
type(learner).describe = lambda self, e: "x" * 10 ** 7 + chr(0xdc80)
warnings_ = None
def weighted_sum(x, w, b):
    raise ValueError("!")
raise ValueError("?")
"""
    result = grade_submission(notebook(tmp_path, "mallory", cell), reference=None, limits=Confined)
    assert len(json.dumps(result)) < 60_000
    json.dumps(result).encode("utf-8")


# ---- 12: a time budget per notebook ---------------------------------------------------------
def test_a_notebook_has_a_time_budget(tmp_path):
    slow = [f"import time\ntime.sleep(1.5)\nx{i} = 1" for i in range(4)] + ["""
def weighted_sum(x, w, b):
    while True:
        pass
def dense_forward(X, W, b):
    while True:
        pass
"""]
    lim = type("L", (Confined,), {"notebook_seconds": 6.0})
    result = grade_submission(notebook(tmp_path, "slow", *slow), reference=None, limits=lim)
    assert result["score"] == 0
    assert "time budget of 6 s" in json.dumps(result)


# ---- 13: special files ------------------------------------------------------------------------
def test_fifos_links_and_huge_files_are_refused_with_a_message(tmp_path):
    cls = tmp_path / "class"
    notebook(cls, "ada")
    (cls / "fifo").mkdir()
    os.mkfifo(cls / "fifo" / "01_weighted_sum.ipynb")
    (cls / "zero").mkdir()
    (cls / "zero" / "01_weighted_sum.ipynb").symlink_to("/dev/zero")
    (cls / "copycat").mkdir()
    (cls / "copycat" / "01_weighted_sum.ipynb").symlink_to(cls / "ada" / "01_weighted_sum.ipynb")
    (cls / "solution").mkdir()
    (cls / "solution" / "01_weighted_sum.ipynb").symlink_to(ROOT / "solutions" / "01_weighted_sum.ipynb")
    (cls / "huge").mkdir()
    with open(cls / "huge" / "01_weighted_sum.ipynb", "wb") as f:
        f.truncate(grading.MAX_NOTEBOOK_BYTES + 1)
    results = {r["student"]: r for r in grade([cls], limits=Confined, echo=lambda *a: None)}
    assert results["ada"]["score"] == 3
    for name, words in (("fifo", "not a regular file"), ("zero", "symbolic link"),
                        ("copycat", "symbolic link"), ("solution", "symbolic link"),
                        ("huge", f"more than the {grading.MAX_NOTEBOOK_BYTES // 1024 ** 2} MB")):
        assert results[name]["score"] == 0 and words in results[name]["error"], results[name]


# ---- 14: calls through blocks/digits earn nothing ----------------------------------------------
DELEGATIONS = {
    "a wrapper": "def dense_forward(X, W, b):\n    return blocks.dense_forward(X, W, b)",
    "an alias": "from blocks import dense_forward as df\n"
                "def dense_forward(X, W, b):\n    return df(X, W, b)",
    "a partial": "import functools\ndense_forward = functools.partial(blocks.dense_forward)",
    "a lambda": "dense_forward = lambda X, W, b: blocks.dense_forward(X, W, b)",
    "a copy of its code": "import types\ndense_forward = types.FunctionType("
                          "blocks.dense_forward.__code__, blocks.__dict__)",
}


@pytest.mark.parametrize("how", DELEGATIONS)
def test_calls_through_blocks_earn_nothing_in_grade(tmp_path, how):
    cell = "import blocks\n" + DELEGATIONS[how]
    result = grade_submission(notebook(tmp_path, "mallory", cell), reference=None, limits=Confined)
    assert verdicts(result) == {"weighted_sum": True, "dense_forward": False}, result
    assert "blocks.dense_forward" in result["exercises"]["dense_forward"]["feedback"]


@pytest.mark.parametrize("how", DELEGATIONS)
def test_calls_through_blocks_earn_nothing_in_check(how):
    import blocks  # noqa: F401
    from checks.notebook import run_check
    namespace = {"blocks": blocks}
    exec(DELEGATIONS[how], namespace)
    verdict = run_check("dense_forward", namespace["dense_forward"])
    assert not verdict.passed and "calls blocks.dense_forward" in verdict.message


def test_digits_predict_labels_does_not_do_lesson_08():
    import digits
    from checks.notebook import run_check
    verdict = run_check("predict", lambda X, params, activations:
                        digits.predict_labels(X, params, activations))
    assert not verdict.passed and "calls digits.predict_labels" in verdict.message


def test_using_other_provided_functions_is_fine():
    import numpy as np

    import blocks
    from checks.notebook import run_check

    def predict(X, params, activations):       # the reference does exactly this
        return np.argmax(blocks.forward(X, params, activations)[0], axis=1)
    assert run_check("predict", predict).passed


# ---- 18: output past the cap is dropped, not fatal ------------------------------------------------
def test_a_function_that_prints_too_much_is_graded_on_what_it_computes(tmp_path):
    cell = """
def weighted_sum(x, w, b):
    print("x" * 3 * 1024 ** 2)
    return float(np.dot(x, w) + b)
"""
    result = grade_submission(notebook(tmp_path, "chatty", cell), reference=None, limits=Confined)
    e = result["exercises"]["weighted_sum"]
    assert e["passed"], e
    assert any("printed more than 2 MB" in w for w in e["warnings"]), e


# ---- 2 (and issue 10): fail closed; the probe ---------------------------------------------------
def test_grade_refuses_without_isolation_unless_told(tmp_path, monkeypatch):
    notebook(tmp_path / "class", "ada")
    monkeypatch.setattr(grade_class, "isolation_refused", lambda limits: "unshare: refused (test)")
    with pytest.raises(IsolationUnavailable, match="--no-isolation"):
        grade([tmp_path / "class"], limits=type("L", (Limits,), {"isolate": True}),
              echo=lambda *a: None)
    monkeypatch.setattr(grade_class, "unreadable_by", lambda user: [])
    lines = []
    results = grade([tmp_path / "class"], tmp_path / "g.json", limits=sandbox_policy.Unisolated,
                    echo=lines.append)
    assert results[0]["score"] == 3
    assert any(line.startswith("Isolation: OFF") for line in lines)
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["isolation"].startswith("OFF")


def test_unisolated_grading_as_root_refuses_what_its_user_cannot_read(tmp_path, monkeypatch):
    """--no-isolation as root runs learner code as nobody: if nobody cannot read Python or
    the course, every import would fail as the learner's fault. Refused, saying why."""
    notebook(tmp_path / "class", "ada")
    monkeypatch.setattr(grade_class.os, "getuid", lambda: 0)
    monkeypatch.setattr(grade_class, "unreadable_by", lambda user: ["/root/.pyenv/bin/python"])
    with pytest.raises(IsolationUnavailable, match="cannot read /root/.pyenv/bin/python"):
        grade([tmp_path / "class"], limits=sandbox_policy.Unisolated, echo=lambda *a: None)


@pytest.mark.skipif(os.getuid() != 0 or not os.access("/usr/bin/python3", os.X_OK),
                    reason="needs root (to ask as another user) and a system Python")
def test_unreadable_by_asks_as_that_user():
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        private, public = base / "private", base / "public"
        private.mkdir(mode=0o700)
        public.mkdir(mode=0o755)
        for folder in (private, public):
            (folder / "blocks.py").write_text("x = 1\n", encoding="utf-8")
        paths = [str(private / "blocks.py"), str(public / "blocks.py")]
        assert sandbox_policy.unreadable_by(Confined.user, paths, python="/usr/bin/python3") == paths[:1]
        assert sandbox_policy.unreadable_by(0, paths, python="/usr/bin/python3") == []
        assert sandbox_policy.unreadable_by(Confined.user, paths, python=str(private / "blocks.py")) \
            == [str(private / "blocks.py")]          # a Python it cannot run: named
    finally:
        shutil.rmtree(base)


def test_the_command_line_refuses_and_says_how_to_go_on(tmp_path):
    notebook(tmp_path / "class", "ada")
    run = subprocess.run([sys.executable, "-c", (
        "import sys; from checks.grading import sandbox; from checks import __main__ as m\n"
        "sandbox.ZYGOTE.refused = lambda limits: 'refused in this test'\n"
        f"sys.exit(m.main(['grade', {str(tmp_path / 'class')!r}]))")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "--no-isolation" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_the_isolation_probe_never_loses_a_race(namespaces, tmp_path):
    """Thirty probes in a row, in a fresh single-threaded process: every one says yes."""
    script = (f"import sys; sys.path.insert(0, {str(ROOT / 'checks')!r})\n"
              "from runtime import isolate\nimport tempfile\n"
              "from checks.grading.sandbox_policy import keep_paths, hide_paths\n"
              "answers = [isolate.probe_once(keep_paths(), hide_paths(), tempfile.mkdtemp())"
              " for _ in range(30)]\n"
              "print(sum(a == (True, None) for a in answers))")
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.stdout.strip() == "30", run.stdout + run.stderr


def test_a_probe_that_dies_is_tried_again_and_a_refusal_is_final(monkeypatch):
    answers = iter([(False, "died"), (False, "died"), (True, None)])
    monkeypatch.setattr(isolate, "probe_once", lambda *a, **k: next(answers))
    assert isolate.probe([], [], "/nonexistent") is None
    calls = []
    monkeypatch.setattr(isolate, "probe_once",
                        lambda *a, **k: calls.append(1) or (True, "unshare: EPERM"))
    assert isolate.probe([], [], "/nonexistent") == "unshare: EPERM" and len(calls) == 1


@pytest.mark.skipif(os.getuid() != 0, reason="the Gradescope layout needs root, as on Gradescope")
def test_the_gradescope_bundle_keeps_learner_code_from_the_grader(tmp_path):
    """Gradescope's layout without namespaces, as in its Docker images: learner code runs as
    an unprivileged user that cannot read the grader's files or write the results."""
    cannot = sandbox_policy.unreadable_by(Limits.user)
    if cannot:   # CI runs this test again as root with Debian's Python (.ci/run, 2b)
        pytest.skip(f"user {Limits.user} cannot read {cannot[0]}, as the grader would refuse")
    base = Path(tempfile.mkdtemp(prefix="autograder-", dir="/tmp"))
    try:
        os.chmod(base, 0o711)
        root = base / "autograder"
        zipfile.ZipFile(build_bundle(tmp_path / "a.zip", assignment="01")).extractall(root / "source")
        (root / "submission").mkdir()
        hidden = root / "source" / "checks" / "classroom" / "hidden_cases.py"
        before = (hidden.read_bytes(), (root / "source" / "checks" / "classroom" / "gradescope_results.py").read_bytes())
        notebook(tmp_path, "mallory", f"""
            import os
            stolen = []
            for path in [{str(hidden)!r}, {str(root / 'source' / 'solutions')!r},
                         {str(root / 'source' / 'blocks.py')!r}]:
                try:
                    stolen.append(open(path).read() if path.endswith(".py") else os.listdir(path))
                except OSError:
                    pass
            for path in [{str(root / 'source' / 'checks' / 'gradescope_results.py')!r},
                         {str(root / 'results' / 'results.json')!r}]:
                try:
                    open(path, "a").write("\\n# tampered\\n")
                except OSError:
                    pass
            def weighted_sum(x, w, b):          # right only if it could read the grader
                return float(np.dot(x, w) + b) if stolen else 0.0
            """).rename(root / "submission" / "01_weighted_sum.ipynb")
        env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
               "AUTOGRADER_NO_ISOLATION": "1"}
        run = subprocess.run(["bash", root / "source" / "run_autograder"], env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
        scores = {t["name"].split()[0]: t["score"] for t in results["tests"]}
        assert scores == {"weighted_sum": 0, "dense_forward": 1, "layer_from_rows": 1}, results
        assert (hidden.read_bytes(),
                (root / "source" / "checks" / "classroom" / "gradescope_results.py").read_bytes()) == before
        assert stat.S_IMODE(os.stat(hidden).st_mode) & 0o077 == 0
    finally:
        import shutil
        shutil.rmtree(base, ignore_errors=True)


def test_output_around_sys_stdout_is_dropped_too(tmp_path):
    cell = """
import os, sys
os.write(1, b"x" * 3 * 1024 ** 2)
print("y" * 3 * 1024 ** 2, file=sys.__stdout__)
sys.__stderr__.write("z" * 3 * 1024 ** 2)
"""
    result = grade_submission(notebook(tmp_path, "loud", cell), reference=None, limits=Confined)
    assert verdicts(result) == {"weighted_sum": True, "dense_forward": True}, result
    assert "skipped" not in (result["error"] or "")


def test_a_learner_checking_their_own_work_runs_unisolated_where_it_must(monkeypatch):
    """status's way in: isolated where possible, else unisolated rather than not at all."""
    iso = type("L", (Limits,), {"isolate": True})
    monkeypatch.setattr(zygote, "isolation_refused", lambda limits: None)
    assert zygote.learner_limits(iso) is iso
    monkeypatch.setattr(zygote, "isolation_refused", lambda limits: "refused (test)")
    lim = zygote.learner_limits(iso)
    assert lim.isolate is False and issubclass(lim, iso)
