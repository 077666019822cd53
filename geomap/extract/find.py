"""Toponym mentions: every gazetteer name in a text, resolved with the whole document as context.

Finding
    Gazetteer keys are matched with one Aho-Corasick automaton over the
    document's token keys (:func:`geomap.names.token_keys`), so matches fall on
    word boundaries, every spelling variant the name folds collapse is found,
    and the longest match wins ("Eastern Ghouta" is one mention, not
    "Ghouta").  Offsets map back to the original text.

Filtering
    A Latin-script mention must be capitalised; an ordinary English word that
    is also a village somewhere ("Hope", "Said") needs a location cue before
    it ("the village of Hope"); a capitalised word after a first name or a
    title is a person ("John Kerry"), and so is the same surname later on; a
    word before "TV", "Agency" ... is part of an organisation's name; names
    inside reporting sources and actors ("Jaish al-Islam") are not places.
    Nationality adjectives ("Syrian") never are.  The vocabulary is in
    ``lexicon/toponyms.yaml``.

Unknown places
    A capitalised name after a location cue ("in X", "the village of X",
    "X province") that the gazetteer lacks becomes an ``unlocated`` row:
    listed, never dropped, never guessed.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, count
from operator import add, itemgetter
from typing import Any

import ahocorasick

from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import Tokens, phrase_table, positions
from geomap.extract.vocabulary import lexicon_words
from geomap.gazetteer import Gazetteer, Resolution
from geomap.gazetteer.model import CUE_WORDS
from geomap.names import fold_token, is_article, normalise

_GRAMMAR = load_lexicon("grammar")
_TOPONYMS = load_lexicon("toponyms")



# Spelling closeness (0-1) a bare, uncued single word needs to its gazetteer
# name: the folds are lossy ("Kerry" and "Qarra" share a key), and a loose
# match on an unremarkable capitalised word is more often a person or an
# ordinary word than a place.
MIN_SIMILARITY = 0.75
_DIRECTIONS = _TOPONYMS.words("directions")
_SKIP_BACK = _TOPONYMS.words("skip_back")
_PREPOSITIONS = _GRAMMAR.words("prepositions")
_NEAR_WORDS = _TOPONYMS.words("near_words")
_SPEECH_VERBS = _TOPONYMS.words("speech_verbs")
_NEAR_OF = _TOPONYMS.words("near_of")



@dataclass
class Mention:
    """One toponym mention.

    Attributes
    ----------
    start, end : int
        Character span in the text.
    first, last : int
        Token span (``last`` exclusive).
    text : str
        The words as written.
    cue : str or None
        What the text calls it ("city", "province", "neighbourhood" ...).
    prep : str or None
        The preposition that introduces it ("in", "near", "east of").
    dateline : bool
        A wire dateline ("BEIRUT (AP) --"): where the report was filed, not
        where anything happened.
    city : str or None
        The enclosing city the text names ("the X neighbourhood of Aleppo").
    anchor : str or None
        A place the text locates it from ("X, 20 km west of Aleppo", "X near
        Aleppo"): see :class:`geomap.gazetteer.ResolveContext`.
    within : str or None
        A place the text sets beside it as the one holding it ("X, Y", "X
        (Z, Y)", "X in Y"): evidence for a candidate inside it, never a
        reason to refuse one (lists are written alike: "in X, Y and Z").
    holds : str or None
        The name the text sets before it as held by it (the converse of
        ``within``): an area of that name holding such a place, or holding an
        unknown one, is meant before a town of that name.
    anchor_km : float or None
        The distance from the anchor the text gives, in km.
    in_gazetteer : bool
        Found by a gazetteer key (else a capitalised name after a cue).
    resolution : Resolution or None
        The gazetteer's answer.
    """

    start: int
    end: int
    first: int
    last: int
    text: str
    cue: str | None = None
    prep: str | None = None
    city: str | None = None
    in_gazetteer: bool = True
    based: bool = False
    sentence_initial: bool = False
    names_actor: bool = False
    # inside a name the actor lexicon gives a government ("Russia", "Washington"): the government, maybe
    names_government: bool = False
    # a government named by its capital or country in a possessive ("Ankara's offensive"):
    # what it owns or does, not where anything is
    rulers_own: bool = False
    dateline: bool = False
    resolution: Resolution | None = field(default=None, repr=False)
    query: str = ""  # the name looked up: ``text`` without a lost-apostrophe possessive "s"
    anchor: str | None = None
    anchor_km: float | None = None
    within: str | None = None
    holds: str | None = None

    def __post_init__(self) -> None:
        self.query = self.query or self.text

    @property
    def question(self) -> tuple[str, str | None, str | None, str | None, float | None, str | None, str | None]:
        """What resolving it asks: mentions asking the same are resolved once per document."""
        return self.query, self.cue, self.city, self.anchor, self.anchor_km, self.within, self.holds

    @property
    def place(self) -> Any:
        return self.resolution.place if self.resolution is not None else None

    def evolve(self, **changes: Any) -> Mention:
        """A new mention with ``changes``: what :func:`dataclasses.replace` makes, at a fraction of its cost
        (resolution makes one per mention of a corpus)."""
        new = object.__new__(Mention)
        new.__dict__.update(self.__dict__, **changes)
        return new

    @property
    def status(self) -> str:
        return self.resolution.status if self.resolution is not None else "unlocated"

    @property
    def near(self) -> bool:
        """True if the text puts the event near, not at, the place ("east of X", "near X")."""
        return self.prep is not None and (self.prep.split()[0] in _NEAR_WORDS or self.prep.split()[0] in _DIRECTIONS)


@lru_cache(maxsize=1)
def toponym_lexicon() -> dict[str, Any]:
    lex = load_lexicon("toponyms")
    cues_before = phrase_table((c, True) for c in lex["cues_before"])
    return {
        "common": frozenset(w.lower() for w in (*lex["common_words"], *lex["peoples"])),
        "titles": frozenset(w.lower() for w in lex["titles"]),
        "first_names": frozenset(w.lower() for w in lex["first_names"]),
        "cues_before": frozenset(cues_before),
        "cue_ends": frozenset(phrase.split()[-1] for phrase in cues_before),
        "cues_after": frozenset(lex["cues_after"]),
        "org_heads": frozenset(lex["organisation_heads"]),
        "street_heads": frozenset(lex["street_heads"]),
        "landform_heads": frozenset(lex["landform_heads"]),
        "particles": frozenset(lex["name_particles"]),
        "qualifiers": frozenset(lex["name_qualifiers"]),
        "site_words": frozenset(w for phrase in lex["site_heads"] for w in str(phrase).lower().split()),
        "city_parts": frozenset(" ".join(str(p).lower().split()) for p in lex["generic_city_parts"]),
        "demonym_endings": tuple(lex["demonym_endings"]),
        "place_heads": frozenset(str(w).lower() for w in lex.get("place_heads", [])),
    }


def _automaton(gazetteer: Gazetteer) -> Any:
    """One automaton over the gazetteer's keys, made once per gazetteer object.

    A bundled gazetteer's automaton is kept in its cache (a quarter second to
    build, a twentieth to load), so a new process or worker starts faster.
    """
    return gazetteer.memo(_AUTOMATON_NAME, lambda: gazetteer.derived(_AUTOMATON_NAME, lambda: _build_automaton(gazetteer)))


# Changes with what _build_automaton stores and with the library that pickles it.
_AUTOMATON_NAME = f"toponym-automaton-v1-pyahocorasick{importlib.metadata.version('pyahocorasick')}"


def _build_automaton(gazetteer: Gazetteer) -> Any:
    automaton = ahocorasick.Automaton()
    for key in gazetteer.keys():
        if key:
            automaton.add_word(f" {key} ", (len(key) + 2, key.count(" ") + 1))
    automaton.make_automaton()
    return automaton


_FIRST_LETTER = itemgetter(slice(0, 1))
_STREAM_KEY_LIMIT = 500_000


def _stream_key(word: str, known: Any) -> str:
    """The search key of one word: "" for an article, a blocker for a lower-case word."""
    if is_article(word):
        return ""
    # a lower-case Latin word is never part of a mention (but may end a region's name, see
    # _raw_matches, or join its words: "Juiz de Fora"): keep it out of the search
    if "a" <= word[0] <= "z" and word not in toponym_lexicon()["landform_heads"] \
            and word not in toponym_lexicon()["particles"]:
        return "\x00"
    if known is not None and lost_apostrophe(word, fold_token, known):
        return fold_token(word[:-1])
    return fold_token(word)


def lost_apostrophe(name: str, key_of: Callable[[str], str], known: Container[str]) -> bool:
    """A possessive that lost its apostrophe ("Syrias", "Aleppos"): unknown as
    written, known without its final "s"."""
    return name.endswith("s") and not name.endswith("ss") and key_of(name) not in known and key_of(name[:-1]) in known


def _key_stream(tokens: Tokens, gazetteer: Gazetteer | None = None) -> tuple[str, dict[int, int], list[int]]:
    """The document's token keys joined by spaces, with a map back to token indices."""
    known = gazetteer.keys() if gazetteer is not None else None
    cache: dict[str, str] = {}
    if gazetteer is not None:
        cache = gazetteer.memo("toponym-stream-keys", dict)
        if len(cache) > _STREAM_KEY_LIMIT:
            cache.clear()
    words = tokens.words
    keys = list(map(cache.get, words))
    if None in keys:
        for i in [i for i, key in enumerate(keys) if key is None]:
            keys[i] = cache[words[i]] = _stream_key(words[i], known)
    # articles have an empty key and are left out (iterators, not a Python loop per token)
    token_of = positions(keys)
    parts = list(filter(None, keys))
    # part k starts after the leading space, k separating spaces and the k parts before it
    offsets = dict(zip(map(add, accumulate(map(len, parts), initial=0), count(1)), range(len(parts))))
    return " " + " ".join(parts) + " ", offsets, token_of


def _raw_matches(tokens: Tokens, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """Longest non-overlapping gazetteer matches as token spans ``(first, last)``."""
    joined, offsets, token_of = _key_stream(tokens, gazetteer)
    words, low = tokens.words, tokens.low
    found = []
    for end, (key_len, n_keys) in _automaton(gazetteer).iter(joined):
        k = offsets.get(end - key_len + 2)
        if k is None:
            continue
        # a place name is capitalised at both ends (Latin script): "in Deir" is not "Ain Dar"
        before = token_of[k + n_keys - 2] if n_keys > 1 else None
        if not (is_capitalised(words[token_of[k]]) and _ends_a_name(tokens, token_of[k + n_keys - 1], before)):
            continue
        if low[token_of[k]] in _FUNCTION_WORDS and (
                _in_title_case(tokens, token_of[k]) or (n_keys > 1 and _sentence_initial(tokens, token_of[k]))):
            # the same in a headline, "Positions In Tell Rifaat" (In ~ Ayn, "spring"), or opening a
            # sentence: "In Tal Tamr there have been fierce clashes"
            continue
        if n_keys > 1 and _broken_by_punctuation(tokens, token_of[k], token_of[k + n_keys - 1]):
            continue  # "Baku (Baku, Azerbaijan)" is no place "Baku Baku"
        found.append((k, k + n_keys))
    found.sort(key=lambda m: (m[0] - m[1], m[0]))
    used: set[int] = set()
    spans = []
    for a, b in found:
        if not used.isdisjoint(range(a, b)):
            continue
        used.update(range(a, b))
        spans.append((token_of[a], token_of[b - 1] + 1))
    spans.sort()
    return spans


_NAME_BREAKS = frozenset("(),;:!?\"[]/\n")


def _broken_by_punctuation(tokens: Tokens, first: int, last: int) -> bool:
    """Does punctuation that no name holds ("(", ",", ";" ...) stand between tokens ``first`` and ``last``?"""
    return not _NAME_BREAKS.isdisjoint(tokens.text[tokens.ends[first]:tokens.starts[last]])


def _ends_a_name(tokens: Tokens, last: int, before: int | None) -> bool:
    """Whether token ``last`` may end a place name whose word before it is token ``before``.

    It must be capitalised, unless it is the generic landform word that ends
    a region's name in news style ("the Euphrates valley", "the Ghab plain")
    after a capitalised word ("The valley" opening a sentence is no name).
    """
    words = tokens.words
    if is_capitalised(words[last]):
        return True
    lex = toponym_lexicon()
    if before is None or words[last] not in lex["landform_heads"] or not is_capitalised(words[before]):
        return False
    return not (_sentence_initial(tokens, before) and tokens.low[before] in lex["common"])


def is_capitalised(word: str) -> bool:
    first = word[:1]
    if not first.isalpha():
        return first.isdigit()
    if not first.isascii() and not ("\u00c0" <= first <= "\u024f"):
        return True  # Arabic and other caseless scripts
    return first.isupper()


def _prep_and_cue(tokens: Tokens, first: int, last: int) -> tuple[str | None, str | None]:
    """The preposition introducing a mention and the cue naming its kind."""
    low = tokens.low
    cue = None
    after = low[last] if last < len(low) else ""
    if after in CUE_WORDS:
        cue = CUE_WORDS[after]
    prep = None
    i = first - 1
    steps = 0
    while i >= 0 and steps < 5:
        word = low[i]
        if word == "of" and i > 0 and low[i - 1] in _DIRECTIONS:
            prep = f"{low[i - 1]} of"
            break
        if word == "of" and i > 0 and low[i - 1] in _NEAR_OF:
            prep = f"{low[i - 1]} of"  # "the countryside of Idlib": near the city, not the governorate
            break
        if word == "of" and i > 0 and low[i - 1] in CUE_WORDS and cue is None:
            cue = CUE_WORDS[low[i - 1]]
        if word in _PREPOSITIONS:
            prep = word
            break
        if first - i > _LIST_REACH:
            break  # a list runs on so far only in a chain with no sentence end: its preposition is too far
        if word in _COORDINATORS and i > 0 and is_capitalised(tokens.words[i - 1]):
            # "in Abu Kamal and Mayadin", "in Aleppo, Idlib and Hama": the preposition of the list
            i = _list_start(tokens, i - 1) - 1
            continue
        if i == first - 1 and is_capitalised(tokens.words[i]) and tokens.text[tokens.ends[i]:tokens.starts[first]].strip() == ",":
            i = _list_start(tokens, i) - 1  # "near Saraqeb, Binnish"
            continue
        if word not in _SKIP_BACK and not is_article(tokens.words[i]):
            break
        if any(c in tokens.text[tokens.ends[i]:tokens.starts[i + 1]] for c in ",.;:\"()"):
            break
        i -= 1
        steps += 1
    if after in _NEAR_OF:
        return after, None  # "the Idlib countryside", "Aleppo's outskirts": near the place
    return prep, cue


_COORDINATORS = frozenset(("and", "or"))


def _list_start(tokens: Tokens, i: int) -> int:
    """The first token of the list of capitalised names that ends at token ``i`` ("Aleppo, Idlib").

    At most :data:`_LIST_REACH` tokens back, so a list of thousands of names stays linear.
    """
    words, text = tokens.words, tokens.text
    stop = max(0, i - _LIST_REACH)
    while i > stop:
        gap = text[tokens.ends[i - 1]:tokens.starts[i]]
        if gap in (" ", "-") and (is_capitalised(words[i - 1]) or is_article(words[i - 1])):
            i -= 1
        elif gap.strip() == "," and is_capitalised(words[i - 1]):
            i -= 1
        else:
            break
    return i


_LIST_REACH = 24


def _strong_cue(tokens: Tokens, first: int, last: int) -> bool:
    """A cue that makes even an ordinary word a place ("village of Hope", "Hope village")."""
    low = tokens.low
    if last < len(low) and low[last] in CUE_WORDS and tokens.words[last][:1].isupper():
        return True
    return first >= 2 and low[first - 1] == "of" and low[first - 2] in CUE_WORDS


class _PersonTracker:
    """Surnames seen after a first name or title are persons for the rest of the document."""

    def __init__(self) -> None:
        self.surnames: set[str] = set()

    def is_person(self, tokens: Tokens, first: int, last: int) -> bool:
        lex = toponym_lexicon()
        words, low = tokens.words, tokens.low
        if low[first] in self.surnames:
            return True
        prev = first - 1
        if prev >= 0 and (low[prev] in lex["titles"] or (low[prev] in lex["first_names"] and words[prev][:1].isupper())) \
                and tokens.text[tokens.ends[prev]:tokens.starts[first]].strip() in ("", "."):
            self.surnames.update(low[first:last])
            return True
        # a title, a given name the lexicon lacks, then the surname: "Prime Minister Edi Rama"
        if prev >= 1 and low[prev - 1] in lex["titles"] and words[prev][:1].isupper() and not words[prev].isupper() \
                and tokens.text[tokens.ends[prev - 1]:tokens.starts[first]] == f" {words[prev]} ":
            self.surnames.update(low[first:last])
            return True
        # a known first name followed by a capitalised surname: "Said Hassan"
        if last - first == 1 and low[first] in lex["first_names"] and last < len(words) and words[last][:1].isupper() \
                and not is_article(words[last]) and tokens.text[tokens.ends[first]:tokens.starts[last]] == " ":
            return True
        return False


def _ordinary_word(tokens: Tokens, i: int, written: Container[str]) -> bool:
    """A capitalised single word that is an ordinary word: in the stoplist, a lexicon
    word ("Attack", "Rebels"), or written in lower case elsewhere in the same text
    (``written``: every word of the text as written)."""
    low = tokens.low[i]
    forms = (low, low[:-1]) if low.endswith("s") else (low,)  # possessives that lost their apostrophe: "Assads"
    ordinary = _ordinary_words()
    # a lower-case form is in the text in lower case exactly when it is one of its words
    return any(w in ordinary or (w[:1].islower() and w in written) for w in forms)


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """The stoplist and every single-word trigger or actor pattern."""
    return toponym_lexicon()["common"] | lexicon_words()


def _attached_article(tokens: Tokens, i: int) -> bool:
    """An Arabic article belonging to the next word: "al-Muhafaza", "Al Bab" (not English "An", "As")."""
    if not is_article(tokens.words[i]):
        return False
    gap = tokens.text[tokens.ends[i]:tokens.starts[i + 1]]
    return gap == "-" or (gap == " " and tokens.low[i] in ("al", "el"))


def _sentence_initial(tokens: Tokens, i: int) -> bool:
    if i == 0:
        return True
    gap = tokens.text[tokens.ends[i - 1]:tokens.starts[i]]
    return any(c in gap for c in ".!?\n\"\u201c") or gap.strip() in (":",)


def _demonym(word: str) -> bool:
    low = word.lower()
    return low.endswith(toponym_lexicon()["demonym_endings"]) and low in toponym_lexicon()["common"]


def find_mentions(tokens: Tokens, gazetteer: Gazetteer, masked: set[int] | None = None,
                  governments: frozenset[int] = frozenset()) -> list[Mention]:
    """Find the toponym mentions of a document (not yet resolved).

    Parameters
    ----------
    tokens : Tokens
        The document's tokens.
    gazetteer : Gazetteer
        Whose keys are searched.
    masked : set of int, optional
        Token indices inside actor names and reporting sources.

    Returns
    -------
    list of Mention
        In text order; gazetteer matches and capitalised names after cues.
    """
    masked = masked or set()
    lex = toponym_lexicon()
    persons = _PersonTracker()
    text, words, low = tokens.text, tokens.words, tokens.low
    mentions: list[Mention] = []
    covered: set[int] = set()
    sentence_start: set[int] = set()
    text_words = set(words)
    longer_name_until = 0
    raw = _raw_matches(tokens, gazetteer)
    matched = {k for a, b in raw for k in range(a, b)}
    n = len(words)
    for first, last in raw:
        if first < longer_name_until:
            continue  # inside a longer unknown name ("Tell Zizounat"): see _opens_longer_name
        # the capitalised run the match opens (most are followed by a lower-case word: the match alone)
        run_end = max(last, _name_run_end(tokens, first, set(), set())) \
            if last < n and (words[last][:1].isupper() or words[last] in lex["particles"] or is_article(words[last])) else last
        if _opens_longer_name(tokens, first, last, run_end):
            longer_name_until = _name_run_end(tokens, first, set(), masked)
            continue
        # keep a separate article before the name inside the mention ("al-Muhafaza")
        start_tok = first - 1 if first > 0 and _attached_article(tokens, first - 1) else first
        if _qualifies_name_before(tokens, first, last, start_tok) \
                or _inside_longer_cued_name(tokens, start_tok, last, run_end, matched, text_words):
            continue  # "Zizounat al-Gharbiya": left uncovered, the whole name is listed by _cued_unknowns
        if not masked.isdisjoint(range(first, last)):
            covered.update(range(first, last))
            continue
        if _names_street(tokens, last) or (last - first == 1 and _names_street(tokens, first)) \
                or (run_end > last and _names_street(tokens, run_end - 1)):
            continue  # left uncovered: the whole street name is listed by _cued_unknowns
        if " ".join(low[first:last]) in lex["city_parts"]:
            covered.update(range(first, last))
            continue
        # (_raw_matches only returns names that may start and end there, which are not articles)
        covered.update(range(start_tok, last))
        if persons.is_person(tokens, first, last):
            continue
        strong = _strong_cue(tokens, first, last)
        if last - first == 1 and not strong and _ordinary_word(tokens, first, text_words):
            continue
        if _demonym(words[first]) and last - first == 1:
            continue
        if last - first == 1 and not strong and _sentence_initial(tokens, start_tok):
            # capitalisation says nothing here: only an exact spelling of a larger place counts
            sentence_start.add(len(mentions))
        if last < len(low) and low[last] in lex["org_heads"] and words[last][:1].isupper():
            continue
        prep, cue = _prep_and_cue(tokens, first, last)
        if last - first == 1 and prep is None and cue is None and last < len(low) and low[last] in _SPEECH_VERBS:
            continue  # "Damascus said": a government speaking, not a place
        # "the Britain-based Observatory", "the Observatory based in Britain"
        based = text[tokens.ends[last - 1]:tokens.ends[last - 1] + 6].lower() in ("-based", " based") \
            or low[max(0, start_tok - 2):start_tok] in (["based", "in"], ["headquartered", "in"])
        written = text[tokens.starts[start_tok]:tokens.ends[last - 1]]
        mentions.append(Mention(tokens.starts[start_tok], tokens.ends[last - 1], start_tok, last, written,
                                cue, prep, None, True, based, sentence_initial=len(mentions) in sentence_start,
                                dateline=_is_dateline(written, text, tokens.starts[start_tok], tokens.ends[last - 1])))
    mentions.extend(_cued_unknowns(tokens, covered, masked, persons))
    mentions.sort(key=lambda m: m.start)
    _link_cities(tokens, mentions)
    for mention in mentions:
        _mark_rulers(mention, tokens, governments)
    return mentions


_RULERS = _TOPONYMS.words("rulers_after")
_ARMED = _TOPONYMS.words("armed_after")


def _mark_rulers(mention: Mention, tokens: Tokens, governments: frozenset[int]) -> None:
    """Mark a mention that names a government ("Russia" as an actor, "the Damascus government")."""
    low = tokens.low
    government = not governments.isdisjoint(range(mention.first, mention.last))
    mention.names_government = government
    mention.names_actor = government or (
        mention.last < len(low) and low[mention.last] in _RULERS
        and not tokens.text[tokens.ends[mention.last - 1]:tokens.starts[mention.last]].strip()
        and (mention.last + 1 == len(low) or low[mention.last + 1] not in _ARMED))


def _inside_longer_cued_name(tokens: Tokens, first: int, last: int, end: int, matched: set[int],
                             written: set[str]) -> bool:
    """Is the match part of a longer name that a kind word follows ("Jardim Glaucia neighborhood")?

    The capitalised run around the match, up to the kind word, is the name;
    when it holds a word no gazetteer name matched, the match is only a part
    of it (the town of Jardim is not the Jardim Glaucia neighbourhood).
    ``end`` is where the capitalised run from the match ends.
    """
    words, low = tokens.words, tokens.low
    if end >= len(words) or low[end] not in CUE_WORDS:
        return False
    start = first
    while start > 0 and words[start - 1][:1].isupper() and tokens.text[tokens.ends[start - 1]:tokens.starts[start]] == " " \
            and not _sentence_initial(tokens, start - 1) and not _ordinary_word(tokens, start - 1, written):
        start -= 1
    return any(k not in matched and not is_article(words[k]) and low[k] not in _SKIP_BACK
               and not _ordinary_word(tokens, k, written) for k in (*range(start, first), *range(last, end)))


def _qualifies_name_before(tokens: Tokens, first: int, last: int, start_tok: int) -> bool:
    """Is the one-word match a qualifier of the capitalised name right before it ("Zizounat al-Gharbiya")?"""
    if last - first != 1 or tokens.low[first] not in toponym_lexicon()["qualifiers"] or start_tok == 0:
        return False
    prev = start_tok - 1
    return tokens.words[prev][:1].isupper() and tokens.text[tokens.ends[prev]:tokens.starts[start_tok]] == " "


def _name_run_end(tokens: Tokens, i: int, covered: set[int], masked: set[int]) -> int:
    """End of the run of capitalised words (and articles inside it) starting at token ``i``."""
    text, words = tokens.text, tokens.words
    n = len(words)
    particles = toponym_lexicon()["particles"]
    j = i
    while j < n and j not in covered and j not in masked and (words[j][:1].isupper() or (
            (is_article(words[j]) or (j > i and words[j] in particles)) and j + 1 < n and words[j + 1][:1].isupper())) \
            and (j == i or text[tokens.ends[j - 1]:tokens.starts[j]] in (" ", "-")):
        j += 1
    return j


def _opens_longer_name(tokens: Tokens, first: int, last: int, run_end: int) -> bool:
    """True if a match is only generic name heads ("Kafr", "Tell") that more capitalised
    words extend into a longer name: "Kafr Zizounat" is not the village "Kafr"; or if a
    name particle and a capitalised word continue it ("Santa Maria de Ostula"). ``run_end`` is
    where the capitalised run from the match ends."""
    lex = toponym_lexicon()
    heads = lex["place_heads"]
    if run_end > last and not lex["particles"].isdisjoint(tokens.words[last:run_end]):
        return True  # "Santa Maria de Ostula" is not "Santa Maria", "San Andres de Tuxtla" not "San"
    if tokens.low[first] not in heads and not is_article(tokens.words[first]):
        return False  # the usual case, decided by the first word
    significant = [k for k in range(first, last) if not is_article(tokens.words[k])]
    if not significant or not all(tokens.low[k] in heads for k in significant):
        return False
    return run_end > last


# What follows a dateline's city: an optional country and date, then the agency in
# brackets or a dash or colon ("DAMASCUS, Syria (AP) --", "MOSCOW (Sputnik)", "BEIRUT:",
# "MOSCOW October 1 (RIA Novosti)", "ALEPPO, Syria, May 3 (Reuters)").
_DATELINE_TAIL = re.compile(
    r"(?:,?[ \t]*[A-Z][a-z]+\.?(?:[ \t]+\d{1,2}(?:,?[ \t]+\d{4})?)?){0,2},?[ \t]*(?:\(|--|\u2014|\u2013|:|-[ \t])"
)
_BARE_DATELINE_TAIL = re.compile(r"[ \t]+[A-Z][a-z]")


def _is_dateline(written: str, text: str, start: int, end: int) -> bool:
    """True for a place written in capitals and followed by a wire dateline's tail.

    Copy that lost its punctuation has the bare form: the capitals open the
    text or follow a date or a sentence's end, and a sentence starts after them
    ("Last updated Oct 08 2017 MOSCOW Some 120 fighters ...").
    """
    letters = 0
    for ch in written:
        if ch.isalpha():
            if not ch.isupper():
                return False  # usually the second character: "Aleppo"
            letters += 1
    if letters < 3:
        return False
    if _DATELINE_TAIL.match(text, end) is not None:
        return True
    before = text[max(0, start - 40):start].split()
    return _BARE_DATELINE_TAIL.match(text, end) is not None and (not before or not before[-1][-1].isalpha())


def _names_street(tokens: Tokens, i: int) -> bool:
    """True if token ``i`` is a capitalised street word ending a name ("Castello Road")."""
    return i < len(tokens.words) and tokens.low[i] in toponym_lexicon()["street_heads"] and tokens.words[i][:1].isupper()


def _self_cued(tokens: Tokens, sig: list[int]) -> bool:
    """A run opened by a generic place head ("Kafr X", "Tell X") names a place by its form."""
    lex = toponym_lexicon()
    head = tokens.low[sig[0]]
    return len(sig) >= 2 and head in lex["place_heads"] and head not in lex["first_names"]


def _cued_unknowns(tokens: Tokens, covered: set[int], masked: set[int], persons: _PersonTracker) -> list[Mention]:
    """Capitalised names after a location cue that no gazetteer key matched."""
    lex = toponym_lexicon()
    text, words, low = tokens.text, tokens.words, tokens.low
    out = []
    n = len(words)
    i = 0
    # only a capitalised word can open a name: the others are skipped without a Python step each
    for start in positions(map(str.isupper, map(_FIRST_LETTER, words))):
        if start < i or start in covered or start in masked or not words[start][:1].isalpha():
            continue
        i = start
        j = _name_run_end(tokens, i, covered, masked)
        sig = [k for k in range(i, j) if not is_article(words[k])]
        # a kind word after one sentence-initial word says nothing ("Earlier state television said")
        cued_after = j < n and low[j] in lex["cues_after"] and low[j] in CUE_WORDS \
            and not (j - i == 1 and _sentence_initial(tokens, i))
        cued = _cue_before(tokens, i) or cued_after \
            or (bool(sig) and _self_cued(tokens, sig)) or (j - i >= 2 and _names_street(tokens, j - 1))
        # at most four words, not counting particles ("Santa Cruz de la Sierra")
        short = j - i - len(lex["particles"].intersection(words[i:j])) <= 4
        if cued and sig and short and not _junk_name(tokens, i, j, sig) and not persons.is_person(tokens, i, j) \
                and not (_in_title_case(tokens, i) and not _self_cued(tokens, sig)):
            if not (j < n and low[j] in lex["org_heads"]):
                prep, cue = _prep_and_cue(tokens, i, j)
                out.append(Mention(tokens.starts[i], tokens.ends[j - 1], i, j, text[tokens.starts[i]:tokens.ends[j - 1]],
                                   cue, prep, None, False))
        i = max(j, i + 1)
    return out


# A sentence with at least this many words of four letters or more, nearly all
# capitalised, is a headline in title case: there, capitalisation tells nothing.
_TITLE_WORDS = 4
_TITLE_SHARE = 0.8


_FUNCTION_WORDS = _GRAMMAR.words("function_words")
_LONG_WORD_RE = re.compile(r"\b[^\W\d_]{4,}")


def _in_title_case(tokens: Tokens, i: int) -> bool:
    """True if token ``i`` lies in a sentence written in title case ("Troops Liberate Another
    Village"), where capitals tell nothing.  A sentence here is a run of characters without
    ".", "!", "?" or a line break; each is judged once per document, when first asked about."""
    text, at = tokens.text, tokens.starts[i]
    if text[at] in _SENTENCE_STOPS:
        return False
    start = max(text.rfind(stop, 0, at) for stop in _SENTENCE_STOPS) + 1
    judged: dict[int, bool] = tokens.derived("title_case", lambda _t: {})
    found = judged.get(start)
    if found is None:
        ends = [e for stop in _SENTENCE_STOPS if (e := text.find(stop, at)) >= 0]
        found = judged[start] = _title_case(text[start:min(ends, default=len(text))])
    return found


_SENTENCE_STOPS = ".!?\n"


def _title_case(sentence: str) -> bool:
    long_words = _LONG_WORD_RE.findall(sentence)[1:]  # the first is capitalised anyway
    return len(long_words) >= _TITLE_WORDS and sum(w[0].isupper() for w in long_words) >= _TITLE_SHARE * len(long_words)


def _cue_before(tokens: Tokens, i: int) -> bool:
    lex = toponym_lexicon()
    low = tokens.low
    if i == 0 or (low[i - 1] not in lex["cue_ends"] and low[i - 1] != "the"):
        return False  # most words: no cue phrase ends right before them
    for n in (3, 2, 1):
        if i - n >= 0 and " ".join(low[i - n:i]) in lex["cues_before"]:
            gap = tokens.text[tokens.ends[i - 1]:tokens.starts[i]]
            return gap.strip() in ("", "the") or gap == " "
    # "in the village of X" / "in the X": allow one "the"
    if i >= 2 and low[i - 1] == "the" and " ".join(low[i - 2:i - 1]) in lex["cues_before"]:
        return low[i - 2] not in ("in", "at", "from", "to", "into", "on", "over", "through")
    return False


def _junk_name(tokens: Tokens, i: int, j: int, sig: list[int]) -> bool:
    """True if a capitalised run after a cue is not plausibly a place name."""
    lex = toponym_lexicon()
    first = tokens.low[sig[0]]
    opens_name = len(sig) >= 2 and first in lex["place_heads"]  # "Umm Zizounat", "Arab Zizounat"
    if not opens_name and (first in lex["common"] or first in lex["titles"] or first in lex["first_names"]
                           or (first.endswith("s") and first[:-1] in lex["common"])):  # "Wednesdays"
        return True
    if len(sig) == 1 and len(tokens.words[sig[0]]) == 1:
        return True  # an initial ("N. Syria")
    if any(ch.isdigit() for k in sig for ch in tokens.words[k]):
        return True
    word = tokens.words[sig[0]]
    if word.isupper() and len(word) > 1:
        return True  # acronyms: organisations more often than places
    return any(tokens.low[k].endswith(lex["demonym_endings"]) and tokens.low[k] in lex["common"] for k in sig)


def site_words() -> frozenset[str]:
    """Words for a site named after a place ("airport", "farms", "oilfield"): ``site_heads`` in toponyms.yaml."""
    return toponym_lexicon()["site_words"]


def _link_cities(tokens: Tokens, mentions: list[Mention]) -> None:
    """Link a mention to the place named right after it that holds it or locates it.

    "the X neighbourhood of Aleppo", "X in Aleppo", "X Farms in Aleppo" give
    X the enclosing city; "X, 20 km west of Aleppo" and "X near Aleppo" its
    anchor (see :class:`Mention`).
    """
    low = tokens.low
    sites = toponym_lexicon()["site_words"]
    for k, mention in enumerate(mentions[:-1]):
        nxt = mentions[k + 1]
        if k + 2 < len(mentions) and sites.issuperset(low[nxt.first:nxt.last]):
            nxt = mentions[k + 2]  # "Mallah Farms in Aleppo", the gazetteer knowing some "Farms"
        between = low[mention.last:nxt.first]
        gap = tokens.text[tokens.ends[mention.last - 1]:tokens.starts[nxt.first]]
        if not _SENTENCE_ENDS.isdisjoint(gap):
            continue  # "... the district of Sevre. The district of Sevre in ...": no link across sentences
        holder, apposed = _apposed_holder(tokens, mentions, k, gap, between)
        if holder is not None:
            mention.within = _holder(holder)
            if apposed:
                holder.holds = mention.query
        area = not _AREA_WORDS.isdisjoint(between)  # "the Soba area of Khartoum": a part of the city
        if len(between) <= 3 and between and between[-1] in ("of", "in") and (
            mention.cue in ("neighbourhood", "district") or any(w in CUE_WORDS for w in between) or area
        ):
            mention.city = nxt.text
            if mention.cue is None and not area:
                mention.cue = "neighbourhood"
        elif between and between[-1] == "in" and len(between) <= 3 and sites.issuperset(between[:-1]) and (
            gap.lower() == f" {' '.join(between)} "
        ) or _in_the_province_of(between, gap):
            # "Hazm in Aleppo", "Mallah Farms in Aleppo", "Sevre in the northwestern province of
            # Idlib": a place inside the next one
            mention.city = _holder(nxt)
        else:
            # over a site named after the place: "the Shaar oilfield east of Homs"
            lead = next((i for i, word in enumerate(between) if word not in sites), len(between))
            if lead:
                gap = tokens.text[tokens.ends[mention.last + lead - 1]:tokens.starts[nxt.first]]
            anchored = _ANCHOR_GAP_RE.fullmatch(gap)
            if anchored:
                mention.anchor = _holder(nxt)
                if anchored["km"]:
                    mention.anchor_km = float(anchored["km"].replace(",", "")) * KM_PER[anchored["unit"].lower()[:2]]


_SENTENCE_ENDS = frozenset(".;!?")
_AREA_WORDS = _TOPONYMS.words("area_words")


# "X, Y": a comma alone; "X (Y", "X city (Y": an opening bracket after at most a kind word
_COMMA_GAP_RE = re.compile(r",[ \t]*")
_BRACKET_GAP_RE = re.compile(r"(?:[ \t]+[A-Za-z]+)?[ \t]*\([ \t]*")


def _apposed_holder(tokens: Tokens, mentions: list[Mention], k: int, gap: str,
                    between: list[str]) -> tuple[Mention | None, bool]:
    """The place the text sets beside mention ``k`` as holding it, or None; and whether by apposition.

    "X, Y" names Y, and so does "X in (the) Y" (not an apposition: "in
    Aleppo" holding a neighbourhood is still the city); "X (Z, Y)" and "X
    city (Y)" name the last place inside the brackets, the largest unit by
    convention ("the town of X (district, province)").
    """
    nxt = mentions[k + 1]
    if _COMMA_GAP_RE.fullmatch(gap):
        return nxt, True
    if between and between[0] == "in" and _SKIP_BACK.issuperset(between[1:]) and gap.lower().startswith(" in "):
        return nxt, False
    if not _BRACKET_GAP_RE.fullmatch(gap) or (between and between[0] not in CUE_WORDS):
        return None, False
    close = tokens.text.find(")", tokens.starts[nxt.first])
    if close < 0:
        return None, False
    last = None
    for j in range(k + 1, len(mentions)):  # in text order: the last one before the bracket closes
        if mentions[j].end > close:
            break
        last = mentions[j]
    return (last, True) if last is not None else (None, False)


def _in_the_province_of(between: list[str], gap: str) -> bool:
    """Do the words between two places say the first lies in the second ("in the northwestern province of")?"""
    return 3 <= len(between) <= 5 and between[0] == "in" and between[-1] == "of" and between[-2] in CUE_WORDS \
        and _SKIP_BACK.issuperset(between[1:-2]) and gap.lower() == f" {' '.join(between)} "


def _holder(mention: Mention) -> str:
    """The name a holding place is resolved by: "Anbar province" is the province, not a village Anbar."""
    return f"{mention.text} {mention.cue}" if mention.cue in ("province", "governorate") else mention.text


# What lies between a place and the place the text locates it from:
# "X, (some) 20 km west of (the city of) Aleppo", "X near Aleppo", "X on the outskirts of Aleppo".
_ANCHOR_GAP_RE = re.compile(
    r",?\s+(?:" + _TOPONYMS.alternation("anchor_hedges", r"\s+") + r"\s+)?"
    r"(?:(?P<km>\d{1,4}(?:,\d{3})*(?:\.\d+)?)\s*-?\s*(?P<unit>" + _TOPONYMS.alternation("anchor_units") + r")\s+)?"
    r"(?:(?:north|south)(?:[- ]?(?:east|west))?|east|west)\s+of\s+"
    r"(?:the\s+" + _TOPONYMS.alternation("anchor_holders") + r"\s+of\s+)?"
    r"|,?\s+" + _TOPONYMS.alternation("anchor_near", r"\s+") + r"\s+"
    r"(?:the\s+" + _TOPONYMS.alternation("anchor_near_holders") + r"\s+of\s+)?",
    re.IGNORECASE,
)
























normalised = lru_cache(maxsize=100_000)(normalise)


KM_PER = {"km": 1.0, "ki": 1.0, "mi": 1.609344}
