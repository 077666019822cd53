"""The offline gazetteer as a geopy ``Geocoder``: ``geopandas.tools.geocode(names, provider=LocalGazetteer)``."""

from __future__ import annotations

from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point as GeoPoint

from geomap.errors import GazetteerError
from geomap.gazetteer.model import Place, ResolveContext
from geomap.gazetteer.store import Gazetteer

__all__ = ["LocalGazetteer", "OfflineAdapter"]


class OfflineAdapter(BaseSyncAdapter):
    """An HTTP adapter that never connects: the gazetteer answers locally."""

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError(f"LocalGazetteer works offline and does not fetch {url}")

    def get_text(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError(f"LocalGazetteer works offline and does not fetch {url}")


class LocalGazetteer(Geocoder):
    """The offline gazetteer as a geopy ``Geocoder`` (never uses the network).

    Works wherever geopy geocoders do, e.g.
    ``geopandas.tools.geocode(["Aleppo", "Raqqa"], provider=LocalGazetteer)``.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        Defaults to :meth:`Gazetteer.load`.
    country : str, optional
        ISO2 country focus applied to every query, e.g. ``"SY"``.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, country: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("adapter_factory", OfflineAdapter)
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or Gazetteer.load()
        self.country = country

    @staticmethod
    def _location(place: Place) -> Location:
        address = ", ".join(part for part in (place.name, place.admin2, place.admin1, place.country) if part)
        return Location(address, (place.latitude, place.longitude), place.to_dict())

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None,
                limit: int | None = None, **_ignored: Any):
        """Resolve ``query``; a list of candidates when ``exactly_one`` is False.

        Returns ``None`` when the name is unknown or ambiguous.
        """
        focus = (country or self.country or None)
        if isinstance(focus, (list, tuple)):
            focus = focus[0] if focus else None
        resolution = self.gazetteer.resolve(str(query), ResolveContext(country=focus.upper() if focus else None))
        if exactly_one:
            return self._location(resolution.place) if resolution.place is not None else None
        places = [cand.place for _score, cand in resolution.candidates]
        if resolution.place is not None:
            places = [resolution.place] + [p for p in places if p is not resolution.place]
        if limit:
            places = places[:limit]
        return [self._location(p) for p in places] or None

    def reverse(self, query: Any, exactly_one: bool = True, **_ignored: Any):
        """The admin1 unit containing the point, else the nearest place."""
        point = GeoPoint(query)
        place = None
        try:
            place = self.gazetteer.containing(point.latitude, point.longitude, kind="admin1")
        except GazetteerError:
            place = None
        if place is None:
            place = self.gazetteer.nearest(point.latitude, point.longitude)
        if place is None:
            return None
        location = self._location(place)
        return location if exactly_one else [location]
