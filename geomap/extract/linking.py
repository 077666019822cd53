"""Linking: from triggers, actors, places, dates and figures to coded events.

One pass over the sentences of a document.  In each clause the trigger of
highest priority (``lexicon/triggers.yaml``) makes one event unless it is
negated or hypothetical; its actors, place, date and casualty figures are
chosen by ordered rules, each recording why:

Actors
    ``between X and Y``; an agent after the trigger ("were shelled by X",
    "an offensive by X"); for "X lost ground to Y" the gainer Y; otherwise
    the nearest actor before the trigger (the doer, not a target after
    "against"/"on"); a side named only as a holder of territory
    ("government-held") implies the other side attacked; failing all, the
    actor of the last event of the same type a sentence or two earlier.

Place (``reason`` column)
    1. a place in the trigger's clause ("in/of/on/near/east of X"),
       preferring a neighbourhood inside a city also named there,
       non-country places over countries (for talks and deals, only over
       the report's own country and those holding a named place), and
       places introduced by a preposition, named as a city, town,
       village or neighbourhood, or attacked ("forces attacked Saraqeb
       ... in Idlib province") over places named in passing;
    2. a place elsewhere in the same sentence;
    3. for "the city", "there", "the area" ... the place carried from the
       previous sentence;
    4. the place of the earlier event a definite reference continues ("the
       airstrikes", "the rebel bombardment");
    5. the document's focus (its most named place), at geo_precision 3.

Dates
    A date in the clause, else in the sentence, else the date of the last
    event (a report keeps telling the same day), else the report date.

Events reported twice (same actor1, type, place, date) are merged, keeping
every sentence's evidence and the lowest fatality figure; an event whose
only toll is told as more ("a further five died") is never merged. An event
told without its doer merges into the one event of its type, place and date
that names one, unless it names a side hit that the other does not.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Generic, TypeVar

from geomap.extract import coding
from geomap.extract.coding import Actor, ActorMention, Trigger
from geomap.extract.dates import DateMention, find_dates, find_years
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.mentions import Mention, site_words
from geomap.extract.numbers import (
    Figure,
    coded_figure,
    coding_rule,
    find_figures,
    is_exact,
    toll_word_positions,
)
from geomap.extract.rules import Coding, retype
from geomap.extract.text import (
    Tokens,
    clause_spans,
    first_within,
    sentence_spans,
)
from geomap.gazetteer import Gazetteer, Place

_GRAMMAR = load_lexicon("grammar")
_SIDES = load_lexicon("sides")
_TOPONYMS = load_lexicon("toponyms")

GEO_PRECISION = {
    "facility": 1, "neighbourhood": 1, "village": 1, "town": 1, "city": 1,
    "admin3": 2, "admin2": 2, "admin1": 3, "region": 2, "country": 3,
}
# ISO 3166 alpha-3 codes of the countries Syrian-war reporting most often names.
_ISO3 = {
    "SY": "SYR", "IQ": "IRQ", "TR": "TUR", "LB": "LBN", "JO": "JOR", "IL": "ISR", "PS": "PSE", "IR": "IRN",
    "RU": "RUS", "US": "USA", "GB": "GBR", "FR": "FRA", "DE": "DEU", "CH": "CHE", "SA": "SAU", "QA": "QAT",
    "EG": "EGY", "KZ": "KAZ", "MX": "MEX", "AE": "ARE", "BE": "BEL", "AT": "AUT", "IT": "ITA", "YE": "YEM",
}
_DETERMINERS = _GRAMMAR.words("determiners")
_TARGET_PREPS = _GRAMMAR.words("target_prepositions")
# (not "the village of Tlajabin": a place named, which the gazetteer may lack, is no reference back)
_ANAPHORA_RE = re.compile(r"\b" + _TOPONYMS.alternation("anaphora") + r"\b(?!\s+of\s+(?-i:[A-Z]))", re.I)
_HELD = _SIDES.alternation("held_words")
_GOV_HELD_RE = re.compile(r"\b" + _SIDES.alternation("government_holders") + r"[\s-]*" + _HELD + r"\b", re.I)
_REBEL_HELD_RE = re.compile(r"\b" + _SIDES.alternation("rebel_holders") + r"[\s-]*" + _HELD + r"\b", re.I)
_TARGET_RE = re.compile(r"\b(" + _SIDES.alternation("targets") + r")s?\b", re.I)
_NEIGHBOURING_SENTENCES = 2
# A clause opened by a contrast reports something else: "..., while activists reported two dead".
_CONTRAST_RE = re.compile(r"\s*" + _GRAMMAR.alternation("contrast_words") + r"\b", re.I)


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
    date: dt.date | None = None
    time_precision: int | None = None
    date_explicit: bool = False
    killed: list[Figure] = field(default_factory=list)
    wounded: list[Figure] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    target: str | None = None
    # coded from a generic word ("attack", "strike"): a later, specific report of it says what it was
    generic: bool = False

    @property
    def last_sentence(self) -> int:
        return self.evidence[-1].sentence

    def absorb_figures(self, figures: list[Figure]) -> None:
        if not self.violent:
            return
        for figure in figures:
            (self.killed if figure.kind == "killed" else self.wounded).append(figure)


_T = TypeVar("_T")


class _ByStart(Generic[_T]):
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
class _Doc:
    text: str
    tokens: Tokens
    actors: list[ActorMention]
    mentions: list[Mention]
    triggers: list[Trigger]
    ref: dt.date | None
    focus: Place | None
    gazetteer: Gazetteer
    # the latest event with a date of its own, which undated events inherit
    last_dated: EventRecord | None = None
    _actor_index: _ByStart[ActorMention] | None = field(default=None, repr=False)
    _trigger_index: _ByStart[Trigger] | None = field(default=None, repr=False)

    def actors_within(self, lo: int, hi: int) -> list[ActorMention]:
        """Actor mentions inside tokens ``lo:hi``."""
        if self._actor_index is None:
            self._actor_index = _ByStart(self.actors, lambda a: a.first, lambda a: a.end)
        return self._actor_index.within(lo, hi)

    def trigger_index(self) -> _ByStart[Trigger]:
        """The document's triggers, found by where they start."""
        if self._trigger_index is None:
            self._trigger_index = _ByStart(self.triggers, lambda t: t.first, lambda t: t.end)
        return self._trigger_index


def build_events(doc: _Doc) -> list[EventRecord]:
    """Code the events of one document (see the module docstring for the rules)."""
    records: list[EventRecord] = []
    tokens, text = doc.tokens, doc.text
    last_places: list[tuple[Mention, int]] = []
    dates = _ByStart((d for d in find_dates(text, 0, len(text), doc.ref) if d.date is not None),
                     lambda d: d.start, lambda d: d.end)
    places = _ByStart((m for m in doc.mentions if _usable(m)), lambda m: m.start, lambda m: m.end)
    triggers = doc.trigger_index()
    tolls = toll_word_positions(tokens)
    for s_index, (s0, s1) in enumerate(sentence_spans(text)):
        s_lo = tokens.index_at(s0)
        s_places = places.within(s0, s1)
        s_hi = tokens.index_before(s1)
        # a sentence with no trigger and no kill/wound word codes nothing and adds no toll
        quiet = not triggers.within(s_lo, s_hi) and first_within(tolls, s_lo, s_hi) is None
        clauses = []
        for c0, c1 in ([] if quiet else clause_spans(text, s0, s1)):
            c_lo, c_hi = tokens.index_at(c0), tokens.index_before(c1)
            in_clause = triggers.within(c_lo, c_hi)
            real = [t for t in in_clause
                    if not coding.is_irrealis(tokens, t, c_lo, c_hi) and not _in_support(tokens.low, t, in_clause, c_lo)]
            clauses.append((c0, c1, c_lo, c_hi, real))
        # a toll told before its event in the same sentence: "12 militants were killed while trying to
        # attack" (but not a toll with a doer of its own: "regime forces have killed dozens while ...")
        ahead: list[Figure] = []
        for k, (c0, c1, c_lo, c_hi, real) in enumerate(clauses):
            if not real:
                if coding.is_tally(tokens, c_lo, c_hi):
                    continue  # "60,000 people have died in jails during the conflict": no event's toll
                if any(later[4] for later in clauses[k + 1:]) and _suffered_toll(tokens.low, c_lo, c_hi):
                    ahead.extend(find_figures(tokens, c_lo, c_hi))
                # a toll alone continues an earlier event: none yet, nothing to read
                elif records and not _CONTRAST_RE.match(text, c0):
                    figures = find_figures(tokens, c_lo, c_hi)
                    if figures:
                        _attach_figures(records, figures, s_index, s0, s1, _TARGET_RE.search(text, c0, c1))
                continue
            trigger = max(real, key=lambda t: (t.type.priority, -t.first))
            if _in_a_past_year(doc, trigger, c0, c1, dates):
                ahead = []
                continue  # "Syria agreed to destroy its chemical weapons in 2013": background
            figures = ahead + find_figures(tokens, c_lo, c_hi)
            ahead = []
            if _earlier_one(tokens.low, trigger, c_lo):
                # "confirmed dead as a result of an earlier Russian strike": another event's toll
                figures = [replace(f, additional=True) for f in figures]
            record, new = _code_clause(doc, trigger, (c0, c1, c_lo, c_hi), (s0, s1, s_lo, s_index), s_places,
                                       dates.within(s0, s1), last_places, records, places)
            record.absorb_figures(figures)
            if new and (recalled := _recalled_by(record, figures, records)) is not None:
                _continue(recalled, record)
                continue
            if new:
                records.append(record)
                if record.date_explicit and record.date is not None:
                    doc.last_dated = record
        last_places.extend((m, s_index) for m in s_places if m.place.kind != "country")
    for record in records:
        if record.place is not None and record.place.kind == "country" and doc.focus is not None \
                and doc.focus.country == record.place.country:
            record.place, record.geo_precision = doc.focus, 3
            record.place_reason += f", which names only the country: the document's focus {doc.focus.name!r} instead"
        if record.place is None and doc.focus is not None:
            record.place, record.geo_precision = doc.focus, 3
            record.place_reason = f"no place in the sentence: the document's focus {doc.focus.name!r} (its most named place)"
    return merge_duplicates(records)


_LOCATIVE = _GRAMMAR.words("locative_prepositions")
# words before a side that is not the subject: a target, a place, an agent, an instrument
_NOT_BEFORE_SUBJECT = _TARGET_PREPS | _LOCATIVE | {"by", "with", "of", "from"}
_BEFORE_AGENT_OR_TARGET = _TARGET_PREPS | {"by"}


def _in_a_past_year(doc: _Doc, trigger: Trigger, c0: int, c1: int, dates: "_ByStart[DateMention]") -> bool:
    """Is the trigger's event told as one of a year that ended a month or more before the report?

    Only when its clause gives no day or month, no relative word stands
    between the trigger and the year ("IS, which seized Raqqa in 2014,
    attacked Kobani": the year is the seizure's) and the year is not what a
    time is counted since ("since the outbreak of the war in 2011").
    """
    if doc.ref is None or dates.within(c0, c1):
        return False
    low = doc.tokens.low
    for year, start in find_years(doc.text, c0, c1):
        if (doc.ref - dt.date(year, 12, 31)).days <= _CARRY_DAYS:
            continue
        at = doc.tokens.index_at(start)
        if "since" in low[max(0, at - _SINCE_REACH):at]:
            continue  # "the first explosion to hit the town since the outbreak of the war in 2011"
        between = low[trigger.end:at] if at >= trigger.end else low[at:trigger.first]
        if coding.RELATIVE_WORDS.isdisjoint(between):
            return True
    return False


_SINCE_REACH = 8


def _usable(m: Mention) -> bool:
    """Can this mention locate an event?  Not "Aleppo-based" or a dateline
    ("BEIRUT (AP)"), and a country or capital standing for its government
    ("the U.S. and Russia agreed") only after a locative preposition ("talks
    in Russia")."""
    if m.place is None or m.based or m.dateline or m.rulers_own:
        return False
    # a country, like a government, is where something happens only after a locative
    # ("talks in Qatar"), not as a side ("brokered by rebel backer Qatar")
    return not (m.names_actor or m.place.kind == "country") or m.prep in _LOCATIVE


def _attach_figures(records: list[EventRecord], figures: list[Figure], s_index: int, s0: int, s1: int,
                    target: re.Match | None) -> None:
    """A sentence that only gives a toll continues the event just before it.

    When it names a target ("in the hospital alone") the toll goes to the
    recent event that hit that target.
    """
    if not figures or not records:
        return
    record = records[-1]
    if target is not None:
        for earlier in reversed(records):
            if s_index - earlier.last_sentence > 3:
                break
            if earlier.target == target.group(1).lower():
                record = earlier
                break
    if record.violent and s_index - record.last_sentence <= (3 if record is not records[-1] else 1):
        record.absorb_figures(figures)
        if record.last_sentence != s_index:
            record.evidence.append(Evidence(s0, s1, s_index))


def _code_clause(doc: _Doc, trigger: Trigger, clause: tuple, sentence: tuple, s_places: list[Mention],
                 s_dates: list[DateMention], last_places: list[tuple[Mention, int]],
                 records: list[EventRecord], places: _ByStart[Mention]) -> tuple[EventRecord, bool]:
    """Code one clause's event; return it and whether it is new (not a continued earlier event)."""
    c0, c1, c_lo, c_hi = clause
    s0, s1, s_lo, s_index = sentence
    tokens, text = doc.tokens, doc.text
    kind = trigger.type
    actor1, actor2, explicit = _link_actors(doc, trigger, c_lo, c_hi, s_lo)
    # the clause's own sides re-type it (rules.yaml): "a terrorist attack ... claimed the lives of 18 civilians"
    event_type, sub_type, violent = retype(
        Coding(kind.event_type, kind.sub_event_type, kind.violent), broad=kind.broad,
        actor1=actor1, actor2=actor2, clause=tokens.low[c_lo:c_hi], doer_settled=False)
    if actor1 is None:
        actor1, actor2b = _actors_from_control(text[c0:c1])
        actor2 = actor2 or actor2b
    from_weapon = bool(kind.doer) and (actor1 is None or not actor1.government)
    if from_weapon:
        (actor1, actor2), explicit = _weapon_owner(kind.doer, actor1, actor2), False
    record = EventRecord(event_type, sub_type, violent, actor1, actor2, explicit, from_weapon, generic=bool(kind.generic))
    record.evidence.append(Evidence(s0, s1, s_index))
    # what was hit: a target word shortly after the trigger ("rockets hit a hospital")
    t_end = tokens.ends[min(trigger.end + 7, c_hi - 1)] if c_hi > trigger.end else c1
    target = _TARGET_RE.search(text, tokens.ends[trigger.end - 1], max(t_end, tokens.ends[trigger.end - 1]))
    record.target = target.group(1).lower() if target else None

    clause_places = places.within(c0, c1)
    chosen = _choose_place(clause_places, doc.focus, violent, tokens.low)
    if chosen is not None:
        _set_place(record, chosen, f"{chosen.text!r} in the trigger's clause" + (f" after {chosen.prep!r}" if chosen.prep else ""))
    elif s_places and (chosen := _choose_place(s_places, doc.focus, violent, tokens.low)) is not None:
        _set_place(record, chosen, f"{chosen.text!r} elsewhere in the same sentence")
    elif (ana := _ANAPHORA_RE.search(text, c0, c1)) and (carried := _antecedent(last_places, ana.group(0), s_index)):
        _set_place(record, carried, f"{ana.group(0)!r} refers back to {carried.text!r} in a previous sentence")

    clause_dates = [d for d in s_dates[bisect_left([d.start for d in s_dates], c0):] if d.start < c1]
    date = (clause_dates or s_dates or [None])[0]
    if date is not None:
        record.date, record.time_precision, record.date_explicit = date.date, date.precision, True

    earlier = _continued_event(records, record, trigger, tokens, s_index) if _definite(tokens, trigger, c_lo) else None
    if earlier is not None:
        _continue(earlier, record)
        return earlier, False
    if record.actor1 is None:
        _inherit_actor(records, record, s_index, _targeted(doc, trigger, c_hi, record.actor2))
    if record.date is None:
        _carry_date(doc.last_dated, record, doc.ref)
    record.event_type, record.sub_event_type, record.violent = retype(
        Coding(record.event_type, record.sub_event_type, record.violent), broad=kind.broad,
        actor1=record.actor1, actor2=record.actor2, clause=tokens.low[c_lo:c_hi], doer_settled=True)
    _default_actors(record)
    return record, True


def _earlier_one(low: list[str], trigger: Trigger, c_lo: int) -> bool:
    """Is the trigger told as an earlier one ("an earlier Russian strike", "a previous attack")?

    Not the adverb: "Earlier, Syrian jets bombed Idlib" tells the day's event again.
    """
    return any(low[k] in _EARLIER and low[k - 1] in ("a", "an", "the")
               for k in range(max(c_lo + 1, trigger.first - 3), trigger.first))


_EARLIER = _GRAMMAR.words("earlier")


def _recalled_by(record: EventRecord, figures: list[Figure], records: list[EventRecord]) -> EventRecord | None:
    """The earlier violent event a generic word that says nothing new recalls, if it does.

    A generic word ("attack", "strike") with no toll, place, side or other date of its own, in a
    report that has told of violence already, recalls that violence: "France called for a Security
    Council meeting about Tuesday's suspected attack" is no new event, but "On Wednesday, an
    explosion struck a market" after Monday's shelling is. The event recalled is the latest of
    the word's date (when it has one), then of its type, else the latest.
    """
    violent = [r for r in records if r.violent]
    if not (record.generic and not figures and not record.place_explicit and not record.actor_explicit and violent):
        return None
    if record.date_explicit:
        violent = [r for r in violent if r.date == record.date or not r.date_explicit] or violent
    recalled = next((r for r in reversed(violent) if r.sub_event_type == record.sub_event_type), violent[-1])
    if record.date_explicit and recalled.date_explicit and recalled.date not in (None, record.date):
        return None
    return recalled


def _antecedent(last_places: list[tuple[Mention, int]], phrase: str, s_index: int) -> Mention | None:
    """The place "the city", "the area", "there" ... refers to: the latest fitting one named before."""
    wants_city = any(w in phrase.lower() for w in ("city", "town"))
    for mention, sentence in reversed(last_places):
        if s_index - sentence > _NEIGHBOURING_SENTENCES:
            return None
        if not wants_city or mention.place.kind in ("city", "town"):
            return mention
    return None


def _set_place(record: EventRecord, mention: Mention, reason: str) -> None:
    place = mention.place
    record.place = place
    record.place_explicit = True
    precision = GEO_PRECISION.get(place.kind, 3)
    if mention.near:
        precision = max(precision, 2)
        reason += " (near it, not at it)"
    record.geo_precision = precision
    record.place_reason = reason


def _weapon_owner(doer: str, actor1: Actor | None, actor2: Actor | None) -> tuple[Actor, Actor | None]:
    """The sides of a weapon only ``doer`` uses, when the clause names no state's forces as its doer.

    ``doer`` (a trigger's, see triggers.yaml) is actor1. A non-state side
    or civilians named as the doer were what was hit ("fighting between
    rebels and the army as helicopters dropped a barrel bomb on an
    opposition area"); unidentified aircraft were the owner's own.
    """
    actors = _actor_index()
    owner, unnamed = actors[doer], actors["Unidentified Military Forces"]
    if actor1 is not None and actor1.inter in _HIT_BY_WEAPON and actor2 in (None, owner, unnamed):
        actor2 = actor1
    return owner, None if actor2 in (owner, unnamed) else actor2


# Sides a weapon's owner is taken to have hit when a clause names them as its doer:
# rebels, political and identity militias (ACLED inter 2-4) and civilians (7).
_HIT_BY_WEAPON = frozenset({2, 3, 4, 7})


def _choose_place(mentions: list[Mention], focus: Place | None, violent: bool, low: list[str]) -> Mention | None:
    """The best place among a clause's mentions for an event (module docstring, rule 1).

    ``focus`` is the document's focus; ``violent`` whether the event is;
    ``low`` the document's lower-cased tokens.
    """
    if not mentions:
        return None
    by_id = {m.place.place_id for m in mentions}
    # A country gives way to the other places named ("in Syria's Aleppo"; "gained ground in
    # Syria ... bolstered by equipment seized in neighbouring Iraq"), except where diplomacy
    # happens: talks and deals are held abroad ("talks in Qatar on the evacuation of Madaya"),
    # so there only the report's own country and a country holding another named place do.
    giving_way = None if violent else {m.place.country for m in mentions if m.place.kind != "country"}
    if giving_way is not None and focus is not None:
        giving_way.add(focus.country)
    areas = {(m.place.country, m.place.admin1, m.place.admin2 if m.place.kind == "admin2" else None)
             for m in mentions if m.place.kind in ("admin1", "admin2")}
    def contained(m: Mention) -> bool:
        # a neighbourhood or village whose parent (or city) is also named here, or a place inside a
        # governorate or district named here ("... near the Finance Directorate in Daraa city", after
        # "a source at Daraa Governorate")
        place = m.place
        return place.parent_id in by_id or (m.city is not None and place.kind in ("neighbourhood", "village", "town")) \
            or (place.kind not in _AREA_KINDS and ((place.country, place.admin1, None) in areas
                                                   or (place.country, place.admin1, place.admin2) in areas))
    def rank(k_m: tuple[int, Mention]) -> tuple:
        k, m = k_m
        country = m.place.kind == "country" and (giving_way is None or m.place.country in giving_way)
        # a place introduced by a preposition, or named as a settlement ("strikes against the town
        # of Saraqeb and the village of Sheikh Mustafa in Idlib province"), before one named in passing
        bare = m.prep is None and m.cue not in _SETTLEMENT_CUES and not _hit(low, m.first, m.last)
        return (_speakers_place(low, m.first, m.last), country, not contained(m), bare, k)
    return min(enumerate(mentions), key=rank)[1]


_SETTLEMENT_CUES = frozenset(("city", "town", "village", "neighbourhood"))
# Kinds of place a town, village or neighbourhood may lie inside (see _choose_place's containment).
_AREA_KINDS = frozenset(("country", "admin1", "admin2", "region"))
_SPEAKERS = _SIDES.words("speakers")


def _speakers_place(low: list[str], first: int, last: int) -> bool:
    """Does the mention in tokens ``first:last`` say where a speaker is ("a source at Hasaka ... said")?

    Such a place locates an event only when the clause names no other place,
    not even a country ("killed in Russian air strikes in Syria, the defence
    ministry in Moscow said"). Not a victim's: "killed two officials in Qamishli".
    """
    return first >= 2 and low[first - 1] in ("at", "in", "of", "for") and low[first - 2] in _SPEAKERS \
        and not (_SAYS.isdisjoint(low[last:last + _SPEECH_REACH])
                 and "according" not in low[max(0, first - 2 - _SPEECH_REACH):first - 2])


# "a source at Hasaka Police Command told ...", "quoted a source in Hasaka as saying", "according to
# SANA reporter in Homs": how far the speech verb may follow the place, or "according" precede the speaker
_SPEECH_REACH = 4

_HIT_VERBS = _SIDES.words("hit_verbs")


def _hit(low: list[str], first: int, last: int) -> bool:
    """Is the mention in tokens ``first:last`` the object of a verb of attack (over "the")?

    Not when it names a site ("seized the Shaar oilfield east of Homs"): the
    place the site is named after may be anywhere.
    """
    k = first - 1
    if k >= 0 and low[k] == "the":
        k -= 1
    return k >= 0 and low[k] in _HIT_VERBS and (last >= len(low) or low[last] not in _site_words())


@lru_cache(maxsize=1)
def _site_words() -> frozenset[str]:
    """Words for a site named after a place ("oilfield", "airport"), settlements' words left out."""
    return site_words() - {"area", "district", "quarter", "neighbourhood", "neighborhood", "suburb", "village", "town"}


def _link_actors(doc: _Doc, trigger: Trigger, c_lo: int, c_hi: int, s_lo: int) -> tuple[Actor | None, Actor | None, bool]:
    """The trigger's doer and target, whether the doer was named, and the side blamed for it.

    A side the clause blames is the one said to have done it, never what was
    hit: "air strikes killed 11 people in Maaret al-Numan, the monitor said,
    blaming government forces"; "the attack was blamed on Islamic State".
    """
    low = doc.tokens.low
    sides = doc.actors_within(c_lo, c_hi)
    blamed = next((a for a in sides if _blamed(low, a.first)), None)
    actor1, actor2, explicit = _clause_sides(doc, trigger, c_lo, c_hi, s_lo, blamed)
    if blamed is None or actor1 is not None:
        return actor1, actor2, explicit
    # the side that blames is neither: "the attack, which the regime blamed on the rebels" (unless
    # the clause names it again as hit: "... on soldiers killed 3, the army said, blaming rebels")
    blamers = [a for a in sides if a.first < blamed.first and not _BLAME.isdisjoint(low[a.end:a.end + 3])]
    named_again = any(a.actor == actor2 and a is not blamed and a not in blamers for a in sides)
    if actor2 == blamed.actor or (any(a.actor == actor2 for a in blamers) and not named_again):
        actor2 = None
    return blamed.actor, actor2, True


_BLAME = _SIDES.words("blame")
_BLAME_REACH = 4


def _blamed(low: list[str], index: int) -> bool:
    """Is the side starting at token ``index`` the one blamed ("blaming X", "blamed on X")?"""
    k = _word_before(low, index)
    if k < 0:
        return False
    if low[k] in _BLAME or (low[k] == "of" and k >= 1 and low[k - 1] == "work"):  # "the work of the regime"
        return True
    return low[k] == "on" and not _BLAME.isdisjoint(low[max(0, k - _BLAME_REACH):k])


def _clause_sides(doc: _Doc, trigger: Trigger, c_lo: int, c_hi: int, s_lo: int,
                  blamed: ActorMention | None) -> tuple[Actor | None, Actor | None, bool]:
    low = doc.tokens.low
    # an ally is neither doer nor target: "the SDF entered Manbij with support from the US-led coalition"
    in_clause = [a for a in doc.actors_within(c_lo, c_hi) if not _ally(low, a.first) and a is not blamed]
    # an actor whose name holds the trigger is its subject too: "warplanes of the coalition"
    before = [a for a in in_clause if a.first <= trigger.first]
    after = [a for a in in_clause if a.first >= trigger.end]
    sides = _between_sides(low, trigger, c_hi, after)
    if sides is not None:
        return sides[0], sides[1], True
    agent = next((a for a in after if a.first - trigger.end <= 6 and _preceded_by(low, a.first, ("by",))
                  and not _holder(low, a.first)), None)
    if agent is None and trigger.type.sub_event_type == "Air/drone strike" and trigger.end < len(low) \
            and low[trigger.end] == "of":
        # aircraft belong to a side: "an airstrike of the US-led coalition" (not "air strikes of ISIS
        # positions", what was hit)
        # (not a side after a target's preposition: "warplanes of the coalition against ISIS")
        first = after[0] if after else None
        if first is not None and first.first - trigger.end <= _OF_REACH and first.actor.inter != 7 \
                and _TARGET_PREPS.isdisjoint(low[trigger.end:first.first]) \
                and (first.end >= len(low) or low[first.end] not in _HIT_NOUNS):
            agent = first
    if agent is None and trigger.type.violent and trigger.type.sub_event_type != "territory":
        # "rocket attacks from DAESH", "shelling from government forces" (but "captured X from Y": Y lost it)
        agent = next((a for a in after if trigger.end < len(low) and low[trigger.end] == "from"
                      and a.first - trigger.end <= _FROM_REACH and _preceded_by(low, a.first, ("from",))), None)
    if trigger.type.inverse:
        gainer = next((a for a in after if _preceded_by(low, a.first, ("to",))), None)
        loser = before[-1].actor if before else None
        if gainer is not None:
            return gainer.actor, loser if loser != gainer.actor else None, True
        return None, loser, bool(loser)
    # not a subject: a target ("against X"), an agent of something else ("by X"), or a
    # government named by its capital or country after a locative ("in Moscow")
    subjects = [a for a in before if not _preceded_by(low, a.first, _NOT_BEFORE_SUBJECT)
                and a.actor.inter != 7]
    relative = _relative_subject(low, before, trigger)
    if agent is None and relative is not None:
        # the side a relative pronoun stands for: "controlled by the Ahrar al-Sham group which seized it"
        subjects = [relative] + [a for a in subjects if a is not relative]
    if agent is None and not subjects and trigger.type.sub_event_type != "Armed clash":
        # the agent of the attack that is the clause's subject: "A new attack launched by the
        # coalition on the village caused a massacre" (in a clash, the side fought comes after:
        # "strikes launched by the coalition fighting Daesh")
        agent = next((a for a in reversed(before) if _agent_of_participle(low, a.first)), None) \
            or next((a for a in after if _agent_after(doc, trigger, a)), None)
    if agent is not None:
        # the target: the subject of the passive, else civilians or a side named as a target
        # after the agent ("a car bomb was detonated by ISIS ..., killing 20 civilians"),
        # not a second agent ("by the regime or Russian warplanes")
        # (not a side reacting to it: "Syrian Coalition condemns massacre by Russian air force")
        speaking = set(subjects) - set(_drop_speakers(doc.tokens, subjects, trigger.first))
        subjects = [a for a in subjects if a not in speaking]
        targets = [a.actor for a in (subjects[-1:] if subjects else [a for a in before if a not in speaking])
                   if a.actor != agent.actor] \
            or [a.actor for a in after if a.first > agent.first and a.actor != agent.actor
                and (a.actor.inter == 7 or _preceded_by(low, a.first, _TARGET_PREPS))]
        return agent.actor, (targets[0] if targets else None), True
    subjects = _drop_speakers(doc.tokens, subjects, trigger.first)
    if _passive(low, trigger):
        # "rebel positions were shelled", "a Russian helicopter was shot down": with no agent
        # named ("by X", above), the grammatical subject is what was hit and the doer is unknown;
        # without a subject, a side named after the trigger was hit ("items seized from rebel
        # hideouts", "... shot down, the biggest loss for Russian forces")
        hit = [a for a in before if not _preceded_by(low, a.first, _NOT_BEFORE_SUBJECT)][-1:]
        if not hit and after and _preceded_by(low, after[0].first, _WHEN) \
                and doc.trigger_index().starting(after[0].end, after[0].end + 2):
            # the side that attacked when it happened did it: "300 men were executed when IS stormed the
            # village" (not "shelled after rebels seized it": the side hit)
            return after[0].actor, None, True
        hit = hit or after[:1]
        return None, (hit[0].actor if hit else None), False
    # in a battle the side that lost men is still a side, but the other one comes first; in
    # one-sided violence it is the target
    suffered = [a for a in subjects if _suffered(low, a, trigger)]
    if trigger.type.event_type == "Battles":
        victims, subjects = [], [a for a in subjects if a not in suffered] + suffered
    else:
        victims, subjects = suffered, [a for a in subjects if a not in suffered]
    if not subjects:
        # a side naming the trigger's doer as its modifier, after a preposition: "killed in coalition air
        # strikes", "by terrorists' rocket shells" (not a target: "the coalition against ISIS struck")
        # ("killed in Russian air strikes": the side's name holds the trigger)
        subjects = [a for a in before if (a.end == trigger.first or a.first < trigger.first < a.end)
                    and a.actor.inter != 7 and a not in victims
                    and not _preceded_by(low, a.first, _TARGET_PREPS)][-1:]
    # the grammatical subject comes first: "rebels attacked government forces with car bombs";
    # but a side whose name holds the trigger did it, wherever the clause names it: "the YPG
    # expanded their control despite the bombing of several locations by Syrian jets"
    holder = next((a for a in before if a.first <= trigger.first < a.end and not a.actor.generic
                   and a.actor.inter != 7 and not _preceded_by(low, a.first, _TARGET_PREPS)), None)
    actor1 = holder.actor if holder is not None else subjects[0].actor if subjects else None
    objects = [a for a in subjects if a is not holder] if holder is not None else subjects[1:]
    # sides named together before the trigger did it together: "Turkish artillery and coalition
    # jets hit 33 positions" (no field holds a second doer; neither is the other's target)
    # (not in a clash, which two sides fight each other: "Kurdish fighters and ISIS militants clashed")
    if trigger.type.sub_event_type != "Armed clash":
        ends, starts = {a.end for a in subjects}, {a.first for a in subjects}
        objects = [a for a in objects
                   if not (a.first >= 2 and low[a.first - 1] in ("and", "or") and a.first - 1 in ends)
                   and not (a.end + 1 < len(low) and low[a.end] in ("and", "or") and a.end + 1 in starts)]
    if actor1 is None and trigger.type.event_type == "Protests":
        actor1 = next((a.actor for a in before if a.actor.inter == 7), None)
    if actor1 is None:
        # the subject of an earlier clause of the sentence: "Rebels attacked X, ..., and shelled Y"
        earlier = [a for a in doc.actors_within(s_lo, c_lo) if a.actor.inter != 7]
        actor1 = earlier[-1].actor if earlier and not _preceded_by(low, earlier[-1].first, _BEFORE_AGENT_OR_TARGET) else None
    others = ([a.actor for a in victims if a.actor != actor1]
              + [a.actor for a in after if a.actor != actor1]
              + [a.actor for a in objects if a.actor != actor1]  # the object: "attacked government forces with ..."
              + [a.actor for a in before if a.actor != actor1 and a.actor.inter == 7])
    if trigger.type.violent:
        # a government or the UN is no side in fighting (see _default_actors): "18 children were
        # killed in a terrorist attack, UN envoy de Mistura said" hit the children
        others = [actor for actor in others if not _not_a_fighting_side(actor)]
    if actor1 is None and trigger.type.sub_event_type == "Armed clash":
        # a battle told by its dead: "the battle for Zabadani has cost the lives of 63 rebels and 21
        # Hezbollah fighters" was fought between the two
        sides = list(dict.fromkeys(a.actor for a in after if a.actor.inter != 7 and not _not_a_fighting_side(a.actor)))
        if len(sides) >= 2:
            return sides[0], sides[1], False
    actor2 = others[0] if others else None
    return actor1, actor2, actor1 is not None


_PASSIVE = _GRAMMAR.words("passive_auxiliaries")
_PASSIVE_ADVERBS = _GRAMMAR.words("passive_adverbs")
_IRREGULAR_PARTICIPLES = _GRAMMAR.words("irregular_participles")


def _passive(low: list[str], trigger: Trigger) -> bool:
    """Is the trigger a passive participle ("were shelled", "was reportedly shot down")?

    Not a progressive ("were shelling") nor a noun after "there were" ("there were clashes").
    """
    word = low[trigger.first]
    if not (word.endswith("ed") or word in _IRREGULAR_PARTICIPLES):
        return False
    k = trigger.first - 1
    while k >= 0 and trigger.first - k <= 3 and low[k] in _PASSIVE_ADVERBS:
        k -= 1
    return k >= 0 and low[k] in _PASSIVE


_DIED = _SIDES.words("died")
# "20 militants of the Islamic State were killed in air strikes": how far the toll may follow the side
_VICTIM_REACH = 6


def _suffered(low: list[str], subject: ActorMention, trigger: Trigger) -> bool:
    """A side that "was killed" or "died" before the trigger is its victim, not its doer:
    "20 IS militants were killed in coalition air strikes" (but not a side "who were attacked last
    week" that shelled a town on Friday)."""
    relative = False
    for k in range(subject.end, min(trigger.first, subject.end + _VICTIM_REACH)):
        relative = relative or low[k] in _RELATIVES
        if _suffered_at(low, k, hit=not relative):
            return True
    return False


def _suffered_toll(low: list[str], lo: int, hi: int) -> bool:
    """Do tokens ``lo:hi`` tell of people killed or hurt without saying by whom ("were killed", "died")?"""
    return any(_suffered_at(low, k) for k in range(lo, hi))


def _suffered_at(low: list[str], k: int, hit: bool = True) -> bool:
    """Token ``k`` tells that people suffered: "died", "were killed", "was wounded", "has been the
    target of" (strikes), a headline's "Killed in"; with ``hit``, also "were hit", "were targeted"."""
    return low[k] in _DIED or (k > 0 and low[k] in _toll_words() and low[k - 1] in _PASSIVE) \
        or (low[k] in _TARGET_NOUNS and 0 < k < len(low) - 1 and low[k + 1] == "of" and low[k - 1] in ("the", "a")) \
        or (low[k] in _toll_words() and low[k].endswith("ed") and k + 1 < len(low) and low[k + 1] in _HEADLINE_AFTER
            and not any(w.isdecimal() or w in ("many", "much") for w in low[k + 1:k + 4])) \
        or (hit and k > 0 and low[k] in _HIT_PASSIVES and low[k - 1] in _PASSIVE)


_HIT_PASSIVES = _SIDES.words("hit_passives")
_HEADLINE_AFTER = _SIDES.words("headline_after")


_TARGET_NOUNS = _SIDES.words("target_nouns")


@lru_cache(maxsize=1)
def _toll_words() -> frozenset[str]:
    lex = load_lexicon("numbers")
    return frozenset(str(w) for w in lex["killed_words"] + lex["wounded_words"] if " " not in str(w))


# "an airstrike of the US-led anti-terror coalition": how far the side may follow "of"
_OF_REACH = 7
_HIT_NOUNS = _SIDES.words("hit_nouns")
# "attacks from DAESH" ("from" right after the trigger): how far the side may follow the trigger
_FROM_REACH = 3
# "clashes erupted on Friday at midnight between X and Y": how far "between" may follow its trigger
_BETWEEN_REACH = 6


def _between_sides(low: list[str], trigger: Trigger, c_hi: int,
                   after: list[ActorMention]) -> tuple[Actor, Actor] | None:
    """The two sides of "fighting between X and Y", when "between" belongs to the trigger
    (not "... where civilians died, an area traded between X and Y"); the second side
    is the next one that is not the first named again."""
    stop = min(c_hi, trigger.end + _BETWEEN_REACH + 1)
    at = next((k for k in range(trigger.end, stop) if low[k] == "between"), None)
    if at is None:
        return None
    named = [a.actor for a in after if a.first > at]
    other = next((actor for actor in named[1:] if actor != named[0]), None)
    return (named[0], other) if other is not None else None


_SPEECH = _SIDES.words("speech")
_REACTION = _SIDES.words("reaction")
_ACCUSE = _SIDES.words("accuse")
_DESCRIBE = _SIDES.words("describe")
_SAYS = _SIDES.words("says")
_CONFIRMS = _SIDES.words("confirms")
_OWN = _GRAMMAR.words("own_pronouns")


def _drop_speakers(tokens: Tokens, subjects: list[ActorMention], trigger_first: int) -> list[ActorMention]:
    """Drop a side that only reports or reacts to what another did.

    "rebels said government forces shelled X" (another side follows), "the
    UN condemned the air strikes", "the Coalition said the air strikes
    killed 20" (nothing says the strikes were the speaker's own), "Syrian
    Coalition: 19 civilians killed in Russian air strikes" (a headline
    quoting it).
    """
    low = tokens.low
    kept = []
    for k, a in enumerate(subjects):
        verbs = low[a.end:a.end + 3]
        # a reaction may follow the speaker's title and name: "the Coalition chief Ahmad Jarba called on ..."
        if any(w in _REACTION and not (w in _ACCUSE and low[j - 1] in _PASSIVE)
               and not (w in _DESCRIBE and not _OWN.isdisjoint(low[j + 1:j + 4]))
               for j, w in enumerate(low[a.end:a.end + 5], start=a.end)) or (
            a.end < len(low) and ":" in tokens.text[tokens.ends[a.end - 1]:tokens.starts[a.end]]
        ):
            continue
        # before a later side: "the Coalition, an opposition group based abroad, said regime planes ..."
        if k + 1 < len(subjects) and any(w in _SPEECH for w in low[a.end:subjects[-1].first]):
            own = subjects[k + 1]
            if own.actor.generic and own.first > 0 and (
                    low[own.first - 1] in ("its", "their") or not _CONFIRMS.isdisjoint(low[a.end:own.first])):
                kept.append(a)  # "Russia said its jets struck": the speaker's own forces did it
                break
            continue
        if k + 1 == len(subjects) and any(w in _SAYS for w in verbs) \
                and not any(w in _OWN for w in low[a.end:trigger_first]):
            continue
        kept.append(a)
    return kept


_DETERMINER_LIKE = _SIDES.words("determiner_like")


_SUPPORT = _SIDES.words("support")


def _supports(low: list[str], k: int) -> bool:
    """Do tokens ``k - 1:k + 1`` open another side's support ("backed by", "support from", "help of")?"""
    return k >= 1 and low[k] in ("from", "of", "by") and low[k - 1] in _SUPPORT


def _ally(low: list[str], index: int) -> bool:
    """Is the side starting at token ``index`` named as another's ally ("backed by X", "alongside X")?"""
    k = _word_before(low, index)
    return k >= 0 and (low[k] == "alongside" or _supports(low, k))


# "backed by US-led coalition air strikes": how far the trigger may follow "by"
_SUPPORT_REACH = 5


def _in_support(low: list[str], trigger: Trigger, clause_triggers: list[Trigger], c_lo: int) -> bool:
    """Is the trigger another side's support of the event, not the event ("Backed by Russian
    air strikes, government forces captured Palmyra")?

    Only a noun names support: a verb after the supporter is the clause's own ("Rebels backed
    by Turkey attacked ...", "backed by artillery attacked"), and so is a trigger after another.
    """
    first = trigger.first
    if low[first].endswith("ed") or low[first] in _IRREGULAR_PARTICIPLES:
        return False
    for k in range(first - 1, max(c_lo, first - _SUPPORT_REACH - 1), -1):
        if _supports(low, k):
            return not any(k < t.first < first for t in clause_triggers)
    return False


def _relative_subject(low: list[str], before: list[ActorMention], trigger: Trigger) -> ActorMention | None:
    """The side a relative pronoun right before the trigger stands for ("the group which seized it").

    The side must end at most three words before the pronoun ("the Ahrar al-Sham rebel group
    which"); a passive ("which was shelled") has its own subject: what was hit.
    """
    k = trigger.first - 1
    if k < 1 or low[k] not in _RELATIVES or _passive(low, trigger):
        return None
    near = [a for a in before if k - _RELATIVE_REACH <= a.end <= k and a.actor.inter != 7]
    return near[-1] if near else None


# the relative words that stand for a side (not "where", "when", "whom", "whose")
_RELATIVES = coding.RELATIVE_WORDS - {"where", "when", "whom", "whose"}
_RELATIVE_REACH = 3


def _by_before(low: list[str], index: int) -> int | None:
    """Where "by" stands before the side at ``index`` (over determiners), if it does and a word precedes it."""
    k = _word_before(low, index)
    return k if k >= 1 and low[k] == "by" else None


def _holder(low: list[str], index: int) -> bool:
    """Is the side at ``index`` named as a place's holder ("Idlib, which is held by Al Qaeda affiliate ...")?"""
    k = _by_before(low, index)
    return k is not None and low[k - 1] in _HOLDING


_HOLDING = _SIDES.words("holding")


def _agent_after(doc: _Doc, trigger: Trigger, side: ActorMention) -> bool:
    """Is ``side``, after the trigger, the agent of a participle or a campaign told of the trigger's event?

    "airstrikes on the town of Armanaz ... purportedly carried out by Syrian regime or Russian jets",
    "the brutal onslaught by the Assad regime"; not the agent of another event named in between:
    "in retaliation for an attack carried out by Jaish al-Fatah", "protests staged by residents".
    """
    low = doc.tokens.low
    k = _by_before(low, side.first)
    if k is None:
        return False
    if low[k - 1] in _ONSLAUGHTS:
        return not _trigger_between(doc, trigger.end, k - 1)
    return side.first - trigger.end <= _PARTICIPLE_REACH and _agent_of_participle(low, side.first) \
        and not _trigger_between(doc, trigger.end, k)


def _trigger_between(doc: _Doc, lo: int, hi: int) -> bool:
    """Does another event's wording stand in tokens ``lo:hi``?

    A generic word the toll was told "in" is the same event: "three suicide bombers killed two
    people ... in an attack claimed by the Islamic State group".
    """
    low = doc.tokens.low
    return any(not (t.type.generic and t.first >= 2 and low[t.first - 1] in ("a", "an", "the") and low[t.first - 2] == "in")
               for t in doc.trigger_index().starting(lo, hi))


def _agent_of_participle(low: list[str], index: int) -> bool:
    """Is the mention at ``index`` the agent of an attack's participle ("launched by", "carried out by")?"""
    k = _by_before(low, index)
    return k is not None and (low[k - 1] in _AGENT_PARTICIPLES or low[k - 2:k] == ["carried", "out"])


# "airstrikes on the town of Armanaz in Idlib province purportedly carried out by Syrian regime
# or Russian jets": how far after the trigger a participle's agent may stand
_PARTICIPLE_REACH = 20
_ONSLAUGHTS = _SIDES.words("onslaughts")


_WHEN = _GRAMMAR.words("when_words")
_AGENT_PARTICIPLES = _SIDES.words("agent_participles")


def _word_before(low: list[str], index: int) -> int:
    """The token before ``index`` once articles and "Syria's" are passed over (-1 if none)."""
    k = index - 1
    while k >= 0 and low[k] in _DETERMINER_LIKE:
        k -= 1
    return k


def _preceded_by(low: list[str], index: int, words: Container[str]) -> bool:
    """True if one of ``words`` stands right before ``index`` (over an article or "Syria's")."""
    k = _word_before(low, index)
    return k >= 0 and low[k] in words


def _actors_from_control(clause: str) -> tuple[Actor | None, Actor | None]:
    """Who attacked, when the text only says whose area was hit."""
    low = clause.lower()
    if "held" not in low and "controlled" not in low:
        return None, None  # what both patterns end with: most clauses need no regex search
    actors = _actor_index()
    if _GOV_HELD_RE.search(clause) and not _REBEL_HELD_RE.search(clause):
        return actors.get("Opposition Rebels (Syria)"), actors.get("Civilians (Syria)")
    if _REBEL_HELD_RE.search(clause) and not _GOV_HELD_RE.search(clause):
        return actors.get("Military Forces of Syria"), actors.get("Civilians (Syria)")
    return None, None


def _actor_index() -> dict[str, Actor]:
    return coding.actors_by_name()


def _definite(tokens: Tokens, trigger: Trigger, c_lo: int) -> bool:
    """A definite reference ("the airstrikes", "the rebel bombardment", "one of the rockets")."""
    low = tokens.low
    for back in (1, 2):
        k = trigger.first - back
        if k >= c_lo and low[k] in _DETERMINERS:
            return True
    return False


def _continued_event(records: list[EventRecord], new: EventRecord, trigger: Trigger, tokens: Tokens,
                     s_index: int) -> EventRecord | None:
    """The earlier event a definite reference continues, if a compatible one is near.

    A generic word with a place ("this terrorist attack in Qamishli") may
    recall an event told anywhere before, at that same place.
    """
    generic = trigger.type.generic
    for record in reversed(records):
        far = s_index - record.last_sentence > 4
        if far and not (generic and new.place is not None):
            return None
        if far and not (record.place_explicit and record.place is not None and record.place.place_id == new.place.place_id):
            continue
        if generic and record.violent and (generic == "any" or record.event_type == new.event_type):
            pass  # "the attack" (any violent event), "the explosion" (one of its type)
        elif record.event_type != new.event_type or (record.sub_event_type != new.sub_event_type and new.sub_event_type != "territory"):
            continue
        if new.actor1 is not None and record.actor1 is not None and new.actor1 != record.actor1:
            continue
        if new.place is not None and record.place_explicit and record.place is not None and new.place.place_id != record.place.place_id:
            continue
        return record
    return None


def _continue(record: EventRecord, new: EventRecord) -> None:
    """Fold a continuation's evidence and details into the earlier event."""
    if record.generic and not new.generic and new.sub_event_type != "territory":
        # "the attack ... ; the mosque strike killed 38": the specific word says what it was
        record.event_type, record.sub_event_type, record.violent = new.event_type, new.sub_event_type, new.violent
        record.generic = False
    if not any(e.sentence == new.evidence[0].sentence for e in record.evidence):
        record.evidence.extend(new.evidence)
    # a generic mention ("officials in Damascus condemned the attack") is no evidence of where it was
    if new.place is not None and not record.place_explicit and not new.generic:
        record.place, record.place_explicit = new.place, True
        record.geo_precision, record.place_reason = new.geo_precision, new.place_reason + " (a later sentence about the same event)"
    if record.actor1 is None and new.actor1 is not None:
        record.actor1, record.actor_explicit, record.actor_from_weapon = new.actor1, new.actor_explicit, new.actor_from_weapon
    if record.actor2 is None and new.actor2 != record.actor1:
        record.actor2 = new.actor2
    record.target = record.target or new.target
    if record.date is None and new.date is not None:
        record.date, record.time_precision = new.date, new.time_precision
    _default_actors(record)  # the sides it gained go through the same rules


def _inherit_actor(records: list[EventRecord], record: EventRecord, s_index: int, targeted: bool) -> None:
    """The doer of the last event of the same type a sentence or two before.

    When that doer is this event's actor2, it is the target if the text says
    so ("the assault against DAESH": no doer inherited), else the same side
    named after the trigger ("... rocket attack in Homs. Terrorist groups
    fired ...": the doer, and no actor2)."""
    for earlier in reversed(records):
        if s_index - earlier.last_sentence > _NEIGHBOURING_SENTENCES:
            return
        if earlier.sub_event_type == record.sub_event_type and earlier.actor1 is not None:
            if earlier.actor_from_weapon:
                continue  # the weapon named there says nothing of who did this one
            if earlier.actor1 != record.actor2:
                record.actor1 = earlier.actor1
            elif not targeted:
                record.actor1, record.actor2 = earlier.actor1, None
            return


def _targeted(doc: _Doc, trigger: Trigger, c_hi: int, actor: Actor | None) -> bool:
    """Is ``actor`` named after the trigger as its target ("attacks against X", "strikes on X")?"""
    low = doc.tokens.low
    return actor is not None and any(
        a.actor == actor and _preceded_by(low, a.first, _TARGET_PREPS) for a in doc.actors_within(trigger.end, c_hi))


# An event with no date of its own takes the last date the report gave, unless that date
# lies further back than this before the report's date: then it was background ("since the
# protests of March 2011", "the sarin attack of August 2013"), and the report's date is used.
_CARRY_DAYS = 31


def _carry_date(last_dated: EventRecord | None, record: EventRecord, ref: dt.date | None) -> None:
    if last_dated is not None and (ref is None or (ref - last_dated.date).days <= _CARRY_DAYS):
        record.date, record.time_precision = last_dated.date, last_dated.time_precision
        return
    if ref is not None:
        record.date, record.time_precision = ref, 1


def _default_actors(record: EventRecord) -> None:
    actors = _actor_index()
    if record.violent:
        # in fighting, a state acts through its forces; diplomats and the UN are not a side
        if record.actor1 is not None and record.actor1.name.startswith("Government of "):
            forces = actors.get("Military Forces of " + record.actor1.name.removeprefix("Government of "))
            record.actor1 = forces or record.actor1
        if record.actor1 is not None and record.actor1.name == "United Nations":
            record.actor1 = None  # "the attack was confirmed by the UN"
        if record.actor2 is not None and _not_a_fighting_side(record.actor2):
            record.actor2 = None
    if record.actor1 is not None and record.actor1.inter == 7 and record.event_type not in ("Protests", "Riots"):
        # civilians are what was hit, not who acted
        record.actor1, record.actor2 = record.actor2, record.actor1
    if record.actor1 is None:
        if record.sub_event_type == "Air/drone strike":
            record.actor1 = actors.get("Unidentified Military Forces")
        elif record.event_type == "Protests":
            record.actor1 = actors.get("Protesters (Syria)")
        elif record.violent:
            record.actor1 = actors.get("Unidentified Armed Group (Syria)")
    if record.sub_event_type == "Air/drone strike" and record.actor2 is not None \
            and record.actor2.name == _UNNAMED_AIRCRAFT:
        # unnamed aircraft are the raid's, never what it hit: "Air strikes killed 13 people when
        # warplanes hit rebel-held districts"
        record.actor2 = None
    if record.actor1 is None and record.actor2 is not None and record.actor2.inter != 7 \
            and record.sub_event_type in _ONE_SIDED_DEVELOPMENTS:
        # a deal or talks told of one side only ("the opposition walked out of the negotiations"): its actor1
        # (not the side arrested: "twenty rebels were arrested")
        record.actor1, record.actor2 = record.actor2, None
    _distinct_sides(record)
    if record.event_type == "Violence against civilians" and record.actor2 is None:
        record.actor2 = actors.get("Civilians (Syria)")
        _distinct_sides(record)


# Strategic developments whose one named side is the side acting.
_ONE_SIDED_DEVELOPMENTS = _SIDES.words("one_sided_development_types")


def _not_a_fighting_side(actor: Actor) -> bool:
    """Diplomats and the UN: named in reports of violence, never one of its sides."""
    return actor.name.startswith("Government of ") or actor.name == "United Nations"


def _distinct_sides(record: EventRecord) -> None:
    """An actor is never its own opponent: a side found twice (its name, then a
    pronoun's antecedent or a default) is actor1 only."""
    if record.actor2 is not None and record.actor2 == record.actor1:
        record.actor2 = None


def merge_duplicates(records: list[EventRecord]) -> list[EventRecord]:
    """Merge events reported twice (same actor1, sub-event type, place, date).

    An event whose only toll is told as more than one already given ("a
    further five died in barrel bomb attacks") is another event, never merged.
    """
    merged: dict[tuple, EventRecord] = {}
    out: list[EventRecord] = []
    for record in records:
        key = (
            record.actor1.name if record.actor1 else None, record.sub_event_type,
            record.place.place_id if record.place else None, record.date,
        )
        first = merged.get(key)
        if first is None or (record.killed and all(figure.additional for figure in record.killed)):
            merged.setdefault(key, record)
            out.append(record)
            continue
        seen = {e.sentence for e in first.evidence}
        first.evidence.extend(e for e in record.evidence if e.sentence not in seen)
        first.killed.extend(record.killed)
        first.wounded.extend(record.wounded)
        if first.actor2 is None and record.actor2 != first.actor1:
            first.actor2 = record.actor2
        first.target = first.target or record.target
        if record.place_explicit and not first.place_explicit:
            first.place_explicit, first.place_reason, first.geo_precision = True, record.place_reason, record.geo_precision
    return _merge_unidentified(out)


def _merge_unidentified(records: list[EventRecord]) -> list[EventRecord]:
    """An event with no doer told again with one named is one event, with that doer.

    "Dozens died in air raids in Latakia on Saturday. Air strikes by the
    Syrian military killed at least 20 people in the province on Saturday":
    same sub-event type, same place named in both, same date, only one side
    named for such events, and nothing that tells them apart (see
    :func:`_told_apart`).
    """
    named: dict[tuple, list[EventRecord]] = {}
    for record in records:
        if not _unidentified(record.actor1) and record.place_explicit and record.place is not None:
            named.setdefault((record.sub_event_type, record.place.place_id, record.date), []).append(record)
    if not named:
        return records
    merged_into: dict[int, EventRecord] = {}
    for record in records:
        if _unidentified(record.actor1) and record.place_explicit and record.place is not None \
                and not (record.killed and all(figure.additional for figure in record.killed)):
            told = named.get((record.sub_event_type, record.place.place_id, record.date), [])
            if told and len({r.actor1 for r in told}) == 1 and not _told_apart(record, told[0]):
                merged_into[id(record)] = told[0]
    if not merged_into:
        return records
    # the earlier of the two keeps its place in the table
    out: list[EventRecord] = []
    gone: set[int] = set()
    for record in records:
        if id(record) in gone:
            continue
        other = merged_into.get(id(record))
        if other is not None and id(other) not in gone:
            _absorb(record, other)
            gone.add(id(other))
            if other in out:
                out[out.index(other)] = record
                continue
        out.append(record)
    return out


def _told_apart(record: EventRecord, other: EventRecord) -> bool:
    """Does anything tell ``record`` (no doer named) from ``other`` (a doer named)?

    A doer named as unknown ("unidentified gunmen"; unnamed aircraft are no
    such name); a side hit that the other does not name, or that is its doer
    ("shelling killed 10 civilians" beside "rebels shelled the town, killing
    2 soldiers"); a smaller exact toll for the named one (15 dead at a
    market, 3 at a hospital); or different targets.
    """
    side = record.actor2
    named_unknown = record.actor_explicit and record.actor1 is not None and record.actor1.name != _UNNAMED_AIRCRAFT
    if named_unknown or (side is not None and (side == other.actor1 or other.actor2 not in (None, side))):
        return True
    # a named report of more dead is another count of the same raid ("9 killed" and "10 killed");
    # one of fewer is another attack (15 dead at a market, 3 at a hospital)
    tolls, others = _exact_tolls(record), _exact_tolls(other)
    if tolls and others and tolls.isdisjoint(others) and min(others) < min(tolls):
        return True
    return bool(record.target and other.target and record.target != other.target)


_UNNAMED_AIRCRAFT = "Unidentified Military Forces"


def _exact_tolls(record: EventRecord) -> set[int]:
    return {f.value for f in record.killed if is_exact(f)}


def _unidentified(actor: Actor | None) -> bool:
    return actor is None or actor.name.startswith("Unidentified")


def _absorb(record: EventRecord, other: EventRecord) -> None:
    """Make ``record`` (no doer named) the event ``other`` tells, with its doer and evidence."""
    record.actor1, record.actor_explicit, record.actor_from_weapon = other.actor1, other.actor_explicit, other.actor_from_weapon
    if other.actor2 is not None and other.actor2 != other.actor1:
        record.actor2 = other.actor2
    seen = {e.sentence for e in record.evidence}
    record.evidence.extend(e for e in other.evidence if e.sentence not in seen)
    record.evidence.sort(key=lambda e: e.sentence)
    record.killed.extend(other.killed)
    record.wounded.extend(other.wounded)
    record.target = record.target or other.target


def document_focus(mentions: list[Mention], country: str | None = None) -> Place | None:
    """The place a document is mostly about: its most named sub-national place
    in the document's focus ``country`` (a report on Syria that quotes
    Washington is still about a Syrian place); names standing for a
    government ("Washington said") do not count. A dateline does: filed
    from inside the country ("QAMISHLI, Syria"), it names where the reporter
    was; filed from abroad ("BEIRUT (AP)"), it lies outside ``country``."""
    located = [m.place for m in mentions if _usable(m)
               or (m.dateline and m.place is not None and m.place.country == country)]
    countries = Counter(p.country for p in located)
    if not countries:
        return None
    home = country if country in countries else countries.most_common(1)[0][0]
    counts: Counter[str] = Counter()
    places: dict[str, Place] = {}
    for place in located:
        if place.kind == "country" or place.country != home:
            continue
        counts[place.place_id] += 1
        places.setdefault(place.place_id, place)
    if not counts:
        return None
    return places[counts.most_common(1)[0][0]]


def to_row(record: EventRecord, index: int, doc_id: str | None, text: str, source: str | None,
           gazetteer: Gazetteer) -> dict[str, Any]:
    """One row of the event table."""
    place = record.place
    killed = coded_figure(record.killed)
    wounded = coded_figure(record.wounded)
    sentences = [" ".join(text[e.start:e.end].split()) for e in record.evidence]
    notes = " | ".join(sentences)
    if len({f.value for f in record.killed}) > 1:
        figures = ", ".join(f"{f.value} ({' '.join(text[f.start:f.end].split())})" for f in record.killed)
        notes += f" [fatality figures reported: {figures}; coded {coding_rule(record.killed)}]"
    country_name, iso3 = None, None
    if place is not None and place.country:
        try:
            country_name = gazetteer.get(place.country).name
        except KeyError:
            country_name = place.country
        iso3 = _ISO3.get(place.country)
    return {
        "event_id": f"{doc_id or 'doc'}-{index}",
        "event_date": record.date,
        "time_precision": record.time_precision,
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "actor1": record.actor1.name if record.actor1 else None,
        "inter1": record.actor1.inter if record.actor1 else None,
        "actor2": record.actor2.name if record.actor2 else None,
        "inter2": record.actor2.inter if record.actor2 else None,
        "country": country_name,
        "iso3": iso3,
        "admin1": (place.admin1 or None) if place else None,
        "admin2": (place.admin2 or None) if place else None,
        "admin3": None,
        "location": place.name if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": record.geo_precision if place else None,
        "fatalities": (killed if killed is not None else 0) if record.violent else 0,
        "notes": notes,
        "source": source,
        "wounded": wounded if record.violent else None,
        "target": record.target,
        "place_id": place.place_id if place else None,
        "confidence": _confidence(record),
        "reason": record.place_reason or "no place named in or around the sentence",
        "doc_id": doc_id,
        "char_start": record.evidence[0].start,
        "char_end": record.evidence[0].end,
    }


def _confidence(record: EventRecord) -> float:
    score = 0.4
    score += 0.25 if record.actor_explicit else 0.05
    score += 0.25 if record.place_explicit else 0.0
    score += 0.1 if record.date_explicit else 0.0
    if record.place is None:
        score -= 0.2
    return round(max(0.0, min(1.0, score)), 2)
