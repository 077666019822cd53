"""Helpers for tests that code hand-written reports: their events as a table, one event as a dict, or their tolls."""

from __future__ import annotations

import pandas as pd

from geomap.extract import extract_events
from geomap.extract.figures import find_figures
from geomap.extract.text import Tokens

# The report date the sentences are read against (a Tuesday).
DATE = "2016-05-03"


def events(text: str) -> pd.DataFrame:
    """The events of ``text`` reported on :data:`DATE`."""
    return extract_events(text, report_date=DATE)


def one_event(text: str) -> dict:
    """The single event of ``text`` as a dict, missing values as None (fails unless there is exactly one)."""
    found = events(text)
    assert len(found) == 1, list(found["notes"])
    row = found.iloc[0].to_dict()
    return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}


def figures(text: str) -> list[tuple[int, str]]:
    """``(value, kind)`` of each casualty figure found in ``text``."""
    return [(f.value, f.kind) for f in find_figures(Tokens.of(text))]
