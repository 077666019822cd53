"""What the gazetteer holds and answers: places, candidates, queries, contexts, resolutions.

The data contract of ``places.tsv`` (one :class:`Place` per row) is in
``gazetteer/README.md``; :func:`light` is the spelling two names share when
they differ only in case, diacritics, apostrophes and articles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from geomap import names as _names
from geomap.errors import GazetteerError
from geomap.names import is_article, tokenize
from geomap.schema import PLACE_KINDS

COLUMNS = (
    "place_id", "name", "kind", "latitude", "longitude", "country",
    "admin1", "admin2", "parent_id", "population", "alt_names", "source",
)


#: The kinds of place, most prominent first (see :data:`geomap.schema.PLACE_KINDS`).
KINDS = PLACE_KINDS


# How prominent a kind is when nothing else decides: a bare "Aleppo" in a news
# report is the city, not the governorate of the same name.
KIND_WEIGHT = {
    "country": 1.0, "city": 0.9, "admin1": 0.8, "town": 0.65, "admin2": 0.6, "region": 0.55,
    "admin3": 0.45, "neighbourhood": 0.35, "village": 0.3, "facility": 0.25,
}


CUES = {
    "city": ("city", "town"),
    "town": ("town", "city", "village"),
    "village": ("village", "town"),
    "province": ("admin1",),
    "governorate": ("admin1",),
    "district": ("admin2", "neighbourhood", "admin3"),
    "subdistrict": ("admin3",),
    "neighbourhood": ("neighbourhood",),
    "region": ("region",),
    "country": ("country",),
}


class Place(NamedTuple):
    """One gazetteer entry (a row of ``places.tsv``; the contract is in ``gazetteer/README.md``).

    Attributes
    ----------
    place_id : str
        Unique id: an OCHA P-code, ``GN<geonameid>``, a country's ISO2 code, ``CUR-...`` for curated rows.
    name : str
        The main name.
    kind : str
        One of :data:`geomap.schema.PLACE_KINDS`.
    latitude, longitude : float
        WGS 84 degrees.
    country : str
        ISO2 code.
    admin1, admin2 : str
        The governorate (province) and district names, "" when unknown.
    parent_id : str
        The ``place_id`` of the unit holding it, "" when none.
    population : int or None
    alt_names : tuple of str
        Other names and spellings, Arabic script included.
    source : str
        Where the row comes from (``ocha2020:SY02``, ``geonames:170063`` ...).
    """

    place_id: str
    name: str
    kind: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    admin2: str
    parent_id: str
    population: int | None
    alt_names: tuple[str, ...]
    source: str

    @property
    def lat(self) -> float:
        return self.latitude

    @property
    def lon(self) -> float:
        return self.longitude

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alternative name."""
        return (self.name, *self.alt_names)

    def label(self) -> str:
        """A short human-readable description, e.g. ``Aleppo (city, Aleppo, SY)``."""
        where = ", ".join(part for part in (self.kind, self.admin1, self.country) if part)
        return f"{self.name} ({where})"

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain JSON-serialisable values."""
        row = self._asdict()
        row["alt_names"] = list(self.alt_names)
        return row


class Candidate(NamedTuple):
    """A gazetteer entry matching a name, before ranking.

    Attributes
    ----------
    place : Place
    key : str
        The gazetteer key that matched.
    score : float
        100 for an exact key match, else the rapidfuzz ratio of the keys.
    fuzzy : bool
        True for a fuzzy match.
    """

    place: Place
    key: str
    score: float
    fuzzy: bool


# Candidate(...) goes through a generated Python __new__; first-sight exact
# lookups build candidates by the thousand, so they call tuple's directly.
new_tuple = tuple.__new__


class Query(NamedTuple):
    """One place mention for :meth:`Gazetteer.resolve_many`.

    Attributes
    ----------
    name : str
        The name as written.
    cue : str or None
        What the text says about it (see :data:`CUES`: "city" for "the city
        of X", "province" for "X province", "neighbourhood" for "the X
        neighbourhood").
    city : str or None
        An enclosing city the text names ("the Muhafaza neighbourhood of
        Aleppo" -> ``city="Aleppo"``).
    anchor : str or None
        A place the text locates it from ("X, 20 km west of Aleppo" ->
        ``anchor="Aleppo"``; see :class:`ResolveContext`).
    anchor_km : float or None
        The distance from the anchor the text gives (20 above).
    """

    name: str
    cue: str | None = None
    city: str | None = None
    anchor: str | None = None
    anchor_km: float | None = None


@dataclass(frozen=True)
class ResolveContext:
    """What the surrounding text tells about a mention.

    Attributes
    ----------
    country : str or None
        ISO2 code of the document's country focus, e.g. ``"SY"``.
    nearby : tuple
        Other places the text names: :class:`Place` objects or ``(lat, lon)``.
    cue : str or None
        A key of :data:`CUES`.
    city : Place or str or None
        The enclosing city the text names, resolved first if a string.
    anchor : Place or str or None
        A place the text locates it from, by a direction or nearness ("X,
        west of Aleppo", "X near Aleppo"), resolved first if a string. A
        village, town or neighbourhood so placed lies in the anchor's
        governorate or within :data:`ANCHOR_REACH_KM` of it (or of the
        distance the text gives); a namesake farther away is refused.
    anchor_km : float or None
        The distance from the anchor the text gives ("20 km west of").
    within : Place or str or None
        A place the text sets beside it as holding it ("Tonala, Chiapas",
        "Hyderabad (Hyderabad, Sindh)"): a candidate inside any place of that
        name ranks as one inside an enclosing city, but none is refused for
        lying outside (lists are written alike: "in Kabul, Ghor and Balkh").
    holds : str or None
        A name the text sets before it as held by it (the converse of
        ``within``): an administrative unit holding a place of that name, or
        any unit when no place is spelled so, ranks as fitting a cue ("Chiapas"
        after "Tonala" is the state, not Chiapa de Corzo).
    """

    country: str | None = None
    nearby: tuple[Place | tuple[float, float], ...] = ()
    cue: str | None = None
    city: Place | str | None = None
    anchor: Place | str | None = None
    anchor_km: float | None = None
    within: Place | str | None = None
    holds: str | None = None

    def __post_init__(self) -> None:
        if self.cue is not None and self.cue not in CUES:
            raise ValueError(f"unknown cue {self.cue!r}; expected one of {', '.join(CUES)}")


@dataclass(frozen=True)
class Resolution:
    """The answer for one name: the chosen place or ``None``, and why.

    Attributes
    ----------
    query : str
        The name asked for.
    place : Place or None
        The place chosen, or None (unknown, ambiguous, or refused).
    reason : str
        Why this place won, or why none did.
    score : float
        The ranking score of the chosen candidate (0 when none was chosen);
        it orders candidates within one call and is not a probability.
    fuzzy : bool
        The chosen place matched fuzzily.
    candidates : list of (float, Candidate)
        Every candidate with its score, best first.
    """

    query: str
    place: Place | None
    reason: str
    score: float = 0.0
    fuzzy: bool = False
    candidates: list[tuple[float, Candidate]] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``located``; ``ambiguous`` (exact candidates, none chosen); ``unlocated``."""
        if self.place is not None:
            return "located"
        if any(not cand.fuzzy for _score, cand in self.candidates):
            return "ambiguous"
        return "unlocated"


#: Words that say what kind of place a name is ("Idlib province", "the city of X"), and the cue each gives.
CUE_WORDS = {
    "city": "city", "town": "town", "village": "village", "province": "province",
    "governorate": "governorate", "countryside": "province", "district": "district",
    "subdistrict": "subdistrict", "sub-district": "subdistrict", "neighbourhood": "neighbourhood",
    "neighborhood": "neighbourhood", "quarter": "neighbourhood", "suburb": "neighbourhood", "region": "region",
    # other countries' first-level divisions: "Antioquia department", "Jonglei state", "Luhansk oblast"
    "department": "province", "state": "province", "oblast": "province", "prefecture": "province",
}


_CUE_SUFFIX_RE = re.compile(rf"^(?P<name>.*\S)\s+(?P<cue>{'|'.join(CUE_WORDS)})$", re.IGNORECASE)


_CUE_PREFIX_RE = re.compile(rf"^(?:the\s+)?(?P<cue>{'|'.join(CUE_WORDS)})\s+of\s+(?P<name>\S.*)$", re.IGNORECASE)


# "northern Latakia", "eastern Aleppo countryside": the area is the place's.
DIRECTION_RE = re.compile(
    r"^(?P<direction>(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central|rural|greater|outer)"
    r"\s+(?P<name>\S.*)$",
    re.IGNORECASE,
)


def split_cue(name: str) -> tuple[str, str | None]:
    """Split a kind word off a name: ``"Idlib province"`` -> ``("Idlib", "province")``.

    Parameters
    ----------
    name : str
        A place name as written.

    Returns
    -------
    (str, str or None)
        The name without the kind word and the cue it gives (a key of
        :data:`CUES`), for ``X province|governorate|countryside|city|town|
        village|district|neighbourhood|quarter|suburb|region`` and ``(the)
        city|province|... of X``; ``(name, None)`` otherwise.
    """
    text = name.strip()
    for pattern in (_CUE_SUFFIX_RE, _CUE_PREFIX_RE):
        match = pattern.match(text)
        if match:
            return match.group("name").strip(), CUE_WORDS[match.group("cue").lower()]
    return name, None


@lru_cache(maxsize=100_000)
def light(name: str) -> str:
    """Case, diacritics, apostrophes and articles removed, no transliteration folds.

    Two spellings with the same light form are the same spelling; the folds
    of :func:`normalise` are what makes different spellings share a key.
    """
    if name.isascii():
        return _light_ascii(name)
    return " ".join(_names._basic(tok) for tok, _s, _e in tokenize(name) if not is_article(tok))


# tokenize's word pattern restricted to ASCII text, where its letters are
# [A-Za-z0-9] and its apostrophes ' and `: most names, at a fraction of the cost.
_ASCII_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['`]+[A-Za-z0-9]+)*")


def _light_ascii(name: str) -> str:
    """:func:`light` of an ASCII name (the same result, without the Unicode steps)."""
    kept = []
    for token in _ASCII_TOKEN_RE.findall(name):
        if len(token) >= 5 and token[-2] in "'`" and token[-1] in "sS":
            token = token[:-2]  # the English possessive, as tokenize cuts it
        basic = token.lower()
        if not basic.isalnum():
            basic = basic.replace("'", "").replace("`", "")
        if len(token) <= 8 and basic in _names._ARTICLES:
            continue
        kept.append(basic)
    return " ".join(kept)


def as_place(value: Place | Mapping[str, Any]) -> Place:
    if isinstance(value, Place):
        return value
    fields = {name: value.get(name) for name in Place._fields}
    for name in ("place_id", "name", "kind", "country", "admin1", "admin2", "parent_id", "source"):
        fields[name] = "" if fields[name] is None else str(fields[name])
    if not fields["name"] or fields["latitude"] is None or fields["longitude"] is None:
        raise GazetteerError(f"a place needs a name, latitude and longitude: {dict(value)!r}")
    if fields["kind"] not in KIND_WEIGHT:
        raise GazetteerError(f"unknown kind {fields['kind']!r} for {fields['name']!r} (one of: {', '.join(KINDS)})")
    fields["latitude"], fields["longitude"] = float(fields["latitude"]), float(fields["longitude"])
    alt = fields["alt_names"]
    fields["alt_names"] = tuple(alt) if isinstance(alt, (list, tuple)) else tuple(a for a in str(alt or "").split("|") if a)
    fields["place_id"] = fields["place_id"] or f"user:{fields['name']}"
    fields["source"] = fields["source"] or "user"
    return Place(**fields)
