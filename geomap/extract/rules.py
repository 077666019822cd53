"""Re-typing: the rules of ``lexicon/rules.yaml`` applied to a clause once its trigger and sides are known.

The engine knows no words and no types: a rule is a ``when`` (conditions on
the trigger, the sides and the clause's words) and a ``then`` (the fields it
sets), tried in file order; the first rule whose conditions hold wins. A
rule marked ``at: doer`` waits until the clause's doer is settled (it may be
taken from an earlier sentence); the others apply as soon as the clause's
own sides are linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple, Protocol

from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.vocabulary import ARMED_SIDES


class Coding(NamedTuple):
    """What a clause is coded as: ACLED's event type and sub-event type, and whether it can kill."""

    event_type: str
    sub_event_type: str
    violent: bool


class Side(Protocol):
    """What a rule may know of a side (an :class:`~geomap.extract.coding.Actor`): its ACLED actor type, and
    whether it is a state's own forces."""

    inter: int
    government: bool


@dataclass(frozen=True)
class Rule:
    """One re-typing rule of ``rules.yaml``."""

    name: str
    at: str  # "sides" or "doer"
    when: dict[str, Any]
    then: dict[str, Any]
    words: Phrases  # the words or phrases ``clause_has`` names, empty when it names none
    objects: frozenset[str]  # the words ``object_has`` names, empty when it names none
    around: Phrases  # the words or phrases ``near_has`` names, empty when it names none
    doers: Phrases  # the words or phrases ``doer_has`` names, empty when it names none
    hits: Phrases  # the words or phrases ``hit_has`` names, empty when it names none

    def holds(self, coding: Coding, broad: bool, actor1: Side | None, actor2: Side | None,
              texts: _Texts, after: Sequence[str]) -> bool:
        """Do the rule's conditions hold for this clause?"""
        when = self.when
        if "event_type" in when and coding.event_type != when["event_type"]:
            return False
        if "sub_event_type" in when and coding.sub_event_type != when["sub_event_type"]:
            return False
        if "broad" in when and broad != when["broad"]:
            return False
        if "side_inter" in when and not any(s is not None and s.inter in when["side_inter"] for s in (actor1, actor2)):
            return False
        if "actor1_inter" in when and (actor1 is None or actor1.inter not in when["actor1_inter"]):
            return False
        if "actor2_inter" in when and (actor2 is None or actor2.inter not in when["actor2_inter"]):
            return False
        if "actor2_named" in when and (actor2 is not None) != when["actor2_named"]:
            return False
        if "actor1_government" in when and (actor1 is not None and actor1.government) != when["actor1_government"]:
            return False
        if "object_has" in when and self.objects.isdisjoint(after):
            return False
        if "armed_side" in when and any(s is not None and s.inter in ARMED_SIDES for s in (actor1, actor2)) != when["armed_side"]:
            return False
        if "actor1_armed" in when and (actor1 is not None and actor1.inter in ARMED_SIDES) != when["actor1_armed"]:
            return False
        if "near_has" in when and not texts.has("near", self.around):
            return False
        if "doer_has" in when and not texts.has("doer", self.doers):
            return False
        if "hit_has" in when and not texts.has("hit", self.hits):
            return False
        return "clause_has" not in when or texts.has("clause", self.words)

    def apply(self, coding: Coding) -> Coding:
        """The coding with this rule's fields set."""
        return coding._replace(**self.then)


class Phrases(NamedTuple):
    """A word list of rules.yaml split for a fast test: its one-word entries, and its phrases."""

    words: frozenset[str]
    phrases: tuple[str, ...]
    heads: frozenset[str]  # the first words of the phrases

    @classmethod
    def of(cls, entries: Sequence[str]) -> Phrases:
        phrases = tuple(e for e in entries if " " in e)
        return cls(frozenset(e for e in entries if " " not in e), phrases, frozenset(p.split()[0] for p in phrases))


_NONE = Phrases(frozenset(), (), frozenset())


@cache
def rules() -> tuple[Rule, ...]:
    """The re-typing rules, in the order they are tried."""
    lexicon = load_lexicon("rules")
    return tuple(
        Rule(entry["name"], entry.get("at", "sides"), dict(entry["when"]), dict(entry["then"]),
             Phrases.of(lexicon.phrases(entry["when"]["clause_has"])) if "clause_has" in entry["when"] else _NONE,
             lexicon.words(entry["when"]["object_has"]) if "object_has" in entry["when"] else frozenset(),
             Phrases.of(lexicon.phrases(entry["when"]["near_has"])) if "near_has" in entry["when"] else _NONE,
             Phrases.of(lexicon.phrases(entry["when"]["doer_has"])) if "doer_has" in entry["when"] else _NONE,
             Phrases.of(lexicon.phrases(entry["when"]["hit_has"])) if "hit_has" in entry["when"] else _NONE)
        for entry in lexicon["retype"]
    )


def retype(coding: Coding, *, broad: bool, actor1: Side | None, actor2: Side | None, clause: Sequence[str],
           after: Sequence[str] = (), near: Sequence[str] = (), doer: Sequence[str] = (),
           hit: Sequence[str] = (), doer_settled: bool) -> Coding:
    """Apply the first rule that holds; ``doer_settled`` says which rules may be tried yet.

    Parameters
    ----------
    coding : Coding
        The clause's coding so far (at first, its trigger's).
    broad : bool
        The trigger says nothing of the means (``broad`` in triggers.yaml).
    actor1, actor2 : Side or None
        The clause's doer and other side, as known now.
    clause : sequence of str
        The clause's lower-cased words.
    after : sequence of str
        The lower-cased words right after the trigger (its object, usually).
    near : sequence of str
        The lower-cased words of the trigger's sentence and the next.
    doer : sequence of str
        The lower-cased words that name the doer (the clause's subject, or the
        agent of a passive: :func:`~geomap.extract.linking.sides.doer_span`).
    hit : sequence of str
        The clause's other words, which may name what was hit.
    doer_settled : bool
        False when the clause's own sides have just been linked (the rules
        ``at: sides`` are tried), True once the doer is final (the rules
        ``at: doer``).

    Returns
    -------
    Coding
        The coding the first matching rule sets, or ``coding`` unchanged.
    """
    candidates = _rules_for("doer" if doer_settled else "sides", coding.event_type, coding.sub_event_type)
    if not candidates:
        return coding
    texts = _Texts(clause, near, doer, hit)
    for rule in candidates:
        if rule.holds(coding, broad, actor1, actor2, texts, after):
            return rule.apply(coding)
    return coding


@cache
def _rules_for(stage: str, event_type: str, sub_event_type: str) -> tuple[Rule, ...]:
    """The rules of a stage that a clause of this type may match, in order (most clauses match none)."""
    return tuple(rule for rule in rules() if rule.at == stage
                 and rule.when.get("event_type", event_type) == event_type
                 and rule.when.get("sub_event_type", sub_event_type) == sub_event_type)


class _Texts:
    """The clause's, the sentences', the doer's and the rest of the clause's words, as sets and spaced strings
    made only when a rule reads them."""

    def __init__(self, clause: Sequence[str], near: Sequence[str], doer: Sequence[str] = (),
                 hit: Sequence[str] = ()) -> None:
        self._clause, self._near, self._doer, self._hit = clause, near, doer, hit
        self._joined: dict[str, str] = {}
        self._sets: dict[str, frozenset[str]] = {}

    def has(self, which: str, wanted: Phrases) -> bool:
        """Does the clause (``"clause"``), the sentences (``"near"``), the doer's words (``"doer"``) or the rest
        of the clause (``"hit"``) hold a word or phrase of ``wanted``?"""
        words = {"clause": self._clause, "near": self._near, "doer": self._doer, "hit": self._hit}[which]
        found = self._sets.get(which)
        if found is None:
            found = self._sets[which] = frozenset(words)
        if not wanted.words.isdisjoint(found):
            return True
        if wanted.heads.isdisjoint(found):
            return False
        joined = self._joined.get(which)
        if joined is None:
            joined = self._joined[which] = " " + " ".join(words) + " "
        return any(f" {phrase} " in joined for phrase in wanted.phrases)
