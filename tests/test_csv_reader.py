"""Reading CSV: pyarrow for regular files, Python's csv module otherwise, the same records and lines either way."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.errors import InputError
from geomap.tables import csvfile
from geomap.tables.csvfile import read_csv_columns


def by_csv_module(data: bytes) -> csvfile.CsvColumns:
    return csvfile._read_records(data.decode("utf-8-sig"), "t.csv")


def same(a: csvfile.CsvColumns, b: csvfile.CsvColumns) -> None:
    assert a.header == b.header
    assert list(a.lines) == list(b.lines)
    assert (a.blank, a.found) == (b.blank, b.found)
    left = a.frame.astype(object).where(a.frame.notna(), None)
    right = b.frame.astype(object).where(b.frame.notna(), None)
    assert left.values.tolist() == right.values.tolist()


cells = st.lists(st.sampled_from([*'ab ,;"\n\r\té', "\r\n", "حلب"]), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=8),
       terminator=st.sampled_from(["\n", "\r\n", "\r"]), blank_lines=st.lists(st.integers(0, 8), max_size=3),
       final_newline=st.booleans())
def test_pyarrow_reads_what_the_csv_module_reads(rows: list[list[str]], terminator: str, blank_lines: list[int],
                                                 final_newline: bool) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=terminator).writerows([["x", "y", "z"], *rows])
    lines = out.getvalue().split(terminator) if terminator == "\n" and '"' not in out.getvalue() else None
    text = out.getvalue()
    if lines is not None:
        for at in sorted(blank_lines, reverse=True):  # empty lines between records
            lines.insert(min(at + 1, len(lines) - 1), "")
        text = terminator.join(lines)
    if not final_newline:
        text = text.removesuffix(terminator)
    data = text.encode("utf-8")
    same(read_csv_columns(data, "t.csv"), by_csv_module(data))


def test_regular_files_go_through_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the csv module was used")

    monkeypatch.setattr(csvfile, "_read_records", refuse)
    data = b'a,b,c\n1,"two\nlines, ""quoted""",3\n\n4,5,6\r\n'
    read = read_csv_columns(data, "t.csv")
    assert read.header == ["a", "b", "c"]
    assert list(read.lines) == [2, 5]  # the quoted newline counts; the empty line 4 is blank
    assert read.blank == 1
    assert read.frame.iloc[0].tolist() == ["1", 'two\nlines, "quoted"', "3"]


@pytest.mark.parametrize("text", [
    'a,b,c\n1,x"y,3\n',  # a quote inside an unquoted field is a character
    'a,b,c\n1,2\n',  # short row
    'a,b,c\n1,2,3,4\n',  # long row
    'a,b,c\n1,2,3,,\n',  # padded with empty cells
    'a,b,c\n   \n1,2,3\n',  # a line of spaces
])
def test_irregular_files_read_as_the_csv_module_reads_them(text: str) -> None:
    data = text.encode()
    same(read_csv_columns(data, "t.csv"), by_csv_module(data))


@pytest.mark.parametrize("text", ['a,b\n1,"2"x\n', 'a,b\n1,"2\n\n', 'a,b\n1,"2" \n'])
def test_broken_quoting_is_refused_at_its_line(text: str) -> None:
    with pytest.raises(InputError, match=r"t\.csv:2: malformed CSV"):
        read_csv_columns(text.encode(), "t.csv")


def test_bytes_not_utf8_are_decoded_then_read() -> None:
    data = "a;b\ncafé;Forces du régime\n".encode("cp1252")
    read = read_csv_columns(data, "t.csv")
    assert read.frame.iloc[0].tolist() == ["café", "Forces du régime"]


def test_a_large_file_reads_in_pieces_with_exact_lines() -> None:
    rows = [[str(i), f"note {i}\nsecond line" if i % 3 == 0 else f"note {i}", "x" * (i % 50)] for i in range(60_000)]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([["id", "notes", "pad"], *rows])
    data = out.getvalue().encode()
    read = read_csv_columns(data, "t.csv")
    expected = 2 + np.arange(60_000) + (np.arange(60_000) + 2) // 3  # one line more after each two-line note
    assert np.array_equal(read.lines, expected)
    assert pd.Series(read.frame[0]).tolist() == [r[0] for r in rows]


@pytest.mark.parametrize("data", [
    '\ufeffa,b,c\r\n1,"two\r\nlines",3\r\n\r\n4,5,6\r\n'.encode(),  # byte-order mark, CRLF, a blank line
    b'a;b\n"x;y";2\n',
    b'a,b,c\n1,2\n',  # ragged: the csv module
    "a,b\ncafé,1\n".encode("cp1252"),  # not UTF-8: decoded first
])
def test_a_file_reads_as_its_bytes_read(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    same(csvfile.read_csv_file(path), read_csv_columns(data, str(path)))
