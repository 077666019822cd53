"""Files -> raw tables: CSV (ours and ACLED's exports), GeoJSON, GeoParquet, before any check.

Headers are normalised (case, byte-order marks, ACLED's and spreadsheets'
spellings of our columns); each row keeps where it was found (``line`` of a
CSV record, ``feature N``, ``row N``) so that every problem can name it.

In GeoJSON and GeoParquet the geometry is the event's point: a Point gives
``latitude`` and ``longitude`` (latitude/longitude values beside it that
disagree are flagged), any other geometry is flagged, and latitude/longitude
beside an empty geometry are flagged too.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geomap.errors import InputError
from geomap.schema import normalise_header
from geomap.tables.cells import is_missing, to_float
from geomap.tables.columns import as_strings, plain_floats, present, python_values
from geomap.tables.csvfile import read_csv_file
from geomap.textio import decode_bytes, read_bytes, spreadsheet_text

PathLike = str | os.PathLike[str]


FORMATS = ("csv", "geojson", "parquet")


SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".geojson": "geojson", ".json": "geojson",
    ".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
}

#: Degrees by which a geometry's point and the latitude/longitude beside it may differ (about 0.1 m).
GEOMETRY_TOLERANCE = 1e-6


@dataclass
class RawTable:
    """A table as read from a file, before validation.

    Attributes
    ----------
    path : str
        The input, as named in messages.
    header : list of str
        Column names, normalised (they may repeat until :func:`check_duplicates`).
    frame : pandas.DataFrame
        One column per header name, in order, cells as read (text from CSV,
        JSON values from GeoJSON, the file's dtypes from GeoParquet).
    lines : numpy.ndarray, optional
        The physical line each CSV row starts on; other formats name rows
        ``"LABEL N"`` (N counted from 1).
    label : str
        ``"feature"`` or ``"row"``.
    found : dict
        Problems found while reading, by row position.
    blank : int
        Blank rows skipped.
    """

    path: str
    header: list[str]
    frame: pd.DataFrame
    lines: np.ndarray | None = None
    label: str = "row"
    found: dict[int, list[str]] = field(default_factory=dict)
    blank: int = 0

    def __len__(self) -> int:
        return len(self.frame)

    def where(self, row: int) -> int | str:
        """How messages name row ``row`` (a position)."""
        return int(self.lines[row]) if self.lines is not None else f"{self.label} {row + 1}"

    def column(self, name: str) -> pd.Series | None:
        """The column called ``name`` (the first of that name), or None."""
        if name not in self.header:
            return None
        return self.frame.iloc[:, self.header.index(name)]

    def records(self) -> Iterator[tuple[int | str, dict[str, Any], list[str]]]:
        """Row by row: where, ``{column: value}`` (missing cells of text columns are None), problems found."""
        columns = [[None if isinstance(v, float) and math.isnan(v) and _text_dtype(self.frame.iloc[:, i]) else v
                    for v in python_values(self.frame.iloc[:, i], np.arange(len(self)))]
                   for i in range(len(self.header))]
        for row, values in enumerate(zip(*columns) if columns else [()] * len(self)):
            yield self.where(row), dict(zip(self.header, values)), list(self.found.get(row, []))


def _text_dtype(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype)


def table_format(path: PathLike, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise InputError(f"unknown table format {format!r} (use one of: {', '.join(FORMATS)})", path=str(path))
        return format
    if str(path) == "-":
        return "csv"
    p = Path(path)
    if p.is_dir():
        return "parquet"
    kind = SUFFIX_FORMATS.get(p.suffix.lower())
    if kind is None:
        raise InputError(
            "unknown table format: expected .csv, .geojson, .json or .parquet", path=str(path)
        )
    return kind


def read_csv_table(path: PathLike) -> RawTable:
    """A CSV file as a raw table (see :mod:`geomap.tables.csvfile`).

    Cells geomap's writer neutralised against formula injection
    (:func:`geomap.textio.spreadsheet_safe`) are read as the text they were.
    """
    name = str(path)
    read = read_csv_file(path)
    header = normalise_header(read.header)
    frame = read.frame
    for i in range(frame.shape[1]):
        frame[i] = _formulas_undone(frame[i])
    frame.columns = header
    return RawTable(name, header, frame, lines=read.lines, found=read.found, blank=read.blank)


def _formulas_undone(cells: pd.Series) -> pd.Series:
    """A text column with the apostrophes geomap's CSV writer put before formula-like text taken off."""
    marked = cells.str.startswith("'").fillna(False).to_numpy(dtype=bool)
    if not marked.any():
        return cells
    cells = cells.copy()
    cells[marked] = cells[marked].map(spreadsheet_text)
    return cells


def check_duplicates(raw: RawTable) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, name in enumerate(raw.header, start=1):
        if name in seen:
            raise InputError(f"duplicate column {name!r} (columns {seen[name]} and {i})", path=raw.path, line=1)
        seen[name] = i
    return seen


def check_header(raw: RawTable) -> None:
    seen = check_duplicates(raw)
    has_point = {"latitude", "longitude"} <= seen.keys() or "geometry" in seen
    if not has_point and "location" not in seen:
        missing = sorted({"latitude", "longitude"} - seen.keys())
        raise InputError(
            f"missing column(s) {', '.join(missing)}: a table needs latitude and longitude, "
            "or a location column to geocode",
            path=raw.path, line=1,
        )


# --------------------------------------------------------------------------- GeoJSON


def read_geojson_table(path: PathLike) -> RawTable:
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
    rows: list[dict[str, Any]] = []
    found: dict[int, list[str]] = {}
    for number, feature in enumerate(features):
        problems: list[str] = []
        values: dict[str, Any] = {}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append("not a GeoJSON Feature")
        else:
            props = feature.get("properties") or {}
            if not isinstance(props, dict):
                props, problems = {}, ["properties is not an object"]
            for key, value in props.items():
                if key not in spelled:
                    spelled[key] = normalise_header([str(key)])[0]
                values[spelled[key]] = value
            _geometry_into(feature.get("geometry"), values, problems)
        header.update(dict.fromkeys(values))
        rows.append(values)
        if problems:
            found[number] = problems
    # Coordinates come from the geometry, so a file of non-Point features is flagged per feature.
    names = list(dict.fromkeys([*header, "latitude", "longitude"]))
    frame = pd.DataFrame({n: as_strings(pd.Series([r.get(n) for r in rows], dtype=object)) for n in names},
                         columns=names, index=pd.RangeIndex(len(rows)))
    return RawTable(name, names, frame, label="feature", found=found)


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
    """Let a GeoJSON Point's [lon, lat] supply latitude and longitude; flag anything else."""
    lat, lon = values.get("latitude"), values.get("longitude")
    if geometry is None:
        if (message := empty_geometry_problem(lat, lon)) is not None:
            found.append(message)
        return
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        found.append(f"geometry type {kind!r} is not supported (only Point)")
        return
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        found.append(f"Point coordinates {coords!r} are not [longitude, latitude]")
        return
    x, y = to_float(coords[0]), to_float(coords[1])
    if x is not None and y is not None and (message := point_problem(y, x, lat, lon)) is not None:
        found.append(message)
    values["longitude"], values["latitude"] = coords[0], coords[1]


def point_problem(y: float, x: float, lat: Any, lon: Any) -> str | None:
    """What is wrong when a geometry's point (``y``, ``x``) and the latitude/longitude beside it disagree."""
    given = [(v, g) for v, g in ((lat, y), (lon, x)) if not is_missing(v)]
    if all((n := to_float(v)) is not None and abs(n - g) <= GEOMETRY_TOLERANCE for v, g in given):
        return None
    return (f"the geometry's point (latitude {y}, longitude {x}) disagrees with latitude {_shown(lat)}, "
            f"longitude {_shown(lon)} beside it; the geometry is used")


def empty_geometry_problem(lat: Any, lon: Any) -> str | None:
    """What is wrong when the geometry is empty but latitude/longitude beside it make a point."""
    y = None if is_missing(lat) else to_float(lat)
    x = None if is_missing(lon) else to_float(lon)
    if y is None or x is None or not (abs(y) <= 90 and abs(x) <= 180):
        return None
    return f"the geometry is empty, but latitude {_shown(lat)}, longitude {_shown(lon)} beside it make a point"


def _shown(value: Any) -> str:
    return "(missing)" if is_missing(value) else str(value)


# --------------------------------------------------------------------------- GeoParquet


def read_parquet_table(path: PathLike) -> RawTable:
    import geopandas as gpd

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
    return frame_table(frame, name)


def frame_table(frame: pd.DataFrame, name: str) -> RawTable:
    """A DataFrame (a GeoDataFrame: its geometry gives the points) as a raw table with rows ``row N``."""
    import geopandas as gpd

    columns = [c for c in frame.columns if c != "geometry"]
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in columns:
        columns.remove(frame._geometry_column_name)
    header = [normalise_header([str(c)])[0] for c in columns]
    plain = pd.DataFrame({i: as_strings(frame[c].reset_index(drop=True)) for i, c in enumerate(columns)},
                         columns=range(len(columns)), index=pd.RangeIndex(len(frame)))
    found: dict[int, list[str]] = {}
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        for column in ("latitude", "longitude"):
            if column not in header:
                header.append(column)
                plain[len(plain.columns)] = pd.Series([None] * len(frame), dtype=object)
        plain.columns = header
        _points_from_geometry(np.asarray(frame.geometry.array, dtype=object), plain, header, found)
    plain.columns = header
    return RawTable(name, header, plain, found=found)


def _points_from_geometry(geometry: np.ndarray, plain: pd.DataFrame, header: list[str],
                          found: dict[int, list[str]]) -> None:
    """Set latitude/longitude from Point geometries; flag other geometries and disagreements (in place)."""
    import shapely

    lat_at, lon_at = header.index("latitude"), header.index("longitude")
    lat, lon = plain.iloc[:, lat_at], plain.iloc[:, lon_at]
    kind = shapely.get_type_id(geometry)
    empty = (kind < 0) | shapely.is_empty(geometry)
    point = (kind == 0) & ~empty
    xs, ys = shapely.get_x(geometry), shapely.get_y(geometry)
    lat_given, lon_given = present(lat), present(lon)
    lat_plain, lat_n = plain_floats(lat, lat_given)
    lon_plain, lon_n = plain_floats(lon, lon_given)
    with np.errstate(invalid="ignore"):
        lat_ok = ~lat_given | (lat_plain & (np.abs(lat_n - ys) <= GEOMETRY_TOLERANCE))
        lon_ok = ~lon_given | (lon_plain & (np.abs(lon_n - xs) <= GEOMETRY_TOLERANCE))
    # Only the rows the vector test cannot clear go through the one-row rule.
    for i in np.flatnonzero(point & ~(lat_ok & lon_ok)):
        message = point_problem(float(ys[i]), float(xs[i]), _cell(lat, i), _cell(lon, i))
        if message is not None:
            found.setdefault(int(i), []).append(message)
    for i in np.flatnonzero(~point & ~empty):
        found.setdefault(int(i), []).append(f"geometry type {geometry[i].geom_type!r} is not supported (only Point)")
    for i in np.flatnonzero(empty & (lat_given | lon_given)):
        message = empty_geometry_problem(_cell(lat, i), _cell(lon, i))
        if message is not None:
            found.setdefault(int(i), []).append(message)
    if point.any():
        plain.isetitem(lat_at, _with_numbers(lat, point, ys))
        plain.isetitem(lon_at, _with_numbers(lon, point, xs))


def _cell(series: pd.Series, row: int) -> Any:
    return python_values(series, np.array([row]))[0]


def _with_numbers(series: pd.Series, rows: np.ndarray, numbers: np.ndarray) -> pd.Series:
    """``series`` with ``numbers`` at ``rows`` (a float column stays float)."""
    if series.dtype == "float64" or rows.all():
        out = series.to_numpy(dtype="float64", na_value=np.nan, copy=True) if series.dtype == "float64" \
            else np.full(len(series), np.nan)
        out[rows] = numbers[rows]
        return pd.Series(out, index=series.index)
    values = series.astype(object).to_numpy(copy=True)
    values[rows] = numbers[rows].tolist()
    return pd.Series(values, index=series.index, dtype=object)
