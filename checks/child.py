"""The grading child: runs one learner's notebook code and answers calls with plain data.

Started by ``sandbox.py`` as ``python -I child.py CMD_FD REPLY_FD ROOT``. It reads
commands (length-prefixed JSON) from CMD_FD and writes replies to REPLY_FD, a
channel of the grader's own: nothing the learner's code prints is ever read as
a result. It imports only the standard library, NumPy and ``plain.py``; it
never sees expected values.
"""
import copy
import json
import os
import struct
import sys
import traceback
import types
import warnings

CMD_FD, REPLY_FD, ROOT = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, os.path.join(ROOT, "checks"))
import numpy as np  # noqa: E402
import plain        # noqa: E402
sys.path[0] = ROOT  # `blocks` is the course's; `checks` is stubbed below

stub = types.ModuleType("checks")
stub.check = lambda *args, **kwargs: None
sys.modules["checks"] = stub
cells = {}
namespace = {"__name__": "__main__"}


def receive():
    header = os.read(CMD_FD, 4)
    if len(header) < 4:
        sys.exit(0)
    (n,), data = struct.unpack(">I", header), b""
    while len(data) < n:
        data += os.read(CMD_FD, n - len(data))
    return json.loads(data)


def reply(obj):
    data = json.dumps(obj).encode()
    os.write(REPLY_FD, struct.pack(">I", len(data)) + data)


def where(tb):
    """'line N: code' of the innermost frame in a learner's cell."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<cell ")]
    if not frames:
        return None
    f = frames[-1]
    lines = cells.get(f.filename, "").splitlines()
    code = lines[f.lineno - 1].strip() if 0 < f.lineno <= len(lines) else ""
    return f"{f.filename[1:-1]}, line {f.lineno}: {code}"


def strip_magics(source):
    """IPython's %magics and !shell lines mean nothing here: they are dropped."""
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def run_cell(cmd):
    name = f"<cell {cmd['index']}>"
    cells[name] = cmd["source"]
    try:
        exec(compile(strip_magics(cmd["source"]), name, "exec"), namespace)
        return {"ok": True}
    except BaseException as e:          # SystemExit and KeyboardInterrupt included
        return {"ok": False, "error": f"{type(e).__name__}: {e}", "line": where(sys.exc_info()[2])}


def call(cmd):
    fn = namespace.get(cmd["name"])
    if not callable(fn):
        return {"missing": True}
    args, kwargs = plain.decode(cmd["args"]), plain.decode(cmd["kwargs"])
    before = copy.deepcopy(args)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except NotImplementedError:
            return {"not_attempted": True}
        except BaseException as e:
            return {"error": f"{type(e).__name__}: {e}", "line": where(sys.exc_info()[2])}
    notes = sorted({str(w.message)[:200] for w in caught})
    mutated = [name for name, b, a in zip(cmd["arg_names"], before, args)
               if not plain.same(b, a)]
    try:
        value = plain.encode(plain.normalise(value))
    except plain.NotPlain as e:
        return {"error": f"it returned {e}, not numbers", "warnings": notes}
    except Exception as e:  # a result that raises when inspected
        return {"error": f"its result could not be read ({type(e).__name__})"}
    return {"value": value, "mutated": mutated, "warnings": notes}


HANDLERS = {"exec": run_cell, "call": call}
while True:
    command = receive()
    reply(HANDLERS[command["op"]](command))
