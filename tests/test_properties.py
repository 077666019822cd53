"""Property-based tests (hypothesis) for stages whose own tests do not have them yet.

Already covered elsewhere and not repeated here: the name normaliser
(tests/test_names.py), the event-table validator and its round trips
(tests/test_events.py), byte decoding (tests/test_corpus.py), offsets of
extraction from any text (tests/test_extract_robustness.py), the gazetteer
alt-name filter (tests/test_gazetteer_build.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from geomap.extract.dates import WEEKDAYS, find_dates
from geomap.extract.figures import find_figures
from geomap.extract.text import Tokens

# pandas' string dtype cannot hold lone surrogates, and no decoded file contains them.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


# --- the number parser -------------------------------------------------------------------------

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spelled(n: int) -> str:
    """English words for 1 <= n < 1,000,000 ("two thousand and five", "forty-two")."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_UNITS[n % 10]}" if n % 10 else "")
    if n < 1000:
        return f"{_UNITS[n // 100]} hundred" + (f" and {spelled(n % 100)}" if n % 100 else "")
    rest = n % 1000
    joiner = " " if rest >= 100 else " and "
    return f"{spelled(n // 1000)} thousand" + (joiner + spelled(rest) if rest else "")


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 100_000), st.sampled_from(["digits", "grouped", "words"]), st.sampled_from(["killed", "wounded"]))
@example(100_000, "words", "killed")  # "one hundred thousand" once read as 1,100 (findings R8)
def test_a_governed_figure_reads_back_as_its_value(n: int, spelling: str, kind: str) -> None:
    figure = {"digits": str(n), "grouped": f"{n:,}", "words": spelled(n)}[spelling]
    verb = {"killed": "killing", "wounded": "wounding"}[kind]
    for sentence in (f"The shelling hit the market, {verb} {figure} people.",
                     f"{figure[0].upper()}{figure[1:]} people were {kind} in the raid."):
        found = find_figures(Tokens.of(sentence))
        assert [(f.value, f.kind) for f in found] == [(n, kind)], sentence
        assert sentence[found[0].start:found[0].end].lower() == figure.lower()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_figures_in_any_text_are_bounded_and_located(text: str) -> None:
    for figure in find_figures(Tokens.of(text)):
        assert 0 <= figure.value <= 100_000
        assert figure.kind in ("killed", "wounded")
        assert 0 <= figure.start < figure.end <= len(text)


# --- the date resolver -------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.sampled_from(["dmy", "mdy", "iso", "ordinal"]))
def test_a_written_out_date_resolves_to_itself(day: dt.date, spelling: str) -> None:
    month = MONTH_NAMES[day.month - 1]
    phrase = {
        "dmy": f"{day.day} {month} {day.year}",
        "mdy": f"{month} {day.day}, {day.year}",
        "iso": day.isoformat(),
        "ordinal": f"{day.day}th of {month} {day.year}",
    }[spelling]
    text = f"Rebels shelled the town on {phrase}, activists said."
    found = [d for d in find_dates(text, ref=dt.date(2100, 1, 1)) if d.date is not None]
    assert [d.date for d in found] == [day], phrase
    assert found[0].precision == 1 and found[0].explicit
    assert phrase in text[found[0].start:found[0].end] or text[found[0].start:found[0].end] in phrase


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)), st.sampled_from(sorted(WEEKDAYS)))
def test_a_weekday_is_the_latest_such_day_up_to_the_report_date(ref: dt.date, weekday: str) -> None:
    (found,) = find_dates(f"Shelling hit the town on {weekday}.", ref=ref)
    assert found.date is not None and found.date.weekday() == WEEKDAYS[weekday]
    assert 0 <= (ref - found.date).days <= 6


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)))
def test_yesterday_is_the_day_before_the_report_date(ref: dt.date) -> None:
    (found,) = find_dates("Two people were killed yesterday.", ref=ref)
    assert found.date == ref - dt.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)), st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)))
def test_a_day_and_month_take_the_year_that_puts_them_near_the_report(ref: dt.date, day: dt.date) -> None:
    text = f"Fighting resumed on {day.day} {MONTH_NAMES[day.month - 1]} near the city."
    resolved = [d.date for d in find_dates(text, ref=ref) if d.date is not None]
    assume(resolved)  # 29 February in a year without it has no date
    (date,) = resolved
    assert (date.month, date.day) == (day.month, day.day)
    assert -1 <= (ref - date).days <= 366


_DATE_WORDS = st.one_of(
    st.integers(1, 31).map(str), st.integers(1000, 2099).map(str), st.sampled_from(MONTH_NAMES),
    st.sampled_from(sorted(WEEKDAYS)), st.dates(dt.date(1000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["on", "in", "of", "since", "late", "last", "week", "month", "yesterday", "this", "morning", ",", "."]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_WORDS, max_size=12).map(" ".join), st.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31)))
def test_no_event_date_is_after_the_report_or_before_1900(text: str, ref: dt.date) -> None:
    for found in find_dates(text, ref=ref):
        if found.date is not None:
            assert dt.date(1900, 1, 1) <= found.date <= ref + dt.timedelta(days=1), (text, found)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.none() | st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)))
def test_dates_in_any_text_never_raise_and_are_located(text: str, ref: dt.date | None) -> None:
    for found in find_dates(text, ref=ref):
        assert 0 <= found.start < found.end <= len(text)
        assert found.precision in (1, 2, 3)


# --- corpora: every record is a document or an error ---------------------------------------------

_JSONL_LINES = st.one_of(
    TEXT.filter(str.strip).map(lambda t: json.dumps({"text": t})),
    st.sampled_from(["{broken", "[1, 2]", '{"text": ""}', '{"id": 5, "text": "Rebels shelled Aleppo."}', "null"]),
    # raw junk, but one line of it: no line breaks of any kind
    st.text(st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc")), max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_JSONL_LINES, min_size=1, max_size=8), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_every_jsonl_record_is_a_document_or_an_error_at_its_line(lines: list[str], encoding: str) -> None:
    import tempfile
    from pathlib import Path

    from geomap.documents import iter_documents

    assume(any(line.strip() for line in lines))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.jsonl"
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        errors: list = []
        documents = list(iter_documents(path, errors=errors))
    # a U+FEFF opening a UTF-8 file is its byte-order mark, not text of the first line
    first = lines[0].removeprefix("\ufeff") if encoding == "utf-8" else lines[0]
    records = [number for number, line in enumerate([first, *lines[1:]], start=1) if line.strip()]
    assert sorted([d.line for d in documents] + [e.line for e in errors]) == records


# --- the map builder ---------------------------------------------------------------------------

_ACLED_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                "Strategic developments")


@st.composite
def event_rows(draw: Any) -> dict[str, Any]:
    located = draw(st.booleans())
    return {
        "event_id": draw(TEXT),
        "event_date": draw(st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)),
        "event_type": draw(st.sampled_from(_ACLED_TYPES)),
        "actor1": draw(TEXT),
        "actor2": draw(TEXT),
        "location": draw(TEXT),
        "admin1": draw(TEXT),
        "notes": draw(TEXT),
        "source": draw(TEXT),
        "doc_id": draw(TEXT),
        "latitude": draw(st.floats(-90, 90)) if located else None,
        "longitude": draw(st.floats(-180, 180)) if located else None,
        "fatalities": draw(st.none() | st.integers(0, 100_000)),
    }


_BLOB = re.compile(r'<script type="application/json" id="[^"]+">(.*?)</script>', re.S)


def _clean(value: str) -> str:
    return value.strip()


def _decoded_text(payload: dict[str, Any], column: str, i: int) -> str:
    col = payload["text"].get(column)
    if col is None:
        return ""
    if "codes" not in col:
        return col["values"][i]
    return col.get("values", payload["strings"])[col["codes"][i]]


@pytest.fixture(scope="module")
def tiny_gazetteer(tmp_path_factory: pytest.TempPathFactory):
    """The map builder reads its offline basemap from the gazetteer folder; keep it small here."""
    from test_map import write_tiny_gazetteer

    mp = pytest.MonkeyPatch()
    mp.setenv("GEOMAP_GAZETTEER", str(write_tiny_gazetteer(tmp_path_factory.mktemp("gaz"))))
    yield
    mp.undo()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(event_rows(), min_size=1, max_size=8))
def test_any_valid_table_renders_and_its_json_reads_back(tiny_gazetteer: None, rows: list[dict[str, Any]]) -> None:
    from geomap.render import build_map, render_html
    from geomap.render.map import payload_coordinates
    from geomap.render.payload import payload_from_html

    html = render_html(build_map(pd.DataFrame(rows), title="t"))
    payload = payload_from_html(html)  # the page carries the table compressed (geomap.render.payload)
    on_map = [r for r in rows if r["latitude"] is not None]
    off_map = [r for r in rows if r["latitude"] is None]
    assert payload["total"] == len(rows)
    assert len(payload["lat"]) == len(on_map) and len(payload["missing"]) == len(off_map)
    lats, lons = payload_coordinates(payload)
    for i, row in enumerate(on_map):
        assert lats[i] == pytest.approx(row["latitude"], abs=1e-5)
        assert lons[i] == pytest.approx(row["longitude"], abs=1e-5)
        assert payload["actors"][payload["actor"][i]]["name"] == (_clean(row["actor1"]) or "Unknown actor")
        sub = payload["subs"][payload["sub"][i]]
        assert payload["types"][sub["type"]]["name"] == row["event_type"]
        fat = payload["fat"][i] if payload["fat"] is not None else None
        assert fat == row["fatalities"]
        if row["event_date"] is None:
            assert payload["day"] is None or payload["day"][i] is None
        else:
            day = payload["day0"] + payload["day"][i]
            assert dt.date(1970, 1, 1) + dt.timedelta(days=day) == dt.date.fromisoformat(row["event_date"])
        for column in ("event_id", "location", "admin1", "notes", "doc_id", "source"):
            assert _decoded_text(payload, column, i) == _clean(row[column]), column
        other = payload["actor2"][i]  # the other party indexes the actors (-1: none)
        assert (payload["actors"][other]["name"] if other >= 0 else "") == _clean(row["actor2"])
    for missing, row in zip(payload["missing"], off_map):
        assert missing["actor"] == row["actor1"] and missing["notes"] == row["notes"]
        assert missing["location"] == row["location"] and missing["doc"] == row["doc_id"]
