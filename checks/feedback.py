"""Per-learner feedback files (Markdown): each exercise's result explained as the
in-notebook check explains it, warnings listed (reported, never scored).

Only what the grade JSON holds is used: the check's own messages, which never
show a hidden case's inputs or expected values, and no reference code.
"""
import re
from pathlib import Path

from .gradebook import write_atomic

ICONS = {"passed": "✅", "failed": "❌", "not attempted": "⏳", "missing": "❔"}


def by_student(results):
    """{student: [their results]}, in the order first seen."""
    out = {}
    for r in results:
        out.setdefault(r["student"], []).append(r)
    return out


def markdown(student, results):
    score = sum(r["score"] for r in results)
    best = sum(r["max_score"] for r in results)
    lines = [f"# Feedback for {student}", "",
             f"Total: **{score:g} / {best:g}**" + (f" ({100 * score / best:.0f}%)" if best else ""),
             ""]
    for r in results:
        lines += notebook_section(r)
    return "\n".join(lines).rstrip() + "\n"


def notebook_section(r):
    name = Path(r["path"]).name
    lines = [f"## {name}: {r['score']:g} / {r['max_score']:g}", ""]
    if r["error"]:
        lines += [f"**Note on your notebook:** {r['error']}", ""]
    if not r["exercises"]:
        return lines + ["No exercise could be graded in this notebook.", ""]
    lines += ["| exercise | result | points |", "|---|---|---|"]
    for ex_id, e in r["exercises"].items():
        lines.append(f"| `{ex_id}` | {ICONS.get(e['status'], '')} {e['status']} "
                     f"| {e['points']:g} / {e['max_points']:g} |")
    lines.append("")
    for ex_id, e in r["exercises"].items():
        lines += [f"### {ICONS.get(e['status'], '')} `{ex_id}`", "", "```text",
                  e["feedback"].replace("```", "'''"), "```", ""]
        if e["warnings"]:
            lines += ["Warnings (reported, not scored):", ""]
            lines += [f"- {w}" for w in e["warnings"]] + [""]
    return lines


def file_name(student, taken):
    base = re.sub(r"[^\w.-]+", "_", student).strip("._") or "learner"
    name, n = f"{base}.md", 1
    while name in taken:
        n += 1
        name = f"{base}_{n}.md"
    taken.add(name)
    return name


def write_feedback(results, folder):
    """Writes ``folder/<student>.md`` for every learner; returns the paths."""
    folder, taken, written = Path(folder), set(), []
    for student, theirs in by_student(results).items():
        path = folder / file_name(student, taken)
        write_atomic(path, markdown(student, theirs))
        written.append(path)
    return written
