"""Helpers for tests that code one hand-written report: its events as a table, or its one event as a dict."""

from __future__ import annotations

import pandas as pd

from geomap.extract import extract_events

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
