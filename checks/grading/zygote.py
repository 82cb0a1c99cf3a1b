"""The grader process's children: the zygote that forks a sandboxed child per submission,
the sandboxes alive now (killed on exit or interrupt), and the grader's own folder for them.

The zygote (checks/runtime/child.py), started once per grader process with NumPy and
Matplotlib loaded, is asked over a socket to spawn a child, to probe whether children can
be isolated here, and whether a child has ended. The protocol with a child once it runs is
checks/grading/sandbox.py's.
"""
import atexit
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ..engine.messages import msg
from .sandbox_policy import ROOT, Limits, base_env, hide_paths, keep_paths

CHILD = ROOT / "checks" / "runtime" / "child.py"


class Crashed(Exception):
    """The zygote or a child stopped answering, or answered what cannot be read."""


class Unavailable(Crashed):
    """Isolation was asked for and this machine cannot provide it: no learner code ran."""


class Zygote:
    """A Python with NumPy and Matplotlib loaded that forks a child per submission."""

    def __init__(self):
        self.lock = threading.Lock()
        self.proc = self.sock = None

    def start(self, limits):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.home = tempfile.mkdtemp(prefix="zygote-", dir=run_folder())
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
            except (OSError, ValueError) as e:
                self.close()
                raise Crashed(msg("the grader could not start a sandbox (see zygote.log)")) from e

    def spawn(self, config, fds, limits):
        reply = self.ask({"op": "spawn", **config}, fds, limits)
        if not reply:
            raise Crashed(msg("the grader could not start a sandbox"))
        return reply["pid"]

    def refused(self, limits):
        """None if children can be isolated here, else why not (asked once per zygote)."""
        if not sys.platform.startswith("linux"):
            return "the sandbox's isolation needs Linux"
        reply = self.ask({"op": "probe", "isolate": True, "keep": keep_paths(),
                          "hide": hide_paths(), "user": limits.user}, limits=limits)
        return (reply or {"refused": "the zygote did not answer"}).get("refused")

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
LIVE = set()                     # every Sandbox with a child, to kill on exit or interrupt


def isolation_refused(limits=Limits):
    """None when learner code can run isolated on this machine, else the reason, in words.
    (Asks a probe child once per grader process; a probe that dies is asked again.)"""
    try:
        return ZYGOTE.refused(limits)
    except Crashed as e:
        return str(e)


def learner_limits(base=Limits):
    """For a learner checking their own notebooks (``status``): ``base`` where isolation
    works, else the same limits unisolated (their own code, on their own machine).
    Never for grading a class: ``grade`` fails closed instead."""
    if not base.isolate or isolation_refused(base) is None:
        return base
    return type(f"Unisolated{base.__name__}", (base,), {"isolate": False, "user": None})


def kill_all():
    """Ends every sandbox's processes now (Ctrl-C, or the grader exiting)."""
    for sandbox in list(LIVE):
        sandbox.kill()


def close_all():
    kill_all()
    ZYGOTE.close()


atexit.register(close_all)


# ---- the grader's folders: one per grader process, removed even after a kill ---------------
RUN_PREFIX = "checks-grader-"
RUN = []                         # this process's folder, once made


def pid_namespace():
    """This process's PID namespace, as a number (a pid means something only in its own)."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def remove_stale(tmp=None):
    """Removes the folders of graders that ended without cleaning up (killed): this
    user's ``checks-grader-<pid namespace>-<pid>-*`` folders, from this PID namespace,
    whose process is gone."""
    tmp = tmp or tempfile.gettempdir()
    mine = f"{RUN_PREFIX}{pid_namespace()}-"
    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(mine):
            continue
        try:
            pid = int(entry.name[len(mine):].split("-", 1)[0])
            if entry.stat(follow_symlinks=False).st_uid != os.getuid() or pid == os.getpid():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except (OSError, ValueError):
            pass


def run_folder():
    """This grader's folder for its zygote and sandboxes (mode 711: a learner's user may
    pass through it to its own folder, never list or change it); removed at exit, and
    by the next grader if this one is killed."""
    if not RUN or RUN[0][1] != os.getpid():
        remove_stale()
        folder = tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{pid_namespace()}-{os.getpid()}-")
        os.chmod(folder, 0o711)
        RUN[:] = [(folder, os.getpid())]
        atexit.register(remove_run_folder, folder)
    return RUN[0][0]


def remove_run_folder(folder):
    close_all()                                  # nothing may still be writing there
    shutil.rmtree(folder, ignore_errors=True)


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
