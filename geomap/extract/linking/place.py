"""The place of an event: which of the places named in its clause or sentence, or the one a word refers back to."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from geomap.extract.find import Mention, site_words
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.linking.records import NEIGHBOURING_SENTENCES, EventRecord
from geomap.extract.linking.sides import LOCATIVE, SAYS
from geomap.extract.text import Tokens
from geomap.gazetteer import Place
from geomap.gazetteer.spatial import ADMIN_KINDS, holds
from geomap.schema import GEO_PRECISION_BY_KIND

_SIDES = load_lexicon("sides")
_TOPONYMS = load_lexicon("toponyms")

# (not "the village of Tlajabin": a place named, which the gazetteer may lack, is no reference back)
ANAPHORA_RE = re.compile(r"\b" + _TOPONYMS.alternation("anaphora") + r"\b(?!\s+of\s+(?-i:[A-Z]))", re.I)






def antecedent(last_places: list[tuple[Mention, int]], phrase: str, s_index: int) -> Mention | None:
    """The place "the city", "the area", "there" ... refers to: the latest fitting one named before."""
    wants_city = any(w in phrase.lower() for w in ("city", "town"))
    for mention, sentence in reversed(last_places):
        if s_index - sentence > NEIGHBOURING_SENTENCES:
            return None
        if not wants_city or mention.place.kind in ("city", "town"):
            return mention
    return None


def set_place(record: EventRecord, mention: Mention, reason: str, *, clause_low: list[str] | None = None) -> None:
    """Give ``record`` the place of ``mention``, at ACLED's precision for its kind (2 when the text says near it).

    ``clause_low`` (the document's lower-cased tokens) when the mention is in the
    event's own clause: unless it says where a speaker is, the place then tells where
    even an event named by a generic word was (:attr:`EventRecord.place_in_clause`).
    """
    place = mention.place
    record.place_in_clause = clause_low is not None and not _speakers_place(clause_low, mention.first, mention.last)
    record.place = place
    record.place_explicit = True
    precision = GEO_PRECISION_BY_KIND.get(place.kind, 3)
    if mention.near:
        precision = max(precision, 2)
        reason += " (near it, not at it)"
    record.geo_precision = precision
    record.place_reason = reason


def choose_place(mentions: list[Mention], focus: Place | None, violent: bool, low: list[str],
                 trigger_first: int | None = None) -> Mention | None:
    """The best place among a clause's mentions for an event (module docstring, rule 1).

    ``focus`` is the document's focus; ``violent`` whether the event is;
    ``low`` the document's lower-cased tokens; ``trigger_first`` where the
    event's word stands (a place before it may be its doers' post).
    """
    # a country named for its border is where the event is not ("close to Turkey's border"), in a
    # report on another country (alone, it is the place: "near the Iraq border")
    beside = [m for m in mentions if not (m.place.kind == "country" and m.last < len(low) and low[m.last] in _BORDER_WORDS
                                          and focus is not None and focus.country != m.place.country)]
    if not beside:
        return None
    mentions = beside
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
        # a road named after a place ("on Murree road in Rawalpindi") runs anywhere from it
        road = m.last < len(low) and low[m.last] in _STREET_HEADS
        # (of countries, the report's own first: "the coalition fighting IS in Iraq and Syria", in a report on Syria)
        abroad = country and focus is not None and m.place.country != focus.country
        # (where the doers stood, told before the act or as its agent's: "rebels positioned in X fired on
        # Y", "shells fired by terrorists positioned in X fell on Y"; not where those hit stood:
        # "attacked soldiers positioned in X")
        post = _doers_post(low, m.first) and (trigger_first is None or m.first < trigger_first
                                              or "by" in low[max(0, m.first - _AGENT_TO_POST):m.first])
        return (_speakers_place(low, m.first, m.last), post, country, abroad, not contained(m), road, bare, k)
    return min(enumerate(mentions), key=rank)[1]


def listed_with(chosen: Mention, mentions: list[Mention], tokens: Tokens) -> list[Mention]:
    """The other places a list names with ``chosen`` ("al-Furqan and al-Fayed neighbourhoods", "the
    villages of X, Y and Z"), each an event's place of its own; none when it stands alone.

    A list's members follow one another with only commas, "and" and settlement words between,
    "and" before the last; all are places of one precision (villages and towns, or provinces),
    none holding another ("Kafr Nabl, Idlib" is a place and its province, no list), and the list
    is no route ("between X and Y", "from X to Y").
    """
    if len(mentions) < 2:
        return []
    ordered = sorted((m for m in mentions if usable(m)), key=lambda m: m.first)
    if chosen not in ordered or len(ordered) < 2:
        return []
    k = ordered.index(chosen)
    lo = hi = k
    while lo > 0 and _joined(tokens, ordered[lo - 1], ordered[lo]):
        lo -= 1
    while hi + 1 < len(ordered) and _joined(tokens, ordered[hi], ordered[hi + 1]):
        hi += 1
    run = ordered[lo:hi + 1]
    ends_list = "and" in tokens.low[run[-2].last:run[-1].first] if len(run) > 1 else False
    # (or the list goes on with a name the gazetteer lacks: "Mhardeh, Suqaylabiyah and Salhab")
    if len(run) < 2 or not (ends_list or (run[-1].last < len(tokens.low) and tokens.low[run[-1].last] == "and")):
        return []
    level = {GEO_PRECISION_BY_KIND.get(m.place.kind) for m in run}
    if len(level) > 1 or any(m.place.kind == "country" for m in run) or _routed(tokens.low, run[0].first):
        return []
    if len({m.place.place_id for m in run}) < len(run) \
            or any(a.place.kind in ADMIN_KINDS and holds(a.place, b.place) for a in run for b in run):
        return []
    return [m for m in run if m is not chosen]


def _joined(tokens: Tokens, a: Mention, b: Mention) -> bool:
    """Do only commas, "and" and settlement words stand between mentions ``a`` and ``b``?"""
    between = tokens.low[a.last:b.first]
    if len(between) > _LIST_GAP or not all(w in _LIST_WORDS for w in between):
        return False
    gap = tokens.text[tokens.ends[a.last - 1]:tokens.starts[b.first]]
    return not _NOT_IN_LISTS.sub("", gap) and (bool(between) or "," in gap)


_NOT_IN_LISTS = re.compile(r"[\w\s,]")


def _routed(low: list[str], first: int) -> bool:
    """Is the list that starts at token ``first`` a route's ends ("between X and Y", "from X to Y")?"""
    k = first - 1
    while k >= 0 and (low[k] in _LIST_WORDS or low[k] == "of"):  # "between the villages of X and Y"
        k -= 1
    return k >= 0 and low[k] in ("between", "from")


# What may stand between the members of a list of places, and how many words of it
_LIST_WORDS = _TOPONYMS.words("list_words")
_LIST_GAP = 4


def _doers_post(low: list[str], first: int) -> bool:
    """Does the mention at token ``first`` say where the doer stood ("terrorists positioned in Bustan
    al-Qasr fired shells on al-Meridian"), not where the act struck?"""
    k = first - 1
    while k >= 0 and low[k] in ("the", "a"):
        k -= 1
    return k >= 1 and low[k] in ("in", "at", "inside") and low[k - 1] in _POSTED


_POSTED = _TOPONYMS.words("posted")
# How far before a post's place "by" may name its side as the act's agent ("by terrorists positioned in X")
_AGENT_TO_POST = 6
_BORDER_WORDS = frozenset(("border", "borders", "frontier"))


_SETTLEMENT_CUES = frozenset(("city", "town", "village", "neighbourhood"))
_STREET_HEADS = _TOPONYMS.words("street_heads")


# Kinds of place a town, village or neighbourhood may lie inside (see choose_place's containment).
_AREA_KINDS = frozenset(("country", "admin1", "admin2", "region"))


_SPEAKERS = _SIDES.words("speakers")


def _speakers_place(low: list[str], first: int, last: int) -> bool:
    """Does the mention in tokens ``first:last`` say where a speaker is ("a source at Hasaka ... said",
    "officials in Damascus condemned")?

    Such a place locates an event only when the clause names no other place,
    not even a country ("killed in Russian air strikes in Syria, the defence
    ministry in Moscow said"). Not a victim's: "killed two officials in Qamishli".
    """
    return first >= 2 and low[first - 1] in ("at", "in", "of", "for") and low[first - 2] in _SPEAKERS \
        and not (SAYS.isdisjoint(low[last:last + _SPEECH_REACH]) and _REACTS.isdisjoint(low[last:last + _SPEECH_REACH])
                 and "according" not in low[max(0, first - 2 - _SPEECH_REACH):first - 2])


# "officials in Damascus condemned the attack": where those reacting are
_REACTS = _SIDES.words("reaction")


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


def document_focus(mentions: list[Mention], country: str | None = None) -> Place | None:
    """The place a document is mostly about: its most named sub-national place
    in the document's focus ``country`` (a report on Syria that quotes
    Washington is still about a Syrian place); names standing for a
    government ("Washington said") do not count. A dateline does: filed
    from inside the country ("QAMISHLI, Syria"), it names where the reporter
    was; filed from abroad ("BEIRUT (AP)"), it lies outside ``country``."""
    located = [m.place for m in mentions if usable(m)
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


def usable(m: Mention) -> bool:
    """Can this mention locate an event?  Not "Aleppo-based" or a dateline
    ("BEIRUT (AP)"), and a country or capital standing for its government
    ("the U.S. and Russia agreed") only after a locative preposition ("talks
    in Russia")."""
    if m.place is None or m.based or m.dateline or m.rulers_own:
        return False
    # a country, like a government, is where something happens only after a locative
    # ("talks in Qatar"), not as a side ("brokered by rebel backer Qatar")
    return not (m.names_actor or m.place.kind == "country") or m.prep in LOCATIVE
