"""The lexicons as matchers: actors and triggers (``actors.yaml``, ``triggers.yaml``), searched in one pass per document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import PhraseGroup, PhraseMatcher, phrase_table


@dataclass(frozen=True)
class Actor:
    """A canonical actor of the lexicon."""

    name: str
    inter: int
    generic: bool = False
    government: bool = False


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


@lru_cache(maxsize=1)
def actor_lexicon() -> tuple[PhraseMatcher, dict[str, Actor], PhraseMatcher]:
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
def trigger_lexicon() -> tuple[PhraseMatcher, PhraseMatcher, dict[str, frozenset[str]]]:
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
def phrases() -> PhraseGroup:
    """Every phrase lexicon of this module, searched in one pass per document."""
    actors, _case_sensitive, sources = actor_lexicon()
    triggers, not_events, _irrealis = trigger_lexicon()
    return PhraseGroup([actors, sources, triggers, not_events, cue_word_matcher(), aggregate_matcher()])


@lru_cache(maxsize=1)
def actors_by_name() -> dict[str, Actor]:
    """Every canonical actor of the lexicon, by name."""
    return {
        item["name"]: Actor(item["name"], int(item["inter"]), bool(item.get("generic")), bool(item.get("government")))
        for item in load_lexicon("actors")["actors"]
    }


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


@lru_cache(maxsize=1)
def member_nouns() -> frozenset[str]:
    """Nouns for a group's members ("fighters of Jaish al-Islam"), from the actor lexicon."""
    return frozenset(str(word) for word in load_lexicon("actors")["member_nouns"])


@lru_cache(maxsize=1)
def cue_word_matcher() -> PhraseMatcher:
    """Single cue words -> (voids any later trigger, voids a later non-violent one); "may" for the month."""
    irrealis = trigger_lexicon()[2]
    before, non_violent = irrealis["before"], irrealis["non_violent_before"]
    return PhraseMatcher({w: (w in before, w in non_violent) for w in before | non_violent | {"may"}})


@lru_cache(maxsize=1)
def aggregate_matcher() -> PhraseMatcher:
    """Tally phrases -> True for those that void a whole clause, False for those near the trigger only."""
    irrealis = trigger_lexicon()[2]
    return PhraseMatcher({**{phrase: False for phrase in irrealis["recent_tallies"]},
                          **{phrase: True for phrase in irrealis["aggregates"]}})
