"""The offline gazetteer as a geopy ``Geocoder``: ``geopandas.tools.geocode(names, provider=LocalGazetteer)``.

It follows geopy's conventions (those of ``Nominatim`` for the arguments
they share): ``country_codes`` restricts the answers to some countries,
``viewbox`` prefers an area and ``bounded=True`` restricts to it,
``components`` (as geopy's Google and HERE geocoders take them) restricts by
country and administrative area, ``limit`` below 1 is a ``ValueError``, and
``reverse`` answers None farther than :data:`REVERSE_KM` from any place.

Names are resolved by :meth:`Gazetteer.resolve`, the ranking extraction uses,
with one rule of the geocoder's own: an answer spelled unlike the query (it
shares only a transliteration key with it, such as Jaipur for "Jobar") never
beats a candidate spelled alike (Jowbar, Damascus).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point as GeoPoint

from geomap.errors import GazetteerError
from geomap.gazetteer.model import Place, ResolveContext, light
from geomap.gazetteer.resolve import (
    FOREIGN_SPELLING,
    SAME_PLACE_KM,
    TIE_MARGIN,
    Resolution,
)
from geomap.gazetteer.spatial import distance, haversine_km, nested
from geomap.gazetteer.store import Gazetteer
from geomap.schema import countries

__all__ = ["REVERSE_KM", "LocalGazetteer", "OfflineAdapter"]

#: ``reverse`` answers None for a point farther than this from every place (kilometres).
REVERSE_KM = 25.0
#: A candidate at least this alike in spelling (see :meth:`Resolver.spelling`) is "spelled alike".
SPELLED_ALIKE = FOREIGN_SPELLING
#: The ``components`` keys understood (those of geopy's Google geocoder that a gazetteer can answer).
COMPONENTS = ("country", "administrative_area", "locality")


class OfflineAdapter(BaseSyncAdapter):
    """An HTTP adapter that never connects: the gazetteer answers locally."""

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError(f"LocalGazetteer works offline and does not fetch {url}")

    def get_text(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError(f"LocalGazetteer works offline and does not fetch {url}")


@dataclass(frozen=True)
class _Filter:
    """Which candidates a query accepts (``countries``, ``admin``, a ``box`` when bounded) or prefers (a box)."""

    countries: frozenset[str] | None = None
    admin: str | None = None
    box: tuple[float, float, float, float] | None = None  # min lat, max lat, min lon, max lon
    bounded: bool = False

    def accepts(self, place: Place) -> bool:
        if self.countries is not None and place.country not in self.countries:
            return False
        if self.admin is not None and self.admin not in (light(place.admin1 or ""), light(place.admin2 or "")):
            return False
        return not (self.bounded and not self.inside(place))

    def inside(self, place: Place) -> bool:
        if self.box is None:
            return True
        south, north, west, east = self.box
        return south <= place.latitude <= north and west <= place.longitude <= east


class LocalGazetteer(Geocoder):
    """The offline gazetteer as a geopy ``Geocoder`` (never uses the network).

    Works wherever geopy geocoders do, e.g.
    ``geopandas.tools.geocode(["Aleppo", "Raqqa"], provider=LocalGazetteer)``
    (keyword arguments given there reach this constructor).

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        Defaults to :meth:`Gazetteer.load`.
    country : str, optional
        Country focus applied to every query (preferred, not required): an
        ISO2 or ISO3 code or a name, e.g. ``"SY"``, ``"SYR"``, ``"Syria"``.
    country_codes, viewbox, bounded :
        Defaults for :meth:`geocode`'s arguments of those names.
    reverse_km : float
        :meth:`reverse` answers None farther than this from any place
        (default :data:`REVERSE_KM`).
    **kwargs
        geopy's ``Geocoder`` arguments (``timeout``, ``user_agent``, ...);
        nothing is ever fetched.

    Raises
    ------
    ValueError
        For a country that is not one.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, country: str | None = None, *,
                 country_codes: str | Iterable[str] | None = None, viewbox: Sequence[Any] | None = None,
                 bounded: bool = False, reverse_km: float = REVERSE_KM, **kwargs: Any) -> None:
        kwargs.setdefault("adapter_factory", OfflineAdapter)
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or Gazetteer.load()
        self.country = _iso2(country) if country else None
        self.country_codes = _codes(country_codes)
        self.viewbox = _box(viewbox) if viewbox else None
        self.bounded = bounded
        self.reverse_km = reverse_km

    @staticmethod
    def _location(place: Place) -> Location:
        address = ", ".join(part for part in (place.name, place.admin2, place.admin1, place.country) if part)
        return Location(address, (place.latitude, place.longitude), place.to_dict())

    def geocode(self, query: str | None, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL,
                limit: int | None = None, *, country: str | None = None,
                country_codes: str | Iterable[str] | None = None, viewbox: Sequence[Any] | None = None,
                bounded: bool | None = None, components: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
                ) -> Location | list[Location] | None:
        """Resolve a place name.

        Parameters
        ----------
        query : str
            The name ("Aleppo", "Idlib province"). An empty string has no
            answer (None); None, or anything not a string (a missing value in
            a pandas column), is a ``ValueError`` (geopy's
            ``GeocoderQueryError``, which ``geopandas.tools.geocode`` turns into
            an empty answer) unless ``components`` gives a ``locality``.
        exactly_one : bool
            One :class:`~geopy.location.Location` (or None); else a list of
            them, best first (or None).
        timeout :
            Accepted for geopy's interface; the gazetteer answers at once.
        limit : int, optional
            With ``exactly_one=False``, at most this many answers; below 1 is
            a ``ValueError``, as in geopy's Nominatim.
        country : str, optional
            Country focus for this query (preferred, not required), as in the
            constructor; default the geocoder's.
        country_codes : str or list of str, optional
            Only answers in these countries (ISO2 codes, ISO3 codes or names).
        viewbox : pair of points, optional
            ``[(lat1, lon1), (lat2, lon2)]`` (or geopy Points, or
            ``"lat, lon"`` strings): answers inside it are preferred ...
        bounded : bool, optional
            ... and with True, required.
        components : mapping or list of pairs, optional
            ``country`` (restricts like ``country_codes``),
            ``administrative_area`` (the province or district the place lies
            in) and ``locality`` (the name, when ``query`` is None). Other
            keys are a ``ValueError``: nothing asked for is ignored.

        Returns
        -------
        Location, list of Location, or None
            None when no place matches, or when the answer would be a guess
            (equally plausible far-apart places, only weak fuzzy matches).
        """
        parts = _components(components)
        name = _query_text(query, parts.get("locality"))
        if exactly_one:
            limit = 1
        elif limit is not None:
            limit = int(limit)
            if limit < 1:
                raise ValueError("limit cannot be less than 1")
        codes = _codes(country_codes) if country_codes is not None else self.country_codes
        if "country" in parts:
            wanted = frozenset({_iso2(parts["country"])})
            codes = wanted if codes is None else codes & wanted
        box = _box(viewbox) if viewbox else self.viewbox
        bounds = _Filter(codes, light(parts["administrative_area"]) if "administrative_area" in parts else None,
                         box, self.bounded if bounded is None else bounded)
        if not name:
            return None
        focus = _iso2(country) if country else self.country
        if focus is None and codes is not None and len(codes) == 1:
            (focus,) = codes
        places = self._answers(name, self.gazetteer.resolve(name, ResolveContext(country=focus)), bounds)
        if not places:
            return None
        if exactly_one:
            return self._location(places[0]) if places[0] is not None else None
        return [self._location(p) for p in places if p is not None][:limit] or None

    def _answers(self, name: str, resolution: Resolution, bounds: _Filter) -> list[Place | None]:
        """The places to answer with, best first; a first entry of None means "no single answer"."""
        if resolution.place is None and resolution.fuzzy:
            return []  # only weak fuzzy matches: nothing worth listing
        spelling = self.gazetteer.resolver.spelling
        scored = [(score, cand.place) for score, cand in resolution.candidates if bounds.accepts(cand.place)]
        chosen = resolution.place if resolution.place is not None and bounds.accepts(resolution.place) else None
        if chosen is not None and not any(p.place_id == chosen.place_id for _s, p in scored):
            scored.insert(0, (resolution.score, chosen))

        def tier(place: Place) -> tuple[bool, bool]:
            # Spelled alike first, then inside a preferred viewbox: the resolver's score orders each tier.
            return (spelling(name, place) >= SPELLED_ALIKE, bounds.box is not None and bounds.inside(place))

        ordered = sorted(scored, key=lambda item: tier(item[1]), reverse=True)  # stable: scores stay in order
        if not ordered:
            return []
        if resolution.place is None and not resolution.reason.startswith("ambiguous"):
            return [None, *(p for _s, p in ordered)]  # the resolver declined to guess: listed, not chosen
        best: Place | None = None
        if chosen is not None and tier(chosen) == tier(ordered[0][1]):
            best = chosen
        elif tier(ordered[0][1])[0]:
            # The resolver's answer is ruled out or spelled unlike the query: a candidate spelled alike
            # replaces it, never one that only shares a transliteration key ("Aleppo" is not Ilobu).
            best = _unless_tied(ordered, tier)
        rest = [p for _s, p in ordered if best is None or p.place_id != best.place_id]
        return [best, *rest]

    def reverse(self, query: Any, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL, *,
                max_km: float | None = None) -> Location | list[Location] | None:
        """The place at a point: the province holding it, else the nearest place.

        Parameters
        ----------
        query : geopy Point, (lat, lon) or "lat, lon"
        exactly_one : bool
            One Location, or a list of one.
        timeout :
            Accepted for geopy's interface.
        max_km : float, optional
            No answer farther than this from the point; default the
            geocoder's ``reverse_km`` (:data:`REVERSE_KM`): ``(0, 0)`` in the
            Gulf of Guinea has none.
        """
        point = GeoPoint(query)
        reach = self.reverse_km if max_km is None else max_km
        try:
            place = self.gazetteer.containing(point.latitude, point.longitude, kind="admin1")
        except GazetteerError:
            place = None
        if place is None:
            place = self.gazetteer.nearest(point.latitude, point.longitude)
            if place is not None and haversine_km(point.latitude, point.longitude,
                                                  place.latitude, place.longitude) > reach:
                place = None
        if place is None:
            return None
        location = self._location(place)
        return location if exactly_one else [location]


def _unless_tied(ordered: list[tuple[float, Place]], tier: Callable[[Place], tuple[bool, bool]]) -> Place | None:
    """The first place, unless another of its tier is as plausible and far away (then None)."""
    score, best = ordered[0]
    for other_score, other in ordered[1:]:
        if tier(other) != tier(best) or score - other_score >= TIE_MARGIN:
            break
        if distance(best, other) > SAME_PLACE_KM and not nested(best, other):
            return None
    return best


def _query_text(query: Any, locality: str | None) -> str:
    if query is None:
        if locality is None:
            raise ValueError("a place name is required (query is None and components give no 'locality')")
        query = locality
    if not isinstance(query, str):
        raise GeocoderQueryError(f"query must be a place name (a string), not {type(query).__name__}")
    return " ".join(query.split())


def _components(components: Mapping[str, str] | Sequence[tuple[str, str]] | None) -> dict[str, str]:
    if components is None:
        return {}
    if isinstance(components, Mapping):
        items = list(components.items())
    elif isinstance(components, Sequence) and not isinstance(components, (str, bytes)):
        items = list(components)
    else:
        raise GeocoderQueryError("components must be a dict or a list of (key, value) pairs")
    found: dict[str, str] = {}
    for key, value in items:
        if key not in COMPONENTS:
            raise ValueError(f"component {key!r} is not understood offline (use {', '.join(COMPONENTS)})")
        if key in found and found[key] != value:
            raise ValueError(f"component {key!r} given twice ({found[key]!r}, {value!r})")
        found[key] = str(value)
    return found


def _iso2(country: str) -> str:
    """The ISO2 code of a country given by ISO2 or ISO3 code or by name; ValueError for anything else."""
    table = countries()
    text = str(country).strip()
    found = table.by_code(text.upper()) or table.by_name(text)
    if found is None:
        raise ValueError(f"unknown country {country!r} (give an ISO 3166 code such as SY or SYR, or a name)")
    return found.iso2


def _codes(codes: str | Iterable[str] | None) -> frozenset[str] | None:
    if codes is None or codes == "" or codes == []:
        return None
    return frozenset(_iso2(code) for code in ([codes] if isinstance(codes, str) else codes))


def _box(viewbox: Sequence[Any]) -> tuple[float, float, float, float]:
    if len(viewbox) != 2:
        raise ValueError("viewbox must be two points: [(lat1, lon1), (lat2, lon2)]")
    first, second = GeoPoint(viewbox[0]), GeoPoint(viewbox[1])
    return (min(first.latitude, second.latitude), max(first.latitude, second.latitude),
            min(first.longitude, second.longitude), max(first.longitude, second.longitude))
