"""The gazetteer's places and their lookup index: loading, caching, candidates by name, layering.

``Gazetteer.load()`` reads ``gazetteer/places.tsv`` (the data contract in
``gazetteer/README.md``) and a derived index (normalised key -> places) that
it caches under :func:`geomap.paths.cache_dir`, keyed by a hash of the data
and of the normalisation code, so a warm start is one unpickling.

Lookup is by :func:`geomap.names.normalise` key: every spelling variant the
folds collapse is an exact match; a rapidfuzz fallback over keys with the
same first letter and a similar length catches the rest, flagged ``fuzzy``.
Resolution in context is :mod:`geomap.gazetteer.resolve`'s.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import pickle
import re
from collections import ChainMap, Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from geomap import names as _names
from geomap.errors import GazetteerError, GeomapError
from geomap.gazetteer.model import (
    COLUMNS,
    KIND_WEIGHT,
    Candidate,
    Place,
    Query,
    Resolution,
    ResolveContext,
    as_place,
    light,
    new_tuple,
)
from geomap.gazetteer.resolve import Resolver
from geomap.gazetteer.spatial import Boundaries, nearest
from geomap.names import normalise
from geomap.paths import cache_dir, gazetteer_dir
from geomap.textio import atomic_write

_T = TypeVar("_T")

# Bump when the pickled index layout or the ranking inputs it stores change.
INDEX_VERSION = 5


# Fuzzy matches: which keys are compared, and which score is trusted.
FUZZY_CUTOFF = 80.0


_FUZZY_LIMIT = 5


# Keys shorter than this get no fuzzy matches: one letter changed in "sar" (Serj) is a third
# of the name, and short keys of unrelated places lie within the cutoff of each other.
_FUZZY_MIN_KEY = 5


# Names whose keys a gazetteer remembers; beyond, it starts afresh.
_KEYS_LIMIT = 100_000


def _parse_row(fields: list[str], path: Path, line: int) -> Place:
    if len(fields) != len(COLUMNS):
        raise GazetteerError(f"{path}:{line}: expected {len(COLUMNS)} tab-separated columns, found {len(fields)}")
    try:
        lat, lon = float(fields[3]), float(fields[4])
        population = int(fields[9]) if fields[9] else None
    except ValueError as exc:
        raise GazetteerError(f"{path}:{line}: bad number in row {fields[0]!r}: {exc}") from None
    if fields[2] not in KIND_WEIGHT:
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
    return (*place[:10], "|".join(place.alt_names), place.source, "|".join(light(name) for name in place.names))


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
        # id(place) -> the light forms of its names, for the places made from rows (``made`` keeps them alive).
        self.lights: dict[int, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        place = self.made[i]
        if place is None:
            row = self._rows[i]
            place = self.made[i] = _place_from_row(row)
            self.lights[id(place)] = tuple(row[12].split("|"))
        return place

    def ids(self) -> Iterator[str]:
        return (row[0] for row in self._rows)

    def lights_of(self, place: Place) -> tuple[str, ...] | None:
        """The light forms of a place's names, when it was made from a row of this list."""
        return self.lights.get(id(place))


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

    def lights_of(self, place: Place) -> tuple[str, ...] | None:
        """The light forms of a base place's names (see :meth:`_PlaceList.lights_of`)."""
        lights_of = getattr(self._base, "lights_of", None)
        return lights_of(place) if lights_of is not None else None


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
    cached = read_cache(cache, _index_shaped)
    if cached is not None:
        rows, index, fuzzy_keys, word_keys, fixed_keys = cached
        _names.add_word_keys(word_keys, fixed_keys)
        return _PlaceList(rows), index, fuzzy_keys, digest
    places = read_places(places_path)
    rows = [_row(place) for place in places]
    index = _build_index(places)
    fuzzy_keys = _fuzzy_keys(places)
    # The keys of the gazetteer's own words, so queries spelled with them skip the folds.
    word_keys, fixed_keys = _names.word_keys(name for place in places for name in place.names)
    _names.add_word_keys(word_keys, fixed_keys)
    write_cache(cache, (rows, index, fuzzy_keys, word_keys, fixed_keys), "index")
    return _PlaceList(rows, places), index, fuzzy_keys, digest


def _index_shaped(value: Any) -> bool:
    """Whether an index cache holds what this code wrote: rows, index, fuzzy keys, word keys, fixed keys."""
    shapes = (list, dict, list, dict, (list, set, frozenset, tuple))
    return (isinstance(value, tuple) and len(value) == len(shapes)
            and all(isinstance(part, shape) for part, shape in zip(value, shapes))
            and bool(value[0]) and isinstance(value[0][0], tuple))


def read_cache(path: Path, valid: Callable[[Any], bool]) -> Any:
    """What a cache file holds, or None when it is absent, unreadable, damaged or not of the expected shape.

    A cache only ever costs speed: whatever is wrong with it, the caller builds the data again.
    """
    try:
        with open(path, "rb") as handle:
            value = _unpickle(handle)
    except Exception:  # noqa: BLE001 - absent, unreadable, truncated, from other code: rebuilt
        return None
    return value if valid(value) else None


def write_cache(path: Path, value: Any, name: str) -> None:
    """Keep ``value`` in a cache file, if the cache folder can take it (read-only, full or gone: no matter)."""
    try:
        with atomic_write(path, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        _prune_caches(path.parent, name)
    except (OSError, GeomapError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a cache that cannot be written only costs speed


_KEEP_CACHES = 8


def _unpickle(handle: Any) -> Any:
    """``pickle.load`` with the cyclic garbage collector paused.

    Unpickling hundreds of thousands of small tuples and strings triggers
    collections that find nothing to free (the data holds no cycles): they
    were a third of a cold start.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        if enabled:
            gc.enable()


def _prune_caches(folder: Path, name: str) -> None:
    # Every data or code change leaves an index behind; keep the recent few.
    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0  # removed meanwhile (another process pruning)

    old = sorted(folder.glob(f"gazetteer-{name}-*.pickle"), key=age, reverse=True)
    for path in old[_KEEP_CACHES:]:
        path.unlink(missing_ok=True)


class Gazetteer:
    """Places, their lookup keys, and name resolution in context.

    Create with :meth:`load` (the bundled data, cached per process) or
    :meth:`from_places` (any list of :class:`Place`, e.g. in tests), and
    layer a user's places over one with :meth:`with_places`.

    Parameters
    ----------
    places : sequence of Place
        The entries, in index order.
    index : mapping
        Normalised key -> position of its place (an int) or positions (a tuple).
    fuzzy_keys : sequence of str
        The keys fuzzy matching compares against.
    directory : Path, optional
        The folder the data came from (its ``boundaries.geojson`` answers :meth:`containing`).
    positions : mapping, optional
        ``place_id`` -> position; computed when omitted.
    base : Gazetteer, optional
        The gazetteer a layered one extends.
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
        self._boundaries: Boundaries | None = None
        #: Ranks this gazetteer's candidates in context, with its own memos.
        self.resolver = Resolver(self)
        self._memos: dict[str, Any] = {}
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
        # Kept with its name and digest: a file of another shape (damaged, or written by other code) is made
        # anew. The file name says so, and versions that kept the bare value never read it.
        path = cache_dir() / f"gazetteer-{name}-{self._digest}-stamped.pickle"
        stamp = ("geomap-derived", name, self._digest)
        cached = read_cache(path, lambda found: isinstance(found, tuple) and len(found) == 2 and found[0] == stamp)
        if cached is not None:
            return cached[1]
        value = build()
        write_cache(path, (stamp, value), name)
        return value

    def memo(self, name: str, build: Callable[[], _T]) -> _T:
        """Return ``build()``, made once for this gazetteer object and kept with it.

        For what other stages derive from a gazetteer and use again and again
        (the toponym automaton, an actor table that knows its places): it
        belongs to the gazetteer it was made from, and goes with it.
        """
        found = self._memos.get(name)
        if found is None:
            found = self._memos[name] = build()
        return found

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
        extra = tuple(self._completed(as_place(p)) for p in places)
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

    def find(self, place_id: str) -> Place | None:
        """Return the place with this ``place_id``, or None."""
        position = self._positions.get(place_id)
        return None if position is None else self._places[position]

    def lights_of(self, place: Place) -> tuple[str, ...] | None:
        """The light forms of a place's names (see :func:`~geomap.gazetteer.model.light`), when known."""
        lights_of = getattr(self._places, "lights_of", None)
        known = lights_of(place) if lights_of is not None else None
        return known if known is not None and len(known) == len(place.names) else None

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
                exact = self._exact[key] = new_tuple(Candidate, (place, key, 100.0, False))
                return [exact]
            found = itemgetter(*ids)(self._made)  # several ids: a tuple of places
            if not all(found):  # a place not made yet (a Place is a non-empty tuple)
                found = [self._places[i] for i in ids]
            cands = [new_tuple(Candidate, (place, key, 100.0, False)) for place in found]
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












    # resolution

    def resolve(self, name: str, context: ResolveContext | None = None) -> Resolution:
        """Choose the place ``name`` most plausibly refers to, or none (see :meth:`Resolver.resolve`)."""
        return self.resolver.resolve(name, context)

    def resolve_many(self, queries: Iterable[str | Query | tuple], country: str | None = None) -> list[Resolution]:
        """Resolve every place mention of one document together (see :meth:`Resolver.resolve_many`)."""
        return self.resolver.resolve_many(queries, country)

    @staticmethod
    def infer_country(resolutions: Iterable[Resolution]) -> str | None:
        """The country most located resolutions fall in (None on a tie or none)."""
        return Resolver.infer_country(resolutions)

    # geometry

    def containing(self, lat: float, lon: float, kind: str = "admin1") -> Place | None:
        """The ``kind`` boundary (country, admin1, admin2) containing a point.

        Uses ``boundaries.geojson`` beside ``places.tsv``, loaded on first call.

        Raises
        ------
        GazetteerError
            When the gazetteer has no boundaries file.
        """
        for place_id in self._boundary_index().containing(lat, lon, kind):
            place = self.find(place_id)
            if place is not None:
                return place
        return None

    def boundaries(self) -> Boundaries | None:
        """The outlines of ``boundaries.geojson`` beside the places, or None when there is no such file."""
        try:
            return self._boundary_index()
        except GazetteerError:
            return None

    def _boundary_index(self) -> Boundaries:
        if self._base is not None:
            return self._base._boundary_index()
        if self._boundaries is None:
            if self.directory is None:
                raise GazetteerError("this gazetteer was built in memory and has no boundaries.geojson")
            self._boundaries = Boundaries.read(self.directory / "boundaries.geojson")
        return self._boundaries

    def nearest(self, lat: float, lon: float, kinds: Iterable[str] | None = None) -> Place | None:
        """The entry nearest a point, optionally among some kinds only."""
        return nearest(self._places, lat, lon, kinds)


def _layered_gazetteer(base: Gazetteer, places: tuple[Place, ...]) -> Gazetteer:
    """Unpickling a layered gazetteer: the base is the process's cached one."""
    return base.with_places(places)
