"""Gradescope's results.json for one learner's submission (all the notebooks they uploaded).

Format: https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format"):
top-level score, execution_time, output and tests[], each test with name, number,
score, max_score, status ("passed" / "failed"), output and visibility.

Every exercise of the assignment is a test, uploaded or not: a missing lesson shows as
0 with a message; notebooks of other lessons are ignored (they earn nothing). When a
lesson is uploaded twice, the attempt with more points counts (checks/classroom/gradebook.py).
"""
import json
from pathlib import Path

from ..catalogue import EXERCISES, lessons
from ..grading.store import write_atomic
from .gradebook import best_attempts

VISIBILITY = "visible"      # the check's messages never show a hidden case, so learners may see them;
                            # an assignment's gradescope_visibility in grading.toml changes it


def results_json(results, seconds, assignment=None, ignored=()):
    """The results.json object for ``results`` (grade_notebook's, already restricted to
    ``assignment`` by assignments.apply), graded in ``seconds``."""
    from .assignments import whole_course
    assignment = assignment or whole_course()
    counted = best_attempts(results)
    by_lesson = {r.get("lesson"): r for r in counted if r.get("lesson")}
    tests = []
    for ex_id, worth in assignment.points.items():
        lesson = EXERCISES[ex_id].lesson
        r = by_lesson.get(lesson)
        if r is not None and ex_id in r["exercises"]:
            tests.append(test(ex_id, Path(r["path"]).name, r["exercises"][ex_id]))
        elif r is not None:
            tests.append(zero(f"{ex_id} ({Path(r['path']).name}, unreadable)", ex_id, worth,
                              f"{ex_id}: not graded, because {Path(r['path']).name} could not "
                              f"be read: {r['error']}"))
        else:
            tests.append(zero(f"{ex_id} ({lesson}.ipynb, not uploaded)", ex_id, worth,
                              f"{ex_id}: not graded, because no notebook of {lesson} was "
                              f"uploaded. Upload {lesson}.ipynb (with your other notebooks) "
                              "and submit again."))
    visibility = getattr(assignment, "visibility", VISIBILITY)
    for t in tests:
        t["visibility"] = visibility
    return {"score": round(sum(t["score"] for t in tests), 2),
            "execution_time": max(0, round(seconds)),
            "output": overview(results, counted, ignored, assignment),
            "tests": tests}


def test(ex_id, notebook, e):
    output = e["feedback"]
    if e["warnings"]:
        output += "\n\nWarnings (reported, not scored):\n" + "\n".join(f"- {w}" for w in e["warnings"])
    return {"name": f"{ex_id} ({notebook})", "number": numbers().get(ex_id, "0"),
            "score": e["points"], "max_score": e["max_points"],
            "status": "passed" if e["passed"] else "failed",
            "output": output, "visibility": VISIBILITY}


def zero(name, ex_id, worth, output):
    return {"name": name, "number": numbers().get(ex_id, "0"), "score": 0, "max_score": worth,
            "status": "failed", "output": output, "visibility": VISIBILITY}


def numbers():
    """{exercise id: "lesson.k"}: "1.2" is lesson 01's second exercise."""
    return {i: f"{int(lesson[:2])}.{k}" for lesson, ids in lessons().items()
            for k, i in enumerate(ids, 1)}


def overview(results, counted, ignored, assignment):
    lines = []
    expected = ", ".join(f"{lesson}.ipynb" for lesson in assignment.lessons)
    if not results and not ignored:
        return ("No notebook (.ipynb file) was found in your submission. This assignment "
                "expects {expected}: upload them and submit again.").format(expected=expected)
    for r in counted:
        lines.append(f"{Path(r['path']).name}: {r['score']:g} / {r['max_score']:g}"
                     + (f". Note: {r['error']}" if r["error"] else ""))
    if len(counted) < len(results):
        lines.append("Some lessons appear in more than one of your notebooks; "
                     "the attempt with more points counts.")
    for r in ignored:
        lines.append("{name}: not part of this assignment, which expects {expected}; it was "
                     "not graded.".format(name=Path(r["path"]).name, expected=expected))
    if ignored and not results:
        lines.append("None of your notebooks belongs to this assignment: upload {expected} "
                     "and submit again.".format(expected=expected))
    return "\n".join(lines)


METADATA = Path("/autograder/submission_metadata.json")


def submitter(metadata=METADATA):
    """Who handed in this Gradescope submission, from Gradescope's submission_metadata.json
    (its users' ids, else their emails, joined: a group is one learner here), or None when
    there is no such file: the identity their hidden cases are drawn for."""
    try:
        users = json.loads(Path(metadata).read_text(encoding="utf-8")).get("users") or []
        names = sorted(str(u.get("id") or u.get("email") or "") for u in users
                       if isinstance(u, dict))
    except (OSError, ValueError, AttributeError):
        return None
    names = [n for n in names if n]
    return "gradescope:" + ",".join(names) if names else None


def write_results(results, path, seconds, assignment=None, ignored=()):
    write_atomic(path, json.dumps(results_json(results, seconds, assignment, ignored),
                                  indent=1) + "\n")
