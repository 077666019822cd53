"""Triggers: the words that report an event, and the words that void one (negation, plans, tallies, habits, background)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from geomap.dates import MONTHS
from geomap.extract.dates import document_dates
from geomap.extract.figures import toll_word_positions
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import Tokens, document_sentences, first_within
from geomap.extract.vocabulary import (
    TriggerType,
    aggregate_matcher,
    cue_word_matcher,
    phrases,
    trigger_lexicon,
)

_GRAMMAR = load_lexicon("grammar")
_TRIGGERS = load_lexicon("triggers")


@dataclass(frozen=True)
class Trigger:
    """A trigger found in the text: token span ``first:end`` and its type."""

    first: int
    end: int
    type: TriggerType


def find_triggers(tokens: Tokens, *, tolls: bool = True) -> list[Trigger]:
    """Return every trigger of a document, in text order.

    Phrases in ``not_events`` are left out, and so are the ``fallback``
    wordings ("killed", "shot") when another wording of the document reports
    violence (unless ``tolls`` is False: when that wording proved no event):
    there they tell that event's toll, not an event of their own.
    A ``generic`` wording ("the attack") may only refer to violence told
    elsewhere, so it takes them for a toll in its own sentence only.
    """
    matcher, not_events, _irrealis = trigger_lexicon()
    blocked = {i for a, b, _ in phrases().find(tokens, not_events) for i in range(a, b)}
    found = [Trigger(a, b, kind) for a, b, kind in phrases().find(tokens, matcher) if blocked.isdisjoint(range(a, b))]
    return without_tolls(tokens, found) if tolls else found


def without_tolls(tokens: Tokens, found: list[Trigger]) -> list[Trigger]:
    """``found`` without the ``fallback`` wordings that tell the toll of violence reported in other words
    (see :func:`find_triggers`)."""
    telling = [t for t in found if t.type.violent and not t.type.fallback]
    if any(not t.type.generic for t in telling):
        return [t for t in found if not t.type.fallback]
    if telling:
        starts = [a for a, _ in document_sentences(tokens)]
        told = {bisect_right(starts, tokens.starts[t.first]) for t in telling}
        found = [t for t in found if not t.type.fallback or bisect_right(starts, tokens.starts[t.first]) not in told]
    return found


def described(low: list[str], trigger: Trigger) -> bool:
    """Is the trigger told in a relative clause, describing something named before it ("the bombing that
    killed 12", "an attack in which four were killed")?"""
    return not RELATIVE_WORDS.isdisjoint(low[max(0, trigger.first - _DESCRIBED_REACH):trigger.first])


# How far before its trigger a relative word makes it a description
_DESCRIBED_REACH = 4


def told_as_noun(low: list[str], trigger: Trigger, lo: int, *, joined: bool = True) -> bool:
    """Is the trigger a thing named (after an article, a preposition or, with ``joined``, "and": "an attack",
    "the burned-out remains", "ruins and destroyed houses") rather than a verb telling an act? ``lo`` is
    the first token of its clause. Without ``joined``, a verb after "and" is a verb ("surrounded and beat")."""
    return trigger.first > lo and low[trigger.first - 1] in _NOT_BEFORE_VERBS \
        and (joined or low[trigger.first - 1] != "and")


def is_irrealis(tokens: Tokens, trigger: Trigger, clause_first: int, clause_end: int | None = None) -> bool:
    """True if the trigger is negated or hypothetical in its clause.

    "could be resumed", "hope that", "if", "denied", "did not" ... make no
    event; for Strategic developments so do wordings of intent ("efforts to
    extend the truce").  The document's cue words are indexed once, so each
    question about a clause is a bisection.
    """
    lo = clause_first
    end = len(tokens) if clause_end is None else clause_end
    cues = tokens.derived("irrealis", _CueIndex.of)
    if cues.first_before(lo, end) < trigger.first and not _since_between(cues, lo, trigger.first):
        return True
    if not trigger.type.violent and (cues.first_non_violent_before(lo, end) < trigger.first
                                     or _earlier_rounds(tokens, lo, trigger)):
        return True
    irrealis = trigger_lexicon()[2]
    low = cues.low
    ahead = low[max(lo, trigger.first - 4):max(lo, trigger.first)]
    if any(w in irrealis["near"] for w in ahead) or not irrealis["habit"].isdisjoint(ahead[-2:]) \
            or _negated_after(low, trigger.end, min(end, trigger.end + 5), irrealis):
        return True
    if _ended(low, lo, trigger.first, irrealis["ending"]) or _halted(tokens, lo, end, trigger, irrealis["halting"]):
        return True
    if trigger.type.verb_only and told_as_noun(low, trigger, lo):
        return True  # "the burned-out remains of cars": a thing described, no act told
    if (trigger.type.fallback or trigger.type.verb_only) and _first_phrase_end(low, lo, end, _ACCIDENTS) <= end:
        return True  # a death or damage no side caused: "killed in a car accident", "the storm uprooted trees"
    if _court_verdict(tokens, lo, end, trigger):
        return True  # "a court convicted a man of rape" (not "sentenced him to death and executed him")
    if _accused(tokens, lo, end, trigger):
        return True  # "the army was responsible for that attack"
    if _supplied(low, lo, trigger, irrealis["supply"]) or _ongoing(low, lo, trigger) \
            or _framing(low, trigger, end, irrealis["framing"]):
        return True
    if trigger.type.sub_event_type == "territory" and (
            not irrealis["attempt"].isdisjoint(ahead[-3:])
            or ahead[-1:] == ["to"] and (len(ahead) < 2 or ahead[-2] not in irrealis["achieved"])):
        return True  # "attempting to seize", "in a bid to capture", "an offensive to retake": no ground changed hands
    if _tallied(cues, low, lo, end, trigger, irrealis["grievance"]) or cues.habit_from(lo, end, trigger.first):
        # a tally, or what went on since ... (any trigger after its opening: "since the war began
        # with protests that were met with")
        return True
    reach = (max(lo, trigger.first - _RECENT_REACH), min(end, trigger.end + _RECENT_REACH))
    if trigger.type.violent and cues.recent_tally(*reach):
        return True
    return bool(trigger.type.needs) and _needs_end(tokens, lo, end, trigger.type.needs) > min(end, trigger.end + _NEEDS_REACH) \
        and trigger.type.subjects.isdisjoint(low[max(lo, trigger.first - _SUBJECT_REACH):trigger.first])


def _tallied(cues: _CueIndex, low: list[str], lo: int, end: int, trigger: Trigger, grievance: frozenset[str]) -> bool:
    """Does a tally phrase in tokens ``lo:end`` void the trigger?

    It does, unless the trigger is a protest's or a riot's and every tally comes after the
    grievance it is held over ("protested on Monday, demanding the return of relatives
    stranded since the start of the outbreak").
    """
    starts = cues.tallies_within(lo, end)
    if not starts:
        return False
    if trigger.type.event_type not in _CROWD_TYPES:
        return True
    return any(grievance.isdisjoint(low[trigger.end:k]) for k in starts)


_CROWD_TYPES = frozenset(("Protests", "Riots"))


def _since_between(cues: _CueIndex, lo: int, first: int) -> bool:
    """Does "since" stand between the last cue before token ``first`` and it?  What follows "since"
    happened, whatever the clause around it says ("It would be the deadliest attack since sarin
    killed hundreds in Ghouta in August 2013")."""
    last = cues.last_before(lo, first)
    return last != _NEVER and not _FACT_OPENERS.isdisjoint(cues.low[last + 1:first])


_FACT_OPENERS = _GRAMMAR.words("fact_openers")


def _earlier_rounds(tokens: Tokens, lo: int, trigger: Trigger) -> bool:
    """Are the talks or deals told as earlier ones ("Earlier rounds of negotiations had taken place in
    Geneva", "the previous truce")? Not the adverb: "Earlier, the two sides agreed ..."."""
    low = tokens.low
    for k in range(max(lo, trigger.first - 3), trigger.first):
        if low[k] in EARLIER and not any(p in tokens.text[tokens.ends[k]:tokens.starts[k + 1]] for p in ",;:"):
            return True
    return False


#: Words telling an event as an earlier one ("earlier rounds of talks", "a previous strike").
EARLIER = _GRAMMAR.words("earlier")


_CHARGE_WORDS = frozenset(_TRIGGERS["irrealis"]["legal_charges"])
# Words after which a participle describes a thing ("the", "near", "of", "and")
_NOT_BEFORE_VERBS = _GRAMMAR.words("articles") | _GRAMMAR.words("prepositions") | _GRAMMAR.words("determiners") \
    | _GRAMMAR.words("before_adjectives")
_LEGAL = tuple(" ".join(str(p).split()) for p in _TRIGGERS["irrealis"]["legal"])
# one word each legal phrase holds, the rarest-looking (the longest): a document without any has none
_LEGAL_WORDS = frozenset(max(p.split(), key=len) for p in _LEGAL)
# How far the event a side is accused of may follow the word of the charge ("for the shelling"), and
# the word of the charge the accusation verb ("accused government forces of")
_CHARGE_REACH = 3
_OBJECT_REACH = 5
#: The auxiliaries of a passive ("was", "were", "been").
AUXILIARIES = _GRAMMAR.words("passive_auxiliaries")
_ACCUSATION_VERBS = frozenset(_TRIGGERS["irrealis"]["accusation"])
_ACCUSATION_ADJECTIVES = frozenset(_TRIGGERS["irrealis"]["accusation_adjectives"])
_CLAIMANTS = frozenset(_TRIGGERS["irrealis"]["claimants"])
_ACCUSATION_WORDS = _ACCUSATION_VERBS | _ACCUSATION_ADJECTIVES
_ACCIDENTS = tuple(" ".join(str(p).split()) for p in _TRIGGERS["irrealis"]["accidents"])
_FRAME_VERBS = frozenset(phrase.split()[0] for phrase in _TRIGGERS["irrealis"]["framing"])


def _framing(low: list[str], trigger: Trigger, end: int, framing: frozenset[str]) -> bool:
    """Is the trigger the subject of a news frame ("the latest strikes come as the UN tries ...",
    "the new bombings came in the wake of army gains")? It recalls events told before."""
    if trigger.end >= end or low[trigger.end] not in _FRAME_VERBS:
        return False
    after = " ".join(low[trigger.end:min(end, trigger.end + 4)])
    return any(after.startswith(phrase) for phrase in framing)


def _ongoing(low: list[str], lo: int, trigger: Trigger) -> bool:
    """Is the trigger told as what goes on, not as what happened?

    "tribal fighters have been battling the militants" (a perfect progressive) and "IS
    fighters are also being targeted by airstrikes" (a present progressive passive) describe
    a campaign; "have captured", "were targeted" tell an event.
    """
    if _campaign(low, lo, trigger):
        return True
    k = trigger.first
    if k - 2 >= lo and low[k - 1] == "by":
        k -= 2  # the agent of a passive: "are being targeted by airstrikes"
    elif low[k].endswith("ing"):
        k = _before_adverbs(low, lo, k)
        return k - 2 >= lo and low[k - 1] == "been" and low[k - 2] in ("has", "have")
    k = _before_adverbs(low, lo, k)
    if k - 1 < lo or low[k - 1] != "being":
        return False
    k = _before_adverbs(low, lo, k - 1)
    return k - 1 >= lo and low[k - 1] in ("is", "are")


def _campaign(low: list[str], lo: int, trigger: Trigger) -> bool:
    """Is the trigger what a side has been doing, a few words after "has been" / "have been"?

    "tribal fighters have been the main force resisting the militants", "the army has been
    pressing an offensive": a perfect progressive describes a campaign.  Not "have been killed in shelling"
    (a passive: no verb in -ing between "been" and the trigger).
    """
    for k in range(max(lo + 1, trigger.first - _CAMPAIGN_REACH), trigger.first):
        if low[k] == "been" and low[_before_adverbs(low, lo, k) - 1] in ("has", "have"):
            between = low[k + 1:trigger.end]
            return any(w.endswith("ing") and w not in _NOT_VERBS for w in between)
    return False


# How far before a trigger "has been" may stand for a campaign ("have been a key force battling")
_CAMPAIGN_REACH = 5
_NOT_VERBS = _GRAMMAR.words("ing_words_not_verbs")


def _before_adverbs(low: list[str], lo: int, k: int) -> int:
    """Where the words before token ``k`` begin once "reportedly", "also" ... are passed over."""
    while k - 1 >= lo and low[k - 1] in PASSIVE_ADVERBS:
        k -= 1
    return k


#: Words that may stand between an auxiliary and its participle ("was reportedly shelled").
PASSIVE_ADVERBS = _GRAMMAR.words("passive_adverbs")


def _negated_after(low: list[str], first: int, end: int, irrealis: dict[str, frozenset[str]]) -> bool:
    """Is the trigger negated by a cue right after it ("the protest did not take place")?

    Not by one that tells what a protest or an attack was over ("protested over not being
    paid", "punished for not paying"): a negation right after a preposition is its object's;
    nor by one in a clause of its own ("claiming that they do not have supplies").
    """
    for k in range(first, end):
        if low[k] in RELATIVE_WORDS or low[k] in _SUBORDINATORS:
            return False  # a clause of its own begins: "a demonstration claiming that they do not have ...",
            # "residents protested since they have not received water"
        if low[k] in irrealis["near"] and not (k > first and low[k - 1] in irrealis["reasons"]):
            return True
    return False


def _before_determiners(low: list[str], lo: int, first: int) -> int:
    """Where the words before the trigger begin once "the", "all", "its" ... are passed over."""
    k = first
    while k - 1 >= lo and first - k < 2 and low[k - 1] in _ENDED_DETERMINERS:
        k -= 1
    return k


def _ended(low: list[str], lo: int, first: int, ending: frozenset[str]) -> bool:
    """Is the trigger at ``first`` what is called on to end ("an end to the bombings")?"""
    k = _before_determiners(low, lo, first)
    return k - 2 >= lo and " ".join(low[k - 2:k]) in ending


def _halted(tokens: Tokens, lo: int, end: int, trigger: Trigger, halting: frozenset[str]) -> bool:
    """Were the trigger's strikes or shelling halted ("Russian and Syrian air forces halted airstrikes
    in Aleppo", "suspended all air raids")?

    Not an attack stopped by fighting it ("stopped the attack on their positions, killing 10"),
    nor strikes in a clause that tells their dead.
    """
    if trigger.type.sub_event_type not in _HALTABLE:
        return False
    k = _before_determiners(tokens.low, lo, trigger.first)
    return k - 1 >= lo and tokens.low[k - 1] in halting and first_within(toll_word_positions(tokens), lo, end) is None


_HALTABLE = _TRIGGERS.words("haltable_types")


_ENDED_DETERMINERS = _TRIGGERS.words("ended_determiners")


# How far before a weapon the verb supplying it may stand: "received U.S.-made anti-tank missiles"
_SUPPLY_REACH = 6


def _supplied(low: list[str], lo: int, trigger: Trigger, supply: frozenset[str]) -> bool:
    """Is the trigger a weapon supplied, received or held, not used ("received anti-tank missiles")?

    Only a noun can be: a verb after a supply word is an attack of its own ("rebels who received
    missiles shelled ...").
    """
    word = low[trigger.first]
    if trigger.type.sub_event_type not in _WEAPON_TYPES or word.endswith(("ed", "ing")):
        return False  # (nor are strikes received: "positions have received direct strikes")
    if trigger.end < len(low) and low[trigger.end] in _WEAPON_ACTS:
        return False  # "Turkish-supplied rockets pounded Aleppo": the weapon is used
    for k in range(trigger.first - 1, max(lo, trigger.first - _SUPPLY_REACH) - 1, -1):
        if low[k] in supply:
            return True
        if low[k] in _SUPPLY_STOPS:
            return False  # "a convoy delivering aid was hit by missiles", "received support and rockets hit"
    return False


_SUPPLY_STOPS = _TRIGGERS.words("supply_stops")


_WEAPON_ACTS = _TRIGGERS.words("weapon_acts")


# What a weapon word codes ("missiles", "rockets", "shells"): what can be supplied
_WEAPON_TYPES = _TRIGGERS.words("supplied_weapon_types")


def is_tally(tokens: Tokens, clause_first: int, clause_end: int) -> bool:
    """True if the clause is a tally over a period ("3,000 killed during the past month"), not an event."""
    return tokens.derived("irrealis", _CueIndex.of).aggregate(clause_first, clause_end)


_NEVER = 1 << 62


# How near the trigger a tally of recent weeks must stand ("shaken by two bomb attacks in recent
# weeks"), so that "On Wednesday a drone strike killed X ..., the latest in a series of blows in
# recent weeks" still codes its strike.
_RECENT_REACH = 10


def _number_signs(low: list[str]) -> list[int]:
    """Where "No" stands for "number" ("Ward No. 10", "No 4 camp"): right before a figure."""
    if "no" not in low and "nos" not in low:
        return []  # most documents: one scan in C
    return [i for i, word in enumerate(low[:-1]) if word in ("no", "nos") and low[i + 1][:1].isdecimal()]


@dataclass(frozen=True)
class _CueIndex:
    """Where a document's irrealis cues are, so a clause's first cue is one bisection away.

    Attributes
    ----------
    low : list of str
        ``tokens.low`` with the month "May" blanked (it is not the modal "may"), and "No" before a
        figure ("Ward No. 10": it is no negation).
    before, non_violent : list of int
        Token indices of the two kinds of cue that void a later trigger.
    aggregate_starts, aggregate_stops : list of int
        Where each occurrence of a tally phrase ("since 2011") starts, and
        the earliest end of a phrase starting there.
    habit_starts, habit_stops : list of int
        The same for spans of what went on since something ("has been
        conducting airstrikes since September 2014"; see _habitual_spans).
    recent : list of int
        Where each tally of recent weeks or months ("in recent weeks") starts.
    """

    low: list[str]
    before: list[int]
    non_violent: list[int]
    aggregate_starts: list[int]
    aggregate_stops: list[int]
    habit_starts: list[int]
    habit_stops: list[int]
    recent: list[int]

    @classmethod
    def of(cls, tokens: Tokens) -> _CueIndex:
        low, words = tokens.low, tokens.words
        masked = low
        before_at: list[int] = []
        non_violent_at: list[int] = []
        for i, _end, (is_before, is_non_violent) in phrases().occurrences(tokens, cue_word_matcher()):
            if low[i] == "may" and words[i] != "may":
                if masked is low:
                    masked = list(low)  # copied only for a document that names the month
                masked[i] = ""
                continue
            if is_before:
                before_at.append(i)
            if is_non_violent:
                non_violent_at.append(i)
        earliest: dict[int, int] = {}
        recent: list[int] = []
        for first, end, whole_clause in phrases().occurrences(tokens, aggregate_matcher()):
            if whole_clause:
                earliest[first] = min(end, earliest.get(first, end))
            else:
                recent.append(first)
        for i in _number_signs(low):
            if masked is low:
                masked = list(low)
            masked[i] = ""  # "Ward No. 10": a number's sign, not a negation
        habits: dict[int, int] = {}
        for first, end in _habitual_spans(tokens, low):
            habits[first] = min(end, habits.get(first, end))
        starts, habit_starts = sorted(earliest), sorted(habits)
        return cls(masked, before_at, non_violent_at, starts, [earliest[k] for k in starts],
                   habit_starts, [habits[k] for k in habit_starts], sorted(recent))

    def first_before(self, lo: int, end: int) -> int:
        """The first "before" cue in tokens ``lo:end`` (``_NEVER`` if none)."""
        return _first_in(self.before, lo, end)

    def last_before(self, lo: int, end: int) -> int:
        """The last "before" cue in tokens ``lo:end`` (``_NEVER`` if none)."""
        k = bisect_left(self.before, end) - 1
        return self.before[k] if k >= 0 and self.before[k] >= lo else _NEVER

    def first_non_violent_before(self, lo: int, end: int) -> int:
        """The first cue of intent ("efforts to", "calls for") in tokens ``lo:end``."""
        return _first_in(self.non_violent, lo, end)

    def recent_tally(self, lo: int, end: int) -> bool:
        """True if a tally of recent weeks or months starts inside tokens ``lo:end``."""
        return _first_in(self.recent, lo, end) != _NEVER

    def aggregate(self, lo: int, end: int) -> bool:
        """True if a tally phrase or a span of what went on "since ..." lies wholly inside tokens ``lo:end``."""
        return self.tally_phrase(lo, end) or _span_within(self.habit_starts, self.habit_stops, lo, end, end)

    def tally_phrase(self, lo: int, end: int) -> bool:
        """True if a tally phrase lies wholly inside tokens ``lo:end``."""
        return _span_within(self.aggregate_starts, self.aggregate_stops, lo, end, end)

    def tallies_within(self, lo: int, end: int) -> list[int]:
        """Where the tally phrases that lie wholly inside tokens ``lo:end`` start."""
        k = bisect_left(self.aggregate_starts, lo)
        found = []
        while k < len(self.aggregate_starts) and self.aggregate_starts[k] < end:
            if self.aggregate_stops[k] <= end:
                found.append(self.aggregate_starts[k])
            k += 1
        return found

    def habit_from(self, lo: int, end: int, first: int) -> bool:
        """True if a span of what went on "since ..." inside tokens ``lo:end`` covers the token ``first``.

        It does when it opens before that token, or after it with no
        relative word between: "Russian warplanes have been carrying out an
        air war since September 2015", but not "The blast took place in
        al-Mashi, which has been under YPG control since August".
        """
        k = bisect_left(self.habit_starts, lo)
        while k < len(self.habit_starts) and self.habit_starts[k] < end:
            start = self.habit_starts[k]
            if self.habit_stops[k] <= end and (start <= first or RELATIVE_WORDS.isdisjoint(self.low[first:start])):
                return True
            k += 1
        return False


RELATIVE_WORDS = _GRAMMAR.words("relative_words")
# How far before a trigger the word naming who did it may stand ("workers and members of the union marched")
_SUBJECT_REACH = 8
# How far after a trigger the words it needs may stand ("gathered at the ministry ... to demand")
_NEEDS_REACH = 20
_SUBORDINATORS = _GRAMMAR.words("subordinators")


def _span_within(starts: list[int], stops: list[int], lo: int, end: int, open_before: int) -> bool:
    """True if a span (``starts[k]``, ``stops[k]``) opening in ``lo:open_before`` ends by ``end``."""
    k = bisect_left(starts, lo)
    while k < len(starts) and starts[k] < min(end, open_before):
        if stops[k] <= end:
            return True
        k += 1
    return False


_PERFECT = _GRAMMAR.words("perfect_auxiliaries")


_HABIT_REACH = 15


_BEGAN = _TRIGGERS.words("began")


# "has been carrying out airstrikes since last September", "had been battling since June 25";
# "since then" too, and a "since" phrase put before its perfect ("Since 2011, 400,000 have been killed")
# month names written out (not "May", which is also the modal "may")
_MONTHS = frozenset(name.lower() for name in MONTHS if len(name) > 3)


_BEGAN_REACH = 8


_OPENINGS = frozenset(".;:,\n\"(")  # what may stand before a "since" that opens its clause


def _habitual_spans(tokens: Tokens, low: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "since" not in low:  # most documents: one scan in C, no Python step per token
        return spans
    for i in [k for k, word in enumerate(low) if word == "since"]:
        year = next((k for k in range(i + 1, min(len(low), i + 4))
                     if len(low[k]) == 4 and low[k].isdecimal() and 1900 <= int(low[k]) <= 2100
                     or low[k] in _MONTHS and low[k - 1] in ("last", "since")
                     or low[k] == "then" and k == i + 1), None)
        aux = next((k for k in range(i - 1, max(-1, i - _HABIT_REACH), -1) if low[k] in _PERFECT), None)
        if year is not None and aux is not None:
            spans.append((aux, year + 1))
        elif year is not None and (i == 0 or not _OPENINGS.isdisjoint(tokens.text[tokens.ends[i - 1]:tokens.starts[i]])):
            # put first: "Since then hundreds of thousands have been killed in the fighting" (not
            # "Aleppo divided since mid-2012 has seen its worst fighting", whose perfect is its own)
            after = next((k for k in range(year + 1, min(len(low), year + _HABIT_REACH)) if low[k] in _PERFECT), None)
            if after is not None:
                spans.append((i, after + 1))
        began = next((k for k in range(i + 1, min(len(low), i + _BEGAN_REACH)) if low[k] in _BEGAN), None)
        if began is not None and aux is not None:
            spans.append((aux, began + 1))
    return spans


def _first_in(where: list[int], lo: int, end: int) -> int:
    found = first_within(where, lo, end)
    return _NEVER if found is None else found


def _court_verdict(tokens: Tokens, lo: int, end: int, trigger: Trigger) -> bool:
    """Is the trigger what a court ruled on ("convicted a man of rape", "sentenced for the killing of")?

    A legal word before the trigger in its clause and a word of the charge ("of", "for") between
    them.  Both are looked for once per clause, so a clause of many triggers is read once.
    """
    if tokens.derived("legal-words", lambda t: _LEGAL_WORDS.isdisjoint(t.low)):
        return False  # the document holds no legal word: nothing to look for, clause by clause
    memo = tokens.derived("legal", lambda _tokens: {})
    found = memo.get((lo, end))
    if found is None:
        low = tokens.low
        legal = _first_phrase_end(low, lo, end, _LEGAL)
        charge = next((k for k in range(legal, end) if low[k] in _CHARGE_WORDS), _NEVER) if legal < end else _NEVER
        found = memo[(lo, end)] = (legal, charge)
    legal, charge = found
    return legal <= trigger.first and charge < trigger.first


def _accused(tokens: Tokens, lo: int, end: int, trigger: Trigger) -> bool:
    """Is the trigger what a side is accused or suspected of, in a clause that tells no toll and no day
    of it ("blamed the rebels for the shelling", "a man suspected of kidnapping", "said the regime
    was responsible for that attack")?

    The word of the charge ("of", "for") must stand at most two words before the trigger, and the
    word of the accusation before it: right before it for "suspected of" and "responsible for", or
    over the accused ("accused government forces of").  Not a claim ("IS said it was responsible
    for the bombing"), nor an attack by "suspected members of" a group, nor what a clause tells
    with a toll ("accused of killing 1,000") or a day of its own ("accused of shelling Douma on Monday").
    """
    if tokens.derived("accusation-words", lambda t: _ACCUSATION_WORDS.isdisjoint(t.low)):
        return False  # the document holds no word of accusation
    low = tokens.low
    charge = next((k for k in range(trigger.first - 1, max(lo, trigger.first - _CHARGE_REACH) - 1, -1)
                   if low[k] in _CHARGE_WORDS), None)
    if charge is None or not _accusation_before(low, lo, charge):
        return False
    if first_within(toll_word_positions(tokens), lo, end) is not None:
        return False
    # the accused event's own day: before it, or after it before another verb's auxiliary
    # ("accused of shelling Douma on Monday"; not "... of kidnapping a child was arrested on Monday")
    verb = next((k for k in range(trigger.end, end) if low[k] in AUXILIARIES), end)
    start, stop = tokens.starts[lo], tokens.ends[verb - 1]
    return not any(start <= d.start < stop and d.precision == 1 for d in document_dates(tokens))


def _accusation_before(low: list[str], lo: int, charge: int) -> bool:
    """Is the word of the charge at ``charge`` one of an accusation: "suspected of", "responsible for"
    (not a claim: "it was responsible for"), or "accused X of", "blamed X for"?"""
    k = charge - 1
    if k >= lo and low[k] in _ACCUSATION_ADJECTIVES:
        return not (k - 2 >= lo and low[k - 1] in AUXILIARIES and low[k - 2] in _CLAIMANTS)
    return any(low[j] in _ACCUSATION_VERBS for j in range(max(lo, charge - _OBJECT_REACH), charge))


def _needs_end(tokens: Tokens, lo: int, end: int, needs: tuple[str, ...]) -> int:
    # several triggers of one clause may need the same wording: search the clause once
    memo = tokens.derived("needs", lambda _tokens: {})
    key = (lo, end, needs)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _first_phrase_end(tokens.low, lo, end, needs)
    return found


@lru_cache(maxsize=256)
def _phrases_by_head(phrases: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """Phrases as word lists, grouped by their first word."""
    by_head: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        words = phrase.split()
        if words:
            by_head.setdefault(words[0], []).append(words)
    return by_head


def _first_phrase_end(low: list[str], first: int, end: int, phrases: tuple[str, ...]) -> int:
    """The token index just after the earliest-ending occurrence of one of ``phrases`` in ``low[first:end]``."""
    by_head = _phrases_by_head(phrases)
    best = _NEVER
    for i in range(first, end):
        for words in by_head.get(low[i], ()):
            stop = i + len(words)
            if stop <= end and stop < best and low[i:stop] == words:
                best = stop
        if best <= i + 1:
            break
    return best
