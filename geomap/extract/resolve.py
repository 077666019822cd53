"""Places in context: each toponym mention resolved against the gazetteer with the document's country, the places
named near it and what the text says of it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz

from geomap.extract.find import (
    MIN_SIMILARITY,
    Mention,
    is_capitalised,
    lost_apostrophe,
    normalised,
    toponym_lexicon,
)
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import Tokens
from geomap.extract.vocabulary import nationality_lexicon, phrases
from geomap.gazetteer import Place
from geomap.gazetteer.model import Resolution, ResolveContext
from geomap.gazetteer.spatial import NEARBY_WEIGHT, distance
from geomap.gazetteer.store import Gazetteer

#: Country focus of a document whose names do not settle one (ISO2).
DEFAULT_COUNTRY = "SY"




def resolve_mentions(found: list[Mention], gazetteer: Gazetteer, tokens: Tokens) -> tuple[list[Mention], str | None]:
    """Resolve every mention with the whole document as context; return the resolved mentions and the focus country.

    The same two steps as :meth:`Gazetteer.resolve_many`: each distinct
    :attr:`Mention.question` alone with the document's country focus, then again
    with the places of the *other* names as nearby context.  The focus is the
    country the names fit best (see :func:`_focus_country`); Syria
    (:data:`DEFAULT_COUNTRY`) only when nothing says otherwise.

    Resolutions that depend only on the name, cue and country are memoised
    per gazetteer, which is what makes corpora fast; a name with a single
    candidate skips the nearby step (context cannot change its answer).
    """
    queries: dict[tuple[str, str | None, str | None, str | None, float | None, str | None, str | None], int] = {}
    mentions = _share_links([m.evolve(query=_query_name(m, tokens, gazetteer)) for m in found])
    for mention in mentions:
        queries.setdefault(mention.question, len(queries))
    if not queries:
        return mentions, None
    resolver = gazetteer.resolver
    items = list(queries)
    # a name resolved on its own serves only the country vote: none for names that cannot vote
    voters = {queries[m.question] for m in mentions if _votes(m)}
    alone = {i: resolver.resolve_memoised(items[i][0], ResolveContext(cue=items[i][1])) for i in sorted(voters)}
    country = _focus_country(mentions, queries, alone, gazetteer, tokens)
    first = [resolver.resolve_memoised(name, ResolveContext(country=country, cue=cue, city=city, anchor=anchor,
                                                             anchor_km=km, within=within, holds=holds))
             for name, cue, city, anchor, km, within, holds in items]
    keys = [normalised(item[0]) for item in items]
    context = _NearbyContext([queries[m.question] for m in mentions], first, keys)
    final = []
    for i, (name, cue, city, anchor, km, within, holds) in enumerate(items):
        if _settled(first[i]):
            final.append(first[i])
            continue
        nearby = resolver.within_reach(context.around(i), first[i])
        if not nearby:
            final.append(first[i])  # no place near enough to change a score: the same question as `first`
            continue
        final.append(resolver.resolve_memoised(name, ResolveContext(country=country, nearby=nearby, cue=cue, city=city,
                                                                     anchor=anchor, anchor_km=km, within=within,
                                                                     holds=holds)))
    low = tokens.low
    resolved = []
    for mention in mentions:
        resolution = final[queries[mention.question]]
        if country and mention.last < len(low) and low[mention.last] in toponym_lexicon()["street_heads"]:
            resolution = _road_at_home(resolution, country)
        # "in Ankara's offensive": the government's, whatever preposition comes before it (a
        # possessive that lost its apostrophe is known once resolved: its query drops the "s")
        rulers_own = mention.names_government and _possessive(tokens.text, mention)
        resolved.append(mention.evolve(resolution=resolution, rulers_own=rulers_own))
    return resolved, country


def _possessive(text: str, mention: Mention) -> bool:
    """Is the mention a possessive ("Ankara's", or "Ankaras" in copy that lost its apostrophes)?"""
    return mention.query != mention.text or text[mention.end:mention.end + 2] in ("'s", "\u2019s")


def _road_at_home(res: Resolution, country: str) -> Resolution:
    """A road named after a place ("the Castello road") lies in the document's country:
    a namesake abroad (Castelló de la Plana) is refused, listed with its candidates."""
    if res.place is None or res.place.country == country:
        return res
    return replace(res, place=None, score=0.0, reason=f"a road named {res.query!r} lies in {country}, "
                                                      f"not abroad: refused {res.place.name} ({res.place.country})")


def _share_links(mentions: list[Mention]) -> list[Mention]:
    """Give every mention of a name the enclosing city, anchor or apposed holder the text gives it once.

    One place per name in a document: "battles around al-Maleh north of
    Aleppo" says which al-Maleh a later bare "al-Maleh" is. The first link
    of a name wins.
    """
    links: dict[str, tuple[str | None, str | None, float | None, str | None]] = {}
    for mention in mentions:
        if _placed_by_another(mention):
            links.setdefault(normalised(mention.query), (mention.city, mention.anchor, mention.anchor_km, mention.within))
    if not links:
        return mentions
    shared = []
    for mention in mentions:
        link = None if _placed_by_another(mention) else links.get(normalised(mention.query))
        shared.append(mention if link is None else mention.evolve(city=link[0], anchor=link[1], anchor_km=link[2],
                                                               within=link[3]))
    return shared


def _placed_by_another(mention: Mention) -> bool:
    """Does the text put the mention in or near another place?  (What a place holds is said of
    one mention only: "Aleppo" holding a neighbourhood once is not the governorate everywhere.)"""
    return not (mention.city is None and mention.anchor is None and mention.within is None)


def _query_name(mention: Mention, tokens: Tokens, gazetteer: Gazetteer) -> str:
    """The name to look up: "Syrias" is "Syria", as the stream search read it.

    Also when the gazetteer knows the written form only through the spelling
    folds ("Syrias" folds like Sari, Iran) and a name follows it ("Syrias
    Idlib province"): a possessive that lost its apostrophe, if the form
    without "s" is spelled like the name of a country, province or city.
    """
    text = mention.text
    if len(text) <= 3 or not text.endswith("s") or text.endswith("ss"):
        return text
    if lost_apostrophe(text, normalised, gazetteer.keys()):
        return text[:-1]
    following = mention.last < len(tokens.words) and is_capitalised(tokens.words[mention.last]) \
        and tokens.text[tokens.ends[mention.last - 1]:tokens.starts[mention.last]] == " "
    if not following:
        return text
    written = tuple(c.place for c in gazetteer.candidates(text, fuzzy=False))
    if not written or _alike(text, written):
        return text
    bare = tuple(c.place for c in gazetteer.candidates(text[:-1], fuzzy=False) if c.place.kind in _POSSESSOR_KINDS)
    return text[:-1] if bare and _alike(text[:-1], bare) else text


# What a possessive that lost its apostrophe names: "Syrias Idlib", "Aleppos Sukkari".
_POSSESSOR_KINDS = frozenset({"country", "admin1", "city"})


# Nearby context of one name: the places named closest to it in the text and
# the document's most named places, at most this many of each.  Bounded, so a
# list of thousands of names resolves in linear time; a report rarely names
# more distinct places than this, so for most reports this is every place.
_NEARBY_CLOSEST = 20


_NEARBY_FREQUENT = 10


# How far (in mentions, each side) to look for the closest places.
_NEARBY_SCAN = 100


class _NearbyContext:
    """The nearby places that context-resolve each query of a document.

    Parameters
    ----------
    order : list of int
        The query index of each mention, in text order.
    first : list of Resolution
        Each query's resolution without nearby context.
    keys : list of str
        Each query's normalised name: a name is never its own context.
    """

    def __init__(self, order: list[int], first: list[Resolution], keys: list[str]) -> None:
        self._order, self._first, self._keys = order, first, keys
        self._position: dict[int, int] = {}
        for k, q in enumerate(order):
            self._position.setdefault(q, k)
        counts: dict[str, int] = {}
        for q in order:
            place = first[q].place
            if place is not None:
                counts[place.place_id] = counts.get(place.place_id, 0) + 1
        # per position in the text: (place, name key), or None where unresolved
        self._spots = [(first[q].place, keys[q]) if first[q].place is not None else None for q in order]
        by_id = {first[q].place.place_id: (first[q].place, keys[q]) for q in order if first[q].place is not None}
        ranked = sorted(counts, key=lambda pid: -counts[pid])
        # a few spare entries: the query's own name is skipped
        self._frequent = [by_id[pid] for pid in ranked[:_NEARBY_FREQUENT + 5]]

    def around(self, query: int) -> tuple[Place, ...]:
        """Deduplicated nearby places for ``query`` (never places of its own name)."""
        own = self._keys[query]
        found: dict[str, Place] = {}
        centre = self._position.get(query, 0)
        spots, n = self._spots, len(self._spots)
        for step in range(1, min(_NEARBY_SCAN, max(centre, n - 1 - centre)) + 1):
            for k in (centre - step, centre + step):
                spot = spots[k] if 0 <= k < n else None
                if spot is not None and spot[1] != own:
                    found.setdefault(spot[0].place_id, spot[0])
                    if len(found) >= _NEARBY_CLOSEST:
                        break
            if len(found) >= _NEARBY_CLOSEST:
                break
        added = 0
        for place, key in self._frequent:
            if added == _NEARBY_FREQUENT:
                break
            if key != own:
                found.setdefault(place.place_id, place)
                added += 1
        return tuple(found.values())


# The most nearby context can add to a candidate's score: a lead larger than this cannot be overturned by context.
_MAX_NEARBY_BONUS = NEARBY_WEIGHT


def _settled(resolution: Resolution) -> bool:
    """True if nearby places cannot change this resolution's answer."""
    ranked = resolution.candidates
    if len(ranked) <= 1:
        return True
    return resolution.place is not None and ranked[0][0] - ranked[1][0] > _MAX_NEARBY_BONUS


def _votes(mention: Mention) -> bool:
    """Can this mention vote for the document's country (see :func:`_focus_country`)?"""
    return not (mention.names_actor or mention.based or mention.dateline)


def _focus_country(mentions: list[Mention], queries: dict, alone: dict[int, Resolution], gazetteer: Gazetteer,
                   tokens: Tokens) -> str | None:
    """The country the document is about, decided by the evidence its names give.

    One vote per mention for every country where a place is spelled as the
    mention (case, diacritics and articles aside): the country that fits the
    most names wins ("Bello, Antioquia" fits Colombia twice; Syria, which has a
    village Bello, once). A tie is broken, in turn, by the nationality words of
    the text ("the Tunisian union in Beja", ``demonyms.yaml``) and by the country most of the
    tied names resolve to on their own. When nothing decides, the focus is
    Syria (:data:`DEFAULT_COUNTRY`, the war this tool reads about) if it is
    among the tied, else the tied country of its region nearest to it
    (Lebanon's Tripoli before Libya's), else none. A text whose names fit no
    country is Syria's.

    Countries and capitals that stand for a government ("the U.S. said",
    "Washington and Moscow") do not vote: a report on Syria quoting
    Washington ten times is still about Syria (and its Damascus is not
    Damascus, Maryland).  Nor does a name that reaches its places only
    through the spelling folds: "Marea" shares a key with Maroua in
    Cameroon, but is written like none of its names; nor where a source is
    based ("the Britain-based Observatory").  ``alone`` holds the
    resolution of each voting query with no context but its cue.
    """
    fits: Counter[str] = Counter()
    votes = []
    voting = []
    for mention in mentions:
        if not _votes(mention):
            continue
        res = alone[queries[mention.question]]
        voting.append((mention, res))
        fits.update(_countries_spelled_as(mention.query, res, gazetteer))
        if res.place is not None and _alike(mention.query, (res.place,)):
            votes.append(res)
    if not fits:
        # no name is spelled as any place: Syria, whose names the spelling folds are made for (the
        # nationality words of such a text are mostly its foreign sides': "with Russian air support"),
        # unless every name read through the folds on its own is a town of one other country and
        # none may be Syria's ("Virudhunagar" is India's Virudunagar; "Marea" stays Syria's)
        # or the text's nationality words name the country of one such town ("Israeli forces raided
        # Qalqiliyah": the West Bank's Qalqilya, not a Syrian village of that name)
        folded = _folded_countries(voting)
        if len(folded) == 1 and sum(folded.values()) >= _FOLDED_VOTES:
            return next(iter(folded))
        named = [c for c in _demonym_countries(tokens, mentions) if c != DEFAULT_COUNTRY and folded[c]]
        return named[0] if len(named) == 1 else DEFAULT_COUNTRY
    most = max(fits.values())
    tied = {country for country, n in fits.items() if n == most}
    if len(tied) > 1:
        named = {country for country in _demonym_countries(tokens, mentions) if country in tied}
        tied = named or tied
    if len(tied) > 1:
        decided = gazetteer.infer_country(res for res in votes if res.place.country in tied)
        # undecided: Syria or its region ("in Tripoli": Lebanon's before Libya's); between countries
        # elsewhere ("Colon (Colon)": Panama, Cuba, Argentina ...), no focus
        return decided or _nearest_home(tied, gazetteer)
    return next(iter(tied))


def _folded_countries(voting: list[tuple[Mention, Resolution]]) -> Counter[str]:
    """For each country, how many names read through the spelling folds alone are a town of it
    (and written much like it); Syria for each name that may be Syria's."""
    folded: Counter[str] = Counter()
    for mention, res in voting:
        if res.place is not None and not res.fuzzy and res.place.kind in _TOWN_KINDS \
                and _similarity(mention.query, (res.place,)) >= _FOLDED_LIKENESS:
            folded[res.place.country] += 1
        if any(cand.place.country == DEFAULT_COUNTRY for _score, cand in res.candidates):
            folded[DEFAULT_COUNTRY] += 1  # a name that may be Syria's keeps the text Syria's
    return folded


# Places a name read through the spelling folds may stand for when it decides a text's country
_TOWN_KINDS = frozenset(("city", "town"))
# How many such names must agree on one country, and how alike to the town's name each must be
# written ("Virudhunagar" and Virudunagar, not "Shada" and Jeddah, which the folds also join)
_FOLDED_VOTES = 1
_FOLDED_LIKENESS = 0.85


# A country this close to Syria (capital to capital) lies in the region a tie is read in.
_HOME_REGION_KM = 500.0


def _nearest_home(countries: set[str], gazetteer: Gazetteer) -> str | None:
    """Syria if among ``countries``, else the one nearest it within :data:`_HOME_REGION_KM`, else None."""
    if DEFAULT_COUNTRY in countries:
        return DEFAULT_COUNTRY
    home = gazetteer.find(DEFAULT_COUNTRY)
    if home is None:
        return None
    gaps = {c: distance(home, place) for c in countries if (place := gazetteer.find(c)) is not None}
    near = [c for c in sorted(gaps) if gaps[c] <= _HOME_REGION_KM]
    return min(near, key=gaps.__getitem__) if near else None


def placed_country(mentions: list[Mention]) -> str:
    """The country of a document without a focus: where most of its located places lie.

    A focus is undecided when the names fit several countries alike; once
    resolved together ("Colon (Colon)": the city of Colón inside Colón
    province, Panama), the places say it. Syria when none is located.
    """
    counts = Counter(m.place.country for m in mentions if m.place is not None and m.place.country)
    return counts.most_common(1)[0][0] if counts else DEFAULT_COUNTRY


def _countries_spelled_as(name: str, res: Resolution, gazetteer: Gazetteer) -> frozenset[str]:
    """The countries holding a candidate of ``res`` spelled as ``name`` (memoised per gazetteer)."""
    memo = gazetteer.memo("countries-spelled-as", dict)
    found = memo.get(name)
    if found is None:
        if len(memo) > _SPELLED_MEMO_LIMIT:
            memo.clear()
        spelled_as = gazetteer.resolver.spelled_as
        found = memo[name] = frozenset(cand.place.country for _score, cand in res.candidates
                                       if not cand.fuzzy and cand.place.country and spelled_as(name, cand.place))
    return found


_SPELLED_MEMO_LIMIT = 100_000


def _demonym_countries(tokens: Tokens, mentions: list[Mention]) -> set[str]:
    """The countries the text names by a nationality word ("Tunisian", "South African": demonyms.yaml).

    Not a government named as a side ("the U.S. said"), nor a foreign backer ("Saudi-led",
    "Iranian-backed": ``backer_words`` in toponyms.yaml): neither says where the text is.
    """
    demonyms, _forces = nationality_lexicon()
    sides = {k for m in mentions if not _votes(m) for k in range(m.first, m.last)}
    low = tokens.low
    return {code for a, b, code in phrases().find(tokens, demonyms)
            if sides.isdisjoint(range(a, b)) and (b >= len(low) or low[b] not in _BACKER_WORDS)}


_BACKER_WORDS = load_lexicon("toponyms").words("backer_words")


# A single word resolved to a place outside the document's country must be
# spelled almost like it: "Trust" is not Trieste, "Topic" not Tepic.
_MIN_FOREIGN_SIMILARITY = 0.85


def drop_junk(mentions: list[Mention], tokens: Tokens, country: str | None = None) -> list[Mention]:
    """Remove bare single-word matches whose spelling is far from every candidate's name."""
    kept = []
    for mention in mentions:
        res = mention.resolution
        if mention.in_gazetteer and mention.last - mention.first == 1 and res is not None:
            best = _best_similarity(mention.query, res)
            if mention.cue is None:
                if best < MIN_SIMILARITY and not (mention.prep and res.place is not None and best >= 0.6):
                    if not _linked(mention, res):
                        continue
                    # "Sarrin in Aleppo province", "Atherya near Hama": the text says it is a place,
                    # but not this one
                    if res.place is not None:
                        mention = mention.evolve(resolution=replace(res, place=None, score=0.0, reason=(
                            f"{mention.query!r} is spelled unlike its best match, {res.place.label()}; not guessing")))
                if mention.sentence_initial and mention.prep is None and (best < 0.999 or res.place is None):
                    continue
            if res.place is not None and country and res.place.country != country and best < _MIN_FOREIGN_SIMILARITY:
                continue
        if _foreign_lookalike(mention, res, country):
            continue
        if country is None and res is not None and res.place is not None and mention.in_gazetteer \
                and not _alike(mention.query, (res.place,)):
            # no focus: every place is abroad, where the spelling folds (tuned on Arabic names)
            # join unrelated words ("Mukayras" and Mucuri); a name must be written as its place is
            if mention.prep is None and mention.cue is None:
                continue
            mention = mention.evolve(resolution=replace(res, place=None, score=0.0, reason=(
                f"{mention.query!r} is spelled unlike its best match, {res.place.label()}, and the document's "
                f"country is undecided; not guessing")))
        kept.append(mention)
    return kept


def _linked(mention: Mention, res: Resolution) -> bool:
    """The text puts the name in or near another place ("Sarrin in Aleppo"), so it names a place.

    Without a preposition before it ("by Erika Solomon in Beirut"), only if
    some candidate is spelled like it.
    """
    if (mention.city is None and mention.anchor is None) or mention.sentence_initial:
        return False
    if mention.prep is not None:
        return True
    return _similarity(mention.query, tuple(c.place for _s, c in res.candidates[:10])) >= MIN_SIMILARITY


def _foreign_lookalike(mention: Mention, res: Resolution | None, country: str | None) -> bool:
    """A bare name the gazetteer refused whose every candidate lies abroad and is
    spelled otherwise ("Trust" ~ Trieste, "Skype" ~ Skopje): nothing in the text
    says it is a place, and no place is written like it, so it is not a mention."""
    if not mention.in_gazetteer or res is None or res.place is not None or mention.cue or mention.prep \
            or not country or not res.candidates:
        return False  # names found by their form ("Kafr X", "X Road") are listed whatever they resemble
    if any(c.place.country == country for _score, c in res.candidates):
        return False
    return not _alike(mention.query, tuple(c.place for _s, c in res.candidates[:10]))


@lru_cache(maxsize=50_000)
def _light(text: str) -> str:
    """``text`` lower-cased with only its letters and digits (what ``str.isalnum`` keeps)."""
    return _NOT_ALNUM_RE.sub("", text.lower())


_NOT_ALNUM_RE = re.compile(r"[\W_]+")  # \w is isalnum's letters and digits, and "_"


def _best_similarity(text: str, res: Resolution) -> float:
    places = (res.place,) if res.place is not None else tuple(c.place for _s, c in res.candidates[:10])
    return _similarity(text, places)


def _similarity(text: str, places: tuple[Place, ...]) -> float:
    """The best likeness of ``text`` to a name of one of ``places`` (1.0: spelled alike, articles aside)."""
    best = 0.0
    for place in places:
        best = max(best, _place_memo(_SIMILARITY, text, place, _similarity_to))
        if best >= 0.999:
            break
    return best


_T = TypeVar("_T")


def _place_memo(memo: dict[tuple[str, int], _T], text: str, place: Place,
                compute: Callable[[str, tuple[str, ...]], _T]) -> _T:
    """``compute(text, place.names)``, kept in ``memo`` (:data:`_SIMILARITY` or :data:`_ALIKE`)
    under the place's identity.

    Not keyed by the place's fields: hashing its names costs more than comparing them, and an
    id of the gazetteer may name another place in another gazetteer.  The places are held in
    :data:`_HELD` while entries name them, so no other object can take their ``id``; when one
    memo is full, both are cleared with the places they held.
    """
    key = (text, id(place))
    found = memo.get(key)
    if found is None:
        if len(memo) > _SIMILARITY_LIMIT:
            _SIMILARITY.clear()
            _ALIKE.clear()
            _HELD.clear()
        _HELD[key[1]] = place
        found = memo[key] = compute(text, place.names)
    return found


_SIMILARITY: dict[tuple[str, int], float] = {}
_ALIKE: dict[tuple[str, int], bool] = {}
_HELD: dict[int, Place] = {}  # the places the two memos are keyed by
_SIMILARITY_LIMIT = 200_000


def _similarity_to(text: str, names: tuple[str, ...]) -> float:
    query = _light(text)
    lights = [_without_article(_light(name), query) for name in names]
    if query in lights:
        return 1.0
    return max((fuzz.ratio(query, light) / 100.0 for light in lights), default=0.0)


def _alike(text: str, places: tuple[Place, ...]) -> bool:
    """Is ``text`` spelled as a name of one of ``places`` (case, punctuation and an article aside)?

    What ``_similarity(text, places) >= 0.999`` says, without the fuzzy comparison.
    """
    return any(_place_memo(_ALIKE, text, place, _spelled_as) for place in places)


def _spelled_as(text: str, names: tuple[str, ...]) -> bool:
    query = _light(text)
    # a name without its article can equal the query only if it ends with it
    return any(light == query or (light.endswith(query) and _without_article(light, query) == query)
               for light in map(_light, names))


_ARTICLES = ("al", "el", "ar", "as", "ad", "ash", "at", "az", "an")
_ARTICLE_INITIALS = frozenset(a[0] for a in _ARTICLES)


def _without_article(light: str, query: str) -> str:
    """A name's spelling without an Arabic article the query does not have ("alraqqa" for "raqqa")."""
    if light[:1] not in _ARTICLE_INITIALS:
        return light
    for strip in _ARTICLES:
        if light.startswith(strip) and len(light) > len(strip) + 3 and not query.startswith(strip):
            return light[len(strip):]
    return light
