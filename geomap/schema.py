"""The row contract every stage and user relies on.

An event table's columns (ACLED's names where ACLED has one, then geomap's
provenance columns) and their kinds, ACLED's taxonomy (6 event types, 25
sub-event types, 8 actor types), ``geo_precision`` by gazetteer place kind,
the mentions table's columns, and the country codes. Nothing here imports
pandas: it is read by every verb, the quickest included.

Column kinds in memory (see :mod:`geomap.frames` for the pandas dtypes):

* ``event_date``: ISO date string ``YYYY-MM-DD`` (also in every file format);
* ``time_precision``, ``inter1``, ``inter2``, ``geo_precision``,
  ``fatalities``, ``wounded``, ``char_start``, ``char_end``: nullable integers;
* ``latitude``, ``longitude``, ``confidence``: floats (NaN when missing);
* every other column: strings (missing when empty).

Columns a file carries beyond these (ACLED's ``year``, ``assoc_actor_1``,
``tags`` ...) are kept, as strings, after the schema columns. Tables read
from files also carry :data:`FLAGS_COLUMN`: the validation problems of each
row, ``"; "``-separated, empty when the row is clean.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from geomap.paths import bundled_gazetteer_dir, gazetteer_dir

PathLike = str | os.PathLike[str]

#: The event table's columns, in order: ACLED's, then geomap's provenance.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "inter1", "actor2", "inter2", "country", "iso3",
    "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "fatalities", "notes", "source",
    "wounded", "target", "place_id", "confidence", "reason", "doc_id", "char_start", "char_end",
)


#: Extra column of tables read from files: each row's validation problems.
FLAGS_COLUMN = "problems"


INT_COLUMNS: tuple[str, ...] = (
    "time_precision", "inter1", "inter2", "geo_precision", "fatalities", "wounded", "char_start", "char_end",
)


FLOAT_COLUMNS: tuple[str, ...] = ("latitude", "longitude", "confidence")


STRING_COLUMNS: tuple[str, ...] = tuple(c for c in EVENT_COLUMNS if c not in INT_COLUMNS + FLOAT_COLUMNS)


#: Fatality (and wounded) counts above this are taken for typing errors.
MAX_FATALITIES = 100_000


#: Events dated before this year are taken for typing errors.
MIN_YEAR = 1900


#: The mentions table's columns: every toponym mention found, located or not.
MENTION_COLUMNS: tuple[str, ...] = (
    "doc_id", "text", "char_start", "char_end", "status", "place_id", "name", "kind",
    "latitude", "longitude", "admin1", "country", "score", "reason",
)

#: The kinds of gazetteer place, most prominent first.
PLACE_KINDS = ("country", "admin1", "admin2", "admin3", "city", "town", "village", "neighbourhood", "region", "facility")

#: geo_precision (ACLED's 1-3 scale) for a gazetteer place kind.
GEO_PRECISION_BY_KIND = {
    "facility": 1, "neighbourhood": 1, "village": 1, "town": 1, "city": 1,
    "admin3": 2, "admin2": 2,
    "admin1": 3, "region": 3, "country": 3,
}





@dataclass(frozen=True)
class Taxonomy:
    """ACLED's event types, actor types and the country boxes, from ``data/acled_taxonomy.yaml``."""

    event_types: dict[str, tuple[str, ...]]
    actor_types: dict[int, str]
    countries: dict[str, dict[str, Any]]  # ACLED's name of a country -> its ISO2 code and a coarse box
    without_fatalities: frozenset[str] = frozenset()  # sub-event types that by definition leave no one dead

    def canonical_event_type(self, value: str) -> str | None:
        """Return ACLED's spelling of ``value`` (any case), or None if unknown."""
        return _casefold_lookup(tuple(self.event_types), value)

    def canonical_sub_event_type(self, value: str, event_type: str | None = None) -> str | None:
        """Return ACLED's spelling of a sub-event type, within ``event_type`` if given."""
        if event_type is not None:
            return _casefold_lookup(self.event_types.get(event_type, ()), value)
        return _casefold_lookup(tuple(s for subs in self.event_types.values() for s in subs), value)

    def country(self, name: str) -> Country | None:
        """Return the country named in a table (ACLED's name or GeoNames', any case), or None."""
        return countries().by_name(name)

    def country_by_code(self, code: str) -> Country | None:
        """Return the country with this ISO2 or ISO3 code, or None."""
        return countries().by_code(code)

    def event_type_of(self, sub_event_type: str) -> str | None:
        """Return the event type a canonical sub-event type belongs to."""
        return next((t for t, subs in self.event_types.items() if sub_event_type in subs), None)


def _casefold_lookup(options: tuple[str, ...], value: str) -> str | None:
    return _casefold_index(options).get(" ".join(value.split()).casefold())


@functools.lru_cache(maxsize=64)
def _casefold_index(options: tuple[str, ...]) -> dict[str, str]:
    return {o.casefold(): o for o in options}


@functools.cache
def load_taxonomy() -> Taxonomy:
    """Return the ACLED taxonomy bundled with geomap (cached)."""
    path = Path(__file__).resolve().parent / "data" / "acled_taxonomy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Taxonomy(
        event_types={k: tuple(v) for k, v in data["event_types"].items()},
        actor_types={int(k): v for k, v in data["actor_types"].items()},
        countries=dict(data["countries"]),
        without_fatalities=frozenset(data.get("without_fatalities", ())),
    )


@dataclass(frozen=True)
class Country:
    """A country: ISO 3166 codes, the name tables use (ACLED's where ACLED names it), and a coarse box.

    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)`` for the countries the
    taxonomy file gives one (those around the Syrian war), else None.
    """

    iso2: str
    iso3: str
    name: str
    bbox: tuple[float, float, float, float] | None = None


class Countries:
    """Every country, found by ISO2 or ISO3 code or by name (ACLED's or GeoNames', any case)."""

    def __init__(self, countries: list[Country], aliases: dict[str, str]) -> None:
        self._by_code = {c.iso2: c for c in countries} | {c.iso3: c for c in countries if c.iso3}
        self._by_name = {c.name.casefold(): c for c in countries}
        self._by_name.update({name.casefold(): self._by_code[code] for name, code in aliases.items()
                              if code in self._by_code})

    def __iter__(self) -> Iterator[Country]:
        return iter({c.iso2: c for c in self._by_code.values()}.values())

    def by_code(self, code: str) -> Country | None:
        """The country with this ISO2 or ISO3 code."""
        return self._by_code.get(code.strip().upper())

    def by_name(self, name: str) -> Country | None:
        """The country of this name, any case and spacing."""
        return self._by_name.get(" ".join(name.split()).casefold())


def countries() -> Countries:
    """Every country of the gazetteer's ``countries.tsv`` (GeoNames), under ACLED's names where they differ.

    Returns
    -------
    Countries
        Built once per gazetteer folder. A gazetteer folder of one's own without
        a ``countries.tsv`` uses the bundled gazetteer's; without either, the
        countries of the taxonomy file only (with no ISO3 codes).
    """
    # Keyed by $GEOMAP_GAZETTEER, which alone decides the folder: a lookup per event row stays cheap.
    return _countries(os.environ.get("GEOMAP_GAZETTEER") or "")


def world_countries() -> Countries:
    """Every country of the bundled gazetteer's ``countries.tsv``, whatever gazetteer is in use.

    What the lexicons are checked against and what country names are read by: the world's
    ISO codes and names, which a gazetteer folder of one's own may lack.

    Returns
    -------
    Countries
        Built once per process.
    """
    return _countries_in(str(bundled_gazetteer_dir()))


@functools.lru_cache(maxsize=8)
def _countries(override: str) -> Countries:
    """The countries of the gazetteer folder ``$GEOMAP_GAZETTEER`` names (``override``), else the bundled one's."""
    return _countries_in(str(gazetteer_dir()))


@functools.lru_cache(maxsize=4)
def _countries_in(folder: str) -> Countries:
    """The countries of one gazetteer folder (a process may switch folders, as tests do)."""
    path = Path(folder) / "countries.tsv"
    taxonomy = load_taxonomy()
    acled = {name: entry["iso2"] for name, entry in taxonomy.countries.items()}
    boxes = {entry["iso2"]: tuple(entry["bbox"]) for entry in taxonomy.countries.values()}
    names = {code: name for name, code in acled.items()}
    rows: list[Country] = []
    if not path.is_file():  # a gazetteer of one's own without the country table: the codes are the world's
        path = bundled_gazetteer_dir() / "countries.tsv"
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
        for line in lines:
            iso2, iso3, name = line.split("\t")[:3]
            rows.append(Country(iso2, iso3, names.get(iso2, name), boxes.get(iso2)))  # type: ignore[arg-type]
    else:
        # The taxonomy file gives no ISO3 codes: those countries have none ("") without countries.tsv.
        rows = [Country(entry["iso2"], entry.get("iso3", ""), name, tuple(entry["bbox"]))  # type: ignore[arg-type]
                for name, entry in taxonomy.countries.items()]
    return Countries(rows, acled)


def country_name_of(code: str | None) -> str | None:
    """The name tables use for the country with this ISO2 or ISO3 code (ACLED's where it differs), or None."""
    return _country_of(os.environ.get("GEOMAP_GAZETTEER") or "", code)[0] if code else None


def iso3_of(iso2: str) -> str | None:
    """The ISO 3166 alpha-3 code of a country given by its alpha-2 code, or None."""
    return _country_of(os.environ.get("GEOMAP_GAZETTEER") or "", iso2)[1] if iso2 else None


@functools.lru_cache(maxsize=4096)
def _country_of(override: str, code: str) -> tuple[str | None, str | None]:
    """The name and ISO3 code of a country by code, in one gazetteer folder (asked once per event row)."""
    found = _countries(override).by_code(code)
    return (found.name, found.iso3 or None) if found is not None else (None, None)


def acled_event_types() -> dict[str, tuple[str, ...]]:
    """Return ACLED's 6 event types mapped to their 25 sub-event types."""
    return dict(load_taxonomy().event_types)


# Other spellings of our columns found in spreadsheets and ACLED exports;
# applied only when the canonical column is absent from the same file.
#: Other spellings of our columns found in spreadsheets and ACLED exports, applied only when the
#: canonical column is absent from the same file.
HEADER_ALIASES = {
    "event_id_cnty": "event_id",
    "date": "event_date",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
}


def normalise_header(header: list[str]) -> list[str]:
    """A table's header with our columns in our spelling (case, byte-order marks, aliases); blank names numbered."""
    names = []
    for i, raw in enumerate(header, start=1):
        name = raw.strip().lstrip("\ufeff").strip()
        key = name.lower()
        if key in EVENT_COLUMNS or key in HEADER_ALIASES or key in (FLAGS_COLUMN, "geometry"):
            name = key
        names.append(name or f"column_{i}")
    present = set(names)
    return [
        HEADER_ALIASES[n] if n in HEADER_ALIASES and HEADER_ALIASES[n] not in present else n
        for n in names
    ]
