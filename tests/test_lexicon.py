"""The lexicon is data checked at load: a mistake names its file and line; every entry is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from lexicon_edit import replace_once

from geomap.extract import extract_document, lexicon
from geomap.extract.lexicon import LEXICON_DIR, LexiconError
from geomap.extract.rules import Coding, retype


def test_a_misspelled_sub_event_type_fails_loading_with_its_file_and_line(lexicon_copy: Path) -> None:
    line = replace_once(lexicon_copy / "triggers.yaml", "sub_event_type: Suicide bomb", "sub_event_type: Suicide bombs")
    with pytest.raises(LexiconError, match=rf"triggers\.yaml:{line}: unknown sub_event_type 'Suicide bombs'"):
        lexicon.load("triggers", lexicon_copy)


def test_a_sub_event_type_under_the_wrong_event_type_is_named(lexicon_copy: Path) -> None:
    line = replace_once(lexicon_copy / "triggers.yaml", "sub_event_type: Suicide bomb", "sub_event_type: Armed clash")
    with pytest.raises(LexiconError, match=rf"triggers\.yaml:{line}: .*'Armed clash'.*belongs to 'Battles'"):
        lexicon.load("triggers", lexicon_copy)


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("triggers", "priority: 95", "priority: high", "priority must be a int"),
    ("triggers", "priority: 95", "priorty: 95", "unknown field 'priorty'"),
    ("actors", "inter: 1", "inter: 12", "inter 12 is not an ACLED actor type"),
    ("rules", "then: {event_type: Violence against civilians, sub_event_type: Attack}",
     "then: {event_type: Violence against civilians, sub_event_type: Atack}", "unknown sub_event_type 'Atack'"),
    ("rules", "clause_has: unmanned", "clause_has: unmaned", "no word list 'unmaned'"),
    ("triggers", "patterns: [car bomb, car bombs,", "patterns: [sarin, car bomb, car bombs,",
     "'sarin' is already a pattern of entry 2"),
    ("actors", "role: civilians", "role: civilian", "unknown role 'civilian'"),
    ("sides", "Arrests: police", "Arrests: polic", "no actor of role 'polic'"),
    ("sides", "Arrests: police", "Arrest: police", "unknown sub_event_type 'Arrest'"),
    ("rules", "doer_has: people_no_side", "doer_has: people_no_sides", "no word list 'people_no_sides'"),
])
def test_other_mistakes_are_reported_at_their_line(lexicon_copy: Path, name: str, old: str, new: str, message: str) -> None:
    line = replace_once(lexicon_copy / f"{name}.yaml", old, new)
    with pytest.raises(LexiconError, match=rf"{name}\.yaml:{line}: .*{message}"):
        lexicon.load(name, lexicon_copy)


def test_a_trigger_doer_must_be_a_known_actor(lexicon_copy: Path) -> None:
    line = replace_once(lexicon_copy / "triggers.yaml", "doer: Military Forces of Syria", "doer: Military Forces of Syrai")
    with pytest.raises(LexiconError, match=rf"triggers\.yaml:{line}: doer 'Military Forces of Syrai'"):
        lexicon.load("triggers", lexicon_copy)


def test_every_lexicon_entry_is_read_by_extraction() -> None:
    text = ("Rebels shelled Aleppo on Monday, killing 3 people, activists said. (AFP photo) Two drones were "
            "shot down over Idlib. (Reuters) Government forces retook the village of Kafr Nabl in Idlib province.")
    extract_document(text, report_date="2016-05-03")
    unread = {path.stem: sorted(set(lexicon.load(path.stem).data) - lexicon.load(path.stem).read)
              for path in LEXICON_DIR.glob("*.yaml")}
    assert {name: keys for name, keys in unread.items() if keys} == {}


class _Side:
    def __init__(self, inter: int, government: bool = False) -> None:
        self.inter, self.government = inter, government


@pytest.mark.parametrize(("coding", "broad", "actor1", "actor2", "clause", "settled", "expected"), [
    (("Battles", "Armed clash", True), True, _Side(2), _Side(7), ["attacked"], False,
     ("Violence against civilians", "Attack", True)),
    (("Battles", "Armed clash", True), False, _Side(2), _Side(7), ["clashed"], False, ("Battles", "Armed clash", True)),
    (("Battles", "downing", True), False, None, None, ["shot", "down", "a", "drone"], False,
     ("Strategic developments", "Disrupted weapons use", False)),
    (("Battles", "downing", True), False, None, None, ["shot", "down", "a", "helicopter"], False,
     ("Battles", "Armed clash", True)),
    (("Battles", "territory", True), False, _Side(1, True), None, ["retook"], False, ("Battles", "territory", True)),
    (("Battles", "territory", True), False, _Side(1, True), None, ["retook"], True,
     ("Battles", "Government regains territory", True)),
    (("Battles", "territory", True), False, _Side(2), None, ["seized"], True,
     ("Battles", "Non-state actor overtakes territory", True)),
])
def test_the_rules_table_retypes_a_clause(coding: tuple, broad: bool, actor1: _Side | None, actor2: _Side | None,
                                         clause: list[str], settled: bool, expected: tuple) -> None:
    assert tuple(retype(Coding(*coding), broad=broad, actor1=actor1, actor2=actor2, clause=clause,
                        doer_settled=settled)) == expected


def test_no_pattern_spells_a_possessive_as_a_lone_s() -> None:
    """Text "Haftar's forces" is read as "haftar forces" (what follows an apostrophe is cut), so a pattern
    written "haftar s forces" can never match: possessives are written with their apostrophe."""
    dead = []
    for name in ("actors.yaml", "triggers.yaml", "rules.yaml", "sides.yaml"):
        text = (LEXICON_DIR / name).read_text(encoding="utf-8")
        for line in text.splitlines():
            item = line.strip()
            if item.startswith("#") or not item.startswith("- "):
                continue
            value = str(yaml.safe_load(item)[0])
            if re.search(r"\b[a-z]{2,} s\b", value):
                dead.append(f"{name}: {value}")
    assert dead == []
