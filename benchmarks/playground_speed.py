"""Benchmark: is the workshop playground fast enough to feel live? (Not named playground.py:
that would shadow the module it measures.)

One training step plus one redraw of a 2-8-8-1 network on 500 points (250 for training, 250 for
test, as TensorFlow Playground's default), on one core: the goal is at most 50 ms, so that
play runs at 20 steps a second or more. The figure is the CPU time of this process (on a
shared, busy machine the wall-clock time also counts the time spent waiting for the core; it
is printed beside). Measured two ways:

- "step + pictures": Trainer.step(1), then everything draw() computes (the output and every
  hidden neuron over the plane, the PNGs, the loss curve), without widgets;
- "step + widget redraw": Playground.do_step(), the Step button's handler, with ipywidgets 8
  (outside a kernel, so the messages to the browser are built but not sent).

    make bench        # or: .venv/bin/python benchmarks/playground_speed.py --steps 200
"""
import argparse
import os
import statistics
import time

import numpy as np

import playground as pg

GOAL_MS = 50.0


def one_core():
    """Pins this process to one CPU where the OS allows it; returns a description."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity here)"


def timed(fn, steps):
    """(CPU milliseconds of this process, wall-clock milliseconds) of each call of ``fn``."""
    fn()                                               # warm up
    cpu, wall = [], []
    for _ in range(steps):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return cpu, wall


def report(name, times):
    cpu, wall = times
    median, p90 = statistics.median(cpu), float(np.percentile(cpu, 90))
    verdict = "within" if median <= GOAL_MS else "OVER"
    print(f"{name:32s} CPU median {median:6.1f} ms, 90th percentile {p90:6.1f} ms "
          f"({1000 / median:4.0f} steps/s, {verdict} the {GOAL_MS:.0f} ms goal);   "
          f"wall median {statistics.median(wall):6.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="timed steps per measurement")
    args = parser.parse_args()
    print(f"playground benchmark: 2-8-8-1 tanh network, 500 points, batch size 10, SGD; "
          f"{one_core()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("CPU time is this process's own time on its one core; wall time also counts waiting for "
          "the core when the machine is busy.")
    data = pg.make_data("spiral", n=500, noise=0.1, train_fraction=0.5, seed=0)
    trainer = pg.Trainer(data, [8, 8], "tanh", 0.03, "sgd", batch_size=10)

    def step_and_pictures():
        trainer.step(1)
        plane = trainer.over_plane(50)
        pg.png(pg.boundary_picture(trainer, plane=plane))
        for layer in pg.neuron_pictures(trainer, plane=plane):
            for picture in layer:
                pg.png(picture)
        pg.loss_svg(trainer)
    report("step + pictures (no widgets)", timed(step_and_pictures, args.steps))
    report("step alone", timed(lambda: trainer.step(1), args.steps))
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        print("step + widget redraw: skipped, ipywidgets is not installed")
        return
    widget = pg.Playground(pg.course_choice().functions, dataset="spiral", noise=0.1, hidden=(8, 8),
                           mine=False)
    report("step + widget redraw (do_step)", timed(widget.do_step, args.steps))


if __name__ == "__main__":
    main()
