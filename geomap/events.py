"""The event table: schema, validation, and readers/writers.

An event table is a :class:`geopandas.GeoDataFrame` in EPSG:4326 with one
Point per event and the columns of :data:`EVENT_COLUMNS`: ACLED's names where
ACLED has one, then geomap's provenance columns. Column types in memory:

* ``event_date``: ISO date string ``YYYY-MM-DD`` (also in every file format);
* ``time_precision``, ``inter1``, ``inter2``, ``geo_precision``,
  ``fatalities``, ``wounded``, ``char_start``, ``char_end``: nullable
  integers (pandas ``Int64``);
* ``latitude``, ``longitude``, ``confidence``: floats (NaN when missing);
* every other column: strings (missing when empty).

Columns a file carries beyond these (ACLED's ``year``, ``assoc_actor_1``,
``tags`` ...) are kept, as strings, after the schema columns. Tables read
from files also carry :data:`FLAGS_COLUMN`: the validation problems of each
row, ``"; "``-separated, empty when the row is clean.

Readers: our CSV and ACLED CSV exports (any column order, ACLED date formats),
GeoJSON (RFC 7946), GeoParquet, ``-`` for CSV on stdin. Writers: CSV (the
schema columns first, in order), GeoJSON, GeoParquet, ``-`` for CSV on
stdout; all written atomically.

Validation never drops a row silently. Each problem is reported as
``FILE:LINE: message`` (the physical line of the record in a CSV, header =
line 1; ``feature N`` / ``row N`` for GeoJSON / GeoParquet, counted from 1)
and the row is kept and flagged, or, with ``strict=True``, rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import os
import re
import sys
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

from geomap.errors import GazetteerError, InputError
from geomap.textio import atomic_write, csv_records, decode_bytes, read_bytes

PathLike = str | os.PathLike[str]

#: The event table's columns, in order: ACLED's, then geomap's provenance.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "inter1", "actor2", "inter2", "country", "iso3",
    "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "fatalities", "notes", "source",
    "wounded", "target", "place_id", "confidence", "reason", "doc_id", "char_start", "char_end",
)

#: Extra column of tables read from files: each row's validation problems.
FLAGS_COLUMN = "problems"

INT_COLUMNS: tuple[str, ...] = (
    "time_precision", "inter1", "inter2", "geo_precision", "fatalities", "wounded", "char_start", "char_end",
)
FLOAT_COLUMNS: tuple[str, ...] = ("latitude", "longitude", "confidence")
STRING_COLUMNS: tuple[str, ...] = tuple(c for c in EVENT_COLUMNS if c not in INT_COLUMNS + FLOAT_COLUMNS)

#: Fatality (and wounded) counts above this are taken for typing errors.
MAX_FATALITIES = 100_000
#: Events dated before this year are taken for typing errors.
MIN_YEAR = 1900

# pandas 3 has a real string dtype whose missing value is NaN; pandas 2's
# "str" would turn missing values into the text "nan", so it keeps object.
_STRING_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object

COLUMN_DTYPES: dict[str, Any] = {
    **{c: _STRING_DTYPE for c in STRING_COLUMNS},
    **{c: "Int64" for c in INT_COLUMNS},
    **{c: "float64" for c in FLOAT_COLUMNS},
}

# Other spellings of our columns found in spreadsheets and ACLED exports;
# applied only when the canonical column is absent from the same file.
_HEADER_ALIASES = {
    "event_id_cnty": "event_id",
    "date": "event_date",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
}

#: geo_precision (ACLED's 1-3 scale) for a gazetteer place kind.
GEO_PRECISION_BY_KIND = {
    "facility": 1, "neighbourhood": 1, "village": 1, "town": 1, "city": 1,
    "admin3": 2, "admin2": 2,
    "admin1": 3, "region": 3, "country": 3,
}
PLACE_KINDS = tuple(GEO_PRECISION_BY_KIND)

_FORMATS = ("csv", "geojson", "parquet")
_SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".geojson": "geojson", ".json": "geojson",
    ".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
}


# --- taxonomy ------------------------------------------------------------------

@dataclass(frozen=True)
class Taxonomy:
    """ACLED's event types, actor types and the country boxes, from ``data/acled_taxonomy.yaml``."""

    event_types: dict[str, tuple[str, ...]]
    actor_types: dict[int, str]
    countries: dict[str, dict[str, Any]]

    def canonical_event_type(self, value: str) -> str | None:
        """Return ACLED's spelling of ``value`` (any case), or None if unknown."""
        return _casefold_lookup(tuple(self.event_types), value)

    def canonical_sub_event_type(self, value: str, event_type: str | None = None) -> str | None:
        """Return ACLED's spelling of a sub-event type, within ``event_type`` if given."""
        if event_type is not None:
            return _casefold_lookup(self.event_types.get(event_type, ()), value)
        return _casefold_lookup(tuple(s for subs in self.event_types.values() for s in subs), value)

    def country(self, name: str) -> dict[str, Any] | None:
        """Return the entry (iso2, iso3, bbox) of a country named in a table, any case."""
        key = name.strip().casefold()
        return next((v for k, v in self.countries.items() if k.casefold() == key), None)

    def country_by_code(self, code: str) -> tuple[str, dict[str, Any]] | None:
        """Return (name, entry) of the country with this ISO2 or ISO3 code."""
        key = code.strip().upper()
        return next(((k, v) for k, v in self.countries.items() if key in (v["iso2"], v["iso3"])), None)

    def event_type_of(self, sub_event_type: str) -> str | None:
        """Return the event type a canonical sub-event type belongs to."""
        return next((t for t, subs in self.event_types.items() if sub_event_type in subs), None)


def _casefold_lookup(options: tuple[str, ...], value: str) -> str | None:
    return _casefold_index(options).get(" ".join(value.split()).casefold())


@functools.lru_cache(maxsize=64)
def _casefold_index(options: tuple[str, ...]) -> dict[str, str]:
    return {o.casefold(): o for o in options}


@functools.cache
def load_taxonomy() -> Taxonomy:
    """Return the ACLED taxonomy bundled with geomap (cached)."""
    path = Path(__file__).resolve().parent / "data" / "acled_taxonomy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Taxonomy(
        event_types={k: tuple(v) for k, v in data["event_types"].items()},
        actor_types={int(k): v for k, v in data["actor_types"].items()},
        countries=dict(data["countries"]),
    )


def acled_event_types() -> dict[str, tuple[str, ...]]:
    """Return ACLED's 6 event types mapped to their 25 sub-event types."""
    return dict(load_taxonomy().event_types)


# --- reports -------------------------------------------------------------------

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


# --- dates ---------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(
    ["", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]) if m}
_MONTHS.update({"sept": 9, "june": 6, "july": 7})
_RE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_RE_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_RE_NAMED = re.compile(r"(\d{1,2})[-\s]+([A-Za-z]+)\.?,?[-\s]+(\d{2}|\d{4})")
_RE_NAMED_US = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_date(text: str, *, slash_order: str = "mdy", today: dt.date | None = None) -> dt.date:
    """Parse a date as ACLED exports and spreadsheets write it.

    Parameters
    ----------
    text : str
        ``2020-05-09``; ``9-May-20`` / ``09-May-2020`` / ``09 May 2020`` (day,
        month name, year); ``May 9, 2020``; ``5/9/2020`` / ``5/9/20`` (slashes).
    slash_order : {"mdy", "dmy"}
        How to read slash dates. ACLED's exports opened in a US-locale
        spreadsheet write month/day/year, hence the default; a day above 12
        in the first place is an error under "mdy" (see :func:`slash_order_of`
        to decide per file).
    today : datetime.date, optional
        Pivot for two-digit years (defaults to today): ``yy`` is 20yy unless
        that is more than a year in the future, then 19yy.

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        With a message quoting the text.
    """
    if slash_order not in ("mdy", "dmy"):
        raise ValueError(f"slash_order must be 'mdy' or 'dmy', not {slash_order!r}")
    value = text.strip()
    try:
        if m := _RE_ISO.fullmatch(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _RE_SLASH.fullmatch(value):
            first, second = int(m[1]), int(m[2])
            month, day = (first, second) if slash_order == "mdy" else (second, first)
            return dt.date(_full_year(m[3], today), month, day)
        if m := _RE_NAMED.fullmatch(value):
            return dt.date(_full_year(m[3], today), _month(m[2]), int(m[1]))
        if m := _RE_NAMED_US.fullmatch(value):
            return dt.date(int(m[3]), _month(m[1]), int(m[2]))
    except ValueError as exc:
        raise ValueError(f"date {text!r} is not a valid date ({exc})") from None
    raise ValueError(f"date {text!r} is not in a known format (e.g. 2020-05-09, 9-May-20, 09 May 2020, 5/9/2020)")


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    if key in _MONTHS:
        return _MONTHS[key]
    if len(key) >= 3:
        for number, full in enumerate(_FULL_MONTHS, start=1):
            if full.startswith(key):
                return number
    raise ValueError(f"unknown month {name!r}")


_FULL_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")


def _full_year(text: str, today: dt.date | None) -> int:
    if len(text) == 4:
        return int(text)
    now = today or dt.date.today()
    year = 2000 + int(text)
    return year if year <= now.year + 1 else year - 100


def slash_order_of(values: Iterable[str]) -> str:
    """Decide how a column of slash dates is to be read: ``"mdy"`` or ``"dmy"``.

    A file is read one way throughout: ``"dmy"`` if some date has a first
    number above 12 and none has a second number above 12, else ``"mdy"``
    (ACLED's and US spreadsheets' order). Dates that contradict the choice
    are then reported as invalid rather than silently read the other way.
    """
    first_big = second_big = False
    for value in values:
        if m := _RE_SLASH.fullmatch(value.strip()):
            first_big |= int(m[1]) > 12
            second_big |= int(m[2]) > 12
    return "dmy" if first_big and not second_big else "mdy"


# --- building tables -------------------------------------------------------------

def empty_events() -> gpd.GeoDataFrame:
    """Return an event table with no rows, the schema's columns and dtypes."""
    return events_from_records([])


def events_from_records(records: Iterable[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Build an event table from dicts, without validation.

    Parameters
    ----------
    records : iterable of mappings
        Each maps column names to values; missing schema columns are empty,
        unknown keys become extra columns (after the schema's). ``event_date``
        may be a :class:`datetime.date` or an ISO string. The geometry is
        made from ``latitude``/``longitude`` (none when either is missing).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`EVENT_COLUMNS` (+ extras) + ``geometry``.
    """
    rows = [dict(r) for r in records]
    extras: list[str] = []
    for row in rows:
        extras.extend(k for k in row if k not in COLUMN_DTYPES and k != "geometry" and k not in extras)
    data: dict[str, Any] = {}
    typed: set[str] = set()
    for column in (*EVENT_COLUMNS, *extras):
        values = [row.get(column) for row in rows]
        if column == "event_date":
            values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
        # Values of the column's own Python type (what extraction makes) become the column
        # directly; anything else goes through the casts of _typed_geoframe.
        array = _typed_array(values, COLUMN_DTYPES.get(column, _STRING_DTYPE))
        if array is not None:
            typed.add(column)
        data[column] = values if array is None else array
    return _typed_geoframe(pd.DataFrame(data), typed)


def _typed_array(values: list[Any], dtype: Any) -> Any:
    """``values`` as an array of ``dtype`` if each is missing or of its Python type, else None.

    Strings must be non-blank (a blank one is missing, which only the casts decide).
    """
    if dtype == "Int64":
        if all(v is None or type(v) is int for v in values):
            return pd.array(values, dtype="Int64")
    elif dtype == "float64":
        if all(v is None or type(v) is float or type(v) is int for v in values):
            return np.array([np.nan if v is None else v for v in values], dtype="float64")
    elif all(v is None or (type(v) is str and v and not v.isspace()) for v in values):
        return pd.array(values, dtype=dtype)
    return None


def _typed_geoframe(frame: pd.DataFrame, typed: Container[str] = ()) -> gpd.GeoDataFrame:
    """Cast the schema columns to their dtypes and add the Point geometry.

    Columns named in ``typed`` already have their dtype and no blank strings.
    """
    frame = frame.copy()
    for column in EVENT_COLUMNS:
        if column not in frame:
            frame[column] = None
    for column, dtype in COLUMN_DTYPES.items():
        if column not in typed:
            frame[column] = _cast(frame[column], dtype)
    for column in frame.columns:
        if column not in COLUMN_DTYPES and column not in typed:
            frame[column] = _cast(frame[column], _STRING_DTYPE)
    order = [*EVENT_COLUMNS, *(c for c in frame.columns if c not in COLUMN_DTYPES)]
    frame = frame[order]
    return gpd.GeoDataFrame(frame, geometry=_points(frame["latitude"], frame["longitude"]), crs="EPSG:4326")


def _geoframe_from_rows(rows: list[dict[str, Any]], columns: list[str]) -> gpd.GeoDataFrame:
    """Build the table from checked rows (values already typed, None for missing)."""
    data: dict[str, Any] = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        dtype = COLUMN_DTYPES.get(column, _STRING_DTYPE)
        if dtype == "float64":
            data[column] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        elif dtype == "Int64":
            data[column] = pd.array(values, dtype="Int64")
        else:
            data[column] = pd.array([v if v is None or isinstance(v, str) else str(v) for v in values], dtype=dtype)
    frame = pd.DataFrame(data, columns=columns)
    return gpd.GeoDataFrame(frame, geometry=_points(frame["latitude"], frame["longitude"]), crs="EPSG:4326")


def _cast(series: pd.Series, dtype: Any) -> pd.Series:
    """Cast one column; blank strings become missing, unparseable values raise ValueError."""
    if dtype == "Int64":
        if isinstance(series.dtype, pd.Int64Dtype):
            return series
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("Int64")
        return pd.to_numeric(_as_text(series)).astype("Int64")
    if dtype == "float64":
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("float64")
        return pd.to_numeric(_as_text(series)).astype("float64")
    return _as_text(series)


def _as_text(series: pd.Series) -> pd.Series:
    if _STRING_DTYPE is not object and series.dtype == _STRING_DTYPE:
        text = series
    else:
        values = series.astype(object).where(series.notna(), None)
        if _STRING_DTYPE is object:
            text = values.map(lambda v: v if v is None else str(v))
        else:
            text = values.astype(_STRING_DTYPE)
    blank = text.str.strip().eq("").fillna(False).astype(bool)
    return text.mask(blank) if blank.any() else text


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return not value or value.isspace()
    if value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and (not value or value.isspace())


def _points(lat: pd.Series, lon: pd.Series) -> gpd.GeoSeries:
    lat_a = lat.to_numpy(dtype="float64", na_value=np.nan)
    lon_a = lon.to_numpy(dtype="float64", na_value=np.nan)
    usable = np.isfinite(lat_a) & np.isfinite(lon_a) & (np.abs(lat_a) <= 90) & (np.abs(lon_a) <= 180)
    geoms = np.full(len(lat_a), None, dtype=object)
    if usable.any():
        geoms[usable] = shapely.points(lon_a[usable], lat_a[usable])
    return gpd.GeoSeries(geoms, index=lat.index, crs="EPSG:4326")


# --- reading ---------------------------------------------------------------------

@dataclass
class _RawTable:
    """A table as read from a file, before validation."""

    path: str
    header: list[str]
    rows: list[tuple[int | str, dict[str, Any], list[str]]]  # (where, values, problems found while reading)
    blank: int = 0


def read_events(
    path: PathLike,
    *,
    strict: bool = False,
    gazetteer: Any = None,
    format: str | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate an event table (CSV, ACLED CSV, GeoJSON, GeoParquet).

    Parameters
    ----------
    path : str or os.PathLike
        The table; ``-`` reads CSV from standard input. The format follows
        the suffix (``.csv``, ``.geojson``/``.json``, ``.parquet``, or a
        folder of partitioned GeoParquet) unless ``format`` is given.
    strict : bool
        If True, any problem raises :class:`InputError` listing every
        problem as ``FILE:LINE: message``. If False (default), problem rows
        are kept, flagged in :data:`FLAGS_COLUMN`.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Used to geocode rows that have a ``location`` but no coordinates and
        to check that points lie in the country they name; the bundled
        gazetteer is loaded when needed if omitted.
    format : {"csv", "geojson", "parquet"}, optional
        Overrides the suffix.

    Returns
    -------
    geopandas.GeoDataFrame
        The event table; ``table.attrs["report"]`` holds the :class:`ReadReport`.

    Raises
    ------
    InputError
        Unreadable file, missing or duplicate headers, malformed CSV; with
        ``strict=True`` also any row problem.
    """
    table, report = load_events(path, strict=strict, gazetteer=gazetteer, format=format)
    if strict and report.problems:
        listing = "\n".join(map(str, report.problems))
        raise InputError(f"{report.rejected} of {report.read} rows rejected:\n{listing}", path=str(path))
    return table


def load_events(
    path: PathLike,
    *,
    strict: bool = False,
    gazetteer: Any = None,
    format: str | None = None,
) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Read and validate an event table; return it with its :class:`ReadReport`.

    Same parameters as :func:`read_events`, but with ``strict=True`` the
    problem rows are left out of the table and counted as rejected instead of
    raising, so a caller can print the report and go on.
    """
    kind = _format_of(path, format)
    if kind == "csv":
        raw = _read_csv_table(path)
    elif kind == "geojson":
        raw = _read_geojson_table(path)
    else:
        raw = _read_parquet_table(path)
    _check_header(raw)
    return _validate(raw, strict=strict, gazetteer=gazetteer)


def validate_events(
    table: pd.DataFrame,
    *,
    name: str = "<table>",
    strict: bool = False,
    gazetteer: Any = None,
) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Validate an in-memory table exactly as :func:`load_events` validates a file.

    Problems are located as ``NAME:row N`` (N counted from 1).
    """
    records = _frame_records(table)
    raw = _RawTable(name, [c for c in table.columns if c != "geometry"],
                    [(f"row {i}", rec, []) for i, rec in enumerate(records, start=1)])
    _check_header(raw)
    return _validate(raw, strict=strict, gazetteer=gazetteer)


def _format_of(path: PathLike, format: str | None) -> str:
    if format is not None:
        if format not in _FORMATS:
            raise InputError(f"unknown table format {format!r} (use one of: {', '.join(_FORMATS)})", path=str(path))
        return format
    if str(path) == "-":
        return "csv"
    p = Path(path)
    if p.is_dir():
        return "parquet"
    kind = _SUFFIX_FORMATS.get(p.suffix.lower())
    if kind is None:
        raise InputError(
            "unknown table format: expected .csv, .geojson, .json or .parquet", path=str(path)
        )
    return kind


def _read_csv_table(path: PathLike) -> _RawTable:
    name = str(path)
    data = read_bytes(path)
    if not data.strip():
        raise InputError("empty file", path=name)
    text = decode_bytes(data, name)
    # newline="" keeps quoted newlines intact and lets csv count physical lines.
    records = csv_records(io.StringIO(text, newline=""), name, delimiter=_delimiter(text))
    header = _normalise_header(next(records)[1])
    raw = _RawTable(name, header, [])
    for start, cells in records:
        if not any(c.strip() for c in cells):
            raw.blank += 1
            continue
        found: list[str] = []
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
            cells = cells[: len(header)]  # spreadsheets pad rows with empty cells: nothing is lost
        if len(cells) != len(header):
            found.append(_ragged_message(cells, header))
        values = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header)}
        raw.rows.append((start, values, found))
    return raw


def _delimiter(text: str) -> str:
    """The field separator: ``,`` unless the header line has more ``;`` or tabs.

    Spreadsheets in locales with a decimal comma save "CSV" with semicolons.
    """
    first = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _ragged_message(cells: list[str], header: list[str]) -> str:
    message = f"row has {len(cells)} fields, header has {len(header)}"
    if len(cells) > len(header):
        lost = cells[len(header):]
        message += f"; extra values {lost!r} are not in any column"
    else:
        message += "; missing fields are left empty"
    return message


def _normalise_header(header: list[str]) -> list[str]:
    names = []
    for i, raw in enumerate(header, start=1):
        name = raw.strip().lstrip("\ufeff").strip()
        key = name.lower()
        if key in COLUMN_DTYPES or key in _HEADER_ALIASES or key in (FLAGS_COLUMN, "geometry"):
            name = key
        names.append(name or f"column_{i}")
    present = set(names)
    return [
        _HEADER_ALIASES[n] if n in _HEADER_ALIASES and _HEADER_ALIASES[n] not in present else n
        for n in names
    ]


def _check_duplicates(raw: _RawTable) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, name in enumerate(raw.header, start=1):
        if name in seen:
            raise InputError(f"duplicate column {name!r} (columns {seen[name]} and {i})", path=raw.path, line=1)
        seen[name] = i
    return seen


def _check_header(raw: _RawTable) -> None:
    seen = _check_duplicates(raw)
    has_point = {"latitude", "longitude"} <= seen.keys() or "geometry" in seen
    if not has_point and "location" not in seen:
        missing = sorted({"latitude", "longitude"} - seen.keys())
        raise InputError(
            f"missing column(s) {', '.join(missing)}: a table needs latitude and longitude, "
            "or a location column to geocode",
            path=raw.path, line=1,
        )


def _read_geojson_table(path: PathLike) -> _RawTable:
    name = str(path)
    data = read_bytes(path)
    if not data.strip():
        raise InputError("empty file", path=name)
    try:
        document = json.loads(decode_bytes(data, name))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=name, line=exc.lineno) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document], "crs": document.get("crs")}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InputError("not a GeoJSON FeatureCollection (nor a Feature)", path=name)
    _check_geojson_crs(document.get("crs"), name)
    features = document.get("features")
    if not isinstance(features, list):
        raise InputError("GeoJSON FeatureCollection has no 'features' list", path=name)
    header: dict[str, None] = {}  # ordered set of property names, first seen first
    spelled: dict[str, str] = {}
    rows = []
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        found: list[str] = []
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rows.append((where, {}, ["not a GeoJSON Feature"]))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            props, found = {}, ["properties is not an object"]
        values = {}
        for key, value in props.items():
            if key not in spelled:
                spelled[key] = _normalise_header([str(key)])[0]
            values[spelled[key]] = value
        _geometry_into(feature.get("geometry"), values, found)
        header.update(dict.fromkeys(values))
        rows.append((where, values, found))
    # Coordinates come from the geometry, so a file of non-Point features is flagged per feature.
    return _RawTable(name, list(dict.fromkeys([*header, "latitude", "longitude"])), rows)


def _check_geojson_crs(crs: Any, name: str) -> None:
    """Refuse the pre-RFC 7946 ``crs`` member unless it names WGS 84 lon/lat."""
    if crs is None:
        return
    crs_name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if not re.search(r"(CRS84|EPSG::?4326)$", crs_name):
        raise InputError(
            f"GeoJSON crs {crs_name or crs!r} is not supported: geomap reads RFC 7946 GeoJSON "
            "(WGS 84 longitude/latitude); reproject the file first", path=name)


def _geometry_into(geometry: Any, values: dict[str, Any], found: list[str]) -> None:
    """Let a GeoJSON Point's [lon, lat] supply latitude and longitude."""
    if geometry is None:
        return
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        found.append(f"geometry type {kind!r} is not supported (only Point)")
        return
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        found.append(f"Point coordinates {coords!r} are not [longitude, latitude]")
        return
    values["longitude"], values["latitude"] = coords[0], coords[1]


def _read_parquet_table(path: PathLike) -> _RawTable:
    name = str(path)
    if name == "-":
        raise InputError("GeoParquet cannot be read from stdin; give a file", path=name)
    try:
        frame = gpd.read_parquet(path)
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except ValueError:
        # A plain Parquet table without geometry metadata is still a table.
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for damaged files
            raise InputError(f"cannot read Parquet: {exc}", path=name) from None
    except Exception as exc:
        raise InputError(f"cannot read GeoParquet: {exc}", path=name) from None
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        try:
            frame = frame.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises several types
            raise InputError(f"cannot reproject from {frame.crs} to EPSG:4326: {exc}", path=name) from None
    header = [_normalise_header([str(c)])[0] for c in frame.columns if c != "geometry"]
    if isinstance(frame, gpd.GeoDataFrame):
        header.extend(c for c in ("latitude", "longitude") if c not in header)
    records = _frame_records(frame)
    rows = [(f"row {i}", rec, []) for i, rec in enumerate(records, start=1)]
    return _RawTable(name, header, rows)


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [c for c in frame.columns if c != "geometry"]
    names = [_normalise_header([str(c)])[0] for c in columns]
    plain = pd.DataFrame(frame[columns]).astype(object)
    # Missing values are normalised later, by the row checker.
    records = [dict(zip(names, values)) for values in plain.itertuples(index=False, name=None)]
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        for record, geom in zip(records, frame.geometry):
            if geom is not None and not geom.is_empty and geom.geom_type == "Point":
                if _is_missing(record.get("latitude")) and _is_missing(record.get("longitude")):
                    record["latitude"], record["longitude"] = geom.y, geom.x
    return records


# --- validation -----------------------------------------------------------------

def _validate(raw: _RawTable, *, strict: bool, gazetteer: Any) -> tuple[gpd.GeoDataFrame, ReadReport]:
    taxonomy = load_taxonomy()
    order = slash_order_of("" if _is_missing(r[1].get("event_date")) else str(r[1].get("event_date")) for r in raw.rows)
    report = ReadReport(raw.path, blank=raw.blank)
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
    table = _geoframe_from_rows(kept, [*EVENT_COLUMNS, *_extras(raw.header), FLAGS_COLUMN])
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
            row[key] = None if _is_missing(value) else value
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
            row[column] = _checked_int(row, column, low, high, problems)
        for column in ("inter1", "inter2"):
            value = row.get(column)
            if isinstance(value, str) and not _INT_TEXT.fullmatch(value.strip()):
                code = next((k for k, v in self.taxonomy.actor_types.items() if v.casefold() == value.strip().casefold()), None)
                if code is None:
                    problems.append(f"{column} {value!r} is not an ACLED actor type (0-8 or its label)")
                    row[column] = None
                else:
                    row[column] = code
                continue
            row[column] = _checked_int(row, column, 0, 8, problems)
        value = row.get("confidence")
        if value is not None:
            number = _to_float(value)
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
                row["iso3"] = entry["iso3"]

    def _coordinates(self, row: dict[str, Any], problems: list[str]) -> None:
        lat_raw, lon_raw = row.get("latitude"), row.get("longitude")
        if lat_raw is None and lon_raw is None:
            self._geocode(row, problems)
            return
        lat = _coordinate(lat_raw, "latitude", problems)
        lon = _coordinate(lon_raw, "longitude", problems)
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
        if entry is None:
            return None
        min_lon, min_lat, max_lon, max_lat = entry["bbox"]
        return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon

    def _geocode(self, row: dict[str, Any], problems: list[str]) -> None:
        name = row.get("location")
        if name is None:
            problems.append("no coordinates and no location: the event cannot be placed")
            return
        name = " ".join(name.split())
        entry = self.taxonomy.country(row["country"]) if row.get("country") else None
        place, why = _resolve(self.gazetteer, name, entry["iso2"] if entry else None)
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
            row["country"] = found[0] if found else str(_attr(place, "country"))
            row["iso3"] = row.get("iso3") or (found[1]["iso3"] if found else None)
        row["reason"] = "geocoded from location column"
        row["_geocoded"] = True


def _same_country(place: Any, country: str, entry: Mapping[str, Any] | None) -> bool:
    names = {str(_attr(place, "name") or "").casefold(), str(_attr(place, "country") or "").casefold()}
    if country.strip().casefold() in names:
        return True
    return entry is not None and entry["iso2"].casefold() in names


_INT_TEXT = re.compile(r"[+-]?\d+(\.0*)?")
_INT64_LIMIT = 2**63  # Int64 columns hold -2**63 .. 2**63 - 1
_MAX_DIGITS = 30
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")


def check_count(value: Any, column: str = "fatalities") -> tuple[int | None, list[str]]:
    """Check one casualty count by the rule the table readers apply to a row.

    Parameters
    ----------
    value : Any
        The count as given (``12``, ``"12"``, ``2.5``, ``-5``, ``"many"``).
    column : str
        Its column, named in the problems.

    Returns
    -------
    (int or None, list of str)
        The whole number in ``[0, MAX_FATALITIES]``, else ``None``; and what
        is wrong with the value (empty when nothing is).
    """
    problems: list[str] = []
    number = _checked_int({column: value}, column, 0, MAX_FATALITIES, problems)
    return (None if problems else number), problems


def _checked_int(row: Mapping[str, Any], column: str, low: int, high: int | None, problems: list[str]) -> int | None:
    value = row.get(column)
    if value is None:
        return None
    number = _to_int(value)
    if number is None:
        problems.append(f"{column} {value!r} is not a whole number")
        return None
    if not -_INT64_LIMIT <= number < _INT64_LIMIT:
        shown = str(value).strip()
        problems.append(f"{column} {shown[:24]}{'...' if len(shown) > 24 else ''} is out of range")
        return None
    if number < low:
        problems.append(f"{column} {number} is negative" if low == 0 else f"{column} {number} is below {low}")
        return number
    if high is not None and number > high:
        problems.append(f"{column} {number} is above {high:,}" + (" (absurd count)" if high == MAX_FATALITIES else ""))
    return number


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if math.isfinite(value) and float(value).is_integer() else None
    text = str(value).strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _INT_TEXT.fullmatch(text):
        return None
    digits = text.split(".")[0]
    if len(digits.lstrip("+-")) > _MAX_DIGITS:
        # Python refuses int() of thousands of digits; anything this long is out of range anyway.
        return -_INT64_LIMIT - 1 if digits.startswith("-") else _INT64_LIMIT
    return int(digits)


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # 36,2 from a decimal-comma locale
    try:
        return float(text)
    except ValueError:
        return None


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _coordinate(value: Any, column: str, problems: list[str]) -> float | None:
    """The finite number in ``value``, else None with the problem noted."""
    if value is None:
        other = "longitude" if column == "latitude" else "latitude"
        problems.append(f"{column} is missing ({other} is given)")
        return None
    number = _to_float(value)
    if number is None:
        problems.append(f"{column} {value!r} is not a number")
        return None
    if not math.isfinite(number):
        problems.append(f"{column} is {number} (not a finite number)")
        return None
    return number


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
            from geomap.gazetteer import ResolveContext

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
        from geomap.gazetteer import Gazetteer
    except ImportError:
        return None
    try:
        return Gazetteer.load()
    except GazetteerError:
        return None


# --- writing -----------------------------------------------------------------------

def write_events(table: pd.DataFrame, path: PathLike, *, format: str | None = None) -> None:
    """Write an event table as CSV, GeoJSON or GeoParquet, atomically.

    Parameters
    ----------
    table : pandas.DataFrame or geopandas.GeoDataFrame
        An event table (missing schema columns are written empty).
    path : str or os.PathLike
        Output file; ``-`` writes CSV to standard output. The format follows
        the suffix (``.csv``, ``.geojson``/``.json``, ``.parquet``) unless
        ``format`` is given.
    format : {"csv", "geojson", "parquet"}, optional

    Notes
    -----
    CSV has exactly :data:`EVENT_COLUMNS` in order, then any extra columns
    (:data:`FLAGS_COLUMN` last, and only if some row has a problem); ``event_date`` as ``YYYY-MM-DD``; missing
    values empty; floats in their shortest exact form. GeoJSON follows RFC
    7946 (EPSG:4326, ``[longitude, latitude]``, no ``crs`` member, events
    without a valid point get a null geometry) with every column as a
    property. GeoParquet keeps the dtypes.
    """
    kind = "csv" if str(path) == "-" and format is None else _format_of_output(path, format)
    frame = _conform(table)
    columns = _output_columns(frame)
    if kind == "csv":
        if str(path) == "-":
            _write_csv(frame, columns, sys.stdout)
            sys.stdout.flush()
        else:
            with atomic_write(path) as handle:
                _write_csv(frame, columns, handle)
    elif kind == "geojson":
        with atomic_write(path) as handle:
            _write_geojson(frame, columns, handle)
    else:
        write_built_table(frame, path)


def write_built_table(table: gpd.GeoDataFrame, path: PathLike) -> None:
    """Write an event table made by :func:`events_from_records` as GeoParquet, atomically.

    The table is written as it is: none of the conforming :func:`write_events`
    does (header spellings, dtypes, blank strings, points from geometries),
    which costs as much as building the table. For tables already in the
    schema, such as the parts of a corpus run (also as a plain DataFrame
    holding its geometry column).
    """
    if not isinstance(table, gpd.GeoDataFrame):
        table = gpd.GeoDataFrame(table, geometry="geometry", crs="EPSG:4326")
    with atomic_write(path, "wb") as handle:
        table[[*_output_columns(table), "geometry"]].to_parquet(handle, index=False)


def _conform(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Give any event-like frame the schema: header spellings, dtypes, points from lat/lon."""
    frame = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    frame.columns = _normalise_header([str(c) for c in frame.columns])
    for column in ("latitude", "longitude"):
        if column not in frame:
            frame[column] = np.nan
    geometry = table.geometry if isinstance(table, gpd.GeoDataFrame) and "geometry" in table else None
    if geometry is not None:
        # A table built from geometries alone still gets its latitude/longitude.
        lat = pd.to_numeric(_as_text(frame["latitude"]) if frame["latitude"].dtype == object else frame["latitude"])
        lon = pd.to_numeric(_as_text(frame["longitude"]) if frame["longitude"].dtype == object else frame["longitude"])
        points = geometry.to_crs("EPSG:4326") if geometry.crs is not None and not geometry.crs.equals("EPSG:4326") else geometry
        is_point = np.asarray(points.geom_type == "Point") & ~np.asarray(points.is_empty) & np.asarray(points.notna())
        fill = is_point & lat.isna().to_numpy() & lon.isna().to_numpy()
        if fill.any():
            frame.loc[fill, "latitude"] = shapely.get_y(points.array[fill])
            frame.loc[fill, "longitude"] = shapely.get_x(points.array[fill])
    return _typed_geoframe(frame)


def _format_of_output(path: PathLike, format: str | None) -> str:
    if format is not None:
        if format not in _FORMATS:
            raise InputError(f"unknown table format {format!r} (use one of: {', '.join(_FORMATS)})", path=str(path))
        return format
    kind = _SUFFIX_FORMATS.get(Path(path).suffix.lower())
    if kind is None or Path(path).suffix.lower() == ".txt":
        raise InputError("unknown output format: use .csv, .geojson or .parquet", path=str(path))
    return kind


def _output_columns(frame: pd.DataFrame) -> list[str]:
    extras = [c for c in frame.columns if c not in COLUMN_DTYPES and c not in ("geometry", FLAGS_COLUMN)]
    # A clean table is written with exactly the schema (plus its own extras).
    tail = [FLAGS_COLUMN] if FLAGS_COLUMN in frame.columns and frame[FLAGS_COLUMN].notna().any() else []
    return [*EVENT_COLUMNS, *extras, *tail]


def _column_values(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    """Each column as a list of plain Python values, None for missing."""
    values = []
    for column in columns:
        series = frame[column]
        values.append(series.astype(object).where(series.notna(), None).tolist())
    return values


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    # A NUL would make the file read back as binary; control characters carry no text.
    return _CONTROL_CHARS.sub("\ufffd", str(value))


_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _write_csv(frame: pd.DataFrame, columns: list[str], handle: Any) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    for row in zip(*_column_values(frame, columns)):
        writer.writerow([_cell_text(v) for v in row])


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_geojson(frame: gpd.GeoDataFrame, columns: list[str], handle: Any) -> None:
    handle.write('{"type": "FeatureCollection", "features": [\n')
    lats = frame["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lons = frame["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    has_point = frame.geometry.notna().to_numpy()
    for i, row in enumerate(zip(*_column_values(frame, columns))):
        geometry = {"type": "Point", "coordinates": [float(lons[i]), float(lats[i])]} if has_point[i] else None
        feature = {
            "type": "Feature",
            "geometry": geometry,
            "properties": {c: _json_value(v) for c, v in zip(columns, row)},
        }
        handle.write(("," if i else "") + json.dumps(feature, ensure_ascii=False, allow_nan=False) + "\n")
    handle.write("]}\n")


# --- user gazetteer ------------------------------------------------------------------

USER_PLACE_COLUMNS = (
    "place_id", "name", "kind", "latitude", "longitude", "country", "admin1", "admin2",
    "parent_id", "population", "alt_names", "source",
)


def read_user_places(path: PathLike, *, default_kind: str = "village") -> list[dict[str, Any]]:
    """Read a user's own places (CSV) as gazetteer entries.

    Parameters
    ----------
    path : str or os.PathLike
        CSV with columns ``name``, ``lat``/``latitude``, ``lon``/``lng``/
        ``longitude`` and optionally ``kind``, ``alt_names`` (separated by
        ``;`` or ``|``), ``country`` (ISO2 code, or a country name geomap
        knows), ``admin1``, ``admin2``, ``place_id``, ``population``. Any
        encoding :func:`geomap.corpus.decode_bytes` reads.
    default_kind : str
        Kind of rows that give none.

    Returns
    -------
    list of dict
        One dict per place, keyed like the gazetteer entry (the fields of
        ``geomap.gazetteer.Place``, so ``Place(**row)`` works): text fields
        are ``""`` when absent, ``alt_names`` a tuple, ``population`` an int
        or None, ``place_id`` defaults to ``user:LINE``, ``source`` is
        ``user:FILENAME``.

    Raises
    ------
    InputError
        Listing every bad line as ``FILE:LINE: message`` (missing name,
        coordinates missing, not numbers or out of range, unknown kind,
        duplicate place_id), or naming the file for missing columns.
    """
    raw = _read_csv_table(path)
    _check_duplicates(raw)
    missing = [c for c in ("name", "latitude", "longitude") if c not in raw.header]
    if missing:
        raise InputError(f"user gazetteer needs columns name, lat, lon (missing: {', '.join(missing)})",
                         path=raw.path, line=1)
    taxonomy = load_taxonomy()
    places: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[str, int | str] = {}
    for line, values, found in raw.rows:
        messages = list(found)
        place = _user_place(values, line, raw.path, default_kind, taxonomy, messages)
        if place["place_id"] in seen:
            messages.append(f"place_id {place['place_id']!r} already used on line {seen[place['place_id']]}")
        seen.setdefault(place["place_id"], line)
        problems.extend(Problem(raw.path, line, m) for m in messages)
        if not messages:
            places.append(place)
    if problems:
        raise InputError("bad user gazetteer rows:\n" + "\n".join(map(str, problems)), path=raw.path)
    return places


def _user_place(values: Mapping[str, Any], line: int | str, path: str, default_kind: str,
                taxonomy: Taxonomy, problems: list[str]) -> dict[str, Any]:
    def text(key: str) -> str:
        value = values.get(key)
        return "" if _is_missing(value) else " ".join(str(value).split())

    name = text("name")
    if not name:
        problems.append("name is empty")
    lat = lon = None
    if not text("latitude") and not text("longitude"):
        problems.append("latitude and longitude are missing")
    else:
        lat = _coordinate(text("latitude") or None, "latitude", problems)
        lon = _coordinate(text("longitude") or None, "longitude", problems)
    if lat is not None and abs(lat) > 90:
        problems.append(f"latitude {lat} is out of range [-90, 90]")
    if lon is not None and abs(lon) > 180:
        problems.append(f"longitude {lon} is out of range [-180, 180]")
    kind = (text("kind") or default_kind).lower()
    if kind not in GEO_PRECISION_BY_KIND:
        problems.append(f"unknown kind {kind!r} (one of: {', '.join(PLACE_KINDS)})")
    population = None
    if text("population"):
        population = _to_int(text("population"))
        if population is None or population < 0:
            problems.append(f"population {text('population')!r} is not a whole number")
    country = text("country")
    if len(country) == 2:
        country = country.upper()
    elif country and (entry := taxonomy.country(country)) is not None:
        country = entry["iso2"]
    alt = values.get("alt_names")
    alt_names = tuple(a.strip() for a in re.split(r"[;|]", str(alt)) if a.strip()) if not _is_missing(alt) else ()
    return {
        "place_id": text("place_id") or f"user:{line}",
        "name": name,
        "kind": kind,
        "latitude": lat,
        "longitude": lon,
        "country": country,
        "admin1": text("admin1"),
        "admin2": text("admin2"),
        "parent_id": text("parent_id"),
        "population": population,
        "alt_names": alt_names,
        "source": f"user:{Path(path).name}",
    }
