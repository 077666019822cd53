"""Documents in: encodings, empty and binary files, JSONL and CSV corpora, folders."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from conftest import SOURCE_DATA, requires_shared

from geomap.documents import Document, DocumentError, iter_documents
from geomap.errors import InputError
from geomap.textio import decode_bytes, read_text

ARABIC = "قصف على حلب"


# --- read_text: encodings -------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Shelling hit Aleppo.", "Shelling hit Aleppo."),
        (codecs.BOM_UTF8 + "Déir ez-Zor".encode(), "Déir ez-Zor"),
        ("Homs — “shelling”".encode("utf-16"), "Homs — “shelling”"),
        (codecs.BOM_UTF16_BE + "Idlib".encode("utf-16-be"), "Idlib"),
        ("Café in Ḥalab".encode("utf-16-le"), "Café in Ḥalab"),  # no BOM: NULs alternate
        (ARABIC.encode(), ARABIC),
    ],
    ids=["ascii", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-no-bom", "utf8-arabic"],
)
def test_read_text_decodes_unicode_encodings(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert read_text(path) == expected


def test_read_text_decodes_cp1252_smart_quotes(tmp_path: Path) -> None:
    text = "The “ceasefire” in Daraa wasn’t respected – witnesses said 5 € bread. " * 3
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read_text(path) == text


def test_read_text_decodes_latin1(tmp_path: Path) -> None:
    text = "Réfugiés à Alep, près de la frontière: ça continue. " * 3
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("latin-1"))
    assert read_text(path) == text


def test_mixed_encodings_are_decoded_line_by_line(tmp_path: Path) -> None:
    utf8_line = "Shelling in حلب — “today”\n"
    cp1252_line = "Café “Daraa” report – 5 €\n"
    path = tmp_path / "pasted.txt"
    path.write_bytes(utf8_line.encode() + cp1252_line.encode("cp1252") + utf8_line.encode())
    assert read_text(path) == utf8_line + cp1252_line + utf8_line


def test_decode_never_raises_on_arbitrary_high_bytes() -> None:
    data = bytes(range(128, 256)) * 4 + b" plain words"
    assert decode_bytes(data).endswith(" plain words")


def test_valid_utf8_sample_with_broken_tail_still_decodes() -> None:
    data = b"a" * 70_000 + "é".encode("latin-1") + b" end"
    assert decode_bytes(data).endswith("é end")


@pytest.mark.parametrize(("data", "message"), [(b"", "empty file"), (b"  \n\t\n", "only whitespace")])
def test_read_text_refuses_empty_files_naming_them(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_text(path)
    assert str(info.value).startswith(f"{path}: ")


def test_read_text_refuses_binary_files_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(InputError, match="binary") as info:
        read_text(path)
    assert str(path) in str(info.value)


def test_read_text_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "absent.txt")


def test_read_text_dash_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Raqqa".encode("utf-16"))))
    assert read_text("-") == "Raqqa"


# --- iter_documents ---------------------------------------------------------------

def test_text_file_is_one_document_named_by_stem(tmp_path: Path) -> None:
    path = tmp_path / "aleppo-2016.txt"
    path.write_text("Barrel bombs fell on Aleppo.", encoding="utf-8")
    (doc,) = iter_documents(path, report_date="2016-12-01")
    assert doc == Document(id="aleppo-2016", text="Barrel bombs fell on Aleppo.",
                           date=dt.date(2016, 12, 1), path=str(path))


def test_folder_yields_its_files_sorted_by_name(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.jsonl", "notes.md"):
        content = json.dumps({"text": "from jsonl"}) if name.endswith(".jsonl") else f"report {name}"
        (tmp_path / name).write_text(content, encoding="utf-8")
    ids = [d.id for d in iter_documents(tmp_path)]
    assert ids == ["a", "b", "c:1"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no .txt, .jsonl or .csv files"):
        list(iter_documents(tmp_path))


def test_jsonl_records_carry_fields_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": 17, "text": "Clashes in Homs.", "date": "2014-03-02", "source": "SANA", "title": "Homs"}),
        "",
        json.dumps({"text": "Shelling of Daraa.", "date": "2015-01-09T08:00:00Z"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = iter_documents(path)
    assert (first.id, first.date, first.source, first.title, first.line) == ("17", dt.date(2014, 3, 2), "SANA", "Homs", 1)
    assert (second.id, second.date, second.line) == ("corpus:3", dt.date(2015, 1, 9), 3)


def test_jsonl_bad_line_raises_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"text": "ok"}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(iter_documents(path))
    assert str(info.value).startswith(f"{path}:2: invalid JSON")


def test_jsonl_bad_lines_are_collected_and_the_run_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(
        codecs.BOM_UTF8
        + b'{"text": "one"}\n'
        + b'["a list"]\n'
        + b'{"id": "x", "title": "no text"}\n'
        + b'{"text": "bad date", "date": "31/31/2020"}\n'
        + b'{"text": "four"}\n'
    )
    errors: list[DocumentError] = []
    docs = list(iter_documents(path, errors=errors))
    # a date that cannot be read loses the date, never the document
    assert [(d.text, d.date) for d in docs] == [("one", None), ("bad date", None), ("four", None)]
    assert [(str(e), e.warning) for e in errors] == [
        (f"{path}:2: expected a JSON object, got list", False),
        (f"{path}:3: record has no text (a non-empty 'text' field is required)", False),
        (f"{path}:4: date '31/31/2020' is not a valid date (month must be in 1..12); the document is "
         + "extracted with no date", True),
    ]


def test_errors_list_collects_unreadable_files_too(tmp_path: Path) -> None:
    good, empty = tmp_path / "good.txt", tmp_path / "empty.txt"
    good.write_text("Raqqa", encoding="utf-8")
    empty.write_bytes(b"")
    errors: list[DocumentError] = []
    docs = list(iter_documents([empty, tmp_path / "missing.txt", good], errors=errors))
    assert [d.id for d in docs] == ["good"]
    assert [str(e) for e in errors] == [f"{empty}: empty file", f"{tmp_path / 'missing.txt'}: no such file or folder"]


def test_jsonl_streams_without_reading_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"text": f"doc {i}"}) + "\n" for i in range(1000)) + "{broken\n", encoding="utf-8")
    docs = iter_documents(path)
    assert next(docs).text == "doc 0"  # the broken last line is not reached yet


def test_jsonl_utf8_character_across_the_sniffed_sample_is_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    filler = "x" * (65536 - len('{"text": "') - 1)  # "ح" (2 bytes) straddles the 64 KiB sample
    path.write_text(json.dumps({"text": filler + "حلب"}, ensure_ascii=False) + "\n"
                    + json.dumps({"text": "قصف على حلب"}, ensure_ascii=False) + "\n", encoding="utf-8")
    first, second = iter_documents(path)
    assert first.text.endswith("حلب") and second.text == "قصف على حلب"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_jsonl_in_legacy_and_utf16_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "corpus.jsonl"
    text = "“Shelling” in Ma’arrat – café"
    path.write_bytes(((json.dumps({"text": text}, ensure_ascii=False) + "\n") * 2).encode(encoding))
    assert [d.text for d in iter_documents(path)] == [text, text]


def test_csv_corpus_in_fakes_layout(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_bytes(
        "unit_id,article_title,article_content,source,date\n"
        '11,Homs,"Shelling in Homs, said the “observatory”.",nna,4/5/2017\n'
        '12,Idlib,"Two lines\nof text",sana,12/31/2016\n'.encode("cp1252")
    )
    first, second = iter_documents(path)
    assert (first.id, first.title, first.source, first.date, first.line) == ("11", "Homs", "nna", dt.date(2017, 4, 5), 2)
    assert first.text == "Shelling in Homs, said the “observatory”."
    assert (second.id, second.date, second.line, second.text) == ("12", dt.date(2016, 12, 31), 3, "Two lines\nof text")


def test_csv_corpus_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text("id,headline\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:1: CSV corpus has no text column"):
        list(iter_documents(path))


def test_csv_corpus_ragged_row_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text('id,text\n1,"multi\nline"\n2,short,extra\n3,fine\n', encoding="utf-8")
    errors: list[DocumentError] = []
    docs = list(iter_documents(path, errors=errors))
    assert [d.id for d in docs] == ["1", "3"]
    assert [str(e) for e in errors] == [f"{path}:4: row has 3 fields, header has 2"]


def test_csv_corpus_unclosed_quote_is_an_error_at_the_record_start(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('id,text\n0,"A fine, quoted report."\n1,"Rebels shelled Aleppo.\n2,more\n', encoding="utf-8")
    errors: list[DocumentError] = []
    docs = list(iter_documents(path, errors=errors))
    assert [d.id for d in docs] == ["0"]  # the record before the broken one is kept
    assert [str(e) for e in errors] == [
        f"{path}:3: malformed CSV: a quoted field opened in the record starting here is never closed"
    ]
    with pytest.raises(InputError, match=rf"^{path}:3: malformed CSV"):
        list(iter_documents(path))


def test_csv_corpus_stray_quote_inside_a_field_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('id,text\n1,"Aleppo" was shelled\n', encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:2: malformed CSV \(.*\); the record starting here is broken"):
        list(iter_documents(path))


def test_cli_extract_reports_an_unclosed_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from geomap.cli import main

    (tmp_path / "c.csv").write_text('id,text\n1,"Rebels shelled Aleppo.\n2,more\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "c.csv"]) == 1
    err = capsys.readouterr().err
    assert "geomap extract: error: c.csv:2: malformed CSV" in err


def test_bad_report_date() -> None:
    with pytest.raises(InputError, match="not YYYY-MM-DD"):
        list(iter_documents([], report_date="yesterday"))


@requires_shared
def test_reads_the_fakes_development_corpus() -> None:
    errors: list[DocumentError] = []
    docs = list(iter_documents(SOURCE_DATA / "corpus" / "fakes-dev.csv", errors=errors))
    assert errors == []
    assert len(docs) == 408
    assert len({d.id for d in docs}) == 408  # repeated unit_ids get "#2"
    assert all(d.date and 2011 <= d.date.year <= 2018 for d in docs)


# --- run_corpus: batches, workers, Dask ------------------------------------------------

REPORTS = [
    "Government forces shelled Aleppo on Monday, killing 3 people.",
    "An air strike hit a market in Idlib on 3 May 2016, killing 12 civilians.",
    "Rebels attacked an army checkpoint near Homs; 4 soldiers were killed.",
    "Hundreds of protesters gathered in Daraa on Friday.",
]


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(14):
            handle.write(json.dumps({"id": f"d{i:02d}", "text": REPORTS[i % len(REPORTS)], "date": "2016-05-04"}) + "\n")
        handle.write("{broken\n")
    return path


def table_of(folder: Path) -> pd.DataFrame:
    import pandas as pd

    from geomap.tables import read_events

    return pd.DataFrame(read_events(folder))


def test_run_corpus_writes_partitioned_geoparquet(small_corpus: Path, tmp_path: Path) -> None:
    from geomap.run.corpus import run_corpus

    out = tmp_path / "events.parquet"
    run = run_corpus(small_corpus, out, mentions_output=tmp_path / "mentions.parquet", batch_size=4, progress=False)
    # the parts, and the marker that lets a later run replace this folder (and only such a folder)
    assert sorted(p.name for p in out.iterdir()) == [".geomap-parts", *(f"part-0000{i}.parquet" for i in range(4))]
    assert (run.documents, run.parts) == (14, 4)
    assert [str(e) for e in run.errors] == [
        f"{small_corpus}:15: invalid JSON: Expecting property name enclosed in double quotes (column 2)"]
    events = table_of(out)
    assert len(events) == run.events > 0
    assert set(events["doc_id"]) <= {f"d{i:02d}" for i in range(14)}
    assert list(events["doc_id"]) == sorted(events["doc_id"])  # parts keep document order
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_run_corpus_same_result_with_two_worker_processes(small_corpus: Path, tmp_path: Path) -> None:
    import pandas as pd

    from geomap.run.corpus import run_corpus

    one = run_corpus(small_corpus, tmp_path / "one.parquet", batch_size=3, progress=False)
    two = run_corpus(small_corpus, tmp_path / "two.parquet", workers=2, batch_size=3, progress=False)
    assert one.summary() == two.summary()
    pd.testing.assert_frame_equal(table_of(tmp_path / "one.parquet"), table_of(tmp_path / "two.parquet"))


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
def test_run_corpus_same_result_on_a_dask_local_cluster(small_corpus: Path, tmp_path: Path) -> None:
    import pandas as pd

    distributed = pytest.importorskip("distributed")
    from geomap.run.corpus import run_corpus

    one = run_corpus(small_corpus, tmp_path / "one.parquet", batch_size=3, progress=False)
    # In-process workers: the same Dask bag code path without spawning interpreters.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        dask = run_corpus(small_corpus, tmp_path / "dask.parquet", engine="dask", scheduler=client, workers=2,
                          batch_size=3, progress=False)
    assert one.summary() == dask.summary()
    pd.testing.assert_frame_equal(table_of(tmp_path / "one.parquet"), table_of(tmp_path / "dask.parquet"))


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
def test_run_corpus_dask_workers_that_cannot_see_the_output_send_their_tables_back(
        small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    distributed = pytest.importorskip("distributed")
    import geomap.run.parallel
    from geomap.run.corpus import run_corpus

    one = run_corpus(small_corpus, tmp_path / "one.parquet", mentions_output=tmp_path / "one-mentions.parquet",
                     batch_size=3, progress=False)
    # as if the workers ran on other machines without a shared file system
    monkeypatch.setattr(geomap.run.parallel, "_sees", lambda folders: False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = run_corpus(small_corpus, tmp_path / "remote.parquet", mentions_output=tmp_path / "remote-mentions.parquet",
                            engine="dask", scheduler=client, batch_size=3, progress=False)
    assert one.summary() == remote.summary()
    for name in ("", "-mentions"):
        one_parts = sorted(p.name for p in (tmp_path / f"one{name}.parquet").iterdir())
        assert one_parts == sorted(p.name for p in (tmp_path / f"remote{name}.parquet").iterdir())
    pd.testing.assert_frame_equal(table_of(tmp_path / "one.parquet"), table_of(tmp_path / "remote.parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one-mentions.parquet"),
                                  pd.read_parquet(tmp_path / "remote-mentions.parquet"))


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
def test_run_corpus_dask_failure_leaves_no_output_and_the_cluster_usable(
        small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    import geomap.run.parallel
    from geomap.run.corpus import run_corpus

    write_part = geomap.run.parallel.write_part

    def disk_full_at_part_2(folders, index, *tables):
        if index == 2:
            raise OSError(28, "No space left on device")
        return write_part(folders, index, *tables)

    monkeypatch.setattr(geomap.run.parallel, "write_part", disk_full_at_part_2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with pytest.raises(OSError, match="No space left"):
            run_corpus(small_corpus, tmp_path / "events.parquet", engine="dask", scheduler=client, batch_size=3,
                       progress=False)
        assert client.submit(sum, [1, 2]).result() == 3  # the caller's cluster is left working
    assert not list(tmp_path.glob("*.parquet")) and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
def test_run_corpus_dask_without_a_scheduler_runs_its_own_worker_processes(small_corpus: Path, tmp_path: Path) -> None:
    import pandas as pd

    pytest.importorskip("distributed")
    from geomap.run.corpus import run_corpus

    one = run_corpus(small_corpus, tmp_path / "one.parquet", mentions_output=tmp_path / "one-mentions.parquet",
                     batch_size=3, progress=False)
    # Worker processes write their own parts into the folder this process then renames into place.
    dask = run_corpus(small_corpus, tmp_path / "dask.parquet", mentions_output=tmp_path / "dask-mentions.parquet",
                      engine="dask", workers=2, batch_size=3, progress=False)
    assert one.summary() == dask.summary()
    pd.testing.assert_frame_equal(table_of(tmp_path / "one.parquet"), table_of(tmp_path / "dask.parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one-mentions.parquet"),
                                  pd.read_parquet(tmp_path / "dask-mentions.parquet"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
def test_local_cluster_workers_start_with_the_extraction_imported() -> None:
    import multiprocessing

    distributed = pytest.importorskip("distributed")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forkserver on this platform: workers are spawned and import everything themselves")
    from geomap.run.parallel import local_cluster

    # forked from a server that imported it once, rather than each worker importing it again
    with local_cluster(1) as cluster, distributed.Client(cluster) as client:
        imported = client.run(lambda: "geomap.extract" in __import__("sys").modules)
    assert list(imported.values()) == [True]


def test_run_corpus_replaces_a_previous_output_folder(small_corpus: Path, tmp_path: Path) -> None:
    from geomap.run.corpus import run_corpus

    out = tmp_path / "events.parquet"
    run_corpus(small_corpus, out, batch_size=1, progress=False)  # a previous run, with more parts
    run_corpus(small_corpus, out, batch_size=100, progress=False)
    assert sorted(p.name for p in out.iterdir()) == [".geomap-parts", "part-00000.parquet"]


def test_run_corpus_progress_bar_only_when_asked(small_corpus: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.run.corpus import run_corpus

    run_corpus(small_corpus, tmp_path / "a.parquet", batch_size=7, progress=False)
    assert capsys.readouterr().err == ""
    run_corpus(small_corpus, tmp_path / "b.parquet", batch_size=7, progress=True)
    assert "14doc" in capsys.readouterr().err.replace(" ", "")


def test_run_corpus_rejects_bad_settings(tmp_path: Path) -> None:
    from geomap.run.corpus import run_corpus

    with pytest.raises(ValueError, match="unknown engine"):
        run_corpus([], tmp_path / "x", engine="spark")
    with pytest.raises(ValueError, match="at least 1"):
        run_corpus([], tmp_path / "x", workers=0)


# --- properties -------------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.binary(max_size=2000))
def test_decode_bytes_returns_text_or_says_binary(data: bytes) -> None:
    try:
        text = decode_bytes(data, "x.txt")
    except InputError as exc:
        assert str(exc).startswith("x.txt: binary file")
    else:
        assert isinstance(text, str)


@given(st.text(max_size=300).filter(lambda t: "\x00" not in t))
def test_utf8_text_always_decodes_to_itself(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates are not UTF-8
    try:
        assert decode_bytes(data) == text.removeprefix("\ufeff")
    except InputError:
        assert sum(ord(c) < 32 and c not in "\t\n\x0c\r" for c in text) > 0.3 * len(data)


# --- the command line: corpora into partitioned GeoParquet ------------------------------------------

def test_cli_extract_corpus_with_workers_writes_parts_and_reports_bad_records(
        small_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    out = tmp_path / "events.parquet"
    assert main(["extract", str(small_corpus), "-o", str(out), "--workers", "2"]) == 1  # one record is broken
    err = capsys.readouterr().err
    assert "geomap extract: 14 documents" in err
    assert f"geomap extract: error: {small_corpus}:15: invalid JSON" in err
    assert out.is_dir() and sorted(p.name for p in out.iterdir()) == [".geomap-parts", "part-00000.parquet"]
    assert len(table_of(out)) > 0
    # the folder is an event table for `geomap map`
    html = tmp_path / "map.html"
    assert main(["map", str(out), "-o", str(html)]) == 0
    assert html.stat().st_size > 10_000


@pytest.mark.parametrize("extra", [["--workers", "2"], ["--engine", "dask"], ["--scheduler", "tcp://127.0.0.1:8786"]])
def test_cli_parallel_options_need_a_parquet_output(small_corpus: Path, tmp_path: Path, extra: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    assert main(["extract", str(small_corpus), "-o", str(tmp_path / "events.csv"), *extra]) == 2
    assert "-o EVENTS.parquet" in capsys.readouterr().err
    assert not (tmp_path / "events.csv").exists()


def test_cli_workers_must_be_a_positive_number(small_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    with pytest.raises(SystemExit) as info:
        main(["extract", str(small_corpus), "-o", "x.parquet", "--workers", "0"])
    assert info.value.code == 2
    assert "--workers" in capsys.readouterr().err


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
def test_cli_scheduler_address_runs_on_that_cluster(small_corpus: Path, tmp_path: Path) -> None:
    import pandas as pd

    distributed = pytest.importorskip("distributed")
    from geomap.cli import main

    assert main(["extract", str(small_corpus), "-o", str(tmp_path / "one.parquet")]) == 1
    # in-process workers, but reached over TCP like a remote scheduler
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  protocol="tcp", host="127.0.0.1") as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        assert main(["extract", str(small_corpus), "-o", str(tmp_path / "dask.parquet"),
                     "--scheduler", cluster.scheduler_address]) == 1
        assert len(cluster.scheduler.workers) == 2  # the cluster is left running for its owner
    pd.testing.assert_frame_equal(table_of(tmp_path / "one.parquet"), table_of(tmp_path / "dask.parquet"))


def test_control_characters_in_a_jsonl_text_are_replaced_one_for_one(tmp_path):
    from geomap.documents import iter_documents

    path = tmp_path / "nul.jsonl"
    path.write_text('{"id": "n1", "text": "Rebels shelled Aleppo.\\u0000 More later."}\n', encoding="utf-8")
    (doc,) = list(iter_documents([path]))
    assert doc.text == "Rebels shelled Aleppo.\ufffd More later."


# --- batches read by the workers themselves --------------------------------------------------------

@pytest.fixture
def mixed_input(tmp_path: Path) -> Path:
    """A folder with short reports (one empty), JSONL with bad and blank lines and repeated ids
    (UTF-8 with BOM, and cp1252), and a CSV corpus."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    for i, text in enumerate(REPORTS):
        (folder / f"r{i}.txt").write_text(text, encoding="utf-8")
    (folder / "r9.txt").write_bytes(b"")
    lines = []
    for i in range(11):
        lines.append(json.dumps({"id": "same" if i % 4 == 0 else f"j{i}", "text": REPORTS[i % 4], "date": "2016-05-04"}))
        if i == 2:
            lines.append("")
        if i in (3, 7):
            lines.append("{broken")
        if i == 5:
            lines.append(json.dumps({"id": "no-text"}))
    (folder / "s.jsonl").write_bytes(codecs.BOM_UTF8 + ("\n".join(lines) + "\n").encode("utf-8"))
    legacy = "".join(json.dumps({"id": "same" if i == 1 else f"c{i}", "text": f"“{REPORTS[i]}” – café"},
                                ensure_ascii=False) + "\n" for i in range(4))
    (folder / "t.jsonl").write_bytes(legacy.encode("cp1252"))
    (folder / "u.csv").write_text('id,text\nsame,"Shelling hit Homs, killing 2."\nv1,ok,extra\nv2,Clashes in Raqqa.\n',
                                  encoding="utf-8")
    return folder


def _one_process_reference(inputs: Path, tmp_path: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Errors and tables of the plain reader and extraction, no batches at all."""
    import pandas as pd

    from geomap.extract import extract_corpus
    from geomap.tables import write_events

    errors: list[DocumentError] = []
    events, mentions = extract_corpus(iter_documents(inputs, errors=errors))
    write_events(events, tmp_path / "reference.parquet")
    return [str(e) for e in errors], table_of(tmp_path / "reference.parquet"), pd.DataFrame(mentions)


def _parts_of(run_output: Path) -> list[str]:
    return sorted(p.name for p in run_output.iterdir())


def test_jsonl_batches_are_cut_by_position_with_their_first_line(tmp_path: Path) -> None:
    from geomap.run.plan import _Lines, plan_units

    path = tmp_path / "c.jsonl"
    records = [json.dumps({"text": f"doc {i}"}) for i in range(7)]
    path.write_text("\n".join(records[:3]) + "\n\n" + "\n".join(records[3:]) + "\n", encoding="utf-8")
    units = list(plan_units([path], None, 3))
    assert all(isinstance(u, _Lines) for u in units)
    assert [u.line for u in units] == [1, 4, 8]  # the blank line 4 is no document: lines 4-7 hold three
    assert [(u.start, u.end) for u in units] == [(0, units[1].start), (units[1].start, units[2].start),
                                                 (units[2].start, path.stat().st_size)]


@pytest.mark.parametrize("workers", [1, 2])
def test_batches_read_by_workers_give_what_the_plain_reader_gives(mixed_input: Path, tmp_path: Path,
                                                                  workers: int) -> None:
    import pandas as pd

    from geomap.run.corpus import run_corpus

    errors, events, mentions = _one_process_reference(mixed_input, tmp_path)
    assert len(errors) == 5 and events["doc_id"].str.contains("#").any()  # the case is a real one
    run = run_corpus(mixed_input, tmp_path / "e.parquet", mentions_output=tmp_path / "m.parquet", batch_size=3,
                     workers=workers, progress=False)
    assert [str(e) for e in run.errors] == errors  # same messages, files and lines, in input order
    assert run.documents == 4 + 11 + 4 + 2
    pd.testing.assert_frame_equal(table_of(tmp_path / "e.parquet"), events)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "m.parquet"), mentions)


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1", "::1"])
@pytest.mark.parametrize(("sees_inputs", "sees_output"), [(True, True), (False, True), (True, False)],
                         ids=["workers-read", "documents-shipped", "tables-sent-back"])
def test_dask_workers_reading_their_batches_or_not_give_the_same_parts(
        mixed_input: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sees_inputs: bool,
        sees_output: bool) -> None:
    import pandas as pd

    distributed = pytest.importorskip("distributed")
    import geomap.run.parallel
    from geomap.run.corpus import run_corpus
    from geomap.run.plan import read_here as read_unit_here

    errors, events, mentions = _one_process_reference(mixed_input, tmp_path)
    one = run_corpus(mixed_input, tmp_path / "one.parquet", batch_size=3, progress=False)
    read_here = []
    monkeypatch.setattr(geomap.run.parallel, "read_here", lambda unit: read_here.append(unit) or read_unit_here(unit))
    # as if the workers ran on machines where the input files (or the output folder) are absent or different
    monkeypatch.setattr(geomap.run.parallel, "_sees_inputs", lambda files: sees_inputs)
    monkeypatch.setattr(geomap.run.parallel, "_sees", lambda folders: sees_output)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        dask = run_corpus(mixed_input, tmp_path / "dask.parquet", mentions_output=tmp_path / "m.parquet",
                          engine="dask", scheduler=client, batch_size=3, progress=False)
    assert bool(read_here) is not sees_inputs
    assert [str(e) for e in dask.errors] == errors
    assert dask.summary() == one.summary()
    assert _parts_of(tmp_path / "dask.parquet") == _parts_of(tmp_path / "one.parquet")
    pd.testing.assert_frame_equal(table_of(tmp_path / "dask.parquet"), events)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "m.parquet"), mentions)


def test_workers_see_an_input_only_if_size_and_modification_time_match(tmp_path: Path) -> None:
    from geomap.run.parallel import _input_files, _sees_inputs

    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("y", encoding="utf-8")
    files = _input_files([tmp_path, "-"])
    assert [Path(f[0]).name for f in files] == ["a.jsonl", "b.txt"] and _sees_inputs(files)
    (tmp_path / "b.txt").write_text("another y", encoding="utf-8")
    assert not _sees_inputs(files)
    assert not _sees_inputs(((str(tmp_path / "absent.txt"), 1, 1),))


def _read_by_batches(paths: list[Path], size: int) -> tuple[list[Document], list[str]]:
    """The documents and errors of every batch of the plan, read as a worker reads its batch."""
    from geomap.documents import Idents
    from geomap.run.plan import documents_of, plan_units

    documents, errors, idents = [], [], Idents()
    for unit in plan_units(paths, dt.date(2020, 1, 1), size):
        docs, errs = documents_of(unit)
        documents += [replace(d, id=idents.name(d.id, d.part)) for d in docs]
        errors += [str(e) for e in errs]
    return documents, errors


CSV_CORPORA = {
    "quoted-newlines-ragged-blank": 'id,text,date\n1,"Shelling\nin Homs",4/5/2017\n\n2,short\n3,"a ""quoted"" word",\n'
                                    '4,"three\nline\nreport",\n5,x,\n6,"y\n",\n',
    "stray-quote": 'id,text\n1,one\n2,two\n3,"Aleppo" was shelled\n4,four\n5,five\n',
    "unclosed-quote": 'id,text\n1,one\n2,two\n3,three\n4,"never closed\n5,five\n6,six\n',
    "header-on-two-lines": '"id","te\nxt",text\n1,a,b\n2,c,d\n3,e,f\n',
    "no-text-column": "id,headline\n1,x\n",
    "duplicate-ids": "id,text\nx,one\nx,two\ny,three\nx,four\n",
}


@pytest.mark.parametrize("size", [1, 2, 3, 50])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
@pytest.mark.parametrize("case", sorted(CSV_CORPORA))
def test_csv_batches_read_apart_give_the_documents_and_errors_of_the_whole_file(
        tmp_path: Path, case: str, encoding: str, size: int) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_bytes(CSV_CORPORA[case].replace("one", "“one” café").encode(encoding))
    errors: list[DocumentError] = []
    whole = list(iter_documents(path, report_date="2020-01-01", errors=errors))
    assert _read_by_batches([path], size) == (whole, [str(e) for e in errors])


@pytest.mark.parametrize("size", [1, 2, 4])
def test_jsonl_and_report_batches_read_apart_give_what_the_plain_reader_gives(mixed_input: Path, size: int) -> None:
    errors: list[DocumentError] = []
    whole = list(iter_documents(mixed_input, report_date="2020-01-01", errors=errors))
    assert _read_by_batches([mixed_input], size) == (whole, [str(e) for e in errors])


@requires_shared
def test_the_fakes_corpus_read_in_batches_is_the_corpus_read_whole() -> None:
    path = SOURCE_DATA / "corpus" / "fakes-dev.csv"
    whole = list(iter_documents(path, report_date="2020-01-01"))
    assert _read_by_batches([path], 7) == (whole, [])
