"""What learner code may see and how long it may run: the grader's limits, the allow-listed
paths of its file system, what must stay hidden, and a learner's shared time budget.

Policy only: checks/grading/zygote.py starts the children, checks/grading/sandbox.py talks
to them, checks/runtime/isolate.py enforces this inside the child.
"""
import os
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

from ..engine.source import ROOT
from . import provided


class Limits:
    cell_seconds = 10.0          # per cell, judged on its CPU time when the machine is busy
    call_seconds = 5.0           # per call of an exercise function, the same way
    busy_factor = 4              # at most this many times the limit in wall time when busy
    notebook_seconds = 120.0     # wall time for a whole notebook, restarts and replays included
    learner_seconds = 240.0      # wall time for all of one learner's notebooks (Budget)
    idle_seconds = 30.0          # of which at most this much neither computing nor waiting
    #                              for a CPU (sleeping, waiting on I/O): honest code computes
    start_seconds = 30.0         # for the zygote to load NumPy and Matplotlib
    cpu_seconds = 120            # CPU time, per child
    memory_bytes = 1024 ** 3     # address space beyond what NumPy and Matplotlib take
    output_bytes = 10 * 1024 ** 2   # printed output kept (the rest is dropped), file size
    work_bytes = 10 * 1024 ** 2  # the private, writable /tmp/work (unisolated: its folder)
    work_files = 4096            # files and folders there (tmpfs inodes)
    tasks = 64                   # threads at once (RLIMIT_NPROC, per sandbox when isolated)
    reply_bytes = 16 * 1024 ** 2 # the largest reply read from a child
    isolate = True               # namespaces (isolate.py); never silently without them
    user = 65534                 # the host user learner code runs as when the grader is root
    #                              (isolated: inside its namespaces; not: Gradescope's layout)


class Unisolated(Limits):
    """For a learner grading their own notebooks where namespaces are refused."""
    isolate = False


def base_env():
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "NPY_DISABLE_CPU_FEATURES"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin",
          "/etc/ld.so.cache", "/etc/localtime")


def keep_paths(offered=None):
    """The allow-list: the folders Python needs to run (its standard library with
    lib-dynload, its prefix's ``lib/``, the venv's site-packages), the system's libraries
    and ``offered``, the folder of the lesson's provided modules (provided.folder; never
    the course's own blocks.py). Never a whole prefix: a venv or a Python's prefix may also
    hold other checkouts (``src/``), old classes or gradebooks. Nothing else of the
    machine exists for learner code."""
    paths = sysconfig.get_paths()
    found = {Path(paths[key]) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    found |= {Path(p) / "lib" for p in (sys.base_prefix, sys.base_exec_prefix)}
    try:
        import site
        found |= {Path(p) for p in site.getsitepackages()}
    except (ImportError, AttributeError):
        pass
    found = {p for p in found | {p.resolve() for p in found} if p.is_dir()}
    found |= {Path(offered)} if offered else set()
    return sorted(str(p) for p in found | {Path(p) for p in SYSTEM})


def exposed(folders, isolated=True, keep=None):
    """Which of ``folders`` (the class, the results: what the grader reads and writes)
    learner code would see: isolated, a folder that is itself a kept folder (one inside
    a kept folder is covered by an empty tmpfs); without namespaces, any folder in a kept
    one (Landlock cannot hide a part of what it allows)."""
    kept = [Path(k) for k in (keep or keep_paths())]
    out = []
    for f in folders:
        f = Path(os.path.abspath(f))
        for g in {f, f.resolve()}:
            if any(g == k or (not isolated and k in g.parents) for k in kept):
                out.append(str(f))
                break
    return out


def unreadable_by(user, paths=None, python=sys.executable):
    """Which of ``paths`` (default: the allow-list) the user ``user`` cannot read, e.g.
    a Python or a course under a root-only /root, asked as that user (``test -r``);
    ``[python]`` if that user cannot even run ``python``."""
    def can(*command):
        try:
            return subprocess.run(command, user=user, group=user, extra_groups=[], cwd="/",
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=30).returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False
    if not can(python, "-I", "-c", "pass"):
        return [python]
    paths = [p for p in (paths or keep_paths(provided.folder(None))) if os.path.exists(p)]
    return [p for p in paths if not can("test", "-r", p, "-a", "(", "!", "-d", p, "-o", "-x", p, ")")]


def hide_paths(extra=()):
    """Folders that must stay hidden even where they lie inside a kept path (a course
    folder under a venv's src/, a class folder under /usr/local): the course, the
    working folder, the home folder and whatever the grader was given or writes to."""
    folders = [ROOT, Path.cwd(), Path.home(), *map(Path, extra)]
    out = set()
    for f in folders:
        for g in (f.absolute(), f.resolve()):
            if str(g) != "/":
                out.add(str(g))
    return sorted(out)


class Budget:
    """The time all of one learner's notebooks may take (``grade`` makes one per learner
    and shares it among their notebooks, graded one after the other or in parallel):
    ``limits.learner_seconds`` of wall-clock time, of which at most ``limits.idle_seconds``
    with their code neither running nor waiting for a CPU. ``waited``: seconds their code
    wanted a CPU and did not get one (the machine's load, not theirs)."""

    def __init__(self, limits):
        self.lock = threading.Lock()
        self.seconds, self.idle_seconds = limits.learner_seconds, limits.idle_seconds
        self.spent = self.idle = self.waited = 0.0

    def left(self):
        """(wall seconds left, idle seconds left)."""
        with self.lock:
            return self.seconds - self.spent, self.idle_seconds - self.idle

    def charge(self, wall, idle=0.0, waited=0.0):
        with self.lock:
            self.spent += wall
            self.idle += max(0.0, idle)
            self.waited += max(0.0, waited)

    def busy(self):
        """True when the machine's load, not the learner's code, took most of the time."""
        with self.lock:
            return self.waited > 0.5 * self.spent
