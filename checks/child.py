"""The grading child: a zygote that forks one sandboxed process per submission.

Started once per batch by ``sandbox.py`` as ``python -I child.py SOCKET_FD ROOT``.
It imports NumPy, Matplotlib and the course's provided modules once, then
waits. For each submission the grader sends, over the socket, the two pipe
ends of a private channel and an output file; the zygote forks, and the fork:

1. becomes its own process group, with limits on memory, CPU, file size and core dumps;
2. enters new namespaces (``isolate.py``): no network, a read-only world, its
   own processes; if the kernel refuses, it carries on without them and says so;
3. forks again: the inner process (PID 1 of the new namespace) runs the
   learner's cells and answers calls with plain data on the grader's channel.
   The outer one only waits, and dies the way the inner one died.

Nothing the learner's code prints is ever read as a result, and this process
never holds an expected value. Standard library, NumPy and ``plain.py`` only.
"""
import errno
import json
import os
import resource
import signal
import socket
import struct
import sys
import time
import traceback
import types

SOCKET_FD, ROOT = int(sys.argv[1]), sys.argv[2]
sys.path.insert(0, os.path.join(ROOT, "checks"))
import numpy        # noqa: E402,F401  (imported once here, for every child)
import isolate      # noqa: E402
import plain        # noqa: E402
from invoke import invoke  # noqa: E402
sys.path[0] = ROOT  # `blocks` and `digits` are the course's; `checks` is stubbed below
PRELOAD = ("matplotlib.pyplot", "blocks", "digits")

stub = types.ModuleType("checks")
stub.check = lambda *args, **kwargs: None
sys.modules["checks"] = stub


def preload():
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:
            pass
    if "matplotlib.pyplot" in sys.modules:      # the first figure is the slow one: draw it now
        plt = sys.modules["matplotlib.pyplot"]
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1], label="warm-up")
        ax.legend()
        fig.canvas.draw()
        plt.close("all")
        # Grading never looks at a figure: skip laying figures out, and drop them when shown.
        nothing = lambda *args, **kwargs: None  # noqa: E731
        plt.tight_layout = sys.modules["matplotlib.figure"].Figure.tight_layout = nothing
        plt.show = lambda *args, **kwargs: plt.close("all")


# ---- the zygote -----------------------------------------------------------------
REFUSED = "not probed yet"     # None once a probe child could isolate itself, else why not


def set_refused(reason):
    global REFUSED
    REFUSED = reason


def zygote():
    sock = socket.socket(fileno=SOCKET_FD)
    ended = {}                                   # pid -> exit code, once reaped
    isolate.libc.prctl(isolate.PR_SET_CHILD_SUBREAPER, 1)   # orphans come here to be reaped
    signal.signal(signal.SIGCHLD, lambda *_: reap(ended))
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 3)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)
        cmd = json.loads(msg)
        if cmd["op"] == "spawn" and cmd["isolate"] and REFUSED == "not probed yet":
            set_refused(isolate.probe(cmd["keep"], cmd["hide"]))
        if cmd["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                sock.close()
                try:
                    sandboxed(cmd, *fds)
                finally:
                    os._exit(70)
            try:
                os.setpgid(pid, pid)             # also done in the child: whoever is first
            except OSError:
                pass
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"pid": pid}).encode())
        elif cmd["op"] == "ended":
            deadline = time.monotonic() + cmd["seconds"]
            while True:
                reap(ended)
                if cmd["pid"] in ended or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            sock.send(json.dumps({"code": ended.pop(cmd["pid"], None)}).encode())
        reap(ended)


def reap(ended):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended[pid] = os.waitstatus_to_exitcode(status)


# ---- one submission ---------------------------------------------------------------
def sandboxed(cmd, cmd_r, reply_w, out_fd):
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    set_limits(cmd["limits"])
    refused = REFUSED if cmd["isolate"] else "turned off by the grader's limits"
    workdir, isolated = cmd["workdir"], f"not isolated: {refused}"
    if refused is None:
        try:
            isolate.enter(cmd["keep"], cmd["hide"], cmd["limits"]["output_bytes"])
            workdir, isolated = isolate.WORK, True
        except OSError:
            os._exit(71)                         # half isolated: never run learner code so
    inner = os.fork()
    if inner:                                    # wait, then die the same way
        for fd in (cmd_r, reply_w, out_fd):
            os.close(fd)
        _, status = os.waitpid(inner, 0)
        code = os.waitstatus_to_exitcode(status)
        if code < 0:
            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code & 0xFF)
    if isolated is True:
        isolate.finish()
    else:
        isolate.libc.prctl(isolate.PR_SET_PDEATHSIG, 9)
    os.chdir(workdir)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    os.environ.clear()
    os.environ.update(cmd["env"], HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir)
    Learner(cmd_r, reply_w, isolated, cmd["limits"]).serve()


def set_limits(limits):
    vm = virtual_memory()
    for name, value in (("RLIMIT_AS", vm + limits["memory_bytes"]),
                        ("RLIMIT_FSIZE", limits["output_bytes"]),
                        ("RLIMIT_CORE", 0)):
        resource.setrlimit(getattr(resource, name), (value, value))
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def virtual_memory():
    """Bytes of address space this process already has (NumPy and Matplotlib loaded)."""
    for line in open("/proc/self/status", encoding="utf-8"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class Learner:
    """Runs one learner's cells in a namespace of their own; answers calls with plain data."""

    def __init__(self, cmd_r, reply_w, isolated, limits):
        self.cmd_r, self.reply_w = cmd_r, reply_w
        self.isolated, self.limits = isolated, limits
        self.cells, self.namespace = {}, {"__name__": "__main__"}

    def serve(self):
        self.reply({"ready": True, "isolated": self.isolated})
        handlers = {"exec": self.run_cell, "call": self.call}
        while True:
            command = self.receive()
            self.reply(handlers[command["op"]](command))

    def receive(self):
        header = os.read(self.cmd_r, 4)
        if len(header) < 4:
            os._exit(0)
        (n,), data = struct.unpack(">I", header), b""
        while len(data) < n:
            chunk = os.read(self.cmd_r, n - len(data))
            if not chunk:
                os._exit(0)
            data += chunk
        return json.loads(data)

    def reply(self, obj):
        data = json.dumps(obj).encode()
        data = struct.pack(">I", len(data)) + data
        while data:
            data = data[os.write(self.reply_w, data):]

    def run_cell(self, cmd):
        name = f"<cell {cmd['index']}>"
        self.cells[name] = cmd["source"]
        try:
            exec(compile(strip_magics(cmd["source"]), name, "exec"), self.namespace)
            return {"ok": True}
        except BaseException as e:      # SystemExit and KeyboardInterrupt included
            return {"ok": False, "error": self.describe(e), "line": self.where(sys.exc_info()[2]),
                    "fatal": fatal(e)}

    def call(self, cmd):
        fn = self.namespace.get(cmd["name"])
        if not callable(fn):
            return {"missing": True}
        if getattr(fn, "__module__", None) == "blocks":
            return {"error": f"{cmd['name']} is blocks.{fn.__name__}, the course's provided "
                             f"version, not the learner's own code"}
        args, kwargs = plain.decode(cmd["args"]), plain.decode(cmd["kwargs"])
        blocks = sys.modules.get("blocks")
        names = [n for n in cmd.get("stand_in", ()) if isinstance(n, str) and hasattr(blocks, n)]
        saved = {n: self.namespace[n] for n in names if n in self.namespace}
        self.namespace.update({n: getattr(blocks, n) for n in names})   # the course's versions
        try:
            r = invoke(fn, args, kwargs, cmd["arg_names"], self.where, self.describe,
                       BaseException)
        finally:
            for n in names:
                if n in saved:
                    self.namespace[n] = saved[n]
                else:
                    self.namespace.pop(n, None)
        if "exception" in r:
            r["fatal"] = fatal(r.pop("exception"))
        if "value" in r:
            r["value"] = plain.encode(r["value"])
        return r

    def describe(self, e):
        if isinstance(e, OSError) and e.errno == errno.EFBIG:
            mb = self.limits["output_bytes"] / 1024 ** 2
            return f"it printed or wrote more than {mb:g} MB"
        if isinstance(e, MemoryError):
            gb = self.limits["memory_bytes"] / 1024 ** 3
            return f"MemoryError: it used more than {gb:g} GB of memory"
        if isinstance(e, RecursionError):
            return "RecursionError: it called itself too deeply (endless recursion?)"
        try:
            return f"{type(e).__name__}: {e}"[:500]
        except BaseException:
            return type(e).__name__

    def where(self, tb):
        """'line N: code' of the innermost frame in a learner's cell."""
        try:
            frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<cell ")]
        except BaseException:
            return None
        if not frames:
            return None
        f = frames[-1]
        lines = self.cells.get(f.filename, "").splitlines()
        code = lines[f.lineno - 1].strip() if 0 < f.lineno <= len(lines) else ""
        return f"{f.filename[1:-1]}, line {f.lineno}: {code}"


def fatal(e):
    """Errors after which this process is no use: out of memory, out of room for output."""
    return isinstance(e, MemoryError) or (isinstance(e, OSError) and e.errno == errno.EFBIG)


def strip_magics(source):
    """IPython's %magics and !shell lines mean nothing here: they are dropped."""
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


if __name__ == "__main__":
    preload()
    zygote()
