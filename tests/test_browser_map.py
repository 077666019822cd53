"""The map in headless Chromium, offline: filters, layers, URL state, escaping.

Every request that is not ``file:`` is aborted and recorded, so a test fails
if the page tries to reach any server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS, requires_shared
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geomap.paths import REPO_DIR, gazetteer_dir
from geomap.render import build_map, save_map, synthetic_events

pytestmark = pytest.mark.browser

HOSTILE_ACTOR = "</script><script>window.__pwned=1</script>Militia"
HOSTILE_PLACE = "<img src=x onerror=\"window.__pwned=1\">Hostiletown"
HOSTILE_NOTES = f"<script>window.__pwned=1</script> Shelling near {HOSTILE_PLACE} killed 4."
OUTPUT = REPO_DIR / "output"


@dataclass
class Loaded:
    page: object
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def shown(self) -> int:
        return int(self.page.get_attribute("#geomap-status", "data-shown"))

    def fatalities(self) -> int:
        return int(self.page.get_attribute("#geomap-status", "data-fatalities"))


@pytest.fixture(scope="module")
def gazetteer_env() -> Iterator[None]:
    """Use the committed gazetteer when it is built, else a tiny stand-in."""
    if (gazetteer_dir() / "boundaries.geojson").is_file():
        yield
        return
    from test_map import write_tiny_gazetteer

    mp = pytest.MonkeyPatch()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        mp.setenv("GEOMAP_GAZETTEER", str(write_tiny_gazetteer(Path(tmp))))
        yield
    mp.undo()


def hostile_events() -> pd.DataFrame:
    events = synthetic_events(300, seed=11)
    # One isolated hostile event in the desert east of Palmyra, easy to click.
    extra = events.iloc[[0]].copy()
    extra[["latitude", "longitude"]] = [34.9, 40.9]
    extra["notes"] = HOSTILE_NOTES
    extra["actor1"] = HOSTILE_ACTOR
    extra["location"] = HOSTILE_PLACE
    extra["doc_id"] = "<b>doc</b>"
    extra["event_id"] = "HOSTILE1"
    extra["fatalities"] = 4
    missing = events.iloc[[1]].copy()
    missing[["latitude", "longitude"]] = [float("nan"), float("nan")]
    missing["location"] = "Nowhere-without-coordinates"
    return pd.concat([events, extra, missing], ignore_index=True)


@pytest.fixture(scope="module")
def synthetic_map(tmp_path_factory: pytest.TempPathFactory, gazetteer_env: None) -> tuple[Path, pd.DataFrame]:
    events = hostile_events()
    path = tmp_path_factory.mktemp("maps") / "synthetic.html"
    m = build_map(events, title="<script>window.__pwned=1</script> title",
                  unlocated=["Kafr Unknown", "<img src=x onerror=\"window.__pwned=1\">"])
    save_map(m, path)
    located = events.dropna(subset=["latitude", "longitude"]).reset_index(drop=True)
    return path, located


@pytest.fixture(scope="module")
def clustered_map(tmp_path_factory: pytest.TempPathFactory, gazetteer_env: None) -> tuple[Path, pd.DataFrame]:
    events = synthetic_events(6000, seed=4)
    path = tmp_path_factory.mktemp("maps") / "clustered.html"
    save_map(build_map(events), path)
    return path, events


@pytest.fixture
def open_map(browser) -> Iterator[Callable[..., Loaded]]:
    contexts = []

    def opener(path: Path, hash_: str = "", viewport: dict | None = None) -> Loaded:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page)
        page.on("console", lambda msg: loaded.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: loaded.errors.append(str(exc)))

        def route(r) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                loaded.blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri() + hash_)
        page.wait_for_function("window.__geomapReady === true", timeout=20000)
        return loaded

    yield opener
    for context in contexts:
        context.close()


def click_overlay(page, actor: str) -> None:
    label = page.locator(".geomap-actors label").filter(has_text=actor)
    label.locator("input").click()


def kept_by_actors(events: pd.DataFrame, off: set[str]) -> pd.Series:
    """Events the actor filter keeps with the actors ``off`` unticked: an actor's
    events are those where it is either side (the map's default)."""
    return ~events["actor1"].isin(off) | (events["actor2"].notna() & ~events["actor2"].isin(off))


def click_type(page, event_type: str) -> None:
    page.locator(f'.geomap-types input[data-type="{event_type}"]:not([data-sub])').click()


def set_dates(page, start: str, end: str) -> None:
    for selector, value in (("#geomap-from", start), ("#geomap-to", end)):
        page.fill(selector, value)
        page.dispatch_event(selector, "change")


# --------------------------------------------------------------------------- tests


def test_synthetic_map_loads_offline_with_legend_and_panel(open_map, synthetic_map) -> None:
    path, events = synthetic_map
    loaded = open_map(path)
    page = loaded.page
    assert loaded.errors == [] and loaded.blocked == []
    assert loaded.shown() == len(events)
    assert loaded.fatalities() == int(events["fatalities"].sum())
    assert re.match(rf"{len(events)} of {len(events)} events shown · [\d,]+ fatalities", page.inner_text("#geomap-status"))
    assert page.locator(".geomap-legend").is_visible()
    assert "Battles" in page.inner_text(".geomap-legend")
    panel = page.locator("#geomap-missing")
    assert "2 unlocated place mentions, 1 event without coordinates" in panel.inner_text()
    panel.locator("summary").click()
    text = panel.inner_text()
    assert "Kafr Unknown" in text and "Nowhere-without-coordinates" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert page.evaluate("window.__pwned") is None


def test_each_actor_layer_toggles(open_map, synthetic_map) -> None:
    path, events = synthetic_map
    loaded = open_map(path)
    counts = events["actor1"].value_counts()
    for actor in counts.index:
        click_overlay(loaded.page, actor)
        assert loaded.shown() == kept_by_actors(events, {actor}).sum(), actor
        click_overlay(loaded.page, actor)
        assert loaded.shown() == len(events), actor


def test_type_date_and_actor_filters_combine(open_map, synthetic_map) -> None:
    path, events = synthetic_map
    loaded = open_map(path)
    page = loaded.page
    click_type(page, "Battles")
    keep = events["event_type"] != "Battles"
    assert loaded.shown() == keep.sum()

    page.locator('.geomap-types input[data-sub="Air/drone strike"]').click()
    keep &= events["sub_event_type"] != "Air/drone strike"
    assert loaded.shown() == keep.sum()

    set_dates(page, "2016-05-05", "2016-05-20")
    keep &= events["event_date"].between("2016-05-05", "2016-05-20")
    assert loaded.shown() == keep.sum()

    actor = events["actor1"].value_counts().index[0]
    click_overlay(page, actor)
    keep &= kept_by_actors(events, {actor})
    assert loaded.shown() == keep.sum()
    assert loaded.fatalities() == int(events.loc[keep, "fatalities"].sum())

    page.locator('button[data-types="all"]').click()
    page.locator('button[data-actors="all"]').click()
    set_dates(page, "", "")
    assert loaded.shown() == len(events)
    page.locator('button[data-types="none"]').click()
    assert loaded.shown() == 0
    assert loaded.errors == []


def test_url_hash_round_trips_a_filtered_view(open_map, synthetic_map) -> None:
    path, events = synthetic_map
    first = open_map(path)
    page = first.page
    click_type(page, "Protests")
    actor = events["actor1"].value_counts().index[1]
    click_overlay(page, actor)
    set_dates(page, "2016-05-03", "2016-05-25")
    page.evaluate("window.geomap.instances[0].map.setView([35.2, 38.1], 8)")
    hash_ = page.evaluate("location.hash")
    assert "types=" in hash_ and "actors=" in hash_ and "from=2016-05-03" in hash_ and "to=2016-05-25" in hash_
    assert "z=8" in hash_ and re.search(r"ll=35\.20\d*,38\.10\d*", hash_)  # centre snaps to whole pixels

    second = open_map(path, hash_)
    assert second.shown() == first.shown() < len(events)
    assert second.page.evaluate("window.geomap.instances[0].map.getZoom()") == 8
    assert second.page.is_checked('.geomap-types input[data-type="Protests"]:not([data-sub])') is False

    click_type(second.page, "Protests")  # a change is written back to the hash: all types on again
    assert "types=" not in second.page.evaluate("location.hash")
    assert second.shown() > first.shown()
    click_type(second.page, "Riots")
    assert "types=" in second.page.evaluate("location.hash") and "Riots" not in second.page.evaluate("location.hash")
    assert second.errors == []


def test_crafted_hash_is_only_data(open_map, synthetic_map) -> None:
    path, events = synthetic_map
    crafted = ("#actors=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E,%E0%A4%A"
               "&types=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&from=<b>&z=9e99&ll=javascript:1")
    loaded = open_map(path, crafted)
    assert loaded.shown() == 0  # no actor and no type matched
    assert loaded.page.evaluate("window.__pwned") is None
    assert loaded.errors == [] and loaded.blocked == []


def test_popup_shows_hostile_text_and_runs_nothing(open_map, synthetic_map) -> None:
    path, _ = synthetic_map
    loaded = open_map(path, "#z=9&ll=34.9000,40.9000")
    page = loaded.page
    point = page.evaluate(
        "(() => { const m = window.geomap.instances[0].map; const p = m.latLngToContainerPoint([34.9, 40.9]);"
        " const r = m.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; })()"
    )
    # Chromium can drop input that arrives before the first frame is presented.
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    popup = page.locator(".leaflet-popup-content")
    for _ in range(3):
        page.mouse.click(*point)
        try:
            popup.wait_for(timeout=1500)
            break
        except PlaywrightTimeout:
            continue
    popup.wait_for(timeout=1000)
    text = popup.inner_text()
    assert HOSTILE_NOTES in text
    assert HOSTILE_ACTOR in text
    assert HOSTILE_PLACE in text
    assert "<b>doc</b>" in text
    assert popup.locator("mark").first.inner_text() == HOSTILE_PLACE  # the place is highlighted in the sentence
    assert popup.locator("img, script").count() == 0
    assert HOSTILE_ACTOR in page.text_content(".geomap-actors")
    assert "<script>window.__pwned=1</script> title" in page.inner_text(".geomap-title")
    assert page.evaluate("window.__pwned") is None
    assert loaded.errors == [] and loaded.blocked == []


def test_clustering_mode_filters_and_toggles(open_map, clustered_map) -> None:
    path, events = clustered_map
    loaded = open_map(path)
    page = loaded.page
    assert page.evaluate("window.geomap.instances[0].canvas._clusters.length") > 0
    assert loaded.shown() == len(events)
    click_type(page, "Riots")
    assert loaded.shown() == (events["event_type"] != "Riots").sum()
    actor = events["actor1"].value_counts().index[0]
    click_overlay(page, actor)
    keep = (events["event_type"] != "Riots") & kept_by_actors(events, {actor})
    assert loaded.shown() == keep.sum()
    clustered = page.evaluate(
        "window.geomap.instances[0].canvas._clusters.reduce((n, c) => n + c.members.length, 0)"
        " + window.geomap.instances[0].canvas._hits.idx.length"
    )
    assert 0 < clustered <= keep.sum()  # clusters and markers hold only visible events
    assert loaded.errors == [] and loaded.blocked == []


def test_screenshot_for_humans(open_map, synthetic_map) -> None:
    path, _ = synthetic_map
    loaded = open_map(path)
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / "map-synthetic.png"
    loaded.page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


@requires_shared
@pytest.mark.shared
def test_seed_report_map_loads_offline(open_map, tmp_path: Path) -> None:
    from geomap.run.map_inputs import load_map_inputs

    loaded_inputs = load_map_inputs([SEEDS / "aleppo-2016-05-03.txt"], report_date="2016-05-03")
    path = tmp_path / "seed.html"
    save_map(build_map(loaded_inputs.events, title="Seed report", unlocated=loaded_inputs.unlocated), path)
    loaded = open_map(path)
    assert loaded.errors == [] and loaded.blocked == []
    assert loaded.shown() == loaded_inputs.located
    assert loaded.page.locator(".geomap-legend").count() == 1
    assert loaded.page.locator("#geomap-missing").count() == 1
    OUTPUT.mkdir(exist_ok=True)
    loaded.page.screenshot(path=str(OUTPUT / "map-seed-report.png"))


def test_empty_table_and_single_day_maps_load(open_map, tmp_path: Path, gazetteer_env: None) -> None:
    empty = tmp_path / "empty.html"
    save_map(build_map(pd.DataFrame({"latitude": [], "longitude": []})), empty)
    loaded = open_map(empty)
    assert loaded.shown() == 0 and loaded.errors == [] and loaded.blocked == []

    one_day = tmp_path / "one-day.html"
    events = synthetic_events(20, days=1)
    save_map(build_map(events), one_day)
    loaded = open_map(one_day)
    assert loaded.shown() == 20
    assert loaded.page.locator("#geomap-from").count() == 0  # no date range for a single day
    assert loaded.errors == []


def test_flagged_counts_are_counted_and_listed(open_map, tmp_path: Path, gazetteer_env: None) -> None:
    events = synthetic_events(5)
    events["fatalities"] = [3, -5, 2, 1, 250000]
    path = tmp_path / "flagged.html"
    save_map(build_map(events), path)
    loaded = open_map(path)
    assert loaded.errors == [] and loaded.shown() == 5
    assert loaded.fatalities() == 6  # the absurd values count for nothing
    summary = loaded.page.inner_text("#geomap-missing summary")
    assert "2 values flagged, shown as unknown" in summary
    listed = loaded.page.locator(".geomap-flagged li").all_text_contents()  # the panel starts folded
    assert len(listed) == 2 and any("-5 is negative" in item for item in listed)


def test_online_basemap_requests_only_its_tiles(open_map, tmp_path: Path, gazetteer_env: None) -> None:
    path = tmp_path / "osm.html"
    save_map(build_map(synthetic_events(20), basemap="osm"), path)
    loaded = open_map(path)
    loaded.page.wait_for_timeout(300)
    assert loaded.blocked, "the chosen online basemap asks for tiles"
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in loaded.blocked), loaded.blocked
    labels = loaded.page.inner_text(".leaflet-control-layers-base")
    assert "Offline basemap" in labels and "CARTO light" in labels and "Humanitarian OSM" in labels


def test_small_frame_starts_with_folded_panels(open_map, synthetic_map) -> None:
    path, events = synthetic_map
    loaded = open_map(path, viewport={"width": 640, "height": 420})
    page = loaded.page
    assert page.evaluate("document.querySelector('.geomap-filters').open") is False
    assert page.evaluate("document.querySelector('.geomap-legend').open") is False
    assert not page.locator(".leaflet-control-layers-expanded").count()
    page.click(".geomap-filters summary")
    click_type(page, "Battles")
    assert loaded.shown() == (events["event_type"] != "Battles").sum()
    assert loaded.errors == []
