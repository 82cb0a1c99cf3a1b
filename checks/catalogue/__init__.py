"""The registry: every graded exercise of the course, by id, in lesson order."""
from . import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08

EXERCISES = {ex.id: ex for module in (lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08) for ex in module.EXERCISES}


def lessons():
    """{lesson name: [exercise ids]} in course order."""
    out = {}
    for ex in EXERCISES.values():
        out.setdefault(ex.lesson, []).append(ex.id)
    return dict(sorted(out.items()))
