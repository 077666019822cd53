"""Any text extracts without raising, and every offset points into it."""

from __future__ import annotations

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
