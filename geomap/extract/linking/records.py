"""What linking works on and makes: the document being coded, event records and their evidence."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from geomap.extract.actors import ActorMention
from geomap.extract.figures import Figure
from geomap.extract.find import Mention
from geomap.extract.text import Tokens
from geomap.extract.triggers import Trigger
from geomap.extract.vocabulary import Actor
from geomap.gazetteer import Place
from geomap.gazetteer.store import Gazetteer


@dataclass
class Evidence:
    """One sentence supporting an event."""

    start: int
    end: int
    sentence: int


@dataclass
class EventRecord:
    """An event being built: everything the event table needs, with provenance."""

    event_type: str
    sub_event_type: str
    violent: bool
    actor1: Actor | None = None
    actor2: Actor | None = None
    actor_explicit: bool = False
    # actor1 is the side that alone uses the weapon named (a trigger's ``doer``), not a side named
    actor_from_weapon: bool = False
    place: Place | None = None
    place_explicit: bool = False
    geo_precision: int | None = None
    place_reason: str = ""
    # the place is named in the event's own clause, not as where a speaker is ("the blast struck the
    # Atme crossing", not "officials in Damascus condemned the attack"): it says where even a generic
    # word's event was
    place_in_clause: bool = False
    date: dt.date | None = None
    time_precision: int | None = None
    date_explicit: bool = False
    killed: list[Figure] = field(default_factory=list)
    wounded: list[Figure] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    target: str | None = None
    # coded from a generic word ("attack", "strike"): a later, specific report of it says what it was
    generic: bool = False
    # the other places its clause lists with its own ("shells hit al-Midan and al-Ashrafiyeh"): one
    # event each, as ACLED codes them (see build._one_per_place)
    also_at: list[Mention] = field(default_factory=list)

    @property
    def last_sentence(self) -> int:
        return self.evidence[-1].sentence

    def absorb_figures(self, figures: list[Figure]) -> None:
        if not self.violent:
            return
        for figure in figures:
            (self.killed if figure.kind == "killed" else self.wounded).append(figure)


_T = TypeVar("_T")


class ByStart(Generic[_T]):
    """Items sorted by where they start, so a span's items are found by bisection.

    Looking a sentence's or clause's items up this way keeps one long
    document linear: a scan of every item per sentence is quadratic.
    """

    def __init__(self, items: Iterable[_T], start: Callable[[_T], int], end: Callable[[_T], int]) -> None:
        self._items = sorted(items, key=start)
        self._starts = [start(item) for item in self._items]
        self._end = end

    def within(self, lo: int, hi: int) -> list[_T]:
        """The items that start at or after ``lo`` and end at or before ``hi``, in order."""
        return [item for item in self.starting(lo, hi) if self._end(item) <= hi]

    def starting(self, lo: int, hi: int) -> list[_T]:
        """The items that start at or after ``lo`` and before ``hi``, in order."""
        return self._items[bisect_left(self._starts, lo):bisect_left(self._starts, hi)]


@dataclass
class Doc:
    text: str
    tokens: Tokens
    actors: list[ActorMention]
    mentions: list[Mention]
    triggers: list[Trigger]
    ref: dt.date | None
    focus: Place | None
    gazetteer: Gazetteer
    # the name of the country the document is about: what "{country}" in an actor's name stands for
    country: str | None = None
    # the latest event with a date of its own, which undated events inherit
    last_dated: EventRecord | None = None
    # the killing words taken for the tolls of violence told in other words (triggers.without_tolls); one
    # told with its own doer in a sentence of no other event is still an event ("The army killed 30
    # militants in X", in a report of air strikes elsewhere)
    tolled: list[Trigger] = field(default_factory=list)
    _actor_index: ByStart[ActorMention] | None = field(default=None, repr=False)
    _actors_memo: dict[tuple[int, int], list[ActorMention]] = field(default_factory=dict, repr=False)
    _trigger_index: ByStart[Trigger] | None = field(default=None, repr=False)

    def actors_within(self, lo: int, hi: int) -> list[ActorMention]:
        """Actor mentions inside tokens ``lo:hi`` (a clause's are asked for by each step that links its sides:
        remembered; callers must not change the list)."""
        found = self._actors_memo.get((lo, hi))
        if found is None:
            if self._actor_index is None:
                self._actor_index = ByStart(self.actors, lambda a: a.first, lambda a: a.end)
            found = self._actors_memo[lo, hi] = self._actor_index.within(lo, hi)
        return found

    def trigger_index(self) -> ByStart[Trigger]:
        """The document's triggers, found by where they start."""
        if self._trigger_index is None:
            self._trigger_index = ByStart(self.triggers, lambda t: t.first, lambda t: t.end)
        return self._trigger_index




NEIGHBOURING_SENTENCES = 2


