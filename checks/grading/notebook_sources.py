"""A notebook's code cells, read without reading its outputs.

Grading needs the code cells' sources only, so a notebook's JSON is walked, not
parsed: the outputs (plots, printed text, however many MB) are skipped over
without building a string or a list of them, and only the sources of code cells
(and the few small fields nbformat needs) are decoded. What comes back is a small
notebook (a dict) for nbformat to read.

Bounds: at most ``source_bytes`` of code-cell source (as stored, JSON-escaped) is
decoded, else ``TooMuchSource``; at most ``steps`` strings and brackets are
stepped over, else ``NotNotebook``. Memory is the file's bytes plus the sources.
"""
import json
import re

SKIP = re.compile(rb'[^"\[\]{}]*')                  # up to the next string or bracket
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
SPACE = re.compile(rb"[ \t\r\n]*")
SCALAR = re.compile(rb"[^,\]}\s]+")
SMALL = 64 * 1024          # bytes: the largest field kept besides sources (nbformat, cell_type)


class NotNotebook(ValueError):
    """The bytes are not a notebook's JSON (said in words)."""


class TooMuchSource(ValueError):
    """The code cells hold more than the stated cap of source."""

    def __init__(self, size, cap):
        super().__init__(size, cap)
        self.size, self.cap = size, cap


class Walker:
    def __init__(self, data, source_bytes, steps):
        self.data, self.pos, self.steps = data, 0, steps
        self.source_left, self.source_cap = source_bytes, source_bytes

    # ---- tokens --------------------------------------------------------------
    def peek(self):
        self.pos = SPACE.match(self.data, self.pos).end()
        return self.data[self.pos:self.pos + 1]

    def expect(self, char):
        if self.peek() != char:
            raise NotNotebook("it is not valid JSON (expected {char} at byte {at:,})"
                              .format(char=char.decode(), at=self.pos))
        self.pos += 1

    def step(self):
        self.steps -= 1
        if self.steps < 0:
            raise NotNotebook("its JSON has too many parts to read")

    def skip(self):
        """Steps over one value; returns its (start, end) in the data. No recursion."""
        char, start = self.peek(), self.pos
        if char == b'"':
            self.string_end()
        elif char in (b"[", b"{"):
            depth = 0
            while True:
                self.step()
                self.pos = SKIP.match(self.data, self.pos).end()
                char = self.data[self.pos:self.pos + 1]
                if char == b'"':
                    self.string_end()
                    continue
                if not char:
                    raise NotNotebook("it is not valid JSON (it ends too early)")
                self.pos += 1
                depth += 1 if char in (b"[", b"{") else -1
                if depth == 0:
                    break
        else:
            m = SCALAR.match(self.data, self.pos)
            if not m:
                raise NotNotebook("it is not valid JSON (at byte {at:,})".format(at=self.pos))
            self.pos = m.end()
        return start, self.pos

    def string_end(self):
        m = STRING.match(self.data, self.pos)
        if not m:
            raise NotNotebook("it is not valid JSON (a string does not end)")
        self.pos = m.end()

    def small(self):
        """The next value decoded if it is small, else None (skipped)."""
        start, end = self.skip()
        if end - start > SMALL:
            return None
        try:
            return json.loads(self.data[start:end])
        except (ValueError, RecursionError):
            raise NotNotebook("it is not valid JSON (at byte {at:,})".format(at=start)) from None

    def members(self):
        """Yields each key of the object that starts here; the caller reads its value."""
        self.expect(b"{")
        if self.peek() == b"}":
            self.pos += 1
            return
        while True:
            self.step()
            if self.peek() != b'"':
                raise NotNotebook("it is not valid JSON (expected a key at byte {at:,})"
                                  .format(at=self.pos))
            start = self.pos
            self.string_end()
            key = json.loads(self.data[start:self.pos]) if self.pos - start <= SMALL else None
            self.expect(b":")
            yield key
            char = self.peek()
            self.pos += 1
            if char == b"}":
                return
            if char != b",":
                raise NotNotebook("it is not valid JSON (at byte {at:,})".format(at=self.pos - 1))

    def elements(self):
        """Yields once before each element of the array that starts here."""
        self.expect(b"[")
        if self.peek() == b"]":
            self.pos += 1
            return
        while True:
            self.step()
            yield
            char = self.peek()
            self.pos += 1
            if char == b"]":
                return
            if char != b",":
                raise NotNotebook("it is not valid JSON (at byte {at:,})".format(at=self.pos - 1))

    # ---- the notebook's structure ----------------------------------------------
    def notebook(self):
        if self.peek() != b"{":
            self.small()
            raise NotNotebook("it is not a JSON object")
        top = {}
        for key in self.members():
            if key in ("nbformat", "nbformat_minor"):
                top[key] = self.small()
            elif key == "cells":
                top[key] = self.cells()
            elif key == "worksheets":                  # nbformat 3
                top[key] = self.worksheets()
            else:
                self.skip()
        if self.peek():
            raise NotNotebook("it is not valid JSON (more after byte {at:,})".format(at=self.pos))
        top.setdefault("metadata", {})
        return top

    def worksheets(self):
        if self.peek() != b"[":
            return self.small()
        sheets = []
        for _ in self.elements():
            if self.peek() != b"{":
                sheets.append(self.small())
                continue
            sheet = {}
            for key in self.members():
                if key == "cells":
                    sheet["cells"] = self.cells()
                else:
                    self.skip()
            sheets.append(sheet)
        return sheets

    def cells(self):
        if self.peek() != b"[":
            return self.small()
        cells = []
        for _ in self.elements():
            if self.peek() != b"{":
                cells.append(self.small())
                continue
            cell, spans = {}, {}
            for key in self.members():
                if key in ("cell_type", "id"):
                    cell[key] = self.small()
                elif key in ("source", "input"):
                    spans[key] = self.skip()
                else:
                    self.skip()
            if cell.get("cell_type") == "code":
                cell.update({key: self.source(*span) for key, span in spans.items()})
                cell.update(outputs=[], metadata={}, execution_count=None)
            elif cell.get("cell_type") in ("markdown", "raw", "heading"):
                cell.update(source="", metadata={}, **({"level": 1} if
                            cell["cell_type"] == "heading" else {}))
            cells.append(cell)
        return cells

    def source(self, start, end):
        self.source_left -= end - start
        if self.source_left < 0:
            raise TooMuchSource(self.source_cap - self.source_left, self.source_cap)
        try:
            return json.loads(self.data[start:end])
        except (ValueError, RecursionError):
            return None                              # not a string: the cell is skipped


def reduced_notebook(data, source_bytes, steps=5_000_000):
    """The notebook in ``data`` (bytes of JSON) with its code cells' sources and nothing
    else of size: a dict for nbformat. Raises NotNotebook or TooMuchSource."""
    return Walker(data, source_bytes, steps).notebook()
