"""Distances and containment: how far places lie from each other and which boundary holds a point."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import GazetteerError
from geomap.gazetteer.model import Place, Resolution

if TYPE_CHECKING:
    from shapely import STRtree


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        WGS 84 degrees.

    Returns
    -------
    float
        Kilometres, on a sphere of the Earth's mean radius.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def distance(a: Place, b: Place) -> float:
    """Great-circle distance between two places, in kilometres."""
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


# A settlement the text puts in a city ("X in Aleppo") may lie anywhere in the
# city's governorate ("in Aleppo" also names the province), or this close to it.
_OUTSIDE_CITY_KM = 50.0


_SETTLEMENT_KINDS = frozenset({"city", "town", "village", "neighbourhood"})


def outside_city(place: Place, city: Place | None) -> str | None:
    """Why ``place`` cannot be what the text puts inside ``city``, or None."""
    if city is None or place.kind not in _SETTLEMENT_KINDS or city.kind == "country":
        return None
    if place.place_id == city.place_id or place.parent_id == city.place_id:
        return None
    gap = _gap_beyond(place, city, _OUTSIDE_CITY_KM)
    if gap is None:
        return None
    return f"the text puts it in {city.name}, but the best match, {place.label()}, lies {gap:.0f} km away; not guessing"


def _gap_beyond(place: Place, holder: Place, reach_km: float) -> float | None:
    """The distance from ``holder`` when ``place`` lies outside its governorate and beyond ``reach_km``, else None."""
    if place.country == holder.country and place.admin1 and place.admin1 == holder.admin1:
        return None
    gap = distance(place, holder)
    return gap if gap > reach_km else None


#: How far from the place the text locates it from ("X, west of Aleppo") a
#: village, town or neighbourhood outside that place's governorate may lie
#: when the text gives no distance. News places a small place from a nearby
#: landmark; a namesake hundreds of kilometres away is another place.
ANCHOR_REACH_KM = 100.0


# Places small enough to be named from a landmark, and to share a country's name by chance.
SMALL_KINDS = frozenset({"town", "village", "neighbourhood"})


def anchor_reach(stated_km: float | None) -> float:
    """How far from its anchor a place may lie: the stated distance with a margin, at least ANCHOR_REACH_KM."""
    return ANCHOR_REACH_KM if stated_km is None else max(ANCHOR_REACH_KM, 1.5 * stated_km + 10.0)


def far_from_anchor(place: Place, anchor: Place | None, stated_km: float | None) -> str | None:
    """Why ``place`` cannot be what the text locates from ``anchor``, or None."""
    if anchor is None or place.kind not in SMALL_KINDS or anchor.kind == "country":
        return None
    gap = _gap_beyond(place, anchor, anchor_reach(stated_km))
    if gap is None:
        return None
    return (f"the text locates it from {anchor.name}, but the best match, {place.label()}, lies {gap:.0f} km "
            f"from there; not guessing")


ADMIN_KINDS = ("country", "admin1", "admin2", "admin3")


def nested(a: Place, b: Place) -> bool:
    """True if one is an admin unit holding the other (a town and its district)."""
    for unit, member in ((a, b), (b, a)):
        if unit.kind not in ADMIN_KINDS:
            continue
        if member.parent_id and member.parent_id.startswith(unit.place_id):
            return True
        if (unit.kind == "admin1" and member.admin1 == unit.name) or (unit.kind == "admin2" and member.admin2 == unit.name):
            return True
        if unit.kind == "country" and member.country == unit.place_id:
            return True
    return False


def holds(unit: Place, member: Place) -> bool:
    """True if ``unit`` holds ``member``: an admin unit it lies in, or a city it is a part of.

    An admin unit holds what names it as parent, governorate or district (in
    its own country); a city, town or village holds the smaller places
    (of a lesser kind, or fewer people) within :data:`IN_CITY_KM` of it.
    """
    if unit.place_id == member.place_id:
        return False
    if unit.kind in ADMIN_KINDS:
        if unit.kind == "country":
            return member.country == unit.place_id
        if member.parent_id and member.parent_id.startswith(unit.place_id):
            return True
        return member.country == unit.country and (
            (unit.kind == "admin1" and member.admin1 == unit.name) or (unit.kind == "admin2" and member.admin2 == unit.name))
    return unit.kind in _SETTLEMENT_KINDS and member.kind in _SETTLEMENT_KINDS and _larger(unit, member) \
        and distance(unit, member) <= IN_CITY_KM


_SETTLEMENT_RANK = {"city": 3, "town": 2, "village": 1, "neighbourhood": 0}


def _larger(unit: Place, member: Place) -> bool:
    """A settlement of a larger kind, or of the same kind and more people (Istanbul and its district Maltepe)."""
    a, b = _SETTLEMENT_RANK.get(unit.kind, 0), _SETTLEMENT_RANK.get(member.kind, 0)
    return a > b or (a == b and (unit.population or 0) > (member.population or 0))


#: How close to a city a smaller place the text puts in it lies.
IN_CITY_KM = 15.0


#: The most a place named nearby adds to a candidate's score, and how fast that
#: bonus fades with distance: ``NEARBY_WEIGHT * exp(-km / NEARBY_SCALE_KM)``.
NEARBY_WEIGHT = 0.30
NEARBY_SCALE_KM = 40.0
#: A nearby place farther than this adds less than the 0.01 floor of the
#: nearby bonus (plus a margin for rounding): it cannot change a score.
NEARBY_REACH_KM = NEARBY_SCALE_KM * math.log(NEARBY_WEIGHT / 0.01) + 1.0


# Kilometres per degree of latitude, rounded down: two points farther apart in
# latitude than reach / this are farther than reach apart.
_KM_PER_DEGREE = 111.0


class Nearby:
    """The nearby places of one resolution, with a cheap cut by latitude.

    :meth:`closest` returns what ``min((gap_km(place, other), other) for
    other in nearby)`` would whenever that minimum is within reach of the
    nearby bonus, and None or a place beyond reach when it is not (then no
    bonus applies either way).
    """

    def __init__(self, nearby: Sequence[Place | tuple[float, float]]) -> None:
        self._spots = [
            (o.latitude if isinstance(o, Place) else float(o[0]), o) for o in nearby
        ]

    def closest(self, place: Place) -> tuple[float, Place | tuple[float, float]] | None:
        """The nearest nearby place to ``place`` and its distance, if within reach."""
        lat, reach = place.latitude, NEARBY_REACH_KM / _KM_PER_DEGREE
        within = [other for other_lat, other in self._spots if abs(other_lat - lat) <= reach]
        if not within:
            return None
        # in the original order, so ties resolve as a plain min over all would
        return min((gap_km(place, other), other) for other in within)


def gap_km(place: Place, other: Place | tuple[float, float]) -> float:
    """Distance from a place to another place or to a ``(lat, lon)`` point, in kilometres."""
    if isinstance(other, Place):
        return distance(place, other)
    return haversine_km(place.latitude, place.longitude, float(other[0]), float(other[1]))


def near_a_candidate(place: Place, resolution: Resolution) -> bool:
    """True if ``place`` lies within :data:`NEARBY_REACH_KM` of one of the resolution's candidates."""
    reach_lat = NEARBY_REACH_KM / _KM_PER_DEGREE
    lat, lon = place.latitude, place.longitude
    return any(abs(lat - c.place.latitude) <= reach_lat
               and haversine_km(lat, lon, c.place.latitude, c.place.longitude) <= NEARBY_REACH_KM
               for _score, c in resolution.candidates)


def nearest(places: Iterable[Place], lat: float, lon: float, kinds: Iterable[str] | None = None) -> Place | None:
    """The place nearest a point, optionally among some kinds only."""
    wanted = set(kinds) if kinds is not None else None
    best, best_km = None, math.inf
    for place in places:
        if wanted is not None and place.kind not in wanted:
            continue
        km = haversine_km(lat, lon, place.latitude, place.longitude)
        if km < best_km:
            best, best_km = place, km
    return best


def read_boundaries(path: Path) -> Boundaries | None:
    """The boundaries file at ``path`` (read once per version of the file), or None when there is none."""
    try:
        version = path.stat().st_mtime_ns
    except OSError:
        return None
    try:
        return _read_boundaries(path, version)
    except GazetteerError:
        return None


@functools.lru_cache(maxsize=4)
def _read_boundaries(path: Path, version: int) -> Boundaries:
    return Boundaries.read(path)


class Boundaries:
    """The admin boundaries of ``boundaries.geojson``, indexed by kind for point-in-polygon queries."""

    def __init__(self, trees: dict[str, tuple[STRtree, list[str]]]) -> None:
        self._trees = trees
        self._outlines: dict[str, Any] = {}

    @classmethod
    def read(cls, path: Path) -> Boundaries:
        """Load a boundaries file (features with ``kind`` and ``place_id`` properties).

        Raises
        ------
        GazetteerError
            When the file is missing or not GeoJSON.
        """
        from shapely import STRtree
        from shapely.geometry import shape

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise GazetteerError(f"{path}: boundaries file not found") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise GazetteerError(f"{path}: not valid GeoJSON: {exc}") from None
        grouped: dict[str, tuple[list[Any], list[str]]] = {}
        for feature in data.get("features", []):
            props = feature.get("properties") or {}
            geoms, ids = grouped.setdefault(props.get("kind", ""), ([], []))
            geoms.append(shape(feature["geometry"]))
            ids.append(props.get("place_id", ""))
        return cls({kind: (STRtree(geoms), ids) for kind, (geoms, ids) in grouped.items()})

    def containing(self, lat: float, lon: float, kind: str) -> list[str]:
        """The ``place_id`` of every ``kind`` boundary containing the point, in file order."""
        from shapely.geometry import Point

        tree, ids = self._trees.get(kind, (None, []))
        if tree is None:
            return []
        return [ids[int(i)] for i in tree.query(Point(lon, lat), predicate="intersects")]

    def has(self, kind: str) -> bool:
        """True when the file holds boundaries of ``kind`` (``world``: the countries' outlines)."""
        return kind in self._trees

    def country_at(self, lats: Sequence[float], lons: Sequence[float]) -> list[str | None]:
        """For each point, the ``place_id`` of the country outline holding it, or None (at sea).

        Outlines of kind ``country`` (the focus country's own, detailed) are
        looked at first, then the world's (``world``, ISO2 codes; ``""`` for an
        outline without a code); within a kind the first in file order wins.
        """
        import numpy as np
        import shapely

        found: list[str | None] = [None] * len(lats)
        todo = np.arange(len(lats))
        for kind in ("country", "world"):
            tree, ids = self._trees.get(kind, (None, []))
            if tree is None or not len(todo):
                continue
            points = shapely.points(np.asarray(lons, dtype=float)[todo], np.asarray(lats, dtype=float)[todo])
            hits = tree.query(points, predicate="intersects")
            if not hits.shape[1]:
                continue
            order = np.lexsort((hits[1], hits[0]))  # by point, then file order
            points_hit, first = np.unique(hits[0][order], return_index=True)
            for point, feature in zip(points_hit.tolist(), hits[1][order][first].tolist()):
                found[int(todo[point])] = ids[feature]
            todo = np.delete(todo, points_hit)
        return found

    def _outline(self, place_id: str) -> Any:
        """The union of the outlines of ``place_id`` (any kind), or None."""
        import shapely

        if place_id not in self._outlines:
            shapes = [tree.geometries[i] for tree, ids in self._trees.values() for i, pid in enumerate(ids)
                      if pid == place_id and place_id]
            self._outlines[place_id] = shapely.union_all(shapes) if shapes else None
        return self._outlines[place_id]

    def bounds(self, place_id: str) -> tuple[float, float, float, float] | None:
        """``(west, south, east, north)`` of the outlines of ``place_id``, or None when it has none."""
        shape = self._outline(place_id)
        return None if shape is None else tuple(shape.bounds)

    def km_from(self, place_id: str, lats: Sequence[float], lons: Sequence[float]) -> list[float]:
        """Kilometres from each point to the nearest outline of ``place_id`` (0 inside; inf without one)."""
        import numpy as np
        import shapely

        shape = self._outline(place_id)
        if shape is None:
            return [math.inf] * len(lats)
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        nearest = shapely.get_coordinates(shapely.shortest_line(shape, points))[0::2]  # the end on the outline
        return [haversine_km(lat, lon, y, x) for lat, lon, (x, y) in zip(lats, lons, nearest.tolist())]
