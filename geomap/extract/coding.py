"""Event coding: triggers -> ACLED event/sub-event types, actors, negation and hypotheticals.

The vocabulary lives in ``lexicon/triggers.yaml`` and ``lexicon/actors.yaml``;
this module only applies it to a token stream.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from geomap.dates import MONTHS
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.numbers import toll_word_positions
from geomap.extract.text import (
    PhraseGroup,
    PhraseMatcher,
    Tokens,
    first_within,
    phrase_table,
    positions,
)
from geomap.names import is_article, tokenize

_GRAMMAR = load_lexicon("grammar")
_TRIGGERS = load_lexicon("triggers")


@dataclass(frozen=True)
class Actor:
    """A canonical actor of the lexicon."""

    name: str
    inter: int
    generic: bool = False
    government: bool = False


@dataclass(frozen=True)
class ActorMention:
    """An actor named in the text: token span ``first:end`` and the actor."""

    first: int
    end: int
    actor: Actor


@dataclass(frozen=True)
class TriggerType:
    """What a trigger word codes."""

    event_type: str
    sub_event_type: str
    priority: int
    violent: bool = True
    inverse: bool = False
    needs: tuple[str, ...] = ()
    # a generic word that may refer back to an earlier violent event: of any type ("any": "the
    # attack") or of its own event type ("own-type": "the explosion"); "" for a specific word
    generic: str = ""
    # the side that alone uses the weapon the trigger names (barrel bombs: the Syrian
    # government's forces): its doer unless the clause names a state's forces as the doer
    doer: str = ""
    # a wording that says nothing of the means ("attack", "stormed"): re-typed by what it hit (rules.yaml)
    broad: bool = False


@dataclass(frozen=True)
class Trigger:
    """A trigger found in the text: token span ``first:end`` and its type."""

    first: int
    end: int
    type: TriggerType


# A side named as the holder of territory is a description of the target,
# not an actor: "government-held parts", "rebel-controlled areas".
_HELD_RE = re.compile(r"\s*-?\s*" + _TRIGGERS.alternation("holder_participles") + r"\b", re.I)
_PRO_ANTI_RE = re.compile(r"\b" + _TRIGGERS.alternation("side_prefixes") + r"\s*-\s*$", re.I)


@lru_cache(maxsize=1)
def _actor_lexicon() -> tuple[PhraseMatcher, dict[str, Actor], PhraseMatcher]:
    lex = load_lexicon("actors")
    entries = []
    case_sensitive: dict[str, Actor] = {}
    for item in lex["actors"]:
        actor = Actor(item["name"], int(item["inter"]), bool(item.get("generic")), bool(item.get("government")))
        entries.extend((p, actor) for p in item.get("patterns", []))
        for word in item.get("case_sensitive", []) or []:
            case_sensitive[str(word)] = actor
    sources = PhraseMatcher(phrase_table((p, True) for p in lex["reporting_sources"]))
    return PhraseMatcher(phrase_table(entries)), case_sensitive, sources


@lru_cache(maxsize=1)
def _trigger_lexicon() -> tuple[PhraseMatcher, PhraseMatcher, dict[str, frozenset[str]]]:
    lex = load_lexicon("triggers")
    entries = []
    for item in lex["triggers"]:
        kind = TriggerType(
            item["event_type"], item["sub_event_type"], int(item["priority"]),
            bool(item.get("violent", True)), bool(item.get("inverse", False)),
            tuple(" ".join(str(w).split()) for w in item.get("needs", [])), str(item.get("generic", "")),
            str(item.get("doer", "")), bool(item.get("broad", False)),
        )
        entries.extend((p, kind) for p in item["patterns"])
    not_events = PhraseMatcher(phrase_table((p, True) for p in lex.get("not_events", [])))
    irrealis = {k: frozenset(v) for k, v in lex["irrealis"].items()}
    irrealis["aggregates"] = frozenset(" ".join(str(p).split()) for p in lex.get("aggregates", []))
    irrealis["recent_tallies"] = frozenset(" ".join(str(p).split()) for p in lex.get("recent_tallies", []))
    return PhraseMatcher(phrase_table(entries)), not_events, irrealis


@lru_cache(maxsize=1)
def _phrases() -> PhraseGroup:
    """Every phrase lexicon of this module, searched in one pass per document."""
    actors, _case_sensitive, sources = _actor_lexicon()
    triggers, not_events, _irrealis = _trigger_lexicon()
    return PhraseGroup([actors, sources, triggers, not_events, _cue_word_matcher(), _aggregate_matcher()])


@lru_cache(maxsize=1)
def actors_by_name() -> dict[str, Actor]:
    """Every canonical actor of the lexicon, by name."""
    return {
        item["name"]: Actor(item["name"], int(item["inter"]), bool(item.get("generic")), bool(item.get("government")))
        for item in load_lexicon("actors")["actors"]
    }


def source_spans(tokens: Tokens) -> list[tuple[int, int]]:
    """Token spans naming a report's source ("activists said", "state TV", "the Observatory").

    A source named inside a longer actor name gives way to the actor: "al-Quds"
    (a newspaper) in "Liwa al-Quds" (a militia).
    """
    return tokens.derived("source_spans", _source_spans)


def _source_spans(tokens: Tokens) -> list[tuple[int, int]]:
    actors = _actor_matches(tokens)
    starts = [a for a, _b, _actor in actors]
    spans = []
    for a, b, _ in _phrases().find(tokens, _actor_lexicon()[2]):
        # actor matches do not overlap, so only the last one starting at or before ``a`` can hold the source
        k = bisect_right(starts, a) - 1
        if k >= 0 and actors[k][1] >= b and actors[k][1] - actors[k][0] > b - a:
            continue
        spans.append((a, b))
    return spans


def actor_name_spans(tokens: Tokens) -> list[tuple[int, int, Actor]]:
    """Token spans of every actor name, including those used as descriptors ("ISIS-held"),
    and a named group's short name used alone after its full name ("Hazm" after "Harakat Hazm")."""
    return _actor_matches(tokens) + _case_sensitive_spans(tokens) + _alias_spans(tokens)


def _actor_matches(tokens: Tokens) -> list[tuple[int, int, Actor]]:
    """The actor lexicon's matches (one search per document: actors and place masking both read them)."""
    return tokens.derived("actor_matches", lambda t: _phrases().find(t, _actor_lexicon()[0]))


def _case_sensitive_spans(tokens: Tokens, taken: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, int, Actor]]:
    """Single-token actor names matched as written ("IS", not "is"), outside ``taken``."""
    _matcher, case_sensitive, _sources = _actor_lexicon()
    forms = _case_sensitive_forms()
    spans = []
    # a set lookup per token, once per document; the full test only for the few that can pass it
    for i in tokens.derived("case_sensitive_actors", lambda t: positions(map(forms.__contains__, t.words))):
        if i not in taken and (actor := _case_sensitive_actor(tokens.words[i], case_sensitive)) is not None:
            spans.append((i, i + 1, actor))
    return spans


@lru_cache(maxsize=1)
def _case_sensitive_forms() -> frozenset[str]:
    """Every token :func:`_case_sensitive_actor` can accept: the word, and with a possessive "s"."""
    words = _actor_lexicon()[1]
    return frozenset(words) | frozenset(w + "s" for w in words)


def _case_sensitive_actor(word: str, case_sensitive: dict[str, Actor]) -> Actor | None:
    """"IS", and "ISs" (a possessive that lost its apostrophe)."""
    if not word[:1].isupper() or len(word) > 5:
        return None
    if word in case_sensitive:
        return case_sensitive[word]
    if word.endswith("s") and word[:-1] in case_sensitive:
        return case_sensitive[word[:-1]]
    return None


# --- a named group's short name, used alone once the group is named in full ---

# Words too short to tell a group apart (articles, "ibn", "of"): never a group's short name.
_MIN_ALIAS_LENGTH = 3


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, tuple[str, Actor]]:
    """A named group's full names (multi-word patterns, as matched) -> (its short name, the group).

    The short name is the last word of the pattern that is not generic, when
    that word is not a common word: "Hazm" of "Harakat Hazm", "Zenki" of
    "Nour al-Din al-Zenki".  Generic words are shared by several actors'
    patterns ("jaish", "sham", "front", "division"), are lexicon words of their
    own ("militants", "army"), or are too short ("al").  Common words, first
    names and titles (the toponym lexicon's lists) are not short names:
    "Manbij Military Council" ends in "council", "Hamza Division" names a
    person.  Only named armed groups have one (not descriptions, not states).
    """
    lex = load_lexicon("actors")
    owners: dict[str, set[str]] = {}
    keyed: list[tuple[str, Actor]] = []
    for item in lex["actors"]:
        actor = Actor(item["name"], int(item["inter"]), bool(item.get("generic")), bool(item.get("government")))
        for key in phrase_table((p, True) for p in item.get("patterns", [])):
            for word in key.split():
                owners.setdefault(word, set()).add(actor.name)
            keyed.append((key, actor))
    places = load_lexicon("toponyms")
    common = {str(w).lower() for name in ("common_words", "first_names", "titles") for w in places[name]}
    generic = {w for w, names in owners.items() if len(names) > 1 or len(w) < _MIN_ALIAS_LENGTH} | lexicon_words()
    table = {}
    for key, actor in keyed:
        words = key.split()
        if len(words) < 2 or actor.generic or actor.government or actor.inter not in (2, 3, 4):
            continue
        distinctive = next((w for w in reversed(words) if w not in generic), None)
        if distinctive is not None and distinctive not in common:
            table[key] = (distinctive, actor)
    well_known = _well_known_places({word for word, _actor in table.values()})
    return {key: found for key, found in table.items() if found[0] not in well_known}


# A short name that is also a well-known place names the place: "Raqqa" after
# "Liwa Thuwar al-Raqqa" is the city.  Well known: a country, a province or
# district, or a city of this many people.
_WELL_KNOWN_KINDS = frozenset(("country", "admin1", "admin2"))
_WELL_KNOWN_POPULATION = 50_000


def _well_known_places(words: set[str]) -> set[str]:
    """The ``words`` that are, as written (an Arabic article aside), the name of a well-known place."""
    from geomap.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    found = set()
    for word in words:
        for candidate in gazetteer.candidates(word, fuzzy=False):
            place = candidate.place
            if (place.kind in _WELL_KNOWN_KINDS or (place.population or 0) >= _WELL_KNOWN_POPULATION) \
                    and word in {_without_article(name) for name in place.names}:
                found.add(word)
                break
    return found


def _without_article(name: str) -> str:
    return " ".join(w for w, _s, _e in tokenize(name.lower()) if not is_article(w))


@lru_cache(maxsize=1)
def _place_cues() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The toponym lexicon's location cues: one-word cues before, two-word cues before, cues after."""
    places = load_lexicon("toponyms")
    before = [" ".join(str(c).lower().split()) for c in places["cues_before"]]
    return (frozenset(c for c in before if " " not in c), frozenset(c for c in before if " " in c),
            frozenset(" ".join(str(c).lower().split()) for c in places["cues_after"]))


def _alias_spans(tokens: Tokens) -> list[tuple[int, int, Actor]]:
    """A group's short name written alone after the document named the group in full.

    Like a surname after a person's full name: "Harakat Hazm ... al-Nusra
    attacked Hazm" is the group, not the village.  The short name must be
    capitalised and stand alone (no capitalised word joined to it: "Rami Abdel
    Rahman" is a person), written as a name at least once away from a
    sentence's start, and a document that uses the word as a place anywhere
    ("in Hazm", "Hazm village") or in lower case keeps it a place throughout.
    """
    return tokens.derived("actor_aliases", _find_aliases)


def _find_aliases(tokens: Tokens) -> list[tuple[int, int, Actor]]:
    table = _alias_table()
    named = _actor_matches(tokens)
    first_named: dict[str, tuple[int, Actor]] = {}
    for a, b, _actor in named:
        found = table.get(" ".join(tokens.low[a:b]))
        # a name, not a description: the short name is written capitalised in the full name
        if found is not None and found[0] not in first_named and _capitalised_within(tokens, a, b, found[0]):
            first_named[found[0]] = (b, found[1])
    if not first_named:
        return []
    taken = {i for a, b, _actor in named for i in range(a, b)}
    taken.update(i for a, b in source_spans(tokens) for i in range(a, b))
    taken.update(a for a, _b, _actor in _case_sensitive_spans(tokens, taken))
    spans = []
    for word, (after, actor) in first_named.items():
        uses = [i for i, w in enumerate(tokens.low) if w == word and i not in taken]
        # the document writes the word as an ordinary word, or names a place by it
        if any(tokens.words[i][:1].islower() or _in_place_slot(tokens, i) for i in uses):
            continue
        alone = [i for i in uses if i >= after and _stands_alone(tokens, i)]
        if any(_plainly_a_name(tokens, i) for i in alone):
            spans.extend((i, i + 1, actor) for i in alone)
    return sorted(spans, key=lambda m: m[0])


def _plainly_a_name(tokens: Tokens, i: int) -> bool:
    """At a sentence's start a capital says nothing ("Local sources said", after "Local
    Defence Forces"): a short name counts there only once the document also writes it
    as a name elsewhere, mid-sentence or before its members ("Hazm fighters")."""
    return not _sentence_initial(tokens, i) or (i + 1 < len(tokens) and tokens.low[i + 1] in _member_nouns())


def _capitalised_within(tokens: Tokens, a: int, b: int, word: str) -> bool:
    return any(tokens.low[k] == word and tokens.words[k][:1].isupper() for k in range(a, b))


def _in_place_slot(tokens: Tokens, i: int) -> bool:
    """Is token ``i`` where a place is named: after a location cue or before a place word?"""
    one, two, after = _place_cues()
    low = tokens.low
    k = i - 1 if i >= 1 and is_article(tokens.words[i - 1]) else i  # "near al-Bab"
    return (k >= 1 and low[k - 1] in one) or (k >= 2 and f"{low[k - 2]} {low[k - 1]}" in two) \
        or (i + 1 < len(low) and low[i + 1] in after)


def _stands_alone(tokens: Tokens, i: int) -> bool:
    """Capitalised, with no capitalised word or Arabic article joined to it: not part of a
    longer name ("Rami Abdel Rahman", "al-Bab") or of a title-case headline."""
    words = tokens.words
    if not words[i][:1].isupper():
        return False
    def joined(j: int, k: int) -> bool:
        return tokens.text[tokens.ends[j]:tokens.starts[k]] in (" ", "-")
    if i > 0 and joined(i - 1, i) and (is_article(words[i - 1]) or (
            words[i - 1][:1].isupper() and tokens.low[i - 1] not in _ENGLISH_ARTICLES)):
        return False
    # nor a prefix of a compound ("Pro-regime media")
    return not (i + 1 < len(words) and joined(i, i + 1)
                and (words[i + 1][:1].isupper() or tokens.text[tokens.ends[i]:tokens.starts[i + 1]] == "-"))


_ENGLISH_ARTICLES = _GRAMMAR.words("articles")
_SENTENCE_BREAKS = frozenset('.!?\n"\u201c:')


def _sentence_initial(tokens: Tokens, i: int) -> bool:
    return i == 0 or not _SENTENCE_BREAKS.isdisjoint(tokens.text[tokens.ends[i - 1]:tokens.starts[i]])


def lexicon_words() -> frozenset[str]:
    """Every single word that is itself a trigger or actor pattern ("Attack", "Shelling", "Rebels")."""
    return _lexicon_words()


@lru_cache(maxsize=1)
def _lexicon_words() -> frozenset[str]:
    words = set()
    for item in load_lexicon("triggers")["triggers"]:
        words.update(p for p in item["patterns"] if " " not in p)
    for item in load_lexicon("actors")["actors"]:
        # a government named by its country or capital ("Russia", "Moscow") is still a place name
        if not item["name"].startswith("Government of"):
            words.update(p for p in item.get("patterns", []) if " " not in p)
    return frozenset(str(w) for w in words)


def find_actors(tokens: Tokens, masked: set[int] | None = None) -> list[ActorMention]:
    """Return the actor mentions of a document, in text order.

    Reporting sources, sides named only as holders of territory
    ("government-held") and prefixed forms ("pro-government media",
    "anti-IS group") are left out; a generic description right before a named
    group ("rebel group Jaish al-Islam") gives way to the group.  A name with
    its own abbreviation in brackets ("Syrian Democratic Forces (SDF)") is one
    mention, and so are a group's members named before it ("fighters of
    Jaish al-Islam", "militants of the Islamic State").  A group's short name
    used alone after its full name is the group ("Hazm" after "Harakat Hazm").
    """
    masked = masked or set()
    found = list(_actor_matches(tokens))
    taken = {i for a, b, _ in found for i in range(a, b)}
    found.extend(_case_sensitive_spans(tokens, taken))
    found.extend(_alias_spans(tokens))  # built outside every other name
    text = tokens.text
    mentions = []
    for a, b, actor in sorted(found, key=lambda m: m[0]):
        if not masked.isdisjoint(range(a, b)):
            continue
        end = tokens.ends[b - 1] + (text[tokens.ends[b - 1]:tokens.ends[b - 1] + 2] == ".-")  # "U.S.-made"
        if text[end:end + 1] == "-" and _HELD_RE.match(text, end):
            continue
        if _PRO_ANTI_RE.search(text, max(0, tokens.starts[a] - 6), tokens.starts[a]):
            continue
        mentions.append(ActorMention(a, b, actor))
    mentions = _fold_members(_fold_abbreviations(mentions, tokens), tokens.low)
    mentions = _coordinated_modifiers(mentions, tokens.low, masked)
    return _drop_generic_before_named(mentions, tokens.low)


def _coordinated_modifiers(mentions: list[ActorMention], low: list[str], masked: set[int]) -> list[ActorMention]:
    """A side's name with a coordinated modifier before it is one mention of the side named first:
    "Russian and regime warplanes" (Russia's), "Syrian or Russian jets" (Syria's).

    The modifier counts when, put in place of the name's first word, it makes
    a name of the lexicon ("russian warplanes"). Both sides did it; the one
    named first is coded (there is no field for a second doer), and the other
    is never taken for the target, as two mentions would be.
    """
    matcher = _actor_lexicon()[0]
    taken = {i for m in mentions for i in range(m.first, m.end)}
    widened = []
    for m in mentions:
        k = m.first - 2
        # (not opponents: "clashes between Kurdish and regime forces")
        if m.end - m.first >= 2 and k >= 0 and low[m.first - 1] in ("and", "or") and k not in taken \
                and k not in masked and (k == 0 or low[k - 1] != "between"):
            actor = matcher.get([low[k], *low[m.first + 1:m.end]])
            if actor is not None:
                m = ActorMention(k, m.end, actor)
        widened.append(m)
    return widened


_ABBREVIATION_OPEN_RE = re.compile(r"\s*\(\s*$")
_ABBREVIATION_CLOSE_RE = re.compile(r"\s*\)")


def _fold_abbreviations(mentions: list[ActorMention], tokens: Tokens) -> list[ActorMention]:
    """A side named and then abbreviated in brackets is one mention: "Syrian Democratic Forces (SDF)"."""
    text = tokens.text
    kept: list[ActorMention] = []
    for m in mentions:
        prev = kept[-1] if kept else None
        if prev is not None and prev.actor == m.actor and m.end - m.first == 1 \
                and _ABBREVIATION_OPEN_RE.match(text[tokens.ends[prev.end - 1]:tokens.starts[m.first]]) \
                and _ABBREVIATION_CLOSE_RE.match(text, tokens.ends[m.first]):
            kept[-1] = ActorMention(prev.first, m.end, prev.actor)
            continue
        kept.append(m)
    return kept


@lru_cache(maxsize=1)
def _member_nouns() -> frozenset[str]:
    """Nouns for a group's members ("fighters of Jaish al-Islam"), from the actor lexicon."""
    return frozenset(str(word) for word in load_lexicon("actors")["member_nouns"])

# Sides that are never a group's members ("children of ...", "protesters of ...").
_NOT_MEMBERS = frozenset((6, 7))


def _counted(low: list[str], noun: int) -> bool:
    """Members counted ("38 members of government forces") are the dead or the
    carried, not the doers: they stay a target."""
    if noun == 0:
        return False
    word = low[noun - 1]
    numbers = load_lexicon("numbers")
    return word.isdecimal() or word in numbers["units"] or word in numbers["multipliers"]


def _fold_members(mentions: list[ActorMention], low: list[str]) -> list[ActorMention]:
    """A group's members named before it are the group: "fighters of Jaish al-Islam",
    "militants from the Islamic State", "warplanes of the US-led coalition"."""
    kept: list[ActorMention] = []
    for m in mentions:
        k = m.first - 1
        if k >= 1 and low[k - 1:k + 1] == ["so", "called"]:  # "terrorists of the so-called Jaish al-Fatah"
            k -= 2
        if k >= 0 and low[k] == "the":
            k -= 1
        if m.actor.inter in _NOT_MEMBERS or k < 1 or low[k] not in ("of", "from"):
            kept.append(m)
            continue
        prev = kept[-1] if kept else None
        if prev is not None and prev.end == k and prev.actor.inter not in _NOT_MEMBERS \
                and (prev.actor.generic or prev.actor == m.actor) and not _counted(low, prev.first):
            kept[-1] = ActorMention(prev.first, m.end, m.actor)
        elif low[k - 1] in _member_nouns() and (prev is None or prev.end < k):
            # counted members ("23 members of the Nusra Front were killed") are the group too:
            # what happened to them (killed, a victim) is read from the verb after them
            kept.append(ActorMention(k - 1, m.end, m.actor))
        else:
            kept.append(m)
    return kept


def _drop_generic_before_named(mentions: list[ActorMention], low: list[str]) -> list[ActorMention]:
    """A generic description next to a named side gives way to it: "rebel group
    Jaish al-Islam", "government helicopters", "regime warplanes"."""
    kept = []
    for k, m in enumerate(mentions):
        nxt = mentions[k + 1] if k + 1 < len(mentions) else None
        prev = mentions[k - 1] if k > 0 else None
        if m.actor.generic and nxt is not None and not nxt.actor.generic and (
            nxt.first == m.end or (nxt.first - m.end == 1 and low[m.end] in ("of", "from"))
        ):
            continue
        if m.actor.generic and prev is not None and not prev.actor.generic and prev.end == m.first:
            continue
        kept.append(m)
    return kept


def find_triggers(tokens: Tokens) -> list[Trigger]:
    """Return every trigger of a document, in text order (phrases in ``not_events`` excluded)."""
    matcher, not_events, _irrealis = _trigger_lexicon()
    blocked = {i for a, b, _ in _phrases().find(tokens, not_events) for i in range(a, b)}
    return [Trigger(a, b, kind) for a, b, kind in _phrases().find(tokens, matcher) if blocked.isdisjoint(range(a, b))]


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
    if cues.first_before(lo, end) < trigger.first:
        return True
    if not trigger.type.violent and cues.first_non_violent_before(lo, end) < trigger.first:
        return True
    irrealis = _trigger_lexicon()[2]
    low = cues.low
    ahead = low[max(lo, trigger.first - 4):max(lo, trigger.first)]
    if any(w in irrealis["near"] for w in ahead + low[trigger.end:min(end, trigger.end + 5)]):
        return True
    if _ended(low, lo, trigger.first, irrealis["ending"]) or _halted(tokens, lo, end, trigger, irrealis["halting"]):
        return True
    if _supplied(low, lo, trigger, irrealis["supply"]):
        return True
    if trigger.type.sub_event_type == "territory" and (
            not irrealis["attempt"].isdisjoint(ahead[-3:])
            or ahead[-1:] == ["to"] and (len(ahead) < 2 or ahead[-2] not in irrealis["achieved"])):
        return True  # "attempting to seize", "in a bid to capture", "an offensive to retake": no ground changed hands
    if cues.tally_phrase(lo, end) or cues.habit_from(lo, end, trigger.first):
        # a tally, or what went on since ... (any trigger after its opening: "since the war began
        # with protests that were met with")
        return True
    reach = (max(lo, trigger.first - _RECENT_REACH), min(end, trigger.end + _RECENT_REACH))
    if trigger.type.violent and cues.recent_tally(*reach):
        return True
    return bool(trigger.type.needs) and _needs_end(tokens, lo, end, trigger.type.needs) > min(end, trigger.end + 12)


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


@lru_cache(maxsize=1)
def _cue_word_matcher() -> PhraseMatcher:
    """Single cue words -> (voids any later trigger, voids a later non-violent one); "may" for the month."""
    irrealis = _trigger_lexicon()[2]
    before, non_violent = irrealis["before"], irrealis["non_violent_before"]
    return PhraseMatcher({w: (w in before, w in non_violent) for w in before | non_violent | {"may"}})


@lru_cache(maxsize=1)
def _aggregate_matcher() -> PhraseMatcher:
    """Tally phrases -> True for those that void a whole clause, False for those near the trigger only."""
    irrealis = _trigger_lexicon()[2]
    return PhraseMatcher({**{phrase: False for phrase in irrealis["recent_tallies"]},
                          **{phrase: True for phrase in irrealis["aggregates"]}})


@dataclass(frozen=True)
class _CueIndex:
    """Where a document's irrealis cues are, so a clause's first cue is one bisection away.

    Attributes
    ----------
    low : list of str
        ``tokens.low`` with the month "May" blanked (it is not the modal "may").
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
    def of(cls, tokens: Tokens) -> "_CueIndex":
        low, words = tokens.low, tokens.words
        masked = low
        before_at: list[int] = []
        non_violent_at: list[int] = []
        for i, _end, (is_before, is_non_violent) in _phrases().occurrences(tokens, _cue_word_matcher()):
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
        for first, end, whole_clause in _phrases().occurrences(tokens, _aggregate_matcher()):
            if whole_clause:
                earliest[first] = min(end, earliest.get(first, end))
            else:
                recent.append(first)
        habits: dict[int, int] = {}
        for first, end in _habitual_spans(tokens, low):
            habits[first] = min(end, habits.get(first, end))
        starts, habit_starts = sorted(earliest), sorted(habits)
        return cls(masked, before_at, non_violent_at, starts, [earliest[k] for k in starts],
                   habit_starts, [habits[k] for k in habit_starts], sorted(recent))

    def first_before(self, lo: int, end: int) -> int:
        """The first "before" cue in tokens ``lo:end`` (``_NEVER`` if none)."""
        return _first_in(self.before, lo, end)

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

