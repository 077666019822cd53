"""The map's filters (actors, event types, dates) for outputs drawn in Python, such as the print map.

They mean what the HTML map's URL hash means (``#actors=…&types=…&from=…&to=…``,
see ``static/geomap-state.js``): an event is kept when either of its actors
(``actor1`` or ``actor2``, the map's default) is one of ``actors``, its type
(or ``type:sub-type``) one of ``types``, and its date within
``date_from``..``date_to`` inclusive; with a date bound set, events of
unknown date are left out. ``None`` means no filter on that field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from geomap.errors import GeomapError

__all__ = ["EventFilter", "filter_from_options", "split_names"]

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class EventFilter:
    """Which events to draw.

    Attributes
    ----------
    types : tuple of str, optional
        Event types (``"Battles"``) or sub-types (``"Battles:Armed clash"``).
    actors : tuple of str, optional
        Actor names, exactly as in the table; an event is kept when either
        side (``actor1`` or ``actor2``) is one of them.
    date_from, date_to : datetime.date, optional
        First and last day kept.
    """

    types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def active(self) -> bool:
        """True when any field filters."""
        return any(v is not None for v in (self.types, self.actors, self.date_from, self.date_to))

    def mask(self, payload: dict[str, Any]) -> np.ndarray:
        """One bool per located event of a :func:`~geomap.render.map.map_payload`: kept or not.

        Raises
        ------
        GeomapError
            When a named actor or type is not in the events (the message lists those that are).
        """
        n = len(payload["lat"])
        keep = np.ones(n, dtype=bool)
        if self.actors is not None:
            names = [a["name"] for a in payload["actors"]]
            _check_known(self.actors, names, "actor")
            wanted = np.array([name in self.actors for name in names] + [False])  # [-1]: no other party
            if n:
                other = payload.get("actor2") or [-1] * n
                keep &= wanted[np.asarray(payload["actor"], dtype=int)] | wanted[np.asarray(other, dtype=int)]
        if self.types is not None:
            subs = payload["subs"]
            known = [t["name"] for t in payload["types"]]
            known_subs = [f"{known[s['type']]}:{s['name']}" for s in subs]
            _check_known(self.types, known + known_subs, "event type")
            wanted = np.array([known[s["type"]] in self.types or f"{known[s['type']]}:{s['name']}" in self.types
                               for s in subs] or [False])
            keep &= wanted[np.asarray(payload["sub"], dtype=int)] if n else keep
        if self.date_from is not None or self.date_to is not None:
            keep &= self._dated(payload, n)
        return keep

    def _dated(self, payload: dict[str, Any], n: int) -> np.ndarray:
        if payload.get("day") is None:
            return np.zeros(n, dtype=bool)
        days = np.array([np.nan if d is None else d + payload["day0"] for d in payload["day"]], dtype=float)
        ok = ~np.isnan(days)
        if self.date_from is not None:
            ok &= days >= (self.date_from - _EPOCH).days
        if self.date_to is not None:
            ok &= days <= (self.date_to - _EPOCH).days
        return ok

    def to_hash(self) -> str:
        """The same filters as the HTML map's URL fragment (``#actors=…&types=…&from=…&to=…``; "" when none)."""
        from urllib.parse import quote

        def names(values: tuple[str, ...]) -> str:
            return ",".join(":".join(quote(part, safe="") for part in value.split(":", 1)) for value in values)

        parts = []
        if self.actors is not None:
            parts.append("actors=" + ",".join(quote(a, safe="") for a in self.actors))
        if self.types is not None:
            parts.append("types=" + names(self.types))
        if self.date_from is not None:
            parts.append(f"from={self.date_from.isoformat()}")
        if self.date_to is not None:
            parts.append(f"to={self.date_to.isoformat()}")
        return "#" + "&".join(parts) if parts else ""

    def describe(self) -> str:
        """The filters in words, for a caption ("" when none)."""
        parts = []
        if self.actors is not None:
            parts.append("actors: " + ", ".join(self.actors))
        if self.types is not None:
            parts.append("types: " + ", ".join(t.replace(":", " / ") for t in self.types))
        if self.date_from is not None or self.date_to is not None:
            start = self.date_from.isoformat() if self.date_from else "…"
            end = self.date_to.isoformat() if self.date_to else "…"
            parts.append(f"dates: {start} to {end}")
        return "; ".join(parts)


def filter_from_options(types: Iterable[str] | None, actors: Iterable[str] | None,
                        date_from: dt.date | None, date_to: dt.date | None, events: Any = None) -> EventFilter:
    """An :class:`EventFilter` from command-line values (comma-separated lists, see :func:`split_names`).

    ``events`` (the event table) tells which actor names hold a comma.
    """
    known: Sequence[str] = ()
    columns = [c for c in ("actor1", "actor2") if c in getattr(events, "columns", ())]
    if columns:
        known = sorted({str(a) for c in columns for a in events[c].dropna().unique()})
    if date_from is not None and date_to is not None and date_from > date_to:
        raise GeomapError(f"--from {date_from} is after --to {date_to}")
    return EventFilter(types=split_names(types), actors=split_names(actors, known), date_from=date_from,
                       date_to=date_to)


def split_names(values: Iterable[str] | None, known: Sequence[str] = ()) -> tuple[str, ...] | None:
    """Names given on the command line: each value is a comma-separated list.

    A value that is itself one of ``known`` (an actor whose name holds a
    comma) is taken whole. ``None`` (option not given) stays ``None``.
    """
    if values is None:
        return None
    names: list[str] = []
    for value in values:
        if value in known:
            names.append(value)
        else:
            names.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(names)


def _check_known(given: Sequence[str], known: Sequence[str], what: str) -> None:
    unknown = [name for name in given if name not in known]
    if unknown:
        shown = ", ".join(repr(k) for k in list(known)[:12]) + (", …" if len(known) > 12 else "")
        raise GeomapError(f"unknown {what} {', '.join(repr(u) for u in unknown)}: the events have {shown or 'none'}")
