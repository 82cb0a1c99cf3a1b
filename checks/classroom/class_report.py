"""``python -m checks progress FOLDER [--png FILE] [--csv FILE] [--heatmap FILE]``:
how the class is doing, at a glance, for 5 learners or 500.

    grade (checks.classroom.grade_class, reusing stored results) --> summarise --> table (terminal),
    summary figure (PNG, one bar per exercise, grouped by lesson: one screen at any class
    size), per-learner table (CSV) and, for small classes, a learners x exercises heat map

Each learner counts once per lesson: their best attempt (checks/classroom/gradebook.py). An
exercise is "unreadable" when its lesson's notebook could not be read, and "not
submitted" when the learner has no notebook of that lesson. Results are stored in
``FOLDER.results`` beside the class folder (or ``--results``), so a second run on an
unchanged class grades nothing. ``summarise`` and ``table`` work on the grader's results
alone (a list of dicts), so they can be tested on made-up results; only ``progress`` grades.
"""
import os
import textwrap
from collections import Counter

from ..catalogue import EXERCISES, lessons
from ..engine.verdicts import FAILED, MISSING, NOT_ATTEMPTED, PASSED, STATUSES
from ..errors import CourseError
from .csvsafe import rows_to_csv
from .gradebook import NOT_SUBMITTED, UNREADABLE, best_attempts, lesson_of_result

# Okabe-Ito colours (safe for every common colour-vision deficiency) plus greys.
COLOURS = {PASSED: "#0072B2", FAILED: "#E69F00", NOT_ATTEMPTED: "#D9D9D9",
           MISSING: "#CC79A7", UNREADABLE: "#D55E00", NOT_SUBMITTED: "#FFFFFF"}
# The heat map's marks, so it reads in grey print too: verdicts.ICONS's emoji are not in
# Matplotlib's fonts, and a class has one more state (UNREADABLE).
FIGURE_MARKS = {PASSED: "✓", FAILED: "✗", MISSING: "?", UNREADABLE: "!"}
HEATMAP_MAX = 150          # learners; beyond that a grid is unreadable: use --csv


class ProgressError(CourseError, ValueError):
    """A class report that could not be made; the message says what to do instead."""


def exercise_status(e):
    """An exercise result's status; results without one count by their 'passed' flag."""
    if e.get("status") in (*STATUSES, UNREADABLE):
        return e["status"]
    return PASSED if e.get("passed") else FAILED


def learners(results, everyone=()):
    """{student: {exercise id: result}}: each learner's best attempt per lesson, merged; a
    lesson whose notebook could not be read gives each of its exercises the status
    "unreadable" (an exercise absent from a learner's dict was not submitted). ``everyone``:
    learners to count even with nothing graded (a learner who handed in only lesson 00)."""
    out = {name: {} for name in everyone}
    for r in best_attempts(results):
        mine = out.setdefault(r["student"], {})
        lesson = lesson_of_result(r)
        if r.get("error") and not r.get("exercises") and lesson in lessons():
            for i in lessons()[lesson]:
                mine.setdefault(i, {"status": UNREADABLE, "passed": False})
        else:
            mine.update(r.get("exercises", {}))
    return out


def exercise_ids(results):
    """The exercises present in ``results`` (or of a lesson submitted), in course order."""
    seen = {i for ex in learners(results).values() for i in ex}
    ordered = [i for ids in lessons().values() for i in ids if i in seen]
    return ordered + sorted(seen - set(ordered))


def hint_of(ex_id, mistake_id):
    ex = EXERCISES.get(ex_id)
    return next((m.hint for m in (ex.mistakes if ex else []) if m.id == mistake_id), "")


def summarise(results, everyone=(), snapshot=None):
    """Per exercise: counts by status, pass rate among submissions, most common mistake;
    plus the exercises ranked by how many learners are stuck on them (failing). ``everyone``:
    every learner found; ``snapshot``: when the class folder was read (text)."""
    by_learner = learners(results, everyone)
    rows = []
    for i in exercise_ids(results):
        entries = [ex[i] for ex in by_learner.values() if i in ex]
        counts = Counter(exercise_status(e) for e in entries)
        mistakes = Counter(e.get("mistake") for e in entries
                           if exercise_status(e) == FAILED and e.get("mistake"))
        top = mistakes.most_common(1)
        rows.append({"id": i, "lesson": EXERCISES[i].lesson if i in EXERCISES else "",
                     "submitted": len(entries), **{s: counts[s] for s in COLOURS
                                                   if s != NOT_SUBMITTED},
                     NOT_SUBMITTED: len(by_learner) - len(entries),
                     "pass_rate": counts[PASSED] / len(entries) if entries else 0.0,
                     "class_pass_rate": counts[PASSED] / len(by_learner) if by_learner else 0.0,
                     "mistake": top[0][0] if top else None, "mistake_count": top[0][1] if top else 0,
                     "hint": hint_of(i, top[0][0]) if top else ""})
    stuck = sorted((r for r in rows if r[FAILED] + r[MISSING]),
                   key=lambda r: (-(r[FAILED] + r[MISSING]), r["pass_rate"]))
    return {"learners": len(by_learner), "exercises": rows, "stuck": [r["id"] for r in stuck],
            "snapshot": snapshot,
            "unreadable": sorted({r["student"] for r in best_attempts(results)
                                  if r.get("error") and not r.get("exercises")})}


def table(summary, width=100):
    """The summary as lines of text for the terminal."""
    lines = [f"As of {summary['snapshot']}."] if summary.get("snapshot") else []
    lines += [(f"{summary['learners']} learners. Pass rate: among those who submitted the "
               "lesson (and among the whole class)."), "",
              (f"{'exercise':<26}{'passed':>7}{'failed':>7}{'not att.':>9}{'missing':>8}"
               f"{'unread.':>8}{'not sub.':>9}{'pass rate':>16}  most common mistake")]
    lesson = None
    for r in summary["exercises"]:
        if r.get("lesson") != lesson:
            lesson = r.get("lesson")
            lines.append(f"{lesson}")
        mistake = f"{r['mistake']} ({r['mistake_count']})" if r["mistake"] else "-"
        rate = f"{r['pass_rate']:.0%} ({r.get('class_pass_rate', r['pass_rate']):.0%})"
        lines.append(f"  {r['id']:<24}{r[PASSED]:>7}{r[FAILED]:>7}{r[NOT_ATTEMPTED]:>9}"
                     f"{r[MISSING]:>8}{r.get(UNREADABLE, 0):>8}{r.get(NOT_SUBMITTED, 0):>9}"
                     f"{rate:>16}  {mistake}")
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
        names = summary["unreadable"]
        lines += ["", f"{len(names)} learner(s) with a notebook that could not be read: "
                  + ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")]
    return lines


def learners_csv(results, everyone=()):
    """One row per learner, one column per exercise (lesson/exercise), its status."""
    by_learner, ids = learners(results, everyone), exercise_ids(results)
    header = ["learner", *[f"{EXERCISES[i].lesson}/{i}" if i in EXERCISES else i for i in ids],
              "passed"]
    rows = [header]
    for name in sorted(by_learner):
        mine = by_learner[name]
        states = [exercise_status(mine[i]) if i in mine else NOT_SUBMITTED for i in ids]
        rows.append([name, *states, sum(s == PASSED for s in states)])
    return rows_to_csv(rows)


def summary_figure(summary, path):
    """One horizontal bar per exercise (share of the class in each state), grouped by
    lesson: the same size for 5 learners or 5,000."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    rows = summary["exercises"]
    n = max(1, summary["learners"])
    fig, ax = plt.subplots(figsize=(11, max(3, 0.3 * len(rows) + 1.8)))
    labels = [f"{r['id']}  ({r.get('lesson', '')[:2]})" for r in rows]
    y = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for state, colour in COLOURS.items():
        share = [r.get(state, 0) / n for r in rows]
        ax.barh(y, share, left=left, color=colour, edgecolor="#888888", linewidth=0.4,
                label=state)
        left = [a + b for a, b in zip(left, share)]
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    for k in range(1, len(rows)):                    # a line between lessons
        if rows[k].get("lesson") != rows[k - 1].get("lesson"):
            ax.axhline(y[k] + 0.5, color="black", linewidth=1)
    ax.set_title(f"Class progress: {summary['learners']} learners, share in each state"
                 + (f"\nas of {summary['snapshot']}" if summary.get("snapshot") else ""))
    ax.legend(handles=[Patch(facecolor=c, edgecolor="#888888", label=s) for s, c in COLOURS.items()],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def heatmap(results, path):
    """Saves a learners × exercises grid coloured by status, with a legend, to ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    by_learner = learners(results)
    names, ids = sorted(by_learner), exercise_ids(results)
    if len(names) > HEATMAP_MAX:
        raise ProgressError(f"{len(names)} learners are too many for a readable heat map (at most "
                         f"{HEATMAP_MAX}); use --png for the summary figure and --csv for the "
                         "per-learner table.")
    states = list(COLOURS)
    grid = [[states.index(exercise_status(by_learner[n][i]) if i in by_learner[n] else NOT_SUBMITTED)
             for i in ids] for n in names]
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(ids) + 3), max(3, 0.35 * len(names) + 2.5)))
    ax.imshow(grid or [[states.index(NOT_SUBMITTED)]], cmap=ListedColormap(list(COLOURS.values())),
              vmin=-0.5, vmax=len(states) - 0.5, aspect="auto")
    ax.set_xticks(range(len(ids)), ids, rotation=60, ha="right", fontsize=9)
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.set_xticks([x - 0.5 for x in range(1, len(ids))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(names))], minor=True)
    ax.grid(which="minor", color="#888888", linewidth=0.5)
    for x in range(1, len(ids)):                     # a thick line between lessons
        if ids[x] in EXERCISES and ids[x - 1] in EXERCISES and \
                EXERCISES[ids[x]].lesson != EXERCISES[ids[x - 1]].lesson:
            ax.axvline(x - 0.5, color="black", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    if len(names) * len(ids) <= 1500:          # marks, so the grid reads in grey print too
        for y, row in enumerate(grid):
            for x, s in enumerate(row):
                mark = FIGURE_MARKS.get(states[s], "")
                ax.text(x, y, mark, ha="center", va="center", fontsize=8,
                        color="white" if states[s] == PASSED else "black")
    ax.set_title(f"Class progress: {len(names)} learners × {len(ids)} exercises")
    ax.legend(handles=[Patch(facecolor=c, edgecolor="#888888",
                             label=f"{s} {FIGURE_MARKS.get(s, '')}".strip()) for s, c in COLOURS.items()],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def class_results(folder, echo=print, **options):
    """The grader's results for ``folder``, on every core, stored in (and reused from)
    ``results_dir``: by default FOLDER.results beside the class folder, where ``grade``
    keeps them too (grade_class.default_store), so each reuses the other's."""
    from .assignments import names  # nbgrader's submitted/<learner>/<assignment>/
    from .grade_class import default_store, grade
    options.setdefault("jobs", os.cpu_count())
    if options.get("results_dir") is None:
        options["results_dir"] = default_store([folder])
    options.setdefault("skip_folders", names())
    return grade([folder], echo=echo, **options)


def progress(folder, png=None, echo=print, csv=None, heatmap_png=None, assignment=None,
             **options):
    """Grades ``folder`` (reusing stored results), prints the summary table, saves the
    summary figure, the per-learner CSV and the heat map; returns the summary.
    ``assignment``: only its lessons and exercises (a name of grading.toml, or a lesson)."""
    from datetime import datetime

    from ..grading.submissions import discover
    from . import assignments
    snapshot = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    chosen = assignments.load(assignment) if assignment else None
    if chosen is not None:
        options["only"] = chosen.lessons
    results = class_results(folder, echo=lambda line: None, **options)
    if chosen is not None:
        results = assignments.apply(results, chosen)[0]
    if not results:
        raise ProgressError(f"no notebooks found under {folder}"
                            + (f" for {chosen.name}" if chosen is not None else ""))
    everyone = sorted(discover([folder], assignments.names()).learners)
    summary = summarise(results, everyone, snapshot)
    for line in table(summary):
        echo(line)
    if png:
        summary_figure(summary, png)
        echo(f"\nsummary figure: {png}")
    if csv:
        from ..grading.store import write_atomic
        write_atomic(csv, learners_csv(results, everyone))
        echo(f"per-learner table: {csv}")
    if heatmap_png:
        heatmap(results, heatmap_png)
        echo(f"heat map: {heatmap_png}")
    return summary
