"""Finding submissions: which files under the folders given are notebooks, which lesson a
file is named after, and who each notebook belongs to (which attempt counts, and the
per-learner gradebook, are the class's: checks/classroom/gradebook.py).

    a learner      the submission folder, named by its path relative to the folder given
                   (class/secA/ada/01_weighted_sum.ipynb -> "secA/ada"); the one folder
                   right above the notebooks, when named after a lesson or an assignment
                   (nbgrader's submitted/ada/week1/), is not a learner, so it is skipped
                   (one level: submitted/01_team/week1/ is "01_team"). A notebook given as
                   a file, or lying in the folder given, belongs to that folder ("ada" for
                   ada/01_*.ipynb), unless its name is not a lesson's and the folder holds
                   no lesson's notebook (class/ada.ipynb is "ada"). A file with the full
                   shape of Canvas's submissions download (ada_LATE_123_456_01_x.ipynb) is
                   "ada_123"; a folder is never read as one (jdoe_2024 is "jdoe_2024").
    course copy    a folder with notebooks/ and blocks.py or checks/ (a checkout, a
                   release, a hub home's course): one learner, graded on its working
                   notebooks (not checks/fresh/, solutions/, backups); the learner is the
                   highest folder holding nothing else (hub/jupyter-ada/course: jupyter-ada).
    searched       .ipynb in any case and .ipynb.txt; never hidden folders, checkpoints,
                   Python environments or reset backups. A file named after a lesson that
                   is not a notebook (03_x.html) is listed as not graded, with the reason.
    lesson 00      is never graded; a learner with only lesson 00 is still a learner.
"""
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import lessons
from ..engine.messages import msg
from ..engine.source import WORKSHOP, lesson_of_file

INTRO = "00_"
# Canvas's "Download Submissions" zip, its full shape only:
# login[_LATE]_userid_submissionid_original-name.ipynb (a resubmission: original-name-1.ipynb)
CANVAS_FILE = re.compile(r"^(?P<login>[^_/\s]+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<sub>\d+)_"
                         r"(?P<name>.+\.ipynb(?:\.txt)?)$", re.IGNORECASE)
# Moodle's "Download all submissions": Full Name_participantid_assignsubmission_file_
MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_\w+?_?$")
# Folders never searched: tools' and editors' copies, environments, version control.
NEVER = {".ipynb_checkpoints", "__pycache__", "node_modules", "site-packages", "__MACOSX"}
# In a copy of the course (a checkout, a release, a hub home's course folder): only the
# learner's working notebooks count, not the course's own copies of them.
COURSE_OWN = {"checks", "solutions", "tests", "build", "vendor", "docs", "data",
              "benchmarks", "locale", "backups"}


def canvas_file(path):
    """The Canvas download name's parts (login, late, id, sub, name), or None."""
    return CANVAS_FILE.match(Path(path).name)


def original_name(path):
    """The file's name as the learner saved it (a Canvas download's prefix taken off)."""
    canvas = canvas_file(path)
    return canvas["name"] if canvas else Path(path).name


def lesson_by_name(path):
    """The lesson a file or folder is named after ("01_weighted_sum.ipynb", "01_x"), or None."""
    return lesson_of_file(original_name(path), lessons())


def is_intro(path):
    return original_name(path).startswith(INTRO)


def looks_like_notebook(name):
    """Files the grader reads as notebooks: .ipynb in any case, and .ipynb.txt (a browser's
    "Save as" adds .txt); what is inside decides the lesson when the name does not."""
    low = name.lower()
    return low.endswith((".ipynb", ".ipynb.txt"))


def not_a_notebook(name):
    """Why a file named after a lesson is not graded (an export, a script), as a Message
    (str() is its English), or None."""
    low = name.lower()
    if looks_like_notebook(name) or low.startswith(INTRO) or not lesson_by_name(name):
        return None
    suffix = Path(low).suffix or msg("without an extension")
    return msg("it is not a notebook ({suffix}); only .ipynb files are graded, so hand in the "
               "notebook itself", suffix=suffix)


def is_workshop(path):
    """A workshop notebook (no exercises): never graded; status goes by lesson and skips it."""
    return Path(path).name in WORKSHOP


def folder_name(path):
    resolved = Path(path).resolve()
    return resolved.name or "learner"


def stem(path):
    """The file's name without .ipynb (or .ipynb.txt), in any case."""
    name = Path(path).name
    low = name.lower()
    for suffix in (".ipynb.txt", ".ipynb"):
        if low.endswith(suffix):
            return name[:-len(suffix)]
    return Path(name).stem


def learner_of(given, notebook, skip_folders=(), single=None):
    """The learner ``notebook`` (found under ``given``, a file or a folder) belongs to.

    ``single``: whether ``given`` is one learner's folder (see ``one_learners_folder``);
    found out when not said."""
    given, notebook = Path(given), Path(notebook)
    canvas = canvas_file(notebook)
    if canvas and notebook.parent == given:
        return f"{canvas['login']}_{canvas['id']}"
    if given == notebook or not given.is_dir():
        return folder_name(notebook.parent) if lesson_by_name(notebook) else stem(notebook)
    if single is None:
        single = one_learners_folder(given, skip_folders)
    parts = list(notebook.relative_to(given).parts[:-1])
    if parts and (lesson_by_name(parts[-1]) or parts[-1] in skip_folders) and (
            len(parts) > 1 or single):           # <learner>/<assignment>/: one level, no more
        parts.pop()
    if parts:
        return "/".join(parts)
    return folder_name(given) if single or lesson_by_name(notebook) else stem(notebook)


def one_learners_folder(given, skip_folders=()):
    """True when ``given`` is one learner's folder: it holds notebooks named after lessons
    (not Canvas downloads), or only folders named after lessons or assignments
    (nbgrader's submitted/ada/ with week1/ in it)."""
    try:
        entries = list(os.scandir(given))
    except OSError:
        return False
    subs = [e.name for e in entries if e.is_dir(follow_symlinks=False)
            and not e.name.startswith(".") and e.name not in NEVER]
    lesson_files = [e.name for e in entries if e.is_file() and looks_like_notebook(e.name)
                    and lesson_by_name(e.name) and not canvas_file(e.name)
                    and not e.name.startswith(INTRO)]
    return bool(lesson_files) or (bool(subs) and all(lesson_by_name(s) or s in skip_folders
                                                     for s in subs))


def is_course_copy(folder, dirs, files):
    """A copy of the whole course (a checkout, a release, a hub home's course folder)."""
    return "notebooks" in dirs and ("blocks.py" in files or "checks" in dirs)


def is_environment(dirs, files):
    """A Python environment (a venv, a conda environment): never searched."""
    return "pyvenv.cfg" in files or "conda-meta" in dirs


@dataclass
class Found:
    """What a class folder holds, learner by learner.

    submissions   [(learner, notebook path)] to grade, in path order
    learners      {learner: Identity} for everyone found, even with only lesson 00
    not_graded    [(learner, path, reason)]: files named like lessons that are not notebooks
    """
    submissions: list = field(default_factory=list)
    learners: dict = field(default_factory=dict)
    not_graded: list = field(default_factory=list)


@dataclass
class Identity:
    """Who a learner is, as far as the files tell (a roster tells more: roster.py).

    canvas_id and late come only from a file with Canvas's full download name."""
    key: str
    login: str
    canvas_id: str = ""
    late: bool = False
    folders: list = field(default_factory=list)


def identity_of(learner, given, notebook):
    canvas = canvas_file(notebook)
    if canvas and Path(notebook).parent == Path(given):
        return Identity(learner, canvas["login"], canvas["id"], bool(canvas["late"]))
    return Identity(learner, learner.rsplit("/", 1)[-1])


def walk(given):
    """(notebook-like files, other files named after a lesson, {file: its course copy's
    folder}) under ``given``: hidden folders, checkpoints, environments and reset backups
    aside; in a copy of the whole course only its working notebooks."""
    from .reset import is_backup
    notebooks, others, course_of = [], [], {}
    root_of = {}
    for folder, dirs, files in os.walk(given):
        here = Path(folder)
        if here != given and is_environment(dirs, files):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in NEVER)
        root = root_of.get(here)
        if is_course_copy(folder, dirs, files):
            root = here
            dirs[:] = [d for d in dirs if d not in COURSE_OWN]
        elif root is not None:
            dirs[:] = [d for d in dirs if d != "backups"]
        for d in dirs:
            root_of[here / d] = root
        for name in sorted(files):
            path = here / name
            if looks_like_notebook(name):
                if not is_backup(path):
                    notebooks.append(path)
                    if root is not None:
                        course_of[path] = root
            elif not_a_notebook(name) and root is None:
                others.append(path)
    return notebooks, others, course_of


def owner(root, given, counts):
    """The folder that stands for the learner of a course copy at ``root``: the copy
    itself, or the folders above it whose other folders hold nothing (hub/jupyter-ada/course
    is jupyter-ada's, even beside a notebook of hers in jupyter-ada/). ``counts``:
    file_counts(given, ...)."""
    under, direct = counts
    top = root
    while given in top.parents and \
            under[top.parent] - direct.get(top.parent, 0) == under[top]:
        top = top.parent
    return top


def file_counts(given, files):
    """({folder: how many of ``files`` lie under it}, {folder: how many lie directly in
    it}), for ``given`` and the folders below it."""
    under, direct = {}, {}
    for f in files:
        direct[f.parent] = direct.get(f.parent, 0) + 1
        for folder in f.parents:
            under[folder] = under.get(folder, 0) + 1
            if folder == given:
                break
    return under, direct


def discover(paths, skip_folders=()):
    """Found (above) for the files and folders given; see the module's docstring."""
    found = Found()

    def add(learner, given, path, graded=True):
        if learner not in found.learners:
            found.learners[learner] = identity_of(learner, given, path)
        if graded:
            found.submissions.append((learner, path))

    for given in map(Path, paths):
        if not given.is_dir():
            add(learner_of(given, given, skip_folders), given, given,
                graded=not is_intro(given) and not is_workshop(given))
            continue
        notebooks, others, course_of = walk(given)
        single = one_learners_folder(given, skip_folders)
        counts = file_counts(given, notebooks + others)
        owners = {}
        for nb in notebooks:
            root = course_of.get(nb)
            if root is not None:
                if root not in owners:
                    owners[root] = owner(root, given, counts)
                top = owners[root]
                learner = (folder_name(given) if top == given
                           else top.relative_to(given).as_posix())
            else:
                learner = learner_of(given, nb, skip_folders, single)
            add(learner, given, nb, graded=not is_intro(nb) and not is_workshop(nb))
        for path in others:
            learner = learner_of(given, path, skip_folders, single)
            found.learners.setdefault(learner, identity_of(learner, given, path))
            found.not_graded.append((learner, path, not_a_notebook(path.name)))
    return found


def find_submissions(paths, skip_folders=()):
    """(learner, notebook path) pairs: files as given, folders searched recursively
    (symbolic links to folders are not followed; links to files are listed, then refused).
    Lesson 00 and the workshop playground are never graded; see the top of this module
    for who a notebook belongs to and which files are searched."""
    return discover(paths, skip_folders).submissions
