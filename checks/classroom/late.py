"""Late work: a due date per assignment and a penalty rule in ``grading.toml``, the time
each notebook was handed in, and the penalty applied to the gradebook.

    [late]                        # for every assignment (each may have its own [assignments.X.late])
    grace_minutes = 15            # handed in up to 15 minutes after the due date: on time
    penalty = 10                  # percent of the lesson's points taken off ...
    per = "day"                   # ... per day (or "hour") late, started; "once": once, if late
    maximum = 50                  # never more than 50 percent off (100: down to 0)

    [assignments.week1]
    due = 2026-03-01T23:59:00+08:00   # a TOML date and time (no quotes); without a zone it
                                      # is this machine's time, and so are times without one

When each notebook was handed in, first found first:
    --dates FILE.csv      learner, submitted (ISO 8601, e.g. 2026-03-02 08:15), optionally
                          lesson (01 or 01_weighted_sum): one time per learner or per lesson
    timestamp.txt         in the notebook's folder or a folder above it (nbgrader's
                          submitted/<learner>/<assignment>/timestamp.txt)
    submission_metadata.json   beside the folder given (Gradescope's, its created_at)
    _LATE                 in a Canvas download's name: late, time unknown, so one unit late
                          (give the times in --dates to count exactly)
"""
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.parser import isoparse

from ..engine.messages import Joined, Verbatim, msg, pmsg
from ..grading.points import PointsError, graded_lesson, refuse_unknown_keys
from ..grading.submissions import canvas_file
from .csvsafe import read_rows

KEYS = {"grace_minutes", "penalty", "per", "maximum"}
UNITS = {"day": timedelta(days=1), "hour": timedelta(hours=1), "once": None}


class LateError(PointsError):
    pass


@dataclass
class Policy:
    due: datetime
    grace_minutes: float = 0
    penalty: float = 0
    per: str = "day"
    maximum: float = 100


def number(spec, key, default, where, low=0, high=None):
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (
            high is not None and value > high):
        raise LateError(f"{where}: {key} = {value!r}; it should be a number from {low}"
                        + (f" to {high}" if high is not None else "") + ".")
    return value


def policy(due, late, where):
    """The Policy of an assignment (``due``: its due date from TOML; ``late``: the [late]
    table, its own or the file's), or None when it has no due date."""
    if due is None:
        return None
    if isinstance(due, date) and not isinstance(due, datetime):
        due = datetime.combine(due, datetime.max.time().replace(microsecond=0))
    if not isinstance(due, datetime):
        raise LateError(f"{where}: due = {due!r}; write a TOML date and time, e.g. "
                        "due = 2026-03-01T23:59:00+08:00 (no quotes).")
    late = late or {}
    if not isinstance(late, dict):
        raise LateError(f"{where}: late should be a table, [late] or [assignments.NAME.late].")
    refuse_unknown_keys(late, KEYS, f"{where}, late", LateError)
    per = late.get("per", "day")
    if per not in UNITS:
        raise LateError(f"{where}, late: per = {per!r}; write \"day\", \"hour\" or \"once\".")
    return Policy(due, number(late, "grace_minutes", 0, where),
                  number(late, "penalty", 0, where, 0, 100), per,
                  number(late, "maximum", 100, where, 0, 100))


def parse_time(text, where):
    """A date and time in ISO 8601 (a space for the T, "Z" or " UTC" for the zone)."""
    value = str(text).strip().strip("'")
    if value.upper().endswith(" UTC"):
        value = value[:-4] + "+00:00"
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:   # dateutil's ISO parser: the same on every Python (3.10's fromisoformat refuses ".5")
        return isoparse(value)
    except (ValueError, OverflowError):
        raise LateError(f"{where}: {text!r} is not a date and time; write it as "
                        "2026-03-02 08:15 or 2026-03-02T08:15:00+08:00.") from None


def read_dates(path):
    """{(learner, lesson or None): time} from a CSV: learner, submitted[, lesson]."""
    path = Path(path)
    rows = read_rows(path, "the dates file", LateError)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "learner" not in header or "submitted" not in header:
        raise LateError(f"{path}: the first row should be learner,submitted[,lesson].")
    dates = {}
    for n, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        values = dict(zip(header, (c.strip() for c in row)))
        lesson = None
        if values.get("lesson"):
            lesson = graded_lesson(values["lesson"], f"{path}, row {n}", LateError)
        dates[(values["learner"].casefold(), lesson)] = parse_time(values["submitted"],
                                                                   f"{path}, row {n}")
    return dates


def stamped(notebook, given):
    """(time, source) from timestamp.txt in the notebook's folder or above it (up to
    ``given``), or Gradescope's submission_metadata.json beside ``given``; else (None, "")."""
    notebook, given = Path(notebook), Path(given)
    folder = notebook.parent
    while True:
        stamp = folder / "timestamp.txt"
        if stamp.is_file():
            try:
                text = stamp.read_text(encoding="utf-8").strip().splitlines()[0]
            except (OSError, UnicodeError, IndexError):
                return None, ""
            return parse_time(text, stamp), "timestamp.txt"
        if folder == given or folder == folder.parent or given not in folder.parents:
            break
        folder = folder.parent
    meta = given.parent / "submission_metadata.json"
    if meta.is_file():
        try:
            created = json.loads(meta.read_text(encoding="utf-8"))["created_at"]
        except (OSError, ValueError, KeyError, TypeError):
            return None, ""
        return parse_time(created, meta), "Gradescope's submission time"
    return None, ""


def aligned(when, due):
    """``when`` comparable with ``due``: a time without a zone is read in the other's."""
    if (when.tzinfo is None) == (due.tzinfo is None):
        return when
    if when.tzinfo is None:
        return when.replace(tzinfo=due.tzinfo)
    return when.astimezone().replace(tzinfo=None)       # due in this machine's time zone


def penalty(pol, when, marked_late=False):
    """(percent off, how late in words or "") for a notebook handed in ``when`` (None:
    unknown; ``marked_late``: Canvas said late)."""
    if when is None:
        if not marked_late or not pol.penalty:
            return 0, ""
        return min(pol.maximum, pol.penalty), "late (time unknown)"
    late = aligned(when, pol.due) - pol.due
    if late <= timedelta(minutes=pol.grace_minutes):
        return 0, ""
    unit = UNITS[pol.per]
    units = 1 if unit is None else math.ceil(late / unit)
    return min(pol.maximum, pol.penalty * units), "late by " + duration(late)


def parts_of(minutes):
    """(days, hours, minutes) shown for a delay of ``minutes``: minutes only under a day."""
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return days, hours, 0 if days else minutes


def duration(delta):
    """A delay in the instructor's notes (English, like the gradebook): "1 d 2 h"."""
    days, hours, minutes = parts_of(int(delta.total_seconds() // 60))
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p) or "less than a minute"


def duration_words(minutes):
    """The same delay as a learner reads it, in their language: 1 d 2 h, 「1 天 2 小時」."""
    days, hours, minutes = parts_of(minutes)
    parts = [pmsg("duration", "{n} d", n=days) if days else None,
             pmsg("duration", "{n} h", n=hours) if hours else None,
             pmsg("duration", "{n} min", n=minutes) if minutes else None]
    return Joined([p for p in parts if p], sep=" ")


# Where a submission time came from (Times.of, stamped), as a learner reads it.
SOURCES = {"the dates file": msg("the dates file"), "timestamp.txt": "timestamp.txt",
           "Gradescope's submission time": msg("Gradescope's submission time"),
           "Canvas's _LATE mark": msg("Canvas's `_LATE` mark")}


def late_words(late):
    """How late a lesson's ``late`` record (apply) says it was, as a Message."""
    minutes = late.get("minutes")
    if late.get("submitted") is None:
        return msg("late (time unknown)")
    if "minutes" not in late:                    # a record written before "minutes"
        return Verbatim(late.get("late", ""))
    if not minutes:
        return msg("late by {duration}", duration=msg("less than a minute"))
    return msg("late by {duration}", duration=duration_words(minutes))


def source_words(late):
    """Where the record's submission time came from, as a Message (or the file's name)."""
    return SOURCES.get(late.get("source"), Verbatim(late.get("source", "")))


class Times:
    """When each notebook was handed in: --dates first, then the files (module docstring)."""

    def __init__(self, dates=None, given=()):
        self.dates = dates or {}
        self.given = [Path(g) for g in given]

    def of(self, names, lesson, path):
        """(time or None, source, marked late) for the notebook ``path`` of ``lesson``,
        whose learner is known by ``names`` (roster login, folder)."""
        for name in names:
            for key in ((name.casefold(), lesson), (name.casefold(), None)):
                if key in self.dates:
                    return self.dates[key], "the dates file", False
        if path is None:
            return None, "", False
        canvas = canvas_file(path)
        for given in self.given:
            if given == Path(path) or given in Path(path).parents:
                when, source = stamped(path, given)
                if when is not None:
                    return when, source, False
        return None, "", bool(canvas and canvas["late"])


def apply(book, pol, times):
    """Takes the late penalty off each lesson of each gradebook row (in place) and says so
    in the row's notes and the lesson's ``late``: {submitted, source, late, penalty_percent}."""
    if pol is None:
        return book
    for row in book:
        names = [row["learner"], *row.get("who", {}).get("folders", [])]
        for lesson, cell in row["lessons"].items():
            if cell["status"] == "not submitted" or row.get("late_waived"):
                continue
            when, source, marked = times.of(names, lesson, cell.get("path"))
            off, how = penalty(pol, when, marked)
            if not how:
                continue
            before = cell["score"]
            cell["score"] = round(before * (1 - off / 100), 2)
            cell["late"] = {"submitted": when.isoformat() if when else None,
                            "source": source or "Canvas's _LATE mark", "late": how,
                            "minutes": None if when is None else
                            int((aligned(when, pol.due) - pol.due).total_seconds() // 60),
                            "penalty_percent": off, "score_before": before}
            row["notes"].append(f"{lesson}: {how} ({cell['late']['source']}), "
                                f"{off:g}% off: {before:g} -> {cell['score']:g}")
        row["total"] = round(sum(c["score"] for c in row["lessons"].values()), 2)
    return book
