"""Reading and checking an event log: CSV or Parquet in, the normalised frame out.

A log has one row per event (``docs/events.md``): ``member``, ``time`` (ISO 8601) or ``day``
(days since the start), ``event``, ``idea``, ``outcome`` and ``reason`` (for ``decided``) and,
optionally, ``organisation``. :func:`read_events` reads a file; :func:`normalise` checks a frame
and turns timestamps into model days. Every mistake is one :class:`EventLogError` naming the
file, the row (as a spreadsheet numbers it: the header of a CSV file is row 1) and the column,
and saying how to fix it.

The normalised log has the columns of :data:`LOG_COLUMNS` (``organisation`` only when the log
has one): ``day`` is a whole number of days since the start, ``event`` and ``outcome`` are
categoricals, the ids are kept as written. A model run writes the same frame
(:mod:`simulation.events.from_run`).
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import numpy as np
import pandas as pd

EVENTS = ("joined", "posted_idea", "built", "voted", "replied", "decided", "left")
ACTS = ("posted_idea", "built", "voted")  # a member's own acts: what makes a member active
POSTS = ("posted_idea", "built")  # contributions
MEMBER_EVENTS = ("joined", "posted_idea", "built", "voted", "left")  # need a member
IDEA_EVENTS = ("posted_idea", "voted", "replied", "decided")  # need an idea
ONCE_PER_MEMBER = ("joined", "left")
OUTCOMES = ("accepted", "rejected")
LOG_COLUMNS = ("member", "day", "event", "idea", "outcome", "reason", "organisation")
READ_COLUMNS = ("member", "time", "day", "event", "idea", "outcome", "reason", "organisation")
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
DAY = pd.Timedelta(days=1)
FORMAT_HINT = "docs/events.md describes the format"


class EventLogError(ValueError):
    """An event log that cannot be used; the message names the file, row and column, and the fix.

    >>> str(EventLogError("not a date", source="log.csv", row=3, column="time"))
    'log.csv: row 3, column time: not a date'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        self.source, self.row, self.column, self.detail = source, row, column, message
        where = ", ".join(
            part
            for part in (
                f"row {row}" if row is not None else "",
                f"column {column}" if column else "",
            )
            if part
        )
        prefix = ": ".join(part for part in (source, where) if part)
        super().__init__(f"{prefix}: {message}" if prefix else message)


# --- reading files -------------------------------------------------------------------------------
def read_events(path: str | Path, start: str | None = None) -> pd.DataFrame:
    """Read and check an event log file (``.csv`` or ``.parquet``).

    Args:
        path: the file.
        start: the day counted as day 0 for a log with a ``time`` column (ISO 8601; a date or a
            timestamp, with or without a time zone; naive means UTC). Default: the UTC day of
            the first event.

    Returns:
        The normalised log (see the module docstring).

    Raises:
        EventLogError: for a missing or unreadable file and for any mistake in the log.
    """
    path = Path(path)
    source = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise EventLogError(
            "not a .csv or .parquet file; save the log as CSV or Parquet (" + FORMAT_HINT + ")",
            source=source,
        )
    if not path.is_file():
        raise EventLogError("file not found; check the path", source=source)
    if kind == "csv":
        return normalise(_read_csv(path), source=source, first_row=2, start=start)
    return normalise(_read_parquet(path), source=source, first_row=1, start=start)


def _canonical(names: list[str], source: str) -> dict[str, str]:
    """The columns the log format knows, as ``{name in the file: canonical name}``.

    Names are matched without case and surrounding spaces; other columns are ignored.
    """
    known: dict[str, str] = {}
    for name in names:
        canonical = name.strip().lower()
        if canonical in READ_COLUMNS:
            if canonical in known.values():
                raise EventLogError(
                    f"two columns are named {canonical}; keep one", source=source, column=canonical
                )
            known[name] = canonical
    return known


def _read_csv(path: Path) -> pd.DataFrame:
    """The known columns of a CSV file, every value as a string (empty cells are missing)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    source = str(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:  # as pyarrow, without a BOM
            header = next(csv.reader(file), None)
    except UnicodeDecodeError:
        raise EventLogError("not a UTF-8 text file; save it as UTF-8 CSV", source=source) from None
    except OSError as err:
        raise EventLogError(
            f"cannot read the file ({err.strerror or err})", source=source
        ) from None
    if not header:
        raise EventLogError(_EMPTY, source=source)
    known = _canonical(header, source)
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(known, pa.string()),
                include_columns=list(known),
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, OSError) as err:
        reason = str(err).splitlines()[0]
        raise EventLogError(
            f"cannot read it as CSV ({reason}); write one header row and comma-separated values",
            source=source,
        ) from None
    return table.to_pandas().rename(columns=known)


def _read_parquet(path: Path) -> pd.DataFrame:
    """The known columns of a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    try:
        known = _canonical(pq.read_schema(path).names, source)
        table = pq.read_table(path, columns=list(known))
    except (pa.ArrowException, OSError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise EventLogError(
            f"cannot read it as Parquet ({reason}); check the file is a Parquet table",
            source=source,
        ) from None
    return table.to_pandas().rename(columns=known)


# --- checking a frame ---------------------------------------------------------------------------
_EMPTY = "the log is empty: no events; a log needs one row per event (" + FORMAT_HINT + ")"


def normalise(
    frame: pd.DataFrame,
    *,
    source: str = "log",
    first_row: int = 1,
    start: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Check an event log held as a frame and return it normalised.

    Args:
        frame: one row per event, with the columns of the format (others are ignored).
        source: how the messages name the log (a file name).
        first_row: the row number of ``frame``'s first row in the messages (2 for a CSV file,
            whose header is row 1).
        start: the day counted as day 0 for a log with a ``time`` column (see
            :func:`read_events`).

    Raises:
        EventLogError: the first mistake found, with its row and column.
    """
    check = _Checker(frame, source, first_row)
    event = check.events()
    member = check.members(event)
    order, day = check.times(start)
    idea = check.ideas(event)
    outcome = check.outcomes(event)
    organisation = check.organisations()
    check.duplicates(event, order, outcome, organisation)
    check.ideas_once(event, organisation)
    check.joins(event, order, organisation)
    out = {
        "member": member,
        "day": day,
        "event": pd.Categorical.from_codes(event, EVENTS),
        "idea": idea,
        "outcome": pd.Categorical.from_codes(outcome, OUTCOMES),
        "reason": check.reasons(event),
    }
    if organisation is not None:
        out["organisation"] = organisation
    return pd.DataFrame(out)


def _blank(column: pd.Series) -> np.ndarray:
    """Missing values and empty strings."""
    blank = column.isna().to_numpy()
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        blank = blank | (column == "").fillna(False).to_numpy(dtype=bool)
    return blank


def _holds_text(column: pd.Series) -> bool:
    """Whether a column holds text (its first value that is not missing is a string)."""
    first = column.dropna().head(1).tolist()
    return not first or isinstance(first[0], str)


class _Checker:
    """The checks of :func:`normalise`, one method per column or rule, sharing the frame."""

    def __init__(self, frame: pd.DataFrame, source: str, first_row: int):
        self.source, self.first_row = source, first_row
        known = _canonical([str(c) for c in frame.columns], source)
        frame = frame[[c for c in frame.columns if str(c) in known]]
        self.frame = frame.set_axis([known[str(c)] for c in frame.columns], axis=1)
        self.frame = self.frame.reset_index(drop=True)
        self._require_columns()

    def error(self, message: str, index: int | None = None, column: str | None = None):
        """An :class:`EventLogError` at 0-based frame row ``index``."""
        row = None if index is None else int(index) + self.first_row
        return EventLogError(message, source=self.source, row=row, column=column)

    def _require_columns(self) -> None:
        columns = set(self.frame.columns)
        for name, what in (
            ("member", "who did it (a member id)"),
            ("event", f"what happened (one of {', '.join(EVENTS)})"),
        ):
            if name not in columns:
                raise self.error(f"no {name} column; add one saying {what} ({FORMAT_HINT})")
        if "time" not in columns and "day" not in columns:
            raise self.error(
                "no time column; add time (ISO 8601 timestamps, e.g. 2024-03-01T14:05:00+01:00) "
                f"or day (days since the start) ({FORMAT_HINT})"
            )
        if "time" in columns and "day" in columns:
            raise self.error("both a time and a day column; keep one of them", column="day")
        if self.frame.empty:
            raise self.error(_EMPTY)

    def first(self, mask: np.ndarray) -> int | None:
        """The first row where ``mask`` holds (None if none)."""
        hits = np.flatnonzero(mask)
        return int(hits[0]) if hits.size else None

    def categories(self, name: str, allowed: tuple[str, ...], needed: np.ndarray) -> np.ndarray:
        """Codes of a column of words into ``allowed`` (-1 where not needed and blank).

        Words are matched without case and surrounding spaces; a blank or unknown word where
        ``needed`` is an error naming the allowed words.
        """
        column = self.frame[name]
        codes, uniques = pd.factorize(column)
        words = [str(u).strip().lower() for u in uniques]
        lookup = np.array([allowed.index(w) if w in allowed else -2 for w in words] + [-1])
        out = lookup[codes]  # code -1 (missing) picks the last entry
        blank = (out == -1) & needed
        if blank.any():
            raise self.error(
                f"{name} is empty; write one of {', '.join(allowed)}",
                self.first(blank),
                name,
            )
        unknown = (out == -2) & needed
        if unknown.any():
            index = self.first(unknown)
            word = str(column.iloc[index]).strip()
            close = difflib.get_close_matches(word.lower(), allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise self.error(
                f"'{word}' is not a known {name}; {hint}write one of {', '.join(allowed)}",
                index,
                name,
            )
        return np.where(needed, out, -1).astype(np.int8)

    def events(self) -> np.ndarray:
        """Event codes (indices into :data:`EVENTS`)."""
        return self.categories("event", EVENTS, np.ones(len(self.frame), dtype=bool))

    def members(self, event: np.ndarray) -> pd.Series:
        """The member ids; every event of a member's own needs one."""
        column = self.frame["member"]
        blank = _blank(column)
        missing = blank & np.isin(event, [EVENTS.index(e) for e in MEMBER_EVENTS])
        if missing.any():
            index = self.first(missing)
            raise self.error(
                f"member is empty; a {EVENTS[event[index]]} event needs the member's id",
                index,
                "member",
            )
        return column.where(~blank)

    def times(self, start) -> tuple[np.ndarray, np.ndarray]:
        """``(order, day)``: a sortable instant of each event, and its day since the start."""
        if "day" in self.frame:
            if start is not None:
                raise EventLogError(
                    "applies to a log with a time column; this log counts days already",
                    source="--start",
                )
            day = self._days()
            return day, day
        return self._timestamps(start)

    def _days(self) -> np.ndarray:
        column = self.frame["day"]
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            index = self.first(bad)
            text = column.iloc[index]
            what = "empty" if _blank(column.iloc[[index]])[0] else f"'{text}' is not a day"
            raise self.error(
                f"{what}; write the day as a number of days since the start (0, 1, 2, ...)",
                index,
                "day",
            )
        return np.floor(values).astype(np.int64)

    def _timestamps(self, start) -> tuple[np.ndarray, np.ndarray]:
        column = self.frame["time"]
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            parsed = pd.to_datetime(column, utc=True)
        elif pd.api.types.is_numeric_dtype(column.dtype):
            raise self.error(
                "holds numbers, not timestamps; write ISO 8601 timestamps "
                "(2024-03-01T14:05:00+01:00), or name the column day if they count days",
                0,
                "time",
            )
        elif not _holds_text(column):  # e.g. Parquet dates (datetime.date): nothing to parse
            parsed = pd.to_datetime(column, utc=True, errors="coerce")
        else:
            parsed = pd.to_datetime(column, format="ISO8601", utc=True, errors="coerce")
        bad = parsed.isna().to_numpy()
        if bad.any():
            index = self.first(bad)
            what = (
                "empty"
                if _blank(column.iloc[[index]])[0]
                else f"'{column.iloc[index]}' is not an ISO 8601 timestamp"
            )
            raise self.error(
                f"{what}; write it as 2024-03-01T14:05:00+01:00, 2024-03-01T13:05:00Z or "
                "2024-03-01",
                index,
                "time",
            )
        origin = self._start(start, parsed)
        day = ((parsed - origin) // DAY).to_numpy(dtype=np.int64)
        return parsed.dt.tz_localize(None).to_numpy().view(np.int64), day

    def _start(self, start, parsed: pd.Series) -> pd.Timestamp:
        """Day 0: ``start``, or the UTC day of the first event; no event may come before it."""
        first = int(parsed.argmin())
        if start is None:
            return parsed.iloc[first].floor("D")
        try:
            origin = pd.Timestamp(start)
        except (ValueError, TypeError):
            raise EventLogError(
                f"'{start}' is not a date; write it as 2024-01-01 or 2024-01-01T00:00+01:00",
                source="--start",
            ) from None
        origin = origin.tz_localize("UTC") if origin.tzinfo is None else origin.tz_convert("UTC")
        if parsed.iloc[first] < origin:
            raise self.error(
                f"{parsed.iloc[first].isoformat()} is before the start {origin.isoformat()} "
                "(--start); choose an earlier start, or drop the events before it",
                first,
                "time",
            )
        return origin

    def ideas(self, event: np.ndarray) -> pd.Series:
        """The idea ids; posted_idea, voted, replied and decided need one."""
        if "idea" not in self.frame:
            needing = np.isin(event, [EVENTS.index(e) for e in IDEA_EVENTS])
            if needing.any():
                index = self.first(needing)
                raise self.error(
                    f"a {EVENTS[event[index]]} event names an idea, but the log has no idea "
                    "column; add one naming the idea of each event",
                    index,
                )
            return pd.Series(pd.NA, index=self.frame.index, dtype=object)
        column = self.frame["idea"]
        blank = _blank(column)
        missing = blank & np.isin(event, [EVENTS.index(e) for e in IDEA_EVENTS])
        if missing.any():
            index = self.first(missing)
            raise self.error(
                f"idea is empty; a {EVENTS[event[index]]} event names the idea it is about",
                index,
                "idea",
            )
        return column.where(~blank)

    def outcomes(self, event: np.ndarray) -> np.ndarray:
        """Outcome codes of decided events (-1 elsewhere)."""
        decided = event == EVENTS.index("decided")
        if "outcome" not in self.frame:
            if decided.any():
                raise self.error(
                    "a decided event has an outcome, but the log has no outcome column; add one "
                    "(accepted or rejected)",
                    self.first(decided),
                )
            return np.full(len(self.frame), -1, dtype=np.int8)
        return self.categories("outcome", OUTCOMES, decided)

    def reasons(self, event: np.ndarray) -> pd.Series:
        """The reason given with a decision (missing elsewhere)."""
        if "reason" not in self.frame:
            return pd.Series(pd.NA, index=self.frame.index, dtype="string")
        column = self.frame["reason"].astype("string")
        return column.where((event == EVENTS.index("decided")) & ~_blank(column))

    def organisations(self) -> pd.Categorical | None:
        """The organisation of each event, in order of first appearance (None: one community)."""
        if "organisation" not in self.frame:
            return None
        column = self.frame["organisation"]
        blank = _blank(column)
        if blank.all():
            return None
        if blank.any():
            raise self.error(
                "organisation is empty; name the organisation of every event, or drop the column "
                "for a log of one community",
                self.first(blank),
                "organisation",
            )
        return pd.Categorical(column, categories=pd.unique(column))

    def codes(self, name: str) -> np.ndarray:
        """Integer codes of a column (-1 for missing), for comparing rows."""
        if name not in self.frame:
            return np.zeros(len(self.frame), dtype=np.int64)
        return pd.factorize(self.frame[name].where(~_blank(self.frame[name])))[0]

    def duplicates(self, event, order, outcome, organisation) -> None:
        """No row may repeat another exactly.

        Builds in a log of whole days are the exception: a member may build on one idea twice
        in a day, and days cannot tell the two apart.
        """
        keys = pd.DataFrame(
            {
                "member": self.codes("member"),
                "order": order,
                "event": event,
                "idea": self.codes("idea"),
                "outcome": outcome,
                "reason": self.codes("reason"),
                "organisation": 0 if organisation is None else organisation.codes,
            }
        )
        repeated = keys.duplicated().to_numpy()
        if "day" in self.frame:
            repeated = repeated & (event != EVENTS.index("built"))
        if repeated.any():
            index = self.first(repeated)
            same = (keys.to_numpy()[:index] == keys.to_numpy()[index]).all(axis=1)
            twin = self.first(same)
            raise self.error(
                f"the same event as row {twin + self.first_row}; remove the duplicated row", index
            )

    def ideas_once(self, event, organisation) -> None:
        """An idea is posted once and decided once."""
        org = np.zeros(len(event), dtype=np.int64) if organisation is None else organisation.codes
        idea = self.codes("idea")
        for name in ("posted_idea", "decided"):
            rows = np.flatnonzero(event == EVENTS.index(name))
            again = pd.DataFrame({"o": org[rows], "i": idea[rows]}).duplicated().to_numpy()
            if again.any():
                index = rows[self.first(again)]
                twin = rows[(org[rows] == org[index]) & (idea[rows] == idea[index])][0]
                raise self.error(
                    f"idea {self.frame['idea'].iloc[index]} is {name.replace('_idea', '')} a "
                    f"second time (first in row {twin + self.first_row}); give each idea its own "
                    "id, and keep one row per idea and event",
                    index,
                    "idea",
                )

    def joins(self, event, order, organisation) -> None:
        """In a log that records joins, every member joins once, before anything else they do.

        Events on the day (or at the instant) of joining count as after it; the firm's events
        (replied, decided) are about ideas, not members, and are not checked.
        """
        joined = event == EVENTS.index("joined")
        if not joined.any():
            return
        member = self.codes("member")
        org = np.zeros(len(event), dtype=np.int64) if organisation is None else organisation.codes
        key = org.astype(np.int64) * (int(member.max()) + 1) + member
        for name in ONCE_PER_MEMBER:
            rows = np.flatnonzero(event == EVENTS.index(name))
            again = pd.Series(key[rows]).duplicated().to_numpy()
            if again.any():
                index = rows[self.first(again)]
                twin = rows[key[rows] == key[index]][0]
                raise self.error(
                    f"member {self.frame['member'].iloc[index]} {name} a second time (first in "
                    f"row {twin + self.first_row}); keep one {name} row per member",
                    index,
                    "event",
                )
        joins = np.argsort(key[joined], kind="stable")
        join_key, join_at = key[joined][joins], order[joined][joins]
        own = np.isin(event, [EVENTS.index(e) for e in MEMBER_EVENTS if e != "joined"])
        slot = np.minimum(np.searchsorted(join_key, key), join_key.size - 1)
        never = own & (join_key[slot] != key)
        if never.any():
            index = self.first(never)
            raise self.error(
                f"member {self.frame['member'].iloc[index]} has no joined event, but this log "
                "records joins; add a joined row for them, or drop every joined row",
                index,
                "member",
            )
        early = own & (order < join_at[slot])
        if early.any():
            index = self.first(early)
            twin = np.flatnonzero(joined & (key == key[index]))[0]
            raise self.error(
                f"member {self.frame['member'].iloc[index]} {EVENTS[event[index]]} before they "
                f"joined (row {twin + self.first_row}); correct the time of one of the two rows",
                index,
                "time" if "time" in self.frame else "day",
            )
