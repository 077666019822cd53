"""Records -> typed tables: the schema's columns as pandas dtypes, Point geometries.

An event table is a :class:`geopandas.GeoDataFrame` in EPSG:4326 with one
Point per event and the columns of :data:`geomap.schema.EVENT_COLUMNS`.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import sys
from collections.abc import Container, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geomap.schema import EVENT_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, STRING_COLUMNS

if TYPE_CHECKING:
    import geopandas as gpd

PathLike = str | os.PathLike[str]

# pandas 3 has a real string dtype whose missing value is NaN; pandas 2's
# "str" would turn missing values into the text "nan", so it keeps object.
STRING_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


COLUMN_DTYPES: dict[str, Any] = {
    **{c: STRING_DTYPE for c in STRING_COLUMNS},
    **{c: "Int64" for c in INT_COLUMNS},
    **{c: "float64" for c in FLOAT_COLUMNS},
}


def return_memory_promptly() -> None:
    """Make pyarrow (pandas' strings) give freed memory back to the system at once.

    pyarrow's default allocator keeps what it freed for later; reading and
    mapping a million rows would then hold gigabytes no longer in use.
    Called by the command line; a program of one's own may call it too.
    Without pyarrow's jemalloc (some platforms), nothing changes.
    """
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowException):
        pass


def give_memory_back() -> None:
    """Return the memory the C heap has freed to the system (glibc's ``malloc_trim``), where there is one.

    Large temporary arrays raise glibc's threshold for using fresh memory
    maps, after which freed memory stays in the process: after reading a
    million rows, over a hundred megabytes. Elsewhere, nothing happens.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def empty_events() -> gpd.GeoDataFrame:
    """Return an event table with no rows, the schema's columns and dtypes."""
    return events_from_records([])


def events_from_records(records: Iterable[Mapping[str, Any]], *, geometry: bool = True) -> gpd.GeoDataFrame:
    """Build an event table from dicts, without validation.

    Parameters
    ----------
    records : iterable of mappings
        Each maps column names to values; missing schema columns are empty,
        unknown keys become extra columns (after the schema's). ``event_date``
        may be a :class:`datetime.date` or an ISO string. The geometry is
        made from ``latitude``/``longitude`` (none when either is missing).
    geometry : bool
        False gives a plain DataFrame without the Points (geopandas is then not loaded).

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
        # directly; anything else goes through the casts of typed_geoframe.
        array = _typed_array(values, COLUMN_DTYPES.get(column, STRING_DTYPE))
        if array is not None:
            typed.add(column)
        data[column] = values if array is None else array
    return typed_geoframe(pd.DataFrame(data), typed) if geometry else typed_frame(pd.DataFrame(data), typed)


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


def typed_geoframe(frame: pd.DataFrame, typed: Container[str] = ()) -> gpd.GeoDataFrame:
    """Cast the schema columns to their dtypes and add the Point geometry.

    Columns named in ``typed`` already have their dtype and no blank strings.
    """
    import geopandas as gpd

    frame = typed_frame(frame, typed)
    return gpd.GeoDataFrame(frame, geometry=points_of(frame["latitude"], frame["longitude"]), crs="EPSG:4326")


def typed_frame(frame: pd.DataFrame, typed: Container[str] = ()) -> pd.DataFrame:
    """The schema columns cast to their dtypes, in order, extras after them (no geometry)."""
    frame = frame.copy()
    for column in EVENT_COLUMNS:
        if column not in frame:
            frame[column] = None
    for column, dtype in COLUMN_DTYPES.items():
        if column not in typed:
            frame[column] = _cast(frame[column], dtype)
    for column in frame.columns:
        if column not in COLUMN_DTYPES and column not in typed:
            frame[column] = _cast(frame[column], STRING_DTYPE)
    order = [*EVENT_COLUMNS, *(c for c in frame.columns if c not in COLUMN_DTYPES)]
    return frame[order]


def _cast(series: pd.Series, dtype: Any) -> pd.Series:
    """Cast one column; blank strings become missing, unparseable values raise ValueError."""
    if dtype == "Int64":
        if isinstance(series.dtype, pd.Int64Dtype):
            return series
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("Int64")
        return pd.to_numeric(as_text(series)).astype("Int64")
    if dtype == "float64":
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("float64")
        return pd.to_numeric(as_text(series)).astype("float64")
    return as_text(series)


def as_text(series: pd.Series) -> pd.Series:
    if STRING_DTYPE is not object and series.dtype == STRING_DTYPE:
        text = series
    else:
        values = series.astype(object).where(series.notna(), None)
        if STRING_DTYPE is object:
            text = values.map(lambda v: v if v is None else str(v))
        else:
            text = values.astype(STRING_DTYPE)
    blank = text.str.strip().eq("").fillna(False).astype(bool)
    return text.mask(blank) if blank.any() else text


def usable_points(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """True where a latitude and longitude make a point on the map: both finite and in range."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


def coordinates_of(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude arrays of any event-like frame (NaN where unknown).

    From the ``latitude``/``longitude`` columns (numbers or text), else from
    a Point ``geometry`` for the rows the columns leave unplaced. Where
    :func:`usable_points` is True, the map draws an event.
    """
    if "latitude" in frame.columns and "longitude" in frame.columns:
        lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    else:
        lat = np.full(len(frame), np.nan)
        lon = np.full(len(frame), np.nan)
    if "geometry" in frame.columns:
        geometry = frame["geometry"]
        for i in np.flatnonzero(np.isnan(lat) | np.isnan(lon)):  # only rows the columns leave unplaced
            geom = geometry.iat[i]
            if geom is not None and getattr(geom, "geom_type", None) == "Point" and not geom.is_empty:
                lon[i], lat[i] = geom.x, geom.y
    return lat, lon


def points_of(lat: pd.Series, lon: pd.Series) -> gpd.GeoSeries:
    """Point geometries of usable coordinates (finite, in range); None elsewhere."""
    import geopandas as gpd
    import shapely

    lat_a = lat.to_numpy(dtype="float64", na_value=np.nan)
    lon_a = lon.to_numpy(dtype="float64", na_value=np.nan)
    usable = usable_points(lat_a, lon_a)
    geoms = np.full(len(lat_a), None, dtype=object)
    if usable.any():
        geoms[usable] = shapely.points(lon_a[usable], lat_a[usable])
    return gpd.GeoSeries(geoms, index=lat.index, crs="EPSG:4326")
