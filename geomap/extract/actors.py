"""Event coding: triggers -> ACLED event/sub-event types, actors, negation and hypotheticals.

The vocabulary lives in ``lexicon/triggers.yaml`` and ``lexicon/actors.yaml``;
this module only applies it to a token stream.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import (
    Tokens,
    phrase_table,
    positions,
)
from geomap.extract.vocabulary import (
    EXTERNAL_FORCES,
    STATE_FORCES,
    Actor,
    actor_lexicon,
    actors_by_name,
    country_name_matcher,
    lexicon_words,
    member_nouns,
    nationality_lexicon,
    phrases,
    scoped_actors,
)
from geomap.gazetteer import Gazetteer
from geomap.names import is_article, tokenize
from geomap.schema import country_name_of

_GRAMMAR = load_lexicon("grammar")
_TRIGGERS = load_lexicon("triggers")
_ACTORS = load_lexicon("actors")


@dataclass(frozen=True)
class ActorMention:
    """An actor named in the text: token span ``first:end`` and the actor."""

    first: int
    end: int
    actor: Actor






# A side named as the holder of territory is a description of the target,
# not an actor: "government-held parts", "rebel-controlled areas".
_HELD_RE = re.compile(r"\s*-?\s*" + _TRIGGERS.alternation("holder_participles") + r"\b", re.I)
_PRO_ANTI_RE = re.compile(r"\b" + _TRIGGERS.alternation("side_prefixes") + r"\s*-\s*$", re.I)










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
    for a, b, _ in phrases().find(tokens, actor_lexicon()[2]):
        # actor matches do not overlap, so only the last one starting at or before ``a`` can hold the source
        k = bisect_right(starts, a) - 1
        if k >= 0 and actors[k][1] >= b and actors[k][1] - actors[k][0] > b - a:
            continue
        spans.append((a, b))
    return spans


def actor_name_spans(tokens: Tokens, gazetteer: Gazetteer) -> list[tuple[int, int, Actor]]:
    """Token spans of every actor name, including those used as descriptors ("ISIS-held"),
    and a named group's short name used alone after its full name ("Hazm" after "Harakat Hazm")."""
    return _actor_matches(tokens) + _case_sensitive_spans(tokens) + _alias_spans(tokens, gazetteer)


def _actor_matches(tokens: Tokens) -> list[tuple[int, int, Actor]]:
    """The actor lexicon's matches (one search per document: actors and place masking both read them)."""
    return tokens.derived("actor_matches", lambda t: phrases().find(t, actor_lexicon()[0]))


def _case_sensitive_spans(tokens: Tokens, taken: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, int, Actor]]:
    """Single-token actor names matched as written ("IS", not "is"), outside ``taken``."""
    _matcher, case_sensitive, _sources = actor_lexicon()
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
    words = actor_lexicon()[1]
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


def _alias_table(gazetteer: Gazetteer) -> dict[str, tuple[str, Actor]]:
    """The short names of named groups, made once per gazetteer (see :func:`_build_alias_table`)."""
    return gazetteer.memo("actor-aliases", lambda: _build_alias_table(gazetteer))


def _build_alias_table(gazetteer: Gazetteer) -> dict[str, tuple[str, Actor]]:
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
        actor = actors_by_name()[item["name"]]
        for key in phrase_table((p, True) for p in item.get("patterns", [])):
            for word in key.split():
                owners.setdefault(word, set()).add(actor.name)
            if not item.get("countries"):  # (a phrase of some countries only is no name of its own)
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
    well_known = _well_known_places({word for word, _actor in table.values()}, gazetteer)
    return {key: found for key, found in table.items() if found[0] not in well_known}


# A short name that is also a well-known place names the place: "Raqqa" after
# "Liwa Thuwar al-Raqqa" is the city.  Well known: a country, a province or
# district, or a city of this many people.
_WELL_KNOWN_KINDS = frozenset(("country", "admin1", "admin2"))
_WELL_KNOWN_POPULATION = 50_000


def _well_known_places(words: set[str], gazetteer: Gazetteer) -> set[str]:
    """The ``words`` that are, as written (an Arabic article aside), the name of a well-known place."""
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


def _alias_spans(tokens: Tokens, gazetteer: Gazetteer) -> list[tuple[int, int, Actor]]:
    """A group's short name written alone after the document named the group in full.

    Like a surname after a person's full name: "Harakat Hazm ... al-Nusra
    attacked Hazm" is the group, not the village.  The short name must be
    capitalised and stand alone (no capitalised word joined to it: "Rami Abdel
    Rahman" is a person), written as a name at least once away from a
    sentence's start, and a document that uses the word as a place anywhere
    ("in Hazm", "Hazm village") or in lower case keeps it a place throughout.
    """
    table = _alias_table(gazetteer)
    return tokens.derived("actor_aliases", lambda t: _find_aliases(t, table))


def _find_aliases(tokens: Tokens, table: dict[str, tuple[str, Actor]]) -> list[tuple[int, int, Actor]]:
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
    return not _sentence_initial(tokens, i) or (i + 1 < len(tokens) and tokens.low[i + 1] in member_nouns())


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






def find_actors(tokens: Tokens, gazetteer: Gazetteer, masked: set[int] | None = None,
                country: str | None = None) -> list[ActorMention]:
    """Return the actor mentions of a document, in text order.

    Reporting sources, sides named only as holders of territory
    ("government-held") and prefixed forms ("pro-government media",
    "anti-IS group") are left out; a generic description right before a named
    group ("rebel group Jaish al-Islam") gives way to the group.  A name with
    its own abbreviation in brackets ("Syrian Democratic Forces (SDF)") is one
    mention, and so are a group's members named before it ("fighters of
    Jaish al-Islam", "militants of the Islamic State").  A group's short name
    used alone after its full name is the group ("Hazm" after "Harakat Hazm").
    A side's own fighters named from it ("pro-Houthi forces", "LNA-aligned
    fighters") are that side.  A state's forces named by its nationality or
    country ("Nigerian troops", "military forces of Armenia") are that state's,
    not the forces of the country the text is about.

    ``country`` (ISO2), the report's, decides what a phrase names in some
    countries only ("the coalition" in Yemen, "settlers" in Palestine; see
    :func:`~geomap.extract.vocabulary.scoped_actors`); without it, such a
    phrase names what it names elsewhere, or nothing.
    """
    masked = masked or set()
    found = _in_country(_actor_matches(tokens), tokens, country)
    taken = {i for a, b, _ in found for i in range(a, b)}
    found.extend(_case_sensitive_spans(tokens, taken))
    taken.update(i for a, b, _ in found for i in range(a, b))
    # a nationality or a country names whose forces they are: they take over the words that,
    # alone, would be the forces of the text's country or unnamed forces ("Nigerian troops",
    # "Kenyan police", "Israeli helicopters")
    national = _national_forces(tokens, found)
    if national:
        covered = {i for a, b, _ in national for i in range(a, b)}
        found = [m for m in found if not (_unowned(m[2], tokens, m[0], m[1]) and not covered.isdisjoint(range(m[0], m[1])))]
        found.extend(national)
    found.extend(_alias_spans(tokens, gazetteer))  # built outside every other name
    text = tokens.text
    low = tokens.low
    mentions = []
    for a, b, actor in sorted(found, key=lambda m: m[0]):
        if not masked.isdisjoint(range(a, b)):
            continue
        end = tokens.ends[b - 1] + (text[tokens.ends[b - 1]:tokens.ends[b - 1] + 2] == ".-")  # "U.S.-made"
        own = _own_fighters(tokens, a, b, actor)
        if own is not None:
            mentions.append(ActorMention(a, own, actor))
            continue
        if text[end:end + 1] == "-" and _HELD_RE.match(text, end):
            continue
        if _PRO_ANTI_RE.search(text, max(0, tokens.starts[a] - 6), tokens.starts[a]):
            continue
        mentions.append(ActorMention(a, b, actor))
    mentions = _absorb_covered(mentions)
    mentions = _fold_members(_fold_abbreviations(mentions, tokens), low)
    mentions = _coordinated_modifiers(mentions, low, masked)
    return _drop_generic_before_named(mentions, low)


def _in_country(found: list[tuple[int, int, Actor]], tokens: Tokens,
                country: str | None) -> list[tuple[int, int, Actor]]:
    """The lexicon's matches with the sides their phrases name in reports on ``country``."""
    scoped = scoped_actors()
    if not scoped:
        return list(found)
    kept = []
    for a, b, actor in found:
        side: Actor | None = actor
        # a phrase of other countries only gives way to the longest phrase within it that names a side
        # here ("coalition air strikes" in Iraq are the US-led coalition's)
        while side is not None and (side.countries or " ".join(tokens.low[a:b]) in scoped):
            elsewhere, by_country = scoped.get(" ".join(tokens.low[a:b]), (None, {}))
            side = by_country.get(country or "") or elsewhere
            if side is None:
                b = next((k for k in range(b - 1, a, -1) if actor_lexicon()[0].get(tokens.low[a:k]) is not None), a)
                side = actor_lexicon()[0].get(tokens.low[a:b]) if b > a else None
            else:
                break
        if side is not None:
            kept.append((a, b, side))
    return kept


def names_scoped_sides(tokens: Tokens, country: str | None) -> bool:
    """Does the text use a phrase that names another side in reports on ``country`` (ISO2) than it
    names elsewhere (see :func:`find_actors`)? Only then must its actors be read again for it."""
    if not country:
        return False
    scoped = scoped_actors()
    return any(country in scoped.get(" ".join(tokens.low[a:b]), (None, {}))[1] for a, b, _ in _actor_matches(tokens))


# "pro-Houthi forces", "GNA-aligned fighters": a side's own fighters named from it (actors.yaml)
_OWN_SIDE_PREFIXES = _ACTORS.words("own_side_prefixes")
_OWN_SIDE_PARTICIPLES = _ACTORS.words("own_side_participles")


def _own_fighters(tokens: Tokens, a: int, b: int, actor: Actor) -> int | None:
    """The end of "pro-X forces" or "X-aligned fighters" when the words name X's own fighters, else None.

    Only for a named side (not a description, not a government as a party to
    talks) and only before a noun for its members: "pro-Houthi forces" are the
    Houthis' forces, "GNA-affiliated fighters" the GNA's; "pro-government
    media" and "Turkish-backed rebels" stay what they were.
    """
    if actor.generic or actor.local or actor.government_body:
        return None
    low, text = tokens.low, tokens.text
    k = b
    if a >= 1 and low[a - 1] in _OWN_SIDE_PREFIXES and text[tokens.ends[a - 1]:tokens.starts[a]].strip() == "-":
        if b - a > 1 and low[b - 1] in member_nouns():
            return b  # the side's name holds the noun already ("pro-Houthi forces", "Houthi forces" a name)
    elif k < len(low) and low[k] in _OWN_SIDE_PARTICIPLES and text[tokens.ends[k - 1]:tokens.starts[k]].strip() == "-":
        k += 1
    else:
        return None
    if k < len(low) and low[k] in member_nouns():
        return k + 1
    if k + 1 < len(low) and f"{low[k]} {low[k + 1]}" in member_nouns():
        return k + 2
    return None


def _absorb_covered(mentions: list[ActorMention]) -> list[ActorMention]:
    """A mention inside a longer one made from it ("forces" in "pro-Houthi forces") is part of it."""
    kept: list[ActorMention] = []
    for m in mentions:
        if kept and m.first < kept[-1].end:
            if m.end <= kept[-1].end:
                continue
            if m.end - m.first > kept[-1].end - kept[-1].first:
                kept[-1] = m
            continue
        kept.append(m)
    return kept


def sides_country_of(mentions: list[ActorMention], placed: str | None, named: str | None = None) -> str | None:
    """The country (ISO2) whose sides a report names.

    ``placed``, when its places show it plainly (a country, a province); else the one most of its
    named sides fight in (``country`` in actors.yaml: the Houthis' Yemen, a state's forces' own
    state, unless they are mostly reported abroad); else ``named``, the country of places matched
    by name only (a town's name may be another country's); None when nothing tells.
    """
    if placed:
        return placed
    # (not a state's forces mostly reported abroad: "Israeli forces" say nothing of where they are)
    votes = Counter(m.actor.country for m in mentions if m.actor.country and m.actor.inter != EXTERNAL_FORCES)
    top = votes.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return named
    return top[0][0]


def _unowned(actor: Actor, tokens: Tokens, a: int, b: int) -> bool:
    """Forces named (as tokens ``a:b``) with no state of their own: the text's country's ("the army") or no
    one's aircraft ("warplanes"; not drones or missiles, which a nationality may say only were made there)."""
    return actor.local and actor.government \
        or actor.role == "unidentified_military" and " ".join(tokens.low[a:b]) in _CREWED_AIRCRAFT


_CREWED_AIRCRAFT = frozenset(load_lexicon("demonyms").phrases("crewed_aircraft"))


def _national_forces(tokens: Tokens, found: list[tuple[int, int, Actor]]) -> list[tuple[int, int, Actor]]:
    """A state's forces or police named by its nationality ("Ukrainian forces", "Kenyan police")
    or its country ("military forces of India", "the Pakistan Army").

    Only where no lexicon actor (of ``found``) that names its side is found already: "the Syrian
    army" and "Russian warplanes" have entries of their own.
    """
    nouns, nationalities, countries = tokens.derived("national_forces", _nationality_words)
    if not nouns:
        return []

    def taken(a: int, b: int) -> bool:
        """Do tokens ``a:b`` hold a word of a lexicon actor that names its side?"""
        return any(fa < b and a < fb and not _unowned(actor, tokens, fa, fb) for fa, fb, actor in found)

    spans = []
    low = tokens.low
    # "military forces of India and Pakistan": the forces of the country named after them
    for a, (b, kind) in nouns.items():
        if b < len(low) and low[b] == "of" and not taken(a, b):
            after = [(c, d, code) for c, d, code in countries if c == b + 1]
            if after and (name := country_name_of(after[0][2])) is not None:
                spans.append((a, after[0][1], _forces(kind, name, after[0][2])))
    # "Nigerian troops", and a country's name used as one ("the Pakistan Army", "Nigeria Police")
    for a, b, code in [*nationalities, *countries]:
        noun = nouns.get(b)
        if noun is None or (name := country_name_of(code)) is None or taken(a, noun[0]) \
                or tokens.text[tokens.ends[b - 1]:tokens.starts[b]].strip(" -"):
            continue  # (not across a comma: "in northern Syria, warplanes struck")
        spans.append((a, noun[0], _forces(noun[1], name, code)))
    return spans


def _nationality_words(tokens: Tokens) -> tuple[dict[int, tuple[int, str]], list, list]:
    """A document's force nouns by where they start, its nationality words and its country names (found once:
    a report whose sides depend on its country reads its actors twice); none of the last two without the first."""
    demonyms, forces = nationality_lexicon()
    nouns = {a: (b, kind) for a, b, kind in phrases().find(tokens, forces)}
    if not nouns:
        return nouns, [], []
    return nouns, phrases().find(tokens, demonyms), _country_names(tokens)


def _forces(kind: str, country: str, code: str) -> Actor:
    """A state's military or police forces, under ACLED's own name where the lexicon has one ("... of the United States")."""
    known = actors_by_name()
    return (known.get(f"{kind} Forces of the {country}") or known.get(f"{kind} Forces of {country}")
            or Actor(f"{kind} Forces of {country}", STATE_FORCES, government=True, country=code))


def _country_names(tokens: Tokens) -> list[tuple[int, int, str]]:
    """Where the text names a country, as ``(first, end, ISO2)`` (the names of geomap.schema's country table)."""
    return phrases().find(tokens, country_name_matcher())


def _coordinated_modifiers(mentions: list[ActorMention], low: list[str], masked: set[int]) -> list[ActorMention]:
    """A side's name with a coordinated modifier before it is one mention of the side named first:
    "Russian and regime warplanes" (Russia's), "Syrian or Russian jets" (Syria's).

    The modifier counts when, put in place of the name's first word, it makes
    a name of the lexicon ("russian warplanes"). Both sides did it; the one
    named first is coded (there is no field for a second doer), and the other
    is never taken for the target, as two mentions would be.
    """
    matcher = actor_lexicon()[0]
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
                and (prev.actor.generic or prev.actor.same_side(m.actor)) and not _counted(low, prev.first):
            kept[-1] = ActorMention(prev.first, m.end, m.actor)
        elif low[k - 1] in member_nouns() and (prev is None or prev.end < k):
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













































