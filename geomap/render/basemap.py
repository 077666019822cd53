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
as :func:`geomap.names.normalise` matches them. The places are chosen when
the gazetteer is built (:mod:`geomap.gazetteer.labels`, ``basemap.json``).
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.gazetteer.labels import (
    BASEMAP_FILE,
    FOCUS_COUNTRY,
    MAJOR_CITIES,
    NEIGHBOURHOOD,
    basemap_places,
)
from geomap.paths import gazetteer_dir

__all__ = ["FOCUS_COUNTRY", "MAJOR_CITIES", "NEIGHBOURHOOD", "offline_basemap"]

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
        the order their labels should be placed (most important first; see
        :mod:`geomap.gazetteer.labels`). Cached per file version: callers
        must not modify the result.
    """
    folder = gazetteer_dir()
    path = folder / "boundaries.geojson"
    if not path.is_file():
        warnings.warn(f"{path} not found: the offline basemap will show no boundaries", stacklevel=3)
    versions = tuple(_version(folder / name) for name in ("boundaries.geojson", "places.tsv", BASEMAP_FILE))
    return _basemap(folder, versions)


def _version(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else -1


@lru_cache(maxsize=4)
def _basemap(folder: Path, versions: tuple[int, ...]) -> dict[str, Any]:
    places = basemap_places(folder)
    path = folder / "boundaries.geojson"
    features = _features(path, places["admin1"]) if path.is_file() else []
    return {"boundaries": {"type": "FeatureCollection", "features": features}, "cities": places["cities"]}


def _features(path: Path, admin1_labels: dict[str, str]) -> list[dict[str, Any]]:
    """Outlines to draw, world first; label points for governorates and neighbouring countries."""
    import shapely
    import shapely.geometry

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read boundaries: {exc}", path=str(path)) from exc

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
            out["name"] = admin1_labels.get(name, name)
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
