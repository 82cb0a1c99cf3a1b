"""The grader's side of the process boundary: one sandboxed child per submission.

A zygote (``child.py``), started once per grader process with NumPy and
Matplotlib loaded, forks a child for each submission; the child isolates
itself (``isolate.py``: no network, a read-only world, its own processes)
and runs the learner's cells. Every wait on it has a deadline enforced here,
outside the child: past it, the whole process group is killed and a fresh
child replays the cells that worked, so one infinite loop costs one exercise,
never the others. Only plain data comes back, on a pipe of the grader's own.
"""
import atexit
import functools
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import plain
from .verify import Outcome

CHILD = Path(__file__).resolve().parent / "child.py"
ROOT = CHILD.parent.parent
PROVIDED = ("blocks.py", "digits.py", "data")          # what learner code may read of the course


class Timeout(Exception):
    pass


class Crashed(Exception):
    pass


class Limits:
    cell_seconds = 10.0          # wall clock, per cell
    call_seconds = 5.0           # wall clock, per call of an exercise function
    start_seconds = 30.0         # for the zygote to load NumPy and Matplotlib
    cpu_seconds = 120            # CPU time, per child
    memory_bytes = 1024 ** 3     # address space beyond what NumPy and Matplotlib take
    output_bytes = 10 * 1024 ** 2
    isolate = True               # namespaces (isolate.py), where the kernel allows them


def base_env():
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def keep_paths():
    """Python itself and the provided modules: what stays readable in a hidden folder.
    (The zygote runs ``python -I``: its imports come from these prefixes only.)"""
    prefixes = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return sorted(str(p) for p in prefixes | {ROOT / name for name in PROVIDED})


def hide_paths(extra=()):
    """Folders whose files learner code must not see: the course, homes, temporary folders."""
    folders = [ROOT, Path.cwd(), Path.home(), *map(Path, extra), *map(Path, (
        "/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/mnt", "/media", "/srv"))]
    return sorted({str(f.resolve()) for f in folders if str(f.resolve()) != "/"})


class Zygote:
    """A Python with NumPy and Matplotlib loaded that forks a child per submission."""

    def __init__(self):
        self.lock = threading.Lock()
        self.proc = self.sock = None

    def start(self, limits):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.home = tempfile.mkdtemp(prefix="grade-zygote-")
        env = dict(base_env(), HOME=self.home, TMPDIR=self.home,
                   MPLCONFIGDIR=copy_font_cache(Path(self.home) / ".matplotlib"))
        self.log = open(Path(self.home) / "zygote.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(CHILD), str(child.fileno()), str(ROOT)],
            cwd=self.home, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, pass_fds=(child.fileno(),), start_new_session=True)
        child.close()
        self.sock = parent
        self.sock.settimeout(limits.start_seconds)

    def ask(self, message, fds=(), limits=None):
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.start(limits or Limits)
            try:
                socket.send_fds(self.sock, [json.dumps(message).encode()], list(fds))
                return json.loads(self.sock.recv(1 << 16) or b"null")
            except (OSError, ValueError):
                self.close()
                raise Crashed("the grader could not start a sandbox (see zygote.log)")

    def spawn(self, config, fds, limits):
        reply = self.ask({"op": "spawn", **config}, fds, limits)
        if not reply:
            raise Crashed("the grader could not start a sandbox")
        return reply["pid"]

    def ended(self, pid, seconds=2.0):
        """The exit code of a child (negative: the signal that ended it), or None."""
        try:
            return (self.ask({"op": "ended", "pid": pid, "seconds": seconds}) or {}).get("code")
        except Crashed:
            return None

    def close(self):
        if self.proc is not None:
            self.sock.close()
            self.proc.kill()
            self.proc.wait()
            self.log.close()
            shutil.rmtree(self.home, ignore_errors=True)
            self.proc = None


ZYGOTE = Zygote()
atexit.register(ZYGOTE.close)


class Sandbox:
    """Runs ``cells`` (code strings) in a child; ``call`` then asks it for results."""

    def __init__(self, cells, limits=Limits, hide=()):
        self.cells, self.limits, self.hide = list(cells), limits, hide
        self.bad_cells = {}              # index -> why it is skipped on a restart
        self.cell_errors = {}            # index -> what it raised (it still runs on a restart)
        self.pid = None
        self.isolated = None             # True, or why the child could not be isolated

    def __enter__(self):
        self.workdir = tempfile.TemporaryDirectory(prefix="grade-")
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        self.workdir.cleanup()

    # ---- the child's life ----------------------------------------------------
    def start(self):
        cmd_r, self.cmd_w = os.pipe()
        self.reply_r, reply_w = os.pipe()
        limits = {k: getattr(self.limits, k) for k in
                  ("memory_bytes", "output_bytes", "cpu_seconds")}
        with open(Path(self.workdir.name) / "output.txt", "wb") as output:
            config = {"limits": limits, "env": base_env(), "workdir": self.workdir.name,
                      "isolate": self.limits.isolate,
                      "keep": keep_paths(), "hide": hide_paths(self.hide)}
            try:
                self.pid = ZYGOTE.spawn(config, (cmd_r, reply_w, output.fileno()), self.limits)
            finally:
                os.close(cmd_r)
                os.close(reply_w)
        try:
            hello = self.receive(time.monotonic() + self.limits.start_seconds)
        except (Timeout, Crashed) as e:
            self.stop()
            raise Crashed(f"the sandbox did not start: {e}")
        self.isolated = hello.get("isolated")
        for index, source in enumerate(self.cells):
            if index not in self.bad_cells:
                self.run_cell(index, source)

    def stop(self):
        if self.pid is None:
            return
        gone_by = time.monotonic() + 5
        try:                                     # until every process of the group is reaped
            while time.monotonic() < gone_by:
                os.killpg(self.pid, signal.SIGKILL)
                time.sleep(0.002)
        except (ProcessLookupError, PermissionError):
            pass
        for fd in (self.cmd_w, self.reply_r):
            os.close(fd)
        self.pid = None

    def restart(self):
        self.stop()
        self.start()

    # ---- talking to it -------------------------------------------------------
    def request(self, message, seconds):
        data = json.dumps(message).encode()
        try:
            os.write(self.cmd_w, struct.pack(">I", len(data)) + data)
        except OSError:
            raise Crashed(self.death())
        return self.receive(time.monotonic() + seconds)

    def receive(self, deadline):
        (n,) = struct.unpack(">I", self.read_exactly(4, deadline))
        if n > 64 * 1024 ** 2:
            raise Crashed("it sent a reply too large to read")
        return json.loads(self.read_exactly(n, deadline))

    def read_exactly(self, n, deadline):
        data = b""
        while len(data) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reply_r], [], [], left)[0]:
                raise Timeout()
            chunk = os.read(self.reply_r, min(n - len(data), 1 << 20))
            if not chunk:
                raise Crashed(self.death())
            data += chunk
        return data

    def death(self):
        """Why the child died, in words."""
        code = ZYGOTE.ended(self.pid)
        if code is None:
            return "it stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            return {"SIGSEGV": "it crashed Python (a segmentation fault)",
                    "SIGKILL": "it was killed, probably for using too much memory",
                    "SIGXCPU": f"it used more than {self.limits.cpu_seconds:g} s of CPU time",
                    "SIGXFSZ": "it printed or wrote more than "
                               f"{self.limits.output_bytes // 1024 ** 2} MB"}.get(
                name, f"it was ended by {name}")
        if code in (70, 71):
            return "the sandbox failed to start" + (" (isolation failed half-way)" if code == 71 else "")
        return f"it ended the Python process (exit code {code})"

    def run_cell(self, index, source):
        """Runs one cell; remembers cells that hang or kill the child, and skips them."""
        try:
            result = self.request({"op": "exec", "index": index, "source": source},
                                  self.limits.cell_seconds)
        except (Timeout, Crashed) as e:
            why = (f"did not finish within {self.limits.cell_seconds:g} s" if isinstance(e, Timeout)
                   else str(e))
            self.bad_cells[index] = f"cell {index} {why}; it was skipped"
            self.restart()
            return
        if result.get("fatal"):                  # out of memory: start afresh without it
            self.bad_cells[index] = f"cell {index} raised {result['error']}; it was skipped"
            self.restart()
        elif not result.get("ok"):
            line = f" ({result['line']})" if result.get("line") else ""
            self.cell_errors[index] = f"cell {index} raised {result['error']}{line}"

    def call(self, name, case, arg_names, seconds=None, stand_in=()):
        """Calls the learner's ``name`` on ``case``; an Outcome whatever happens.
        ``stand_in``: names whose course versions (blocks) replace the learner's meanwhile."""
        seconds = seconds or self.limits.call_seconds
        message = {"op": "call", "name": name, "args": plain.encode(tuple(case.args)),
                   "kwargs": plain.encode(case.kwargs), "arg_names": list(arg_names),
                   "stand_in": list(stand_in)}
        try:
            r = self.request(message, seconds)
        except Timeout:
            self.restart()
            return Outcome(error=f"TimeoutError: it did not finish within "
                                 f"{seconds:g} s (an infinite loop?)", fatal=True)
        except Crashed as e:
            self.restart()
            return Outcome(error=f"a crash: {e}", fatal=True)
        if r.get("missing"):
            return Outcome(error=f"NameError: no function named {name!r} is defined")
        if r.get("not_attempted"):
            stub = r.get("stub")
            return Outcome(not_attempted=True, stub=stub if isinstance(stub, str) and
                           stub.isidentifier() and len(stub) < 80 else None)
        if "error" in r:
            if r.get("fatal"):
                self.restart()
            return Outcome(error=str(r["error"])[:500], line=str(r.get("line") or "")[:300] or None,
                           fatal=bool(r.get("fatal")))
        try:
            value = plain.decode(r["value"])
        except Exception:
            return Outcome(error="its result could not be read as numbers")
        return Outcome(value=value, mutated=tuple(str(m) for m in r.get("mutated", [])),
                       warnings=tuple(str(w)[:200] for w in r.get("warnings", []))[:5])


@functools.lru_cache(maxsize=1)
def font_cache():
    """Matplotlib's font list, built once here; without it each child spends ~1.5 s on it."""
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401  (builds the cache if missing)
        return sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    except Exception:
        return []


def copy_font_cache(folder):
    folder.mkdir(exist_ok=True)
    for path in font_cache():
        shutil.copy(path, folder / path.name)
    return str(folder)
