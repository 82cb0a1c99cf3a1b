"""The red team's attacks on the sandbox's operating-system layer (issue 19, review
red-team.md), each as the learner cell that made it: the learner is nobody on the host (C1),
nothing the child can touch redirects a grader write (C3), no system call reaches another
process (C4), threads, inodes and disk are bounded (high), CPU limits count every thread
(45), the allow-list keeps folders, not prefixes (4, 5), no grader folder outlives a killed
grader (55), and the host's paths are not in the child's frames (8).

Where the behaviour differs, a test runs isolated and ``--no-isolation``; tests that need
root say so and skip otherwise (the lead runs the suite as root and as a user)."""
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from checks.classroom.grade_class import IsolationUnavailable, grade
from checks.engine.exercise import Case
from checks.engine.source import ROOT
from checks.grading import sandbox_policy, zygote
from checks.grading.sandbox import Sandbox
from checks.runtime import isolate
from helpers import Confined, notebook

ISOLATED_AND_NOT = [pytest.param(True, id="isolated"), pytest.param(False, id="unisolated")]
ROOT_ONLY = pytest.mark.skipif(os.getuid() != 0, reason="needs root: the grader as root")


def limits(isolated, **extra):
    return type("L", (Confined,), {"isolate": isolated, **extra})


def skip_without(isolated, why):
    if isolated and why:
        pytest.skip(f"needs namespaces: {why}")


def limits_for(isolated, needs_user=False, **extra):
    """Confined, isolated or not. As root unisolated, learner code runs as Limits.user;
    where that user cannot read this Python or the course (pyenv under /root) it stays
    root (Landlock and seccomp bind root too), or, ``needs_user``, the test skips (CI's
    configuration 2b runs it with Debian's Python)."""
    if not isolated and os.getuid() == 0 and sandbox_policy.unreadable_by(Confined.user):
        if needs_user:
            pytest.skip(f"user {Confined.user} cannot read this Python or the course")
        extra["user"] = None
    return limits(isolated, **extra)


def run(cells, lim, name="f", args=(), hide=()):
    with Sandbox(cells, lim, hide=hide) as s:
        out = s.call(name, Case(args=args), ())
        return s, out


# ---- C1: the learner is nobody on the host -----------------------------------------------
PROC_SYS = """
import os
def f():
    opened, tried = [], 0
    for folder, dirs, files in os.walk("/proc/sys"):
        for name in files:
            tried += 1
            try:
                os.close(os.open(os.path.join(folder, name), os.O_WRONLY))
                opened.append(os.path.join(folder, name))
            except OSError:
                pass
    try:
        os.close(os.open("/proc/sys/kernel/core_pattern", os.O_WRONLY))
        opened.append("core_pattern")
    except OSError:
        pass
    return opened
"""


def test_c1_no_proc_sys_file_opens_for_writing(namespaces):
    """The red team's attack 9: os.open('/proc/sys/kernel/core_pattern', O_WRONLY), and
    every other file under /proc/sys (as root: the classic route to root code)."""
    s, out = run([PROC_SYS], Confined)
    assert out.error is None and out.value == [], out


@ROOT_ONLY
def test_c1_as_root_the_learner_is_an_unprivileged_host_user(namespaces, tmp_path):
    """Attack 10: the learner was host uid 0 (uid_map "1000 0 1"), so a root-only 0700
    folder in a kept path could be listed. Now it maps to user 65534 and cannot."""
    kept = Path(sysconfig.get_paths()["purelib"])
    private = Path(tempfile.mkdtemp(prefix="root-only-", dir=kept))
    try:
        (private / "gradebook.json").write_text("{}", encoding="utf-8")
        os.chmod(private, 0o700)
        cell = f"""
import os
def f():
    out = {{"map": open("/proc/self/uid_map").read().split()}}
    try:
        out["listed"] = os.listdir({str(private)!r})
    except OSError as e:
        out["listed"] = type(e).__name__
    try:
        os.close(os.open("/proc/self/oom_score_adj", os.O_WRONLY))
        out["proc"] = "writable"
    except OSError as e:
        out["proc"] = type(e).__name__
    return out
"""
        s, out = run([cell], Confined)
        assert out.error is None, out
        assert out.value["listed"] == "PermissionError", out.value
        ids = [int(n) for n in out.value["map"]]
        assert dict(zip(ids[0::3], ids[1::3])) == {0: 0, 1000: Confined.user}, ids
        assert out.value["proc"] != "writable", out.value     # /proc is read-only
    finally:
        os.chmod(private, 0o755)
        import shutil
        shutil.rmtree(private, ignore_errors=True)


def test_c1_the_private_tmp_runs_nothing_and_holds_few_files(namespaces):
    """Attack 50: 400,000 empty files in /tmp/work cost 514 MB of kernel memory. Now
    /tmp/work has an inode limit, and nothing there can be executed."""
    cell = """
import os, shutil
def f():
    made = 0
    try:
        for i in range(20000):
            open(f"/tmp/work/e{i}", "w").close()
            made += 1
    except OSError:
        pass
    for i in range(made):
        os.unlink(f"/tmp/work/e{i}")
    shutil.copy("/bin/true", "/tmp/work/true")
    os.chmod("/tmp/work/true", 0o755)
    return [made, os.access("/tmp/work/true", os.X_OK)]
"""
    s, out = run([cell], limits(True, cell_seconds=20, call_seconds=20))
    assert out.error is None, out
    made, executable = out.value
    assert made <= 4096 and not executable, out.value           # Limits.work_files


# ---- high: threads bounded ------------------------------------------------------------------
THREADS = """
import _thread, threading
threading.stack_size(32768)
go = threading.Event()
def f():
    started = 0
    try:
        for _ in range(3000):
            _thread.start_new_thread(go.wait, ())
            started += 1
    except RuntimeError:
        pass
    go.set()        # all of them end before f returns: a call's threads must (invoke.py)
    return started
"""


@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_threads_are_bounded_per_sandbox(isolated, isolation_where_possible):
    """Attack 51: 10,000 threads in a second, ~60,000 within the memory limit (more than
    the host's pid_max). Now at most Limits.tasks at once (unisolated: that many more than
    its user already runs)."""
    skip_without(isolated, isolation_where_possible)
    s, out = run([THREADS], limits_for(isolated, needs_user=True, call_seconds=20))
    assert out.error is None, out
    per_sandbox = isolated and getattr(isolate, "tasks_counted_per_namespace", bool)()
    assert 0 < out.value <= 64 + (0 if per_sandbox else 64), out       # Limits.tasks


# ---- C4: no system call reaches another process ----------------------------------------
TARGETED = """
import ctypes, os, signal, threading, resource, struct
libc = ctypes.CDLL(None, use_errno=True)
NR = NUMBERS
def call(name, *args):
    r = libc.syscall(NR[name], *[ctypes.c_long(a) for a in args])
    return "done" if r >= 0 else os.strerror(ctypes.get_errno())
def f(victim):
    info = ctypes.create_string_buffer(struct.pack("iii", signal.SIGKILL, 0, -1), 128)
    mask = ctypes.create_string_buffer(128)
    out = {
        "rt_sigqueueinfo": call("rt_sigqueueinfo", victim, signal.SIGKILL, ctypes.addressof(info)),
        "rt_tgsigqueueinfo": call("rt_tgsigqueueinfo", victim, victim, signal.SIGKILL,
                                  ctypes.addressof(info)),
        "tgkill": call("tgkill", victim, victim, signal.SIGKILL),
        "kill": call("kill", victim, signal.SIGKILL),
        "prlimit64": call("prlimit64", victim, resource.RLIMIT_CPU,
                          ctypes.addressof(ctypes.create_string_buffer(struct.pack("QQ", 1, 1))), 0),
        "setpriority": call("setpriority", 0, victim, 19),
        "setpriority of a user": call("setpriority", 2, 0, 19),
        "getpriority": call("getpriority", 0, victim),
        "sched_setaffinity": call("sched_setaffinity", victim, 128, ctypes.addressof(mask)),
        "sched_setscheduler": call("sched_setscheduler", victim, 0, ctypes.addressof(mask)),
        "sched_setparam": call("sched_setparam", victim, ctypes.addressof(mask)),
        "migrate_pages": call("migrate_pages", victim, 64, ctypes.addressof(mask), ctypes.addressof(mask)),
        "move_pages": call("move_pages", victim, 0, 0, 0, 0, 0),
        "get_robust_list": call("get_robust_list", victim, ctypes.addressof(mask), ctypes.addressof(mask)),
        "process_madvise": call("process_madvise", 0, 0, 0, 0, 0),
        "process_mrelease": call("process_mrelease", 0, 0),
        "kcmp": call("kcmp", victim, victim, 0, 0, 0),
        "ioprio_set": call("ioprio_set", 1, victim, 0),
        "pidfd_open": call("pidfd_open", victim, 0),
        "F_SETOWN": call("fcntl", 0, 8, victim),
        "F_SETSIG": call("fcntl", 0, 10, signal.SIGKILL),
    }
    me = os.getpid()
    own = {"kill": call("kill", me, 0), "tgkill": call("tgkill", me, threading.get_native_id(), 0),
           "prlimit64": call("prlimit64", 0, resource.RLIMIT_CPU, 0, ctypes.addressof(mask)),
           "prlimit64 by pid": call("prlimit64", me, resource.RLIMIT_CPU, 0, ctypes.addressof(mask)),
           "setpriority": call("setpriority", 0, 0, min(19, os.getpriority(0, 0) + 1)),
           "getpriority": call("getpriority", 0, me),
           "sched_setaffinity": call("sched_getaffinity", 0, 128, ctypes.addressof(mask)) and
                                call("sched_setaffinity", 0, 128, ctypes.addressof(mask))}
    return out, own
"""


# The numbers from the kernel's tables (arch/x86/entry/syscalls/syscall_64.tbl and
# include/uapi/asm-generic/unistd.h), written out here apart from isolate.py's.
CALLS = ("rt_sigqueueinfo", "rt_tgsigqueueinfo", "tgkill", "kill", "prlimit64", "setpriority",
         "getpriority", "sched_setaffinity", "sched_getaffinity", "sched_setscheduler",
         "sched_setparam", "migrate_pages", "move_pages", "get_robust_list", "process_madvise",
         "process_mrelease", "kcmp", "ioprio_set", "pidfd_open", "fcntl")
NUMBERS = {"x86_64": (129, 297, 234, 62, 302, 141, 140, 203, 204, 144, 142, 256, 279, 274,
                      440, 448, 312, 251, 434, 72),
           "aarch64": (138, 240, 131, 129, 261, 140, 141, 122, 123, 119, 118, 238, 239, 100,
                       440, 448, 272, 30, 434, 25)}


def numbers():
    return dict(zip(CALLS, NUMBERS[isolate.ARCH]))


@pytest.mark.skipif(isolate.ARCH not in NUMBERS, reason="x86-64 and arm64 only")
@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_c4_no_system_call_targets_another_process(isolated, isolation_where_possible):
    """Attacks 35-37: rt_sigqueueinfo(grader, SIGKILL) and prlimit64(grader, RLIMIT_CPU=1)
    killed the grader; as root, classmates' sandboxes (all user 65534) were killed. Every
    call that names another process is refused (EPERM), whoever it is; the same calls on
    the child itself still work."""
    skip_without(isolated, isolation_where_possible)
    lim = limits_for(isolated)
    as_learner = {"user": lim.user, "group": lim.user} \
        if os.getuid() == 0 and not isolated and lim.user is not None else {}
    victim = subprocess.Popen(["sleep", "60"], **as_learner)     # a classmate, a grader
    try:
        cell = TARGETED.replace("NUMBERS", repr(numbers()))
        s, out = run([cell], lim, args=(victim.pid,))
        assert out.error is None, out
        others, own = out.value
        assert {k: v for k, v in others.items() if v != "Operation not permitted"} == {}, others
        assert {k: v for k, v in own.items() if v != "done"} == {}, own
        assert victim.poll() is None, "the victim was killed"
    finally:
        victim.kill()
        victim.wait()


# ---- C3: a link the learner planted never redirects a grader write ---------------------------
@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_c3_a_planted_link_never_redirects_a_grader_write(tmp_path, isolated,
                                                          isolation_where_possible):
    """Attacks 33-34: os.unlink('output.txt'); os.symlink(victim, 'output.txt'), then a
    loop: the restart reopened workdir/output.txt with "wb" and truncated a classmate's
    notebook and a root-only file. The grader's files are outside the learner's folder,
    which is made afresh at each start."""
    skip_without(isolated, isolation_where_possible)
    classmate = notebook(tmp_path / "class", "ada")
    os.chmod(tmp_path, 0o755)
    private = tmp_path / "private.txt"
    private.write_text("precious\n", encoding="utf-8")
    os.chmod(private, 0o600)
    before = classmate.read_bytes()
    plant = f"""
import os
for name, target in (("output.txt", {str(classmate)!r}), ("zygote.log", {str(private)!r}),
                     ("../output.txt", {str(private)!r}), ("../work-2", "/")):
    try:
        if os.path.lexists(name):
            os.unlink(name)
        os.symlink(target, name)
    except OSError:
        pass
planted = sorted(os.listdir("."))
"""
    loop = "while True:\n    pass"
    with Sandbox([plant, loop, "def f():\n    return planted"], limits_for(isolated)) as s:
        assert s.bad_cells, "the loop was not stopped"
        s.call("f", Case(args=()), ())
    assert classmate.read_bytes() == before
    assert private.read_text(encoding="utf-8") == "precious\n"


# ---- 45: CPU limits count every thread, exited ones included -----------------------------
def test_cpu_time_counts_threads_that_have_ended(isolation_where_possible):
    """Ten threads, one after another, each spinning 0.1 s of CPU then ending: the
    child's CPU time as the grader reads it grows by about 1 s (it was the living threads'
    sum, which forgets every thread that ended)."""
    cell = """
import threading, time
def spin():
    t = time.thread_time()
    while time.thread_time() - t < 0.1:
        pass
def f():
    for _ in range(10):
        t = threading.Thread(target=spin)
        t.start()
        t.join()
    return "done"
"""
    with Sandbox([cell], limits_for(not isolation_where_possible, call_seconds=30)) as s:
        before = s.cpu()[0]
        out = s.call("f", Case(args=()), ())
        after = s.cpu()[0]
    assert out.value == "done", out
    assert after - before >= 0.8, (before, after)


def test_short_lived_threads_cannot_pass_a_call_limit(isolation_where_possible):
    """Attack 45: threads that each work briefly and end, while the caller waits: 10.2 s of
    CPU was accepted under a 5 s limit. Here 4 s of work under Confined's 1 s."""
    cell = """
import threading, time
def spin():
    t = time.thread_time()
    while time.thread_time() - t < 0.05:
        pass
def f():
    start = time.process_time()
    while time.process_time() - start < 4.0:
        workers = [threading.Thread(target=spin) for _ in range(3)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    return "done"
"""
    s, out = run([cell], limits_for(not isolation_where_possible))
    assert out.value != "done" and "did not finish within 1 s" in out.error, out


# ---- high: the disk without namespaces ------------------------------------------------------
def test_unisolated_the_learners_folder_cannot_fill_the_disk():
    """Attack 52: --no-isolation, 10 MB files in a loop in the workdir: 1 GB in 3.2 s. Now
    the grader measures the folder and stops the child past work_bytes (or work_files)."""
    cell = """
import os
block = b"x" * (1024 ** 2)
for i in range(300):                       # 300 files of 2 MB (the file-size limit)
    with open(f"fill{i}", "wb") as fh:
        for _ in range(2):
            fh.write(block)
def f():
    return "survived"
"""
    s, out = run([cell], limits_for(False, cell_seconds=30))
    why = " ".join(map(str, s.bad_cells.values()))       # messages, in English
    assert "filled its folder past the limit of 10 MB" in why, (s.bad_cells, out)
    files = """
for i in range(100000):
    open(f"empty{i}", "w").close()
def f():
    return "survived"
"""
    s, out = run([files], limits_for(False, cell_seconds=30))
    assert "4096 files" in " ".join(map(str, s.bad_cells.values())), (s.bad_cells, out)


# ---- 4, 5: the allow-list keeps folders, never a whole prefix ----------------------------
@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_other_checkouts_old_classes_and_gradebooks_in_a_prefix_are_unreadable(
        isolated, isolation_where_possible):
    """Attacks 4-5: a venv's src/other-checkout (its grading seed), venv/class-2024 and
    venv/g2024.json were readable, because the whole prefix was kept."""
    skip_without(isolated, isolation_where_possible)
    if not isolated:
        if not isolate.landlock_abi():
            pytest.skip("without Landlock, unisolated learner code reads what its user can")
    made = []
    try:
        system = [Path(f) for f in sandbox_policy.SYSTEM]      # /usr is kept whole, by design
        prefixes = {p for p in (sys.prefix, sys.base_prefix) if os.access(p, os.W_OK)
                    and not any(f == Path(p) or f in Path(p).parents for f in system)}
        if not prefixes:
            pytest.skip("no prefix of this Python outside the system's folders to plant in")
        for prefix in prefixes:
            base = Path(tempfile.mkdtemp(prefix="redteam-", dir=prefix))
            made.append(base)
            seed = base / "src" / "other-checkout" / "checks" / "classroom" / "hidden_cases.py"
            seed.parent.mkdir(parents=True)
            seed.write_text("GRADING_SEED = 1\n", encoding="utf-8")
            (base / "class-2024" / "ada").mkdir(parents=True)
            (base / "class-2024" / "ada" / "01.ipynb").write_text("{}", encoding="utf-8")
            (base / "g2024.json").write_text("{}", encoding="utf-8")
            for p in (base, *base.rglob("*")):
                os.chmod(p, 0o755 if p.is_dir() else 0o644)
        targets = [str(p) for b in made for p in b.rglob("*") if p.is_file()]
        cell = f"""
def f():
    read = []
    for path in {targets!r}:
        try:
            open(path).read()
            read.append(path)
        except OSError:
            pass
    return read
"""
        s, out = run([cell], limits_for(isolated))
        assert out.error is None and out.value == [], out
    finally:
        import shutil
        for base in made:
            shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("isolated", ISOLATED_AND_NOT)
def test_outputs_in_a_kept_folder_are_refused_and_say_so(tmp_path, isolated):
    """Attack 5: results written straight into a kept folder were listed by learner code.
    grade refuses before any learner code runs, naming the folder."""
    notebook(tmp_path / "class", "ada")
    kept = Path(sysconfig.get_paths()["purelib"])
    out = kept / f"grades-redteam-{os.getpid()}.json"
    try:
        with pytest.raises(IsolationUnavailable, match="is a folder learner code may read"):
            grade([tmp_path / "class"], out, limits=limits(isolated), echo=lambda *a: None,
                  isolation="test")
        assert not out.exists() and not out.with_suffix(".results").exists()
    finally:                                      # what a grader that did not refuse wrote
        out.unlink(missing_ok=True)
        import shutil
        shutil.rmtree(out.with_suffix(".results"), ignore_errors=True)


# ---- 55: no grader folder outlives a killed grader ------------------------------------------
def test_folders_of_a_killed_grader_are_removed_by_the_next(tmp_path):
    """Attack 55: SIGKILL to the grader left /tmp/grade-* behind. Every sandbox and zygote
    folder lives in one folder per grader process, which the next grader removes."""
    script = ("import os, sys; from checks.grading import sandbox_policy, zygote\n"
              "from checks.grading.sandbox import Sandbox\n"
              "s = Sandbox(['x = 1'], sandbox_policy.Unisolated).__enter__()\n"
              "print(zygote.run_folder(), flush=True)\n"
              "os.kill(os.getpid(), 9)\n")
    run_ = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    left = Path(run_.stdout.strip())
    assert run_.returncode == -9 and left.is_dir(), run_.stderr
    zygote.remove_stale()
    assert not left.exists()
    mine = Path(zygote.run_folder())
    zygote.remove_stale()
    assert mine.is_dir()                          # a living grader's folder stays


# ---- 8: the host's paths are not in the child's frames -------------------------------------
def test_the_childs_frames_do_not_hold_the_hidden_paths(tmp_path, isolation_where_possible):
    """Attack 8: walking the frames and the garbage collector found hide/keep (the host's
    paths) and the workdir."""
    marker = tmp_path / "hidden-class-folder-zq9"
    marker.mkdir()
    cell = """
import gc, sys
def f():
    mark = MARK[::-1]                     # never a constant of this cell
    found, seen = [], set()
    def look(o, where, depth=0):
        if id(o) in seen or depth > 3 or o is mark or o is found:
            return
        seen.add(id(o))
        if isinstance(o, (str, bytes)):
            if (mark if isinstance(o, str) else mark.encode()) in o:
                found.append(where)
        elif isinstance(o, dict):
            for v in list(o.values()):
                look(v, where, depth + 1)
        elif isinstance(o, (list, tuple)):
            for v in o:
                look(v, where, depth + 1)
    frame = sys._getframe(1)
    while frame is not None:
        look(dict(frame.f_locals), frame.f_code.co_name)
        frame = frame.f_back
    for o in gc.get_objects():
        if isinstance(o, (dict, list, tuple)):
            look(o, type(o).__name__)
    return found[:5]
""".replace("MARK", repr(marker.name[::-1]))
    s, out = run([cell], limits_for(not isolation_where_possible), hide=[marker])
    assert out.error is None and out.value == [], out
