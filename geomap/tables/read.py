"""Reading and checking event tables: the public entry points."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pandas as pd

from geomap.errors import InputError
from geomap.tables.raw import (
    check_header,
    frame_table,
    read_csv_table,
    read_geojson_table,
    read_parquet_table,
    table_format,
)
from geomap.tables.validate import ReadReport, validate_raw

if TYPE_CHECKING:
    import geopandas as gpd

PathLike = str | os.PathLike[str]

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
    dayfirst: bool | None = None,
) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Read and validate an event table; return it with its :class:`ReadReport`.

    As :func:`read_events`, but with ``strict=True`` the problem rows are
    left out of the table and counted as rejected instead of raising, so a
    caller can print the report and go on.

    Parameters
    ----------
    path : str or os.PathLike
        The table (CSV, ACLED CSV, GeoJSON, GeoParquet file or folder); ``-``
        reads CSV from standard input.
    strict : bool
        Leave problem rows out (counted in ``report.rejected``) instead of
        keeping them flagged in :data:`FLAGS_COLUMN`.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Geocodes rows with a ``location`` but no coordinates and checks that
        points lie in the country they name; the bundled one if omitted.
    format : {"csv", "geojson", "parquet"}, optional
        Overrides the suffix.
    dayfirst : bool, optional
        How ``event_date`` cells such as ``03/05/2016`` are read (True: 3 May).
        By default the file's own dates decide, and when they cannot (every
        number is at most 12) they are read month first and ``report.notes``
        says so.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, ReadReport)
        The event table (``table.attrs["report"]`` holds the report too) and
        what happened to each row.
    """
    return _load(path, strict=strict, gazetteer=gazetteer, format=format, dayfirst=dayfirst, geometry=True)


def load_table(
    path: PathLike,
    *,
    strict: bool = False,
    gazetteer: Any = None,
    format: str | None = None,
    dayfirst: bool | None = None,
) -> tuple[pd.DataFrame, ReadReport]:
    """:func:`load_events` without the Point geometries: a plain DataFrame (what a map needs).

    Parameters
    ----------
    path, strict, gazetteer, format, dayfirst
        As for :func:`load_events`.

    Returns
    -------
    tuple of (pandas.DataFrame, ReadReport)
        The event table, with ``latitude``/``longitude`` but no ``geometry``
        column, and the report.
    """
    return _load(path, strict=strict, gazetteer=gazetteer, format=format, dayfirst=dayfirst, geometry=False)


def _load(path: PathLike, *, strict: bool, gazetteer: Any, format: str | None, dayfirst: bool | None,
          geometry: bool) -> tuple[pd.DataFrame, ReadReport]:
    kind = table_format(path, format)
    if kind == "csv":
        raw = read_csv_table(path)
    elif kind == "geojson":
        raw = read_geojson_table(path)
    else:
        raw = read_parquet_table(path)
    check_header(raw)
    return validate_raw(raw, strict=strict, gazetteer=gazetteer, dayfirst=dayfirst, geometry=geometry)


def validate_events(
    table: pd.DataFrame,
    *,
    name: str = "<table>",
    strict: bool = False,
    gazetteer: Any = None,
) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Validate an in-memory table exactly as :func:`load_events` validates a file.

    Parameters
    ----------
    table : pandas.DataFrame
        The events, with the schema's column names (or their ACLED spellings).
    name : str
        What problems are located by: ``NAME:row N`` (N counted from 1).
    strict, gazetteer
        As for :func:`load_events`.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, ReadReport)
        The checked table and the report, as :func:`load_events` returns them.
    """
    raw = frame_table(table, name)
    check_header(raw)
    return validate_raw(raw, strict=strict, gazetteer=gazetteer)
