"""Swapped latitude and longitude: a point outside the country its row names, whose swap lies inside.

Which country holds a point is answered by the gazetteer's outlines
(``boundaries.geojson``: the focus country's own outline, then the world's
countries from Natural Earth), else by the bundled gazetteer's, else by the
coarse boxes of the ACLED taxonomy file. A point is called swapped only when

* its swap lies inside the named country;
* the point itself lies clearly outside it: inside another country's
  outline and farther than :data:`SWAP_NEAR_KM` from the named country (a
  point just across a border is more likely given coarsely than swapped),
  or at sea farther than :data:`SEA_MARGIN_KM` from it (a point at sea
  closer than that is an offshore event or a coastal point given coarsely,
  the world's outlines being drawn at 1:110m); and
* the swap moves it at least :data:`SWAP_NEAR_KM`: a point whose swap lands
  almost on itself (latitude close to longitude, as around Latakia, 35.5°N
  35.8°E) is the same place either way, and not a swap. (Where only the
  taxonomy's boxes are known, this is the only margin.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from geomap.gazetteer.spatial import Boundaries, read_boundaries
from geomap.paths import gazetteer_dir
from geomap.schema import Country

#: A swap that moves a point less than this, or a point this close to its named country, is not called one (km).
SWAP_NEAR_KM = 25.0

#: A point at sea this close to the country its row names is taken as that country's (kilometres).
SEA_MARGIN_KM = 100.0


def swap_message(country: str, lat: float, lon: float) -> str:
    """The problem reported for a row whose coordinates look swapped."""
    return (f"point (latitude {lat}, longitude {lon}) is outside {country} but "
            f"({lon}, {lat}) is inside: latitude and longitude look swapped")


def outlines_for(gazetteer: Any) -> Boundaries | None:
    """The country outlines to test points against: the gazetteer's, else the bundled ones, else None.

    Reading the bundled outlines costs a few hundredths of a second; the
    bundled gazetteer itself is never loaded for this check.
    """
    own = getattr(gazetteer, "boundaries", None)
    if callable(own):
        found = own()
        if found is not None and (found.has("country") or found.has("world")):
            return found
    bundled = read_boundaries(gazetteer_dir() / "boundaries.geojson")
    return bundled if bundled is not None and (bundled.has("country") or bundled.has("world")) else None


def km_between(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances in kilometres, element by element."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def swapped(entries: Sequence[Country | None], lats: np.ndarray, lons: np.ndarray,
            outlines: Boundaries | None) -> np.ndarray:
    """Whether each point (in range) looks swapped, given the country its row names (None: cannot tell).

    Parameters
    ----------
    entries : sequence of Country or None
        The country each row names (None when the name is unknown).
    lats, lons : numpy.ndarray
        The points, all within [-90, 90] and [-180, 180].
    outlines : Boundaries or None
        From :func:`outlines_for`; None uses the taxonomy's boxes only.
    """
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    out = np.zeros(len(lats), dtype=bool)
    codes = np.array([e.iso2 if e is not None else None for e in entries], dtype=object)
    named = np.array([c is not None for c in codes], dtype=bool)
    rows = np.flatnonzero(named & (np.abs(lons) <= 90) & (km_between(lats, lons, lons, lats) >= SWAP_NEAR_KM))
    rows = rows[_within_reach(rows, lons, lats, codes, entries, outlines)]  # the swap: latitude <- longitude
    if not len(rows):
        return out
    inside = _inside(rows, lons, lats, codes, entries, outlines)  # the swap: latitude <- longitude
    rows = rows[inside]
    if len(rows):
        out[rows] = _outside(rows, lats, lons, codes, entries, outlines)
    return out


def _within_reach(rows: np.ndarray, lats: np.ndarray, lons: np.ndarray, codes: np.ndarray,
                  entries: Sequence[Country | None], outlines: Boundaries | None) -> np.ndarray:
    """Whether each point lies within the bounds of its named country's outline or box.

    A quick and exact cut: a point outside them is inside the country by no test.
    """
    keep = np.zeros(len(rows), dtype=bool)
    named = codes[rows]
    for code in set(named.tolist()):
        these = named == code
        at = rows[these]
        entry = entries[at[0]]
        boxes = [b for b in (outlines.bounds(code) if outlines is not None else None,
                             None if entry is None or entry.bbox is None else tuple(entry.bbox)) if b is not None]
        for west, south, east, north in boxes:
            keep[these] |= (lats[at] >= south) & (lats[at] <= north) & (lons[at] >= west) & (lons[at] <= east)
    return keep


def _held_by(rows: np.ndarray, lats: np.ndarray, lons: np.ndarray, outlines: Boundaries | None) -> list[str | None]:
    if outlines is None:
        return [None] * len(rows)
    return outlines.country_at(lats[rows], lons[rows])


def _inside(rows: np.ndarray, lats: np.ndarray, lons: np.ndarray, codes: np.ndarray,
            entries: Sequence[Country | None], outlines: Boundaries | None) -> np.ndarray:
    """Whether each point lies in its named country (at sea it does not, when the world's outlines are known)."""
    held = _held_by(rows, lats, lons, outlines)
    at_sea_is_outside = outlines is not None and outlines.has("world")
    answer = []
    for row, code in zip(rows.tolist(), held):
        if code is not None:
            answer.append(code == codes[row])
        else:
            answer.append(not at_sea_is_outside and _in_box(entries[row], lats[row], lons[row]) is True)
    return np.array(answer, dtype=bool)


def _outside(rows: np.ndarray, lats: np.ndarray, lons: np.ndarray, codes: np.ndarray,
             entries: Sequence[Country | None], outlines: Boundaries | None) -> np.ndarray:
    """Whether each point lies clearly outside its named country (see the module's docstring)."""
    held = _held_by(rows, lats, lons, outlines)
    answer = np.zeros(len(rows), dtype=bool)
    margins: dict[str, list[tuple[int, float]]] = {}  # named country -> (position, how far out counts)
    for k, (row, code) in enumerate(zip(rows.tolist(), held)):
        if code is not None:
            if code != codes[row]:
                margins.setdefault(codes[row], []).append((k, SWAP_NEAR_KM))
        elif outlines is not None and outlines.has("world"):
            margins.setdefault(codes[row], []).append((k, SEA_MARGIN_KM))
        else:
            answer[k] = _in_box(entries[row], lats[row], lons[row]) is False
    for code, items in margins.items():
        ks = [k for k, _ in items]
        picked = rows[ks]
        km = np.array(outlines.km_from(code, lats[picked].tolist(), lons[picked].tolist()))  # type: ignore[union-attr]
        answer[ks] = km > np.array([margin for _, margin in items])
    return answer


def _in_box(entry: Country | None, lat: float, lon: float) -> bool | None:
    if entry is None or entry.bbox is None:
        return None
    min_lon, min_lat, max_lon, max_lat = entry.bbox
    return bool(min_lat <= lat <= max_lat and min_lon <= lon <= max_lon)
