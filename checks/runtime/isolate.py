"""Linux namespaces and a seccomp filter for a grading child: an allow-listed file system,
no sockets, no new processes. The way bubblewrap builds its sandboxes, in ``ctypes``.

Standard library only, loaded by path in the child. The steps, in order:

``enter``  (the outer process, single-threaded, freshly forked): new user, mount,
           network, PID, IPC and UTS namespaces; the grader's user is root inside (as
           root, LEARNER inside is also mapped to an unprivileged host uid, e.g. 65534).
``build_root`` (its first child, PID 1 of the new PID namespace): a new root that is an
           empty tmpfs holding only the ``keep`` paths (Python, its libraries, the
           provided modules), read-only, minus any ``hide`` folder that lies inside
           them (a course folder in a venv's src/); the ``DEVICES`` (``/dev/null``,
           ``/dev/zero``, ``/dev/urandom``, ``/dev/random``); its own ``/proc`` (its
           processes only, read-only where it can be); a ``/tmp/work`` limited in bytes
           and inodes, nothing executable there; then ``pivot_root``, so nothing else of
           the machine is reachable.
``drop``   no capability left: LEARNER (as root: a host uid that owns nothing), else a
           user namespace of its own again, where it is an ordinary user.
``seccomp`` (isolated or not): no socket(), no new process (threads only), no
           namespaces, mounts, memfd, SysV shared memory or message queues, io_uring,
           ptrace, keyrings, bpf, setsid/setpgid, no resetting the parent-death signal;
           no call that targets another process (signals, prlimit64, priorities,
           scheduling, page migration, process_madvise, kcmp, pidfds, SIGIO owners).
``landlock`` (only where namespaces are refused and isolation was turned off): the
           same allow-list as read-only access rules, the child's folder writable.
"""
import ctypes
import errno
import os
import platform
import resource
import select
import signal
import struct
import time
from pathlib import Path

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWPID = 0x20000, 0x10000000, 0x40000000, 0x20000000
CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME = 0x08000000, 0x04000000, 0x02000000, 0x80
CLONE_THREAD = 0x10000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 2, -100, 0x8000, 1
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, PR_SET_CHILD_SUBREAPER = 1, 38, 22, 36
WORK = "/tmp/work"
DEVICES = ("null", "zero", "urandom", "random")

# System calls by architecture (x86-64, arm64): the numbers differ. ``deny``: refused
# outright; ``own``: refused unless their first argument (a pid) is 0 or the caller's own
# pid; ``own_tgid``: unless it is the caller's own pid (signals: 0 would mean its group).
ARCH = platform.machine()
SYSCALLS = {
    "x86_64": dict(
        audit=0xC000003E, mount_setattr=442, pivot_root=155, clone=56, clone3=435, prctl=157,
        setpriority=141, getpriority=140, fcntl=72, ioctl=16,
        own_tgid=dict(kill=62, tgkill=234, rt_sigqueueinfo=129, rt_tgsigqueueinfo=297),
        own=dict(prlimit64=302, sched_setaffinity=203, sched_setscheduler=144,
                 sched_setparam=142, sched_setattr=314, sched_getparam=143,
                 sched_getscheduler=145, sched_getattr=315, sched_rr_get_interval=148,
                 migrate_pages=256, move_pages=279, get_robust_list=274),
        deny=dict(socket=41, fork=57, vfork=58, tkill=200, io_uring_setup=425,
                  memfd_create=319, memfd_secret=447, mount=165, umount2=166, pivot_root=155,
                  unshare=272, setns=308, chroot=161, mount_setattr=442, open_tree=428,
                  move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433,
                  keyctl=250, add_key=248, request_key=249, bpf=321, userfaultfd=323,
                  perf_event_open=298, ptrace=101, process_vm_readv=310,
                  process_vm_writev=311, setsid=112, setpgid=109, pidfd_open=434,
                  pidfd_send_signal=424, pidfd_getfd=438, kexec_load=246,
                  shmget=29, shmat=30, msgget=68, mq_open=240, process_madvise=440,
                  process_mrelease=448, kcmp=312, ioprio_set=251, ioprio_get=252)),
    "aarch64": dict(
        audit=0xC00000B7, mount_setattr=442, pivot_root=41, clone=220, clone3=435, prctl=167,
        setpriority=140, getpriority=141, fcntl=25, ioctl=29,
        own_tgid=dict(kill=129, tgkill=131, rt_sigqueueinfo=138, rt_tgsigqueueinfo=240),
        own=dict(prlimit64=261, sched_setaffinity=122, sched_setscheduler=119,
                 sched_setparam=118, sched_setattr=274, sched_getparam=121,
                 sched_getscheduler=120, sched_getattr=275, sched_rr_get_interval=127,
                 migrate_pages=238, move_pages=239, get_robust_list=100),
        deny=dict(socket=198, tkill=130, io_uring_setup=425, memfd_create=279,
                  memfd_secret=447, mount=40, umount2=39, pivot_root=41, unshare=97,
                  setns=268, chroot=51, mount_setattr=442, open_tree=428, move_mount=429,
                  fsopen=430, fsconfig=431, fsmount=432, fspick=433, keyctl=219,
                  add_key=217, request_key=218, bpf=280, userfaultfd=282,
                  perf_event_open=241, ptrace=117, process_vm_readv=270,
                  process_vm_writev=271, setsid=157, setpgid=154, pidfd_open=434,
                  pidfd_send_signal=424, pidfd_getfd=438, kexec_load=104,
                  shmget=194, shmat=196, msgget=186, mq_open=180, process_madvise=440,
                  process_mrelease=448, kcmp=272, ioprio_set=30, ioprio_get=31)),
}
# fcntl and ioctl commands that make the kernel signal another process later (SIGIO).
F_SETOWN, F_SETSIG, F_SETOWN_EX, FIOSETOWN, SIOCSPGRP = 8, 10, 15, 0x8901, 0x8902
PRIO_PROCESS = 0

libc = ctypes.CDLL(None, use_errno=True)


class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def ok(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags):
    ok(libc.unshare(flags), "unshare")


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    ok(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
       f"mount {target}")


def read_only(path, recursive=True, writable=False):
    if ARCH not in SYSCALLS:
        raise OSError(errno.ENOSYS, f"no mount_setattr number known for {ARCH}")
    attr = (MountAttr(attr_clr=MOUNT_ATTR_RDONLY) if writable
            else MountAttr(attr_set=MOUNT_ATTR_RDONLY))
    ok(libc.syscall(SYSCALLS[ARCH]["mount_setattr"], AT_FDCWD, path.encode(),
                    AT_RECURSIVE if recursive else 0, ctypes.byref(attr), ctypes.sizeof(attr)),
       f"read-only {path}")


def map_ids(inside, outside_uid, outside_gid):
    Path("/proc/self/setgroups").write_text("deny", encoding="utf-8")
    Path("/proc/self/uid_map").write_text(f"{inside} {outside_uid} 1", encoding="utf-8")
    Path("/proc/self/gid_map").write_text(f"{inside} {outside_gid} 1", encoding="utf-8")


def under(path, folder):
    return path == folder or folder in path.parents


# ---- the namespaces ------------------------------------------------------------------
LEARNER = 1000            # the learner's uid and gid inside the namespaces
NOBODY = 65534            # as root, the host uid LEARNER is, unless told another


def enter(user=None):
    """Called in the child that becomes the namespaces' parent; raises OSError if refused.
    Returns True when LEARNER is mapped to the host's ``user``: as root (``user``: an
    unprivileged host uid, NOBODY if not given, never 0) a helper that stays outside
    writes the map, since a process cannot map more than its own uid: root to root (to
    build the file system), LEARNER to ``user``. As an ordinary user, False: only that
    user is mapped (to root inside), and ``drop`` nests a namespace of its own instead."""
    uid, gid = os.getuid(), os.getgid()
    flags = (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC
             | CLONE_NEWUTS)
    if uid != 0:
        unshare(flags)
        map_ids(0, uid, gid)
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        return False
    user = NOBODY if not user else int(user)     # never root
    os.setgroups([])                             # no supplementary group (root's) inside
    r, w = os.pipe()
    helper = os.fork()
    if helper == 0:                              # writes the map of its parent's namespace
        code = 1
        try:
            os.close(w)
            if os.read(r, 1) == b"1":
                for name in ("uid_map", "gid_map"):
                    with open(f"/proc/{os.getppid()}/{name}", "w", encoding="ascii") as f:
                        f.write(f"0 0 1\n{LEARNER} {user} 1\n")
                code = 0
        finally:
            os._exit(code)
    os.close(r)
    try:
        try:
            unshare(flags)
            os.write(w, b"1")
        finally:
            os.close(w)
    finally:
        _, status = os.waitpid(helper, 0)
    if status != 0:
        raise OSError(errno.EPERM, "the user namespace's map could not be written")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    return True


def mount_proc(target):
    """Only the processes' folders (``subset=pid``, Linux 5.8+): no /proc/sys, no
    /proc/sysrq-trigger; older kernels get a whole (read-only, see build) /proc."""
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    try:
        mount("proc", target, "proc", flags, "subset=pid")
    except OSError as e:
        if e.errno != errno.EINVAL:
            raise
        mount("proc", target, "proc", flags)


def build_root(newroot, keep, hide, work_bytes, work_files=4096, learner_mapped=False):
    """Called as PID 1 of the new namespaces: makes ``newroot`` (an existing empty folder)
    the root of a file system holding only ``keep``, then moves into it. ``/tmp/work``:
    ``work_bytes`` and ``work_files`` inodes, nothing executable. /proc stays writable
    (the process's own entries: /proc/self/uid_map, which ``drop`` writes) only when
    ``learner_mapped`` is False."""
    new = Path(newroot)
    mount("tmpfs", newroot, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,nr_inodes=4096,mode=755")
    inside = lambda p: new / Path(p).relative_to("/")  # noqa: E731
    kept = []
    for k in sorted({Path(os.path.abspath(k)) for k in keep}, key=lambda p: len(p.parts)):
        if not os.path.lexists(k) or any(under(k, c) for c in kept):
            continue
        target = inside(k)
        target.parent.mkdir(parents=True, exist_ok=True)
        if k.is_symlink():                       # /lib -> usr/lib: the same link
            os.symlink(os.readlink(k), target)
            continue
        if k.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.touch()
        mount(str(k), str(target), None, MS_BIND | MS_REC)
        kept.append(k)
    for h in sorted({Path(os.path.abspath(h)) for h in hide}, key=lambda p: len(p.parts)):
        if h.is_dir() and any(under(h, k) and h != k for k in kept):
            mount("tmpfs", str(inside(h)), "tmpfs", MS_NOSUID | MS_NODEV,
                  "size=64k,nr_inodes=64,mode=755")
            for k in (Path(os.path.abspath(k)) for k in keep):   # what must stay, back in place
                if under(k, h) and k != h and os.path.exists(k):
                    target = inside(k)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.mkdir(exist_ok=True) if k.is_dir() else target.touch()
                    mount(str(k), str(target), None, MS_BIND | MS_REC)
    (new / "dev").mkdir(exist_ok=True)
    for name in DEVICES:
        (new / "dev" / name).touch()
        mount(f"/dev/{name}", str(new / "dev" / name), None, MS_BIND)
    (new / "proc").mkdir(exist_ok=True)
    mount_proc(str(new / "proc"))
    (new / WORK[1:]).mkdir(parents=True, exist_ok=True)
    os.chdir(newroot)
    ok(libc.syscall(SYSCALLS[ARCH]["pivot_root"], b".", b"."), "pivot_root")
    ok(libc.umount2(b".", MNT_DETACH), "detach the old root")
    os.chdir("/")
    read_only("/")
    if not learner_mapped:
        read_only("/proc", recursive=False, writable=True)   # drop() writes its uid_map there
    mount("tmpfs", WORK, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
          f"size={int(work_bytes)},nr_inodes={int(work_files)},mode=777")


def drop(learner_mapped=False):
    """No capabilities left. ``learner_mapped`` (see ``enter``): become LEARNER, a host uid
    that owns nothing; else a user namespace of its own, where it is an ordinary user."""
    if learner_mapped:
        os.setgroups([])
        os.setresgid(LEARNER, LEARNER, LEARNER)
        os.setresuid(LEARNER, LEARNER, LEARNER)  # from root to not: every capability goes
        return
    unshare(CLONE_NEWUSER)
    map_ids(LEARNER, 0, 0)


def limit_tasks(most):
    """At most ``most`` tasks (threads and processes) for this process's real uid, counted
    in its own user namespace (RLIMIT_NPROC: per namespace since Linux 5.14, so per
    sandbox when isolated)."""
    resource.setrlimit(resource.RLIMIT_NPROC, (most, most))


def tasks_counted_per_namespace():
    """Whether RLIMIT_NPROC counts a user namespace's tasks apart (Linux 5.14+)."""
    try:
        return tuple(int(x) for x in platform.release().split("-")[0].split(".")[:2]) >= (5, 14)
    except ValueError:
        return False


def tasks_of(uid):
    """How many tasks (threads included) the host's user ``uid`` runs now."""
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                n += int(fields["Threads"])
        except (OSError, KeyError, ValueError, IndexError):
            pass
    return n


# ---- seccomp -------------------------------------------------------------------------
RET_ALLOW, RET_KILL = 0x7FFF0000, 0x80000000
RET_EPERM, RET_ENOSYS = 0x00050000 | errno.EPERM, 0x00050000 | errno.ENOSYS
LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
NR, AUDIT, ARG0, ARG1 = 0, 4, 16, 24              # offsets in struct seccomp_data (little
#                                                   endian: the low 32 bits, all a pid has)
NAMESPACES = (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC
              | CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWTIME)


def seccomp_program(own_pid):
    """The filter as (code, jt, jf, k) tuples; jumps name labels, resolved at the end.
    ``own_pid``: the caller's pid as it sees it (1 isolated, its host pid otherwise): the
    only process a call that names one may target."""
    s = SYSCALLS[ARCH]
    prog = [(LD, 0, 0, AUDIT), (JEQ, 1, 0, s["audit"]), (RET, 0, 0, RET_KILL), (LD, 0, 0, NR)]
    if ARCH == "x86_64":                          # the x32 ABI's numbers
        prog.append((JGE, "deny", 0, 0x40000000))
    prog += [(JEQ, "clone", 0, s["clone"]), (JEQ, "prctl", 0, s["prctl"]),
             (JEQ, "priority", 0, s["setpriority"]), (JEQ, "priority", 0, s["getpriority"]),
             (JEQ, "fcntl", 0, s["fcntl"]), (JEQ, "ioctl", 0, s["ioctl"]),
             (JEQ, "enosys", 0, s["clone3"])]     # glibc then falls back to clone
    prog += [(JEQ, "own_tgid", 0, nr) for nr in sorted(s["own_tgid"].values())]
    prog += [(JEQ, "own", 0, nr) for nr in sorted(s["own"].values())]
    prog += [(JEQ, "deny", 0, nr) for nr in sorted(set(s["deny"].values()))]
    prog += [(RET, 0, 0, RET_ALLOW),
             "clone", (LD, 0, 0, ARG0), (JSET, "deny", 0, NAMESPACES),
             (JSET, "allow", "deny", CLONE_THREAD),
             "prctl", (LD, 0, 0, ARG0), (JEQ, "deny", "allow", PR_SET_PDEATHSIG),
             # setpriority/getpriority(which, who): a process (never a group or a user),
             # itself
             "priority", (LD, 0, 0, ARG0), (JEQ, 0, "deny", PRIO_PROCESS),
             (LD, 0, 0, ARG1), (JEQ, "allow", 0, 0), (JEQ, "allow", "deny", own_pid),
             "own", (LD, 0, 0, ARG0), (JEQ, "allow", 0, 0),      # 0: itself; else, as below
             "own_tgid", (LD, 0, 0, ARG0), (JEQ, "allow", "deny", own_pid),
             # no SIGIO owner: the kernel would signal that process later, for it
             "fcntl", (LD, 0, 0, ARG1), (JEQ, "deny", 0, F_SETOWN), (JEQ, "deny", 0, F_SETSIG),
             (JEQ, "deny", "allow", F_SETOWN_EX),
             "ioctl", (LD, 0, 0, ARG1), (JEQ, "deny", 0, FIOSETOWN),
             (JEQ, "deny", "allow", SIOCSPGRP),
             "enosys", (RET, 0, 0, RET_ENOSYS),
             "deny", (RET, 0, 0, RET_EPERM),
             "allow", (RET, 0, 0, RET_ALLOW)]
    labels, code = {}, []
    for item in prog:
        if isinstance(item, str):
            labels[item] = len(code)
        else:
            code.append(item)
    jump = lambda j, i: labels[j] - i - 1 if isinstance(j, str) else j  # noqa: E731
    program = [(c, jump(jt, i), jump(jf, i), k) for i, (c, jt, jf, k) in enumerate(code)]
    if any(not 0 <= j < 256 for _, jt, jf, _ in program for j in (jt, jf)):
        raise OSError(errno.E2BIG, "the system-call filter's jumps are too long")
    return program


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def seccomp(own_pid):
    """Installs the filter on this process (and on every thread it starts later)."""
    if ARCH not in SYSCALLS:
        raise OSError(errno.ENOSYS, f"no seccomp filter for {ARCH}")
    program = seccomp_program(own_pid)
    data = b"".join(struct.pack("<HBBI", c, jt, jf, k & 0xFFFFFFFF) for c, jt, jf, k in program)
    buf = ctypes.create_string_buffer(data, len(data))
    prog = SockFprog(len(program), ctypes.cast(buf, ctypes.c_void_p))
    ok(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    ok(libc.prctl(PR_SET_SECCOMP, 2, ctypes.byref(prog), 0, 0), "seccomp")


# ---- Landlock: a file-system allow-list without namespaces ---------------------------
LANDLOCK_CREATE_RULESET, LANDLOCK_ADD_RULE, LANDLOCK_RESTRICT_SELF = 444, 445, 446  # all arches
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR, TRUNCATE = 1, 2, 4, 8, 1 << 14
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE


def landlock_abi():
    """The kernel's Landlock version, 0 where it has none."""
    return max(0, libc.syscall(LANDLOCK_CREATE_RULESET, None, 0, 1))


def landlock(read, write):
    """Where namespaces are refused but the kernel has Landlock (5.13+): this process and
    its threads may read only ``read`` and write only ``write`` (paths, recursively);
    everything else of the file system answers EACCES. Raises OSError if unsupported."""
    abi = libc.syscall(LANDLOCK_CREATE_RULESET, None, 0, 1)
    if abi < 1:
        err = ctypes.get_errno()
        raise OSError(err, f"Landlock: {os.strerror(err)}")
    handled = (1 << 13) - 1 | ((1 << 13) if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0)
    attr = ctypes.c_uint64(handled)
    ruleset = libc.syscall(LANDLOCK_CREATE_RULESET, ctypes.byref(attr), 8, 0)
    if ruleset < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"Landlock ruleset: {os.strerror(err)}")
    try:
        for paths, rights in ((read, EXECUTE | READ_FILE | READ_DIR), (write, handled)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    is_dir = os.path.isdir(f"/proc/self/fd/{fd}")
                    allowed = rights & handled & (~0 if is_dir else FILE_RIGHTS)
                    rule = ctypes.create_string_buffer(struct.pack("<Qi", allowed, fd), 12)
                    ok(libc.syscall(LANDLOCK_ADD_RULE, ruleset, 1, rule, 0), f"Landlock {path}")
                finally:
                    os.close(fd)
        ok(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        ok(libc.syscall(LANDLOCK_RESTRICT_SELF, ruleset, 0), "Landlock restrict")
    finally:
        os.close(ruleset)


# ---- the probe -----------------------------------------------------------------------
def probe_once(keep, hide, newroot, seconds=10.0, user=None):
    """(True, None) if a child could do all of the above (as ``user``, see ``enter``) and
    then read every kept path, (True, why) if the kernel refused or a kept path is closed
    to learner code, (False, why) if the probe died before it could say."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            # The zygote's SIGCHLD reaper is inherited: it would reap `inner` before our
            # waitpid does (Python 3.10 runs it there), so restore the default first.
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            who = (user or NOBODY) if os.getuid() == 0 else os.getuid()
            mapped = enter(user)
            inner = os.fork()
            if inner == 0:                       # PID 1 of the new namespaces
                try:
                    build_root(newroot, keep, hide, 1 << 20, 64, mapped)
                    drop(mapped)
                    seccomp(1)
                    closed = [k for k in keep if os.path.exists(k) and not os.access(
                        k, os.R_OK | (os.X_OK if os.path.isdir(k) else 0))]
                    os.write(w, f"learner code (host user {who}) could not read "
                                f"{closed[0]}".encode()[:500] if closed else b"ok")
                except OSError as e:
                    os.write(w, str(e).encode()[:500])
                finally:
                    os._exit(0)
            os.waitpid(inner, 0)                 # the answer is written before we go
        except OSError as e:
            os.write(w, str(e).encode()[:500])
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    said, deadline = b"", time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not select.select([r], [], [], max(0.0, deadline - time.monotonic()))[0]:
                break
            chunk = os.read(r, 600)
            if not chunk:
                break
            said += chunk
    finally:
        os.close(r)
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):   # the zygote reaped it first
            pass
    said = said.decode(errors="replace")
    if said == "ok":
        return True, None
    return (True, said) if said else (False, "the isolation probe died before it answered")


def probe(keep, hide, newroot, attempts=3, user=None):
    """None if this kernel lets a child isolate itself, else why not. A probe that dies
    before answering is tried again; a refusal is final."""
    why = "not probed"
    for _ in range(attempts):
        answered, why = probe_once(keep, hide, newroot, user=user)
        if answered:
            return why
    return why
