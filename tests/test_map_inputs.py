"""``geomap map`` extracts its reports in a worker while the map gets ready: the same events, the same errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geomap.errors import GeomapError
from geomap.run.map_inputs import BackgroundExtraction, extract_documents

REPORT = ("Government forces shelled Aleppo on Tuesday, killing 4 civilians. "
          "Clashes near the village of Tlajabin killed 2 fighters.")


def test_extraction_in_a_worker_gives_what_extraction_here_gives(tmp_path: Path) -> None:
    (tmp_path / "r1.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "r2.txt").write_text(REPORT.replace("Aleppo", "Idlib"), encoding="utf-8")
    paths = [tmp_path / "r1.txt", tmp_path / "r2.txt"]
    with BackgroundExtraction(paths, "2016-05-03", None) as extraction:
        there = extraction.result()
    here = extract_documents(paths, "2016-05-03", None)
    assert there.documents == here.documents == 2 and len(there.events) > 0
    pd.testing.assert_frame_equal(there.events, here.events)
    pd.testing.assert_frame_equal(there.unlocated, here.unlocated)
    pd.testing.assert_frame_equal(there.mentions, here.mentions)
    assert "context" in there.unlocated.columns


def test_an_input_the_worker_cannot_read_is_reported_as_usual(tmp_path: Path) -> None:
    with BackgroundExtraction([tmp_path / "missing.txt"], None, None) as extraction, \
            pytest.raises(GeomapError, match="missing.txt"):
        extraction.result()
