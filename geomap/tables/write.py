"""Writing event tables: CSV (the schema columns first, in order), GeoJSON, GeoParquet, atomically."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geomap.errors import InputError
from geomap.frames import COLUMN_DTYPES, as_text, typed_geoframe
from geomap.schema import EVENT_COLUMNS, FLAGS_COLUMN, normalise_header
from geomap.tables.raw import FORMATS, SUFFIX_FORMATS
from geomap.textio import atomic_write, write_csv_rows

if TYPE_CHECKING:
    import geopandas as gpd

PathLike = str | os.PathLike[str]

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
        Overrides the suffix.

    Returns
    -------
    None
        The file is replaced only once it is complete (or nothing is written).

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
    schema, such as the parts of a corpus run.

    Parameters
    ----------
    table : geopandas.GeoDataFrame or pandas.DataFrame
        A table in the schema (a plain DataFrame must hold its ``geometry`` column).
    path : str or os.PathLike
        The GeoParquet file.

    Returns
    -------
    None
        The file is replaced only once it is complete.
    """
    import geopandas as gpd

    if not isinstance(table, gpd.GeoDataFrame):
        table = gpd.GeoDataFrame(table, geometry="geometry", crs="EPSG:4326")
    with atomic_write(path, "wb") as handle:
        table[[*_output_columns(table), "geometry"]].to_parquet(handle, index=False)


def _conform(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Give any event-like frame the schema: header spellings, dtypes, points from lat/lon."""
    import geopandas as gpd
    import shapely

    frame = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    frame.columns = normalise_header([str(c) for c in frame.columns])
    for column in ("latitude", "longitude"):
        if column not in frame:
            frame[column] = np.nan
    geometry = table.geometry if isinstance(table, gpd.GeoDataFrame) and "geometry" in table else None
    if geometry is not None:
        # A table built from geometries alone still gets its latitude/longitude.
        lat = pd.to_numeric(as_text(frame["latitude"]) if frame["latitude"].dtype == object else frame["latitude"])
        lon = pd.to_numeric(as_text(frame["longitude"]) if frame["longitude"].dtype == object else frame["longitude"])
        points = geometry.to_crs("EPSG:4326") if geometry.crs is not None and not geometry.crs.equals("EPSG:4326") else geometry
        is_point = np.asarray(points.geom_type == "Point") & ~np.asarray(points.is_empty) & np.asarray(points.notna())
        fill = is_point & lat.isna().to_numpy() & lon.isna().to_numpy()
        if fill.any():
            frame.loc[fill, "latitude"] = shapely.get_y(points.array[fill])
            frame.loc[fill, "longitude"] = shapely.get_x(points.array[fill])
    return typed_geoframe(frame)


def _format_of_output(path: PathLike, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise InputError(f"unknown table format {format!r} (use one of: {', '.join(FORMATS)})", path=str(path))
        return format
    kind = SUFFIX_FORMATS.get(Path(path).suffix.lower())
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





def _write_csv(frame: pd.DataFrame, columns: list[str], handle: Any) -> None:
    write_csv_rows(handle, columns, zip(*_column_values(frame, columns)))


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
