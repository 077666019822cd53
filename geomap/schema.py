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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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
    countries: dict[str, dict[str, Any]]

    def canonical_event_type(self, value: str) -> str | None:
        """Return ACLED's spelling of ``value`` (any case), or None if unknown."""
        return _casefold_lookup(tuple(self.event_types), value)

    def canonical_sub_event_type(self, value: str, event_type: str | None = None) -> str | None:
        """Return ACLED's spelling of a sub-event type, within ``event_type`` if given."""
        if event_type is not None:
            return _casefold_lookup(self.event_types.get(event_type, ()), value)
        return _casefold_lookup(tuple(s for subs in self.event_types.values() for s in subs), value)

    def country(self, name: str) -> dict[str, Any] | None:
        """Return the entry (iso2, iso3, bbox) of a country named in a table, any case."""
        key = name.strip().casefold()
        return next((v for k, v in self.countries.items() if k.casefold() == key), None)

    def country_by_code(self, code: str) -> tuple[str, dict[str, Any]] | None:
        """Return (name, entry) of the country with this ISO2 or ISO3 code."""
        key = code.strip().upper()
        return next(((k, v) for k, v in self.countries.items() if key in (v["iso2"], v["iso3"])), None)

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
    )


def acled_event_types() -> dict[str, tuple[str, ...]]:
    """Return ACLED's 6 event types mapped to their 25 sub-event types."""
    return dict(load_taxonomy().event_types)
