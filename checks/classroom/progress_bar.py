"""A one-line progress bar for a batch, drawn only when its stream is a terminal."""
import sys
import time


class Meter:
    def __init__(self, total, stream=None, width=30):
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.width, self.done = total, width, 0
        self.start = time.monotonic()
        isatty = getattr(self.stream, "isatty", None)
        self.on = bool(total and isatty and isatty())

    def clear(self):
        """Erases the bar, so a plain line can be printed in its place."""
        if self.on:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def step(self):
        self.done += 1
        self.draw()

    def draw(self):
        if not self.on:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else 0
        filled = self.width * self.done // self.total
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total}  {elapsed:.0f} s, about {left:.0f} s left")
        self.stream.flush()
