"""The class list (``grade --roster FILE.csv``): who the learners are, whatever their
folders are called, and who the LMS files name.

Three kinds of file are read as they are, told apart by their header row:

    this course's    login, name, email, section, canvas_id, sis_id, moodle_username
                     (only login, or email, is required; header names in any case,
                     spaces or underscores; "username" and "email address" work too)
    Canvas's         Grades > Export: Student, ID, SIS User ID, SIS Login ID, Section, ...
                     ("Points Possible" and "Student, Test" rows skipped)
    Moodle's         Participants > Download table data (or Grades > Export): First name,
                     Last name, Username (when shown), Email address, Groups, Roles, ...
                     (only Student rows when there is a Roles column)

UTF-8 with or without a byte order mark; comma, semicolon or tab separated.

A learner's folder (or Canvas or Moodle download) is matched to one person: a Canvas
download by Canvas's user ID (else its name), a Moodle download folder by full name, any
other folder by its name against login, Moodle username, email (or the part before @)
and SIS ID, in any case (a hub's jupyter-ada or claim-ada as ada). Two people matched:
the section in the folder's path decides, else no one. ``match`` never guesses.
"""
import csv
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import CourseError
from ..grading.submissions import MOODLE_FOLDER

HUB_PREFIXES = ("jupyter-", "claim-")
MOODLE_USERNAME = re.compile(r"^[a-z0-9_.@-]+$")


class RosterError(CourseError, ValueError):
    pass


@dataclass
class Person:
    login: str
    name: str = ""
    email: str = ""
    section: str = ""
    canvas_id: str = ""
    sis_id: str = ""
    moodle: str = ""

    def data(self):
        return asdict(self)


# header (normalised: lower case, no spaces, underscores or dots) -> Person field
OWN = {"login": "login", "username": "login", "user": "login", "name": "name",
       "fullname": "name", "email": "email", "emailaddress": "email", "section": "section",
       "group": "section", "canvasid": "canvas_id", "canvasuserid": "canvas_id",
       "sisid": "sis_id", "sisuserid": "sis_id", "moodleusername": "moodle", "moodle": "moodle"}


def norm(header):
    return re.sub(r"[\s_.\-]+", "", header.strip().lower())


def read(path):
    """[Person] from ``path``; RosterError says what is wrong and where."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as e:
        raise RosterError(f"could not read the roster {path}: {e}. Save it as CSV (UTF-8).") from None
    lines = text.splitlines()
    if not lines:
        raise RosterError(f"the roster {path} is empty.")
    delimiter = max(",;\t", key=lambda d: lines[0].count(d))
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [norm(h) for h in rows[0]]
    body = [(n, r) for n, r in enumerate(rows[1:], 2) if any(c.strip() for c in r)]
    if "student" in header and "id" in header:
        people, kind = canvas_rows(header, body), "Canvas"
    elif "emailaddress" in header and ("firstname" in header or "lastname" in header):
        people, kind = moodle_rows(header, body), "Moodle"
    elif any(OWN.get(h) in ("login", "email") for h in header):
        people, kind = own_rows(header, body), "roster"
    else:
        raise RosterError(
            f"{path}: the first row should name the columns: login, name, email, section, "
            "canvas_id, sis_id, moodle_username (or be Canvas's gradebook export or Moodle's "
            f"participants export); it is {', '.join(rows[0][:8])}.")
    return check(people, path, kind)


def cell(row, header, *names):
    for name in names:
        if name in header:
            i = header.index(name)
            if i < len(row):
                return row[i].strip()
    return ""


def own_rows(header, body):
    people = []
    for n, row in body:
        values = {}
        for i, h in enumerate(header):
            if OWN.get(h) and i < len(row) and row[i].strip():
                values.setdefault(OWN[h], row[i].strip())
        values.setdefault("login", values.get("email", ""))
        people.append((n, Person(**values)))
    return people


def canvas_rows(header, body):
    people = []
    for n, row in body:
        student, canvas_id = cell(row, header, "student"), cell(row, header, "id")
        if not canvas_id.isdigit() or student.lower() in ("points possible", "student, test",
                                                          "test student"):
            continue                      # Points Possible, Muted and the test student
        login = cell(row, header, "sisloginid", "loginid")
        people.append((n, Person(login or canvas_id, name=student,
                                 email=cell(row, header, "email", "emailaddress"),
                                 section=cell(row, header, "section"), canvas_id=canvas_id,
                                 sis_id=cell(row, header, "sisuserid"))))
    return people


def moodle_rows(header, body):
    people = []
    students = "roles" in header and any("student" in cell(r, header, "roles").lower()
                                         for _, r in body)
    for n, row in body:
        if students and "student" not in cell(row, header, "roles").lower():
            continue                      # teachers and other roles
        username, email = cell(row, header, "username"), cell(row, header, "emailaddress")
        name = " ".join(filter(None, (cell(row, header, "firstname"),
                                      cell(row, header, "lastname"))))
        people.append((n, Person(username or email, name=name, email=email,
                                 section=cell(row, header, "groups", "group"),
                                 sis_id=cell(row, header, "idnumber"), moodle=username)))
    return people


def check(numbered, path, kind):
    people, seen, problems = [], {}, []
    for n, person in numbered:
        if not person.login:
            problems.append(f"row {n} has neither a login nor an email")
            continue
        key = person.login.casefold()
        if key in seen:
            problems.append(f"rows {seen[key]} and {n} are both {person.login!r}")
            continue
        seen[key] = n
        people.append(person)
    if problems:
        raise RosterError(f"the roster {path} ({kind}'s format) has problems: "
                          + "; ".join(problems[:10]) + ". Fix them and run the command again.")
    if not people:
        raise RosterError(f"the roster {path} ({kind}'s format) lists no learner.")
    return people


def squash(text):
    """Letters and digits only, lower case: how Canvas names a download ("lovelaceada")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def names_of(person):
    """The ways a folder may name ``person``."""
    found = {person.login, person.moodle, person.sis_id, person.email}
    if "@" in person.email:
        found.add(person.email.split("@", 1)[0])
    return {n.casefold() for n in found if n}


def full_names(person):
    """Full name in both orders, squashed ("Lovelace, Ada" and "Ada Lovelace" alike)."""
    if not person.name:
        return set()
    parts = [p.strip() for p in person.name.split(",", 1)]
    both = {person.name, " ".join(reversed(parts)) if len(parts) == 2 else person.name}
    words = person.name.split()
    if len(parts) == 1 and len(words) > 1:              # "Carol Wu": Canvas says "wucarol"
        both.add(" ".join([words[-1], *words[:-1]]))
    return {squash(n) for n in both}


class Matcher:
    """Matches learners found in folders (learners.Identity) to roster people."""

    def __init__(self, people):
        self.people = people
        self.by_canvas = {p.canvas_id: p for p in people if p.canvas_id}
        self.by_name = {}
        self.by_full = {}
        for p in people:
            for n in names_of(p):
                self.by_name.setdefault(n, []).append(p)
            for n in full_names(p):
                self.by_full.setdefault(n, []).append(p)

    def candidates(self, identity):
        if identity.canvas_id:
            if identity.canvas_id in self.by_canvas:
                return [self.by_canvas[identity.canvas_id]]
            return self.by_full.get(squash(identity.login), [])
        last = identity.key.rsplit("/", 1)[-1]
        moodle = MOODLE_FOLDER.match(last)
        if moodle:
            return self.by_full.get(squash(moodle["name"]), [])
        names = {last.casefold()}
        names |= {last[len(p):].casefold() for p in HUB_PREFIXES if last.lower().startswith(p)}
        return list({id(p): p for n in names for p in self.by_name.get(n, [])}.values())

    def match(self, identity):
        """(person or None, why not)."""
        found = self.candidates(identity)
        if len(found) > 1:
            folders = {part.casefold() for part in identity.key.split("/")[:-1]}
            found = [p for p in found if p.section and p.section.casefold() in folders]
            if len(found) != 1:
                return None, "it could be more than one person on the roster"
        if not found:
            return None, "it matches no one on the roster"
        return found[0], ""


def moodle_problems(rows):
    """Rows a Moodle import would refuse (it aborts the whole import on one): usernames
    that cannot be Moodle usernames. ``rows``: [(username, learner)]."""
    return [(user, learner) for user, learner in rows
            if not user or not MOODLE_USERNAME.match(user)]


@dataclass
class ClassList:
    """Who is in the gradebook.

    who        {learner: {login, name, email, section, canvas_id, sis_id, moodle, folders}}:
               every roster person (without a roster, every learner found)
    rename     {folder learner: gradebook learner}
    unmatched  [{"folder", "why", "files"}]: found, matched to no one: reported, not exported
    """
    who: dict
    rename: dict
    unmatched: list
    roster: bool


def class_list(found, people=None):
    """The ClassList of ``found`` (learners.discover's), with ``people`` from a roster."""
    from .gradebook import section
    if people is None:
        who = {key: {"login": ident.login, "canvas_id": ident.canvas_id,
                     "section": section(key) if not ident.canvas_id else "", "folders": [key]}
               for key, ident in found.learners.items()}
        return ClassList(who, {key: key for key in who}, [], False)
    matcher = Matcher(people)
    who = {p.login: {**p.data(), "folders": []} for p in people}
    rename, unmatched = {}, []
    files = {}
    for learner, _path in found.submissions:
        files[learner] = files.get(learner, 0) + 1
    for key, ident in found.learners.items():
        person, why = matcher.match(ident)
        if person is None:
            unmatched.append({"folder": key, "why": why, "files": files.get(key, 0)})
            continue
        rename[key] = person.login
        who[person.login]["folders"].append(key)
    return ClassList(who, rename, unmatched, True)


def renamed(results, classes):
    """The results of matched learners, each with its gradebook learner as ``student``
    and its folder's as ``folder``; results of unmatched folders left out."""
    return [{**r, "student": classes.rename[r["student"]], "folder": r["student"]}
            for r in results if r["student"] in classes.rename]
