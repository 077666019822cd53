"""Files -> raw tables: CSV (ours and ACLED's exports), GeoJSON, GeoParquet, before any check.

Headers are normalised (case, byte-order marks, ACLED's and spreadsheets'
spellings of our columns); each row keeps where it was found (``line`` of a
CSV record, ``feature N``, ``row N``) so that every problem can name it.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geomap.errors import InputError
from geomap.schema import normalise_header
from geomap.tables.cells import is_missing
from geomap.textio import csv_records, decode_bytes, delimiter, read_bytes

PathLike = str | os.PathLike[str]



FORMATS = ("csv", "geojson", "parquet")


SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".geojson": "geojson", ".json": "geojson",
    ".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
}


@dataclass
class RawTable:
    """A table as read from a file, before validation."""

    path: str
    header: list[str]
    rows: list[tuple[int | str, dict[str, Any], list[str]]]  # (where, values, problems found while reading)
    blank: int = 0


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
    name = str(path)
    data = read_bytes(path)
    if not data.strip():
        raise InputError("empty file", path=name)
    text = decode_bytes(data, name)
    # newline="" keeps quoted newlines intact and lets csv count physical lines.
    records = csv_records(io.StringIO(text, newline=""), name, delimiter=delimiter(text))
    header = normalise_header(next(records)[1])
    raw = RawTable(name, header, [])
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




def _ragged_message(cells: list[str], header: list[str]) -> str:
    message = f"row has {len(cells)} fields, header has {len(header)}"
    if len(cells) > len(header):
        lost = cells[len(header):]
        message += f"; extra values {lost!r} are not in any column"
    else:
        message += "; missing fields are left empty"
    return message




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
                spelled[key] = normalise_header([str(key)])[0]
            values[spelled[key]] = value
        _geometry_into(feature.get("geometry"), values, found)
        header.update(dict.fromkeys(values))
        rows.append((where, values, found))
    # Coordinates come from the geometry, so a file of non-Point features is flagged per feature.
    return RawTable(name, list(dict.fromkeys([*header, "latitude", "longitude"])), rows)


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


def read_parquet_table(path: PathLike) -> RawTable:
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
    header = [normalise_header([str(c)])[0] for c in frame.columns if c != "geometry"]
    if isinstance(frame, gpd.GeoDataFrame):
        header.extend(c for c in ("latitude", "longitude") if c not in header)
    records = frame_records(frame)
    rows = [(f"row {i}", rec, []) for i, rec in enumerate(records, start=1)]
    return RawTable(name, header, rows)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [c for c in frame.columns if c != "geometry"]
    names = [normalise_header([str(c)])[0] for c in columns]
    plain = pd.DataFrame(frame[columns]).astype(object)
    # Missing values are normalised later, by the row checker.
    records = [dict(zip(names, values)) for values in plain.itertuples(index=False, name=None)]
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        for record, geom in zip(records, frame.geometry):
            if geom is not None and not geom.is_empty and geom.geom_type == "Point":
                if is_missing(record.get("latitude")) and is_missing(record.get("longitude")):
                    record["latitude"], record["longitude"] = geom.y, geom.x
    return records
