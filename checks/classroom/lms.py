"""Grade imports for learning management systems, from the per-learner gradebook.

    Canvas   Gradebook > Import: the columns of Canvas's own gradebook export, Student,
             ID, SIS User ID, SIS Login ID, Section, then one column per assignment
             ("week1"; Canvas creates it, or updates "week1 (1234)" if you rename the
             header to the existing column's), and a "Points Possible" second row.
             Canvas matches a row by ID, else SIS User ID, else SIS Login ID.
    Moodle   Grades > Import > CSV file: a header row, one row per learner; at import
             map "Username" (or "Email address") to the user and the assignment's
             column to its grade item, its "... feedback" column to feedback.

Who is who comes from each gradebook row's ``who`` (roster.class_list): with a roster
(``--roster``), the roster's name, IDs, login, email and Moodle username; without one,
the learner's folder name is the SIS Login ID and the Moodle username, and Canvas's user
ID is known only from a file named as Canvas's download names them
(login_12345_67890_file.ipynb). Nothing is read out of a folder's name: a folder
``jdoe_2024`` is login ``jdoe_2024``, never Canvas user 2024.
Every cell is escaped against formula injection (checks/classroom/csvsafe.py).
"""
from .csvsafe import rows_to_csv
from .roster import moodle_problems

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def who(row):
    return row.get("who") or {"login": row["learner"].rsplit("/", 1)[-1],
                              "folders": [row["learner"]]}


def login(row):
    return who(row).get("login", "")


def moodle_username(row):
    w = who(row)
    return w.get("moodle") or w.get("login", "")


def shared_logins(book):
    """{login: [learners]} for logins that more than one learner would be imported as."""
    seen = {}
    for row in book:
        seen.setdefault(login(row).casefold(), []).append(row["learner"])
    return {k: v for k, v in seen.items() if len(v) > 1}


def canvas(book, assignment):
    """Canvas's gradebook import CSV: one column, the assignment's total."""
    rows = [CANVAS_HEADER + [assignment.name],
            ["    Points Possible", "", "", "", "", assignment.maximum]]
    for row in book:
        w = who(row)
        rows.append([w.get("name") or w.get("login", ""), w.get("canvas_id", ""),
                     w.get("sis_id", ""), w.get("login", ""), w.get("section", ""),
                     row["total"]])
    return rows_to_csv(rows)


def moodle_rows(book):
    """(rows Moodle's import takes, [(username, learner)] it would refuse)."""
    good, bad = [], []
    for row in book:
        user = moodle_username(row)
        (bad if moodle_problems([(user, row["learner"])]) else good).append(row)
    return good, [(moodle_username(r), r["learner"]) for r in bad]


def moodle(book, assignment):
    """Moodle's grade import CSV: username, email, the total and a feedback line per learner."""
    title = assignment.name
    rows = [["Username", "Learner folder", title, f"{title} feedback", "Email address"]]
    for row in book:
        rows.append([moodle_username(row), ", ".join(who(row).get("folders", [])), row["total"],
                     f"{row['total']:g} / {row['max']:g}" + (". " + "; ".join(row["notes"])
                                                             if row["notes"] else ""),
                     who(row).get("email", "")])
    return rows_to_csv(rows)
