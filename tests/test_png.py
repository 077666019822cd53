"""The static PNG map for print reports."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import pytest
from test_map import tiny_gazetteer  # noqa: E402,F401  the same autouse fixture: a small offline gazetteer

from geomap.render import synthetic_events
from geomap.render.png import save_png


def test_png_is_written_atomically_and_reproducibly(tmp_path: Path) -> None:
    events = synthetic_events(200, seed=7)
    first, second = tmp_path / "a" / "map.png", tmp_path / "b.png"
    save_png(events, first, title="Synthetic <events>")
    save_png(events, second, title="Synthetic <events>")
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.read_bytes() == second.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == ["map.png"]  # no temporary file left behind
    height, width = mpimg.imread(first).shape[:2]
    assert width > 800 and height > 600


def test_png_copes_with_no_located_events(tmp_path: Path) -> None:
    events = synthetic_events(3)
    events[["latitude", "longitude"]] = float("nan")
    target = save_png(events, tmp_path / "empty.png")
    assert target.stat().st_size > 1000


def test_failed_png_leaves_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "map.png"
    target.write_bytes(b"previous")
    import matplotlib.figure

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    with pytest.raises(RuntimeError):
        save_png(synthetic_events(5), target)
    assert target.read_bytes() == b"previous"


def test_dollar_signs_in_labels_are_drawn_literally(tmp_path):
    import pandas as pd

    from geomap.render.png import save_png

    events = pd.DataFrame({"event_date": ["2016-05-01"], "latitude": [36.2], "longitude": [37.1],
                           "actor1": [r"a $\badcommand$ b"]})
    out = save_png(events, tmp_path / "m.png", title=r"Costs $\x$")
    assert out.stat().st_size > 0


def test_print_frame_stays_on_syria_and_counts_events_far_abroad():
    from geomap.render.png import _frame

    # Aleppo, Raqqa, Mosul (near: widens the frame), Moscow and Mexico City (far: counted)
    lats = [36.20, 35.95, 36.34, 55.75, 19.43]
    lons = [37.16, 39.01, 43.13, 37.62, -99.13]
    (west, east), (south, north), outside = _frame(lats, lons)
    assert outside == 2
    assert west <= 37.16 and east >= 43.13 + 0.3 and south <= 35.95 and north < 40
