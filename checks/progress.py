"""``python -m checks progress FOLDER [--png FILE]``: how the class is doing, at a glance.

    grade (checks.grade) --> summarise --> table (terminal) and heat map (PNG)

``summarise`` and ``table`` work on the grader's results alone (a list of dicts), so they
can be tested on made-up results; only ``progress`` grades.
"""
import inspect
import os
import textwrap
from collections import Counter

from .exercises import EXERCISES, lessons

PASSED, FAILED, NOT_ATTEMPTED, MISSING = "passed", "failed", "not attempted", "missing"
NOT_SUBMITTED = "not submitted"
# Okabe-Ito colours (safe for every common colour-vision deficiency) plus greys.
COLOURS = {PASSED: "#0072B2", FAILED: "#E69F00", NOT_ATTEMPTED: "#D9D9D9",
           MISSING: "#CC79A7", NOT_SUBMITTED: "#FFFFFF"}
MARKS = {PASSED: "✓", FAILED: "✗", MISSING: "?"}


def status_of(e):
    """An exercise result's status; results without one count by their 'passed' flag."""
    if e.get("status") in (PASSED, FAILED, NOT_ATTEMPTED, MISSING):
        return e["status"]
    return PASSED if e.get("passed") else FAILED


def learners(results):
    """{student: {exercise id: result}}: a learner's notebooks (one per lesson) merged."""
    out = {}
    for r in results:
        out.setdefault(r["student"], {}).update(r.get("exercises", {}))
    return out


def exercise_ids(results):
    """The exercises present in ``results``, in course order."""
    seen = {i for r in results for i in r.get("exercises", {})}
    ordered = [i for ids in lessons().values() for i in ids if i in seen]
    return ordered + sorted(seen - set(ordered))


def hint_of(ex_id, mistake_id):
    ex = EXERCISES.get(ex_id)
    return next((m.hint for m in (ex.mistakes if ex else []) if m.id == mistake_id), "")


def summarise(results):
    """Per exercise: counts by status, pass rate among submissions, most common mistake;
    plus the exercises ranked by how many learners are stuck on them (failing)."""
    by_learner = learners(results)
    rows = []
    for i in exercise_ids(results):
        entries = [ex[i] for ex in by_learner.values() if i in ex]
        counts = Counter(status_of(e) for e in entries)
        mistakes = Counter(e.get("mistake") for e in entries
                           if status_of(e) == FAILED and e.get("mistake"))
        top = mistakes.most_common(1)
        rows.append({"id": i, "submitted": len(entries), **{s: counts[s] for s in COLOURS
                                                            if s != NOT_SUBMITTED},
                     "pass_rate": counts[PASSED] / len(entries) if entries else 0.0,
                     "mistake": top[0][0] if top else None, "mistake_count": top[0][1] if top else 0,
                     "hint": hint_of(i, top[0][0]) if top else ""})
    stuck = sorted((r for r in rows if r[FAILED] + r[MISSING]),
                   key=lambda r: (-(r[FAILED] + r[MISSING]), r["pass_rate"]))
    return {"learners": len(by_learner), "exercises": rows, "stuck": [r["id"] for r in stuck],
            "unreadable": [r["student"] for r in results if r.get("error") and not r.get("exercises")]}


def table(summary, width=100):
    """The summary as lines of text for the terminal."""
    lines = [f"{summary['learners']} learners", "",
             f"{'exercise':<28}{'passed':>8}{'failed':>8}{'not att.':>10}{'missing':>9}"
             f"{'pass rate':>11}  most common mistake"]
    for r in summary["exercises"]:
        mistake = f"{r['mistake']} ({r['mistake_count']})" if r["mistake"] else "-"
        lines.append(f"{r['id']:<28}{r[PASSED]:>8}{r[FAILED]:>8}{r[NOT_ATTEMPTED]:>10}"
                     f"{r[MISSING]:>9}{r['pass_rate']:>10.0%}  {mistake}")
    by_id = {r["id"]: r for r in summary["exercises"]}
    if summary["stuck"]:
        lines += ["", "Where most learners are stuck (failing or function missing):"]
        for i in summary["stuck"][:5]:
            r = by_id[i]
            lines.append(f"  {i}: {r[FAILED] + r[MISSING]} of {r['submitted']} stuck, "
                         f"{r['pass_rate']:.0%} pass")
    common = [r for r in summary["exercises"] if r["mistake"]]
    if common:
        lines += ["", "The most common mistake per exercise, and what those learners read:"]
        for r in common:
            lines += textwrap.wrap(f"{r['id']} · {r['mistake']} ({r['mistake_count']} of "
                                   f"{r[FAILED]} failing): {r['hint']}", width,
                                   initial_indent="  ", subsequent_indent="      ")
    if summary["unreadable"]:
        lines += ["", "Could not be graded at all: " + ", ".join(summary["unreadable"])]
    return lines


def heatmap(results, path):
    """Saves a learners × exercises grid coloured by status, with a legend, to ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    by_learner = learners(results)
    names, ids = sorted(by_learner), exercise_ids(results)
    states = list(COLOURS)
    grid = [[states.index(status_of(by_learner[n][i]) if i in by_learner[n] else NOT_SUBMITTED)
             for i in ids] for n in names]
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(ids) + 3), max(3, 0.35 * len(names) + 2.5)))
    ax.imshow(grid or [[states.index(NOT_SUBMITTED)]], cmap=ListedColormap(list(COLOURS.values())),
              vmin=-0.5, vmax=len(states) - 0.5, aspect="auto")
    ax.set_xticks(range(len(ids)), ids, rotation=60, ha="right", fontsize=9)
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.set_xticks([x - 0.5 for x in range(1, len(ids))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(names))], minor=True)
    ax.grid(which="minor", color="#888888", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    if len(names) * len(ids) <= 1500:          # marks, so the grid reads in grey print too
        for y, row in enumerate(grid):
            for x, s in enumerate(row):
                mark = MARKS.get(states[s], "")
                ax.text(x, y, mark, ha="center", va="center", fontsize=8,
                        color="white" if states[s] == PASSED else "black")
    ax.set_title(f"Class progress: {len(names)} learners × {len(ids)} exercises")
    ax.legend(handles=[Patch(facecolor=c, edgecolor="#888888",
                             label=f"{s} {MARKS.get(s, '')}".strip()) for s, c in COLOURS.items()],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def grade_class(folder, echo=print, **options):
    """The grader's results for ``folder``, on every core when the grader can do that."""
    from .grade import grade
    if "jobs" in inspect.signature(grade).parameters:
        options.setdefault("jobs", os.cpu_count())
    return grade([folder], echo=echo, **options)


def progress(folder, png=None, echo=print, **options):
    """Grades ``folder``, prints the summary table, saves the heat map; returns the summary."""
    results = grade_class(folder, echo=lambda line: None, **options)
    if not results:
        raise FileNotFoundError(f"no notebooks found under {folder}")
    summary = summarise(results)
    for line in table(summary):
        echo(line)
    if png:
        heatmap(results, png)
        echo(f"\nheat map: {png}")
    return summary
