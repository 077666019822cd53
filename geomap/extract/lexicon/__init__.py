"""The lexicon: every word list and rule of extraction, as YAML data checked when it is loaded.

Each ``lexicon/<name>.yaml`` is read once per process by :func:`load`. The
tables whose entries have a shape (``triggers``, ``actors``, ``rules``) are
checked entry by entry: known keys only, the right types, every event type
and sub-event type one of ACLED's (:func:`geomap.schema.load_taxonomy`) or a
type a rule of ``rules.yaml`` decides, every trigger's ``doer`` an actor of
``actors.yaml``. A mistake stops the load with :class:`LexiconError`,
``FILE:LINE: message``, naming the line of the offending entry.

Word lists are read with :meth:`Lexicon.words` (a set of lower-case words or
phrases), :meth:`Lexicon.phrases` (in file order) and
:meth:`Lexicon.alternation` (a regular-expression alternation); every list
must be a list of non-empty strings, and a list named ``..._types`` a list of
ACLED sub-event types. ``lexicon/README.md`` documents the kinds of rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from geomap.errors import GeomapError
from geomap.schema import load_taxonomy, world_countries

LEXICON_DIR = Path(__file__).resolve().parent

# libyaml's safe loader when PyYAML was built with it (its wheels are): the same
# documents, parsed in C; the pure-Python parser took a quarter second of every
# process's first extraction. Lines are found again only to report a mistake.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


class LexiconError(GeomapError):
    """A lexicon file breaks its schema; the message is ``FILE:LINE: message``."""


class Lexicon:
    """One parsed and checked lexicon file.

    Attributes
    ----------
    name : str
        The file's stem (``triggers`` for ``lexicon/triggers.yaml``).
    path : Path
    data : dict
        The parsed document.
    """

    def __init__(self, name: str, path: Path, data: dict[str, Any]) -> None:
        self.name, self.path, self.data = name, path, data
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        if key not in self.data:
            raise LexiconError(f"{self.path}: no entry {key!r}")
        self.read.add(key)
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The entry ``key``, or ``default`` when the file has none."""
        return self[key] if key in self.data else default

    def words(self, key: str, *subkeys: str) -> frozenset[str]:
        """The words (or phrases) listed under ``key`` (and ``subkeys`` within it), as a set."""
        return frozenset(self.phrases(key, *subkeys))

    def phrases(self, key: str, *subkeys: str) -> tuple[str, ...]:
        """The phrases listed under ``key`` (and ``subkeys`` within it), in file order, spaces normalised."""
        value = self[key]
        for sub in subkeys:
            if not isinstance(value, Mapping) or sub not in value:
                raise self.error((key, *subkeys), f"no list {sub!r} under {key!r}")
            value = value[sub]
        _check_words(self, (key, *subkeys), value)
        return tuple(" ".join(str(w).split()) for w in value)

    def alternation(self, key: str, space: str = " ") -> str:
        """The phrases under ``key`` as a regular-expression alternation ``(?:...)``, longest first.

        ``space`` is what the space between two words of a phrase matches (a
        single space by default; ``r"\\s+"`` for any run of white space).
        """
        phrases = sorted(self.phrases(key), key=len, reverse=True)
        return "(?:" + "|".join(re.escape(p).replace("\\ ", space) for p in phrases) + ")"

    def error(self, where: Path_, message: str) -> LexiconError:
        """A :class:`LexiconError` naming the line of the entry at ``where``."""
        return LexiconError(f"{self.path}:{_line_of(self.path, where)}: {message}")


def load(name: str, folder: Path | None = None) -> Lexicon:
    """Return the checked lexicon ``<name>.yaml`` (cached per folder and name).

    Parameters
    ----------
    name : str
        The file's stem.
    folder : Path, optional
        Where the file is; the bundled lexicon by default (tests point it
        at a copy to show how a mistake is reported).

    Raises
    ------
    LexiconError
        ``FILE:LINE: message`` for a file that cannot be parsed or breaks its schema.
    """
    return _load(name, folder or LEXICON_DIR)


@functools.cache
def _load(name: str, folder: Path) -> Lexicon:
    path = folder / f"{name}.yaml"
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_SAFE_LOADER)
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}:" if mark is not None else ""
        raise LexiconError(f"{path}:{line} not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}:1: a lexicon is a mapping of names to lists or tables")
    lexicon = Lexicon(name, path, data)
    _check_type_lists(lexicon)
    check = _CHECKS.get(name)
    if check is not None:
        check(lexicon, folder)
    return lexicon


def loaded() -> list[Lexicon]:
    """The lexicons loaded so far in this process (for the test that every entry is used)."""
    return [_load(name, folder) for name, folder in _loaded_keys()]


def _loaded_keys() -> list[tuple[str, Path]]:
    # functools.cache keeps its keys private; load() is the only way in, so ask it for each file
    return [(p.stem, p.parent) for p in sorted(LEXICON_DIR.glob("*.yaml"))]


# --- where a mistake is ------------------------------------------------------------------


def _line_of(path: Path, where: Path_) -> int:
    """The line of the YAML node at ``where`` (keys and list indices), or of its nearest parent."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return 1
    line = node.start_mark.line + 1 if node is not None else 1
    for step in where:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


# --- checks --------------------------------------------------------------------------------


def _check_words(lexicon: Lexicon, where: Path_, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise lexicon.error(where, f"{'/'.join(map(str, where))} must be a list of non-empty words")


def _check_type_lists(lexicon: Lexicon) -> None:
    """A list named ``..._types`` holds ACLED sub-event types: each must be one."""
    subs = _acled_sub_types()
    for key, value in lexicon.data.items():
        if key.endswith("_types"):
            _check_words(lexicon, (key,), value)
            for index, sub in enumerate(value):
                if sub not in subs:
                    raise lexicon.error((key, index), f"unknown sub_event_type {sub!r} in {key}")


def _check_entries(lexicon: Lexicon, key: str, fields: Mapping[str, tuple[type, bool]],
                   check: Callable[[Lexicon, Path_, dict[str, Any]], None]) -> None:
    """Every entry of the table ``key``: a mapping with known fields of the right type, then ``check``."""
    entries = lexicon.data.get(key)
    if not isinstance(entries, list):
        raise lexicon.error((key,), f"{key!r} must be a list of entries")
    for index, entry in enumerate(entries):
        where = (key, index)
        if not isinstance(entry, dict):
            raise lexicon.error(where, f"entry {index + 1} of {key!r} is not a mapping")
        for field, value in entry.items():
            if field not in fields:
                raise lexicon.error((*where, field), f"unknown field {field!r} (known: {', '.join(fields)})")
            kind = fields[field][0]
            if kind is list:
                _check_words(lexicon, (*where, field), value)
            elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise lexicon.error((*where, field), f"{field} must be a {kind.__name__}, not {value!r}")
        missing = [f for f, (_kind, required) in fields.items() if required and f not in entry]
        if missing:
            raise lexicon.error(where, f"entry {index + 1} of {key!r} lacks {', '.join(missing)}")
        check(lexicon, where, entry)


def _check_type(lexicon: Lexicon, where: Path_, entry: Mapping[str, Any], deferred: frozenset[str]) -> None:
    """``event_type`` is ACLED's; ``sub_event_type`` is one of its own, or a type a rule decides."""
    taxonomy = load_taxonomy()
    event_type, sub = entry.get("event_type"), entry.get("sub_event_type")
    if event_type is not None and event_type not in taxonomy.event_types:
        raise lexicon.error((*where, "event_type"),
                            f"unknown event_type {event_type!r} (one of: {', '.join(taxonomy.event_types)})")
    if sub is None or sub in deferred:
        return
    allowed = taxonomy.event_types.get(event_type) if event_type else tuple(
        s for subs in taxonomy.event_types.values() for s in subs)
    if sub not in (allowed or ()):
        owner = taxonomy.event_type_of(sub)
        hint = f"; it belongs to {owner!r}" if owner else ""
        raise lexicon.error((*where, "sub_event_type"), f"unknown sub_event_type {sub!r} for {event_type!r}{hint}")


_TRIGGER_FIELDS = {
    "event_type": (str, True), "sub_event_type": (str, True), "priority": (int, True), "patterns": (list, True),
    "needs": (list, False), "violent": (bool, False), "inverse": (bool, False), "generic": (str, False),
    "doer": (str, False), "broad": (bool, False), "fallback": (bool, False), "verb_only": (bool, False),
    "defence": (bool, False), "subjects": (list, False),
}
_GENERIC = ("own-type", "any")


def _check_triggers(lexicon: Lexicon, folder: Path) -> None:
    deferred = _deferred_types(folder)
    actors = {entry["name"] for entry in _load("actors", folder).data["actors"]}

    def check(lex: Lexicon, where: Path_, entry: dict[str, Any]) -> None:
        _check_type(lex, where, entry, deferred)
        if entry.get("generic", _GENERIC[0]) not in _GENERIC:
            raise lex.error((*where, "generic"), f"generic must be one of {', '.join(_GENERIC)}")
        if "doer" in entry and entry["doer"] not in actors:
            raise lex.error((*where, "doer"), f"doer {entry['doer']!r} is not an actor of actors.yaml")

    _check_entries(lexicon, "triggers", _TRIGGER_FIELDS, check)
    _check_unique_patterns(lexicon, "triggers")


def _check_unique_patterns(lexicon: Lexicon, key: str) -> None:
    """A phrase belongs to one entry: listed under two, one of them would silently never apply.

    An entry scoped to some countries (``countries``, actors.yaml) may share a phrase with an
    unscoped one, and with other scoped entries of other countries.
    """
    owner: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(lexicon.data[key]):
        for number, pattern in enumerate(entry["patterns"]):
            phrase = " ".join(pattern.split())
            for country in entry.get("countries") or ("",):
                if owner.get((phrase, country), index) != index:
                    raise lexicon.error((key, index, "patterns", number),
                                        f"{phrase!r} is already a pattern of entry {owner[phrase, country] + 1} of {key!r}"
                                        + (f" in {country}" if country else ""))
                owner[phrase, country] = index


_ACTOR_FIELDS = {
    "name": (str, True), "inter": (int, True), "patterns": (list, True), "generic": (bool, False),
    "government": (bool, False), "case_sensitive": (list, False), "role": (str, False), "country": (str, False),
    "countries": (list, False),
}
#: The roles the engine asks for (an actor of actors.yaml has at most one; each role at most one actor).
ACTOR_ROLES = ("state_forces", "police", "rebels", "civilians", "protesters", "rioters", "unidentified_armed_group",
               "unidentified_military", "un")


def _check_actors(lexicon: Lexicon, folder: Path) -> None:
    """Actors: known fields, ACLED inter codes, roles, ISO2 codes, one entry per name and phrase.

    An entry scoped to some countries (``countries``) may carry the name of another entry, with
    its ``inter``: it lists the phrases that name that side in those countries only.
    """
    everywhere = {e["name"]: e for e in lexicon.data.get("actors") or [] if isinstance(e, dict)
                  and "name" in e and not e.get("countries")}
    names: dict[str, int] = {}
    roles: dict[str, str] = {}

    def check(lex: Lexicon, where: Path_, entry: dict[str, Any]) -> None:
        if not 0 <= entry["inter"] <= 8:
            raise lex.error((*where, "inter"), f"inter {entry['inter']} is not an ACLED actor type (0-8)")
        same = everywhere.get(entry["name"])
        if entry.get("countries"):
            if same is not None and same.get("inter") != entry["inter"]:
                raise lex.error((*where, "inter"), f"actor {entry['name']!r} has inter {same.get('inter')} elsewhere")
        elif entry["name"] in names:
            raise lex.error((*where, "name"), f"actor {entry['name']!r} is listed twice")
        else:
            names[entry["name"]] = where[1]  # type: ignore[assignment]
        role = entry.get("role")
        if role is not None and role not in ACTOR_ROLES:
            raise lex.error((*where, "role"), f"unknown role {role!r} (one of: {', '.join(ACTOR_ROLES)})")
        if role is not None and role in roles:
            raise lex.error((*where, "role"), f"role {role!r} is already {roles[role]!r}'s")
        if role is not None:
            roles[role] = entry["name"]
        for field, codes in (("country", [entry.get("country")]), ("countries", entry.get("countries") or [])):
            for code in codes:
                if code is not None and (len(code) != 2 or not code.isupper() or world_countries().by_code(code) is None):
                    raise lex.error((*where, field), f"{field}: {code!r} is not an ISO 3166 alpha-2 code")
        if entry.get("countries") and (role is not None or entry.get("case_sensitive")):
            raise lex.error((*where, "countries"), "an entry scoped to countries has no role and no case_sensitive forms")

    _check_entries(lexicon, "actors", _ACTOR_FIELDS, check)
    _check_unique_patterns(lexicon, "actors")


#: What a re-typing rule may test (see rules.yaml): the trigger's own type and flags, the sides found, the clause's words.
RULE_CONDITIONS = {
    "event_type": str, "sub_event_type": str, "broad": bool, "side_inter": list, "actor1_inter": list,
    "actor2_inter": list, "actor2_named": bool, "actor1_government": bool, "clause_has": str,
    "object_has": str, "near_has": str, "doer_has": str, "hit_has": str, "armed_side": bool, "actor1_armed": bool,
}
_RULE_FIELDS = {"name": (str, True), "at": (str, False), "when": (dict, True), "then": (dict, True)}
_RULE_STAGES = ("sides", "doer")
_RULE_EFFECTS = {"event_type": str, "sub_event_type": str, "violent": bool}


def _check_rules(lexicon: Lexicon, folder: Path) -> None:
    def check(lex: Lexicon, where: Path_, entry: dict[str, Any]) -> None:
        if entry.get("at", _RULE_STAGES[0]) not in _RULE_STAGES:
            raise lex.error((*where, "at"), f"at must be one of {', '.join(_RULE_STAGES)}")
        for part, known in (("when", RULE_CONDITIONS), ("then", _RULE_EFFECTS)):
            for key, value in entry[part].items():
                if key not in known:
                    raise lex.error((*where, part, key), f"unknown {part} key {key!r} (known: {', '.join(known)})")
                if not isinstance(value, known[key]) or (known[key] is not bool and isinstance(value, bool)):
                    raise lex.error((*where, part, key), f"{part}.{key} must be a {known[key].__name__}")
        for key in ("clause_has", "object_has", "near_has", "doer_has", "hit_has"):
            if key in entry["when"] and entry["when"][key] not in lex.data:
                raise lex.error((*where, "when", key), f"no word list {entry['when'][key]!r} in rules.yaml")
        _check_type(lex, (*where, "then"), entry["then"], frozenset())

    _check_entries(lexicon, "retype", _RULE_FIELDS, check)


_RELATIVE_FIELDS = {"keywords": (list, True), "pattern": (str, True), "unit": (str, True), "amount": (int, True),
                    "precision": (int, True)}
_RELATIVE_UNITS = ("days", "weekend", "lastweek", "thisweek", "lastmonth", "thismonth")


def _check_dates(lexicon: Lexicon, folder: Path) -> None:
    def check(lex: Lexicon, where: Path_, entry: dict[str, Any]) -> None:
        try:
            re.compile(entry["pattern"])
        except re.error as exc:
            raise lex.error((*where, "pattern"), f"pattern is not a regular expression: {exc}") from None
        if entry["unit"] not in _RELATIVE_UNITS:
            raise lex.error((*where, "unit"), f"unit must be one of {', '.join(_RELATIVE_UNITS)}")
        if entry["precision"] not in (1, 2, 3):
            raise lex.error((*where, "precision"), "precision is ACLED's time_precision: 1, 2 or 3")

    _check_entries(lexicon, "relative", _RELATIVE_FIELDS, check)


def _check_sides(lexicon: Lexicon, folder: Path) -> None:
    """``unnamed_doers`` maps ACLED sub-event types to actor roles of actors.yaml."""
    subs = _acled_sub_types()
    roles = {str(entry["role"]) for entry in _load("actors", folder).data["actors"] if "role" in entry}
    table = lexicon.data.get("unnamed_doers", {})
    if not isinstance(table, dict):
        raise lexicon.error(("unnamed_doers",), "unnamed_doers maps sub-event types to actor roles")
    for sub, role in table.items():
        if sub not in subs:
            raise lexicon.error(("unnamed_doers", sub), f"unknown sub_event_type {sub!r} in unnamed_doers")
        if role not in roles:
            raise lexicon.error(("unnamed_doers", sub), f"no actor of role {role!r} in actors.yaml")


def _acled_sub_types() -> set[str]:
    """Every sub-event type of ACLED's taxonomy."""
    return {sub for subs in load_taxonomy().event_types.values() for sub in subs}


def _deferred_types(folder: Path) -> frozenset[str]:
    """The placeholder sub-event types (not ACLED's) that a rule of rules.yaml turns into ACLED's."""
    acled = _acled_sub_types()
    return frozenset(str(rule["when"]["sub_event_type"]) for rule in _load("rules", folder).data["retype"]
                     if "sub_event_type" in rule["when"] and rule["when"]["sub_event_type"] not in acled)


_CHECKS: dict[str, Callable[[Lexicon, Path], None]] = {
    "triggers": _check_triggers, "actors": _check_actors, "rules": _check_rules, "dates": _check_dates,
    "sides": _check_sides,
}
