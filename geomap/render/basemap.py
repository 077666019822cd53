"""The offline basemap, from the bundled gazetteer: outlines, and the places labelled on it.

Both the HTML map (``static/geomap.js``) and the print map (:mod:`geomap.render.png`)
draw what :func:`offline_basemap` returns, so they show the same places
spelt the same way:

* the world's countries (Natural Earth outlines, kind ``world``), Syria
  (OCHA's outline, kind ``country``), its governorates and districts;
* a label point for each governorate and for each country around Syria;
* the places to mark: Syria's largest cities, the largest cities of its
  neighbours, and, at city zoom, every other Syrian city and town. Each
  has the zoom from which the HTML map shows it.

One spelling per place: a governorate named after its capital is labelled
with the capital's spelling ("Latakia", not "Lattakia" beside "Latakia"),
as :func:`geomap.names.normalise` matches them.
"""

from __future__ import annotations

import json
import math
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geomap.errors import InputError
from geomap.paths import gazetteer_dir

__all__ = ["FOCUS_COUNTRY", "MAJOR_CITIES", "NEIGHBOURHOOD", "offline_basemap"]

FOCUS_COUNTRY = "SY"
MAJOR_CITIES = 20
"""Syria's most populous cities, shown from zoom 7; its other cities and towns from zoom 9."""
NEIGHBOURHOOD = (32.5, 29.5, 46.0, 39.0)
"""(west, south, east, north): neighbouring countries inside this box get a label and their big cities a mark."""
ABROAD_POPULATION = 500_000
ABROAD_MERGE_KM = 25.0  # a smaller city this close to a bigger one is its suburb or a duplicate entry
MIN_ZOOM = {"major": 7, "abroad": 7, "town": 9}
KIND_ORDER = {"world": 0, "country": 1, "admin2": 2, "admin1": 3}
"""Drawing order of the outlines (later on top)."""


def offline_basemap() -> dict[str, Any]:
    """The outlines and places of the offline basemap, read from the gazetteer folder.

    Returns
    -------
    dict
        ``boundaries``: a GeoJSON FeatureCollection whose features carry
        ``kind`` (world, country, admin1, admin2), ``name`` and, for the
        governorates and the countries around Syria, a ``label`` point
        ``[lat, lon]``; ``cities``: ``[name, lat, lon, min_zoom]`` rows in
        the order their labels should be placed (most important first).
        Cached per file version: callers must not modify the result.
    """
    folder = gazetteer_dir()
    path, places = folder / "boundaries.geojson", folder / "places.tsv"
    if not path.is_file():
        warnings.warn(f"{path} not found: the offline basemap will show no boundaries", stacklevel=3)
    return _basemap(path, _version(path), places, _version(places))


def _version(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else -1


@lru_cache(maxsize=4)
def _basemap(path: Path, path_version: int, places_path: Path, places_version: int) -> dict[str, Any]:
    places = _read_places(places_path) if places_version >= 0 else None
    cities = _cities(places) if places is not None else []
    spellings = _capital_spellings(places) if places is not None else {}
    features = _features(path, spellings) if path_version >= 0 else []
    return {"boundaries": {"type": "FeatureCollection", "features": features}, "cities": cities}


def _read_places(path: Path) -> pd.DataFrame | None:
    try:
        places = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read places: {exc}", path=str(path)) from exc
    needed = {"name", "kind", "latitude", "longitude", "country", "population"}
    if not needed <= set(places.columns):
        return None
    places = places[(places["latitude"] != "") & (places["longitude"] != "")].copy()
    places["lat"] = pd.to_numeric(places["latitude"], errors="coerce")
    places["lon"] = pd.to_numeric(places["longitude"], errors="coerce")
    places["pop"] = pd.to_numeric(places["population"], errors="coerce").fillna(0)
    return places.dropna(subset=["lat", "lon"])


def _features(path: Path, spellings: dict[str, str]) -> list[dict[str, Any]]:
    """Outlines to draw, world first; label points for governorates and neighbouring countries."""
    import shapely
    import shapely.geometry

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read boundaries: {exc}", path=str(path)) from exc
    from geomap.names import normalise

    west, south, east, north = NEIGHBOURHOOD
    around = shapely.box(west, south, east, north)
    features = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        kind = props.get("kind")
        if kind not in KIND_ORDER or not feature.get("geometry"):
            continue
        name = str(props.get("name") or "")
        out: dict[str, Any] = {"kind": kind, "name": name}
        if kind == "admin1":
            out["name"] = spellings.get(normalise(name), name)
            point = shapely.geometry.shape(feature["geometry"]).representative_point()
            out["label"] = [round(point.y, 4), round(point.x, 4)]
        elif kind == "world":
            near = shapely.geometry.shape(feature["geometry"]).intersection(around)
            # Only countries with a real piece inside the box (not a sliver of coast) are labelled.
            if near.area > 0.5:
                point = near.representative_point()
                out["label"] = [round(point.y, 4), round(point.x, 4)]
        features.append({"type": "Feature", "properties": out, "geometry": feature["geometry"]})
    features.sort(key=lambda f: KIND_ORDER[f["properties"]["kind"]])
    return features


def _capital_spellings(places: pd.DataFrame) -> dict[str, str]:
    """Normalised governorate name → the spelling of the Syrian city of that name (its capital)."""
    from geomap.names import normalise

    cities = places[(places["kind"] == "city") & (places["country"] == FOCUS_COUNTRY)]
    cities = cities.sort_values(["pop", "name"], ascending=[True, False])  # the largest city wins a shared key
    return {normalise(name): name for name in cities["name"]}


def _cities(places: pd.DataFrame) -> list[list[Any]]:
    """``[name, lat, lon, min_zoom]``: major Syrian cities, big cities abroad, then Syria's other cities and towns."""
    home = places[places["country"] == FOCUS_COUNTRY]
    home_cities = home[home["kind"] == "city"].sort_values(["pop", "name"], ascending=[False, True])
    major = home_cities.head(MAJOR_CITIES)
    towns = pd.concat([home_cities.iloc[MAJOR_CITIES:], home[home["kind"] == "town"]])
    towns = towns.sort_values(["pop", "name"], ascending=[False, True])
    rows = [_row(r, MIN_ZOOM["major"]) for r in major.itertuples()]
    rows += [_row(r, MIN_ZOOM["abroad"]) for r in _abroad(places)]
    rows += [_row(r, MIN_ZOOM["town"]) for r in towns.itertuples()]
    return rows


def _abroad(places: pd.DataFrame) -> list[Any]:
    """The largest cities of the countries around Syria, one per urban area."""
    west, south, east, north = NEIGHBOURHOOD
    big = places[(places["kind"] == "city") & (places["country"] != FOCUS_COUNTRY)
                 & places["lon"].between(west, east) & places["lat"].between(south, north)
                 & (places["pop"] >= ABROAD_POPULATION)]
    # Within one urban area GeoNames may list a bigger duplicate under a rarer
    # spelling ("Al Mawşil al Jadīdah" beside Mosul): the plain-Latin name wins.
    big = big.assign(rare=~big["name"].map(str.isascii))
    big = big.sort_values(["rare", "pop", "name"], ascending=[True, False, True])
    kept: list[Any] = []
    for row in big.itertuples():
        if all(_km(row.lat, row.lon, other.lat, other.lon) > ABROAD_MERGE_KM for other in kept):
            kept.append(row)
    return sorted(kept, key=lambda row: (-row.pop, row.name))


def _row(row: Any, min_zoom: int) -> list[Any]:
    return [row.name, round(float(row.lat), 4), round(float(row.lon), 4), min_zoom]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))
