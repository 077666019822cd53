"""Event coding: triggers -> ACLED event/sub-event types, actors, negation and hypotheticals.

The vocabulary lives in ``lexicon/triggers.yaml`` and ``lexicon/actors.yaml``;
this module only applies it to a token stream.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from geomap.extract.text import (
    PhraseGroup, PhraseMatcher, Tokens, first_within, load_lexicon, phrase_table, positions,
)


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


@dataclass(frozen=True)
class Trigger:
    """A trigger found in the text: token span ``first:end`` and its type."""

    first: int
    end: int
    type: TriggerType


# A side named as the holder of territory is a description of the target,
# not an actor: "government-held parts", "rebel-controlled areas".
_HELD_RE = re.compile(r"\s*-?\s*(held|controlled|run|dominated|occupied|besieged|backed|affiliated|linked|aligned|allied|led|leaning)\b", re.I)
_PRO_ANTI_RE = re.compile(r"\b(pro|anti|non)\s*-\s*$", re.I)


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
            tuple(" ".join(str(w).split()) for w in item.get("needs", [])),
        )
        entries.extend((p, kind) for p in item["patterns"])
    not_events = PhraseMatcher(phrase_table((p, True) for p in lex.get("not_events", [])))
    irrealis = {k: frozenset(v) for k, v in lex["irrealis"].items()}
    irrealis["aggregates"] = frozenset(" ".join(str(p).split()) for p in lex.get("aggregates", []))
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
    """Token spans naming a report's source ("activists said", "state TV", "the Observatory")."""
    return [(a, b) for a, b, _ in _phrases().find(tokens, _actor_lexicon()[2])]


def actor_name_spans(tokens: Tokens) -> list[tuple[int, int, Actor]]:
    """Token spans of every actor name, including those used as descriptors ("ISIS-held")."""
    return _actor_matches(tokens) + _case_sensitive_spans(tokens)


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
    group ("rebel group Jaish al-Islam") gives way to the group.
    """
    masked = masked or set()
    found = list(_actor_matches(tokens))
    taken = {i for a, b, _ in found for i in range(a, b)}
    found.extend(_case_sensitive_spans(tokens, taken))
    text = tokens.text
    mentions = []
    for a, b, actor in sorted(found, key=lambda m: m[0]):
        if not masked.isdisjoint(range(a, b)):
            continue
        if _HELD_RE.match(text, tokens.ends[b - 1]) and text[tokens.ends[b - 1]:tokens.ends[b - 1] + 1] == "-":
            continue
        if _PRO_ANTI_RE.search(text, max(0, tokens.starts[a] - 6), tokens.starts[a]):
            continue
        mentions.append(ActorMention(a, b, actor))
    return _drop_generic_before_named(mentions, tokens.low)


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
    near = _trigger_lexicon()[2]["near"]
    low = cues.low
    window = low[max(lo, trigger.first - 4):max(lo, trigger.first)] + low[trigger.end:min(end, trigger.end + 5)]
    if any(w in near for w in window):
        return True
    if trigger.type.violent and cues.aggregate(lo, end):
        return True
    return bool(trigger.type.needs) and _needs_end(tokens, lo, end, trigger.type.needs) > min(end, trigger.end + 12)


_NEVER = 1 << 62


@lru_cache(maxsize=1)
def _cue_word_matcher() -> PhraseMatcher:
    """Single cue words -> (voids any later trigger, voids a later non-violent one); "may" for the month."""
    irrealis = _trigger_lexicon()[2]
    before, non_violent = irrealis["before"], irrealis["non_violent_before"]
    return PhraseMatcher({w: (w in before, w in non_violent) for w in before | non_violent | {"may"}})


@lru_cache(maxsize=1)
def _aggregate_matcher() -> PhraseMatcher:
    return PhraseMatcher({phrase: True for phrase in _trigger_lexicon()[2]["aggregates"]})


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
    """

    low: list[str]
    before: list[int]
    non_violent: list[int]
    aggregate_starts: list[int]
    aggregate_stops: list[int]

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
        for first, end, _payload in _phrases().occurrences(tokens, _aggregate_matcher()):
            earliest[first] = min(end, earliest.get(first, end))
        starts = sorted(earliest)
        return cls(masked, before_at, non_violent_at, starts, [earliest[k] for k in starts])

    def first_before(self, lo: int, end: int) -> int:
        """The first "before" cue in tokens ``lo:end`` (``_NEVER`` if none)."""
        return _first_in(self.before, lo, end)

    def first_non_violent_before(self, lo: int, end: int) -> int:
        """The first cue of intent ("efforts to", "calls for") in tokens ``lo:end``."""
        return _first_in(self.non_violent, lo, end)

    def aggregate(self, lo: int, end: int) -> bool:
        """True if a tally phrase lies wholly inside tokens ``lo:end``."""
        k = bisect_left(self.aggregate_starts, lo)
        while k < len(self.aggregate_starts) and self.aggregate_starts[k] < end:
            if self.aggregate_stops[k] <= end:
                return True
            k += 1
        return False


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


def territory_sub_type(actor: Actor | None) -> str:
    """ACLED's sub-event type for a change of territory, by who gains it."""
    if actor is not None and actor.government and actor.inter == 1:
        return "Government regains territory"
    return "Non-state actor overtakes territory"
