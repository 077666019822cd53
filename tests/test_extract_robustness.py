"""Any text extracts without raising, and every offset points into it."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap import documents, extract
from geomap.documents import iter_documents
from geomap.extract import extract_corpus, extract_document
from geomap.run import corpus
from geomap.schema import EVENT_COLUMNS
from geomap.textio import read_text

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
from geomap.extract.text import Tokens  # noqa: E402
from geomap.extract.triggers import find_triggers, is_irrealis  # noqa: E402

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
    import datetime as dt

    from geomap.extract.dates import find_dates

    text = f"Rebels shelled Aleppo on {written}, killing 3."
    assert [d.date for d in find_dates(text, ref=dt.date(2016, 5, 3))] == []
    assert [d.date for d in find_dates("Rebels shelled Aleppo on 1 May 2016.", ref=dt.date(2016, 5, 3))] == [dt.date(2016, 5, 1)]


# --- a long report streams: read in pieces, offsets into the whole text, memory bounded -----------

_TOWNS = ["Aleppo", "Homs", "Hama", "Idlib", "Daraa", "Raqqa", "Latakia", "Palmyra", "Manbij", "Azaz"]


def _long_report(paragraphs: int) -> str:
    """A dated report of distinct paragraphs (one place each), long enough to be read in pieces."""
    body = [
        f"Rebels shelled {_TOWNS[i % len(_TOWNS)]} on Monday, killing {i % 7 + 2} people, activists said. "
        f"Residents of the {i}th quarter fled.\n\n"
        for i in range(paragraphs)
    ]
    return "ALEPPO, May 3, 2016 - " + "".join(body)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> int:
    """Read reports over 2,000 bytes in pieces of about 2,000 characters."""
    monkeypatch.setattr(documents, "PIECE_CHARS", 2000)
    return 2000


def test_a_small_report_is_still_one_whole_document(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text(_long_report(3))
    [doc] = iter_documents(path)
    assert (doc.id, doc.text, doc.offset, doc.part, doc.date) == ("r", read_text(path), 0, 0, None)


def test_a_long_report_comes_in_pieces_that_add_up_to_its_text(tmp_path: Path, small_pieces: int) -> None:
    path = tmp_path / "r.txt"
    path.write_text(_long_report(200))
    pieces = list(iter_documents(path))
    text = read_text(path)
    assert len(pieces) > 10
    assert "".join(p.text for p in pieces) == text
    assert [p.part for p in pieces] == list(range(len(pieces)))
    assert {p.id for p in pieces} == {"r"}
    for piece in pieces:
        assert text[piece.offset:piece.offset + len(piece.text)] == piece.text
    for piece in pieces[:-1]:
        assert piece.text.endswith("\n\n")  # cut at a paragraph end, never inside a sentence
        assert small_pieces // 2 <= len(piece.text) <= 2 * small_pieces


def test_pieces_without_paragraphs_end_at_sentences(tmp_path: Path, small_pieces: int) -> None:
    path = tmp_path / "r.txt"
    path.write_text("Rebels shelled Aleppo on Monday, killing 3 people. " * 200)
    pieces = list(iter_documents(path))
    assert len(pieces) > 2 and all(p.text.endswith("people. ") for p in pieces)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_a_long_line_in_any_encoding_streams_to_the_same_text(tmp_path: Path, small_pieces: int,
                                                               monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    monkeypatch.setattr(documents, "_LINE_LIMIT", 333)  # lines read in parts that may fall inside a character
    path = tmp_path / "r.txt"
    path.write_bytes(("Les rebelles ont bombardé Alep, « tuant » 3 civils’ " * 300 + "\nFin.\n").encode(encoding))
    pieces = list(iter_documents(path))
    assert len(pieces) > 2
    assert "".join(p.text for p in pieces) == read_text(path)


def test_a_long_report_extracts_with_offsets_into_the_whole_text(tmp_path: Path, small_pieces: int) -> None:
    path = tmp_path / "r.txt"
    path.write_text(_long_report(60))
    text = read_text(path)
    events, mentions = extract_corpus(iter_documents(path))
    assert set(events["doc_id"]) == {"r"} and set(mentions["doc_id"]) == {"r"}
    assert events["event_id"].is_unique
    for row in mentions.itertuples():
        assert text[row.char_start:row.char_end] == row.text
    for row in events.itertuples():
        assert row.notes.startswith(" ".join(text[row.char_start:row.char_end].split()))  # its first sentence
    # every piece reads "on Monday" against the dateline at the top of the report
    assert set(events["event_date"].astype(str)) == {"2016-05-02"}
    # nothing is lost; what the whole text merges (same place, same day) pieces may report once per piece
    whole, _ = extract_corpus([documents.Document(id="r", text=text)])
    assert set(zip(events["location"], events["sub_event_type"])) == set(zip(whole["location"], whole["sub_event_type"]))
    assert len(whole) <= len(events) <= 60


def test_the_cli_streams_the_same_table_it_would_write_at_once(tmp_path: Path, small_pieces: int,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main
    from geomap.tables import write_events

    monkeypatch.setattr(extract, "BATCH_CHARS", 3000)
    report = tmp_path / "r.txt"
    report.write_text(_long_report(60))
    corpus_file = tmp_path / "c.jsonl"
    corpus_file.write_text("".join(json.dumps({"id": f"d{i}", "text": _long_report(2)}) + "\n" for i in range(8)))
    out, mentions = tmp_path / "e.csv", tmp_path / "m.csv"
    assert main(["extract", str(report), str(corpus_file), "-o", str(out), "--mentions", str(mentions)]) == 0
    assert "geomap extract: 9 documents," in capsys.readouterr().err
    events, found = extract_corpus(iter_documents([report, corpus_file]))
    write_events(events, tmp_path / "at-once.csv")
    assert out.read_text() == (tmp_path / "at-once.csv").read_text()
    assert mentions.read_text() == found.to_csv(index=False)


def test_run_corpus_counts_a_report_in_pieces_as_one_document(tmp_path: Path, small_pieces: int) -> None:
    import pandas as pd

    report = tmp_path / "r.txt"
    report.write_text(_long_report(60))
    run = corpus.run_corpus(report, tmp_path / "events.parquet", batch_size=1)
    assert run.documents == 1 and run.parts > 1
    events = pd.read_parquet(tmp_path / "events.parquet")
    assert len(events) == run.events and events["event_id"].is_unique
    assert events["char_end"].max() > 2 * small_pieces


def _streamed_peak(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(largest text handed to extraction, tracemalloc peak) of ``geomap extract`` on ``path``.

    Extraction itself is replaced by a stub that records its input: what is
    measured is how the report is read, cut and written, at any size.
    """
    largest = 0

    def no_rows(text, report_date, doc_id, gazetteer, source):  # the signature of extract._rows
        nonlocal largest
        largest = max(largest, len(text))
        return [], []

    monkeypatch.setattr(extract, "_rows", no_rows)
    tracemalloc.start()
    try:
        corpus.extract_table(path, path.with_suffix(".csv"), gazetteer=object())
        return largest, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_reading_a_long_report_does_not_grow_with_its_size(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    paragraph = _long_report(40).encode()
    sizes = {}
    for megabytes in (5, 20):
        path = tmp_path / f"r{megabytes}.txt"
        with path.open("wb") as out:
            for _ in range(megabytes * 1_000_000 // len(paragraph) + 1):
                out.write(paragraph)
        sizes[megabytes] = _streamed_peak(path, monkeypatch)
    (largest5, peak5), (largest20, peak20) = sizes[5], sizes[20]
    assert largest5 == largest20 and largest20 <= 2 * documents.PIECE_CHARS
    assert peak20 < 1.5 * peak5 and peak20 < 40_000_000, sizes


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_a_short_report_on_standard_input_is_one_whole_document(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = _long_report(3).encode("cp1252")
    _stdin(monkeypatch, data)
    [doc] = iter_documents("-")
    (tmp_path / "r.txt").write_bytes(data)
    assert (doc.id, doc.text, doc.offset, doc.part) == ("stdin", read_text(tmp_path / "r.txt"), 0, 0)


def test_a_long_report_on_standard_input_streams_in_pieces(tmp_path: Path, small_pieces: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    data = _long_report(200).encode("utf-16")
    _stdin(monkeypatch, data)
    pieces = list(iter_documents("-"))
    (tmp_path / "r.txt").write_bytes(data)
    assert len(pieces) > 10 and {p.id for p in pieces} == {"stdin"}
    assert "".join(p.text for p in pieces) == read_text(tmp_path / "r.txt")
