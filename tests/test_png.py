"""The print map (PNG/PDF): what a reader of the printed page relies on, checked on matplotlib's artists."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.text import Text
from test_map import tiny_gazetteer  # noqa: F401  the same autouse fixture: a small offline gazetteer

from geomap.errors import GeomapError
from geomap.render import synthetic_events
from geomap.render.filters import EventFilter
from geomap.render.map import PALETTE
from geomap.render.marks import RING_CAPACITY, hex_cells, stack_rings
from geomap.render.png import (
    DENSITY_THRESHOLD,
    draw_map,
    parse_size,
    save_pdf,
    save_png,
)


def legend_entries(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def texts_on_page(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def event_marks(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection) and c.get_zorder() == 5]


def marks_in_points(fig, ax) -> np.ndarray:
    return np.vstack([ax.transData.transform(c.get_offsets()) for c in event_marks(ax)]) * 72 / fig.dpi


# --------------------------------------------------------------------------- what the page shows


def test_page_has_title_every_actor_and_type_the_size_key_a_scale_bar_and_north() -> None:
    events = synthetic_events(300, seed=7)
    fig = draw_map(events, title="Shelling around Aleppo, May 2016")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Shelling around Aleppo, May 2016"
    entries = legend_entries(fig)
    for actor, count in events["actor1"].value_counts().items():
        assert f"{actor} ({count})" in entries
    for event_type, count in events["event_type"].value_counts().items():
        assert f"{event_type} ({count})" in entries
    size_key = fig.legends[1]
    assert size_key.get_title().get_text() == "Fatalities"
    assert [t.get_text() for t in size_key.get_texts()] == ["0", "1", "10", "100+"]
    page = texts_on_page(fig)
    assert len([t for t in page if re.fullmatch(r"\d[\d,]* km", t)]) == 1  # the scale bar
    assert "N" in page  # the north arrow
    caption = next(t for t in page if t.startswith("300 events shown"))
    assert "OCHA" in caption and "GeoNames" in caption


def test_scale_bar_measures_true_kilometres() -> None:
    fig = draw_map(synthetic_events(50, seed=1))
    ax = fig.axes[0]
    (label,) = [t for t in texts_on_page(fig) if re.fullmatch(r"\d[\d,]* km", t)]
    km = int(label.split()[0].replace(",", ""))
    bar = next(a for a in ax.artists if hasattr(a, "size_bar"))
    (rect,) = bar.size_bar.get_children()
    degrees = rect.get_width()
    middle = np.radians(np.mean(ax.get_ylim()))
    assert degrees * 111.32 * np.cos(middle) == pytest.approx(km, rel=0.01)


def test_no_title_unless_one_is_given() -> None:
    fig = draw_map(synthetic_events(20, seed=2))
    assert fig.axes[0].get_title(loc="left") == ""


def test_cli_takes_the_title_from_the_option_never_the_file_name(tmp_path: Path, monkeypatch) -> None:
    from geomap.cli import main
    from geomap.render import png

    drawn = []
    real = png.draw_map
    monkeypatch.setattr(png, "draw_map", lambda events, **options: drawn.append(options) or real(events, **options))
    table = tmp_path / "aleppo-shelling.csv"
    synthetic_events(30, seed=3).to_csv(table, index=False)
    main(["map", str(table), "-o", str(tmp_path / "m.html"), "--png", str(tmp_path / "m.png")])
    main(["map", str(table), "-o", str(tmp_path / "m.html"), "--pdf", str(tmp_path / "m.pdf"), "--title", "Mine"])
    assert [d["title"] for d in drawn] == [None, "Mine"]
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- stacks and density


def test_events_at_one_spot_are_set_on_a_ring_every_actor_visible() -> None:
    events = synthetic_events(4, seed=4)
    events[["latitude", "longitude"]] = [35.0, 38.5]  # all at one spot
    events["actor1"] = ["Big actor", "Small one", "Third", "Fourth"]
    events["fatalities"] = [150, 0, 3, 0]  # the big mark would hide the others at the same point
    fig = draw_map(events)
    ax = fig.axes[0]
    points = marks_in_points(fig, ax)
    assert len(points) == 4
    centre = ax.transData.transform([(38.5, 35.0)])[0] * 72 / fig.dpi
    distances = np.hypot(*(points - centre).T)
    assert distances.min() > 3 and np.ptp(distances) < 0.5  # on one ring, none left at the centre
    pairwise = np.hypot(*(points[:, None] - points[None]).transpose(2, 0, 1))
    assert pairwise[~np.eye(4, dtype=bool)].min() > 5  # no two marks on one another
    assert "Events at one spot are set on a ring" in legend_entries(fig)


def test_a_full_ring_shows_how_many_events_are_there() -> None:
    events = synthetic_events(RING_CAPACITY + 8, seed=5)
    events[["latitude", "longitude"]] = [36.2, 37.15]
    fig = draw_map(events)
    assert len(marks_in_points(fig, fig.axes[0])) == RING_CAPACITY
    assert str(RING_CAPACITY + 8) in texts_on_page(fig)


def test_stack_rings_put_one_mark_of_each_actor_first() -> None:
    x = np.array([10.0, 10.0, 10.0, 10.0, 50.0])
    rings = stack_rings(x, np.full(5, 20.0), radius=np.array([9.0, 3.0, 3.0, 3.0, 3.0]),
                        actor=np.array([0, 0, 1, 2, 0]), capacity=3)
    assert rings.shown.tolist() == [True, False, True, True, True]  # actor 0's second event waits
    assert (rings.dx[4], rings.dy[4]) == (0, 0)  # a lone event stays on its spot
    assert [c[2] for c in rings.centres] == [4]


def test_hex_cells_sum_each_actor() -> None:
    x = np.array([0.0, 1.0, 0.5, 100.0])
    y = np.array([0.0, 0.5, 1.0, 100.0])
    cells = hex_cells(x, y, np.array([0, 1, 1, 0]), actors=2, size=10.0)
    assert sorted(cells.total.tolist()) == [1, 3]
    assert cells.shares.sum(axis=0).tolist() == [2, 2]


def test_dense_map_sums_events_in_cells_and_keeps_every_actor_in_the_legend() -> None:
    events = synthetic_events(DENSITY_THRESHOLD + 200, seed=6)
    events["actor1"] = [f"Actor {i % 20:02d}" for i in range(len(events))]
    fig = draw_map(events)
    ax = fig.axes[0]
    assert not event_marks(ax), "no dot per event"
    (pies,) = [c for c in ax.collections if isinstance(c, PatchCollection) and c.get_zorder() == 5]
    assert len(pies.get_paths()) > 50
    entries = legend_entries(fig)
    named = [e for e in entries if e.startswith("Actor ")]
    assert len(named) == len(PALETTE)  # the palette's colours; the rest share grey and are counted together
    counts = events["actor1"].value_counts()
    rest = sorted(counts.index, key=lambda a: (-counts[a], a))[len(PALETTE):]
    assert f"{len(rest)} other actors ({int(counts[rest].sum())})" in entries
    assert fig.legends[1].get_title().get_text() == "Events per circle"


# --------------------------------------------------------------------------- filters


def test_filters_are_those_of_the_map_url() -> None:
    events = synthetic_events(400, seed=8)
    chosen = EventFilter(actors=("Islamic State (Syria)",), types=("Battles", "Explosions/Remote violence:Air/drone strike"),
                         date_from=dt.date(2016, 5, 5), date_to=dt.date(2016, 5, 20))
    dates = pd.to_datetime(events["event_date"]).dt.date
    either = (events["actor1"] == "Islamic State (Syria)") | (events["actor2"] == "Islamic State (Syria)")
    expected = events[either
                      & ((events["event_type"] == "Battles") | (events["sub_event_type"] == "Air/drone strike"))
                      & (dates >= dt.date(2016, 5, 5)) & (dates <= dt.date(2016, 5, 20))]
    fig = draw_map(events, filters=chosen)
    assert len(marks_in_points(fig, fig.axes[0])) == len(expected) > 0
    entries = legend_entries(fig)
    # the legend counts each kept event under its doer (its colour): IS's own, and the doers of those it was the target of
    doers = expected["actor1"].value_counts()
    assert sorted(e for e in entries if any(e.startswith(f"{a} (") for a in events["actor1"].unique())) == \
        sorted(f"{a} ({n})" for a, n in doers.items())
    caption = next(t for t in texts_on_page(fig) if "events shown" in t)
    assert caption.startswith(f"{len(expected)} events shown of 400 (filters: actors: Islamic State (Syria)")
    assert chosen.to_hash() == ("#actors=Islamic%20State%20%28Syria%29&types=Battles,"
                                "Explosions%2FRemote%20violence:Air%2Fdrone%20strike&from=2016-05-05&to=2016-05-20")


def test_unknown_filter_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(GeomapError, match=r"unknown actor 'Nobody'.*Islamic State"):
        draw_map(synthetic_events(30), filters=EventFilter(actors=("Nobody",)))
    with pytest.raises(GeomapError, match="unknown event type"):
        draw_map(synthetic_events(30), filters=EventFilter(types=("Picnics",)))


# --------------------------------------------------------------------------- files


def test_size_dpi_and_formats(tmp_path: Path) -> None:
    events = synthetic_events(60, seed=9)
    png = save_png(events, tmp_path / "a" / "map.png", dpi=100, size="800x600")
    assert mpimg.imread(png).shape[:2] == (600, 800)
    pdf = save_pdf(events, tmp_path / "map.pdf", size="210x297mm")
    media = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", pdf.read_bytes())
    assert [round(float(v)) for v in media.groups()] == [595, 842]  # A4 portrait in points
    assert parse_size("11x8.5in") == (11.0, 8.5)
    assert parse_size("300x200", dpi=100) == (3.0, 2.0)
    with pytest.raises(GeomapError, match="size"):
        parse_size("huge")
    with pytest.raises(GeomapError, match="1 to 100 inches"):
        parse_size("5000x10mm")


def test_png_and_pdf_are_written_atomically_and_reproducibly(tmp_path: Path) -> None:
    events = synthetic_events(200, seed=7)
    for save, name in ((save_png, "map.png"), (save_pdf, "map.pdf")):
        first, second = tmp_path / name / "a" / name, tmp_path / name / "b" / name
        save(events, first, title="Synthetic <events>")
        save(events, second, title="Synthetic <events>")
        assert first.read_bytes() == second.read_bytes()
        assert [p.name for p in first.parent.iterdir()] == [name]  # no temporary file left behind
    assert (tmp_path / "map.png" / "a" / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_copes_with_no_located_events(tmp_path: Path) -> None:
    events = synthetic_events(3)
    events[["latitude", "longitude"]] = float("nan")
    target = save_png(events, tmp_path / "empty.png", dpi=72)
    assert target.stat().st_size > 1000
    assert "3 without coordinates" in " ".join(texts_on_page(draw_map(events)))


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


def test_dollar_signs_in_labels_are_drawn_literally() -> None:
    events = pd.DataFrame({"event_date": ["2016-05-01"], "latitude": [36.2], "longitude": [37.1],
                           "actor1": [r"a $\badcommand$ b"]})
    fig = draw_map(events, title=r"Costs $\x$")
    fig.canvas.draw()  # mathtext would raise on the bad command
    assert r"a $\badcommand$ b (1)" in legend_entries(fig)


def test_print_frame_stays_on_syria_and_counts_events_far_abroad() -> None:
    from geomap.render.png import _frame

    # Aleppo, Raqqa, Mosul (near: widens the frame), Moscow and Mexico City (far: counted)
    lats = [36.20, 35.95, 36.34, 55.75, 19.43]
    lons = [37.16, 39.01, 43.13, 37.62, -99.13]
    (west, east), (south, north), outside = _frame(lats, lons)
    assert outside == 2
    assert west <= 37.16 and east >= 43.13 + 0.3 and south <= 35.95 and north < 40
