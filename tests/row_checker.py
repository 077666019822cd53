"""The reference: checking an event table one row at a time, in plain Python.

This is how geomap checked tables before the checks were written a column
at a time (:mod:`geomap.tables.check`), kept as the statement of what the
checks mean: ``tests/test_tables_vectorised.py`` asserts that both give the
same table, the same problems in the same order and the same counts. Later
rules are added here in the same one-row style (the swap rule of
:mod:`geomap.tables.swaps`, repeated event ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.dates import parse_date, slash_order_of
from geomap.frames import COLUMN_DTYPES, STRING_DTYPE, points_of
from geomap.gazetteer.spatial import haversine_km
from geomap.schema import (
    EVENT_COLUMNS,
    FLAGS_COLUMN,
    GEO_PRECISION_BY_KIND,
    MAX_FATALITIES,
    MIN_YEAR,
    STRING_COLUMNS,
    Taxonomy,
    load_taxonomy,
)
from geomap.tables.cells import INT_TEXT, checked_int, coordinate, is_missing, to_float
from geomap.tables.check import resolve_place
from geomap.tables.raw import RawTable
from geomap.tables.swaps import SEA_MARGIN_KM, SWAP_NEAR_KM, outlines_for
from geomap.tables.validate import Problem, ReadReport


def validate_rows(raw: RawTable, *, strict: bool, gazetteer: Any) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Check ``raw`` row by row; the same contract as :func:`geomap.tables.validate.validate_raw`."""
    rows = list(raw.records())
    taxonomy = load_taxonomy()
    order = slash_order_of("" if is_missing(r[1].get("event_date")) else str(r[1].get("event_date")) for r in rows)
    report = ReadReport(raw.path, blank=raw.blank)
    checker = RowChecker(taxonomy, order, gazetteer)
    seen_ids: dict[str, int | str] = {}
    kept: list[dict[str, Any]] = []
    for where, values, found in rows:
        report.read += 1
        row, messages = checker.check(values)
        messages = found + messages
        event_id = row.get("event_id")
        if event_id is not None:
            if event_id in seen_ids:
                first = seen_ids[event_id]
                at = f"line {first}" if isinstance(first, int) else first
                messages.append(f"event_id {event_id!r} repeats the event at {at}: "
                                "its fatalities would be counted twice")
            else:
                seen_ids[event_id] = where
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
    extras = [h for h in raw.header if h not in COLUMN_DTYPES and h not in (FLAGS_COLUMN, "geometry")]
    table = frame_from_rows(kept, [*EVENT_COLUMNS, *extras, FLAGS_COLUMN])
    table.attrs["report"] = report
    return table, report


def frame_from_rows(rows: list[dict[str, Any]], columns: list[str]) -> gpd.GeoDataFrame:
    """Build the table from checked rows (values already typed, None for missing)."""
    data: dict[str, Any] = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        dtype = COLUMN_DTYPES.get(column, STRING_DTYPE)
        if dtype == "float64":
            data[column] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        elif dtype == "Int64":
            data[column] = pd.array(values, dtype="Int64")
        else:
            data[column] = pd.array([v if v is None or isinstance(v, str) else str(v) for v in values], dtype=dtype)
    frame = pd.DataFrame(data, columns=columns)
    return gpd.GeoDataFrame(frame, geometry=points_of(frame["latitude"], frame["longitude"]), crs="EPSG:4326")


class RowChecker:
    """Turns one raw row into typed values and a list of problems."""

    def __init__(self, taxonomy: Taxonomy, slash_order: str, gazetteer: Any) -> None:
        self.taxonomy = taxonomy
        self.slash_order = slash_order
        self._gazetteer = gazetteer
        self._gazetteer_loaded = gazetteer is not None
        self.outlines = outlines_for(gazetteer)
        self._held_memo: dict[tuple[float, float], str | None] = {}
        self.today = dt.date.today()

    @property
    def gazetteer(self) -> Any:
        if not self._gazetteer_loaded:
            from geomap.tables.check import bundled_gazetteer

            self._gazetteer_loaded = True
            self._gazetteer = bundled_gazetteer()
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
        for column, value in row.items():
            if column not in COLUMN_DTYPES and value is not None:
                row[column] = str(value)
        row["event_date"] = self._date(row.get("event_date"), problems)
        self._types(row, problems)
        self._numbers(row, problems)
        self._country(row)
        self._coordinates(row, problems)
        return row, problems

    def _date(self, value: Any, problems: list[str]) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
            text = text[:10]
        try:
            day = parse_date(text, slash_order=self.slash_order, today=self.today)
        except ValueError as exc:
            problems.append(f"event_date: {exc}")
            return str(value)
        if day.year < MIN_YEAR:
            problems.append(f"event_date {day.isoformat()} is before {MIN_YEAR}")
        elif day > self.today:
            problems.append(f"event_date {day.isoformat()} is in the future")
        return day.isoformat()

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
                row["iso3"] = entry.iso3 or None

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
        if country is not None and self._swapped(country, lat, lon):
            problems.append(
                f"point (latitude {lat}, longitude {lon}) is outside {country} but "
                f"({lon}, {lat}) is inside: latitude and longitude look swapped"
            )

    def _swapped(self, country: str, lat: float, lon: float) -> bool:
        entry = self.taxonomy.country(country)
        if entry is None or abs(lon) > 90 or haversine_km(lat, lon, lon, lat) < SWAP_NEAR_KM:
            return False
        return self._inside(entry, lon, lat) and self._outside(entry, lat, lon)

    def _held(self, lat: float, lon: float) -> str | None:
        if self.outlines is None:
            return None
        if (lat, lon) not in self._held_memo:
            self._held_memo[(lat, lon)] = self._held_now(lat, lon)
        return self._held_memo[(lat, lon)]

    def _held_now(self, lat: float, lon: float) -> str | None:
        for kind in ("country", "world"):
            held = self.outlines.containing(lat, lon, kind)
            if held:
                return held[0]
        return None

    def _world(self) -> bool:
        return self.outlines is not None and self.outlines.has("world")

    def _inside(self, entry: Any, lat: float, lon: float) -> bool:
        held = self._held(lat, lon)
        if held is not None:
            return held == entry.iso2
        return not self._world() and _in_box(entry, lat, lon) is True

    def _outside(self, entry: Any, lat: float, lon: float) -> bool:
        held = self._held(lat, lon)
        if held is not None:
            return held != entry.iso2 and self.outlines.km_from(entry.iso2, [lat], [lon])[0] > SWAP_NEAR_KM
        if self._world():
            return self.outlines.km_from(entry.iso2, [lat], [lon])[0] > SEA_MARGIN_KM
        return _in_box(entry, lat, lon) is False

    def _geocode(self, row: dict[str, Any], problems: list[str]) -> None:
        name = row.get("location")
        if name is None:
            problems.append("no coordinates and no location: the event cannot be placed")
            return
        name = " ".join(name.split())
        entry = self.taxonomy.country(row["country"]) if row.get("country") else None
        place, why = resolve_place(self.gazetteer, name, entry.iso2 if entry else None)
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
            found = self.taxonomy.country_by_code(str(_attr(place, "country")))
            row["country"] = found.name if found else str(_attr(place, "country"))
            row["iso3"] = row.get("iso3") or (found.iso3 if found else None) or None
        row["reason"] = "geocoded from location column"
        row["_geocoded"] = True


def _in_box(entry: Any, lat: float, lon: float) -> bool | None:
    if entry.bbox is None:
        return None
    min_lon, min_lat, max_lon, max_lat = entry.bbox
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def _attr(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)
