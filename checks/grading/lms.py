"""Grade imports for learning management systems, from the per-learner gradebook.

    Canvas   Gradebook > Import: the columns of Canvas's own gradebook export, Student,
             ID, SIS User ID, SIS Login ID, Section, then one column per assignment
             ("week1"; Canvas creates it, or updates "week1 (1234)" if you rename the
             header to the existing column's), and a "Points Possible" second row.
             Canvas matches a row by ID, else SIS User ID, else SIS Login ID.
    Moodle   Grades > Import > CSV file: a header row, one row per learner; at import
             map "Username" (or "Email address") to the user and the assignment's
             column to its grade item, its "... feedback" column to feedback.

Who is who: the learner's folder name is used as the Canvas SIS Login ID and the Moodle
username, so name folders by login; a Canvas "Download Submissions" zip
(login_12345_67890_file.ipynb) gives Canvas's user ID 12345, which Canvas matches first.
Every cell is escaped against formula injection (checks/grading/csvsafe.py).
"""
import re

from .csvsafe import rows_to_csv

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def canvas_id(learner):
    """Canvas's user ID, when the learner comes from a Canvas submissions download."""
    m = re.search(r"(?:^|/)[^/_]+?(?:_LATE)?_(\d+)$", learner)
    return m.group(1) if m else ""


def login(learner):
    """The last folder of the learner's path, without a Canvas download's numbers."""
    last = learner.rsplit("/", 1)[-1]
    m = re.match(r"^(.+?)(?:_LATE)?_\d+$", last)
    return m.group(1) if m and canvas_id(learner) else last


def shared_logins(book):
    """{login: [learners]} for logins that more than one learner would be imported as."""
    seen = {}
    for row in book:
        seen.setdefault(login(row["learner"]), []).append(row["learner"])
    return {k: v for k, v in seen.items() if len(v) > 1}


def canvas(book, assignment):
    """Canvas's gradebook import CSV: one column, the assignment's total."""
    title = assignment.name
    rows = [CANVAS_HEADER + [title],
            ["    Points Possible", "", "", "", "", assignment.maximum]]
    for row in book:
        rows.append([login(row["learner"]), canvas_id(row["learner"]), "", login(row["learner"]),
                     section(row["learner"]), row["total"]])
    return rows_to_csv(rows)


def section(learner):
    """secA for secA/ada: a class folder with one subfolder per section."""
    return learner.rsplit("/", 1)[0] if "/" in learner else ""


def moodle(book, assignment):
    """Moodle's grade import CSV: username, the total and a feedback line per learner."""
    title = assignment.name
    rows = [["Username", "Learner folder", title, f"{title} feedback"]]
    for row in book:
        rows.append([login(row["learner"]), row["learner"], row["total"],
                     f"{row['total']:g} / {row['max']:g}" + (". " + "; ".join(row["notes"])
                                                             if row["notes"] else "")])
    return rows_to_csv(rows)
