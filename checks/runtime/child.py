"""The grading child: a zygote that forks one sandboxed process per submission.

Started once per batch by ``zygote.py`` as ``python -I child.py SOCKET_FD ROOT``.
It imports NumPy and Matplotlib once (never the course's provided modules), then
waits. For each submission the grader sends, over the socket, the two pipe
ends of a private channel and an output file; the zygote forks, and the fork:

1. becomes its own process group, with limits on memory, CPU, file size and core dumps;
2. enters new namespaces (``isolate.py``): no network, a read-only world, its
   own processes; if the kernel refuses, it carries on without them and says so;
3. forks again: the inner process (PID 1 of the new namespace) runs the
   learner's cells and answers calls with plain data on the grader's channel.
   The outer one only waits, and dies the way the inner one died. The inner one finds
   ``blocks`` and ``digits`` in the folder the grader wrote for the notebook's lesson
   (``checks/grading/provided.py``): they hold nothing of that lesson's exercises.

Nothing the learner's code prints is ever read as a result, and this process
never holds an expected value. Standard library, NumPy and checks/runtime/ only.
"""
import errno
import io
import json
import os
import re
import resource
import signal
import socket
import struct
import sys
import tempfile
import time
import traceback
import types

SOCKET_FD, ROOT = int(sys.argv[1]), sys.argv[2]
sys.path.insert(0, os.path.join(ROOT, "checks"))   # for the package `runtime` (not `checks`)
import numpy  # noqa: E402,F401  (imported once here, for every child)
from runtime.invoke import invoke, strip_magics  # noqa: E402
from runtime.provided_modules import PROVIDED_MODULES, is_provided, standing_in  # noqa: E402

from runtime import isolate, plain  # noqa: E402

del sys.path[0]     # nothing of the course is on the path until a child adds its lesson's folder
# `blocks` and `digits` are never loaded here: each child imports its lesson's own copies
# (checks/grading/provided.py), so nothing of a lesson's exercises is in a child's memory.
PRELOAD = ("numpy.random", "numpy.testing", "matplotlib.pyplot", "math", "random", "copy",
           "functools", "itertools", "collections", "threading", "time", "gzip", "pathlib")

stub = types.ModuleType("checks")
stub.check = lambda *args, **kwargs: None
stub.use_language = lambda *args, **kwargs: None     # a zh-TW notebook's setup cell
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
ZYGOTE_PID = os.getpid()


def set_refused(reason):
    global REFUSED
    REFUSED = reason


def zygote():
    sock = socket.socket(fileno=SOCKET_FD)
    ended, spawned = {}, set()                   # pid -> exit code, once reaped; live children
    isolate.libc.prctl(isolate.PR_SET_CHILD_SUBREAPER, 1)   # orphans come here to be reaped
    signal.signal(signal.SIGCHLD, lambda *_: reap(ended))
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 3)
        except OSError:
            msg = b""
        if not msg:                              # the grader is gone: so is every sandbox
            for pid in spawned:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
            os._exit(0)
        cmd, msg = json.loads(msg), None
        if cmd["op"] in ("spawn", "probe") and cmd["isolate"] and REFUSED == "not probed yet":
            set_refused(isolate.probe(cmd["keep"], cmd["hide"], tempfile.mkdtemp(dir="."),
                                      user=cmd.get("user")))
        if cmd["op"] == "probe":
            sock.send(json.dumps({"refused": REFUSED}).encode())
        elif cmd["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                sock.close()
                try:
                    run_submission(cmd, *fds)
                except BaseException:        # a bug of ours: into the child's output file
                    os.write(2, traceback.format_exc().encode(errors="replace")[-4000:])
                finally:
                    os._exit(70)
            try:
                os.setpgid(pid, pid)             # also done in the child: whoever is first
            except OSError:
                pass
            for fd in fds:
                os.close(fd)
            spawned.add(pid)
            sock.send(json.dumps({"pid": pid}).encode())
        elif cmd["op"] == "ended":
            deadline = time.monotonic() + cmd["seconds"]
            while True:
                reap(ended)
                if cmd["pid"] in ended or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            spawned.discard(cmd["pid"])
            sock.send(json.dumps({"code": ended.pop(cmd["pid"], None)}).encode())
        reap(ended)
        spawned -= set(ended)


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
def frame(obj):
    data = json.dumps(obj).encode()
    return struct.pack(">I", len(data)) + data


def run_submission(cmd, cmd_r, reply_w, out_fd):
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    isolate.libc.prctl(isolate.PR_SET_PDEATHSIG, 9)      # the zygote gone means we go too
    if os.getppid() != ZYGOTE_PID:
        os._exit(70)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    set_limits(cmd["limits"])
    if cmd["isolate"] and REFUSED is not None:           # fail closed: no learner code runs
        os.write(reply_w, frame({"refused": REFUSED}))
        os._exit(72)
    limits = cmd["limits"]
    if cmd["isolate"]:
        # Before Linux 5.14 RLIMIT_NPROC counts the host user's tasks, not the namespace's:
        # the learner's host user's tasks now, and Limits.tasks more
        learner = (cmd.get("user") or isolate.NOBODY) if os.getuid() == 0 else os.getuid()
        most = limits["tasks"] + (0 if isolate.tasks_counted_per_namespace()
                                  else isolate.tasks_of(learner))
        try:
            mapped = isolate.enter(cmd.get("user"))
        except OSError:
            os._exit(71)                         # half isolated: never run learner code so
    inner = os.fork()
    if inner:                                    # tell the grader whom to kill, then wait
        os.write(reply_w, frame({"inner": inner}))
        for fd in (cmd_r, reply_w, out_fd):
            os.close(fd)
        _, status = os.waitpid(inner, 0)
        code = os.waitstatus_to_exitcode(status)
        if code < 0:
            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code & 0xFF)
    isolate.libc.prctl(isolate.PR_SET_PDEATHSIG, 9)
    workdir = cmd["workdir"]
    if cmd["isolate"]:
        try:
            isolate.build_root(cmd["workdir"], cmd["keep"], cmd["hide"], limits["work_bytes"],
                          limits["work_files"], mapped)
            isolate.limit_tasks(most)
            isolate.drop(mapped)
        except OSError:
            os._exit(71)
        workdir, isolated = isolate.WORK, True
    else:
        isolated = "not isolated: turned off by the grader's limits"
        as_user = cmd.get("user") if os.getuid() == 0 else None
        # its user's tasks now, and this many more (the count is the user's, not this
        # sandbox's: without namespaces there is nothing narrower to count in)
        isolate.limit_tasks(limits["tasks"] + isolate.tasks_of(
            os.getuid() if as_user is None else as_user))
        if as_user is not None:                  # as root: someone else
            os.setgroups([])
            os.setgid(cmd["user"])
            os.setuid(cmd["user"])
            isolated += f"; runs as user {cmd['user']}"
        devices = [f"/dev/{name}" for name in isolate.DEVICES]
        try:                                     # still an allow-list, where Landlock exists
            isolate.landlock(cmd["keep"], [workdir, *devices])
            isolated += "; files limited by Landlock to Python, the provided modules and its folder"
        except OSError as e:
            isolated += f"; every file its user may read is readable (no Landlock: {e})"
    os.chdir(workdir)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    os.environ.clear()
    os.environ.update(cmd["env"], HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir)
    sys.path.insert(0, cmd["provided"])         # this lesson's blocks.py and digits.py
    try:
        isolate.seccomp(os.getpid())
    except OSError as e:
        if isolated is True:
            os._exit(71)
        isolated += f"; no system-call filter ({e})"
    for key in ("keep", "hide", "workdir"):      # the host's paths, out of its frames' reach
        cmd.pop(key, None)
    Learner(cmd_r, reply_w, isolated, limits).serve()


def set_limits(limits):
    vm = virtual_memory()
    for name, value in (("RLIMIT_AS", vm + limits["memory_bytes"]),
                        ("RLIMIT_FSIZE", limits["output_bytes"]),
                        ("RLIMIT_NOFILE", 256),
                        ("RLIMIT_CORE", 0)):
        resource.setrlimit(getattr(resource, name), (value, value))
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def virtual_memory():
    """Bytes of address space this process already has (NumPy and Matplotlib loaded)."""
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class Sink(io.TextIOBase):
    """sys.stdout and sys.stderr: what learner code prints is counted, never read, and
    nothing past the cap is kept (printing too much is not an error)."""

    def __init__(self, cap):
        self.cap, self.used, self.cut = cap, 0, False

    def writable(self):
        return True

    def write(self, s):
        n = len(s) if isinstance(s, str) else 0
        self.used += n
        if self.used > self.cap:
            self.cut = True
        return n

    def flush(self):
        pass


class Learner:
    """Runs one learner's cells in a namespace of their own; answers calls with plain data.

    Every reply carries the request's nonce and this process's pid: the grader drops any
    other (a forked copy of this process, a reply faked by learner code, a late one)."""

    def __init__(self, cmd_r, reply_w, isolated, limits):
        self.cmd_r, self.reply_w = cmd_r, reply_w
        self.isolated, self.limits = isolated, limits
        self.cells, self.namespace, self.early = {}, {"__name__": "__main__"}, {}
        offer(self.namespace, self.early)
        self.out = sys.stdout = sys.stderr = Sink(limits["output_bytes"])
        sys.__stdout__ = sys.__stderr__ = self.out
        try:                                     # C-level output goes nowhere, never blocks
            null = os.open("/dev/null", os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.close(null)
        except OSError:
            pass

    def serve(self):
        self.reply({"ready": True, "isolated": self.isolated}, None)
        handlers = {"exec": self.run_cell, "call": self.call}
        while True:
            command = self.receive()
            self.out.cut = False
            answer = handlers[command["op"]](command)
            if self.out.cut:
                answer["cut"] = True
            self.reply(answer, command.get("nonce"))

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

    def reply(self, obj, nonce):
        try:
            data = frame(dict(obj, nonce=nonce, pid=os.getpid()))
        except (TypeError, ValueError):
            data = frame({"error": plain.message_data("returned a result that could not be sent"),
                          "error_is_sentence": True, "nonce": nonce,
                          "pid": os.getpid()})
        while data:
            data = data[os.write(self.reply_w, data):]

    def run_cell(self, cmd):
        if cmd.get("early"):
            return self.define_early(cmd)
        name = f"<code cell {cmd['index'] + 1}>"           # as a person counts them
        self.cells[name] = cmd["source"]
        try:
            code = compile(strip_magics(cmd["source"]), name, "exec")
        except (RecursionError, MemoryError) as e:      # a parse bomb: the cell's own fault
            return {"ok": False, "error": plain.message_data(
                "SyntaxError: the cell is too long or too deeply nested for Python to compile"),
                "fatal": isinstance(e, MemoryError)}
        except BaseException as e:
            return {"ok": False, "error": self.describe(e), "line": None, "fatal": fatal(e)}
        try:
            exec(code, self.namespace)
            return {"ok": True}
        except BaseException as e:      # SystemExit and KeyboardInterrupt included
            return {"ok": False, "error": self.describe(e), "line": self.where(sys.exc_info()[2]),
                    "fatal": fatal(e)}

    def define_early(self, cmd):
        """A later cell's plain ``def`` of one of the lesson's exercises (nothing of the
        learner's runs to define it), kept in ``early``, not among the learner's names: the
        provided modules' stand-ins for the lesson's exercises use it until the notebook
        defines its own (provided.early_definitions)."""
        name = f"<code cell {cmd['index'] + 1}>"
        self.cells.setdefault(name, cmd["source"])
        scratch = {"__name__": "__main__"}
        try:
            exec(compile(cmd["source"], name, "exec"), scratch)
        except BaseException as e:
            return {"ok": False, "error": self.describe(e)}
        for key, value in scratch.items():
            if isinstance(value, types.FunctionType):   # its globals: the learner's names
                fn = types.FunctionType(value.__code__, self.namespace, key, value.__defaults__)
                fn.__kwdefaults__ = value.__kwdefaults__
                self.early[key] = fn
        return {"ok": True}

    def call(self, cmd):
        fn = self.namespace.get(cmd["name"])
        if not callable(fn):
            return {"missing": True}
        if is_provided(fn):
            return {"error": plain.message_data(
                "is {provided}, the course's provided version, not the learner's own code",
                provided=fn.__module__ + "." + str(getattr(fn, "__name__", "?"))), "error_is_sentence": True}
        args, kwargs = plain.decode(cmd["args"]), plain.decode(cmd["kwargs"])
        private = stand_ins(cmd.get("stand_in") or {})      # the course's versions, this call only
        try:
            with standing_in(self.namespace, private):
                r = invoke(fn, args, kwargs, cmd["arg_names"], self.where, self.describe,
                           BaseException)
        finally:
            private.clear()
        if "exception" in r:
            r["fatal"] = fatal(r.pop("exception"))
        if "value" in r:
            r["value"] = plain.encode(r["value"])
        return r

    def describe(self, e):
        """The error's text, or message data for the limits' own errors and the lesson's
        stand-ins (checks/grading/provided.py), which the grader shows in the learner's
        language."""
        if isinstance(e, OSError) and e.errno == errno.EFBIG:
            return plain.message_data("OSError: a file it wrote passed the {mb:g} MB limit",
                                      mb=self.limits["output_bytes"] / 1024 ** 2)
        if isinstance(e, MemoryError):
            return plain.message_data("MemoryError: it used more than {gb:g} GB of memory",
                                      gb=self.limits["memory_bytes"] / 1024 ** 3)
        if isinstance(e, RecursionError):
            return plain.message_data(
                "RecursionError: it called itself too deeply (endless recursion?)")
        said = not_offered(e)
        if said:
            return said
        try:
            return f"{type(e).__name__}: {e}"[:500]
        except BaseException:
            return type(e).__name__

    def where(self, tb):
        """'line N: code' of the innermost frame in a learner's cell."""
        try:
            frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<code cell ")]
        except BaseException:
            return None
        if not frames:
            return None
        f = frames[-1]
        lines = self.cells.get(f.filename, "").splitlines()
        code = lines[f.lineno - 1].strip() if 0 < f.lineno <= len(lines) else ""
        return f"{f.filename[1:-1]}, line {f.lineno}: {code}"[:300]


def offer(namespace, early):
    """Imports this lesson's provided modules and tells them where the learner's functions
    are: in them, the lesson's own exercises stand for the learner's (provided.py)."""
    for name in PROVIDED_MODULES:
        try:
            module = __import__(name)
        except Exception:
            continue
        if isinstance(getattr(module, "LEARNER", None), dict):
            module.LEARNER, module.EARLY = namespace, early


def stand_ins(request):
    """{name: function} of the course's versions the grader sent with a call ("one mistake
    costs once"): compiled into a namespace of their own, never importable."""
    names, source = request.get("names"), request.get("source")
    if not names or not isinstance(source, str):
        return {}
    private = {"__name__": "stand_in"}
    exec(compile(source, "<stand-in>", "exec"), private)
    return {n: private[n] for n in names if isinstance(n, str) and callable(private.get(n))}


NOT_OFFERED = re.compile(r"(\w+)\.(\w+) is your own \2 while this notebook is graded \(\2 is "
                         r"one of its lesson's exercises, so the course's version is not "
                         r"offered\)(, and the notebook defines no \2 of its own|: calling it "
                         r"from your \2 calls your \2 again)")


def not_offered(e):
    """A lesson stand-in's NotOffered error (invoke.NONE_OF_YOURS, CALLS_ITSELF) as message
    data, or None."""
    m = type(e).__name__ == "NotOffered" and e.args and NOT_OFFERED.fullmatch(str(e.args[0]))
    if not m:
        return None
    module, name = m.group(1), m.group(2)
    if m.group(3).startswith(","):                      # invoke.NONE_OF_YOURS
        return plain.message_data(
            "NotOffered: {module}.{name} is your own {name} while this notebook is graded "
            "({name} is one of its lesson's exercises, so the course's version is not offered), "
            "and the notebook defines no {name} of its own", module=module, name=name)
    return plain.message_data(                          # invoke.CALLS_ITSELF
        "NotOffered: {module}.{name} is your own {name} while this notebook is graded ({name} "
        "is one of its lesson's exercises, so the course's version is not offered): calling it "
        "from your {name} calls your {name} again", module=module, name=name)


def fatal(e):
    """Errors after which this process is no use: out of memory, out of room for output."""
    return isinstance(e, MemoryError) or (isinstance(e, OSError) and e.errno == errno.EFBIG)


if __name__ == "__main__":
    preload()
    zygote()
