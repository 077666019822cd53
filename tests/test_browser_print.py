"""Printing the HTML map (Chromium's print to PDF): controls hidden, legend kept, view refitted to the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geomap.paths import REPO_DIR
from geomap.render import build_map, save_map, synthetic_events

pytestmark = pytest.mark.browser

OUTPUT = REPO_DIR / "output"
A4_LANDSCAPE_PT = (841.9, 595.3)
ALEPPO, RAQQA, DAMASCUS = (36.2021, 37.1343), (35.9594, 38.9981), (33.5138, 36.2765)

# Registered after the map's own handler, so it sees the view that will be printed.
_WATCH = """(points) => {
  const app = geomap.instances[0], map = app.map, seen = {};
  addEventListener('beforeprint', () => {
    const bounds = map.getBounds();
    for (const [name, point] of Object.entries(points)) { seen[name] = bounds.contains(point); }
    seen.size = [map.getSize().x, map.getSize().y];
    seen.legendOpen = document.querySelector('.geomap-legend').open;
    seen.snapshot = document.querySelectorAll('.leaflet-overlay-pane img').length;
    seen.canvasShown = getComputedStyle(app.canvas._container).display !== 'none';
  });
  window.__seen = seen;
}"""


def north_and_east() -> pd.DataFrame:
    """A few events at Aleppo, Raqqa and Damascus: the frame a printed page must keep."""
    events = synthetic_events(3, seed=5)
    events[["latitude", "longitude"]] = [ALEPPO, RAQQA, DAMASCUS]
    return events


@pytest.fixture
def page(browser, tmp_path: Path, tiny_gazetteer_env: None) -> Iterator:
    # with the online basemaps offered, so that their layer control is there to hide (the offline one is shown)
    path = save_map(build_map(north_and_east(), title="Printed", online_basemaps=True), tmp_path / "print.html")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    # zoomed in on Damascus: Aleppo and Raqqa are off the screen
    page.goto(path.as_uri() + "#z=11&ll=33.5138,36.2765")
    page.wait_for_function("window.__geomapReady === true", timeout=20000)
    page.wait_for_function("location.hash.startsWith('#z=11')")  # the zoom animation has ended
    yield page
    context.close()


@pytest.fixture
def tiny_gazetteer_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_map import write_tiny_gazetteer

    monkeypatch.setenv("GEOMAP_GAZETTEER", str(write_tiny_gazetteer(tmp_path_factory.mktemp("gazetteer"))))


def test_print_refits_to_the_events_on_an_a4_page_and_restores_the_screen(page, tmp_path: Path) -> None:
    page.evaluate(_WATCH, {"aleppo": ALEPPO, "raqqa": RAQQA, "damascus": DAMASCUS})
    before = page.evaluate("[geomap.instances[0].map.getZoom(), location.hash]")
    assert not page.evaluate(f"geomap.instances[0].map.getBounds().contains({list(ALEPPO)})")
    pdf = page.pdf(path=str(tmp_path / "map.pdf"), print_background=True, prefer_css_page_size=True)
    seen = page.evaluate("window.__seen")
    assert seen["aleppo"] and seen["raqqa"] and seen["damascus"], seen
    # laid out at the printable area of A4 landscape (277 x 190 mm at 96 px per inch)
    assert seen["size"] == pytest.approx([1047, 718], abs=2)
    assert seen["legendOpen"] is True
    assert seen["snapshot"] == 1 and not seen["canvasShown"]  # the markers print as an image of the canvas
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, "one page"
    assert [float(v) for v in boxes[0]] == pytest.approx(A4_LANDSCAPE_PT, abs=1)
    # afterwards the screen shows what it showed
    assert page.evaluate("[geomap.instances[0].map.getZoom(), location.hash]") == before
    assert page.evaluate("document.querySelectorAll('.leaflet-overlay-pane img').length") == 0


PRINTED = [".geomap-legend", ".geomap-legend .geomap-panel-body", ".geomap-title", ".leaflet-control-scale",
           ".leaflet-control-attribution", ".geomap-badge"]
NOT_PRINTED = [".leaflet-control-zoom", ".leaflet-control-layers", ".geomap-tools", ".geomap-filters",
               ".geomap-missing-panel", ".geomap-list-panel", ".geomap-bar", ".geomap-timeline", ".geomap-status",
               ".geomap-show-all", ".geomap-legend .geomap-close"]
_SHOWN = """(selectors) => Object.fromEntries(selectors.map(s => {
  const node = document.querySelector(s);
  if (!node) { return [s, 'missing']; }
  let shown = true;
  for (let n = node; n && n.nodeType === 1; n = n.parentElement) { if (getComputedStyle(n).display === 'none') shown = false; }
  return [s, shown];
}))"""


def test_print_media_hides_controls_and_keeps_title_legend_and_scale(page) -> None:
    page.evaluate("document.querySelector('.geomap-types input[data-type]:not([data-sub])').click()")  # filtered
    page.emulate_media(media="print")
    shown = page.evaluate(_SHOWN, PRINTED + NOT_PRINTED)
    assert shown == {**{s: True for s in PRINTED}, **{s: False for s in NOT_PRINTED}}
    assert "Filtered" in page.inner_text(".geomap-badge")  # the page says it shows a part of the events


@pytest.mark.usefixtures("browser")
def test_pdf_print_of_the_demo_map_for_humans(browser, tmp_path: Path) -> None:
    """Writes output/aleppo-2016-05-03-print.pdf: the bundled example printed from Chromium."""
    from geomap.cli import main
    from geomap.paths import examples_dir, gazetteer_dir

    if not (gazetteer_dir() / "places.tsv").is_file() or not (examples_dir() / "aleppo-2016-05-03.txt").is_file():
        pytest.skip("the bundled gazetteer or example report is missing")
    assert main(["demo", "-o", str(tmp_path)]) == 0
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto((tmp_path / "aleppo-2016-05-03.html").as_uri())
    page.wait_for_function("window.__geomapReady === true", timeout=20000)
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / "aleppo-2016-05-03-print.pdf"
    page.pdf(path=str(target), print_background=True, prefer_css_page_size=True)
    page.close()
    assert target.read_bytes().startswith(b"%PDF")
