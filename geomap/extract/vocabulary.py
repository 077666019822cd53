"""The lexicons as matchers: actors and triggers (``actors.yaml``, ``triggers.yaml``), searched in one pass per document."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import PhraseGroup, PhraseMatcher, phrase_table
from geomap.names import tokenize
from geomap.schema import world_countries


@dataclass(frozen=True)
class Actor:
    """A canonical actor of the lexicon.

    Attributes
    ----------
    name : str
        ACLED's name; ``{country}`` in it stands for the country the text is
        about ("Civilians ({country})"), filled by :meth:`in_country`.
    inter : int
        ACLED's actor type, 1-8.
    generic : bool
        A description ("rebels") that gives way to a named group written right after it.
    government : bool
        A state's own forces or government.
    role : str
        What the engine may ask for by role (``state_forces``, ``police``,
        ``civilians``, ``protesters``, ``rioters``, ``unidentified_armed_group``,
        ``unidentified_military``, ``rebels``, ``un``), "" for the others.
    country : str
        ISO2 code of the country whose war the side fights (a state's forces:
        their own state), "" when it fights in several; see :meth:`seen_from`.
    countries : tuple of str
        ISO2 codes of the only countries whose reports name this side by its
        patterns (``countries`` in actors.yaml); empty for every country.
    """

    name: str
    inter: int
    # an actor is its name: "government forces" in a report on Syria and "the Syrian army" are one side
    generic: bool = field(default=False, compare=False)
    government: bool = field(default=False, compare=False)
    role: str = field(default="", compare=False)
    country: str = field(default="", compare=False)
    countries: tuple[str, ...] = field(default=(), compare=False)

    @property
    def government_body(self) -> bool:
        """A government as a party to talks or deals ("Government of Russia"), not its forces."""
        return self.name.startswith("Government of ")

    @property
    def local(self) -> bool:
        """True if the name still waits for its country."""
        return COUNTRY in self.name

    def same_side(self, other: Actor) -> bool:
        """One side, whatever the country: "the army" (the forces of the text's country) and "the Syrian army"."""
        if self.name == other.name:
            return True
        local, named = (self, other) if self.local else (other, self)
        if not local.local or named.local:
            return False
        head, _, tail = local.name.partition(COUNTRY)
        return named.name.startswith(head) and named.name.endswith(tail) and len(named.name) > len(head) + len(tail)

    def in_country(self, country: str | None) -> Actor:
        """This actor with ``{country}`` in its name filled (itself when there is nothing to fill, or no country)."""
        if not country or COUNTRY not in self.name:
            return self
        # keyed by every field: actors of one name are equal, and the first one filled would
        # otherwise stand for all (its role or scope for theirs), whatever the report
        return _filled(self, country, (self.generic, self.government, self.role, self.country, self.countries))

    def seen_from(self, country: str | None) -> Actor:
        """This side as coded in a report on ``country`` (ISO2): ACLED codes a state's forces and
        government as state forces (1) at home and as external forces (8) abroad.

        Itself (its lexicon ``inter``: where it is mostly reported) when the report's country is
        unknown, or the side is no state's.
        """
        if not country or not self.country or not self.government or self.inter not in (STATE_FORCES, EXTERNAL_FORCES):
            return self
        inter = STATE_FORCES if country == self.country else EXTERNAL_FORCES
        return self if inter == self.inter else replace(self, inter=inter)


@lru_cache(maxsize=4096)
def _filled(actor: Actor, country: str, _fields: tuple) -> Actor:
    """:meth:`Actor.in_country`, made once per actor (``_fields``: those equality ignores) and country."""
    name = actor.name.replace(COUNTRY, country)
    # ACLED's article where the lexicon spells it: "Military Forces of the Philippines"
    with_article = actor.name.replace(" of " + COUNTRY, " of the " + country)
    return replace(actor, name=with_article if COUNTRY not in with_article and with_article in actors_by_name()
                   else name)


#: What stands for the country in a local actor's name.
COUNTRY = "{country}"
#: ACLED's actor types of a state's own forces, and of forces acting abroad.
STATE_FORCES, EXTERNAL_FORCES = 1, 8
#: ACLED's actor types of armed sides: state forces, rebels, political and identity militias, external forces.
ARMED_SIDES = frozenset({1, 2, 3, 4, 8})


def _actor(item: dict) -> Actor:
    # an entry scoped to some countries that names a side listed for all is that side, role and all
    role = item.get("role") or (_roles_by_name().get(item["name"], "") if item.get("countries") else "")
    return Actor(item["name"], int(item["inter"]), bool(item.get("generic")), bool(item.get("government")),
                 str(role), str(item.get("country", "")), tuple(item.get("countries") or ()))


@lru_cache(maxsize=1)
def _roles_by_name() -> dict[str, str]:
    """The role of each side listed for every country that has one."""
    return {item["name"]: item["role"] for item in load_lexicon("actors")["actors"]
            if item.get("role") and not item.get("countries")}


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
    # a wording that makes an event only where no other wording of the document reports violence ("killed")
    fallback: bool = False
    # a wording that tells an act only as a verb: after an article, a preposition or "and" it
    # describes a thing ("the burned-out remains of cars", "near destroyed houses")
    verb_only: bool = False
    # a wording whose subject fended off an attack ("X repelled an IS attack"): the side named
    # right after it attacked, and is the doer (ACLED codes the attacker first)
    defence: bool = False
    # who may do it with none of ``needs`` told: one of these words right before the trigger ("nurses marched")
    subjects: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def actor_lexicon() -> tuple[PhraseMatcher, dict[str, Actor], PhraseMatcher]:
    lex = load_lexicon("actors")
    entries = []
    case_sensitive: dict[str, Actor] = {}
    for item in lex["actors"]:
        actor = _actor(item)
        entries.extend((p, actor) for p in item.get("patterns", []))
        for word in item.get("case_sensitive", []) or []:
            case_sensitive[str(word)] = actor
    sources = PhraseMatcher(phrase_table((p, True) for p in lex["reporting_sources"]))
    # a phrase an entry for every country shares with entries scoped to some (see scoped_actors) is
    # matched as the first's: the others replace it once the report's country is known
    entries.sort(key=lambda entry: bool(entry[1].countries))
    return PhraseMatcher(phrase_table(entries)), case_sensitive, sources


@lru_cache(maxsize=1)
def scoped_actors() -> dict[str, tuple[Actor | None, dict[str, Actor]]]:
    """The phrases that name another side in reports on some countries (``countries`` in actors.yaml).

    Returns
    -------
    dict
        Phrase (as matched) -> (the side it names elsewhere, or None; the side it names in the
        reports on each country, by ISO2 code).
    """
    everywhere: dict[str, Actor] = {}
    scoped: dict[str, dict[str, Actor]] = {}
    for item in load_lexicon("actors")["actors"]:
        actor = _actor(item)
        for key in phrase_table((p, actor) for p in item.get("patterns", [])):
            if actor.countries:
                scoped.setdefault(key, {}).update(dict.fromkeys(actor.countries, actor))
            else:
                everywhere.setdefault(key, actor)
    return {key: (everywhere.get(key), by_country) for key, by_country in scoped.items()}


@lru_cache(maxsize=1)
def trigger_lexicon() -> tuple[PhraseMatcher, PhraseMatcher, dict[str, frozenset[str]]]:
    lex = load_lexicon("triggers")
    entries = []
    for item in lex["triggers"]:
        kind = TriggerType(
            item["event_type"], item["sub_event_type"], int(item["priority"]),
            bool(item.get("violent", True)), bool(item.get("inverse", False)),
            tuple(" ".join(str(w).split()) for w in item.get("needs", [])), str(item.get("generic", "")),
            str(item.get("doer", "")), bool(item.get("broad", False)), bool(item.get("fallback", False)),
            bool(item.get("verb_only", False)), bool(item.get("defence", False)),
            frozenset(str(w) for w in item.get("subjects", [])),
        )
        entries.extend((p, kind) for p in item["patterns"])
    not_events = PhraseMatcher(phrase_table((p, True) for p in lex.get("not_events", [])))
    irrealis = {k: frozenset(v) for k, v in lex["irrealis"].items()}
    irrealis["aggregates"] = frozenset(" ".join(str(p).split()) for p in lex.get("aggregates", []))
    irrealis["recent_tallies"] = frozenset(" ".join(str(p).split()) for p in lex.get("recent_tallies", []))
    return PhraseMatcher(phrase_table(entries)), not_events, irrealis


@lru_cache(maxsize=1)
def nationality_lexicon() -> tuple[PhraseMatcher, PhraseMatcher]:
    """Nationality adjectives (-> ISO2 code) and the nouns of a state's forces (-> "Military" or "Police")."""
    lex = load_lexicon("demonyms")
    demonyms = PhraseMatcher(phrase_table((d, code) for code, words in lex["demonyms"].items() for d in words))
    forces = PhraseMatcher(phrase_table([*((n, "Military") for n in lex.phrases("force_nouns")),
                                         *((n, "Police") for n in lex.phrases("police_nouns"))]))
    return demonyms, forces


@lru_cache(maxsize=1)
def country_name_matcher() -> PhraseMatcher:
    """Country names (-> ISO2 code), from the country table of :func:`geomap.schema.countries`."""
    return PhraseMatcher(phrase_table((" ".join(_words(c.name)), c.iso2) for c in world_countries()))


def _words(name: str) -> list[str]:
    return [w.lower() for w, _s, _e in tokenize(name)]


@lru_cache(maxsize=1)
def phrases() -> PhraseGroup:
    """Every phrase lexicon of this module, searched in one pass per document."""
    actors, _case_sensitive, sources = actor_lexicon()
    triggers, not_events, _irrealis = trigger_lexicon()
    demonyms, forces = nationality_lexicon()
    return PhraseGroup([actors, sources, triggers, not_events, cue_word_matcher(), aggregate_matcher(), demonyms, forces,
                        country_name_matcher()])


@lru_cache(maxsize=1)
def actors_by_name() -> dict[str, Actor]:
    """Every canonical actor of the lexicon, by name (as its entry for every country names it)."""
    found: dict[str, Actor] = {}
    for item in load_lexicon("actors")["actors"]:
        if item["name"] not in found or not item.get("countries"):
            found[item["name"]] = _actor(item)
    return found


@lru_cache(maxsize=1)
def actors_by_role() -> dict[str, Actor]:
    """The actor of each role (``role`` in actors.yaml): what the engine asks for without naming it."""
    return {actor.role: actor for actor in actors_by_name().values() if actor.role}


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
        if not _actor(item).government_body:
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
