"""The places an offline basemap names, chosen once when the gazetteer is built (``basemap.json``).

Both maps (HTML and print) mark Syria's largest cities, the largest cities
of its neighbours, and, at city zoom, its other cities and towns; a
governorate named after its capital is labelled with the capital's spelling
("Latakia", not "Lattakia" beside "Latakia"). Choosing them reads all of
``places.tsv`` (3.9 MB), so ``geomap gazetteer build`` writes the choice to
``basemap.json`` beside it, with digests of the two files it was made from;
a folder without it (or whose files changed since) is read the slow way.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import GazetteerError
from geomap.names import normalise
from geomap.textio import atomic_write

if TYPE_CHECKING:
    import pandas as pd

BASEMAP_FILE = "basemap.json"
FOCUS_COUNTRY = "SY"
MAJOR_CITIES = 20
"""Syria's most populous cities, shown from zoom 7; its other cities and towns from zoom 9."""
NEIGHBOURHOOD = (32.5, 29.5, 46.0, 39.0)
"""(west, south, east, north): neighbouring countries inside this box get a label and their big cities a mark."""
ABROAD_POPULATION = 500_000
ABROAD_MERGE_KM = 25.0  # a smaller city this close to a bigger one is its suburb or a duplicate entry
MIN_ZOOM = {"major": 7, "abroad": 7, "town": 9}


def basemap_places(folder: Path) -> dict[str, Any]:
    """What the basemap names: ``cities`` (``[name, lat, lon, min_zoom]``, most important first)
    and ``admin1`` (a governorate's name on the boundaries -> its label).

    Read from ``basemap.json`` when it was made from the folder's current
    ``places.tsv`` and ``boundaries.geojson``; chosen from them otherwise.
    """
    path = folder / BASEMAP_FILE
    if path.is_file():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = None
        if isinstance(stored, dict) and stored.get("sources") == _digests(folder):
            return {"cities": stored["cities"], "admin1": stored["admin1"]}
    return choose_places(folder)


def write_basemap_places(folder: Path) -> dict[str, Any]:
    """Choose the places of the basemap from the folder's files and write ``basemap.json`` (atomically)."""
    chosen = choose_places(folder)
    with atomic_write(folder / BASEMAP_FILE) as handle:
        json.dump({"sources": _digests(folder), **chosen}, handle, ensure_ascii=False, separators=(",", ":"))
        handle.write("\n")
    return chosen


def choose_places(folder: Path) -> dict[str, Any]:
    """The places of the basemap, chosen from ``places.tsv`` and the governorates of ``boundaries.geojson``."""
    places = read_places(folder / "places.tsv")
    if places is None:
        return {"cities": [], "admin1": {}}
    spellings = _capital_spellings(places)
    admin1 = {name: spellings[normalise(name)] for name in _admin1_names(folder / "boundaries.geojson")
              if normalise(name) in spellings and spellings[normalise(name)] != name}
    return {"cities": _cities(places), "admin1": admin1}


def _digests(folder: Path) -> dict[str, str]:
    found = {}
    for name in ("places.tsv", "boundaries.geojson"):
        path = folder / name
        found[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return found


def read_places(path: Path) -> pd.DataFrame | None:
    """The rows of ``places.tsv`` with a point (``lat``, ``lon``, ``pop`` as numbers), or None without one."""
    import pandas as pd

    if not path.is_file():
        return None
    try:
        places = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    except (OSError, ValueError) as exc:
        raise GazetteerError(f"{path}: cannot read places: {exc}") from exc
    needed = {"name", "kind", "latitude", "longitude", "country", "population"}
    if not needed <= set(places.columns):
        return None
    places = places[(places["latitude"] != "") & (places["longitude"] != "")].copy()
    places["lat"] = pd.to_numeric(places["latitude"], errors="coerce")
    places["lon"] = pd.to_numeric(places["longitude"], errors="coerce")
    places["pop"] = pd.to_numeric(places["population"], errors="coerce").fillna(0)
    return places.dropna(subset=["lat", "lon"])


def _admin1_names(path: Path) -> list[str]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GazetteerError(f"{path}: cannot read boundaries: {exc}") from exc
    return [str((f.get("properties") or {}).get("name") or "") for f in data.get("features", [])
            if (f.get("properties") or {}).get("kind") == "admin1"]


def _capital_spellings(places: pd.DataFrame) -> dict[str, str]:
    """Normalised governorate name -> the spelling of the Syrian city of that name (its capital)."""
    cities = places[(places["kind"] == "city") & (places["country"] == FOCUS_COUNTRY)]
    cities = cities.sort_values(["pop", "name"], ascending=[True, False])  # the largest city wins a shared key
    return {normalise(name): name for name in cities["name"]}


def _cities(places: pd.DataFrame) -> list[list[Any]]:
    """``[name, lat, lon, min_zoom]``: major Syrian cities, big cities abroad, then Syria's other cities and towns."""
    home = places[places["country"] == FOCUS_COUNTRY]
    home_cities = home[home["kind"] == "city"].sort_values(["pop", "name"], ascending=[False, True])
    major = home_cities.head(MAJOR_CITIES)
    import pandas as pd

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
