"""The offline gazetteer: load, look names up, and resolve them in context.

:class:`Gazetteer` (:mod:`~geomap.gazetteer.store`) holds the places and
their lookup index; :mod:`~geomap.gazetteer.resolve` ranks the candidates of
a name in its context; :mod:`~geomap.gazetteer.spatial` measures distances
and finds the boundary holding a point; :class:`LocalGazetteer`
(:mod:`~geomap.gazetteer.geocoder`) wraps all this as a geopy ``Geocoder``;
:mod:`~geomap.gazetteer.build` makes ``gazetteer/`` from the OCHA and
GeoNames sources.
"""

from __future__ import annotations

from typing import Any

from geomap.gazetteer.model import (
    COLUMNS,
    CUE_WORDS,
    CUES,
    KINDS,
    Candidate,
    Place,
    Query,
    Resolution,
    ResolveContext,
    split_cue,
)
from geomap.gazetteer.spatial import ANCHOR_REACH_KM, NEARBY_REACH_KM, haversine_km
from geomap.gazetteer.store import Gazetteer

__all__ = [
    "Place", "Candidate", "Query", "ResolveContext", "Resolution", "Gazetteer", "LocalGazetteer",
    "haversine_km", "split_cue", "COLUMNS", "CUE_WORDS", "CUES", "KINDS", "ANCHOR_REACH_KM", "NEARBY_REACH_KM",
]


def __getattr__(name: str) -> Any:
    # geopy imports every web geocoder it ships (~0.2 s): LocalGazetteer loads on first use.
    if name == "LocalGazetteer":
        from geomap.gazetteer.geocoder import LocalGazetteer

        globals()[name] = LocalGazetteer
        return LocalGazetteer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
