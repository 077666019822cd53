"""The sides of an event: who did it (the doer, actor1) and to whom (actor2), from the clause's grammar and words."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import replace
from functools import lru_cache

from geomap.extract.actors import ActorMention
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.linking.records import NEIGHBOURING_SENTENCES, Doc, EventRecord
from geomap.extract.text import Tokens
from geomap.extract.triggers import AUXILIARIES, PASSIVE_ADVERBS, RELATIVE_WORDS, Trigger
from geomap.extract.vocabulary import ARMED_SIDES, STATE_FORCES, Actor, actors_by_name, actors_by_role
from geomap.gazetteer.spatial import holds

_GRAMMAR = load_lexicon("grammar")
_SIDES = load_lexicon("sides")

DETERMINERS = _GRAMMAR.words("determiners")


_TARGET_PREPS = _GRAMMAR.words("target_prepositions")


_HELD = _SIDES.alternation("held_words")


_GOV_HELD_RE = re.compile(r"\b" + _SIDES.alternation("government_holders") + r"[\s-]*" + _HELD + r"\b", re.I)


_REBEL_HELD_RE = re.compile(r"\b" + _SIDES.alternation("rebel_holders") + r"[\s-]*" + _HELD + r"\b", re.I)


LOCATIVE = _GRAMMAR.words("locative_prepositions")


# words before a side that is not the subject: a target, a place, an agent, an instrument
_NOT_BEFORE_SUBJECT = _TARGET_PREPS | LOCATIVE | {"by", "with", "of", "from"}


_BEFORE_AGENT_OR_TARGET = _TARGET_PREPS | {"by"}


def weapon_owner(doer: str, actor1: Actor | None, actor2: Actor | None) -> tuple[Actor, Actor | None]:
    """The sides of a weapon only ``doer`` uses, when the clause names no state's forces as its doer.

    ``doer`` (a trigger's, see triggers.yaml) is actor1. A non-state side
    or civilians named as the doer were what was hit ("fighting between
    rebels and the army as helicopters dropped a barrel bomb on an
    opposition area"); unidentified aircraft were the owner's own.
    """
    actors = _actor_index()
    owner, unnamed = actors[doer], actors_by_role()["unidentified_military"]
    if actor1 is not None and actor1.inter in _HIT_BY_WEAPON and actor2 in (None, owner, unnamed):
        actor2 = actor1
    return owner, None if actor2 in (owner, unnamed) else actor2


# Sides a weapon's owner is taken to have hit when a clause names them as its doer:
# rebels, political and identity militias (ACLED inter 2-4) and civilians (7).
_HIT_BY_WEAPON = frozenset({2, 3, 4, 7})


def link_actors(doc: Doc, trigger: Trigger, c_lo: int, c_hi: int, s_lo: int) -> tuple[Actor | None, Actor | None, bool]:
    """The trigger's doer and target, whether the doer was named, and the side blamed for it.

    A side the clause blames is the one said to have done it, never what was
    hit: "air strikes killed 11 people in Maaret al-Numan, the monitor said,
    blaming government forces"; "the attack was blamed on Islamic State".
    """
    low = doc.tokens.low
    sides = doc.actors_within(c_lo, c_hi)
    blamed = next((a for a in sides if _blamed(low, a.first)), None)
    actor1, actor2, explicit = _clause_sides(doc, trigger, c_lo, c_hi, s_lo, blamed)
    if blamed is None or actor1 is not None:
        return actor1, actor2, explicit
    # the side that blames is neither: "the attack, which the regime blamed on the rebels" (unless
    # the clause names it again as hit: "... on soldiers killed 3, the army said, blaming rebels")
    blamers = [a for a in sides if a.first < blamed.first and not _BLAME.isdisjoint(low[a.end:a.end + 3])]
    named_again = any(a.actor == actor2 and a is not blamed and a not in blamers for a in sides)
    if actor2 == blamed.actor or (any(a.actor == actor2 for a in blamers) and not named_again):
        actor2 = None
    return blamed.actor, actor2, True


_BLAME = _SIDES.words("blame")
_WEAPON_PARTICIPLES = _SIDES.words("weapon_participles")


_BLAME_REACH = 4


def _blamed(low: list[str], index: int) -> bool:
    """Is the side starting at token ``index`` the one blamed ("blaming X", "blamed on X")?"""
    k = _word_before(low, index)
    if k < 0:
        return False
    if low[k] in _BLAME or (low[k] == "of" and k >= 1 and low[k - 1] == "work"):  # "the work of the regime"
        return True
    return low[k] == "on" and not _BLAME.isdisjoint(low[max(0, k - _BLAME_REACH):k])


# How far after a defence wording its attacker may be named ("repulsed attacks by the GNA forces")
_DEFENCE_REACH = 4
_POSSESSIVES = _GRAMMAR.words("possessives")


def _clause_sides(doc: Doc, trigger: Trigger, c_lo: int, c_hi: int, s_lo: int,
                  blamed: ActorMention | None) -> tuple[Actor | None, Actor | None, bool]:
    low = doc.tokens.low
    # an ally is neither doer nor target: "the SDF entered Manbij with support from the US-led coalition"
    in_clause = [a for a in doc.actors_within(c_lo, c_hi) if not _ally(low, a.first) and a is not blamed]
    # an actor whose name holds the trigger is its subject too: "warplanes of the coalition"
    before = [a for a in in_clause if a.first <= trigger.first]
    after = [a for a in in_clause if a.first >= trigger.end]
    sides = _between_sides(low, trigger, c_hi, after)
    if sides is not None:
        return sides[0], sides[1], True
    reach = _PASSIVE_AGENT_REACH if _passive(low, trigger) else _AGENT_REACH
    agent = next((a for a in after if a.first - trigger.end <= reach and not _holder(low, a.first)
                  and (_preceded_by(low, a.first, ("by",)) or _fire_from(low, trigger, a.first))), None)
    if agent is None and trigger.type.sub_event_type == "Air/drone strike" and trigger.end < len(low) \
            and low[trigger.end] == "of":
        # aircraft belong to a side: "an airstrike of the US-led coalition" (not "air strikes of ISIS
        # positions", what was hit)
        # (not a side after a target's preposition: "warplanes of the coalition against ISIS")
        first = after[0] if after else None
        if first is not None and first.first - trigger.end <= _OF_REACH and first.actor.inter != 7 \
                and _TARGET_PREPS.isdisjoint(low[trigger.end:first.first]) \
                and (first.end >= len(low) or low[first.end] not in _HIT_NOUNS):
            agent = first
    if agent is None and trigger.type.violent and trigger.type.sub_event_type != "territory":
        # "rocket attacks from DAESH", "shelling from government forces" (but "captured X from Y": Y lost it)
        agent = next((a for a in after if trigger.end < len(low) and low[trigger.end] == "from"
                      and a.first - trigger.end <= _FROM_REACH and _preceded_by(low, a.first, ("from",))), None)
    if trigger.type.defence:
        # "Iraqi forces repelled an IS attack", "thwarted a Houthi incursion": the attacker acted
        attacker = next((a for a in after if a.first - trigger.end <= _DEFENCE_REACH), None)
        defender = before[-1].actor if before else None
        if attacker is None and defender is not None and trigger.end < len(low) and low[trigger.end] in _POSSESSIVES:
            # "13 Taliban were killed when Afghan forces repulsed their attack": the side named before
            # (not one speaking: "Afghan police said soldiers repulsed their attack")
            earlier = [a for a in doc.actors_within(s_lo, before[-1].first) if a.actor != defender and a.actor.inter != 7]
            earlier = _drop_speakers(doc.tokens, earlier, trigger.first)
            attacker = earlier[-1] if earlier else None
        if attacker is not None and attacker.actor != defender:
            return attacker.actor, defender, True
    if trigger.type.inverse:
        gainer = next((a for a in after if _preceded_by(low, a.first, ("to",))), None)
        loser = before[-1].actor if before else None
        if gainer is not None:
            return gainer.actor, loser if loser != gainer.actor else None, True
        return None, loser, bool(loser)
    # not a subject: a target ("against X"), an agent of something else ("by X"), or a
    # government named by its capital or country after a locative ("in Moscow")
    subjects = [a for a in before if not _preceded_by(low, a.first, _NOT_BEFORE_SUBJECT)
                and a.actor.inter != 7 and not (a.end < len(low) and low[a.end] in _PROPERTY_NOUNS)]
    relative = _relative_subject(low, before, trigger)
    if agent is None and relative is not None:
        # the side a relative pronoun stands for: "controlled by the Ahrar al-Sham group which seized it"
        subjects = [relative] + [a for a in subjects if a is not relative]
    if agent is None and not subjects and trigger.type.sub_event_type != "Armed clash":
        # the agent of the attack that is the clause's subject: "A new attack launched by the
        # coalition on the village caused a massacre" (in a clash, the side fought comes after:
        # "strikes launched by the coalition fighting Daesh")
        agent = next((a for a in reversed(before) if _agent_of_participle(low, a.first)), None) \
            or next((a for a in after if _agent_after(doc, trigger, a)), None)
    if agent is not None:
        # the target: the subject of the passive, else civilians or a side named as a target
        # after the agent ("a car bomb was detonated by ISIS ..., killing 20 civilians"),
        # not a second agent ("by the regime or Russian warplanes")
        # (not a side reacting to it: "Syrian Coalition condemns massacre by Russian air force")
        speaking = set(subjects) - set(_drop_speakers(doc.tokens, subjects, trigger.first))
        subjects = [a for a in subjects if a not in speaking]
        targets = [a.actor for a in (subjects[-1:] if subjects else [a for a in before if a not in speaking])
                   if a.actor != agent.actor] \
            or [a.actor for a in after if a.first > agent.first and a.actor != agent.actor
                and (a.actor.inter == 7 or _preceded_by(low, a.first, _TARGET_PREPS))]
        return agent.actor, (targets[0] if targets else None), True
    subjects = _drop_speakers(doc.tokens, subjects, trigger.first)
    if _passive(low, trigger):
        # "rebel positions were shelled", "a Russian helicopter was shot down": with no agent
        # named ("by X", above), the grammatical subject is what was hit and the doer is unknown;
        # without a subject, a side named after the trigger was hit ("items seized from rebel
        # hideouts", "... shot down, the biggest loss for Russian forces")
        hit = [a for a in before if not _preceded_by(low, a.first, _NOT_BEFORE_SUBJECT)][-1:]
        if not hit and after and _preceded_by(low, after[0].first, _WHEN) \
                and doc.trigger_index().starting(after[0].end, after[0].end + 2):
            # the side that attacked when it happened did it: "300 men were executed when IS stormed the
            # village" (not "shelled after rebels seized it": the side hit)
            return after[0].actor, None, True
        hit = hit or after[:1]
        return None, (hit[0].actor if hit else None), False
    # in a battle the side that lost men is still a side, but the other one comes first; in
    # one-sided violence it is the target
    suffered = [a for a in subjects if _suffered(low, a, trigger)]
    if trigger.type.event_type == "Battles":
        victims, subjects = [], [a for a in subjects if a not in suffered] + suffered
    else:
        victims, subjects = suffered, [a for a in subjects if a not in suffered]
    if not subjects:
        # a side naming the trigger's doer as its modifier, after a preposition: "killed in coalition air
        # strikes", "by terrorists' rocket shells" (not a target: "the coalition against ISIS struck")
        # ("killed in Russian air strikes": the side's name holds the trigger)
        # ("a Taliban-planted landmine": its participle between)
        subjects = [a for a in before if (a.end == trigger.first or a.first < trigger.first < a.end
                                          or a.end + 1 == trigger.first and low[a.end] in _WEAPON_PARTICIPLES)
                    and a.actor.inter != 7 and a not in victims
                    and not _preceded_by(low, a.first, _TARGET_PREPS)][-1:]
    # the grammatical subject comes first: "rebels attacked government forces with car bombs";
    # but a side whose name holds the trigger did it, wherever the clause names it: "the YPG
    # expanded their control despite the bombing of several locations by Syrian jets"
    holder = next((a for a in before if a.first <= trigger.first < a.end and not a.actor.generic
                   and a.actor.inter != 7 and not _preceded_by(low, a.first, _TARGET_PREPS)), None)
    actor1 = holder.actor if holder is not None else subjects[0].actor if subjects else None
    objects = [a for a in subjects if a is not holder] if holder is not None else subjects[1:]
    # sides named together before the trigger did it together: "Turkish artillery and coalition
    # jets hit 33 positions" (no field holds a second doer; neither is the other's target)
    # (not in a clash, which two sides fight each other: "Kurdish fighters and ISIS militants clashed")
    if trigger.type.sub_event_type != "Armed clash":
        ends, starts = {a.end for a in subjects}, {a.first for a in subjects}
        objects = [a for a in objects
                   if not (a.first >= 2 and low[a.first - 1] in ("and", "or") and a.first - 1 in ends)
                   and not (a.end + 1 < len(low) and low[a.end] in ("and", "or") and a.end + 1 in starts)]
    if actor1 is None and trigger.type.event_type == "Protests":
        actor1 = next((a.actor for a in before if a.actor.inter == 7), None)
    if actor1 is None:
        # the subject of an earlier clause of the sentence: "Rebels attacked X, ..., and shelled Y"
        earlier = [a for a in doc.actors_within(s_lo, c_lo) if a.actor.inter != 7]
        actor1 = earlier[-1].actor if earlier and not _preceded_by(low, earlier[-1].first, _BEFORE_AGENT_OR_TARGET) else None
    others = ([a.actor for a in victims if a.actor != actor1]
              + [a.actor for a in after if a.actor != actor1]
              + [a.actor for a in objects if a.actor != actor1]  # the object: "attacked government forces with ..."
              + [a.actor for a in before if a.actor != actor1 and a.actor.inter == 7])
    if trigger.type.violent:
        # a government or the UN is no side in fighting (see default_actors): "18 children were
        # killed in a terrorist attack, UN envoy de Mistura said" hit the children
        others = [actor for actor in others if not _not_a_fighting_side(actor)]
    if actor1 is None and trigger.type.sub_event_type == "Armed clash":
        # a battle told by its dead: "the battle for Zabadani has cost the lives of 63 rebels and 21
        # Hezbollah fighters" was fought between the two
        sides = list(dict.fromkeys(a.actor for a in after if a.actor.inter != 7 and not _not_a_fighting_side(a.actor)))
        if len(sides) >= 2:
            return sides[0], sides[1], False
    actor2 = others[0] if others else None
    return actor1, actor2, actor1 is not None


_ARTICLES = _GRAMMAR.words("articles")
# How far after the trigger "by X" names its doer: a passive's agent may follow where and how it
# happened ("a man was shot to death in the market by two armed men").
_AGENT_REACH = 6
_PASSIVE_AGENT_REACH = 12


_IRREGULAR_PARTICIPLES = _GRAMMAR.words("irregular_participles")


def _passive(low: list[str], trigger: Trigger) -> bool:
    """Is the trigger a passive participle ("were shelled", "was reportedly shot down")?

    Not a progressive ("were shelling") nor a noun after "there were" ("there were clashes").
    """
    word = low[trigger.first]
    return (word.endswith("ed") or word in _IRREGULAR_PARTICIPLES) and _after_auxiliary(low, 0, trigger.first)


def _after_auxiliary(low: list[str], lo: int, first: int) -> bool:
    """Does a passive auxiliary ("were", "was reportedly") stand right before token ``first`` (not before ``lo``)?"""
    k = first - 1
    while k >= lo and first - k <= 3 and low[k] in PASSIVE_ADVERBS:
        k -= 1
    return k >= lo and low[k] in AUXILIARIES


def doer_span(low: list[str], trigger: Trigger, c_lo: int, c_hi: int) -> tuple[int, int]:
    """The token span of its clause that names a trigger's doer, for the rules' ``doer_has``.

    The subject before the trigger ("villagers attacked"), or, when the trigger is a passive,
    the agent after "by" ("was beaten to death by residents"); an empty span at the trigger
    for a passive with no agent. The rest of the clause is what the rules' ``hit_has`` reads.
    """
    if not _after_auxiliary(low, c_lo, trigger.first):
        return c_lo, trigger.first
    after = low[trigger.end:min(trigger.end + _AGENT_WORDS, c_hi)]
    if "by" not in after:
        return trigger.first, trigger.first
    start = trigger.end + after.index("by") + 1
    return start, min(start + _AGENT_WORDS, c_hi)


# How far after a passive trigger "by" is looked for, and its agent's words read after it
# ("beaten to death by residents", "attacked by a group of vendors")
_AGENT_WORDS = 4


_DIED = _SIDES.words("died")


# "20 militants of the Islamic State were killed in air strikes": how far the toll may follow the side
_VICTIM_REACH = 6


def _suffered(low: list[str], subject: ActorMention, trigger: Trigger) -> bool:
    """A side that "was killed" or "died" before the trigger is its victim, not its doer:
    "20 IS militants were killed in coalition air strikes" (but not a side "who were attacked last
    week" that shelled a town on Friday)."""
    relative = False
    for k in range(subject.end, min(trigger.first, subject.end + _VICTIM_REACH)):
        relative = relative or low[k] in _RELATIVES
        if _suffered_at(low, k, hit=not relative):
            return True
    return False


def suffered_toll(low: list[str], lo: int, hi: int) -> bool:
    """Do tokens ``lo:hi`` tell of people killed or hurt without saying by whom ("were killed", "died")?"""
    return any(_suffered_at(low, k) for k in range(lo, hi))


def _suffered_at(low: list[str], k: int, hit: bool = True) -> bool:
    """Token ``k`` tells that people suffered: "died", "were killed", "was wounded", "has been the
    target of" (strikes), a headline's "Killed in"; with ``hit``, also "were hit", "were targeted"."""
    return low[k] in _DIED or (k > 0 and low[k] in _toll_words() and low[k - 1] in AUXILIARIES) \
        or (low[k] in _TARGET_NOUNS and 0 < k < len(low) - 1 and low[k + 1] == "of" and low[k - 1] in ("the", "a")) \
        or (low[k] in _toll_words() and low[k].endswith("ed") and k + 1 < len(low) and low[k + 1] in _HEADLINE_AFTER
            and not any(w.isdecimal() or w in ("many", "much") for w in low[k + 1:k + 4])) \
        or (hit and k > 0 and low[k] in _HIT_PASSIVES and low[k - 1] in AUXILIARIES)


_HIT_PASSIVES = _SIDES.words("hit_passives")


_HEADLINE_AFTER = _SIDES.words("headline_after")


_TARGET_NOUNS = _SIDES.words("target_nouns")


@lru_cache(maxsize=1)
def _toll_words() -> frozenset[str]:
    lex = load_lexicon("numbers")
    return frozenset(str(w) for w in lex["killed_words"] + lex["wounded_words"] if " " not in str(w))


# "an airstrike of the US-led anti-terror coalition": how far the side may follow "of"
_OF_REACH = 7


_HIT_NOUNS = _SIDES.words("hit_nouns")
_PROPERTY_NOUNS = _SIDES.words("property_nouns")


# "attacks from DAESH" ("from" right after the trigger): how far the side may follow the trigger
_FROM_REACH = 3


# "clashes erupted on Friday at midnight between X and Y": how far "between" may follow its trigger
_BETWEEN_REACH = 6


def _between_sides(low: list[str], trigger: Trigger, c_hi: int,
                   after: list[ActorMention]) -> tuple[Actor, Actor | None] | None:
    """The two sides of "fighting between X and Y", when "between" belongs to the trigger
    (not "... where civilians died, an area traded between X and Y"); the second side
    is the next one that is not the first named again. When one kind of side is named for
    both ("between the A and B clans"), it is the first and the second is left unnamed."""
    stop = min(c_hi, trigger.end + _BETWEEN_REACH + 1)
    at = next((k for k in range(trigger.end, stop) if low[k] == "between"), None)
    if at is None:
        return None
    named = [a for a in after if a.first > at]
    other = next((a.actor for a in named[1:] if a.actor != named[0].actor), None)
    if other is not None:
        return named[0].actor, other
    if named and named[0].actor.generic and "and" in low[at + 1:named[0].first]:
        # one kind of side named for both: "clashes between Bani Ali and Al Badi tribesmen"
        return named[0].actor, None
    return None


_SPEECH = _SIDES.words("speech")


_REACTION = _SIDES.words("reaction")


_ACCUSE = _SIDES.words("accuse")


_DESCRIBE = _SIDES.words("describe")


SAYS = _SIDES.words("says")


_CONFIRMS = _SIDES.words("confirms")


_OWN = _GRAMMAR.words("own_pronouns")


def _drop_speakers(tokens: Tokens, subjects: list[ActorMention], trigger_first: int) -> list[ActorMention]:
    """Drop a side that only reports or reacts to what another did.

    "rebels said government forces shelled X" (another side follows), "the
    UN condemned the air strikes", "the Coalition said the air strikes
    killed 20" (nothing says the strikes were the speaker's own), "Syrian
    Coalition: 19 civilians killed in Russian air strikes" (a headline
    quoting it).
    """
    low = tokens.low
    kept = []
    for k, a in enumerate(subjects):
        verbs = low[a.end:a.end + 3]
        # a reaction may follow the speaker's title and name: "the Coalition chief Ahmad Jarba called on ..."
        if any(w in _REACTION and not (w in _ACCUSE and low[j - 1] in AUXILIARIES)
               and not (w in _DESCRIBE and not _OWN.isdisjoint(low[j + 1:j + 4]))
               for j, w in enumerate(low[a.end:a.end + 5], start=a.end)) or (
            a.end < len(low) and ":" in tokens.text[tokens.ends[a.end - 1]:tokens.starts[a.end]]
        ):
            continue
        # before a later side: "the Coalition, an opposition group based abroad, said regime planes ..."
        if k + 1 < len(subjects) and any(w in _SPEECH for w in low[a.end:subjects[-1].first]):
            own = subjects[k + 1]
            if own.actor.generic and own.first > 0 and (
                    low[own.first - 1] in ("its", "their") or not _CONFIRMS.isdisjoint(low[a.end:own.first])):
                kept.append(a)  # "Russia said its jets struck": the speaker's own forces did it
                break
            continue
        if k + 1 == len(subjects) and any(w in SAYS for w in verbs) \
                and not any(w in _OWN for w in low[a.end:trigger_first]):
            continue
        kept.append(a)
    return kept


_DETERMINER_LIKE = _SIDES.words("determiner_like")
_SIDE_COUNTS = _SIDES.words("side_counts")


_SUPPORT = _SIDES.words("support")


def _supports(low: list[str], k: int) -> bool:
    """Do tokens ``k - 1:k + 1`` open another side's support ("backed by", "support from", "help of")?"""
    return k >= 1 and low[k] in ("from", "of", "by") and low[k - 1] in _SUPPORT


def _ally(low: list[str], index: int) -> bool:
    """Is the side starting at token ``index`` named as another's ally ("backed by X", "alongside X")?"""
    k = _word_before(low, index)
    return k >= 0 and (low[k] == "alongside" or _supports(low, k))


# "backed by US-led coalition air strikes": how far the trigger may follow "by"
_SUPPORT_REACH = 5


def in_support(low: list[str], trigger: Trigger, clause_triggers: list[Trigger], c_lo: int) -> bool:
    """Is the trigger another side's support of the event, not the event ("Backed by Russian
    air strikes, government forces captured Palmyra")?

    Only a noun names support: a verb after the supporter is the clause's own ("Rebels backed
    by Turkey attacked ...", "backed by artillery attacked"), and so is a trigger after another.
    """
    first = trigger.first
    if low[first].endswith("ed") or low[first] in _IRREGULAR_PARTICIPLES:
        return False
    for k in range(first - 1, max(c_lo, first - _SUPPORT_REACH - 1), -1):
        if _supports(low, k):
            return not any(k < t.first < first for t in clause_triggers)
    return False


def describes_a_side(doc: Doc, trigger: Trigger) -> bool:
    """Is the trigger a participle that tells what a side does, not an event ("the US-led coalition
    fighting IS", "rebels battling the regime")?

    It is when a side ends right before it, another side is its object (right after it, over
    "the"), and it is a present participle: "the coalition fighting IS in Iraq and Syria"
    describes the coalition; "the coalition fought IS" and "rebel shelling killed four
    civilians" are events.
    """
    low = doc.tokens.low
    if not low[trigger.first].endswith("ing") or trigger.first == 0:
        return False
    if not any(a.end == trigger.first for a in doc.actors_within(max(0, trigger.first - 8), trigger.first)):
        return False
    return any(all(w in _ARTICLES for w in low[trigger.end:a.first])
               for a in doc.actors_within(trigger.end, trigger.end + 8))


def _relative_subject(low: list[str], before: list[ActorMention], trigger: Trigger) -> ActorMention | None:
    """The side a relative pronoun right before the trigger stands for ("the group which seized it").

    The side must end at most three words before the pronoun ("the Ahrar al-Sham rebel group
    which"); a passive ("which was shelled") has its own subject: what was hit.
    """
    k = trigger.first - 1
    if k < 1 or low[k] not in _RELATIVES or _passive(low, trigger):
        return None
    near = [a for a in before if k - _RELATIVE_REACH <= a.end <= k and a.actor.inter != 7]
    return near[-1] if near else None


# the relative words that stand for a side (not "where", "when", "whom", "whose")
_RELATIVES = RELATIVE_WORDS - {"where", "when", "whom", "whose"}


_RELATIVE_REACH = 3


def _by_before(low: list[str], index: int) -> int | None:
    """Where "by" stands before the side at ``index`` (over determiners), if it does and a word precedes it."""
    k = _word_before(low, index)
    return k if k >= 1 and low[k] == "by" else None


def _holder(low: list[str], index: int) -> bool:
    """Is the side at ``index`` named as a place's holder ("Idlib, which is held by Al Qaeda affiliate ...")?"""
    k = _by_before(low, index)
    return k is not None and low[k - 1] in _HOLDING


_HOLDING = _SIDES.words("holding")


def _agent_after(doc: Doc, trigger: Trigger, side: ActorMention) -> bool:
    """Is ``side``, after the trigger, the agent of a participle or a campaign told of the trigger's event?

    "airstrikes on the town of Armanaz ... purportedly carried out by Syrian regime or Russian jets",
    "the brutal onslaught by the Assad regime"; not the agent of another event named in between:
    "in retaliation for an attack carried out by Jaish al-Fatah", "protests staged by residents".
    """
    low = doc.tokens.low
    k = _by_before(low, side.first)
    if k is None:
        return False
    if low[k - 1] in _ONSLAUGHTS:
        return not _trigger_between(doc, trigger.end, k - 1)
    return side.first - trigger.end <= _PARTICIPLE_REACH and _agent_of_participle(low, side.first) \
        and not _trigger_between(doc, trigger.end, k)


def _trigger_between(doc: Doc, lo: int, hi: int) -> bool:
    """Does another event's wording stand in tokens ``lo:hi``?

    A generic word the toll was told "in" is the same event: "three suicide bombers killed two
    people ... in an attack claimed by the Islamic State group".
    """
    low = doc.tokens.low
    return any(not (t.type.generic and t.first >= 2 and low[t.first - 1] in ("a", "an", "the") and low[t.first - 2] == "in")
               for t in doc.trigger_index().starting(lo, hi))


def _agent_of_participle(low: list[str], index: int) -> bool:
    """Is the mention at ``index`` the agent of an attack's participle ("launched by", "carried out by")?"""
    k = _by_before(low, index)
    return k is not None and (low[k - 1] in _AGENT_PARTICIPLES or low[k - 2:k] == ["carried", "out"])


# "airstrikes on the town of Armanaz in Idlib province purportedly carried out by Syrian regime
# or Russian jets": how far after the trigger a participle's agent may stand
_PARTICIPLE_REACH = 20


_ONSLAUGHTS = _SIDES.words("onslaughts")


_WHEN = _GRAMMAR.words("when_words")


_AGENT_PARTICIPLES = _SIDES.words("agent_participles")


def _word_before(low: list[str], index: int) -> int:
    """The token before ``index`` once articles and "Syria's" are passed over (-1 if none)."""
    k = index - 1
    while k >= 0 and (low[k] in _DETERMINER_LIKE or low[k] in _SIDE_COUNTS or low[k].isdecimal()):
        k -= 1
    return k


def _fire_from(low: list[str], trigger: Trigger, index: int) -> bool:
    """Does the side at ``index`` follow "by <fire> from", the agent of a passive trigger ("a civilian was
    injured by gunfire from Turkish border guards")?"""
    k = _word_before(low, index)
    return k >= 0 and low[k] == "from" and "by" in low[max(trigger.end, k - _FIRE_WORDS - 1):k] \
        and _passive(low, trigger)


# How many words may name the fire between "by" and "from" ("by heavy machine-gun fire from")
_FIRE_WORDS = 4


def _preceded_by(low: list[str], index: int, words: Container[str]) -> bool:
    """True if one of ``words`` stands right before ``index`` (over an article or "Syria's")."""
    k = _word_before(low, index)
    return k >= 0 and low[k] in words


def actors_from_control(clause: str, country: str | None) -> tuple[Actor | None, Actor | None]:
    """Who attacked, when the text only says whose area was hit (``country``: the document's)."""
    low = clause.lower()
    if "held" not in low and "controlled" not in low:
        return None, None  # what both patterns end with: most clauses need no regex search
    if _GOV_HELD_RE.search(clause) and not _REBEL_HELD_RE.search(clause):
        return role_actor("rebels", country), role_actor("civilians", country)
    if _REBEL_HELD_RE.search(clause) and not _GOV_HELD_RE.search(clause):
        return role_actor("state_forces", country), role_actor("civilians", country)
    return None, None


def role_actor(role: str, country: str | None) -> Actor:
    """The actor of a role (actors.yaml), in the document's country."""
    return actors_by_role()[role].in_country(country)


def _actor_index() -> dict[str, Actor]:
    return actors_by_name()


def inherit_actor(records: list[EventRecord], record: EventRecord, s_index: int, targeted: bool) -> None:
    """The doer of the last event of the same type, or told in a general word ("the attacks"), a
    sentence or two before.

    When that doer is this event's actor2, it is the target if the text says
    so ("the assault against DAESH": no doer inherited), else the same side
    named after the trigger ("... rocket attack in Homs. Terrorist groups
    fired ...": the doer, and no actor2)."""
    for earlier in reversed(records):
        if s_index - earlier.last_sentence > NEIGHBOURING_SENTENCES:
            return
        # (or a report of the same violence in a general word: "continued terrorist attacks on Aleppo city
        # killed 18 ... Some 14 were killed by shells that hit al-Midan")
        # (there only: a general word's violence at the same place or around it, and no air strike,
        # which a side named for attacks on the ground may not have flown)
        same = earlier.sub_event_type == record.sub_event_type or (
            earlier.generic and earlier.violent and record.violent and record.sub_event_type != "Air/drone strike"
            and earlier.place is not None and record.place is not None
            and (earlier.place.place_id == record.place.place_id or holds(earlier.place, record.place)))
        if same and earlier.actor1 is not None:
            if earlier.actor_from_weapon:
                continue  # the weapon named there says nothing of who did this one
            if earlier.actor1 != record.actor2:
                record.actor1 = earlier.actor1
            elif not targeted:
                record.actor1, record.actor2 = earlier.actor1, None
            return


def targeted(doc: Doc, trigger: Trigger, c_hi: int, actor: Actor | None) -> bool:
    """Is ``actor`` named after the trigger as its target ("attacks against X", "strikes on X")?"""
    low = doc.tokens.low
    return actor is not None and any(
        a.actor == actor and _preceded_by(low, a.first, _TARGET_PREPS) for a in doc.actors_within(trigger.end, c_hi))


def default_actors(record: EventRecord, country: str | None) -> None:
    """The sides a record takes when the text names none, or names one that cannot be one (``country``: the document's)."""
    actors = _actor_index()
    if record.violent:
        # in fighting, a state acts through its forces; diplomats and the UN are not a side
        if record.actor1 is not None and record.actor1.government_body:
            forces = actors.get("Military Forces of " + record.actor1.name.removeprefix("Government of "))
            # (coded as the government was: at home or abroad)
            record.actor1 = replace(forces, inter=record.actor1.inter) if forces else record.actor1
        if record.actor1 is not None and record.actor1.role == "un":
            record.actor1 = None  # "the attack was confirmed by the UN"
        if record.actor2 is not None and _not_a_fighting_side(record.actor2):
            record.actor2 = None
    if record.actor1 is not None and record.actor1.inter == 7 and record.event_type not in ("Protests", "Riots"):
        # civilians are what was hit, not who acted
        record.actor1, record.actor2 = record.actor2, record.actor1
    if record.event_type == "Riots" and (record.actor1 is None or record.actor1.inter != _RIOTERS):
        # ACLED codes a riot's rioters first, whoever the report names first: protesters who turned
        # violent are rioters, and the forces that met them ("police fired tear gas at rioting
        # prisoners") are its second side
        # (not armed men who attacked a crowd: "militiamen attacked protesters with sticks" keeps its doer)
        faced = record.actor1 if record.actor1 is not None and record.actor1.inter == STATE_FORCES else None
        if record.actor1 is None or faced is not None or record.actor1.role in ("protesters", "civilians"):
            record.actor1 = role_actor("rioters", country)
        if faced is not None and (record.actor2 is None or record.actor2.inter in _CROWDS):
            record.actor2 = faced
    if record.event_type == "Protests" and record.actor1 is not None and record.actor1.role == "civilians":
        record.actor1 = role_actor("protesters", country)  # residents who protest are protesters
    if record.event_type == "Protests" and record.actor1 is not None and record.actor1.inter in ARMED_SIDES:
        # the armed side told with a protest is the one that stepped in; ACLED codes the protesters first
        record.actor1, record.actor2 = None, record.actor2 or record.actor1
    if record.actor1 is None:
        if record.sub_event_type == "Air/drone strike":
            record.actor1 = role_actor("unidentified_military", country)
        elif record.event_type == "Protests":
            record.actor1 = role_actor("protesters", country)
        elif record.violent:
            record.actor1 = role_actor("unidentified_armed_group", country)
        elif record.sub_event_type in _UNNAMED_DOERS:
            record.actor1 = role_actor(_UNNAMED_DOERS[record.sub_event_type], country)
    if record.sub_event_type == "Air/drone strike" and record.actor2 is not None \
            and record.actor2.role == "unidentified_military":
        # unnamed aircraft are the raid's, never what it hit: "Air strikes killed 13 people when
        # warplanes hit rebel-held districts"
        record.actor2 = None
    if record.actor1 is None and record.actor2 is not None and record.actor2.inter != 7 \
            and record.sub_event_type in _ONE_SIDED_DEVELOPMENTS:
        # a deal or talks told of one side only ("the opposition walked out of the negotiations"): its actor1
        # (not the side arrested: "twenty rebels were arrested")
        record.actor1, record.actor2 = record.actor2, None
    _distinct_sides(record)
    if record.event_type == "Violence against civilians" and record.actor2 is None:
        record.actor2 = role_actor("civilians", country)
        _distinct_sides(record)


def default_intervener(record: EventRecord, country: str | None) -> None:
    """A protest the authorities stepped into whose report names no one stepping in: the police did.

    Applied once a document's reports of one event are merged, so a side
    named in another sentence of the same protest is kept.
    """
    if record.sub_event_type in _PROTESTS_MET_BY_FORCE and record.actor2 is None:
        record.actor2 = role_actor("police", country)


# ACLED's inter codes of rioters, and of the crowds (rioters, protesters, civilians) a riot's rioters are
_RIOTERS = 5
_CROWDS = frozenset((5, 6, 7))

# Protests the authorities stepped into: someone stepped in, the police unless the report says otherwise.
_PROTESTS_MET_BY_FORCE = frozenset({"Protest with intervention", "Excessive force against protesters"})

# Strategic developments whose one named side is the side acting.
_ONE_SIDED_DEVELOPMENTS = _SIDES.words("one_sided_development_types")
_UNNAMED_DOERS = {str(k): str(v) for k, v in _SIDES["unnamed_doers"].items()}


def _not_a_fighting_side(actor: Actor) -> bool:
    """Diplomats and the UN: named in reports of violence, never one of its sides."""
    return actor.government_body or actor.role == "un"


def _distinct_sides(record: EventRecord) -> None:
    """An actor is never its own opponent: a side found twice (its name, then a
    pronoun's antecedent or a default) is actor1 only."""
    if record.actor2 is not None and record.actor2 == record.actor1:
        record.actor2 = None

