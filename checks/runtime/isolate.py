"""Linux namespaces and a seccomp filter for a grading child: an allow-listed file system,
no sockets, no new processes. The way bubblewrap builds its sandboxes, in ``ctypes``.

Standard library only, loaded by path in the child. The steps, in order:

``enter``  (the outer process, single-threaded, freshly forked): new user, mount,
           network, PID, IPC and UTS namespaces; the grader's user is root inside.
``build``  (its first child, PID 1 of the new PID namespace): a new root that is an
           empty tmpfs holding only the ``keep`` paths (Python, its libraries, the
           provided modules), read-only, minus any ``hide`` folder that lies inside
           them (a course folder in a venv's src/); ``/dev/null``, ``/dev/zero``,
           ``/dev/urandom``; its own ``/proc``; a size-limited ``/tmp/work``; then
           ``pivot_root``, so nothing else of the machine is reachable at all.
``drop``   a user namespace of its own again: no capability left over those mounts.
``seccomp`` (isolated or not): no socket(), no new process (threads only), no
           namespaces, mounts, memfd, SysV shared memory or message queues, io_uring,
           ptrace, keyrings, bpf, setsid/setpgid, no signals to other processes, no
           resetting the parent-death signal.
``landlock`` (only where namespaces are refused and isolation was turned off): the
           same allow-list as read-only access rules, the child's folder writable.
"""
import ctypes
import errno
import os
import platform
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

# System calls by architecture (x86-64, arm64): the numbers differ.
ARCH = platform.machine()
SYSCALLS = {
    "x86_64": dict(
        audit=0xC000003E, mount_setattr=442, pivot_root=155, clone=56, clone3=435, prctl=157,
        kill=62, tgkill=234,
        deny=dict(socket=41, fork=57, vfork=58, tkill=200, io_uring_setup=425,
                  memfd_create=319, memfd_secret=447, mount=165, umount2=166, pivot_root=155,
                  unshare=272, setns=308, chroot=161, mount_setattr=442, open_tree=428,
                  move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433,
                  keyctl=250, add_key=248, request_key=249, bpf=321, userfaultfd=323,
                  perf_event_open=298, ptrace=101, process_vm_readv=310,
                  process_vm_writev=311, setsid=112, setpgid=109, pidfd_open=434,
                  pidfd_send_signal=424, pidfd_getfd=438, kexec_load=246,
                  shmget=29, shmat=30, msgget=68, mq_open=240)),
    "aarch64": dict(
        audit=0xC00000B7, mount_setattr=442, pivot_root=41, clone=220, clone3=435, prctl=167,
        kill=129, tgkill=131,
        deny=dict(socket=198, tkill=130, io_uring_setup=425, memfd_create=279,
                  memfd_secret=447, mount=40, umount2=39, pivot_root=41, unshare=97,
                  setns=268, chroot=51, mount_setattr=442, open_tree=428, move_mount=429,
                  fsopen=430, fsconfig=431, fsmount=432, fspick=433, keyctl=219,
                  add_key=217, request_key=218, bpf=280, userfaultfd=282,
                  perf_event_open=241, ptrace=117, process_vm_readv=270,
                  process_vm_writev=271, setsid=157, setpgid=154, pidfd_open=434,
                  pidfd_send_signal=424, pidfd_getfd=438, kexec_load=104,
                  shmget=194, shmat=196, msgget=186, mq_open=180)),
}

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
def enter():
    """Called in the child that becomes the namespaces' parent; raises OSError if refused."""
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC
            | CLONE_NEWUTS)
    map_ids(0, uid, gid)
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def build(newroot, keep, hide, work_bytes):
    """Called as PID 1 of the new namespaces: makes ``newroot`` (an existing empty folder)
    the root of a file system holding only ``keep``, then moves into it."""
    new = Path(newroot)
    mount("tmpfs", newroot, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=755")
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
            mount("tmpfs", str(inside(h)), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
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
    mount("proc", str(new / "proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    (new / WORK[1:]).mkdir(parents=True, exist_ok=True)
    os.chdir(newroot)
    ok(libc.syscall(SYSCALLS[ARCH]["pivot_root"], b".", b"."), "pivot_root")
    ok(libc.umount2(b".", MNT_DETACH), "detach the old root")
    os.chdir("/")
    read_only("/")
    read_only("/proc", recursive=False, writable=True)   # drop() writes its uid_map there
    mount("tmpfs", WORK, "tmpfs", MS_NOSUID | MS_NODEV, f"size={work_bytes},mode=777")


def drop():
    """No capabilities left: a user namespace of its own, where it is an ordinary user."""
    unshare(CLONE_NEWUSER)
    map_ids(1000, 0, 0)


# ---- seccomp -------------------------------------------------------------------------
RET_ALLOW, RET_KILL = 0x7FFF0000, 0x80000000
RET_EPERM, RET_ENOSYS = 0x00050000 | errno.EPERM, 0x00050000 | errno.ENOSYS
LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
NR, AUDIT, ARG0 = 0, 4, 16                        # offsets in struct seccomp_data (little endian)
NAMESPACES = (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC
              | CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWTIME)


def seccomp_program(own_pid):
    """The filter as (code, jt, jf, k) tuples; jumps name labels, resolved at the end."""
    s = SYSCALLS[ARCH]
    prog = [(LD, 0, 0, AUDIT), (JEQ, 1, 0, s["audit"]), (RET, 0, 0, RET_KILL), (LD, 0, 0, NR)]
    if ARCH == "x86_64":                          # the x32 ABI's numbers
        prog.append((JGE, "deny", 0, 0x40000000))
    prog += [(JEQ, "clone", 0, s["clone"]), (JEQ, "prctl", 0, s["prctl"]),
             (JEQ, "self", 0, s["kill"]), (JEQ, "self", 0, s["tgkill"]),
             (JEQ, "enosys", 0, s["clone3"])]     # glibc then falls back to clone
    prog += [(JEQ, "deny", 0, nr) for nr in sorted(set(s["deny"].values()))]
    prog += [(RET, 0, 0, RET_ALLOW),
             "clone", (LD, 0, 0, ARG0), (JSET, "deny", 0, NAMESPACES),
             (JSET, "allow", "deny", CLONE_THREAD),
             "prctl", (LD, 0, 0, ARG0), (JEQ, "deny", "allow", PR_SET_PDEATHSIG),
             "self", (LD, 0, 0, ARG0), (JEQ, "allow", "deny", own_pid),
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
    return [(c, jump(jt, i), jump(jf, i), k) for i, (c, jt, jf, k) in enumerate(code)]


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
def probe_once(keep, hide, newroot, seconds=10.0):
    """(True, None) if a child could do all of the above, (True, why) if the kernel refused,
    (False, why) if the probe died before it could say."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            # The zygote's SIGCHLD reaper is inherited: it would reap `inner` before our
            # waitpid does (Python 3.10 runs it there), so restore the default first.
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            enter()
            inner = os.fork()
            if inner == 0:                       # PID 1 of the new namespaces
                try:
                    build(newroot, keep, hide, 1 << 20)
                    drop()
                    seccomp(1)
                    os.write(w, b"ok")
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


def probe(keep, hide, newroot, attempts=3):
    """None if this kernel lets a child isolate itself, else why not. A probe that dies
    before answering is tried again; a refusal is final."""
    why = "not probed"
    for _ in range(attempts):
        answered, why = probe_once(keep, hide, newroot)
        if answered:
            return why
    return why
