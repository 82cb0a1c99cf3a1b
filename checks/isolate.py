"""Linux namespaces for a grading child: no network, a read-only world, its own processes.

Standard library only (``ctypes``), loaded by path in the child. ``enter`` makes
the calling process (single-threaded, freshly forked) the root of new user,
mount, network and PID namespaces; ``finish`` runs in its first child (PID 1 of
the new PID namespace) and drops the privileges the set-up needed, so learner
code can neither undo the mounts nor see anything but itself.

What the learner's code then sees:
- every file system read-only, except an empty, size-limited ``/tmp/work``;
- ``hide`` folders (the course, the class's notebooks, the grader's home and
  temporary folders) replaced by empty ones, except ``keep`` paths inside them
  (Python itself, the provided modules and data);
- no network interface but a loopback that is down;
- a ``/proc`` with its own processes only: when PID 1 ends, every process it
  started ends too, daemonised or not.
"""
import ctypes
import os
from pathlib import Path

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWPID = 0x20000, 0x10000000, 0x40000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 2, -100, 0x8000, 1
SYS_MOUNT_SETATTR = 442          # the same number on x86-64 and arm64
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
WORK = "/tmp/work"

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


def read_only(path):
    attr = MountAttr(attr_set=MOUNT_ATTR_RDONLY)
    ok(libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), AT_RECURSIVE,
                    ctypes.byref(attr), ctypes.sizeof(attr)), f"read-only {path}")


def map_ids(inside, outside_uid, outside_gid):
    Path("/proc/self/setgroups").write_text("deny", encoding="utf-8")
    Path("/proc/self/uid_map").write_text(f"{inside} {outside_uid} 1", encoding="utf-8")
    Path("/proc/self/gid_map").write_text(f"{inside} {outside_gid} 1", encoding="utf-8")


def placeholder(is_dir, at):
    """An empty directory or file at ``at`` to mount something on."""
    at.parent.mkdir(parents=True, exist_ok=True)
    if is_dir:
        at.mkdir(exist_ok=True)
    else:
        at.touch()


def under(path, folder):
    return path == folder or folder in path.parents


def enter(keep, hide, work_bytes):
    """Called in the child that becomes the namespaces' parent; raises OSError if unsupported."""
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID)
    map_ids(0, uid, gid)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    kept = [(Path(k), os.open(k, os.O_PATH), Path(k).is_dir()) for k in keep if Path(k).exists()]
    covered = []                                 # hide, outermost first
    for h in sorted({Path(h) for h in [*hide, "/tmp"] if Path(h).is_dir()},
                    key=lambda p: len(p.parts)):
        if not any(under(h, c) for c in covered):
            mount("tmpfs", str(h), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
            covered.append(h)
    for k, fd, is_dir in kept:                   # what must stay visible goes back in place
        if any(under(k, c) for c in covered):
            placeholder(is_dir, k)
            mount(f"/proc/self/fd/{fd}", str(k), None, MS_BIND | MS_REC)
        os.close(fd)
    placeholder(True, Path(WORK))
    read_only("/")
    mount("tmpfs", WORK, "tmpfs", MS_NOSUID | MS_NODEV, f"size={work_bytes},mode=777")


def finish():
    """Called as PID 1 of the new namespaces, before any learner code runs."""
    libc.prctl(PR_SET_PDEATHSIG, 9)              # the parent gone means we go too
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        pass                                     # the old /proc still hides other namespaces' files
    unshare(CLONE_NEWUSER)                       # no capabilities left: mounts stay as they are
    map_ids(1000, 0, 0)


def probe(keep, hide):
    """None if this kernel lets a child do all of the above, else why not (once per zygote:
    a refusal half-way must not leave children half isolated)."""
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        try:
            enter(keep, hide, 1 << 20)
            if os.fork() == 0:
                finish()
                os.write(w, b"ok")
            os._exit(0)
        except OSError as e:
            os.write(w, str(e).encode()[:500])
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as answer:
        said = answer.read().decode(errors="replace")
    return None if said == "ok" else (said or "the isolation probe died")

