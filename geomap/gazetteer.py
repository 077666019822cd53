"""The offline gazetteer: load, look names up, and resolve them in context.

``Gazetteer.load()`` reads ``gazetteer/places.tsv`` (the data contract in
``gazetteer/README.md``) and a derived index (normalised key -> places) that
it caches under :func:`geomap.paths.cache_dir`, keyed by a hash of the data
and of the normalisation code, so a warm start is one unpickling.

Lookup is by :func:`geomap.names.normalise` key: every spelling variant the
folds collapse is an exact match; a rapidfuzz fallback over keys with the
same first letter and a similar length catches the rest, flagged ``fuzzy``.

Resolution ranks the candidates of a name with the evidence a reader uses:
the document's country, other places it names, an enclosing city, a cue
("the city of X", "X province"), and otherwise prominence (kind, population)
and how closely the spelling matches. It declines to guess: a low fuzzy
score, or equally plausible far-apart places, yields ``place=None`` with the
reason. :class:`LocalGazetteer` wraps all this as a geopy ``Geocoder``.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import pickle
import re
from collections import ChainMap, Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from geomap import names as _names
from geomap.errors import GazetteerError
from geomap.names import is_article, normalise, tokenize
from geomap.paths import cache_dir, gazetteer_dir
from geomap.textio import atomic_write

_T = TypeVar("_T")

__all__ = [
    "Place",
    "Candidate",
    "Query",
    "ResolveContext",
    "Resolution",
    "Gazetteer",
    "LocalGazetteer",
    "haversine_km",
]

COLUMNS = (
    "place_id", "name", "kind", "latitude", "longitude", "country",
    "admin1", "admin2", "parent_id", "population", "alt_names", "source",
)
KINDS = ("country", "admin1", "admin2", "admin3", "city", "town", "village", "neighbourhood", "region", "facility")
# Bump when the pickled index layout or the ranking inputs it stores change.
INDEX_VERSION = 5

# How prominent a kind is when nothing else decides: a bare "Aleppo" in a news
# report is the city, not the governorate of the same name.
_KIND_WEIGHT = {
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

# Ranking weights: see Gazetteer._rank. Spelling and prominence order
# candidates without context; context bonuses outweigh both.
_W_SPELLING = 0.45
_W_KIND = 0.20
_W_POPULATION = 0.25
_W_COUNTRY = 0.30
_W_NEARBY = 0.30
_W_IN_CITY = 0.50
_W_CUE = 0.40
_W_NEAR_COUNTRY = 0.15
_W_MAIN_NAME = 0.01
_FOLDED_ONLY = 0.6
_NEARBY_SCALE_KM = 40.0
_IN_CITY_KM = 15.0
# Two far-apart candidates closer than this in score are a tie: no guess.
_TIE_MARGIN = 0.015
_SAME_PLACE_KM = 30.0
# Fuzzy matches: which keys are compared, and which score is trusted.
FUZZY_CUTOFF = 80.0
FUZZY_ACCEPT = 85.0
# ...and the spelling itself (before the folds) must be this close too, since
# folded keys are short and look alike more often than the names do.
FUZZY_SPELLING = 0.75
_FUZZY_LIMIT = 5
# Keys shorter than this get no fuzzy matches: one letter changed in "sar" (Serj) is a third
# of the name, and short keys of unrelated places lie within the cutoff of each other.
_FUZZY_MIN_KEY = 5
# A place outside the document's country must be a large city, a country or
# admin unit, or lie near the focus country, to beat "unlocated".
_FOREIGN_MIN_POPULATION = 100_000
_FOREIGN_NEAR_KM = 500.0
# The folds are tuned on Syrian names; abroad, a key match must also look alike.
FOREIGN_SPELLING = 0.8
# In a document focused on another country, a foreign town or city must be
# spelled exactly like one of its names; a name this short (in letters) must
# be a country or province, or a city of at least _FOREIGN_LARGE people; and
# a foreign place smaller than that loses to a place of the focus country
# spelled (almost) like the mention. See Gazetteer.resolve.
FOREIGN_SHORT_LETTERS = 3
_FOREIGN_LARGE = 1_000_000
HOME_NAMESAKE_SPELLING = 0.9
_FOREIGN_EXEMPT_KINDS = ("country", "admin1", "region")


class Place(NamedTuple):
    """One gazetteer entry (a row of ``places.tsv``)."""

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

    ``score`` is 100 for an exact key match, else the rapidfuzz ratio of the
    keys; ``key`` is the gazetteer key that matched.
    """

    place: Place
    key: str
    score: float
    fuzzy: bool


# Candidate(...) goes through a generated Python __new__; first-sight exact
# lookups build candidates by the thousand, so they call tuple's directly.
_new_tuple = tuple.__new__
# Names whose keys a gazetteer remembers; beyond, it starts afresh.
_KEYS_LIMIT = 100_000


class Query(NamedTuple):
    """One place mention for :meth:`Gazetteer.resolve_many`.

    ``cue`` is what the text says about it (see :data:`CUES`: "city" for
    "the city of X", "province" for "X province", "neighbourhood" for "the
    X neighbourhood"); ``city`` is an enclosing city the text names ("the
    Muhafaza neighbourhood of Aleppo" -> ``city="Aleppo"``); ``anchor`` is a
    place the text locates it from ("X, 20 km west of Aleppo" ->
    ``anchor="Aleppo", anchor_km=20``; see :class:`ResolveContext`).
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
    """

    country: str | None = None
    nearby: tuple[Place | tuple[float, float], ...] = ()
    cue: str | None = None
    city: Place | str | None = None
    anchor: Place | str | None = None
    anchor_km: float | None = None

    def __post_init__(self) -> None:
        if self.cue is not None and self.cue not in CUES:
            raise ValueError(f"unknown cue {self.cue!r}; expected one of {', '.join(CUES)}")


@dataclass(frozen=True)
class Resolution:
    """The answer for one name: the chosen place or ``None``, and why.

    ``score`` is the ranking score of the chosen candidate (0 when none was
    chosen); it orders candidates within one call and is not a probability.
    ``candidates`` holds every candidate as ``(score, Candidate)``, best first.
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


_CUE_WORDS = {
    "city": "city", "town": "town", "village": "village", "province": "province",
    "governorate": "governorate", "countryside": "province", "district": "district",
    "subdistrict": "subdistrict", "sub-district": "subdistrict", "neighbourhood": "neighbourhood",
    "neighborhood": "neighbourhood", "quarter": "neighbourhood", "region": "region",
}
_CUE_SUFFIX_RE = re.compile(rf"^(?P<name>.*\S)\s+(?P<cue>{'|'.join(_CUE_WORDS)})$", re.IGNORECASE)
_CUE_PREFIX_RE = re.compile(rf"^(?:the\s+)?(?P<cue>{'|'.join(_CUE_WORDS)})\s+of\s+(?P<name>\S.*)$", re.IGNORECASE)


# "northern Latakia", "eastern Aleppo countryside": the area is the place's.
_DIRECTION_RE = re.compile(
    r"^(?P<direction>(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central|rural|greater|outer)"
    r"\s+(?P<name>\S.*)$",
    re.IGNORECASE,
)


def split_cue(name: str) -> tuple[str, str | None]:
    """Split a kind word off a name: ``"Idlib province"`` -> ``("Idlib", "province")``.

    Recognises ``X province|governorate|countryside|city|town|village|district|
    neighbourhood|quarter|region`` and ``(the) city|province|... of X``;
    returns ``(name, None)`` otherwise.
    """
    text = name.strip()
    for pattern in (_CUE_SUFFIX_RE, _CUE_PREFIX_RE):
        match = pattern.match(text)
        if match:
            return match.group("name").strip(), _CUE_WORDS[match.group("cue").lower()]
    return name, None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _distance(a: Place, b: Place) -> float:
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


# A settlement the text puts in a city ("X in Aleppo") may lie anywhere in the
# city's governorate ("in Aleppo" also names the province), or this close to it.
_OUTSIDE_CITY_KM = 50.0
_SETTLEMENT_KINDS = frozenset({"city", "town", "village", "neighbourhood"})


def _outside_city(place: Place, city: Place | None) -> str | None:
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
    gap = _distance(place, holder)
    return gap if gap > reach_km else None


#: How far from the place the text locates it from ("X, west of Aleppo") a
#: village, town or neighbourhood outside that place's governorate may lie
#: when the text gives no distance. News places a small place from a nearby
#: landmark; a namesake hundreds of kilometres away is another place.
ANCHOR_REACH_KM = 100.0
# Places small enough to be named from a landmark, and to share a country's name by chance.
_SMALL_KINDS = frozenset({"town", "village", "neighbourhood"})


def _anchor_reach(stated_km: float | None) -> float:
    """How far from its anchor a place may lie: the stated distance with a margin, at least ANCHOR_REACH_KM."""
    return ANCHOR_REACH_KM if stated_km is None else max(ANCHOR_REACH_KM, 1.5 * stated_km + 10.0)


def _far_from_anchor(place: Place, anchor: Place | None, stated_km: float | None) -> str | None:
    """Why ``place`` cannot be what the text locates from ``anchor``, or None."""
    if anchor is None or place.kind not in _SMALL_KINDS or anchor.kind == "country":
        return None
    gap = _gap_beyond(place, anchor, _anchor_reach(stated_km))
    if gap is None:
        return None
    return (f"the text locates it from {anchor.name}, but the best match, {place.label()}, lies {gap:.0f} km "
            f"from there; not guessing")


@lru_cache(maxsize=100_000)
def _light(name: str) -> str:
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
    """:func:`_light` of an ASCII name (the same result, without the Unicode steps)."""
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


# --- loading ---------------------------------------------------------------

def _parse_row(fields: list[str], path: Path, line: int) -> Place:
    if len(fields) != len(COLUMNS):
        raise GazetteerError(f"{path}:{line}: expected {len(COLUMNS)} tab-separated columns, found {len(fields)}")
    try:
        lat, lon = float(fields[3]), float(fields[4])
        population = int(fields[9]) if fields[9] else None
    except ValueError as exc:
        raise GazetteerError(f"{path}:{line}: bad number in row {fields[0]!r}: {exc}") from None
    if fields[2] not in _KIND_WEIGHT:
        raise GazetteerError(f"{path}:{line}: unknown kind {fields[2]!r} for {fields[0]!r}")
    alt_names = tuple(name for name in fields[10].split("|") if name)
    return Place(fields[0], fields[1], fields[2], lat, lon, fields[5], fields[6], fields[7], fields[8],
                 population, alt_names, fields[11])


def read_places(path: str | Path) -> list[Place]:
    """Read a ``places.tsv`` (or ``curated.tsv``) file.

    Raises
    ------
    GazetteerError
        When the file is missing or a row breaks the contract (names file:line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GazetteerError(f"{path}: gazetteer file not found (build it with `geomap gazetteer build`)") from None
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8: {exc}") from None
    lines = text.split("\n")
    header = lines[0].rstrip("\r").split("\t")
    if tuple(header) != COLUMNS:
        raise GazetteerError(f"{path}:1: header must be {' '.join(COLUMNS)}, found {' '.join(header)}")
    places = []
    for number, line in enumerate(lines[1:], start=2):
        if line.strip():
            places.append(_parse_row(line.rstrip("\r").split("\t"), path, number))
    return places


Index = dict[str, "int | tuple[int, ...]"]


def _build_index(places: Sequence[Place]) -> Index:
    """Key -> place position (an int, or a tuple when several places share the key)."""
    index: dict[str, list[int]] = {}
    for i, place in enumerate(places):
        for name in place.names:
            key = normalise(name)
            if not key:
                continue
            bucket = index.setdefault(key, [])
            if not bucket or bucket[-1] != i:
                bucket.append(i)
    return {key: ids[0] if len(ids) == 1 else tuple(ids) for key, ids in index.items()}


def _fuzzy_keys(places: Sequence[Place]) -> list[str]:
    """The keys fuzzy matching compares against.

    Every name of the home country's places (the country with most entries,
    Syria here), but only the main name of places elsewhere: the dozens of
    foreign-language names GeoNames gives world cities would triple the
    comparisons while rarely being what a misspelt English name was meant as.
    """
    home = Counter(place.country for place in places).most_common(1)
    home_country = home[0][0] if home else None
    keys = set()
    for place in places:
        names = place.names if place.country == home_country else (place.name,)
        keys.update(normalise(name) for name in names)
    keys.discard("")
    return sorted(keys)


def _row(place: Place) -> tuple:
    # The light forms of every name come last: computed once here, at index
    # build, they spare resolution a tokenisation per alternative name.
    return (*place[:10], "|".join(place.alt_names), place.source, "|".join(_light(name) for name in place.names))


def _place_from_row(row: tuple) -> Place:
    return Place(*row[:10], tuple(row[10].split("|")) if row[10] else (), row[11])


class _PlaceList(Sequence[Place]):
    """Rows as loaded, turned into :class:`Place` objects only when used.

    Unpickling half a million alternative names as separate strings is most
    of a cold start; kept as one ``|``-joined string per row, it is not.
    """

    def __init__(self, rows: Sequence[tuple], places: Sequence[Place] | None = None) -> None:
        # A tuple of tuples of strings and numbers, which the garbage collector
        # stops tracking; it would walk a list's every row in each full collection.
        self._rows = tuple(rows)
        self.made: list[Place | None] = list(places) if places is not None else [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        place = self.made[i]
        if place is None:
            row = self._rows[i]
            place = self.made[i] = _place_from_row(row)
            _pin(place, row[12])
        return place

    def ids(self) -> Iterator[str]:
        return (row[0] for row in self._rows)


class _ChainedPlaces(Sequence[Place]):
    """The places of a base gazetteer followed by extra ones, without copying the base."""

    def __init__(self, base: Sequence[Place], extra: Sequence[Place]) -> None:
        self._base = base
        self._extra = extra

    def __len__(self) -> int:
        return len(self._base) + len(self._extra)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        n = len(self._base)
        return self._base[i] if i < n else self._extra[i - n]

    def __iter__(self) -> Iterator[Place]:
        yield from self._base
        yield from self._extra


def _data_digest(places_path: Path) -> str:
    digest = hashlib.sha256()
    digest.update(f"index-v{INDEX_VERSION}".encode())
    digest.update(Path(_names.__file__).read_bytes())
    digest.update(places_path.read_bytes())
    return digest.hexdigest()[:24]


def _load_cached(places_path: Path) -> tuple[_PlaceList, Index, list[str], str]:
    try:
        digest = _data_digest(places_path)
    except FileNotFoundError:
        raise GazetteerError(f"{places_path}: gazetteer file not found (build it with `geomap gazetteer build`)") from None
    cache = cache_dir() / f"gazetteer-index-{digest}.pickle"
    try:
        with open(cache, "rb") as handle:
            rows, index, fuzzy_keys, word_keys, fixed_keys = pickle.load(handle)
        _names.add_word_keys(word_keys, fixed_keys)
        return _PlaceList(rows), index, fuzzy_keys, digest
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        pass  # absent or damaged: rebuild below
    places = read_places(places_path)
    rows = [_row(place) for place in places]
    index = _build_index(places)
    fuzzy_keys = _fuzzy_keys(places)
    # The keys of the gazetteer's own words, so queries spelled with them skip the folds.
    word_keys, fixed_keys = _names.word_keys(name for place in places for name in place.names)
    _names.add_word_keys(word_keys, fixed_keys)
    try:
        with atomic_write(cache, "wb") as handle:
            pickle.dump((rows, index, fuzzy_keys, word_keys, fixed_keys), handle, protocol=pickle.HIGHEST_PROTOCOL)
        _prune_caches(cache.parent, "index")
    except OSError:
        pass  # a read-only cache only costs speed
    return _PlaceList(rows, places), index, fuzzy_keys, digest


_KEEP_CACHES = 8


def _prune_caches(folder: Path, name: str) -> None:
    # Every data or code change leaves an index behind; keep the recent few.
    old = sorted(folder.glob(f"gazetteer-{name}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in old[_KEEP_CACHES:]:
        path.unlink(missing_ok=True)


# --- the gazetteer ---------------------------------------------------------

class Gazetteer:
    """Places, their lookup keys, and name resolution in context.

    Create with :meth:`load` (the bundled data, cached per process) or
    :meth:`from_places` (any list of :class:`Place`, e.g. in tests).
    """

    _loaded: dict[Path, Gazetteer] = {}

    def __init__(self, places: Sequence[Place], index: Mapping[str, int | tuple[int, ...]], fuzzy_keys: Sequence[str],
                 directory: Path | None = None, *, positions: Mapping[str, int] | None = None,
                 base: Gazetteer | None = None) -> None:
        self._places = places
        self._index = index
        self._fuzzy_keys = tuple(fuzzy_keys)  # untracked by the garbage collector, unlike a list
        self._positions = positions if positions is not None else {
            place_id: i for i, place_id in enumerate(places.ids())  # type: ignore[attr-defined]
        }
        self.directory = directory
        # A layered gazetteer (see with_places) keeps the one it extends and its own places.
        self._base = base
        self.user_places: tuple[Place, ...] = ()
        self._layers: dict[tuple[Place, ...], Gazetteer] = {}
        self.places_path: Path | None = None
        self._fuzzy_buckets: dict[str, tuple[list[int], list[str]]] | None = None
        # Name as written -> key, and key -> exact candidates (one, or a tuple
        # of several); see candidates().
        self._keys: dict[str, str] = {}
        self._exact: dict[str, Candidate | tuple[Candidate, ...]] = {}
        # The places made so far, by position (None: not yet), which candidates()
        # reads directly; other sequences (layered places) are read one by one.
        self._made: list[Place | None] = places.made if isinstance(places, _PlaceList) else [None] * len(places)
        self._boundaries: dict[str, tuple[Any, list[str]]] | None = None
        self._near_memo: dict[tuple[int, str], bool] = {}
        # Digest of the data and code of a gazetteer loaded from a file (see derived()).
        self._digest: str | None = None

    # construction

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """Load the gazetteer folder (default :func:`geomap.paths.gazetteer_dir`).

        Parameters
        ----------
        path : str or Path, optional
            A folder holding ``places.tsv`` (and optionally ``boundaries.geojson``),
            or a ``places.tsv`` file.

        Returns
        -------
        Gazetteer
            The same object for the same folder within one process.

        Raises
        ------
        GazetteerError
            When ``places.tsv`` is missing or damaged.
        """
        folder = Path(path) if path is not None else gazetteer_dir()
        places_path = folder if folder.suffix == ".tsv" else folder / "places.tsv"
        places_path = places_path.resolve()
        cached = cls._loaded.get(places_path)
        if cached is not None:
            return cached
        places, index, fuzzy_keys, digest = _load_cached(places_path)
        gazetteer = cls(places, index, fuzzy_keys, places_path.parent)
        gazetteer.places_path = places_path
        gazetteer._digest = digest
        cls._loaded[places_path] = gazetteer
        return gazetteer

    def derived(self, name: str, build: Callable[[], _T]) -> _T:
        """Return ``build()``, kept in the cache folder beside this gazetteer's index.

        For data made from the gazetteer alone, such as an automaton over its
        keys: a later process loads it instead of making it again. It is
        rebuilt whenever the gazetteer's data or its keys' code change, and
        made anew every time for a gazetteer built in memory or layered with
        user places.

        Parameters
        ----------
        name : str
            Letters, digits, dots and dashes; it must change whenever what
            ``build`` makes changes (put a version in it).
        build : callable
            Makes the data; its result must pickle.
        """
        if not re.fullmatch(r"[\w.-]+", name):
            raise ValueError(f"bad name for derived gazetteer data: {name!r}")
        if self._digest is None:
            return build()
        path = cache_dir() / f"gazetteer-{name}-{self._digest}.pickle"
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass  # absent, damaged or from other code: make it again
        value = build()
        try:
            with atomic_write(path, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            _prune_caches(path.parent, name)
        except (OSError, pickle.PicklingError):
            pass  # a read-only cache only costs speed
        return value

    @classmethod
    def from_places(cls, places: Iterable[Place]) -> Gazetteer:
        """Build an in-memory gazetteer (no cache, no boundaries)."""
        places = list(places)
        rows = _PlaceList([_row(place) for place in places], places)
        return cls(rows, _build_index(places), _fuzzy_keys(places))

    def with_places(self, places: Iterable[Place | Mapping[str, Any]]) -> Gazetteer:
        """Return a gazetteer with ``places`` layered over this one; they win.

        A name (or alternative name) of an added place hides every entry of
        this gazetteer that has the same key: the user's "Dubeet hospital"
        or their own spelling of a village is what the name resolves to. An
        added place with a ``place_id`` already used replaces that entry for
        :meth:`get`. This gazetteer is left unchanged and its index is
        shared, not rebuilt, so layering a few hundred places is instant.

        Parameters
        ----------
        places : iterable of Place or mapping
            Entries with the fields of :class:`Place`, e.g. the dicts of
            :func:`geomap.tables.read_user_places`. A place without
            ``country``, ``admin1`` or ``admin2`` gets those of the
            boundaries containing its point, when this gazetteer has them.

        Returns
        -------
        Gazetteer
            A new gazetteer (the same object for the same places, within one
            process), or this one when ``places`` is empty.

        Examples
        --------
        >>> hospital = {"place_id": "my:1", "name": "Dubeet hospital", "kind": "facility",
        ...             "latitude": 36.21, "longitude": 37.13}
        >>> gaz = Gazetteer.load().with_places([hospital])
        >>> gaz.resolve("Dubeet hospital").place.place_id
        'my:1'
        """
        extra = tuple(self._completed(_as_place(p)) for p in places)
        if not extra:
            return self
        layered = self._layers.get(extra)
        if layered is None:
            layered = self._layers[extra] = self._layered(extra)
        return layered

    def _layered(self, extra: tuple[Place, ...]) -> Gazetteer:
        offset = len(self._places)
        own = {
            key: ids + offset if isinstance(ids, int) else tuple(i + offset for i in ids)
            for key, ids in _build_index(extra).items()
        }
        positions = {place.place_id: offset + j for j, place in enumerate(extra)}
        fuzzy = sorted(set(self._fuzzy_keys).union(k for p in extra for k in map(normalise, p.names) if k))
        layered = Gazetteer(
            _ChainedPlaces(self._places, extra), ChainMap(own, self._index), fuzzy, self.directory,
            positions=ChainMap(positions, self._positions), base=self,
        )
        layered.user_places = extra
        return layered

    def _completed(self, place: Place) -> Place:
        """Fill a new place's missing country and admin names from the boundaries holding it."""
        if place.country and place.admin1 and place.admin2:
            return place
        filled = {}
        try:
            for kind, column in (("country", "country"), ("admin1", "admin1"), ("admin2", "admin2")):
                if getattr(place, column):
                    continue
                unit = self.containing(place.latitude, place.longitude, kind=kind)
                if unit is not None:
                    filled[column] = unit.place_id if kind == "country" else unit.name
        except GazetteerError:
            return place  # no boundaries: the place keeps what its row says
        if filled.get("country") and place.country and filled["country"] != place.country:
            return place  # the row names another country: admin names from ours would be wrong
        return place._replace(**filled)

    def __reduce__(self) -> tuple:
        # Worker processes (Dask, multiprocessing) reload from their own index
        # cache instead of receiving the whole gazetteer through a pipe.
        if self._base is not None:
            return (_layered_gazetteer, (self._base, self.user_places))
        if self.places_path is not None:
            return (Gazetteer.load, (self.places_path,))
        return (Gazetteer.from_places, (list(self._places),))

    # plain access

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    def get(self, place_id: str) -> Place:
        """Return the place with this ``place_id``; ``KeyError`` if absent."""
        return self._places[self._positions[place_id]]

    def _find(self, place_id: str) -> Place | None:
        position = self._positions.get(place_id)
        return None if position is None else self._places[position]

    def keys(self) -> Iterable[str]:
        """Every normalised key (Latin and Arabic script), for Aho-Corasick scanning."""
        return self._index.keys()

    def _ids(self, key: str) -> tuple[int, ...]:
        ids = self._index.get(key, ())
        return (ids,) if isinstance(ids, int) else ids

    def by_key(self, key: str) -> list[Place]:
        """Places whose name or an alternative name normalises to ``key``."""
        return [self._places[i] for i in self._ids(key)]

    # lookup

    def candidates(self, name: str, *, fuzzy: bool = True) -> list[Candidate]:
        """Every entry matching ``name``.

        Parameters
        ----------
        name : str
            A place name, any spelling.
        fuzzy : bool
            Fall back to fuzzy key matching when no key matches exactly.

        Returns
        -------
        list of Candidate
            Exact matches (``score`` 100) in gazetteer order; or, only when
            there is none, fuzzy matches best first.
        """
        # Documents name the same places again and again, in a few spellings:
        # each name's key and each key's exact candidates are kept (the names'
        # own memo of keys is not needed here).
        key = self._keys.get(name)
        if key is None:
            if len(self._keys) >= _KEYS_LIMIT:
                self._keys.clear()
            key = self._keys[name] = _names._normalise_unmemoised(name)
        exact = self._exact.get(key)
        if exact is None:
            ids = self._index.get(key)
            if ids is None:
                return self._fuzzy_candidates(key) if fuzzy and key else []
            # First sight is the common case, so the places come from the list
            # of those already made, without a Python call per place.
            if type(ids) is int:
                place = self._made[ids] or self._places[ids]
                exact = self._exact[key] = _new_tuple(Candidate, (place, key, 100.0, False))
                return [exact]
            found = itemgetter(*ids)(self._made)  # several ids: a tuple of places
            if not all(found):  # a place not made yet (a Place is a non-empty tuple)
                found = [self._places[i] for i in ids]
            cands = [_new_tuple(Candidate, (place, key, 100.0, False)) for place in found]
            self._exact[key] = tuple(cands)
            return cands
        if type(exact) is Candidate:
            return [exact]
        return list(exact)

    def _buckets(self) -> dict[str, tuple[list[int], list[str]]]:
        if self._fuzzy_buckets is None:
            grouped: dict[str, list[str]] = {}
            for key in self._fuzzy_keys:
                grouped.setdefault(key[0], []).append(key)
            buckets = {}
            for first, keys in grouped.items():
                keys.sort(key=len)
                buckets[first] = ([len(k) for k in keys], keys)
            self._fuzzy_buckets = buckets
        return self._fuzzy_buckets

    def _fuzzy_candidates(self, key: str) -> list[Candidate]:
        # Only keys with the same first letter and a length within one letter
        # per ten are compared: a typo or a transliteration variant rarely
        # changes the first letter of a key, and adds or drops a letter or two.
        from rapidfuzz import fuzz, process

        bucket = self._buckets().get(key[0]) if len(key) >= _FUZZY_MIN_KEY else None
        if bucket is None:
            return []
        lengths, keys = bucket
        spread = 1 + len(key) // 10
        lo = bisect.bisect_left(lengths, len(key) - spread)
        hi = bisect.bisect_right(lengths, len(key) + spread)
        matches = process.extract(key, keys[lo:hi], scorer=fuzz.ratio, limit=_FUZZY_LIMIT, score_cutoff=FUZZY_CUTOFF)
        found = []
        for match, score, _pos in matches:
            for i in self._ids(match):
                found.append(Candidate(self._places[i], match, float(score), True))
        return found

    # resolution

    def resolve(self, name: str, context: ResolveContext | None = None) -> Resolution:
        """Choose the place ``name`` most plausibly refers to, or none.

        Parameters
        ----------
        name : str
            The place name as written.
        context : ResolveContext, optional
            Country focus, nearby places, cue, enclosing city and the place
            the text locates it from.

        Returns
        -------
        Resolution
            ``place`` is ``None`` when nothing matches, when only weak fuzzy
            matches exist, when far-apart candidates are equally plausible, or
            when the best match is a small or differently spelled place outside
            the document's country; ``reason`` says which, or why the chosen
            place won.

        Notes
        -----
        A name the gazetteer lacks is retried without a kind word ("Idlib
        province" -> "Idlib" with the cue "province") and, inside the focus
        country, without a direction word ("northern Latakia" -> "Latakia").
        Candidates are ranked by spelling (alike beats merely folded alike),
        kind and population, then bonuses for the focus country, nearness to
        the other places named, lying in the enclosing city or within reach of
        the place the text locates it from, and fitting the cue.

        With a country focus, a candidate town or city (not a country,
        province or region) in *another* country is set aside when:

        - it matches only through the transliteration folds or fuzzily, not
          by the exact spelling of its name or of an alternative name
          (case, diacritics and articles aside). The folds are tuned on
          Arabic names; abroad they mostly join unrelated words ("Mar" and
          Muar);
        - the mention has at most :data:`FOREIGN_SHORT_LETTERS` letters and
          the place has under a million inhabitants: short words and
          abbreviations match some foreign alternative name far too often
          ("Tu" is an alternative name of Tsu, Japan), while a capital
          or a large city named in so few letters is rare;
        - it has under a million inhabitants and a candidate in the focus
          country is spelled like the mention, or almost (similarity at
          least :data:`HOME_NAMESAKE_SPELLING`): a report on Syria naming
          "Mansoura" means one of its own Mansuras before a city in Egypt,
          though it still means Baghdad, Iraq before the Baghdad
          neighbourhood of Damascus.

        When every candidate is set aside the name is unlocated, with the
        reason. Large and well-known places abroad (Geneva, Moscow, Ankara,
        Beirut, Amman, Mosul, Erbil) are spelled as named and pass.
        """
        context = context or ResolveContext()
        found = self.candidates(name, fuzzy=False)
        if not found:
            bare, cue = split_cue(name)
            if cue is not None:
                return self.resolve(bare, replace(context, cue=context.cue or cue))
            direction = _DIRECTION_RE.match(name.strip())
            if direction and context.country:
                # Only inside the document's country: "Northern Ireland" is not Ireland.
                inner = self.resolve(direction.group("name"), context)
                if inner.place is not None and inner.place.country == context.country:
                    return replace(inner, query=name, reason=f"{direction.group('direction')!r} set aside: {inner.reason}")
            found = self.candidates(name)
        if not found:
            return Resolution(name, None, f"no gazetteer entry matches {name!r}")
        city = self._enclosing_city(context)
        anchor = self._anchor(context)
        nearby = _Nearby(context.nearby) if context.nearby else None
        ranked = sorted(
            ((self._rank(name, cand, context, city, nearby, anchor), cand) for cand in found),
            key=lambda item: -item[0][0],
        )
        scored = [(round(score, 4), cand) for (score, _notes), cand in ranked]
        if found[0].fuzzy:
            ranked = [item for item in ranked if _trusted_fuzzy(name, item[1])]
            if not ranked:
                listing = ", ".join(f"{c.place.name} ({c.score:.0f})" for _s, c in scored[:3])
                return Resolution(name, None, f"only weak fuzzy matches for {name!r}: {listing}", 0.0, True, scored)
        if context.country:
            kept = self._without_foreign_junk(name, ranked, context.country)
            if not kept:
                why = self._foreign_objection(name, ranked[0][1].place, context.country, ranked)
                return Resolution(name, None, f"{name!r}: {why}; not guessing", 0.0, ranked[0][1].fuzzy, scored)
            ranked = kept
        (best_score, notes), best = _prefer_settlement(name, ranked, context)
        for (score, _n), other in ranked:
            if other is best or best_score - score >= _TIE_MARGIN:
                continue
            if best.place.kind == "country" and other.place.kind in _SMALL_KINDS:
                continue  # a village never makes a country's own name ambiguous (see _prefer_settlement)
            if _distance(best.place, other.place) > _SAME_PLACE_KM and not _nested(best.place, other.place):
                return Resolution(
                    name, None,
                    f"ambiguous {name!r}: {best.place.label()} and {other.place.label()} are equally plausible "
                    f"({_distance(best.place, other.place):.0f} km apart); more context needed",
                    0.0, best.fuzzy, scored,
                )
        refusal = (self._foreign_refusal(name, best.place, context) or _outside_city(best.place, city)
                   or _far_from_anchor(best.place, anchor, context.anchor_km))
        if refusal:
            return Resolution(name, None, f"{name!r}: {refusal}", 0.0, best.fuzzy, scored)
        match = f"fuzzy match ({best.score:.0f}) on {best.key!r}" if best.fuzzy else "exact match"
        reason = f"{match} -> {best.place.label()} [{best.place.place_id}]"
        if notes:
            reason += ": " + "; ".join(notes)
        if len(ranked) > 1:
            reason += f"; ranked first of {len(ranked)} candidates"
        return Resolution(name, best.place, reason, round(best_score, 4), best.fuzzy, scored)

    def resolve_many(self, queries: Iterable[str | Query | tuple], country: str | None = None) -> list[Resolution]:
        """Resolve every place mention of one document together.

        Each mention is resolved once alone (with ``country`` if given); when
        ``country`` is None the document's focus is the country most of the
        located mentions fall in. Then each mention is resolved again with the
        focus and the places of the *other* mentions as nearby context, so
        "Muhafaza" next to "Aleppo" picks Aleppo's neighbourhood.

        Parameters
        ----------
        queries : iterable of str, Query or tuple
            The mentions in document order; a tuple is ``Query(*tuple)``.
        country : str, optional
            ISO2 country focus; inferred when omitted.

        Returns
        -------
        list of Resolution
            One per query, in order.
        """
        items = [q if isinstance(q, Query) else Query(q) if isinstance(q, str) else Query(*q) for q in queries]
        first = [self.resolve(q.name, ResolveContext(country=country, cue=q.cue, city=q.city, anchor=q.anchor,
                                                     anchor_km=q.anchor_km)) for q in items]
        if country is None:
            country = self.infer_country(first)
        keys = [normalise(q.name) for q in items]
        final = []
        for i, query in enumerate(items):
            nearby = tuple(
                res.place for j, res in enumerate(first)
                if res.place is not None and keys[j] != keys[i]
            )
            context = ResolveContext(country=country, nearby=nearby, cue=query.cue, city=query.city,
                                     anchor=query.anchor, anchor_km=query.anchor_km)
            final.append(self.resolve(query.name, context))
        return final

    @staticmethod
    def infer_country(resolutions: Iterable[Resolution]) -> str | None:
        """The country most located resolutions fall in (None on a tie or none)."""
        counts = Counter(res.place.country for res in resolutions if res.place is not None and res.place.country)
        top = counts.most_common(2)
        if not top or (len(top) == 2 and top[0][1] == top[1][1]):
            return None
        return top[0][0]

    def _enclosing_city(self, context: ResolveContext) -> Place | None:
        if context.city is None or isinstance(context.city, Place):
            return context.city
        return self._holding_place(context.city, context.country, "city")

    def _anchor(self, context: ResolveContext) -> Place | None:
        if context.anchor is None or isinstance(context.anchor, Place):
            return context.anchor
        return self._holding_place(context.anchor, context.country, None)

    def _holding_place(self, name: str, country: str | None, cue: str | None) -> Place | None:
        """The place a mention's city or anchor names: "Anbar province" is the province, not a village."""
        bare, named_cue = split_cue(name)
        if named_cue in ("province", "governorate"):
            name, cue = bare, named_cue
        return self.resolve(name, ResolveContext(country=country, cue=cue)).place

    def _rank(self, name: str, cand: Candidate, context: ResolveContext, city: Place | None,
              nearby: _Nearby | None = None, anchor: Place | None = None) -> tuple[float, list[str]]:
        place = cand.place
        facts = _facts(place)
        query = _light(name)
        notes: list[str] = []
        spelling = _light_similarity(query, place)
        if spelling < 1.0:
            # Sharing a key through the folds is weaker evidence than being spelled
            # alike: "Erbil" is Erbil before it is a Syrian town once written "Aarbil".
            spelling *= _FOLDED_ONLY
        if cand.fuzzy:
            spelling *= cand.score / 100.0
        elif spelling == 1.0:
            notes.append("same spelling")
        score = _W_SPELLING * spelling + facts.kind_term
        if facts.main_light == query:
            score += _W_MAIN_NAME  # "London" is London before it is the City of London
        if place.population:
            score += facts.population_term
            notes.append(facts.population_note)
        if context.country and place.country == context.country:
            score += _W_COUNTRY
            notes.append(f"in the document's country {context.country}")
        elif context.country and self._near_country(place, context.country):
            score += _W_NEAR_COUNTRY
            notes.append(f"within {_FOREIGN_NEAR_KM:.0f} km of the document's country {context.country}")
        if context.nearby:
            closest = (nearby or _Nearby(context.nearby)).closest(place)
            if closest is not None:
                gap, near = closest
                bonus = _W_NEARBY * math.exp(-gap / _NEARBY_SCALE_KM)
                if bonus > 0.01:
                    score += bonus
                    near_name = near.name if isinstance(near, Place) else f"{near[0]:.3f},{near[1]:.3f}"
                    notes.append(f"{gap:.0f} km from {near_name}, also named in the text")
        if city is not None and place.place_id != city.place_id and (
            _nested(city, place) if city.kind in _ADMIN_KINDS  # "X in Hasakeh province": town and district alike
            else place.parent_id == city.place_id or _distance(place, city) <= _IN_CITY_KM
        ):
            score += _W_IN_CITY
            notes.append(f"inside {city.name}, which the text puts it in")
        if anchor is not None and place.place_id != anchor.place_id and anchor.kind != "country" and (
            _distance(place, anchor) <= _anchor_reach(context.anchor_km)
        ):
            score += _W_IN_CITY
            notes.append(f"within reach of {anchor.name}, which the text locates it from")
        if context.cue and place.kind in CUES[context.cue]:
            score += _W_CUE
            notes.append(f"kind {place.kind} fits the cue {context.cue!r}")
        return score, notes

    def _without_foreign_junk(self, name: str, ranked: list, country: str) -> list:
        """The ranked candidates minus the foreign ones :meth:`_foreign_objection` rejects."""
        return [item for item in ranked if self._foreign_objection(name, item[1].place, country, ranked) is None]

    def _foreign_objection(self, name: str, place: Place, country: str, ranked: list) -> str | None:
        """Why a candidate outside the focus ``country`` is not what ``name`` means here, or None."""
        if place.country == country or place.kind in _FOREIGN_EXEMPT_KINDS:
            return None
        query = _light(name)
        large = (place.population or 0) >= _FOREIGN_LARGE
        if _light_similarity(query, place) < 1.0:
            return (f"{place.label()} lies outside the document's country {country} and matches "
                    f"only through spelling folds, not by one of its names")
        letters = sum(ch.isalpha() for ch in query)
        if letters <= FOREIGN_SHORT_LETTERS and not large:
            return (f"{name!r} is too short a name to place a town outside the document's country {country} "
                    f"({place.label()})")
        if not large and any(
            other.place.country == country and _light_similarity(query, other.place) >= HOME_NAMESAKE_SPELLING
            for _score, other in ranked
        ):
            return (f"{place.label()} is a small place outside the document's country {country}, "
                    f"which has a place of that name")
        return None

    def _foreign_refusal(self, name: str, place: Place, context: ResolveContext) -> str | None:
        if not context.country or place.country == context.country:
            return None
        if _spelling_similarity(name, place) < FOREIGN_SPELLING:
            return (f"the best match, {place.label()}, lies outside the document's country {context.country} "
                    f"and none of its names is spelled like {name!r}; not guessing")
        if place.kind in ("country", "admin1", "region") or (place.population or 0) >= _FOREIGN_MIN_POPULATION:
            return None
        if self._near_country(place, context.country):
            return None
        return (f"the best match, {place.label()}, is a small place far outside the document's country "
                f"{context.country}; not guessing")

    def _near_country(self, place: Place, country: str) -> bool:
        memo_key = (id(_facts(place).place), country)  # _FACTS pins the place, so its id stays its own
        near = self._near_memo.get(memo_key)
        if near is None:
            home = self._find(country)
            near = home is not None and home.kind == "country" and _distance(place, home) <= _FOREIGN_NEAR_KM
            if len(self._near_memo) >= _SIMILARITY_LIMIT:
                self._near_memo.clear()
            self._near_memo[memo_key] = near
        return near

    # geometry

    def containing(self, lat: float, lon: float, kind: str = "admin1") -> Place | None:
        """The ``kind`` boundary (country, admin1, admin2) containing a point.

        Uses ``boundaries.geojson`` beside ``places.tsv``, loaded on first call.

        Raises
        ------
        GazetteerError
            When the gazetteer has no boundaries file.
        """
        from shapely.geometry import Point

        tree, ids = self._boundary_index().get(kind, (None, []))
        if tree is None:
            return None
        point = Point(lon, lat)
        for i in tree.query(point, predicate="intersects"):
            place = self._find(ids[int(i)])
            if place is not None:
                return place
        return None

    def _boundary_index(self) -> dict[str, tuple[Any, list[str]]]:
        if self._base is not None:
            return self._base._boundary_index()
        if self._boundaries is None:
            import json

            from shapely import STRtree
            from shapely.geometry import shape

            if self.directory is None:
                raise GazetteerError("this gazetteer was built in memory and has no boundaries.geojson")
            path = self.directory / "boundaries.geojson"
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
            self._boundaries = {kind: (STRtree(geoms), ids) for kind, (geoms, ids) in grouped.items()}
        return self._boundaries

    def nearest(self, lat: float, lon: float, kinds: Iterable[str] | None = None) -> Place | None:
        """The entry nearest a point, optionally among some kinds only."""
        wanted = set(kinds) if kinds is not None else None
        best, best_km = None, math.inf
        for place in self._places:
            if wanted is not None and place.kind not in wanted:
                continue
            km = haversine_km(lat, lon, place.latitude, place.longitude)
            if km < best_km:
                best, best_km = place, km
        return best


def _layered_gazetteer(base: Gazetteer, places: tuple[Place, ...]) -> Gazetteer:
    """Unpickling a layered gazetteer: the base is the process's cached one."""
    return base.with_places(places)


def _as_place(value: Place | Mapping[str, Any]) -> Place:
    if isinstance(value, Place):
        return value
    fields = {name: value.get(name) for name in Place._fields}
    for name in ("place_id", "name", "kind", "country", "admin1", "admin2", "parent_id", "source"):
        fields[name] = "" if fields[name] is None else str(fields[name])
    if not fields["name"] or fields["latitude"] is None or fields["longitude"] is None:
        raise GazetteerError(f"a place needs a name, latitude and longitude: {dict(value)!r}")
    if fields["kind"] not in _KIND_WEIGHT:
        raise GazetteerError(f"unknown kind {fields['kind']!r} for {fields['name']!r} (one of: {', '.join(KINDS)})")
    fields["latitude"], fields["longitude"] = float(fields["latitude"]), float(fields["longitude"])
    alt = fields["alt_names"]
    fields["alt_names"] = tuple(alt) if isinstance(alt, (list, tuple)) else tuple(a for a in str(alt or "").split("|") if a)
    fields["place_id"] = fields["place_id"] or f"user:{fields['name']}"
    fields["source"] = fields["source"] or "user"
    return Place(**fields)


_ADMIN_KINDS = ("country", "admin1", "admin2", "admin3")


def _nested(a: Place, b: Place) -> bool:
    """True if one is an admin unit holding the other (a town and its district)."""
    for unit, member in ((a, b), (b, a)):
        if unit.kind not in _ADMIN_KINDS:
            continue
        if member.parent_id and member.parent_id.startswith(unit.place_id):
            return True
        if (unit.kind == "admin1" and member.admin1 == unit.name) or (unit.kind == "admin2" and member.admin2 == unit.name):
            return True
        if unit.kind == "country" and member.country == unit.place_id:
            return True
    return False


# What an admin unit's name means without a cue, when a settlement of that name lies in it.
_TOWN_KINDS = ("city", "town", "village")


def _trusted_fuzzy(name: str, cand: Candidate) -> bool:
    """A fuzzy key match close enough, and spelled closely enough, to act on."""
    return cand.score >= FUZZY_ACCEPT and _spelling_similarity(name, cand.place) >= FUZZY_SPELLING


def _prefer_settlement(name: str, ranked: list, context: ResolveContext) -> tuple:
    """The top-ranked entry, or the town inside it when it is a same-named admin unit,
    or the country a small place shares its exact name with.

    Without a cue, "Tell Abiad" means the town rather than the district
    named after it, whatever the spelling of each row.
    """
    top = ranked[0]
    if context.cue is None and top[1].place.kind in _SMALL_KINDS:
        # "rebel backer Qatar": a bare name spelled as a country is the country, not a village of that name
        country = next((item for item in ranked if item[1].place.kind == "country" and not item[1].fuzzy
                        and _light_similarity(_light(name), item[1].place) == 1.0), None)
        if country is not None:
            return country
    if context.cue is not None or top[1].place.kind not in _ADMIN_KINDS[1:]:
        return top
    for item in ranked[1:]:
        place = item[1].place
        if place.kind in _TOWN_KINDS and _nested(top[1].place, place):
            return item
    return top


# A nearby place farther than this adds less than the 0.01 floor of the
# nearby bonus (plus a margin for rounding): it cannot change a score.
_NEARBY_REACH_KM = _NEARBY_SCALE_KM * math.log(_W_NEARBY / 0.01) + 1.0


# Kilometres per degree of latitude, rounded down: two points farther apart in
# latitude than reach / this are farther than reach apart.
_KM_PER_DEGREE = 111.0


class _Nearby:
    """The nearby places of one resolution, with a cheap cut by latitude.

    :meth:`closest` returns what ``min((_gap_km(place, other), other) for
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
        lat, reach = place.latitude, _NEARBY_REACH_KM / _KM_PER_DEGREE
        within = [other for other_lat, other in self._spots if abs(other_lat - lat) <= reach]
        if not within:
            return None
        # in the original order, so ties resolve as a plain min over all would
        return min((_gap_km(place, other), other) for other in within)


def _gap_km(place: Place, other: Place | tuple[float, float]) -> float:
    if isinstance(other, Place):
        return _distance(place, other)
    return haversine_km(place.latitude, place.longitude, float(other[0]), float(other[1]))


def _spelling_similarity(name: str, place: Place) -> float:
    """1.0 when the query is spelled like one of the place's names, else the best ratio."""
    return _light_similarity(_light(name), place)


# Per-place facts the ranking needs again and again, computed once per place
# object: its main name's light form, the kind and population terms of the score.
# Keyed by ``id(place)``; each value holds the place itself, so the id cannot
# be reused by another object while the entry exists.
class _Facts(NamedTuple):
    place: Place
    lights: tuple[str, ...] | None  # of place.names, when the index supplied them
    main_light: str
    kind_term: float
    population_term: float
    population_note: str


_FACTS: dict[int, _Facts] = {}
# (light query, id(place)) -> spelling similarity; ids are pinned by _FACTS.
_SIMILARITY: dict[tuple[str, int], float] = {}
# Bounded so that a long-running process over many gazetteers cannot grow them without limit.
_FACTS_LIMIT = 200_000
_SIMILARITY_LIMIT = 500_000


# id(place) -> (place, its names' light forms ``|``-joined), noted when a
# place is made from its index row; turned into _Facts only if it gets ranked.
_PINNED: dict[int, tuple[Place, str]] = {}


def _pin(place: Place, lights: str) -> None:
    """Note the light forms of a place's names (``|``-joined, from the index)."""
    _PINNED[id(place)] = (place, lights)  # at most one entry per loaded place


def _facts(place: Place) -> _Facts:
    facts = _FACTS.get(id(place))
    if facts is None or facts.place is not place or (facts.lights is None and id(place) in _PINNED):
        pinned = _PINNED.get(id(place))
        lights = tuple(pinned[1].split("|")) if pinned is not None and pinned[0] is place else None
        facts = _FACTS[id(place)] = _make_facts(place, lights)
    return facts


def _make_facts(place: Place, lights: tuple[str, ...] | None) -> _Facts:
    if len(_FACTS) >= _FACTS_LIMIT:
        _FACTS.clear()
        _SIMILARITY.clear()  # its ids are only safe while _FACTS pins the places
    population = place.population
    population_term = _W_POPULATION * min(1.0, math.log10(population + 1) / 7.0) if population else 0.0
    return _Facts(
        place, lights, lights[0] if lights else _light(place.name), _W_KIND * _KIND_WEIGHT[place.kind],
        population_term, f"population {population:,}" if population else "",
    )


def _light_similarity(query: str, place: Place) -> float:
    memo_key = (query, id(place))
    found = _SIMILARITY.get(memo_key)
    if found is None:
        facts = _facts(place)  # pins the place: its id is its own while the memo entry lives
        found = _similarity_uncached(query, place, facts.lights)
        if len(_SIMILARITY) >= _SIMILARITY_LIMIT:
            _SIMILARITY.clear()
        _SIMILARITY[memo_key] = found
    return found


def _similarity_uncached(query: str, place: Place, known: tuple[str, ...] | None = None) -> float:
    from rapidfuzz import fuzz, process

    if known is not None and len(known) == len(place.names):
        if query in known:
            return 1.0
        return process.extractOne(query, known, scorer=fuzz.ratio)[1] / 100.0
    # Names in order, stopping at the first spelled alike: world cities carry
    # dozens of alternative names, most never needed.
    lights = []
    for candidate_name in place.names:
        light = _light(candidate_name)
        if light == query:
            return 1.0
        lights.append(light)
    # the largest ratio over the names; dividing the maximum equals maximising the quotients
    return process.extractOne(query, lights, scorer=fuzz.ratio)[1] / 100.0 if lights else 0.0


# --- geopy ------------------------------------------------------------------

def _make_local_gazetteer() -> type:
    # geopy imports every web geocoder it ships (~0.2 s), so the class is
    # created on first access instead of at import.
    from geopy.adapters import BaseSyncAdapter
    from geopy.exc import GeocoderServiceError
    from geopy.geocoders.base import Geocoder
    from geopy.location import Location

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
            from geopy.point import Point as GeoPoint

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

    return LocalGazetteer


def __getattr__(name: str) -> Any:
    if name == "LocalGazetteer":
        cls = _make_local_gazetteer()
        cls.__module__ = __name__
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
