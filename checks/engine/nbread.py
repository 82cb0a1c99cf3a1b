"""Reading notebooks cheaply: the course's own notebooks by ``json`` alone, and nbformat,
when a learner's notebook must be read as nbformat reads it, without the costly part.

``import nbformat`` imports jsonschema, which imports every optional format checker it
finds installed; JupyterLab's jupyter-events installs them, and one (rfc3987-syntax)
builds a grammar at import: 3-4 s of CPU, for checks nbformat never makes (its schema
uses no ``format``). ``nbformat()`` imports it with those checkers left out (the same
ones the Gradescope bundle leaves out, which it takes from here).
"""
import importlib
import json
import sys
import threading

# jsonschema's optional format checkers, by module name; none is used by nbformat's schema
FORMAT_CHECKER_MODULES = ("fqdn", "isoduration", "jsonpointer", "rfc3339_validator",
                          "rfc3986_validator", "rfc3987_syntax", "uri_template", "webcolors")


LOCK = threading.Lock()


def nbformat():
    """The nbformat module. Imported here the first time, with jsonschema's optional format
    checkers unavailable while it loads (they stay importable afterwards); if jsonschema was
    already imported, as it is. Safe from any thread: each caller gets the module once it is
    wholly imported."""
    with LOCK:
        if "nbformat" not in sys.modules:
            blocked = [m for m in FORMAT_CHECKER_MODULES if m not in sys.modules]
            for name in blocked:
                sys.modules[name] = None        # `import name` raises ImportError meanwhile
            try:
                importlib.import_module("nbformat")
            finally:
                for name in blocked:
                    if name in sys.modules and sys.modules[name] is None:
                        del sys.modules[name]
    import nbformat as module  # waits for an import under way elsewhere
    return module


def code_sources(path):
    """The code cells' sources of the course's own notebook (nbformat 4) at ``path``, as
    nbformat reads them (a list of lines joined), read with json alone."""
    with open(path, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]
