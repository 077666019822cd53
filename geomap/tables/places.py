"""A user's own places (CSV) as gazetteer entries."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.schema import GEO_PRECISION_BY_KIND, PLACE_KINDS, Taxonomy, load_taxonomy
from geomap.tables.cells import coordinate, is_missing, to_int
from geomap.tables.raw import check_duplicates, read_csv_table
from geomap.tables.validate import Problem

PathLike = str | os.PathLike[str]

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
        encoding :func:`geomap.textio.decode_bytes` reads.
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
    raw = read_csv_table(path)
    check_duplicates(raw)
    missing = [c for c in ("name", "latitude", "longitude") if c not in raw.header]
    if missing:
        raise InputError(f"user gazetteer needs columns name, lat, lon (missing: {', '.join(missing)})",
                         path=raw.path, line=1)
    taxonomy = load_taxonomy()
    places: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[str, int | str] = {}
    for line, values, found in raw.records():
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
        return "" if is_missing(value) else " ".join(str(value).split())

    name = text("name")
    if not name:
        problems.append("name is empty")
    lat = lon = None
    if not text("latitude") and not text("longitude"):
        problems.append("latitude and longitude are missing")
    else:
        lat = coordinate(text("latitude") or None, "latitude", problems)
        lon = coordinate(text("longitude") or None, "longitude", problems)
    if lat is not None and abs(lat) > 90:
        problems.append(f"latitude {lat} is out of range [-90, 90]")
    if lon is not None and abs(lon) > 180:
        problems.append(f"longitude {lon} is out of range [-180, 180]")
    kind = (text("kind") or default_kind).lower()
    if kind not in GEO_PRECISION_BY_KIND:
        problems.append(f"unknown kind {kind!r} (one of: {', '.join(PLACE_KINDS)})")
    population = None
    if text("population"):
        population = to_int(text("population"))
        if population is None or population < 0:
            problems.append(f"population {text('population')!r} is not a whole number")
    country = text("country")
    if len(country) == 2:
        country = country.upper()
    elif country and (entry := taxonomy.country(country)) is not None:
        country = entry.iso2
    alt = values.get("alt_names")
    alt_names = tuple(a.strip() for a in re.split(r"[;|]", str(alt)) if a.strip()) if not is_missing(alt) else ()
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
