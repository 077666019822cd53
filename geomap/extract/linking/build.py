"""Events from a document: one pass over its sentences and clauses, each trigger coded, continued events joined,
duplicates merged."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import replace

from geomap.extract.dates import DateMention, dateline_mention, document_dates, find_years
from geomap.extract.figures import Figure, find_figures, is_exact, toll_word_positions
from geomap.extract.find import Mention
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.linking.place import (
    ANAPHORA_RE,
    antecedent,
    choose_place,
    listed_with,
    set_place,
    usable,
)
from geomap.extract.linking.records import ByStart, Doc, EventRecord, Evidence
from geomap.extract.linking.sides import (
    DETERMINERS,
    actors_from_control,
    default_actors,
    default_intervener,
    describes_a_side,
    doer_span,
    in_support,
    inherit_actor,
    link_actors,
    suffered_toll,
    targeted,
    weapon_owner,
)
from geomap.extract.rules import Coding, retype
from geomap.extract.text import Tokens, clause_spans, document_sentences, first_within
from geomap.extract.triggers import AUXILIARIES, EARLIER, RELATIVE_WORDS, Trigger, is_irrealis, is_tally, told_as_noun
from geomap.extract.vocabulary import Actor, TriggerType
from geomap.gazetteer.spatial import ADMIN_KINDS, holds

_GRAMMAR = load_lexicon("grammar")
_SIDES = load_lexicon("sides")

_TARGET_RE = re.compile(r"\b(" + _SIDES.alternation("targets") + r")s?\b", re.I)


# A clause opened by a contrast reports something else: "..., while activists reported two dead".
_CONTRAST_RE = re.compile(r"\s*" + _GRAMMAR.alternation("contrast_words") + r"\b", re.I)
_SET_APART_RE = re.compile(r"\s*(?:" + _GRAMMAR.alternation("contrast_words") + "|"
                           + _GRAMMAR.alternation("set_apart_words") + r")\b", re.I)


def build_events(doc: Doc) -> list[EventRecord]:
    """Code the events of one document (see the module docstring for the rules)."""
    records: list[EventRecord] = []
    tokens, text = doc.tokens, doc.text
    last_places: list[tuple[Mention, int]] = []
    dates = ByStart((d for d in document_dates(tokens, doc.ref) if d.date is not None),
                     lambda d: d.start, lambda d: d.end)
    places = ByStart((m for m in doc.mentions if usable(m)), lambda m: m.start, lambda m: m.end)
    triggers = doc.trigger_index()
    tolled = ByStart(doc.tolled, lambda t: t.first, lambda t: t.end)
    tolls = toll_word_positions(tokens)
    sentences = document_sentences(tokens)
    for s_index, (s0, s1) in enumerate(sentences):
        s_lo = tokens.index_at(s0)
        s_places = places.within(s0, s1)
        s_hi = tokens.index_before(s1)
        # what a rule may read around the event: its sentence and the next ("Police dispersed them."),
        # unless the next opens with a word that sets it apart ("Separately, gunmen attacked ...")
        near_hi = s_hi
        if s_index + 1 < len(sentences) and not _SET_APART_RE.match(text, sentences[s_index + 1][0]):
            near_hi = tokens.index_before(sentences[s_index + 1][1])
        # a sentence with no trigger and no kill/wound word codes nothing and adds no toll
        told = triggers.within(s_lo, s_hi)
        quiet = not told and first_within(tolls, s_lo, s_hi) is None
        # (a killing told with its own doer in a sentence of no other event is one: "The army killed 30 militants
        # in Maaret al-Numan", in a report of air strikes elsewhere)
        own = [] if told or quiet or not _elsewhere(records, s_index, s_places) or _summed_up(doc, s_lo, s_hi, s0, s1, dates) \
            else [t for t in tolled.within(s_lo, s_hi) if _told_by_its_doer(doc, t, s_lo)]
        clauses = []
        for c0, c1 in ([] if quiet else clause_spans(text, s0, s1)):
            c_lo, c_hi = tokens.index_at(c0), tokens.index_before(c1)
            in_clause = triggers.within(c_lo, c_hi) or [t for t in own if c_lo <= t.first and t.end <= c_hi]
            clauses.append((c0, c1, c_lo, c_hi, _Judged(in_clause, doc, c_lo, c_hi)))
        # a toll told before its event in the same sentence: "12 militants were killed while trying to
        # attack" (but not a toll with a doer of its own: "regime forces have killed dozens while ...")
        ahead: list[Figure] = []
        for k, (c0, c1, c_lo, c_hi, real) in enumerate(clauses):
            strongest = real.strongest()
            if strongest is None:
                if is_tally(tokens, c_lo, c_hi):
                    continue  # "60,000 people have died in jails during the conflict": no event's toll
                if any(later[4].strongest() is not None for later in clauses[k + 1:]) \
                        and suffered_toll(tokens.low, c_lo, c_hi):
                    ahead.extend(find_figures(tokens, c_lo, c_hi))
                # a toll alone continues an earlier event: none yet, nothing to read
                elif records and not _CONTRAST_RE.match(text, c0) \
                        and not _elsewhere_or_another_day(records[-1], places.within(c0, c1), dates.within(c0, c1)):
                    figures = find_figures(tokens, c_lo, c_hi)
                    if figures:
                        _attach_figures(records, figures, s_index, s0, s1, _TARGET_RE.search(text, c0, c1))
                continue
            trigger = _arrested_for(_protested(strongest, real, tokens.low), real, tokens.low)
            if _in_a_past_year(doc, trigger, c0, c1, dates):
                ahead = []
                continue  # "Syria agreed to destroy its chemical weapons in 2013": background
            figures = ahead + find_figures(tokens, c_lo, c_hi)
            ahead = []
            if _earlier_one(tokens.low, trigger, c_lo):
                # "confirmed dead as a result of an earlier Russian strike": another event's toll
                figures = [replace(f, additional=True) for f in figures]
            record, new = _code_clause(doc, trigger, (c0, c1, c_lo, c_hi), (s0, s1, s_lo, s_index, near_hi), s_places,
                                       dates.within(s0, s1), last_places, records, places)
            record.absorb_figures(figures)
            recalled = (_recalled_by(record, figures, records) or _retold(record, figures, records)) if new else None
            if recalled is not None:
                _continue(recalled, record, doc.country)
                continue
            if new and records and _definite(tokens, trigger, c_lo) \
                    and (not record.actor_explicit or _unidentified(record.actor1)) \
                    and not record.date_explicit and not record.killed and not record.place_in_clause \
                    and _NEW_TURN.isdisjoint(tokens.low[c_lo:c_hi]):
                continue  # "to address the fighting", "killed during the fighting": the report's war, no event
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
    records = _one_per_place(merge_duplicates(records))
    _protests_told_on(records, tokens, sentences, doc.country)
    for record in records:
        default_intervener(record, doc.country)
    return records


def _elsewhere(records: list[EventRecord], s_index: int, s_places: list[Mention]) -> bool:
    """Does the sentence (not the headline) name a place, none of it the last violent event's, nor
    holding it or held by it ("in Daraa" after "Daraa al-Balad")? Only there may a killing told with
    its doer be an event of its own, not the toll of that event."""
    if s_index == 0 or not s_places:
        return False
    last = next((r for r in reversed(records) if r.violent), None)
    return last is None or last.place is None or all(
        m.place.place_id != last.place.place_id and not holds(m.place, last.place) and not holds(last.place, m.place)
        for m in s_places)


def _summed_up(doc: Doc, s_lo: int, s_hi: int, s0: int, s1: int, dates: ByStart[DateMention]) -> bool:
    """Does the sentence sum up killings over a time ("killed 1,200 civilians last year", "in April alone"):
    a tally, or a date coarser than a day?"""
    return is_tally(doc.tokens, s_lo, s_hi) or not _OVER_TIME.isdisjoint(doc.tokens.low[s_lo:s_hi]) \
        or any(d.precision is not None and d.precision > 1 for d in dates.within(s0, s1))


_OVER_TIME = _GRAMMAR.words("over_time")
# Words that tell a definite mention as a new turn of events ("the next day the protests resumed")
_NEW_TURN = _GRAMMAR.words("new_turn")


def _told_by_its_doer(doc: Doc, trigger: Trigger, s_lo: int) -> bool:
    """Is the killing word at ``trigger`` an active verb whose subject is a side named right before it
    ("the Syrian military killed scores of terrorists"; not "12 civilians were killed", nor "killed by")?"""
    low = doc.tokens.low
    if trigger.first == s_lo or low[trigger.first - 1] in AUXILIARIES:
        return False
    before = doc.actors_within(max(s_lo, trigger.first - _SUBJECT_GAP - 4), trigger.first)
    return any(trigger.first - a.end <= _SUBJECT_GAP and a.actor.inter != 7 for a in before)


# How many words (adverbs: "reportedly") may stand between a side and its killing verb
_SUBJECT_GAP = 1


def _one_per_place(records: list[EventRecord]) -> list[EventRecord]:
    """One event for each place an event's clause lists with its own ("rebel shells hit al-Midan and
    al-Ashrafiyeh, killing six": two events of three dead), as ACLED codes them: its toll is shared
    evenly between them."""
    out: list[EventRecord] = []
    for record in records:
        out.append(record)
        if not record.also_at:
            continue
        share = 1 + len(record.also_at)
        if record.killed:
            record.killed.append(Figure(share, "killed", 0, 0, shares=share))
        for mention in record.also_at:
            copy = replace(record, killed=list(record.killed), wounded=list(record.wounded),
                           evidence=list(record.evidence), also_at=[])
            set_place(copy, mention, f"{mention.text!r} listed with {record.place.name!r} in the trigger's clause")
            copy.place_in_clause = record.place_in_clause
            out.append(copy)
        record.also_at = []
    return out


class _Judged:
    """A clause's triggers, each judged real (told as happening, not as a support or as what a side does)
    only when a step asks: most clauses need only their strongest trigger judged."""

    def __init__(self, triggers: list[Trigger], doc: Doc, c_lo: int, c_hi: int) -> None:
        self.triggers, self._doc, self._span = triggers, doc, (c_lo, c_hi)
        self._seen: dict[int, bool] = {}
        self._strongest: Trigger | None = None
        self._ranked = False

    def real(self, trigger: Trigger) -> bool:
        """Is ``trigger`` told as an event (not hypothetical, negated, a support, a side's description)?"""
        seen = self._seen.get(id(trigger))
        if seen is None:
            (c_lo, c_hi), tokens = self._span, self._doc.tokens
            seen = self._seen[id(trigger)] = not is_irrealis(tokens, trigger, c_lo, c_hi) \
                and not in_support(tokens.low, trigger, self.triggers, c_lo) and not describes_a_side(self._doc, trigger)
        return seen

    def strongest(self) -> Trigger | None:
        """The real trigger of highest priority (of those tied, the first told), or None."""
        if not self._ranked:
            self._ranked = True
            ranked = sorted(self.triggers, key=lambda t: (-t.type.priority, t.first))
            self._strongest = next((t for t in ranked if self.real(t)), None)
        return self._strongest

    def of(self, wanted: Callable[[Trigger], bool]) -> Iterator[Trigger]:
        """The real triggers ``wanted`` accepts, in text order (the test is made before the judging)."""
        return (t for t in self.triggers if wanted(t) and self.real(t))


def _protests_told_on(records: list[EventRecord], tokens: Tokens, sentences: list[tuple[int, int]],
                      country: str | None) -> None:
    """A protest whose report goes on past the sentence after it ("... The police intervened and
    arrested two leaders.") is re-typed by what the next sentences say, before another event's.

    The protest rules of rules.yaml read the words of an event's sentence and the next; a
    report of one protest often tells how it ended a sentence or two later.  Only a peaceful
    protest is read again, with the same rules, so nothing another rule decided is undone; at
    most :data:`_TOLD_ON` sentences more are read, and none from another event's first sentence on.
    """
    starts = sorted(min(e.sentence for e in r.evidence) for r in records if r.evidence)
    for record in records:
        if record.sub_event_type != _PEACEFUL or not record.evidence:
            continue
        first = record.last_sentence + 2  # the sentence after it is read already
        until = min(next((k for k in starts if k > record.last_sentence), len(sentences)), first + _TOLD_ON)
        if first >= until:
            continue
        rest = tokens.low[tokens.index_at(sentences[first][0]):tokens.index_before(sentences[until - 1][1])]
        record.event_type, record.sub_event_type, record.violent = retype(
            Coding(record.event_type, record.sub_event_type, record.violent), broad=False, actor1=record.actor1,
            actor2=record.actor2, clause=(), near=rest, doer=(), doer_settled=False)
        if record.sub_event_type != _PEACEFUL:
            default_actors(record, country)  # a riot's protesters are rioters


# How many sentences past the one after a protest may tell how it ended
_TOLD_ON = 2
_PEACEFUL = "Peaceful protest"


def _in_a_past_year(doc: Doc, trigger: Trigger, c0: int, c1: int, dates: ByStart[DateMention]) -> bool:
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
        if RELATIVE_WORDS.isdisjoint(between):
            return True
    return False


_SINCE_REACH = 8


def _elsewhere_or_another_day(record: EventRecord, clause_places: list[Mention],
                              clause_dates: list[DateMention]) -> bool:
    """Does a clause that only gives a toll name another place or day than the event before it?

    "Warplanes struck a market in Idlib on Monday, killing 7. Gunmen killed a shopkeeper in Homs
    on Tuesday": the shopkeeper is no toll of the air strike.
    """
    if record.place is not None and clause_places and all(
            m.place is not None and m.place.place_id != record.place.place_id and m.place.kind != "country"
            for m in clause_places):
        return True
    return bool(record.date and clause_dates) and all(
        d.explicit and d.date is not None and d.date != record.date for d in clause_dates)


def _attach_figures(records: list[EventRecord], figures: list[Figure], s_index: int, s0: int, s1: int,
                    target: re.Match | None) -> None:
    """A sentence that only gives a toll continues the event just before it (told at most two sentences back).

    A report's word on the toll it codes ("Fatalities coded as 3.") goes to its latest violent
    event, however far back.  When it names a target ("in the hospital alone") the toll goes to the
    recent event that hit that target.
    """
    if not figures or not records:
        return
    if any(f.stated or f.shares for f in figures):
        # the report's own word on the toll it codes ("Fatalities coded as 3."): its latest violent event's
        record = next((r for r in reversed(records) if r.violent), None)
        if record is not None:
            record.absorb_figures(figures)
            if record.last_sentence != s_index:
                record.evidence.append(Evidence(s0, s1, s_index))
        return
    record = records[-1]
    if target is not None:
        for earlier in reversed(records):
            if s_index - earlier.last_sentence > 3:
                break
            if earlier.target == target.group(1).lower():
                record = earlier
                break
    if record.violent and s_index - record.last_sentence <= (3 if record is not records[-1] else 2):
        record.absorb_figures(figures)
        if record.last_sentence != s_index:
            record.evidence.append(Evidence(s0, s1, s_index))


def _code_clause(doc: Doc, trigger: Trigger, clause: tuple, sentence: tuple, s_places: list[Mention],
                 s_dates: list[DateMention], last_places: list[tuple[Mention, int]],
                 records: list[EventRecord], places: ByStart[Mention]) -> tuple[EventRecord, bool]:
    """Code one clause's event; return it and whether it is new (not a continued earlier event)."""
    c0, c1, c_lo, c_hi = clause
    s0, s1, s_lo, s_index, near_hi = sentence
    tokens, text = doc.tokens, doc.text
    kind = trigger.type
    actor1, actor2, explicit = link_actors(doc, trigger, c_lo, c_hi, s_lo)
    d_lo, d_hi = doer_span(tokens.low, trigger, c_lo, c_hi)
    doer = tokens.low[d_lo:d_hi]
    # what a verb's act hit is told by the clause less its doer ("soldiers beat three farmers": no soldier hit)
    hit = tokens.low[c_lo:c_hi] if told_as_noun(tokens.low, trigger, c_lo, joined=False) \
        else tokens.low[c_lo:d_lo] + tokens.low[d_hi:c_hi]
    # the clause's own sides re-type it (rules.yaml): "a terrorist attack ... claimed the lives of 18 civilians"
    event_type, sub_type, violent = retype(
        Coding(kind.event_type, kind.sub_event_type, kind.violent), broad=kind.broad,
        actor1=actor1, actor2=actor2, clause=tokens.low[c_lo:c_hi], after=tokens.low[trigger.end:min(trigger.end + 4, c_hi)],
        near=tokens.low[s_lo:near_hi], doer=doer, hit=hit, doer_settled=False)
    if actor1 is None:
        actor1, actor2b = actors_from_control(text[c0:c1], doc.country)
        actor2 = actor2 or actor2b
    from_weapon = bool(kind.doer) and (actor1 is None or not actor1.government)
    if from_weapon:
        (actor1, actor2), explicit = weapon_owner(kind.doer, actor1, actor2), False
    record = EventRecord(event_type, sub_type, violent, actor1, actor2, explicit, from_weapon, generic=bool(kind.generic))
    record.evidence.append(Evidence(s0, s1, s_index))
    # what was hit: a target word shortly after the trigger ("rockets hit a hospital")
    t_end = tokens.ends[min(trigger.end + 7, c_hi - 1)] if c_hi > trigger.end else c1
    target = _TARGET_RE.search(text, tokens.ends[trigger.end - 1], max(t_end, tokens.ends[trigger.end - 1]))
    record.target = target.group(1).lower() if target else None

    clause_places = places.within(c0, c1)
    chosen = choose_place(clause_places, doc.focus, violent, tokens.low, trigger.first)
    if chosen is not None:
        set_place(record, chosen, f"{chosen.text!r} in the trigger's clause" + (f" after {chosen.prep!r}" if chosen.prep else ""),
                  clause_low=tokens.low)
        record.also_at = listed_with(chosen, clause_places, tokens)
    elif s_places and (chosen := choose_place(s_places, doc.focus, violent, tokens.low)) is not None:
        set_place(record, chosen, f"{chosen.text!r} elsewhere in the same sentence")
    elif (ana := ANAPHORA_RE.search(text, c0, c1)) and (carried := antecedent(last_places, ana.group(0), s_index)):
        set_place(record, carried, f"{ana.group(0)!r} refers back to {carried.text!r} in a previous sentence")

    clause_dates = [d for d in s_dates[bisect_left([d.start for d in s_dates], c0):] if d.start < c1]
    date = (_past_dateline(clause_dates, doc) or _past_dateline(s_dates, doc) or [None])[0]
    if date is not None:
        record.date, record.time_precision, record.date_explicit = date.date, date.precision, True

    earlier = _continued_event(records, record, trigger, tokens, s_index) if _definite(tokens, trigger, c_lo) else None
    if earlier is None and (earlier := _protest_stepped_into(records, record, s_index, tokens.low[c_lo:c_hi])) is not None:
        earlier.actor2 = earlier.actor2 or record.actor1
    elif earlier is None and (operation := _aftermath(records, record, kind, s_index, tokens.low[c_lo:c_hi])) is not None:
        _take_aftermath(operation, record, seized=kind.sub_event_type == "territory")
        return operation, False
    if earlier is not None:
        _continue(earlier, record, doc.country)
        return earlier, False
    if record.actor1 is None:
        inherit_actor(records, record, s_index, targeted(doc, trigger, c_hi, record.actor2))
    if record.date is None:
        _carry_date(doc.last_dated, record, doc.ref)
    record.event_type, record.sub_event_type, record.violent = retype(
        Coding(record.event_type, record.sub_event_type, record.violent), broad=kind.broad,
        actor1=record.actor1, actor2=record.actor2, clause=tokens.low[c_lo:c_hi], near=tokens.low[s_lo:near_hi],
        doer=doer, hit=hit, doer_settled=True)
    default_actors(record, doc.country)
    return record, True


def _protest_stepped_into(records: list[EventRecord], new: EventRecord, s_index: int,
                          clause: list[str]) -> EventRecord | None:
    """The protest that arrests told right after it broke up, if they were made there.

    "Teachers protested in Homs. Police arrested twelve of them": one event, a protest with
    intervention (ACLED), not a protest and an arrest. The arrests must follow the protest's
    sentence directly, take its participants (``clause``: the arrest clause's words) and name
    no other place or date.
    """
    if new.sub_event_type != "Arrests" or not records or _PARTICIPANTS.isdisjoint(clause) and not _counted_taken(clause):
        return None  # not its participants, nor people counted ("26 were arrested", "one woman was detained")
    protest = records[-1]
    if protest.event_type != "Protests" or s_index - protest.last_sentence > _TOLD_ON \
            or _placed_or_dated_apart(new, protest):
        return None
    if protest.sub_event_type == "Peaceful protest":
        protest.sub_event_type = "Protest with intervention"
    return protest


def _aftermath(records: list[EventRecord], new: EventRecord, kind: TriggerType, s_index: int,
               clause: list[str]) -> EventRecord | None:
    """The violent event that arrests or seizures told right after it came of, if any.

    "A shoot-out broke out and a suspect died. The police seized a pistol and drugs": one
    event, the fight (ACLED codes an operation once, by its violence), not a fight and a
    seizure. The event must be a fight or an assault done on the ground (a bomb or an air strike
    is no operation that seizes anything), the arrests or seizures told in its sentence or the next, not as another act
    ("later", "also": ``clause``, the arrest clause's words), naming no other place or date;
    ground taken by force is no aftermath (it is violent).
    """
    if new.violent or kind.sub_event_type not in _AFTERMATH or not records or not _APART.isdisjoint(clause):
        return None
    event = records[-1]
    if event.event_type not in _OPERATIONS or s_index - event.last_sentence > 1 or _placed_or_dated_apart(new, event):
        return None
    return event


def _placed_or_dated_apart(new: EventRecord, event: EventRecord) -> bool:
    """Does ``new`` name a place other than ``event``'s, or a day of its own other than its?"""
    return (new.place is not None and event.place is not None and new.place.place_id != event.place.place_id) \
        or (new.date_explicit and new.date != event.date)


def _counted_taken(clause: list[str]) -> bool:
    """Does the arrest clause count the people taken as its subject ("Eleven were arrested", "One woman was
    detained", "26 arrested"; not "police arrested 3 car thieves")?"""
    return any((w.isdecimal() or w in _COUNTS) and not _TAKEN.isdisjoint(clause[k + 1:k + 1 + _COUNT_TO_VERB])
               for k, w in enumerate(clause))


# The words that follow people counted as the subject of their arrest, and how far
_TAKEN = frozenset(("was", "were", "arrested", "detained"))
_COUNT_TO_VERB = 2


def _take_aftermath(event: EventRecord, new: EventRecord, *, seized: bool) -> None:
    """Fold arrests or seizures into the violent event they came of: their sentence is its evidence, and the
    side that seized things in it fought it when the event named no one ("A shoot-out broke out ... Police
    seized a pistol"; not the police who arrested a killer afterwards)."""
    if not any(e.sentence == new.evidence[0].sentence for e in event.evidence):
        event.evidence.extend(new.evidence)
    if seized and _unidentified(event.actor1) and not event.actor_explicit and new.actor1 is not None \
            and not _unidentified(new.actor1):
        event.actor1, event.actor_explicit = new.actor1, new.actor_explicit


# What comes of a violent operation: arrests, and things seized (the trigger's type before re-typing);
# and the words that tell them as another act
_AFTERMATH = frozenset({"Arrests", "territory"})
_APART = _GRAMMAR.words("acts_apart")
# Events whose doers may arrest or seize on the spot: fights, assaults on people, riots
_OPERATIONS = frozenset({"Battles", "Violence against civilians", "Riots"})


def _protested(trigger: Trigger, real: _Judged, low: list[str]) -> Trigger:
    """The clause's protest when ``trigger`` is what it protests ("gathered in protest of the
    abduction of a civilian", "a sit-in outside the governor's office over the killing of a
    student") or what its protesters are said to have suffered ("families whose sons were abducted
    held a sit-in"), else ``trigger``."""
    if trigger.type.event_type == "Protests":
        return trigger
    for protest in real.of(lambda t: t.type.event_type == "Protests"):
        if protest.end <= trigger.first and (
                trigger.first - protest.end <= _PROTEST_OBJECT_REACH
                and not _PROTEST_OBJECTS.isdisjoint(low[protest.end:trigger.first])
                or not _PROTEST_OBJECTS.isdisjoint(low[max(protest.end, trigger.first - _OBJECT_WORDS):trigger.first])):
            return protest
        if trigger.end <= protest.first and _told_of_protesters(low, trigger.first):
            return protest
    return trigger


_PROTEST_OBJECTS = _GRAMMAR.words("protest_objects")


def _arrested_for(trigger: Trigger, real: _Judged, low: list[str]) -> Trigger:
    """The clause's arrest when ``trigger`` is what those arrested did or are charged with ("police
    arrested 20 people suspected of looting shops", "arrested two men who had beaten an officer"),
    else ``trigger``."""
    if trigger.type.event_type == "Protests" or trigger.type.sub_event_type == "Arrests":
        return trigger  # (people arrested for protesting are a protest's, told apart: _protest_stepped_into)
    for arrest in real.of(lambda t: t.type.sub_event_type == "Arrests"):
        if arrest.end <= trigger.first \
                and trigger.first - arrest.end <= _CHARGE_WORDS \
                and not _CHARGED.isdisjoint(low[arrest.end:trigger.first]):
            return arrest
    return trigger


# What stands between an arrest and what the arrested did or are charged with, and how far
_CHARGED = RELATIVE_WORDS | _GRAMMAR.words("charge_words")
_CHARGE_WORDS = 8


def _told_of_protesters(low: list[str], first: int) -> bool:
    """Is the event at token ``first`` told in a relative clause of what its protesters suffered or say
    they suffered ("families whose sons were abducted", "mothers who say their sons were taken", "the
    family of a constable who was shot dead"), not of what they did ("soldiers who shot dead two men at
    a march")?"""
    for k in range(max(0, first - _SUBJECT_WORDS), first):
        if low[k] == "whose" or low[k] in RELATIVE_WORDS and not (_CLAIMS.isdisjoint(low[k + 1:k + 3])
                                                                   and AUXILIARIES.isdisjoint(low[k + 1:k + 3])):
            return True  # "whose sons were abducted", "who say ...", "who was shot dead" (not "who shot dead")
    return False


_CLAIMS = _GRAMMAR.words("claim_verbs")


# How far after a protest word what it protests may be named ("protest against the recent abduction of"),
# and, further on, how close before the event a word naming it as the object must stand ("... over the killing")
_PROTEST_OBJECT_REACH = 5
_OBJECT_WORDS = 2
# How far before an event a relative word may open the clause telling it of the protesters
# ("families who say their children were kidnapped")
_SUBJECT_WORDS = 6


def _past_dateline(dates: list[DateMention], doc: Doc) -> list[DateMention]:
    """``dates`` without the report's own dateline when they hold another date.

    "Date of publication 16 October 2017 Rebel shelling killed four civilians on Sunday": the
    first full date of the report, the day it was published, dates the report; "on Sunday" the
    event. Alone, the dateline's date is kept ("On 16 October 2017 rebels shelled ...").
    """
    if len(dates) < 2 or doc.ref is None:
        return dates
    line = _dateline_start(doc)
    kept = [d for d in dates if d.start != line]
    return kept or dates


def _dateline_start(doc: Doc) -> int | None:
    """Where the report's dateline (its first full explicit date, the report's date) starts, if it has one."""
    first = doc.tokens.derived("dateline", lambda tokens: dateline_mention(tokens.text))
    return first.start if first is not None and first.date == doc.ref else None


def _earlier_one(low: list[str], trigger: Trigger, c_lo: int) -> bool:
    """Is the trigger told as an earlier one ("an earlier Russian strike", "a previous attack")?

    Not the adverb: "Earlier, Syrian jets bombed Idlib" tells the day's event again.
    """
    return any(low[k] in EARLIER and low[k - 1] in ("a", "an", "the")
               for k in range(max(c_lo + 1, trigger.first - 3), trigger.first))


_PARTICIPANTS = _GRAMMAR.words("protest_participants")
# Number words that count people ("one", "twelve"; not "a")
_COUNTS = frozenset(str(word) for word, value in load_lexicon("numbers")["units"].items() if value) - {"a", "an", "single"}


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


def _definite(tokens: Tokens, trigger: Trigger, c_lo: int) -> bool:
    """A definite reference ("the airstrikes", "the rebel bombardment", "one of the rockets")."""
    low = tokens.low
    for back in (1, 2):
        k = trigger.first - back
        if k >= c_lo and low[k] in DETERMINERS:
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
        elif record.event_type != new.event_type or (record.sub_event_type != new.sub_event_type
                                                      and new.sub_event_type != "territory"):
            continue
        if new.actor1 is not None and not _unidentified(record.actor1) and new.actor1 != record.actor1:
            continue  # (a doer named now may be the one an unattributed report did not name)
        if new.place is not None and record.place_explicit and record.place is not None \
                and new.place.place_id != record.place.place_id \
                and not (generic and new.target is None and holds(record.place, new.place)):
            continue  # (a generic word's place inside the earlier one tells where in it: "the attack
            # occurred in Qaboun"; not "one of the rockets struck a hospital in al-Muhafaza", a hit of its own)
        return record
    return None


def _retold(new: EventRecord, figures: list[Figure], records: list[EventRecord]) -> EventRecord | None:
    """The event a clause naming no place and no day of its own tells again, if the report told one of its type.

    "Rebels shelled Homs on Monday, killing 12. ... Families fled the shelling" adds to what was
    told; it is no new event at the report's focus on the report's day, unless it names what
    was hit ("rockets hit a hospital").  The latest event of the same type is the one retold,
    if the clause names no doer or the same one: a side named only now may be the other side
    answering ("troops then shelled the rebels' launch sites").
    """
    if new.place is not None or new.date_explicit or (figures and all(f.additional for f in figures)):
        return None  # "a further five died in attacks on a village": another event
    if new.target is not None:
        return None  # "hours later, rockets hit a hospital": an attack of its own
    latest = next((record for record in reversed(records) if record.event_type == new.event_type), None)
    return latest if latest is not None and (_unidentified(new.actor1) or new.actor1 == latest.actor1) else None


def _continue(record: EventRecord, new: EventRecord, country: str | None) -> None:
    """Fold a continuation's evidence and details into the earlier event."""
    if record.generic and not new.generic and new.sub_event_type != "territory":
        # "the attack ... ; the mosque strike killed 38": the specific word says what it was
        record.event_type, record.sub_event_type, record.violent = new.event_type, new.sub_event_type, new.violent
        record.generic = False
    if not any(e.sentence == new.evidence[0].sentence for e in record.evidence):
        record.evidence.extend(new.evidence)
    # a generic mention ("officials in Damascus condemned the attack") is no evidence of where it was,
    # unless its own clause names the place ("the blast struck the Atme crossing")
    finer = new.place is not None and record.place is not None and new.place_in_clause and holds(record.place, new.place)
    if new.place is not None and (not record.place_explicit or finer) and (not new.generic or new.place_in_clause):
        # (or a place inside the one told: "Jets struck Damascus ... The attack hit Qaboun")
        record.place, record.place_explicit = new.place, True
        record.geo_precision = new.geo_precision
        record.place_reason = new.place_reason + " (a later sentence about the same event)"
    if _unidentified(record.actor1) and not record.actor_explicit and not _unidentified(new.actor1):
        # the doer named when the event is told again ("IS claimed the bombing")
        record.actor1, record.actor_explicit, record.actor_from_weapon = new.actor1, new.actor_explicit, new.actor_from_weapon
    if record.actor2 is None and new.actor2 != record.actor1:
        record.actor2 = new.actor2
    record.target = record.target or new.target
    record.killed.extend(new.killed)
    record.wounded.extend(new.wounded)
    if record.date is None and new.date is not None:
        record.date, record.time_precision = new.date, new.time_precision
    default_actors(record, country)  # the sides it gained go through the same rules


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
        if first is None or _only_additional(record):
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
    return _merge_summaries(_merge_fights(_merge_unplaced(_merge_unidentified(out))))


_ONE_FIGHT = frozenset(load_lexicon("rules")["one_fight"])


def _merge_fights(records: list[EventRecord]) -> list[EventRecord]:
    """Reports of one fight at a place on a day, from either side, are one event.

    "Rebels clashed with the army in X on Monday ... the army fought Nusra in X" names the army
    in both: one clash (types of ``one_fight`` in rules.yaml).  Two fights whose named sides
    share none ("the army fought rebels", "Kurdish forces fought IS" in one town) stay apart, as does
    one naming no side, and one whose toll is told as more than one already given.
    """
    out: list[EventRecord] = []
    fights: dict[tuple, list[EventRecord]] = {}  # by sub-event type, place and day
    for record in records:
        told = fights.setdefault(_fight_key(record), []) if record.sub_event_type in _ONE_FIGHT else []
        first = next((other for other in told if _same_fight(other, record)), None)
        if first is None:
            out.append(record)
            told.append(record)
        else:
            _fold_summary(first, record)
    return out


def _fight_key(record: EventRecord) -> tuple:
    return record.sub_event_type, record.place.place_id if record.place else None, record.date


def _same_fight(first: EventRecord, record: EventRecord) -> bool:
    if record.place is None or _only_additional(record):
        return False
    return not _named_sides(record).isdisjoint(_named_sides(first))


def _named_sides(record: EventRecord) -> set[str]:
    return {actor.name for actor in (record.actor1, record.actor2) if not _unidentified(actor)}


def _merge_summaries(records: list[EventRecord]) -> list[EventRecord]:
    """A report of an event in a province or district that holds the place of another of the same
    day and type is that event told in summary: one event, at the finer place.

    "Russian air strikes on Deir ez-Zor province killed 53 civilians on Sunday ... the strikes hit
    the village of al-Shafa": the strike on al-Shafa. The doers must agree (or the summary names none),
    and the summary must hold exactly one such event: told over several ("13 killed in air raids
    on Aleppo province" beside raids on two of its villages), it is their total and stays.
    """
    out: list[EventRecord] = []
    gone: set[int] = set()
    for record in records:
        if record.place is None or record.date is None or record.place.kind not in ADMIN_KINDS:
            continue  # a city's events are many and told apart; a province's report sums them
        finer = [other for other in records if other is not record and id(other) not in gone
                 and other.place is not None and other.event_type == record.event_type and other.date == record.date
                 and holds(record.place, other.place)
                 and (_unidentified(record.actor1) or record.actor1 == other.actor1)]
        if len(finer) == 1 and not _only_additional(record):
            _fold_summary(finer[0], record)
            gone.add(id(record))
    out = [record for record in records if id(record) not in gone]
    return out


def _fold_summary(record: EventRecord, summary: EventRecord) -> None:
    """Add a summary's evidence, toll and sides to the event it tells at a finer place."""
    seen = {e.sentence for e in record.evidence}
    record.evidence.extend(e for e in summary.evidence if e.sentence not in seen)
    record.evidence.sort(key=lambda e: e.sentence)
    record.killed.extend(summary.killed)
    record.wounded.extend(summary.wounded)
    if record.actor2 is None and summary.actor2 != record.actor1:
        record.actor2 = summary.actor2
    record.target = record.target or summary.target


def _merge_unidentified(records: list[EventRecord]) -> list[EventRecord]:
    """An event with no doer told again with one named is one event, with that doer.

    "Dozens died in air raids in Latakia on Saturday. Air strikes by the
    Syrian military killed at least 20 people in the province on Saturday":
    same sub-event type, same place named in both, same date, only one side
    named for such events (or only one of them hit what the unattributed
    report names: "missile attack on Aleppo hospital" beside rebels' rockets on
    a hospital and Nusra's on the city), and nothing that tells them apart (see
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
                and not _only_additional(record):
            told = named.get((record.sub_event_type, record.place.place_id, record.date), [])
            if len({r.actor1 for r in told}) > 1 and record.target is not None:
                told = [r for r in told if r.target == record.target]  # the one that hit what it names
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


def _only_additional(record: EventRecord) -> bool:
    """Is the event's every toll told as more than one given already ("a further five died"): another
    event's, never merged with those it adds to?"""
    return bool(record.killed) and all(figure.additional for figure in record.killed)


def _merge_unplaced(records: list[EventRecord]) -> list[EventRecord]:
    """An event told with no doer and no place of its own (a headline: "30 rebels killed in suicide
    blast") is the one event of its sub-event type and day told with its place, if the report
    tells one such event (and nothing tells them apart, see :func:`_told_apart`)."""
    gone: set[int] = set()
    for record in records:
        if record.place_explicit or not _unidentified(record.actor1) \
                or _only_additional(record):
            continue
        told = [other for other in records if other is not record and id(other) not in gone and other.place_explicit
                and other.sub_event_type == record.sub_event_type and other.date == record.date]
        if len(told) == 1 and not _told_apart(record, told[0]):
            _fold_summary(told[0], record)
            gone.add(id(record))
    return [record for record in records if id(record) not in gone]


def _told_apart(record: EventRecord, other: EventRecord) -> bool:
    """Does anything tell ``record`` (no doer named) from ``other`` (a doer named)?

    A doer named as unknown ("unidentified gunmen"; unnamed aircraft are no
    such name); a side hit that the other does not name, or that is its doer
    ("shelling killed 10 civilians" beside "rebels shelled the town, killing
    2 soldiers"); a smaller exact toll for the named one (15 dead at a
    market, 3 at a hospital); or different targets.
    """
    side = record.actor2
    named_unknown = record.actor_explicit and record.actor1 is not None and record.actor1.role != "unidentified_military"
    if named_unknown or (side is not None and (side == other.actor1 or other.actor2 not in (None, side))):
        return True
    # a named report of more dead is another count of the same raid ("9 killed" and "10 killed");
    # one of fewer is another attack (15 dead at a market, 3 at a hospital)
    tolls, others = _exact_tolls(record), _exact_tolls(other)
    if tolls and others and tolls.isdisjoint(others) and min(others) < min(tolls):
        return True
    return bool(record.target and other.target and record.target != other.target)




def _exact_tolls(record: EventRecord) -> set[int]:
    return {f.value for f in record.killed if is_exact(f)}


def _unidentified(actor: Actor | None) -> bool:
    return actor is None or actor.role in ("unidentified_armed_group", "unidentified_military")


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
