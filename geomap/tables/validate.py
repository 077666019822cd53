"""Checking an event table row by row: every problem named with its line, nothing dropped silently.

Each problem is reported as ``FILE:LINE: message`` (the physical line of the
record in a CSV, header = line 1; ``feature N`` / ``row N`` for GeoJSON /
GeoParquet, counted from 1) and the row is kept and flagged, or, with
``strict=True``, rejected. Rows with a ``location`` but no coordinates are
geocoded against the gazetteer.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from geomap.dates import parse_date, slash_convention
from geomap.errors import GazetteerError
from geomap.frames import COLUMN_DTYPES, geoframe_from_rows
from geomap.gazetteer import Gazetteer, ResolveContext
from geomap.schema import (
    EVENT_COLUMNS,
    FLAGS_COLUMN,
    GEO_PRECISION_BY_KIND,
    MAX_FATALITIES,
    MIN_YEAR,
    STRING_COLUMNS,
    Country,
    Taxonomy,
    load_taxonomy,
)
from geomap.tables.cells import INT_TEXT, checked_int, coordinate, is_missing, to_float
from geomap.tables.raw import RawTable

PathLike = str | os.PathLike[str]

@dataclass(frozen=True)
class Problem:
    """One validation problem: ``str(problem)`` is ``FILE:WHERE: message``.

    ``where`` is the CSV line number (an int) or ``"feature N"`` / ``"row N"``.
    """

    path: str
    where: int | str | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.where}: {self.message}" if self.where is not None else f"{self.path}: {self.message}"


@dataclass
class ReadReport:
    """What happened to the rows of one table.

    Every data row (blank rows excepted) is counted once:
    ``read == mapped + flagged + rejected``.

    Attributes
    ----------
    path : str
        The input.
    read : int
        Data rows in the input (rows whose every field is empty are not rows:
        they are counted in ``blank``).
    mapped : int
        Rows kept with a valid point and no problem (including geocoded ones).
    flagged : int
        Rows kept with at least one problem in :data:`FLAGS_COLUMN` (with or
        without a point): ``strict=False`` only.
    rejected : int
        Rows left out of the table because of a problem: ``strict=True`` only.
    geocoded : int
        Rows that had a ``location`` but no coordinates and were located
        through the gazetteer (part of ``mapped``).
    unlocated : int
        Rows whose ``location`` the gazetteer does not know (flagged or rejected).
    blank : int
        Empty rows skipped.
    problems : list of Problem
        Every problem, in file order.
    notes : list of str
        Remarks on the whole file, such as the order its slash dates were read in.
    """

    path: str
    read: int = 0
    mapped: int = 0
    flagged: int = 0
    rejected: int = 0
    geocoded: int = 0
    unlocated: int = 0
    blank: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row was flagged or rejected."""
        return not self.problems

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadReport:
        # pandas deep-copies ``DataFrame.attrs`` on every operation; a report
        # of many problems would make each filter slow, and it describes the
        # file as read, so derived tables share it.
        return self

    def summary(self) -> str:
        """One line: ``FILE: N rows read: M mapped (G geocoded), F flagged, R rejected``."""
        parts = [f"{self.mapped} mapped" + (f" ({self.geocoded} geocoded)" if self.geocoded else "")]
        parts.append(f"{self.flagged} flagged")
        parts.append(f"{self.rejected} rejected")
        tail = f"; {self.blank} blank rows skipped" if self.blank else ""
        return f"{self.path}: {self.read} rows read: {', '.join(parts)}{tail}"

    def __str__(self) -> str:
        return "\n".join([*map(str, self.problems), self.summary()])


def validate_raw(raw: RawTable, *, strict: bool, gazetteer: Any,
                 dayfirst: bool | None = None) -> tuple[gpd.GeoDataFrame, ReadReport]:
    taxonomy = load_taxonomy()
    order, note = slash_convention(("" if is_missing(r[1].get("event_date")) else str(r[1].get("event_date"))
                                    for r in raw.rows), dayfirst)
    report = ReadReport(raw.path, blank=raw.blank, notes=[note] if note else [])
    checker = _RowChecker(taxonomy, order, gazetteer)
    kept: list[dict[str, Any]] = []
    for where, values, found in raw.rows:
        report.read += 1
        row, messages = checker.check(values)
        messages = found + messages
        if row.pop("_unlocated", False):
            report.unlocated += 1
        geocoded = row.pop("_geocoded", False)
        for message in messages:
            report.problems.append(Problem(raw.path, where, message))
        if messages and strict:
            report.rejected += 1
            continue
        if messages:
            report.flagged += 1
        else:
            report.mapped += 1
            report.geocoded += geocoded
        row[FLAGS_COLUMN] = "; ".join(messages) or None
        kept.append(row)
    table = geoframe_from_rows(kept, [*EVENT_COLUMNS, *_extras(raw.header), FLAGS_COLUMN])
    table.attrs["report"] = report
    return table, report


def _extras(header: list[str]) -> list[str]:
    return [h for h in header if h not in COLUMN_DTYPES and h not in (FLAGS_COLUMN, "geometry")]


class _RowChecker:
    """Turns one raw row into typed values and a list of problems."""

    def __init__(self, taxonomy: Taxonomy, slash_order: str, gazetteer: Any) -> None:
        self.taxonomy = taxonomy
        self.slash_order = slash_order
        self._gazetteer = gazetteer
        self._gazetteer_loaded = gazetteer is not None
        self.today = dt.date.today()

    @property
    def gazetteer(self) -> Any:
        if not self._gazetteer_loaded:
            self._gazetteer_loaded = True
            self._gazetteer = _bundled_gazetteer()
        return self._gazetteer

    def check(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        row: dict[str, Any] = {}
        problems: list[str] = []
        for key, value in values.items():
            if key == FLAGS_COLUMN or key == "geometry":
                continue  # flags are recomputed; geometry comes from latitude/longitude
            row[key] = None if is_missing(value) else value
        for column in STRING_COLUMNS:
            if row.get(column) is not None:
                row[column] = str(row[column])
        row["event_date"] = self._date(row.get("event_date"), problems)
        self._types(row, problems)
        self._numbers(row, problems)
        self._country(row)
        self._coordinates(row, problems)
        return row, problems

    def _date(self, value: Any, problems: list[str]) -> str | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):  # pandas Timestamps included
            value = value.date()
        if not isinstance(value, dt.date):
            text = str(value).strip()
            # Parquet written by other tools may hold timestamps as text.
            if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
                text = text[:10]
            try:
                value = parse_date(text, slash_order=self.slash_order, today=self.today)
            except ValueError as exc:
                problems.append(f"event_date: {exc}")
                return str(value)
        if value.year < MIN_YEAR:
            problems.append(f"event_date {value.isoformat()} is before {MIN_YEAR}")
        elif value > self.today:
            problems.append(f"event_date {value.isoformat()} is in the future")
        return value.isoformat()

    def _types(self, row: dict[str, Any], problems: list[str]) -> None:
        event_type, sub = row.get("event_type"), row.get("sub_event_type")
        canonical = None
        if event_type is not None:
            canonical = self.taxonomy.canonical_event_type(event_type)
            if canonical is None:
                problems.append(f"unknown event_type {event_type!r} (not one of ACLED's {len(self.taxonomy.event_types)})")
            else:
                row["event_type"] = canonical
        if sub is not None:
            match = self.taxonomy.canonical_sub_event_type(sub, canonical)
            if match is not None:
                row["sub_event_type"] = match
            elif canonical is not None and (other := self.taxonomy.canonical_sub_event_type(sub)):
                problems.append(
                    f"sub_event_type {other!r} belongs to {self.taxonomy.event_type_of(other)!r}, not {canonical!r}"
                )
            else:
                problems.append(f"unknown sub_event_type {sub!r}")

    def _numbers(self, row: dict[str, Any], problems: list[str]) -> None:
        bounds = {
            "time_precision": (1, 3), "geo_precision": (1, 3),
            "fatalities": (0, MAX_FATALITIES), "wounded": (0, MAX_FATALITIES),
            "char_start": (0, None), "char_end": (0, None),
        }
        for column, (low, high) in bounds.items():
            row[column] = checked_int(row, column, low, high, problems)
        for column in ("inter1", "inter2"):
            value = row.get(column)
            if isinstance(value, str) and not INT_TEXT.fullmatch(value.strip()):
                code = next((k for k, v in self.taxonomy.actor_types.items() if v.casefold() == value.strip().casefold()), None)
                if code is None:
                    problems.append(f"{column} {value!r} is not an ACLED actor type (0-8 or its label)")
                    row[column] = None
                else:
                    row[column] = code
                continue
            row[column] = checked_int(row, column, 0, 8, problems)
        value = row.get("confidence")
        if value is not None:
            number = to_float(value)
            if number is None or not 0 <= number <= 1:
                problems.append(f"confidence {value!r} is not a number between 0 and 1")
                row["confidence"] = None
            else:
                row["confidence"] = number

    def _country(self, row: dict[str, Any]) -> None:
        country = row.get("country")
        if country is not None and row.get("iso3") is None:
            entry = self.taxonomy.country(country)
            if entry is not None:
                row["iso3"] = entry.iso3

    def _coordinates(self, row: dict[str, Any], problems: list[str]) -> None:
        lat_raw, lon_raw = row.get("latitude"), row.get("longitude")
        if lat_raw is None and lon_raw is None:
            self._geocode(row, problems)
            return
        lat = coordinate(lat_raw, "latitude", problems)
        lon = coordinate(lon_raw, "longitude", problems)
        # Out-of-range numbers are kept (flagged, without a point) so the analyst sees them.
        row["latitude"], row["longitude"] = lat, lon
        if lat is None or lon is None:
            return
        lat_ok, lon_ok = abs(lat) <= 90, abs(lon) <= 180
        if not lat_ok or not lon_ok:
            swap = " (are latitude and longitude swapped?)" if abs(lon) <= 90 and abs(lat) <= 180 else ""
            if not lat_ok:
                problems.append(f"latitude {lat} is out of range [-90, 90]{swap}")
            if not lon_ok:
                problems.append(f"longitude {lon} is out of range [-180, 180]{swap}")
            return
        country = row.get("country")
        if country is not None:
            inside = self._inside(country, lat, lon)
            if inside is False and self._inside(country, lon, lat) is True:
                problems.append(
                    f"point (latitude {lat}, longitude {lon}) is outside {country} but "
                    f"({lon}, {lat}) is inside: latitude and longitude look swapped"
                )

    def _inside(self, country: str, lat: float, lon: float) -> bool | None:
        """Whether (lat, lon) lies in ``country``; None when we cannot tell.

        The gazetteer's country boundaries answer first (only the countries
        it has polygons for); the coarse boxes of the taxonomy file next.
        """
        if abs(lat) > 90 or abs(lon) > 180:
            return False
        entry = self.taxonomy.country(country)
        # Never load the bundled gazetteer just for this check: it is a bonus.
        gaz = self._gazetteer
        if gaz is not None and hasattr(gaz, "containing"):
            try:
                place = gaz.containing(lat, lon, kind="country")
            except (GazetteerError, TypeError, ValueError):
                place = None
            else:
                if place is not None:
                    return _same_country(place, country, entry)
        if entry is None or entry.bbox is None:
            return None
        min_lon, min_lat, max_lon, max_lat = entry.bbox
        return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon

    def _geocode(self, row: dict[str, Any], problems: list[str]) -> None:
        name = row.get("location")
        if name is None:
            problems.append("no coordinates and no location: the event cannot be placed")
            return
        name = " ".join(name.split())
        entry = self.taxonomy.country(row["country"]) if row.get("country") else None
        place, why = _resolve(self.gazetteer, name, entry.iso2 if entry else None)
        if place is None:
            row["_unlocated"] = True
            problems.append(f"unlocated: {name}" + (f" ({why})" if why else ""))
            return
        row["latitude"], row["longitude"] = float(_attr(place, "latitude")), float(_attr(place, "longitude"))
        if row.get("geo_precision") is None:
            row["geo_precision"] = GEO_PRECISION_BY_KIND.get(str(_attr(place, "kind")), 3)
        for column in ("place_id", "admin1", "admin2"):
            if row.get(column) is None and _attr(place, column):
                row[column] = str(_attr(place, column))
        if row.get("country") is None and _attr(place, "country"):
            # The gazetteer speaks ISO2 ("SY"); the table speaks ACLED's country names.
            found = self.taxonomy.country_by_code(str(_attr(place, "country")))
            row["country"] = found.name if found else str(_attr(place, "country"))
            row["iso3"] = row.get("iso3") or (found.iso3 if found else None)
        row["reason"] = "geocoded from location column"
        row["_geocoded"] = True


def _same_country(place: Any, country: str, entry: Country | None) -> bool:
    names = {str(_attr(place, "name") or "").casefold(), str(_attr(place, "country") or "").casefold()}
    if country.strip().casefold() in names:
        return True
    return entry is not None and entry.iso2.casefold() in names


def _attr(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _resolve(gazetteer: Any, name: str, iso2: str | None) -> tuple[Any, str | None]:
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


def _bundled_gazetteer() -> Any:
    try:
        return Gazetteer.load()
    except GazetteerError:
        return None
