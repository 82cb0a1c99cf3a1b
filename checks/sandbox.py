"""The grader's side of the process boundary: one child process per submission.

The child (``child.py``) runs in its own process group and session, in a
throwaway folder, with a clean environment and resource limits. Every wait
on it has a deadline enforced here, outside the child: past it, the whole
process group is killed and a fresh child replays the cells that worked, so
one infinite loop costs one exercise, never the others.
"""
import functools
import json
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import plain
from .verify import Outcome

CHILD = Path(__file__).resolve().parent / "child.py"
ROOT = CHILD.parent.parent


class Timeout(Exception):
    pass


class Crashed(Exception):
    pass


class Limits:
    cell_seconds = 10.0
    call_seconds = 5.0
    memory_bytes = 2 * 1024 ** 3
    output_bytes = 10 * 1024 ** 2


def set_limits(limits):
    def preexec():
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return preexec


class Sandbox:
    """Runs ``cells`` (code strings) in a child; ``call`` then asks it for results."""

    def __init__(self, cells, limits=Limits):
        self.cells, self.limits = list(cells), limits
        self.bad_cells = {}              # index -> why it is skipped on a restart
        self.cell_errors = {}            # index -> what it raised (it still runs on a restart)
        self.proc = None

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
        home = self.workdir.name
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "MPLBACKEND": "Agg",
               "MPLCONFIGDIR": copy_font_cache(Path(home) / ".matplotlib"),
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "LANG": "C.UTF-8"}
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if key in os.environ:
                env[key] = os.environ[key]
        self.output = open(Path(home) / "output.txt", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(CHILD), str(cmd_r), str(reply_w), str(ROOT)],
            cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=self.output,
            stderr=subprocess.STDOUT, pass_fds=(cmd_r, reply_w), start_new_session=True,
            preexec_fn=set_limits(self.limits))
        os.close(cmd_r)
        os.close(reply_w)
        for index, source in enumerate(self.cells):
            if index not in self.bad_cells:
                self.run_cell(index, source)

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for fd in (self.cmd_w, self.reply_r):
            os.close(fd)
        self.output.close()
        self.proc = None

    def restart(self):
        self.stop()
        self.start()

    # ---- talking to it -------------------------------------------------------
    def request(self, message, seconds):
        data = json.dumps(message).encode()
        try:
            os.write(self.cmd_w, struct.pack(">I", len(data)) + data)
        except (BrokenPipeError, OSError):
            raise Crashed(self.death())
        deadline = time.monotonic() + seconds
        header = self.read_exactly(4, deadline)
        (n,) = struct.unpack(">I", header)
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
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            return {"SIGSEGV": "it crashed Python (a segmentation fault)",
                    "SIGKILL": "it was killed, probably for using too much memory",
                    "SIGXFSZ": "it printed or wrote more than "
                               f"{self.limits.output_bytes // 1024 ** 2} MB"}.get(
                name, f"it was ended by {name}")
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
        if not result.get("ok"):
            line = f" ({result['line']})" if result.get("line") else ""
            self.cell_errors[index] = f"cell {index} raised {result['error']}{line}"

    def call(self, name, case, arg_names, seconds=None):
        """Calls the learner's ``name`` on ``case``; an Outcome whatever happens."""
        seconds = seconds or self.limits.call_seconds
        message = {"op": "call", "name": name, "args": plain.encode(tuple(case.args)),
                   "kwargs": plain.encode(case.kwargs), "arg_names": list(arg_names)}
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
            return Outcome(not_attempted=True)
        if "error" in r:
            return Outcome(error=str(r["error"])[:500], line=str(r.get("line") or "")[:300] or None)
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
