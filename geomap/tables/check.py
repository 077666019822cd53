"""Checking an event table a column at a time: typed columns out, a list of problems per flagged row.

Each check reads a whole column with pandas/pyarrow operations; the rules of
one cell (:mod:`geomap.tables.cells`, :func:`geomap.dates.parse_date`, the
taxonomy's spellings) run once per *distinct* odd value, and messages are
written only for the rows they concern. The problems of a row come in this
order: those found while reading it, then event_date, event_type,
sub_event_type, the whole numbers (time_precision, geo_precision,
fatalities, wounded, char_start, char_end, inter1, inter2), confidence, the
coordinates (or the geocoding of ``location``), and a repeated event_id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geomap.dates import parse_date, slash_convention
from geomap.errors import GazetteerError, shown
from geomap.frames import COLUMN_DTYPES, STRING_DTYPE
from geomap.gazetteer import Gazetteer, ResolveContext
from geomap.schema import (
    FLAGS_COLUMN,
    GEO_PRECISION_BY_KIND,
    MAX_FATALITIES,
    MIN_YEAR,
    STRING_COLUMNS,
    Taxonomy,
)
from geomap.tables.cells import INT_TEXT, checked_int, coordinate, to_float
from geomap.tables.columns import (
    distinct_answers,
    per_distinct,
    plain_floats,
    plain_ints,
    present,
    replaced,
    texts,
)
from geomap.tables.raw import RawTable
from geomap.tables.swaps import outlines_for, swap_message, swapped

#: Whole-number columns and their bounds (None: no upper bound), in the order their problems are listed.
INT_BOUNDS: dict[str, tuple[int, int | None]] = {
    "time_precision": (1, 3), "geo_precision": (1, 3),
    "fatalities": (0, MAX_FATALITIES), "wounded": (0, MAX_FATALITIES),
    "char_start": (0, None), "char_end": (0, None),
}

ACTOR_TYPE_COLUMNS = ("inter1", "inter2")

GEOCODED_REASON = "geocoded from location column"


class Notes:
    """Problems of rows, kept in the order the checks add them."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, list[str]]] = []

    def add(self, rows: Any, messages: list[str]) -> None:
        """Add ``messages[k]`` to row ``rows[k]`` (rows whose message is None get none)."""
        rows = np.asarray(rows, dtype=np.int64)
        keep = [k for k, m in enumerate(messages) if m is not None]
        if keep:
            self._parts.append((rows[keep], [messages[k] for k in keep]))

    def rows(self) -> np.ndarray:
        """Every row with a problem, in order."""
        if not self._parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([rows for rows, _ in self._parts]))

    def by_row(self) -> dict[int, list[str]]:
        """Each row's problems, in the order they were added."""
        out: dict[int, list[str]] = {}
        for rows, messages in self._parts:
            for row, message in zip(rows.tolist(), messages):
                out.setdefault(row, []).append(message)
        return out


@dataclass
class Checked:
    """A checked table: typed columns (schema, extras) and what each flagged row has wrong."""

    columns: dict[str, Any]
    problems: dict[int, list[str]]
    geocoded: np.ndarray
    unlocated: np.ndarray
    extras: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the whole file (how its slash dates were read)


def check_table(raw: RawTable, *, taxonomy: Taxonomy, gazetteer: Any,
                load_gazetteer: Callable[[], Any], dayfirst: bool | None = None) -> Checked:
    """Check every row of ``raw``; see the module's docstring for what is checked.

    ``gazetteer`` may be None: ``load_gazetteer`` is then called if some
    row needs geocoding. ``dayfirst`` says how slash dates are read
    (:func:`geomap.dates.slash_convention`; None: the file's dates decide).
    """
    return _Check(raw, taxonomy, gazetteer, load_gazetteer, dayfirst).run()


class _Check:
    def __init__(self, raw: RawTable, taxonomy: Taxonomy, gazetteer: Any,
                 load_gazetteer: Callable[[], Any], dayfirst: bool | None = None) -> None:
        self.raw = raw
        self.dayfirst = dayfirst
        self.file_notes: list[str] = []
        self.n = len(raw)
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.load_gazetteer = load_gazetteer
        self.today = dt.date.today()
        self.notes = Notes()
        self.out: dict[str, Any] = {}
        self._present: dict[str, np.ndarray] = {}
        for row, found in sorted(raw.found.items()):
            self.notes.add([row] * len(found), found)

    # -- access to the input -------------------------------------------------------------

    def column(self, name: str) -> pd.Series:
        series = self.raw.column(name)
        return series if series is not None else pd.Series([None] * self.n, dtype=object)

    def given(self, name: str) -> np.ndarray:
        if name not in self._present:
            series = self.raw.column(name)
            self._present[name] = present(series) if series is not None else np.zeros(self.n, dtype=bool)
        return self._present[name]

    # -- the checks ------------------------------------------------------------------------

    def run(self) -> Checked:
        extras = [h for h in self.raw.header if h not in COLUMN_DTYPES and h not in (FLAGS_COLUMN, "geometry")]
        for name in (*STRING_COLUMNS, *extras):
            self.out[name] = texts(self.column(name), self.given(name))
        self.event_date()
        self.types()
        for name, (low, high) in INT_BOUNDS.items():
            self.out[name] = self.whole_numbers(name, low, high)
        for name in ACTOR_TYPE_COLUMNS:
            self.out[name] = self.actor_types(name)
        self.confidence()
        self.iso3()
        geocoded, unlocated = self.coordinates()
        self.repeated_ids()
        return Checked(self.out, self.notes.by_row(), geocoded, unlocated, extras, self.file_notes)

    def event_date(self) -> None:
        text = self.out["event_date"]
        rows = np.flatnonzero(self.given("event_date"))
        order, note = slash_convention(text.iloc[rows].unique().tolist(), self.dayfirst)
        if note:
            self.file_notes.append(note)
        codes, answers = distinct_answers(text, rows, lambda value: self._date(value, order))
        if answers:
            self.out["event_date"] = replaced(text, rows, codes, [a[0] for a in answers])
            self._note_distinct(rows, codes, [a[1] for a in answers])

    def _date(self, value: str, slash_order: str) -> tuple[str, str | None]:
        text = value.strip()
        # Parquet written by other tools may hold timestamps as text.
        if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
            text = text[:10]
        try:
            day = parse_date(text, slash_order=slash_order, today=self.today)
        except ValueError as exc:
            return value, f"event_date: {exc}"
        if day.year < MIN_YEAR:
            return day.isoformat(), f"event_date {day.isoformat()} is before {MIN_YEAR}"
        if day > self.today:
            return day.isoformat(), f"event_date {day.isoformat()} is in the future"
        return day.isoformat(), None

    def types(self) -> None:
        kinds, subs = self.out["event_type"], self.out["sub_event_type"]
        rows = np.flatnonzero(self.given("event_type") | self.given("sub_event_type"))
        if not len(rows):
            return
        codes, answers = distinct_pairs(kinds.iloc[rows], subs.iloc[rows], self._types)
        self.out["event_type"] = replaced(kinds, rows, codes, [a[0] for a in answers])
        self.out["sub_event_type"] = replaced(subs, rows, codes, [a[1] for a in answers])
        self._note_distinct(rows, codes, [a[2] for a in answers])
        self._note_distinct(rows, codes, [a[3] for a in answers])

    def _note_distinct(self, rows: np.ndarray, codes: np.ndarray, messages: list[str | None]) -> None:
        """Note ``messages[codes[k]]`` for row ``rows[k]``, only for the codes that have a message."""
        flagged = [c for c, m in enumerate(messages) if m is not None]
        if not flagged:
            return
        hit = np.isin(codes, flagged)
        self.notes.add(rows[hit], [messages[c] for c in codes[hit].tolist()])

    def _types(self, pair: tuple[Any, Any]) -> tuple[Any, Any, str | None, str | None]:
        event_type, sub = pair
        canonical = None
        kind_problem = sub_problem = None
        if event_type is not None:
            canonical = self.taxonomy.canonical_event_type(event_type)
            if canonical is None:
                kind_problem = (f"unknown event_type {shown(event_type)} "
                                f"(not one of ACLED's {len(self.taxonomy.event_types)})")
            else:
                event_type = canonical
        if sub is not None:
            match = self.taxonomy.canonical_sub_event_type(sub, canonical)
            if match is not None:
                sub = match
            elif canonical is not None and (other := self.taxonomy.canonical_sub_event_type(sub)):
                sub_problem = (f"sub_event_type {shown(other)} belongs to {self.taxonomy.event_type_of(other)!r}, "
                               f"not {canonical!r}")
            else:
                sub_problem = f"unknown sub_event_type {shown(sub)}"
        return event_type, sub, kind_problem, sub_problem

    def whole_numbers(self, name: str, low: int, high: int | None) -> pd.arrays.IntegerArray:
        series, given = self.column(name), self.given(name)
        plain, values = plain_ints(series, given)
        fine = plain & (values >= low) & ((values <= high) if high is not None else True)
        result = pd.array(np.where(fine, values, 0), dtype="Int64")
        result[~fine] = pd.NA
        odd = np.flatnonzero(given & ~fine)
        answers = per_distinct(series, odd, lambda value: _one_int(name, value, low, high))
        return self._ints_with(result, odd, answers)

    def actor_types(self, name: str) -> pd.arrays.IntegerArray:
        series, given = self.column(name), self.given(name)
        plain, values = plain_ints(series, given)
        fine = plain & (values <= 8)
        result = pd.array(np.where(fine, values, 0), dtype="Int64")
        result[~fine] = pd.NA
        odd = np.flatnonzero(given & ~fine)
        answers = per_distinct(series, odd, lambda value: self._actor_type(name, value))
        return self._ints_with(result, odd, answers)

    def _ints_with(self, result: pd.arrays.IntegerArray, rows: np.ndarray,
                   answers: list[tuple[int | None, str | None]]) -> pd.arrays.IntegerArray:
        """``result`` with the numbers the one-cell rule gave ``rows``; its problems noted."""
        if answers:
            result[rows] = pd.array([a[0] for a in answers], dtype="Int64")
            self.notes.add(rows, [a[1] for a in answers])
        return result

    def _actor_type(self, name: str, value: Any) -> tuple[int | None, str | None]:
        if isinstance(value, str) and not INT_TEXT.fullmatch(value.strip()):
            label = value.strip().casefold()
            code = next((k for k, v in self.taxonomy.actor_types.items() if v.casefold() == label), None)
            if code is None:
                return None, f"{name} {shown(value)} is not an ACLED actor type (0-8 or its label)"
            return code, None
        return _one_int(name, value, 0, 8)

    def confidence(self) -> None:
        series, given = self.column("confidence"), self.given("confidence")
        plain, values = plain_floats(series, given)
        with np.errstate(invalid="ignore"):
            fine = plain & (values >= 0) & (values <= 1)
        result = np.where(fine, values, np.nan)
        odd = np.flatnonzero(given & ~fine)
        answers = per_distinct(series, odd, _one_confidence)
        if answers:
            result[odd] = [np.nan if a[0] is None else a[0] for a in answers]
            self.notes.add(odd, [a[1] for a in answers])
        self.out["confidence"] = result

    def iso3(self) -> None:
        country, iso3 = self.out["country"], self.out["iso3"]
        rows = np.flatnonzero(self.given("country") & ~iso3.notna().to_numpy())
        codes, found = distinct_answers(country, rows,
                                        lambda name: getattr(self.taxonomy.country(name), "iso3", None) or None)
        if any(c is not None for c in found):
            self.out["iso3"] = replaced(iso3, rows, codes, found)

    # -- coordinates -----------------------------------------------------------------------

    def coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        lat_given, lon_given = self.given("latitude"), self.given("longitude")
        lat, lat_ok = self._coordinate("latitude", lon_given)
        lon, lon_ok = self._coordinate("longitude", lat_given)
        both = lat_ok & lon_ok
        with np.errstate(invalid="ignore"):
            lat_in, lon_in = np.abs(lat) <= 90, np.abs(lon) <= 180
        wrong = [(row, m) for row in np.flatnonzero(both & ~(lat_in & lon_in)).tolist()
                 for m in range_problems(float(lat[row]), float(lon[row]))]
        self.notes.add([r for r, _ in wrong], [m for _, m in wrong])
        self._swaps(np.flatnonzero(both & lat_in & lon_in), lat, lon)
        self.out["latitude"], self.out["longitude"] = lat, lon
        return self._geocode(np.flatnonzero(~lat_given & ~lon_given))

    def _coordinate(self, name: str, other_given: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One coordinate column as numbers (NaN where unusable), which are usable, and its problems."""
        series, given = self.column(name), self.given(name)
        plain, values = plain_floats(series, given)
        ok = plain.copy()
        odd = np.flatnonzero(given & ~plain)
        answers = per_distinct(series, odd, lambda value: _one_coordinate(name, value))
        if answers:
            values[odd] = [np.nan if a[0] is None else a[0] for a in answers]
            ok[odd] = [a[0] is not None for a in answers]
        other = "longitude" if name == "latitude" else "latitude"
        missing = np.flatnonzero(~given & other_given)
        problems = {int(r): m for r, (_, m) in zip(odd.tolist(), answers) if m is not None}
        problems.update({int(r): f"{name} is missing ({other} is given)" for r in missing.tolist()})
        rows = sorted(problems)
        self.notes.add(rows, [problems[r] for r in rows])
        return values, ok

    def _swaps(self, rows: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> None:
        rows = rows[self.given("country")[rows]]
        if not len(rows):
            return
        country = self.out["country"]
        entries = per_distinct(country, rows, self.taxonomy.country)
        known = np.array([e is not None for e in entries], dtype=bool)
        rows, entries = rows[known], [e for e in entries if e is not None]
        if not len(rows):
            return
        flags = swapped(entries, lat[rows], lon[rows], outlines_for(self.gazetteer))
        picked = rows[flags]
        self.notes.add(picked, [swap_message(country.iat[r], float(lat[r]), float(lon[r])) for r in picked.tolist()])

    def _geocode(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        geocoded = np.zeros(self.n, dtype=bool)
        unlocated = np.zeros(self.n, dtype=bool)
        named = self.given("location")[rows]
        self.notes.add(rows[~named], ["no coordinates and no location: the event cannot be placed"] * int((~named).sum()))
        rows = rows[named]
        if not len(rows):
            return geocoded, unlocated
        if self.gazetteer is None:
            self.gazetteer = self.load_gazetteer()
        location, country = self.out["location"], self.out["country"]
        names = pd.Series([" ".join(v.split()) for v in location.iloc[rows].tolist()], dtype=STRING_DTYPE)
        answers = per_distinct_pair(names, country.iloc[rows], self._resolve)
        names = names.tolist()
        found = [(int(r), place) for r, (place, _) in zip(rows.tolist(), answers) if place is not None]
        missing = [(int(r), f"unlocated: {name}" + (f" ({why})" if why else ""))
                   for r, name, (place, why) in zip(rows.tolist(), names, answers) if place is None]
        self.notes.add([r for r, _ in missing], [m for _, m in missing])
        unlocated[[r for r, _ in missing]] = True
        if found:
            self._fill(found)
            geocoded[[r for r, _ in found]] = True
        return geocoded, unlocated

    def _resolve(self, key: tuple[str, str | None]) -> tuple[Any, str | None]:
        name, country = key
        entry = self.taxonomy.country(country) if country else None
        return resolve_place(self.gazetteer, name, entry.iso2 if entry else None)

    def _fill(self, found: list[tuple[int, Any]]) -> None:
        """Copy what the gazetteer knows into the geocoded rows."""
        rows = [r for r, _ in found]
        lat, lon = self.out["latitude"], self.out["longitude"]
        lat[rows] = [float(_attr(p, "latitude")) for _, p in found]
        lon[rows] = [float(_attr(p, "longitude")) for _, p in found]
        precision = self.out["geo_precision"]
        for row, place in found:
            if precision[row] is pd.NA:
                precision[row] = GEO_PRECISION_BY_KIND.get(str(_attr(place, "kind")), 3)
        text = {name: self.out[name].to_numpy(dtype=object, na_value=None)
                for name in ("place_id", "admin1", "admin2", "country", "iso3", "reason")}
        for row, place in found:
            for name in ("place_id", "admin1", "admin2"):
                if text[name][row] is None and _attr(place, name):
                    text[name][row] = str(_attr(place, name))
            if text["country"][row] is None and _attr(place, "country"):
                # The gazetteer speaks ISO2 ("SY"); the table speaks ACLED's country names.
                entry = self.taxonomy.country_by_code(str(_attr(place, "country")))
                text["country"][row] = entry.name if entry else str(_attr(place, "country"))
                text["iso3"][row] = text["iso3"][row] or (entry.iso3 if entry else None) or None
            text["reason"][row] = GEOCODED_REASON
        for name, values in text.items():
            self.out[name] = pd.Series(values, dtype=STRING_DTYPE)

    # -- the table as a whole ----------------------------------------------------------------

    def repeated_ids(self) -> None:
        """Flag every copy of an event_id after the first: its fatalities would be counted again."""
        ids = self.out["event_id"]
        rows = np.flatnonzero(self.given("event_id"))
        if not len(rows):
            return
        values = ids.iloc[rows]
        again = values.duplicated(keep="first").to_numpy()
        if not again.any():
            return
        first = dict(zip(values[~again].tolist(), rows[~again].tolist()))
        repeats = rows[again]
        self.notes.add(repeats, [repeat_message(ids.iat[r], self.raw.where(first[ids.iat[r]]))
                                 for r in repeats.tolist()])


def repeat_message(event_id: str, first: int | str) -> str:
    """The problem of a row whose event_id an earlier row has."""
    at = f"line {first}" if isinstance(first, int) else first
    return f"event_id {shown(event_id)} repeats the event at {at}: its fatalities would be counted twice"


def range_problems(lat: float, lon: float) -> list[str]:
    """What is wrong with a point out of range (a hint when the swap would be in range)."""
    swap = " (are latitude and longitude swapped?)" if abs(lon) <= 90 and abs(lat) <= 180 else ""
    problems = []
    if not abs(lat) <= 90:
        problems.append(f"latitude {lat} is out of range [-90, 90]{swap}")
    if not abs(lon) <= 180:
        problems.append(f"longitude {lon} is out of range [-180, 180]{swap}")
    return problems


def _one_int(name: str, value: Any, low: int, high: int | None) -> tuple[int | None, str | None]:
    problems: list[str] = []
    number = checked_int({name: value}, name, low, high, problems)
    return number, problems[0] if problems else None


def _one_confidence(value: Any) -> tuple[float | None, str | None]:
    number = to_float(value)
    if number is None or not 0 <= number <= 1:
        return None, f"confidence {shown(value)} is not a number between 0 and 1"
    return number, None


def _one_coordinate(name: str, value: Any) -> tuple[float | None, str | None]:
    problems: list[str] = []
    number = coordinate(value, name, problems)
    return number, problems[0] if problems else None


def per_distinct_pair(first: pd.Series, second: pd.Series,
                      rule: Callable[[tuple[Any, Any]], Any]) -> list[Any]:
    """``rule((a, b))`` for each row's pair of cells (missing cells as None), once per distinct pair."""
    codes, answers = distinct_pairs(first, second, rule)
    return [answers[c] for c in codes.tolist()]


def distinct_pairs(first: pd.Series, second: pd.Series,
                   rule: Callable[[tuple[Any, Any]], Any]) -> tuple[np.ndarray, list[Any]]:
    """:func:`per_distinct_pair` as ``(codes, answers)``: row ``k``'s answer is ``answers[codes[k]]``."""
    a_codes, a_values = pd.factorize(first)
    b_codes, b_values = pd.factorize(second)
    pair_codes, pairs = pd.factorize((a_codes + 1) * (len(b_values) + 1) + (b_codes + 1))
    a_list, b_list = [None, *a_values.tolist()], [None, *b_values.tolist()]
    answers = [rule((a_list[p // (len(b_values) + 1)], b_list[p % (len(b_values) + 1)])) for p in pairs.tolist()]
    return pair_codes, answers


def _attr(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def resolve_place(gazetteer: Any, name: str, iso2: str | None) -> tuple[Any, str | None]:
    """Ask the gazetteer for ``name``: (place, None) or (None, why not)."""
    if gazetteer is None:
        return None, "no gazetteer available"
    if not name:
        return None, None
    try:
        if iso2:
            result = gazetteer.resolve(name, ResolveContext(country=iso2))
        else:
            result = gazetteer.resolve(name)
    except GazetteerError as exc:
        return None, str(exc)
    # Gazetteer.resolve answers a Resolution (place + reason); a bare place is accepted too.
    place = getattr(result, "place", result)
    if place is None or _attr(place, "latitude") is None or _attr(place, "longitude") is None:
        return None, getattr(result, "reason", None)
    return place, None


def bundled_gazetteer() -> Any:
    """The bundled gazetteer, or None when it cannot be loaded."""
    try:
        return Gazetteer.load()
    except GazetteerError:
        return None
