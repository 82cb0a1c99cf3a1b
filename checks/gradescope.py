"""Gradescope's results.json for one learner's submission (all the notebooks they uploaded).

Format: https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format"):
top-level score, execution_time, output and tests[], each test with name, number,
score, max_score, status ("passed" / "failed"), output and visibility.
"""
import json
from pathlib import Path

from .exercises import EXERCISES, lessons
from .gradebook import write_atomic

VISIBILITY = "visible"      # the check's messages never show a hidden case, so learners may see them


def results_json(results, seconds):
    """The results.json object for ``results`` (grade_notebook's), graded in ``seconds``."""
    best = best_attempts(results)
    tests = [test(ex_id, notebook, e) for ex_id, (notebook, e) in best.items()]
    return {"score": sum(t["score"] for t in tests),
            "execution_time": max(0, round(seconds)),
            "output": overview(results, best),
            "tests": tests}


def best_attempts(results):
    """{exercise id: (notebook name, its result)}, in course order; when a learner uploads
    the same exercise twice, the attempt with more points counts."""
    best = {}
    for r in results:
        for ex_id, e in r["exercises"].items():
            if ex_id not in best or e["points"] > best[ex_id][1]["points"]:
                best[ex_id] = (Path(r["path"]).name, e)
    order = list(EXERCISES)
    return dict(sorted(best.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 0))


def test(ex_id, notebook, e):
    output = e["feedback"]
    if e["warnings"]:
        output += "\n\nWarnings (reported, not scored):\n" + "\n".join(f"- {w}" for w in e["warnings"])
    return {"name": f"{ex_id} ({notebook})", "number": numbers().get(ex_id, "0"),
            "score": e["points"], "max_score": e["max_points"],
            "status": "passed" if e["passed"] else "failed",
            "output": output, "visibility": VISIBILITY}


def numbers():
    """{exercise id: "lesson.k"}: "1.2" is lesson 01's second exercise."""
    return {i: f"{int(lesson[:2])}.{k}" for lesson, ids in lessons().items()
            for k, i in enumerate(ids, 1)}


def overview(results, best):
    if not results:
        return ("No notebook (.ipynb file) was found in your submission. Upload the lesson's "
                "notebook, for example 01_weighted_sum.ipynb, and submit again.")
    lines = []
    for r in results:
        lines.append(f"{Path(r['path']).name}: {r['score']:g} / {r['max_score']:g}"
                     + (f". Note: {r['error']}" if r["error"] else ""))
    counted = sum(len(r["exercises"]) for r in results)
    if counted > len(best):
        lines.append("Some exercises appear in more than one of your notebooks; "
                     "the attempt with more points counts.")
    return "\n".join(lines)


def write_results(results, path, seconds):
    write_atomic(path, json.dumps(results_json(results, seconds), indent=1) + "\n")
