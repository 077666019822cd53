"""Any text extracts without raising, and every offset points into it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.extract import extract_document
from geomap.events import EVENT_COLUMNS

WORDS = st.sampled_from(
    ["Aleppo", "Homs", "rebels", "shelled", "killing", "12", "at", "least", "people", "on", "Tuesday", "the",
     "city", "in", "village", "of", "Qarqoozville", "air", "strikes", "could", "not", ",", ".", "-", "al",
     "Jaish", "al-Islam", "dozens", "wounded", "Geneva", "talks", "truce", "announced", "\n", "حلب", "’s"]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, max_size=40).map(" ".join) | st.text(max_size=200))
def test_any_text_extracts_with_valid_offsets(text):
    events, mentions = extract_document(text, report_date="2016-05-03", doc_id="h")
    assert list(events.columns[: len(EVENT_COLUMNS)]) == list(EVENT_COLUMNS)
    for row in mentions.itertuples():
        assert text[row.char_start:row.char_end] == row.text
    for row in events.itertuples():
        assert 0 <= row.char_start < row.char_end <= len(text)
        assert row.fatalities >= 0


# --- resource bounds: one long document or clause stays linear -------------
import time  # noqa: E402

from geomap.extract import extract_mentions  # noqa: E402
from geomap.extract.coding import find_triggers, is_irrealis  # noqa: E402
from geomap.extract.text import Tokens  # noqa: E402

_PARAGRAPH = (
    "Government warplanes struck the town of Maarat al-Numan on Tuesday, killing at least 12 civilians, "
    "activists said. Rebels shelled government-held parts of Aleppo on Monday; three people were wounded. "
    "Clashes between the army and Islamic State fighters continued near Palmyra, while a car bomb exploded "
    "in Homs on 3 May 2016, killing 5 people. Talks in Geneva could be resumed next week.\n\n"
)


def _cpu_seconds(func, *args) -> float:
    """Best of two runs (CPU time), after a warm-up run that fills the caches."""
    func(*args)
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        func(*args)
        best = min(best, time.process_time() - start)
    return best


def _growth(func, small: str, large: str) -> float:
    """How much longer ``large`` takes per character than ``small``."""
    return (_cpu_seconds(func, large) / len(large)) / (_cpu_seconds(func, small) / len(small))


def _events(text: str):
    return extract_document(text, report_date="2016-05-03")


def test_one_long_document_extracts_in_linear_time():
    # linking once scanned every mention, trigger, date and actor for each sentence
    small, large = _PARAGRAPH * 40, _PARAGRAPH * 320
    assert _growth(_events, small, large) < 2.5  # quadratic would be 8


def test_one_long_document_keeps_every_event():
    events, _mentions = _events(_PARAGRAPH * 30)
    single, _m = _events(_PARAGRAPH)
    # repeated paragraphs are the same events (merged), not lost ones
    assert set(events["sub_event_type"]) == set(single["sub_event_type"])
    assert set(events["location"].dropna()) == set(single["location"].dropna())


def test_one_clause_with_many_triggers_is_linear():
    # negation cues were looked up over the whole clause again for each trigger
    unit = "rebels shelled Aleppo killing 3 people and "
    assert _growth(_events, unit * 300, unit * 2400) < 2.5  # quadratic would be 8


def test_irrealis_cues_still_count_anywhere_before_the_trigger_in_a_long_clause():
    text = "officials denied that " + "rebels shelled Aleppo and " * 50 + "rebels shelled Homs"
    tokens = Tokens.of(text)
    triggers = find_triggers(tokens)
    assert triggers and all(is_irrealis(tokens, t, 0, len(tokens)) for t in triggers)
    plain = Tokens.of("rebels shelled Aleppo and " * 50)
    assert not any(is_irrealis(plain, t, 0, len(plain)) for t in find_triggers(plain))


def _twin_village_gazetteer(n: int):
    """``n`` invented names, each a village twice in Syria (so nearby context must decide)."""
    import itertools

    from geomap.gazetteer import Gazetteer, Place

    syllables = ["ba", "zo", "li", "ka", "ru", "mi", "ta", "sha", "qu", "de", "no", "fi", "ra", "wa"]
    names = ["".join(parts).capitalize() for parts in itertools.product(syllables, repeat=3)][:n]
    places = []
    for k, name in enumerate(names):
        for twin, (lat, lon) in enumerate(((33 + (k % 50) / 20, 36 + (k // 50) / 20), (36 - (k % 40) / 20, 38 - (k // 40) / 30))):
            places.append(Place(f"T{k}-{twin}", name, "village", lat, lon, "SY", "", "", "", None, (), "test"))
    return Gazetteer.from_places(places), names


def test_a_long_list_of_ambiguous_names_resolves_in_linear_time():
    # each name's nearby context was every other name of the document
    gazetteer, names = _twin_village_gazetteer(2400)

    def run(text: str) -> None:
        extract_mentions(text, gazetteer=gazetteer)

    small = "Clashes were reported in " + ", ".join(names[:300]) + "."
    large = "Clashes were reported in " + ", ".join(names) + "."
    assert _growth(run, small, large) < 2.5  # quadratic would be 8
    found = extract_mentions(large, gazetteer=gazetteer)
    assert len(found) == len(names)  # nothing dropped


# --- unknown names opened by a generic head word ----------------------------

@pytest.mark.parametrize("name", ["Qaryat Zizounat", "Ain Zizounat", "Tell Zizounat", "Kafr Zizounat", "Umm Zizounat",
                                  "Deir Zizounat", "Khirbet Zizounat al-Gharbiya"])
def test_an_unknown_name_is_one_unlocated_mention_not_its_first_word(name):
    mentions = extract_mentions(f"Government airstrikes hit the village of {name}, killing 5 civilians.")
    assert mentions[["text", "status"]].values.tolist() == [[name, "unlocated"]]


def test_a_generic_head_word_opens_a_place_name_without_a_cue():
    mentions = extract_mentions("Shelling hit Kafr Zizounat overnight, and Umm Ahmed said the Tell Zizounat road was cut.")
    assert mentions[["text", "status"]].values.tolist() == [["Kafr Zizounat", "unlocated"], ["Tell Zizounat", "unlocated"]]


@pytest.mark.parametrize("name", ["Kafr Nabl", "Tell Rifaat", "Ain Issa", "Deir Ezzor", "Khan Shaykhun", "Ras al-Ain"])
def test_known_names_with_a_generic_head_still_locate(name):
    mentions = extract_mentions(f"Government airstrikes hit {name}, killing 5 civilians.")
    assert mentions[["text", "status", "country"]].values.tolist() == [[name, "located", "SY"]]


def test_a_number_thousands_of_digits_long_is_no_figure_and_no_crash():
    from geomap.extract import extract_events

    events = extract_events("Rebels shelled Aleppo, killing " + "9" * 5000 + " people.", report_date="2016-05-03")
    assert len(events) == 1
    assert events["fatalities"].iloc[0] in (0, None) or events["fatalities"].isna().iloc[0]


@pytest.mark.parametrize("written", ["5 May 2099", "5 May 1850", "May 5, 2099"])
def test_dates_after_the_report_or_before_1900_are_not_event_dates(written):
    from geomap.extract.dates import find_dates
    import datetime as dt

    text = f"Rebels shelled Aleppo on {written}, killing 3."
    assert [d.date for d in find_dates(text, ref=dt.date(2016, 5, 3))] == []
    assert [d.date for d in find_dates("Rebels shelled Aleppo on 1 May 2016.", ref=dt.date(2016, 5, 3))] == [dt.date(2016, 5, 1)]
