"""Named armed groups of the Syrian war: coded as actors with ACLED inter codes, never read as places.

Sentences are written for these tests.  Each names a group the way news
reports do; the group must be the doer (actor1) or the target (actor2) of
the event with its canonical name and inter code, and no word of its name may
become a toponym mention ("Hazm" in "Harakat Hazm" is not the village).
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from geomap.extract import extract_events, extract_mentions
from geomap.extract.actors import find_actors
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import Tokens, phrase_table
from geomap.gazetteer import Gazetteer

DATE = "2016-05-03"

# (sentence, the group's name as written, canonical actor, inter, role in the event)
GROUPS = [
    ("Harakat Hazm fighters clashed with al-Nusra Front in Atarib.", "Harakat Hazm", "Harakat Hazm", 2, 1),
    ("The Hazm Movement shelled government positions in Khan Tuman.", "Hazm Movement", "Harakat Hazm", 2, 1),
    ("Nour al-Din al-Zenki fighters shelled the Sheikh Maqsoud district of Aleppo.", "Nour al-Din al-Zenki",
     "Nour al-Din al-Zenki Movement", 2, 1),
    ("Jaish al-Tahrir fired rockets at army positions near Morek.", "Jaish al-Tahrir", "Jaish al-Tahrir", 2, 1),
    ("Jaish al-Izza shelled government positions near Halfaya.", "Jaish al-Izza", "Jaish al-Izza", 2, 1),
    ("Jaysh al-Nasr fighters clashed with government troops in Kafr Nabudah.", "Jaysh al-Nasr", "Jaish al-Nasr", 2, 1),
    ("Faylaq al-Sham fighters clashed with Islamic State militants near al-Rai.", "Faylaq al-Sham",
     "Faylaq al-Sham", 2, 1),
    ("The Sham Legion shelled government positions in Aleppo.", "Sham Legion", "Faylaq al-Sham", 2, 1),
    ("The Levant Front clashed with Kurdish fighters near Tal Rifaat.", "Levant Front", "Levant Front", 2, 1),
    ("The Islamic Front shelled government positions in Aleppo.", "Islamic Front", "Islamic Front", 2, 1),
    ("Jaish al-Islam fighters clashed with Jaish al-Fustat in Misraba.", "Jaish al-Fustat", "Jaish al-Fustat", 2, 2),
    ("The Syria Revolutionaries Front clashed with al-Nusra fighters in Jabal al-Zawiya.",
     "Syria Revolutionaries Front", "Syria Revolutionaries Front", 2, 1),
    ("The Army of Mujahideen clashed with Islamic State militants west of Aleppo.", "Army of Mujahideen",
     "Army of Mujahideen", 2, 1),
    ("Jaysh al-Sunna shelled government positions in Homs.", "Jaysh al-Sunna", "Jaysh al-Sunna", 2, 1),
    ("Ajnad al-Sham fighters clashed with government troops in Darayya.", "Ajnad al-Sham", "Ajnad al-Sham", 2, 1),
    ("Southern Front rebels shelled government positions in Daraa.", "Southern Front", "Southern Front", 2, 1),
    ("The Lions of the East Army clashed with Islamic State militants near al-Tanf.", "Lions of the East Army",
     "Lions of the East Army", 2, 1),
    ("Liwa Thuwar al-Raqqa fighters clashed with Islamic State militants in Tal Abyad.", "Liwa Thuwar al-Raqqa",
     "Liwa Thuwar al-Raqqa", 2, 1),
    ("The Syrian National Army shelled Kurdish positions near Afrin.", "Syrian National Army",
     "Syrian National Army", 2, 1),
    ("The Sultan Murad Division clashed with Islamic State militants near al-Bab.", "Sultan Murad Division",
     "Sultan Murad Division", 2, 1),
    ("The Hamza Division clashed with Kurdish fighters near Manbij.", "Hamza Division", "Hamza Division", 2, 1),
    ("Ahrar al-Sharqiya fighters clashed with Kurdish fighters near Tal Abyad.", "Ahrar al-Sharqiya",
     "Ahrar al-Sharqiya", 2, 1),
    ("The National Front for Liberation shelled government positions in Hama.", "National Front for Liberation",
     "National Front for Liberation", 2, 1),
    ("Turkistan Islamic Party fighters attacked army positions near Jisr al-Shughur.", "Turkistan Islamic Party",
     "Turkistan Islamic Party", 2, 1),
    ("The TIP shelled government positions in Jisr al-Shughur.", "TIP", "Turkistan Islamic Party", 2, 1),
    ("Hurras al-Din fighters attacked army positions near Idlib.", "Hurras al-Din", "Hurras al-Din", 2, 1),
    ("Jaish Khalid ibn al-Walid executed three men in Tasil.", "Jaish Khalid ibn al-Walid",
     "Jaish Khalid ibn al-Walid", 2, 1),
    ("Liwa Shuhada al-Yarmouk fighters captured the village of Tasil.", "Liwa Shuhada al-Yarmouk",
     "Jaish Khalid ibn al-Walid", 2, 1),
    ("The PKK attacked a Turkish army post in Hakkari.", "PKK", "Kurdistan Workers' Party (PKK)", 2, 1),
    ("Kurdish Asayish forces clashed with government troops in Qamishli.", "Asayish", "Asayish", 3, 1),
    # (the Kurdistan Region's forces are state forces in Iraq, external forces in Syria: test_actors_world.py)
    ("Peshmerga forces clashed with Islamic State militants near Mosul.", "Peshmerga", "Peshmerga", 1, 1),
    ("The Manbij Military Council clashed with Turkish-backed rebels near Jarablus.", "Manbij Military Council",
     "Syrian Democratic Forces", 2, 1),
    ("Rijal al-Karama fighters clashed with government troops in Sweida.", "Rijal al-Karama", "Rijal al-Karama", 4, 1),
    ("The Desert Hawks Brigade clashed with Islamic State militants near Palmyra.", "Desert Hawks Brigade",
     "Desert Hawks Brigade", 3, 1),
    ("Afghan Fatemiyoun fighters clashed with Islamic State militants near Palmyra.", "Fatemiyoun",
     "Fatemiyoun Brigade", 3, 1),
    ("Zainabiyoun fighters clashed with rebels south of Aleppo.", "Zainabiyoun", "Zainabiyoun Brigade", 3, 1),
    ("Asa'ib Ahl al-Haq fighters clashed with rebels south of Aleppo.", "Asa'ib Ahl al-Haq",
     "Asa'ib Ahl al-Haq", 3, 1),
    ("Harakat al-Nujaba shelled rebel positions in Khan Tuman.", "Harakat al-Nujaba", "Harakat al-Nujaba", 3, 1),
    ("Kata'ib Hezbollah fighters clashed with rebels near Aleppo.", "Kata'ib Hezbollah", "Kata'ib Hezbollah", 3, 1),
    ("Wagner Group mercenaries attacked Kurdish fighters near Deir ez-Zor.", "Wagner Group", "Wagner Group", 8, 1),
    ("The Tiger Forces recaptured the town of Khanasir.", "Tiger Forces", "Military Forces of Syria", 1, 1),
    # spellings of groups the lexicon already knew
    ("Jeish al-Fatah fighters clashed with government troops near Aleppo.", "Jeish al-Fatah", "Jaish al-Fatah", 2, 1),
    ("Ahrar ash-Sham shelled the town of Fua.", "Ahrar ash-Sham", "Ahrar al-Sham", 2, 1),
    ("Hay'at Tahrir al-Sham fighters clashed with rebels in Atarib.", "Hay'at Tahrir al-Sham",
     "Hayat Tahrir al-Sham / Jabhat al-Nusra", 2, 1),
    ("The Islamic State of Iraq and the Levant attacked Kurdish fighters in Kobani.",
     "Islamic State of Iraq and the Levant", "Islamic State (Syria)", 2, 1),
    ("The People's Protection Units clashed with Islamic State militants near Hasakah.",
     "People's Protection Units", "Syrian Democratic Forces", 2, 1),
    ("Government forces shelled Jaish al-Izza positions near Latamneh.", "Jaish al-Izza", "Jaish al-Izza", 2, 2),
    ("Government troops clashed with Faylaq al-Sham near Aleppo.", "Faylaq al-Sham", "Faylaq al-Sham", 2, 2),
]


def _events(sentence: str):
    return extract_events(sentence, report_date=DATE, doc_id="t")


@pytest.mark.parametrize("sentence, written, actor, inter, role", GROUPS, ids=[g[1] for g in GROUPS])
def test_named_group_is_the_actor_with_its_inter_code(sentence, written, actor, inter, role):
    events = _events(sentence)
    sides = list(zip(events[f"actor{role}"], events[f"inter{role}"]))
    assert (actor, inter) in sides, events[["sub_event_type", "actor1", "actor2"]].to_dict("records")


@pytest.mark.parametrize("sentence, written, actor, inter, role", GROUPS, ids=[g[1] for g in GROUPS])
def test_named_group_is_not_a_toponym(sentence, written, actor, inter, role):
    start = sentence.index(written)
    end = start + len(written)
    mentions = extract_mentions(sentence, doc_id="t")
    inside = mentions[(mentions["char_start"] < end) & (mentions["char_end"] > start)]
    assert inside.empty, inside[["text", "status", "name"]].to_dict("records")


def test_the_group_does_not_move_the_events():
    # "Hazm" is also a village (and a town in Yemen); named three times as the
    # group, it must neither locate an event nor become the document's focus
    text = ("Harakat Hazm fighters clashed with al-Nusra Front in Atarib on Monday. "
            "Al-Nusra Front later shelled Harakat Hazm positions, killing five fighters. "
            "Harakat Hazm said the clashes with Nusra Front resumed on Tuesday.")
    events = _events(text)
    assert len(events) >= 2
    assert set(events["admin1"]) == {"Aleppo"}
    assert "Harakat Hazm" in set(events["actor1"]) and "Harakat Hazm" in set(events["actor2"])


def test_liwa_al_quds_is_not_a_place():
    mentions = extract_mentions("Liwa al-Quds fighters captured the village of Handarat.", doc_id="t")
    assert "Liwa" not in " ".join(mentions["text"])


def test_liwa_al_quds_is_a_pro_government_militia():
    events = _events("Liwa al-Quds fighters captured the village of Handarat.")
    assert ("Liwa al-Quds", 3) in list(zip(events["actor1"], events["inter1"]))


@pytest.mark.parametrize(
    "sentence, place, admin1",
    [
        # the same words outside a group's name keep meaning a place
        ("Government artillery shelled the village of Hazm in Sweida province.", "Hazm", "As-Sweida"),
        ("Islamic State militants shelled the Yarmouk camp in Damascus.", "Yarmouk", "Damascus"),
        ("Islamic State militants crossed into Syria from Iraq.", "Iraq", None),
    ],
)
def test_ordinary_uses_stay_places(sentence, place, admin1):
    mentions = extract_mentions(sentence, doc_id="t")
    found = mentions[mentions["text"] == place]
    assert len(found) == 1 and found.iloc[0]["status"] == "located", mentions[["text", "status"]].to_dict("records")
    if admin1 is not None:
        assert found.iloc[0]["admin1"] == admin1


@pytest.mark.parametrize(
    "sentence, not_actor",
    [
        # a front line, not the FSA's Southern Front
        ("Rebels shelled army positions on the southern front of Aleppo.", "Southern Front"),
        # "tip" is a word; only the capitalised acronym names the Turkistan Islamic Party
        ("Acting on a tip, government forces shelled a rebel hideout in Hama.", "Turkistan Islamic Party"),
        # Lebanon's Hezbollah is not the Iraqi Kata'ib Hezbollah
        ("Hezbollah fighters clashed with rebels in Zabadani.", "Kata'ib Hezbollah"),
    ],
)
def test_ordinary_words_are_not_groups(sentence, not_actor):
    events = _events(sentence)
    assert not_actor not in set(events["actor1"]) | set(events["actor2"])


def test_each_spelling_names_one_actor():
    # patterns are matched after the same normalisation as the text, so two
    # spellings that normalise alike must not point at different groups (in the
    # reports on any one country: an entry of some countries only may name another)
    owners = defaultdict(set)
    for item in load_lexicon("actors")["actors"]:
        assert int(item["inter"]) in range(1, 9), item["name"]
        for pattern in item.get("patterns", []):
            for key in phrase_table([(pattern, True)]):
                for country in item.get("countries") or [""]:
                    owners[key, country].add(item["name"])
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


@pytest.mark.parametrize(
    "spelling, actor",
    [
        ("Hazzm movement", "Harakat Hazm"),
        ("Nour el-Din el-Zinki", "Nour al-Din al-Zenki Movement"),
        ("Harakat Nour al-Din al-Zenki", "Nour al-Din al-Zenki Movement"),
        ("al-Zenki", "Nour al-Din al-Zenki Movement"),
        ("Jaish al-Izzah", "Jaish al-Izza"),
        ("Army of Glory", "Jaish al-Izza"),
        ("Failaq al-Sham", "Faylaq al-Sham"),
        ("Jabhat al-Shamiya", "Levant Front"),
        ("Jaysh al-Mujahideen", "Army of Mujahideen"),
        ("Ajnad ash-Sham", "Ajnad al-Sham"),
        ("FSA's Southern Front", "Southern Front"),
        ("Usud al-Sharqiya", "Lions of the East Army"),
        ("Raqqa Revolutionaries Brigade", "Liwa Thuwar al-Raqqa"),
        ("Firqat al-Hamza", "Hamza Division"),
        ("Turkestan Islamic Party", "Turkistan Islamic Party"),
        ("Hurras ad-Din", "Hurras al-Din"),
        ("Jaish Khalid bin al-Waleed", "Jaish Khalid ibn al-Walid"),
        ("Yarmouk Martyrs Brigade", "Jaish Khalid ibn al-Walid"),
        ("Harakat al-Muthanna", "Jaish Khalid ibn al-Walid"),
        ("Kurdistan Workers' Party", "Kurdistan Workers' Party (PKK)"),
        ("Asayesh", "Asayish"),
        ("Fatemiyoun Division", "Fatemiyoun Brigade"),
        ("Zeinabiyoun", "Zainabiyoun Brigade"),
        ("Asaib Ahl al-Haq", "Asa'ib Ahl al-Haq"),
        ("Asa\u2019ib Ahl al-Haq", "Asa'ib Ahl al-Haq"),
        ("Hezbollah al-Nujaba", "Harakat al-Nujaba"),
        ("Kataib Hezbollah", "Kata'ib Hezbollah"),
        ("Suqur al-Sahara", "Desert Hawks Brigade"),
        ("Qawat al-Nimr", "Military Forces of Syria"),
        ("Quds Force", "Military Forces of Iran"),
        ("IDF", "Military Forces of Israel"),
        ("NDF", "Pro-Government Militia (Syria)"),
        ("Khorasan group", "Al Qaeda"),
        ("Liwa al-Islam", "Jaish al-Islam"),
        ("Rahman Legion", "Faylaq al-Rahman"),
        ("Jabhat Fath al-Sham", "Hayat Tahrir al-Sham / Jabhat al-Nusra"),
        ("Jaysh Al Fateh", "Jaish al-Fatah"),
        ("Peoples Protection Units", "Syrian Democratic Forces"),
        ("Sanadid Forces", "Syrian Democratic Forces"),
        ("Jaysh al-Thuwar", "Syrian Democratic Forces"),
        ("Men of Dignity", "Rijal al-Karama"),
    ],
)
def test_news_spellings_name_the_group(spelling, actor):
    tokens = Tokens.of(f"On Monday {spelling} said it had repelled the attack.")
    assert [m.actor.name for m in find_actors(tokens, Gazetteer.load())] == [actor]


def test_a_side_named_for_a_country_keeps_what_it_is_whatever_was_named_before() -> None:
    # two sides of one name are one side, but what each is (its role, the countries whose reports
    # name it so) must not come from whichever was named first in the process
    from geomap.extract.vocabulary import Actor

    scoped = Actor("Unidentified Armed Group ({country})", 3, True, False, "", "", ("SY",))
    everywhere = Actor("Unidentified Armed Group ({country})", 3, True, False, "unidentified_armed_group")
    first, second = scoped.in_country("Syria"), everywhere.in_country("Syria")
    assert first == second and first.name == "Unidentified Armed Group (Syria)"
    assert (first.role, first.countries) == ("", ("SY",))
    assert (second.role, second.countries) == ("unidentified_armed_group", ())


def test_terrorist_as_a_word_for_an_attack_names_the_rebels_as_state_media_use_it() -> None:
    event = extract_events("Five civilians died in Homs on Monday when terrorist rocket fire hit a bakery.",
                           report_date="2016-05-03").iloc[0]
    assert (event["actor1"], event["actor2"]) == ("Opposition Rebels (Syria)", "Civilians (Syria)")


def test_a_group_called_terrorist_is_the_group_named() -> None:
    found = extract_events("The terrorist group ISIS shelled Deir ez-Zor on Monday.", report_date="2016-05-03")
    assert list(found["actor1"]) == ["Islamic State (Syria)"]
