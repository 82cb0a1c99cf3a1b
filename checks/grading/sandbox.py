"""The grader's side of the process boundary: one sandboxed child per submission, and the
protocol with it.

A child, forked by the zygote (checks/grading/zygote.py) under the limits and paths of
checks/grading/sandbox_policy.py, isolates itself (``isolate.py``: no network, a read-only
world, its own processes) and runs the learner's cells. Every wait on it has a deadline
enforced here, outside the child: past it, the whole process group is killed and a fresh
child replays the cells that worked, so one infinite loop costs one exercise, never the
others. Only plain data comes back, on a pipe of the grader's own.
"""
import builtins
import json
import os
import re
import secrets
import select
import shutil
import signal
import struct
import tempfile
import threading
import time

import numpy as np

from ..engine.messages import Message, Verbatim, from_child, msg
from ..engine.verdicts import Outcome
from ..runtime import plain
from . import provided
from .sandbox_policy import Budget, Limits, base_env, hide_paths, keep_paths
from .zygote import LIVE, ZYGOTE, Crashed, Unavailable, run_folder


class Timeout(Exception):
    def __init__(self, busy=False):
        super().__init__()
        self.busy = busy             # it wanted the CPU but the machine did not give it


class OverBudget(Exception):
    """A time budget ran out: ``cause`` is "notebook", "learner" (all their notebooks'
    wall-clock time) or "idle" (all their notebooks' time spent neither computing nor
    waiting for a CPU)."""

    def __init__(self, cause="notebook"):
        super().__init__(cause)
        self.cause = cause


STOPPING = threading.Event()     # set when grading is interrupted: no new child starts


def child_error(error):
    """An error the child reported for a cell: the runtime's message data as a Message,
    else Python's own text, verbatim."""
    said = from_child(error, lambda text: clean(text, 500, True))
    return said if isinstance(said, Message) else Verbatim(said)


def cpu_times(pid):
    """(CPU seconds of the process ``pid``, every thread it ever had included, exited ones
    too: its process CPU clock; seconds its living threads waited for a CPU), or None."""
    try:        # clock_getcpuclockid(pid), which Python's time module lacks: CPUCLOCK_SCHED
        cpu = time.clock_gettime(((~int(pid)) << 3) | 2)
    except (OSError, ValueError, OverflowError):
        return None
    wait = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as f:
                    wait += int(f.read().split()[1])
            except (OSError, ValueError, IndexError):    # a thread that just ended
                pass
    except OSError:
        return None
    return cpu, wait / 1e9


def more_time(elapsed: float, used: float | None, waited: float | None, seconds: float,
              hard: float) -> float:
    """The grader's rule when a request's deadline passes: how many more seconds to wait
    for the child's reply, or the Timeout that ends the request.

    ``elapsed``: wall seconds since the request was sent; ``used`` and ``waited``: the
    child's CPU seconds and its seconds waiting for a CPU since then (None: unknown);
    ``seconds``: its limit, in CPU time; ``hard``: the wall seconds after which it ends
    anyway (``seconds`` times ``Limits.busy_factor``). A child that used its limit, or that
    was not runnable half of the time (sleeping, stopped, waiting on input), or whose
    clocks are unknown, is stopped: Timeout(). One kept from its CPU by others' load gets
    the CPU time it has left (at least 0.05 s), up to ``hard``: past that,
    Timeout(busy=True), the machine's fault and not the code's."""
    if used is None or waited is None:
        raise Timeout()
    if used >= seconds or used + waited < 0.5 * elapsed:
        raise Timeout()
    if elapsed >= hard:
        raise Timeout(busy=True)
    return min(hard - elapsed, max(0.05, seconds - used))


def usage(folder, most_files):
    """(bytes, files and folders) under ``folder``, counting no further than
    ``most_files`` + 1 entries; links are not followed."""
    size = files = 0
    todo = [folder]
    while todo and files <= most_files:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            files += 1
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            size += st.st_blocks * 512
            if entry.is_dir(follow_symlinks=False):
                todo.append(entry.path)
    return size, files


def clean(text, size, one_line=False):
    """A string from a child, made safe to print, store and write to CSV: at most ``size``
    characters, no lone surrogates, no control characters but newlines and tabs;
    ``one_line``: no newlines or tabs either (a line break shows as " ↵ "), so it cannot
    forge a line of a console, a status or a feedback file."""
    text = str(text)[:size].encode("utf-8", "replace").decode("utf-8")
    text = "".join(c if c.isprintable() or c in "\n\t" else "\N{REPLACEMENT CHARACTER}"
                   for c in text)
    return re.sub(r"[ \t]*\n\s*", " \N{DOWNWARDS ARROW WITH CORNER LEFTWARDS} ",
                  text.strip()).replace("\t", " ") if one_line else text


MAX_DEPTH = 100                  # a reply's nesting (plain data needs about 45 at most)
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nesting(data):
    """How deeply the JSON text ``data`` (bytes) nests arrays and objects, strings skipped:
    in linear time, without recursion, whatever ``data`` holds."""
    brackets = STRING.sub(b"", data).translate(None, NOT_BRACKETS)
    depth = deepest = 0
    for start in range(0, len(brackets), 1 << 20):       # 1 MB at a time: bounded memory
        chunk = np.frombuffer(brackets, dtype=np.uint8, count=min(1 << 20, len(brackets) - start),
                              offset=start)
        steps = np.isin(chunk, (ord("["), ord("{"))).view(np.int8) * np.int8(2) - np.int8(1)
        levels = depth + np.cumsum(steps, dtype=np.int64)
        deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
    return deepest


def decode_reply(data):
    """A child's frame (bytes) as a dict; Crashed, the child's fault, when it is not JSON,
    not an object, or nested deeper than MAX_DEPTH (which would exhaust the grader's stack)."""
    # nesting no deeper than its opening brackets, those in strings counted too: most
    # replies have fewer than MAX_DEPTH of them and need not be measured
    if data.count(b"[") + data.count(b"{") > MAX_DEPTH and nesting(data) > MAX_DEPTH:
        raise Crashed(msg("it sent a reply nested more than {depth} levels deep, which the "
                          "grader does not read", depth=MAX_DEPTH))
    try:
        reply = json.loads(data)
    except (ValueError, RecursionError):
        raise Crashed(msg("it sent a reply that could not be read")) from None
    if not isinstance(reply, dict):
        raise Crashed(msg("it sent a reply that could not be read"))
    return reply


NUMPY_WARNING = re.compile(r"(overflow|underflow|divide\x20by\x20zero|invalid\x20value)"
                           r"\x20encountered\x20in\x20([a-z_0-9]{1,30})")


def numpy_warning(text):
    """True for NumPy's floating-point warnings naming one of NumPy's own ufuncs ("overflow
    encountered in exp"): the only warnings of a hidden case that are reported."""
    m = NUMPY_WARNING.fullmatch(text)
    return bool(m) and isinstance(getattr(np, m[2], None), np.ufunc)


def hidden_error(error, is_sentence):
    """(error, error_is_sentence) of a hidden case's Outcome: the name of a built-in
    exception, or "an error", never the error's message or line, which learner code could
    fill with the case's inputs."""
    text = error.get("msgid", "") if isinstance(error, dict) else str(error)
    kind = text.split(":", 1)[0].strip()
    exception = getattr(builtins, kind, None)
    if not is_sentence and isinstance(exception, type) and issubclass(exception, BaseException):
        return msg("{error} (its message is not shown on a hidden case)", error=kind), False
    return msg("stopped with an error whose message is not shown on a hidden case"), True


class Sandbox:
    """Runs ``cells`` (code strings) in a child; ``call`` then asks it for results.
    ``lesson``: the notebook's lesson, which decides what its blocks and digits offer
    (provided.py; None: nothing)."""

    def __init__(self, cells, limits=Limits, hide=(), lesson=None, budget=None):
        self.cells, self.limits, self.hide = list(cells), limits, hide
        self.offered = str(provided.folder(lesson))
        self.early = provided.early_definitions(lesson, self.cells) if lesson else []
        self.budget = budget or Budget(limits)   # the learner's (grade shares it)
        self.over = set()                # the budgets that ran out ("notebook", "learner", "idle")
        self.bad_cells = {}              # index -> why it is skipped on a restart
        self.cell_errors = {}            # index -> what it raised (it still runs on a restart)
        self.cut_cells = {}              # index -> a note: its output was cut
        self.pid = self.inner = self.pidfd = self.watching = None
        self.overfull = None             # why the watch on its folder killed the child
        self.isolated = None             # True, or why the child could not be isolated
        self.spent = 0.0                 # wall seconds used by this notebook so far
        self.busy = False                # a verdict was decided by the machine's load
        self.discarded = 0               # replies dropped: wrong nonce or pid, late
        self.called = False              # a call was made: cells replayed since may have
        #                                  seen a hidden case's inputs (their texts are not kept)

    def __enter__(self):
        # The grader's own folder (mode 711, learner code cannot change it) holds the
        # child's output file and, made afresh at each start, the learner's folder.
        self.folder = tempfile.mkdtemp(prefix="sandbox-", dir=run_folder())
        os.chmod(self.folder, 0o711)
        self.workdir, self.starts = None, 0
        try:
            self.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def fresh_workdir(self):
        """A new, empty folder for the learner (the last one removed): nothing a previous
        child planted there (a link, a FIFO) is ever opened by the grader."""
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)   # never follows links
        self.starts += 1
        self.workdir = os.path.join(self.folder, f"work-{self.starts}")
        os.mkdir(self.workdir, 0o700)
        if os.getuid() == 0 and not self.limits.isolate and self.limits.user is not None:
            os.chown(self.workdir, self.limits.user, self.limits.user)
        return self.workdir

    # ---- the child's life ----------------------------------------------------
    def start(self):
        if STOPPING.is_set():
            raise Crashed(msg("grading was interrupted"))
        workdir = self.fresh_workdir()
        self.overfull = None
        cmd_r, self.cmd_w = os.pipe()
        self.reply_r, reply_w = os.pipe()
        os.set_blocking(self.cmd_w, False)
        self.buffer = b""
        limits = {k: getattr(self.limits, k) for k in
                  ("memory_bytes", "output_bytes", "cpu_seconds", "work_bytes", "work_files",
                   "tasks")}
        # in the grader's folder, where learner code cannot plant a link: never followed
        output = os.open(os.path.join(self.folder, "output.txt"),
                         os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600)
        try:
            config = {"limits": limits, "env": base_env(), "workdir": workdir,
                      "isolate": bool(self.limits.isolate), "user": self.limits.user,
                      "keep": keep_paths(self.offered), "hide": hide_paths(self.hide),
                      "provided": self.offered}
            try:
                self.pid = ZYGOTE.spawn(config, (cmd_r, reply_w, output), self.limits)
                LIVE.add(self)
            except BaseException:
                os.close(self.cmd_w)
                os.close(self.reply_r)
                raise
            finally:
                os.close(cmd_r)
                os.close(reply_w)
        finally:
            os.close(output)
        if not self.limits.isolate:
            self.watch_workdir(workdir)
        started = time.monotonic()
        try:
            hello = self.receive(None, started + self.limits.start_seconds)
        except (Timeout, Crashed) as e:
            self.stop()
            raise Crashed(msg("the sandbox did not start: {why}",
                              why=e.args[0] if e.args else msg("no answer"))) from e
        finally:
            self.spent += time.monotonic() - started
            self.budget.charge(time.monotonic() - started)
        if "refused" in hello:
            self.stop()
            raise Unavailable(msg("isolation is not available on this machine ({why})",
                                  why=Verbatim(clean(hello["refused"], 300, True))))
        self.isolated, self.child_pid = hello.get("isolated"), hello.get("pid")
        if not self.define_early():
            self.early = []                      # never again: a fresh child without them
            self.restart()
            return
        for index, source in enumerate(self.cells):
            if index not in self.bad_cells:
                self.run_cell(index, source)

    def watch_workdir(self, workdir, every=0.2):
        """Without namespaces the learner's folder is on the host's disk: a thread measures
        it and kills the child once it holds more than ``work_bytes`` or ``work_files``
        (it can overshoot by what the child writes in ``every`` seconds)."""
        done = self.watching = threading.Event()
        limits = self.limits

        def watch():
            while not done.wait(every):
                size, files = usage(workdir, limits.work_files)
                if size > limits.work_bytes or files > limits.work_files:
                    self.overfull = msg(
                        "it filled its folder past the limit of {mb:g} MB or {files} files",
                        mb=limits.work_bytes / 1024 ** 2, files=limits.work_files)
                    if not done.is_set():
                        self.kill()
                    return
        threading.Thread(target=watch, daemon=True, name="workdir-watch").start()

    def kill(self):
        """SIGKILL to the child's PID 1 (its whole PID namespace) and its process group."""
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except OSError:
                pass
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def stop(self):
        if self.watching is not None:
            self.watching.set()
            self.watching = None
        if self.pid is None:
            return
        gone_by = time.monotonic() + 5
        self.kill()
        try:                                     # until every process of the group is reaped
            while time.monotonic() < gone_by:
                os.killpg(self.pid, signal.SIGKILL)
                time.sleep(0.002)
        except (ProcessLookupError, PermissionError):
            pass
        for fd in (self.cmd_w, self.reply_r) + ((self.pidfd,) if self.pidfd is not None else ()):
            os.close(fd)
        LIVE.discard(self)
        self.pid = self.inner = self.pidfd = None

    def restart(self):
        self.stop()
        self.start()

    # ---- talking to it -------------------------------------------------------
    def exhausted(self):
        """The budget that has run out ("notebook", "learner", "idle"), or None; and the
        seconds left of each."""
        learner_left, idle_left = self.budget.left()
        lefts = {"notebook": self.limits.notebook_seconds - self.spent,
                 "learner": learner_left, "idle": idle_left}
        cause = min(lefts, key=lefts.get)
        return (cause if lefts[cause] <= 0 else None), lefts

    def request(self, message, seconds):
        """Sends ``message``, returns the one reply to it; Timeout past ``seconds`` of the
        child's CPU time (of wall time, when the child is not waiting for a CPU);
        OverBudget when the notebook's or the learner's budget runs out first (the idle
        budget stops only a child that is not computing: one that is gets its own limit)."""
        over, lefts = self.exhausted()
        if over:
            self.over.add(over)
            raise OverBudget(over)
        cause = min(lefts, key=lefts.get)
        nonce = secrets.token_hex(8)
        data = json.dumps(dict(message, nonce=nonce)).encode()
        started, before = time.monotonic(), self.cpu()
        used = waited = None
        try:
            self.write_all(struct.pack(">I", len(data)) + data, started + min(seconds, lefts[cause]))
            reply = self.receive(nonce, started + min(seconds, lefts[cause]),
                                 min(seconds, lefts["notebook"], lefts["learner"]), before)
            used, waited = self.used(before)
            return reply
        except Timeout:
            used, waited = self.used(before)
            if lefts[cause] < seconds and (used is None or used < seconds):
                self.stop()                  # cut short by a budget, not by its own limit
                self.over.add(cause)
                raise OverBudget(cause) from None
            raise
        finally:
            wall = time.monotonic() - started
            self.spent += wall
            if used is None:                 # its clock is unknown: wall time only
                self.budget.charge(wall)
            else:
                self.budget.charge(wall, wall - used - waited, waited)

    def used(self, before):
        """(CPU seconds, seconds waiting for a CPU) of the child since ``before``, or
        (None, None) when either is unknown."""
        after = self.cpu() if before is not None else None
        return (None, None) if after is None else (after[0] - before[0], after[1] - before[1])

    def write_all(self, data, deadline):
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout()
            poller = select.poll()
            poller.register(self.cmd_w, select.POLLOUT)
            if not poller.poll(left * 1000):
                continue
            try:
                data = data[os.write(self.cmd_w, data[:1 << 16]):]
            except BlockingIOError:
                continue
            except OSError:
                raise Crashed(self.death()) from None         # death() says why

    def receive(self, nonce, deadline, seconds=None, before=None):
        """The reply to the pending request: the next frame carrying ``nonce`` and the
        child's pid; every other frame is dropped, whatever it says (a "refused" frame
        included). ``nonce`` None: the child is starting, and its hello ("ready", once the
        inner process is known) or its refusal is awaited. ``before``: the child's cpu()
        when the request was sent (asked here if not given)."""
        started, hello = time.monotonic(), None
        before = before or self.cpu()
        hard = started + (seconds or 0) * self.limits.busy_factor
        while True:
            try:
                reply = self.next_frame(deadline)
            except Timeout:
                if seconds is None:
                    raise
                deadline = self.extension(started, before, seconds, hard)
                continue
            if nonce is None:                    # starting: the outer process's frames
                if "inner" in reply and self.inner is None:
                    self.note_inner(reply["inner"])
                elif "refused" in reply:
                    return reply
                elif "ready" in reply and hello is None:
                    hello = reply
                else:
                    self.discarded += 1
                if hello is not None and self.inner is not None:
                    return hello
            elif reply.get("nonce") == nonce and reply.get("pid") == self.child_pid:
                return reply
            else:                                # a late, forged or unasked-for frame
                self.discarded += 1

    def note_inner(self, pid):
        try:
            self.inner, self.pidfd = int(pid), os.pidfd_open(int(pid))
        except (OSError, ValueError, TypeError, AttributeError):
            self.inner = None

    def cpu(self):
        return cpu_times(self.inner) if self.inner else None

    def extension(self, started, before, seconds, hard):
        """A later deadline when the child was kept from running by others' load; else the
        Timeout that ends this request (the rule: ``more_time``)."""
        now, after = time.monotonic(), self.cpu()
        used, waited = (None, None) if before is None or after is None else \
            (after[0] - before[0], after[1] - before[1])
        return now + more_time(now - started, used, waited, seconds, hard - started)

    def next_frame(self, deadline):
        while True:
            if len(self.buffer) >= 4:
                (n,) = struct.unpack(">I", self.buffer[:4])
                if n > self.limits.reply_bytes:
                    raise Crashed(msg("it sent a reply too large to read"))
                if len(self.buffer) >= 4 + n:
                    data, self.buffer = self.buffer[4:4 + n], self.buffer[4 + n:]
                    return decode_reply(data)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reply_r], [], [], left)[0]:
                raise Timeout()
            chunk = os.read(self.reply_r, 1 << 20)
            if not chunk:
                raise Crashed(self.death())
            self.buffer += chunk

    def death(self):
        """Why the child died, in words (a Message)."""
        code = ZYGOTE.ended(self.pid)
        if self.overfull:
            return self.overfull
        if code is None:
            return msg("it stopped answering")
        if code < 0:
            name = signal.Signals(-code).name
            return {"SIGSEGV": msg("it crashed Python (a segmentation fault)"),
                    "SIGKILL": msg("it was killed, probably for using too much memory"),
                    "SIGSYS": msg("it made a system call the sandbox forbids"),
                    "SIGXCPU": msg("it used more than {seconds:g} s of CPU time",
                                   seconds=self.limits.cpu_seconds),
                    "SIGXFSZ": msg("it wrote a file of more than {mb} MB",
                                   mb=self.limits.output_bytes // 1024 ** 2)}.get(
                name) or msg("it was ended by {signal}", signal=name)
        if code == 71:
            return msg("the sandbox failed to start (isolation failed half-way)")
        if code in (70, 72):
            return msg("the sandbox failed to start")
        return msg("it ended the Python process (exit code {code})", code=code)

    def timeout_words(self, e, seconds):
        if e.busy:
            self.busy = True
            return msg("did not finish within {seconds:g} s of CPU time because the grading "
                       "machine was too busy (not the code's fault; it is graded again next "
                       "run)", seconds=seconds)
        return msg("did not finish within {seconds:g} s", seconds=seconds)

    def budget_words(self, cause="notebook"):
        if cause == "learner":
            return msg("the learner's notebooks used up their time budget of {seconds:g} s in "
                       "all (restarts after loops and crashes included)",
                       seconds=self.limits.learner_seconds)
        if cause == "idle":
            return msg("the learner's notebooks spent more than {seconds:g} s in all neither "
                       "computing nor waiting for a CPU (sleeping, for instance)",
                       seconds=self.limits.idle_seconds)
        return msg("the notebook used up its time budget of {seconds:g} s (restarts after loops "
                   "and crashes included)", seconds=self.limits.notebook_seconds)

    def define_early(self):
        """Sends the notebook's plain definitions of the lesson's exercises, which the
        provided modules' stand-ins use in cells that run before them; False if the child
        did not take them (it is then restarted without them)."""
        for index, source in self.early:
            try:
                self.request({"op": "exec", "index": index, "source": source, "early": True},
                             self.limits.cell_seconds)
            except OverBudget:
                return True
            except (Timeout, Crashed):
                return False
        return True

    def run_cell(self, index, source):
        """Runs one cell; remembers cells that hang or kill the child, and skips them."""
        try:
            result = self.request({"op": "exec", "index": index, "source": source},
                                  self.limits.cell_seconds)
        except OverBudget as e:
            self.bad_cells[index] = msg("code cell {index} was stopped or not run: {why}",
                                        index=index + 1, why=self.budget_words(e.cause))
            return
        except (Timeout, Crashed) as e:
            why = (self.timeout_words(e, self.limits.cell_seconds) if isinstance(e, Timeout)
                   else e.args[0] if e.args else "")
            self.bad_cells[index] = msg("code cell {index} was skipped: {why}", index=index + 1,
                                        why=why)
            self.restart()
            return
        if result.get("cut"):
            self.cut_cells[index] = msg("code cell {index} printed more than {mb:g} MB; the rest "
                                        "of its output was dropped (grading uses what it "
                                        "computes)", index=index + 1,
                                        mb=self.limits.output_bytes / 1024 ** 2)
        if result.get("ok"):
            return
        if self.called:                          # a replay: its words may hold hidden inputs
            error, line = msg("an error (replayed after a restart; its message is not shown)"), ""
        else:
            error = child_error(result.get("error"))
            line = clean(result["line"], 300, True) if result.get("line") else ""
        if result.get("fatal"):                  # out of memory: start afresh without it
            self.bad_cells[index] = msg("code cell {index} raised {error}; it was skipped",
                                        index=index + 1, error=error)
            self.restart()
        else:
            self.cell_errors.setdefault(index, (
                msg("code cell {index} raised {error} ({line})", index=index + 1, error=error,
                    line=Verbatim(line))
                if line else
                msg("code cell {index} raised {error}", index=index + 1, error=error)))

    def notes(self, most=20):
        """What went wrong with the cells, as Messages (at most ``most``)."""
        notes = [*self.cell_errors.values(), *self.bad_cells.values(), *self.cut_cells.values()]
        return notes[:most] + ([msg("and {n} more", n=len(notes) - most)]
                               if len(notes) > most else [])

    def call(self, name, case, arg_names, seconds=None, stand_in=()):
        """Calls the learner's ``name`` on ``case``; an Outcome whatever happens.
        ``stand_in``: names whose course versions (blocks) replace the learner's meanwhile:
        their source goes with this request, and the child keeps them for this call only."""
        seconds = seconds or self.limits.call_seconds
        message = {"op": "call", "name": name, "args": plain.encode(tuple(case.args)),
                   "kwargs": plain.encode(case.kwargs), "arg_names": list(arg_names),
                   "stand_in": {"names": list(stand_in),
                                "source": provided.stand_in_source(tuple(stand_in))}
                   if stand_in else {}}
        try:
            over, _ = self.exhausted()
            if over:
                self.over.add(over)
                raise OverBudget(over)
            if self.pid is None:
                self.start()
            self.called = True                   # from now on the child has seen a case
            r = self.request(message, seconds)
        except OverBudget as e:
            return Outcome(error=msg("was not run: {why}", why=self.budget_words(e.cause)),
                           fatal=True,
                           error_is_sentence=True)
        except Timeout as e:
            self.restart_quietly()
            return Outcome(error=msg("was stopped: it {why} (an infinite loop?)",
                                     why=self.timeout_words(e, seconds)),
                           fatal=True, timed_out=True, error_is_sentence=True)
        except Crashed as e:
            self.restart_quietly()
            return Outcome(error=msg("could not finish: {why}", why=e.args[0] if e.args else ""),
                           fatal=True, error_is_sentence=True)
        hidden = bool(getattr(case, "hidden", False))
        cut = ((msg("it printed more than {mb:g} MB; the rest was dropped",
                    mb=self.limits.output_bytes / 1024 ** 2),) if r.get("cut") else ())
        if r.get("missing"):
            return Outcome(error=msg("no function named {name!r} is defined", name=name),
                           missing=True, error_is_sentence=True)
        if r.get("not_attempted"):
            stub = r.get("stub")
            return Outcome(not_attempted=True, stub=stub if isinstance(stub, str) and
                           stub.isidentifier() and len(stub) < 80 and not hidden else None)
        if "error" in r:
            if r.get("fatal"):
                self.restart_quietly()
            if hidden:                   # nothing of the child's text: it may carry the inputs
                error, is_sentence = hidden_error(r["error"], bool(r.get("error_is_sentence")))
                return Outcome(error=error, fatal=bool(r.get("fatal")), warnings=cut,
                               error_is_sentence=is_sentence)
            return Outcome(error=from_child(r["error"], lambda text: clean(text, 500, True)),
                           line=clean(r.get("line") or "", 300, True) or None,
                           fatal=bool(r.get("fatal")), warnings=cut,
                           error_is_sentence=bool(r.get("error_is_sentence")))
        try:
            value = plain.decode(r["value"])
        except Exception:
            return Outcome(error=msg("returned a result that could not be read as numbers"),
                           error_is_sentence=True)
        mutated, warnings = r.get("mutated", []), r.get("warnings", [])
        warnings = ([clean(w, 200, one_line=True) for w in warnings[:5]]
                    if isinstance(warnings, list) else [])
        return Outcome(value=value,
                       mutated=tuple(m for m in arg_names if isinstance(mutated, list)
                                     and m in mutated),
                       warnings=tuple(w for w in warnings if not hidden or numpy_warning(w))
                       + cut)

    def restart_quietly(self):
        """A fresh child for the next call; if none starts, the next call says why."""
        self.stop()
        try:
            self.start()
        except Crashed:
            self.stop()


