"""Text plumbing shared by the extraction stages: tokens, sentences, clauses, phrase search.

Everything keeps character offsets into the original text, so an extracted
event or mention can always be traced back to the words it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress, count
from operator import add, itemgetter
from typing import Any, TypeVar

import ahocorasick

from geomap.extract.lexicon import load as load_lexicon
from geomap.names import tokenize

_GRAMMAR = load_lexicon("grammar")

_APOSTROPHES = "'\u2019\u2018\u02bf\u02be\u02bc\u02bb`\u00b4"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_T = TypeVar("_T")



@lru_cache(maxsize=200_000)
def lower_token(token: str) -> str:
    """Lower-case a token and cut what follows an inner apostrophe (``didn't`` -> ``didn``)."""
    low = token.lower()
    if "'" in low or "\u2019" in low:
        low = _APOSTROPHE_RE.split(low, maxsplit=1)[0]
    return low


@dataclass
class Tokens:
    """The word tokens of a text with their character spans.

    Attributes
    ----------
    text : str
        The original text.
    words : list of str
        Tokens as written.
    low : list of str
        Lower-cased tokens (the form lexicon phrases are matched on).
    starts, ends : list of int
        Character offsets of each token in ``text``.
    """

    text: str
    words: list[str]
    low: list[str]
    starts: list[int]
    ends: list[int]
    _joined: str | None = field(default=None, repr=False)
    _offsets: dict[int, int] | None = field(default=None, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, text: str) -> Tokens:
        triples = tokenize(text)
        if not triples:
            return cls(text=text, words=[], low=[], starts=[], ends=[])
        words, starts, ends = map(list, zip(*triples))
        return cls(text=text, words=words, low=list(map(lower_token, words)), starts=starts, ends=ends)

    def __len__(self) -> int:
        return len(self.words)

    def joined(self) -> tuple[str, dict[int, int]]:
        """Return ``" tok1 tok2 ... "`` and a map from each token's offset in it to its index."""
        if self._joined is None:
            # token k starts after the leading space, k separating spaces and the k tokens before it
            starts = map(add, accumulate(map(len, self.low), initial=0), count(1))
            self._offsets = dict(zip(starts, range(len(self.low))))
            self._joined = " " + " ".join(self.low) + " "
        return self._joined, self._offsets  # type: ignore[return-value]

    def derived(self, key: str, build: Callable[[Tokens], _T]) -> _T:
        """Return ``build(self)``, built once per document and kept under ``key``.

        For indices over the whole token list that many clauses consult: one
        pass over the document instead of one scan per clause.
        """
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = build(self)
        return found

    def index_at(self, char: int) -> int:
        """Return the index of the first token starting at or after ``char``."""
        from bisect import bisect_left

        return bisect_left(self.starts, char)

    def index_before(self, char: int) -> int:
        """Return the number of tokens that end at or before ``char``."""
        return bisect_right(self.ends, char)


def positions(flags: Iterable[Any]) -> list[int]:
    """Indices of the true ``flags``: with ``map`` over a token list, a pass with no Python step per token."""
    return list(compress(count(), flags))


def first_within(where: list[int], lo: int, hi: int) -> int | None:
    """The first of the ascending positions ``where`` that lies in ``lo:hi``, or None (one bisection)."""
    k = bisect_left(where, lo)
    return where[k] if k < len(where) and where[k] < hi else None


class PhraseMatcher:
    """Find lexicon phrases (lower-cased word sequences) in a token stream.

    Matches respect word boundaries; where matches overlap the longest wins
    (then the leftmost), so ``"car bomb"`` beats ``"bomb"``.

    Parameters
    ----------
    phrases : mapping of str to object
        Phrase (words separated by single spaces, lower case) -> payload.
    """

    def __init__(self, phrases: Mapping[str, Any]) -> None:
        # " w1 ... wn " -> (n, key length, payload): keys match whole tokens of Tokens.joined()
        self.keys: dict[str, tuple[int, int, Any]] = {}
        for phrase, payload in phrases.items():
            key = " " + " ".join(phrase.split()) + " "
            self.keys[key] = (len(phrase.split()), len(key), payload)
        self._automaton = ahocorasick.Automaton()
        for key, entry in self.keys.items():
            self._automaton.add_word(key, entry)
        self._empty = len(phrases) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def get(self, words: Iterable[str]) -> Any:
        """Return the payload of the phrase made of ``words`` (lower-cased tokens), or None."""
        entry = self.keys.get(" " + " ".join(words) + " ")
        return entry[2] if entry is not None else None

    def find(self, tokens: Tokens, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, Any]]:
        """Return ``(first_token, end_token, payload)`` of the best non-overlapping matches, in text order."""
        return _longest_first(self.occurrences(tokens, lo, hi))

    def occurrences(self, tokens: Tokens, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, Any]]:
        """Return ``(first_token, end_token, payload)`` of every match, overlapping ones included."""
        if self._empty or not len(tokens):
            return []
        joined, offsets = tokens.joined()
        hi = len(tokens) if hi is None else hi
        found = []
        for end, (n_words, key_len, payload) in self._automaton.iter(joined):
            # the key is " w1 ... wn ": its first word starts one char after the leading space
            first = offsets.get(end - key_len + 2)
            if first is None or first < lo or first + n_words > hi:
                continue
            found.append((first, first + n_words, payload))
        return found


class PhraseGroup:
    """Several :class:`PhraseMatcher` answered from one pass over a document.

    Each automaton costs a pass over the whole text; the matchers of a group
    share one, run on the first question about a document, and the hits are
    kept with its tokens.  Every answer is the one the matcher itself gives.

    Parameters
    ----------
    matchers : iterable of PhraseMatcher
        The matchers this group answers for.
    """

    def __init__(self, matchers: Iterable[PhraseMatcher]) -> None:
        self._matchers = list(matchers)  # held, so the ids below stay theirs
        matchers = self._matchers
        self._index = {id(m): k for k, m in enumerate(matchers)}
        self._size = len(matchers)
        shared: dict[str, list[tuple[int, int, Any]]] = {}
        for k, m in enumerate(matchers):
            for key, (n_words, _key_len, payload) in m.keys.items():
                shared.setdefault(key, []).append((k, n_words, payload))
        self._automaton = ahocorasick.Automaton()
        for key, entries in shared.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        if shared:
            self._automaton.make_automaton()
        self._empty = not shared
        self._key = f"phrase-group-{id(self)}"

    def find(self, tokens: Tokens, matcher: PhraseMatcher, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, Any]]:
        """What ``matcher.find(tokens, lo, hi)`` returns."""
        return _longest_first(self.occurrences(tokens, matcher, lo, hi))

    def occurrences(self, tokens: Tokens, matcher: PhraseMatcher, lo: int = 0,
                    hi: int | None = None) -> list[tuple[int, int, Any]]:
        """What ``matcher.occurrences(tokens, lo, hi)`` returns (a new list)."""
        hits = tokens.derived(self._key, self._scan)[self._index[id(matcher)]]
        hi = len(tokens) if hi is None else hi
        return [hit for hit in hits if hit[0] >= lo and hit[1] <= hi]

    def _scan(self, tokens: Tokens) -> list[list[tuple[int, int, Any]]]:
        found: list[list[tuple[int, int, Any]]] = [[] for _ in range(self._size)]
        if self._empty or not len(tokens):
            return found
        joined, offsets = tokens.joined()
        for end, (key_len, entries) in self._automaton.iter(joined):
            first = offsets.get(end - key_len + 2)
            if first is None:
                continue
            for k, n_words, payload in entries:
                found[k].append((first, first + n_words, payload))
        return found


def _longest_first(found: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """The longest of overlapping matches (then the leftmost), in text order.

    Matches in different runs of overlapping ones never compete, so each run
    is settled alone, and most runs are one match.
    """
    found.sort(key=itemgetter(0))
    taken: list[tuple[int, int, Any]] = []
    k, n = 0, len(found)
    while k < n:
        j, reach = k + 1, found[k][1]
        while j < n and found[j][0] < reach:
            reach = max(reach, found[j][1])
            j += 1
        taken.extend(found[k:j] if j == k + 1 else _settled(found[k:j]))
        k = j
    return taken


def _settled(found: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    found.sort(key=lambda m: (m[0] - m[1], m[0]))
    taken: list[tuple[int, int, Any]] = []
    used: set[int] = set()
    for first, end, payload in found:
        span = range(first, end)
        if not used.isdisjoint(span):
            continue
        used.update(span)
        taken.append((first, end, payload))
    taken.sort(key=lambda m: m[0])
    return taken


# --- sentences and clauses -------------------------------------------------

_ABBREVIATIONS = _GRAMMAR.words("abbreviations")
# Stops (with closing quotes) before a space or a capital, a blank line, or a
# line break before a capital.  Written to open with one character class, which
# lets the regex engine skip to the next [.!?\n] instead of trying every
# position (three times faster); the lookbehinds say which branch that was.
_BOUNDARY_RE = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'\u201d\u2019)]*(?=\s|[\"'\u201c\u2018]?[A-Z]|$)|(?<=\n)\s*\n|(?<=\n)(?=[A-Z\"]))"
)


def document_sentences(tokens: Tokens) -> list[tuple[int, int]]:
    """The character spans of the sentences of ``tokens.text``, split once per document."""
    return tokens.derived("sentences", lambda tk: sentence_spans(tk.text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into sentences; return ``(start, end)`` character spans.

    Handles reports that glue sentences together (``"City.In Aleppo"``,
    ``said."Both``) and keeps abbreviations and initials (``U.S.``, ``Mr.``)
    inside their sentence.
    """
    spans = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if text[match.start()] == ".":
            word = re.search(r"([A-Za-z]+)\.*$", text[max(start, match.start() - 12):match.start() + 1])
            before = word.group(1) if word else ""
            nxt = text[end:end + 3].lstrip()
            if len(before) == 1 and before.isupper():
                # initials (U.S., U.N.) end a sentence only before a clear capitalised start
                if not re.match(r"[\"\u201c]?[A-Z][a-z]", nxt) or text[end:end + 1] not in " \n":
                    continue
                if re.match(r"(?:The|He|She|It|They|In|On|At|A)\b", text[end:].lstrip()) is None:
                    continue
            if before.lower() in _ABBREVIATIONS:
                continue
            if re.match(r"\d", text[end:end + 1]):
                continue
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return _split_after_credits(text, spans)


# A bracket followed, maybe after a dash or colon, by what opens a sentence.
_BRACKET_RE = re.compile(r"\(([^()\n]{1,60})\)[ \t]*(?:[-\u2013\u2014:]+[ \t]*)?(?=[\"\u201c]?[A-Z0-9])")


@lru_cache(maxsize=1)
def _furniture_re() -> re.Pattern[str] | None:
    """Page furniture and the counters after it (``lexicon/text.yaml``), before what opens a sentence."""
    phrases = "|".join(r"\s+".join(map(re.escape, str(p).split())) for p in load_lexicon("text")["page_furniture"] or ())
    if not phrases:
        return None
    return re.compile(rf"(?i:\b(?:{phrases}))(?:[ \t]+\d+)*[ \t]+(?=[\"\u201c]?[A-Z])")


def _split_after_credits(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Start a new sentence after a bracketed photo or wire credit, or after page furniture.

    "... in Idlib on June 2 2016 (TRT World and Agencies) A car bomb ..." is
    a caption, then the report: copy that lost its line breaks would
    otherwise give the caption's places to the report's first event. See
    ``lexicon/text.yaml``.
    """
    cuts = [m.end() for m in _BRACKET_RE.finditer(text) if is_credit(m.group(1))] if ")" in text else []
    furniture = _furniture_re()
    cuts += [m.end() for m in furniture.finditer(text)] if furniture is not None else []
    if not cuts:
        return spans
    cuts.sort()
    split = []
    for start, end in spans:
        for cut in cuts[bisect_right(cuts, start):bisect_left(cuts, end)]:
            if text[start:cut].strip():
                split.append(_strip(text, start, cut))
            start = cut
        split.append(_strip(text, start, end))
    return split


@lru_cache(maxsize=4096)
def is_credit(words: str) -> bool:
    """True if the words inside a bracket credit an agency or a photo ("Reuters", "AFP photo", "Source: X").

    Parameters
    ----------
    words : str
        What stands between the brackets.
    """
    lex = load_lexicon("text")
    low = words.strip().lower()
    if low.startswith(tuple(lex["credit_openers"])):
        return True
    tokens = [lower_token(token) for token, _start, _end in tokenize(low)]
    while tokens and tokens[0] in lex["credit_prefixes"]:
        tokens = tokens[1:]  # "(With AP and AFP)", "(The Associated Press)"
    if not tokens:
        return False
    if tokens[-1] in lex["credit_words"] and len(tokens) <= 4:
        return True
    joined = " ".join(tokens) + " "
    return any(joined.startswith(agency + " ") for agency in lex["credit_agencies"])


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Where one clause ends and another begins: a semicolon, or a comma/start
# before a conjunction that introduces a new predication.
_CLAUSE_RE = re.compile(
    r";|\s[-\u2013\u2014]\s|,\s*(?=(?:while|whereas|as|and|but|where|which|saying|adding|after|amid|despite|"
    r"although|though|meanwhile|when)\b)|\s(?=(?:while|whereas|but|meanwhile)\s)",
    re.IGNORECASE,
)


# A dash-delimited aside: "Sixteen civilians - including three children - were killed".
_DASH_RE = re.compile(r"\s[-\u2013\u2014]\s")
_ASIDE_RE = re.compile(r"\s[-\u2013\u2014]\s[^-\u2013\u2014;]{3,150}?\s[-\u2013\u2014]\s")


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split the sentence ``text[start:end]`` into clauses; return their spans.

    An aside between two dashes stays inside its clause ("Sixteen civilians -
    including three children - were killed"): the clause's subject and verb
    stand on either side of it.
    """
    asides = {a for m in _ASIDE_RE.finditer(text, start, end) for a in (m.start(), m.end() - 3)} \
        if _DASH_RE.search(text, start, end) else set()
    spans = []
    cursor = start
    for match in _CLAUSE_RE.finditer(text, start, end):
        if match.start() in asides:
            continue
        if match.start() > cursor:
            spans.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def phrase_table(entries: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Build a phrase -> payload table, normalising each phrase like the token stream."""
    table: dict[str, Any] = {}
    for phrase, payload in entries:
        key = " ".join(lower_token(t) for t, _s, _e in tokenize(str(phrase)))
        if key:
            table.setdefault(key, payload)
    return table
