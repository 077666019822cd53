"""The map as a report reader meets it, in headless Chromium: at 1280x800 and
inside the ``geomap embed`` iframe at 375x667 and 600x400.

Controls that fit the frame, every event of a crowded point reachable, an
actor named only as the other party filterable, live counts, links and
history, the mention's own characters highlighted, the timeline, the list
view, clusters that show their actors. Every request that is not ``file:``
is aborted and recorded. Screenshots of the demo go to ``output/``.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geomap.cli import main
from geomap.paths import REPO_DIR, examples_dir, gazetteer_dir
from geomap.render import build_map, save_map, synthetic_events

pytestmark = pytest.mark.browser

OUTPUT = REPO_DIR / "output"
# (label, embedded in the `geomap embed` snippet?, width, height)
FRAMES = [("page-1280x800", False, 1280, 800), ("embed-375x667", True, 375, 667), ("embed-600x400", True, 600, 400)]
FRAME_IDS = [f[0] for f in FRAMES]
STACK_POINT = (35.95, 39.01)  # 20 events on exactly this point in the stack map
MFS = "Military Forces of Syria"


# --------------------------------------------------------------------------- opening maps


@dataclass
class View:
    """One map opened in a page, directly or inside the embed iframe."""

    page: Any
    frame: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.frame.evaluate(expression, arg)

    def shown(self) -> int:
        return int(self.frame.get_attribute("#geomap-status", "data-shown"))

    def hash(self) -> str:
        return self.js("location.hash")

    def open_panel(self, key: str) -> None:
        if not self.js(f"document.querySelector('details[data-panel={key}]').open"):
            self.frame.click(f"details[data-panel={key}] > summary")
        # the layout follows on the panel's toggle event, a task after the click
        self.frame.wait_for_function(f"""(() => {{ const p = document.querySelector('details[data-panel={key}]');
            return p.open && (!window.geomap.instances[0].layout.compact || p.classList.contains('geomap-sheet')); }})()""")

    def click_actor(self, name: str) -> None:
        self.open_panel("filters")
        self.frame.locator(".geomap-actors label").filter(has_text=name).locator("input").click()

    def click_type(self, name: str) -> None:
        self.open_panel("filters")
        self.frame.locator(f'.geomap-types input[data-type="{name}"]:not([data-sub])').click()


def embed_host(folder: Path, map_path: Path, hash_: str, width: int, height: int) -> Path:
    """A report page holding the snippet `geomap embed` prints, sized so the iframe is width x height."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["embed", f"{map_path}{hash_}", "--ratio", f"{100 * height / width:.6f}"]) == 0
    host = folder / f"host-{map_path.stem}-{width}x{height}-{abs(hash(hash_))}.html"
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
                    f"<body style='margin:0'>{out.getvalue()}</body></html>", encoding="utf-8")
    return host


@pytest.fixture
def open_view(browser, tmp_path: Path) -> Iterator[Any]:
    contexts = []

    def opener(path: Path, hash_: str = "", frame: tuple = FRAMES[0]) -> View:
        _, embedded, width, height = frame
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        view = View(page, None)
        page.on("console", lambda msg: view.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: view.errors.append(str(exc)))

        def route(r) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                view.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        if embedded:
            page.goto(embed_host(tmp_path, path, hash_, width, height).as_uri())
            view.frame = page.wait_for_selector("iframe").content_frame()
        else:
            page.goto(path.as_uri() + hash_)
            view.frame = page.main_frame
        view.frame.wait_for_function("window.__geomapReady === true", timeout=20000)
        # Chromium can drop input that arrives before the first frame is presented.
        view.frame.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return view

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def maps_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report-maps")


@pytest.fixture(scope="module")
def demo(maps_dir: Path) -> tuple[Path, pd.DataFrame]:
    """`geomap demo`'s map, and its events as `geomap extract` codes them."""
    pytest.importorskip("geomap.extract")
    if not (gazetteer_dir() / "places.tsv").is_file():
        pytest.skip("the bundled gazetteer is not built")
    report = examples_dir() / "aleppo-2016-05-03.txt"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["demo", "-o", str(maps_dir)]) == 0
    from geomap.extract import extract_events

    events = pd.DataFrame(extract_events(report.read_text(encoding="utf-8"), report_date="2016-05-03",
                                         doc_id=report.stem))
    return maps_dir / f"{report.stem}.html", events.dropna(subset=["latitude"]).reset_index(drop=True)


def stack_events() -> pd.DataFrame:
    """60 synthetic events, 20 of them (four actors, three types, 20 days) on one point."""
    events = synthetic_events(60, seed=21)
    stack = events.index[:20]
    events.loc[stack, ["latitude", "longitude"]] = STACK_POINT
    events.loc[stack, "actor1"] = [["Alpha Brigade", "Beta Front", "Gamma Army", "Delta Unit"][k % 4] for k in range(20)]
    events.loc[stack, "event_date"] = [f"2016-05-{k + 1:02d}" for k in range(20)]
    # an actor named only as the second party, nowhere as a doer
    events.loc[25, "actor2"] = "Only Second Party"
    return events


@pytest.fixture(scope="module")
def stack_map(maps_dir: Path) -> tuple[Path, pd.DataFrame]:
    events = stack_events()
    path = maps_dir / "stack.html"
    save_map(build_map(events, title="Twenty events on one point"), path)
    return path, events


def kept(events: pd.DataFrame, on: set[str] | None = None, types: set[str] | None = None) -> pd.Series:
    """What the map shows with only the actors ``on`` (either side) and event ``types``."""
    keep = pd.Series(True, index=events.index)
    if on is not None:
        keep &= events["actor1"].isin(on) | events["actor2"].isin(on)
    if types is not None:
        keep &= events["event_type"].isin(types)
    return keep


# --------------------------------------------------------------------------- geometry helpers

_CONTROL_BOXES = """() => {
  const c = window.geomap.instances[0].map.getContainer(), o = c.getBoundingClientRect(), out = [];
  c.querySelectorAll('.leaflet-control-container .leaflet-control').forEach(n => {
    const r = n.getBoundingClientRect();
    if (n.offsetParent === null || !r.width || !r.height) return;
    out.push({name: (n.getAttribute('data-panel') || n.className.split(' ').find(x => x.startsWith('geomap-') ||
               x.startsWith('leaflet-control-'))), left: r.left - o.left, top: r.top - o.top,
              right: r.right - o.left, bottom: r.bottom - o.top});
  });
  return {width: o.width, height: o.height, boxes: out};
}"""


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]:
                found.append((a["name"], b["name"]))
    return found


def covered_share(layout: dict) -> float:
    """Share of the map under controls (the union, on a 2 px grid)."""
    step, w, h = 2, layout["width"], layout["height"]
    cells = set()
    for b in layout["boxes"]:
        for x in range(max(0, int(b["left"] // step)), min(int(w // step), math.ceil(b["right"] / step))):
            for y in range(max(0, int(b["top"] // step)), min(int(h // step), math.ceil(b["bottom"] / step))):
                cells.add((x, y))
    return len(cells) / ((w // step) * (h // step))


def point_of(view: View, lat: float, lon: float) -> list[float]:
    """Where a place is drawn, in the page's coordinates (the iframe's offset included)."""
    inner = view.js("([lat, lon]) => { const m = window.geomap.instances[0].map; const p = m.latLngToContainerPoint([lat, lon]);"
                    " const r = m.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }", [lat, lon])
    offset = [0, 0]
    if view.frame is not view.page.main_frame:
        box = view.page.query_selector("iframe").bounding_box()
        offset = [box["x"], box["y"]]
    return [inner[0] + offset[0], inner[1] + offset[1]]


# --------------------------------------------------------------------------- controls that fit the frame


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_controls_leave_the_map_visible(open_view, demo, frame) -> None:
    path, _ = demo
    view = open_view(path, frame=frame)
    layout = view.js(_CONTROL_BOXES)
    assert covered_share(layout) <= 0.25, layout
    assert overlaps(layout["boxes"]) == [], layout
    names = {b["name"] for b in layout["boxes"]}
    assert {"geomap-title", "leaflet-control-attribution", "leaflet-control-scale"} <= names
    compact = frame[2] < 700
    open_panels = view.js("[...document.querySelectorAll('details.geomap-panel')].filter(p => p.open)"
                          ".map(p => p.dataset.panel)")
    assert open_panels == ([] if compact else ["filters", "legend"])
    assert view.js("document.querySelector('.geomap-title').scrollHeight <= document.querySelector('.geomap-title')"
                   ".clientHeight + 1"), "the title fits on its lines (one in a small frame)"
    assert view.errors == [] and view.blocked == []


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_each_panel_opens_and_closes_without_covering_another(open_view, demo, frame) -> None:
    path, _ = demo
    view = open_view(path, frame=frame)
    compact = frame[2] < 700
    keys = view.js("[...document.querySelectorAll('details.geomap-panel')].map(p => p.dataset.panel)")
    assert set(keys) == {"filters", "legend", "missing", "list"}
    for key in keys:
        view.open_panel(key)
        state = view.js("[...document.querySelectorAll('details.geomap-panel')].filter(p => p.open).map(p => p.dataset.panel)")
        if compact:
            assert state == [key]  # a sheet, one at a time
            sheet = view.js(f"""(() => {{
              const c = document.querySelector('details[data-panel={key}] > .geomap-panel-content').getBoundingClientRect();
              const m = window.geomap.instances[0].map.getContainer().getBoundingClientRect();
              return [c.left, c.right, c.top, c.bottom, m.left, m.right, m.top, m.bottom]; }})()""")
            left, right, top, bottom, mleft, mright, mtop, mbottom = sheet
            assert left >= mleft - 1 and right <= mright + 1 and top >= mtop and bottom <= mbottom + 1
            assert bottom - top <= 0.7 * (mbottom - mtop) + 1  # the map stays in sight above the sheet
            # nothing else (the other buttons of its corner, the scale) is drawn over the sheet
            covered = view.js(f"""(() => {{
              const c = document.querySelector('details[data-panel={key}] > .geomap-panel-content');
              const r = c.getBoundingClientRect();
              const out = [];
              for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {{
                const x = r.left + r.width * i / 10, y = r.top + r.height * j / 10, hit = document.elementFromPoint(x, y);
                if (hit && !c.contains(hit)) out.push(hit.className || hit.tagName);
              }}
              return out; }})()""")
            assert covered == [], (key, covered)
            view.frame.click(f"details[data-panel={key}] .geomap-close")
            assert not view.js(f"document.querySelector('details[data-panel={key}]').open")
        else:
            assert key in state
            assert overlaps(view.js(_CONTROL_BOXES)["boxes"]) == []
    assert view.errors == []


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_filtered_link_fits_the_events_shown_clear_of_the_panels(open_view, demo, frame) -> None:
    path, events = demo
    view = open_view(path, "#types=Battles", frame=frame)
    battles = events[events["event_type"] == "Battles"]
    assert view.shown() == len(battles) > 0
    assert view.js("!document.querySelector('.geomap-badge').hidden")
    assert "Filtered" in view.frame.inner_text(".geomap-badge")
    layout = view.js(_CONTROL_BOXES)
    assert overlaps(layout["boxes"]) == [] and covered_share(layout) <= 0.25  # the badge included
    origin = view.js("(() => { const r = window.geomap.instances[0].map.getContainer().getBoundingClientRect();"
                     " return [r.left, r.top]; })()")
    for lat, lon in zip(battles["latitude"], battles["longitude"]):
        x, y = view.js("([a, b]) => { const p = window.geomap.instances[0].map.latLngToContainerPoint([a, b]);"
                       " return [p.x, p.y]; }", [lat, lon])
        assert 0 <= x <= layout["width"] and 0 <= y <= layout["height"], (lat, lon)
        under = [b["name"] for b in layout["boxes"]
                 if b["left"] - 6 <= x <= b["right"] + 6 and b["top"] - 6 <= y <= b["bottom"] + 6]
        assert under == [], (lat, lon, under, origin)
    view.frame.click(".geomap-show-all")
    assert view.shown() == len(events) and view.js("document.querySelector('.geomap-badge').hidden")


# --------------------------------------------------------------------------- crowded points and clusters


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_all_twenty_events_on_one_point_are_reachable(open_view, stack_map, frame) -> None:
    path, events = stack_map
    view = open_view(path, "#z=9&ll=35.9500,39.0100", frame=frame)
    x, y = point_of(view, *STACK_POINT)
    for _ in range(3):
        view.page.mouse.click(x, y)
        if view.js("new Promise(r => setTimeout(() => r(!!document.querySelector('.leaflet-popup-content')), 300))"):
            break  # (Chromium can drop a click that comes before the first frame)
    popup = view.frame.locator(".leaflet-popup-content").last
    assert "20 events here" in popup.inner_text()
    summary = popup.locator(".geomap-popup-summary").inner_text()
    assert "Alpha Brigade 5" in summary and "Delta Unit 5" in summary and "By type" in summary
    seen = []
    for page in range(2):
        seen += view.js("[...document.querySelectorAll('.leaflet-popup-content .geomap-card')].map(c => +c.dataset.event)")
        if page == 0:
            view.frame.click(".leaflet-popup-content [data-page=next]")
    assert len(seen) == len(set(seen)) == 20
    ids = view.js("(ix) => ix.map(i => window.geomap.instances[0].model.text('event_id', i))", seen)
    at_point = events[(events["latitude"] == STACK_POINT[0]) & (events["longitude"] == STACK_POINT[1])]
    assert sorted(ids) == sorted(at_point["event_id"])
    assert view.js("document.querySelector('.leaflet-popup-content [data-page=next]').disabled")
    view.frame.click(".leaflet-popup-content [data-page=previous]")
    assert "Events 1–10 of 20" in popup.inner_text()
    assert view.errors == [] and view.blocked == []


def test_clusters_show_their_actors_on_a_log_scale(open_view, maps_dir: Path) -> None:
    events = synthetic_events(6000, seed=4)
    # 300 events on one point: the cluster there cannot be split by zooming, so a click pages through it
    events.loc[:299, ["latitude", "longitude"]] = (36.8, 40.7)  # far from the synthetic towns
    path = maps_dir / "clusters.html"
    save_map(build_map(events), path)
    view = open_view(path)
    clusters = view.js("window.geomap.instances[0].canvas._clusters.map(c => ({n: c.members.length, r: c.r,"
                       " actors: Object.keys(c.actors).length, x: c.x, y: c.y}))")
    assert clusters and max(c["actors"] for c in clusters) >= 5
    by_size = sorted(clusters, key=lambda c: c["n"])
    small, large = by_size[0], by_size[-1]
    assert large["r"] - small["r"] == pytest.approx(4.5 * math.log10(large["n"] / small["n"]), abs=0.01)
    # the ring is drawn in the actors' colours: sample it on the canvas
    colours = view.js("window.geomap.instances[0].model.data.actors.map(a => a.color.toLowerCase())")
    ring = view.js("""(c) => {
      const canvas = window.geomap.instances[0].canvas._container, ctx = canvas.getContext('2d');
      const ratio = canvas.width / canvas.clientWidth, origin = window.geomap.instances[0].canvas._bounds.min;
      const out = new Set();
      for (let a = 0; a < 64; a++) {
        const t = 2 * Math.PI * a / 64, rr = c.r * 0.8;
        const px = ctx.getImageData(Math.round((c.x - origin.x + rr * Math.cos(t)) * ratio),
                                    Math.round((c.y - origin.y + rr * Math.sin(t)) * ratio), 1, 1).data;
        out.add('#' + [px[0], px[1], px[2]].map(v => v.toString(16).padStart(2, '0')).join(''));
      }
      return [...out];
    }""", large)
    assert len(set(ring) & set(colours)) >= 3, ring
    # hovering a cluster summarises it
    def on_page(c: dict) -> list[float]:
        return view.js("([x, y]) => { const m = window.geomap.instances[0].map, p = m.layerPointToContainerPoint([x, y]),"
                       " r = m.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }",
                       [c["x"], c["y"]])

    view.page.mouse.move(*on_page(large))
    hover = view.frame.locator(".geomap-hover")
    hover.wait_for(state="visible", timeout=2000)
    assert f"{large['n']:,} events" in hover.inner_text()
    top_actor = view.js("(c) => { const app = window.geomap.instances[0], k = Object.entries(c.actors)"
                        ".sort((a, b) => b[1] - a[1])[0][0]; return app.model.data.actors[k].name; }",
                        view.js("window.geomap.instances[0].canvas._clusters.reduce((a, c) => c.members.length >"
                                " a.members.length ? c : a)"))
    assert top_actor in hover.inner_text()
    # a cluster of one point opens its events instead of zooming
    view.js("void window.geomap.instances[0].map.setView([36.8, 40.7], 11, {animate: false})")
    view.js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    point = view.js("window.geomap.instances[0].canvas._clusters.filter(c => c.members.length >= 300)"
                    ".map(c => ({x: c.x, y: c.y}))[0]")
    assert point is not None
    view.page.mouse.click(*on_page(point))
    view.frame.locator(".leaflet-popup-content").wait_for(timeout=2000)
    assert "events here" in view.frame.inner_text(".leaflet-popup-content .geomap-popup-count")
    assert view.js("window.geomap.instances[0].map.getZoom()") == 11
    assert view.errors == [] and view.blocked == []


# --------------------------------------------------------------------------- actors


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_an_actor_named_only_as_actor2_is_filterable(open_view, demo, frame) -> None:
    path, events = demo
    only_second = sorted(set(events["actor2"].dropna()) - set(events["actor1"].dropna()))
    assert "Jaish al-Islam" in only_second  # the demo's Ghouta clash names it only as the other party
    view = open_view(path, frame=frame)
    view.open_panel("filters")
    view.frame.click('button[data-actors="none"]')
    assert view.shown() == 0
    view.click_actor("Jaish al-Islam")
    assert view.shown() == kept(events, {"Jaish al-Islam"}).sum() == 1
    assert "actors=Jaish+al-Islam" in view.hash()
    view.frame.check('input[data-mode="doer"]')
    assert view.shown() == 0 and "as=doer" in view.hash()
    view.frame.check('input[data-mode="either"]')
    assert view.shown() == 1
    assert view.errors == []


def test_thirty_actors_draw_colour_and_second_channel(open_view, maps_dir: Path) -> None:
    names = [f"Actor {k:02d}" for k in range(30)]
    rows = [{"actor1": name, "latitude": 33.0 + 0.35 * (k // 6), "longitude": 36.2 + 0.9 * (k % 6),
             "event_type": "Battles", "sub_event_type": "Armed clash", "event_date": "2016-05-03",
             "fatalities": 100 - k} for k, name in enumerate(names)]  # descending: the order of the colours
    path = maps_dir / "thirty.html"
    save_map(build_map(pd.DataFrame(rows)), path)
    view = open_view(path, "#z=8&ll=33.8000,38.4000")
    actors = view.js("window.geomap.instances[0].model.data.actors")
    assert len({(a["color"], a["style"]) for a in actors}) == 30
    assert {a["style"] for a in actors} == {"solid", "dot", "stripes"}
    # the legend lists every actor shown, with its second channel on the swatch
    legend = view.frame.locator(".geomap-legend-actors .geomap-legend-row")
    assert legend.count() == 30
    assert view.frame.locator(".geomap-legend-actors .geomap-style-dot").count() == 12
    assert view.frame.locator(".geomap-legend-actors .geomap-style-stripes").count() == 6
    # on the map: a solid marker is its colour at the centre, a dotted one white
    centre = view.js("""(k) => {
      const app = window.geomap.instances[0], m = app.model, canvas = app.canvas._container;
      const p = app.map.latLngToLayerPoint([m.data.lat[k], m.data.lon[k]]), o = app.canvas._bounds.min;
      const ratio = canvas.width / canvas.clientWidth;
      const px = canvas.getContext('2d')
        .getImageData(Math.round((p.x - o.x) * ratio), Math.round((p.y - o.y) * ratio), 1, 1).data;
      return [px[0], px[1], px[2]];
    }""", 12)
    assert min(centre) >= 235, centre  # Actor 12: the first with the white dot
    solid = view.js("""(k) => {
      const app = window.geomap.instances[0], m = app.model, canvas = app.canvas._container;
      const p = app.map.latLngToLayerPoint([m.data.lat[k], m.data.lon[k]]), o = app.canvas._bounds.min;
      const ratio = canvas.width / canvas.clientWidth;
      const px = canvas.getContext('2d')
        .getImageData(Math.round((p.x - o.x) * ratio), Math.round((p.y - o.y) * ratio), 1, 1).data;
      return [px[0], px[1], px[2]];
    }""", 0)
    assert min(solid) < 200, solid
    # the legend follows the filters
    view.frame.click('button[data-actors="none"]')
    view.click_actor("Actor 03")
    assert view.frame.locator(".geomap-legend-actors .geomap-legend-row").count() == 1
    assert view.errors == []


# --------------------------------------------------------------------------- live counts


def badge(view: View, selector: str) -> int:
    return int(view.frame.inner_text(selector).strip("() ").replace(",", ""))


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_badges_count_what_the_other_filters_leave(open_view, stack_map, frame) -> None:
    path, events = stack_map
    view = open_view(path, frame=frame)
    view.open_panel("filters")
    types = events["event_type"].unique()
    actors = sorted(set(events["actor1"]) | set(events["actor2"].dropna()))

    def type_badge(t: str) -> int:
        return badge(view, f'.geomap-types input[data-type="{t}"]:not([data-sub]) ~ .geomap-count')

    def actor_badge(a: str) -> int:
        return badge(view, f'.geomap-actors input[data-actor="{a}"] ~ .geomap-count')

    for t in types:
        assert type_badge(t) == (events["event_type"] == t).sum()
    view.click_actor("Alpha Brigade")  # off: its events as doer and as other party go unless the other side is on
    on = set(actors) - {"Alpha Brigade"}
    for t in types:
        assert type_badge(t) == (kept(events, on) & (events["event_type"] == t)).sum(), t
    view.click_type("Battles")
    left = set(types) - {"Battles"}
    for a in ("Beta Front", "Only Second Party", "Alpha Brigade"):
        involved = (events["actor1"] == a) | (events["actor2"] == a)
        assert actor_badge(a) == (involved & events["event_type"].isin(left)).sum(), a
    # a badge ignores its own filter: Battles still counts what the actor filter leaves
    assert type_badge("Battles") == (kept(events, on) & (events["event_type"] == "Battles")).sum()
    assert view.shown() == (kept(events, on) & events["event_type"].isin(left)).sum()


# --------------------------------------------------------------------------- links and history


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_back_undoes_one_filter_change(open_view, stack_map, frame) -> None:
    path, events = stack_map
    view = open_view(path, frame=frame)
    total = len(events)
    view.click_type("Battles")
    after_type = view.shown()
    view.frame.click('button[data-actors="none"]')
    assert view.shown() == 0
    view.click_actor("Alpha Brigade")
    alpha = view.shown()
    assert total > after_type > alpha > 0
    view.js("history.back()")  # the tick undone: no actor
    view.frame.wait_for_function("document.getElementById('geomap-status').dataset.shown == '0'")
    view.js("history.back()")  # "none" undone: every actor, Battles still off
    view.frame.wait_for_function(f"document.getElementById('geomap-status').dataset.shown == '{after_type}'")
    assert view.js("document.querySelectorAll('.geomap-actors input:not(:checked)').length") == 0
    assert not view.js("document.querySelector('.geomap-types input[data-type=\"Battles\"]:not([data-sub])').checked")
    view.js("history.back()")
    view.frame.wait_for_function(f"document.getElementById('geomap-status').dataset.shown == '{total}'")
    view.js("history.forward()")
    view.frame.wait_for_function(f"document.getElementById('geomap-status').dataset.shown == '{after_type}'")
    assert view.errors == []


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_hand_written_link_selects_the_actor(open_view, demo, frame) -> None:
    path, events = demo
    view = open_view(path, "#actors=Military+Forces+of+Syria", frame=frame)
    assert view.shown() == kept(events, {MFS}).sum() > 0
    checked = view.js("[...document.querySelectorAll('.geomap-actors input:checked')].map(b => b.dataset.actor)")
    assert checked == [MFS]
    assert view.js("document.querySelector('.geomap-notice').hidden")
    assert view.errors == []


def test_links_are_read_tolerantly_and_say_what_they_lack(open_view, demo) -> None:
    path, events = demo
    mfs = kept(events, {MFS}).sum()
    battles = (events["event_type"] == "Battles").sum()
    view = open_view(path, "#actors=military%20forces%20of%20SYRIA&types=battles")
    assert view.shown() == (kept(events, {MFS}) & (events["event_type"] == "Battles")).sum()
    # a second link in the same tab: its whole state, nothing kept from the first
    view.js("location.hash = '#types=Battles'")
    view.frame.wait_for_function(f"document.getElementById('geomap-status').dataset.shown == '{battles}'")
    assert view.js("document.querySelectorAll('.geomap-actors input:not(:checked)').length") == 0
    # unknown values: a notice, the hash kept as given, the rest applied
    view.js("location.hash = '#actors=Nobody+Such,Military+Forces+of+Syria&types=Picnic'")
    view.frame.wait_for_function("!document.querySelector('.geomap-notice').hidden")
    notice = view.frame.inner_text(".geomap-notice")
    assert "Nobody Such" in notice and "Picnic" in notice
    assert view.shown() == 0  # no type matched
    assert "Nobody+Such" in view.hash() and "Picnic" in view.hash()
    view.js("location.hash = '#actors=Nobody+Such,Military+Forces+of+Syria'")
    view.frame.wait_for_function(f"document.getElementById('geomap-status').dataset.shown == '{mfs}'")
    view.js("void window.geomap.instances[0].map.panBy([30, 0], {animate: false})")  # a move rewrites the hash...
    assert "Nobody+Such" in view.hash()  # ...and keeps what the link asked for
    # dates the wrong way round are swapped and said so; a month stands for its days
    view.js("location.hash = '#from=2016-05-03&to=2016-04'")
    view.frame.wait_for_function("document.querySelector('.geomap-notice').innerText.includes('swapped')")
    assert view.js("window.geomap.instances[0].model.from") < view.js("window.geomap.instances[0].model.to")
    assert view.shown() == len(events)
    assert view.errors == [] and view.blocked == []


# --------------------------------------------------------------------------- popups: the mention's own characters


def open_event(view: View, location: str) -> Any:
    """Open the list, activate the row of the event at ``location``; return its popup."""
    view.open_panel("list")
    row = view.frame.locator(".geomap-list tbody tr").filter(has_text=location).first
    event = row.get_attribute("data-event")
    row.click()
    card = view.frame.locator(f".geomap-card-focus[data-event='{event}']")
    card.wait_for(timeout=2000)
    return view.frame.locator(".leaflet-popup-content").filter(has=card)


def test_popup_highlights_the_mentions_own_characters(open_view, demo) -> None:
    path, events = demo
    view = open_view(path)
    # the sentence spells the place as the report does, not as the gazetteer does
    for place, written in (("Al-Mohafaza", "al-Muhafaza"), ("Moscow", "Moscow"), ("Lattakia", "Latakia")):
        assert place in set(events["location"])
        popup = open_event(view, place)
        card = popup.locator(".geomap-card-focus")
        marks = card.locator("blockquote mark").all_inner_texts()
        assert marks == [written], (place, marks)
        view.js("void window.geomap.instances[0].map.closePopup()")
    assert view.errors == []


def test_time_precision_is_shown_and_respected(open_view, maps_dir: Path) -> None:
    events = synthetic_events(4, seed=2, days=1)
    events["event_date"] = ["2016-05-03", "2016-05-10", "2016-04-13", "2016-05-20"]
    events["time_precision"] = [1, 1, 3, 2]  # the third: April 2016 only; the fourth: the week of 16-22 May
    events["location"] = ["Day-town", "Day-town-2", "Month-town", "Week-town"]
    path = maps_dir / "precision.html"
    save_map(build_map(events), path)
    view = open_view(path)
    popup = open_event(view, "Month-town")
    assert "2016-04 (only the month is known)" in popup.inner_text()
    popup = open_event(view, "Week-town")
    assert "week of 2016-05-16 to 2016-05-22" in popup.inner_text()
    # the month-precise event is spread over April in the timeline, one thirtieth a day
    spread = view.js("Array.from(window.geomap.instances[0].timeline.spread)")
    starts = view.js("window.geomap.instances[0].timeline.starts.map(d => new Date(d * 864e5).toISOString().slice(0, 10))")
    april = [w for s, w in zip(starts, spread) if s.startswith("2016-04")]
    assert len(april) == 30 and all(w == pytest.approx(1 / 30 + 0) for w in april)
    assert view.js("Math.max(...window.geomap.instances[0].timeline.precise)") == 1
    # a range within April or within that week keeps the imprecise event
    view.frame.fill("#geomap-from", "2016-04-20")
    view.frame.fill("#geomap-to", "2016-04-21")
    view.frame.dispatch_event("#geomap-to", "change")
    assert view.shown() == 1
    view.frame.fill("#geomap-from", "2016-05-21")
    view.frame.fill("#geomap-to", "2016-05-21")
    view.frame.dispatch_event("#geomap-to", "change")
    assert view.shown() == 1 and "from=2016-05-21" in view.hash()
    assert view.errors == []


# --------------------------------------------------------------------------- timeline


def test_timeline_brush_play_and_iso_dates(open_view, stack_map) -> None:
    path, events = stack_map
    view = open_view(path)
    canvas = view.frame.locator("canvas.geomap-histogram")
    box = canvas.bounding_box()
    first, last = view.js("[window.geomap.instances[0].timeline.first, window.geomap.instances[0].timeline.last]")
    days = last - first + 1
    # drag over the first third
    y = box["y"] + box["height"] / 2
    view.page.mouse.move(box["x"] + 2, y)
    view.page.mouse.down()
    view.page.mouse.move(box["x"] + box["width"] / 3, y, steps=5)
    view.page.mouse.up()
    model_range = view.js("[window.geomap.instances[0].model.from, window.geomap.instances[0].model.to]")
    assert model_range[0] == first and first < model_range[1] < first + days / 2
    dates = pd.to_datetime(events["event_date"])
    start = pd.Timestamp("1970-01-01") + pd.to_timedelta(model_range[0], unit="D")
    end = pd.Timestamp("1970-01-01") + pd.to_timedelta(model_range[1], unit="D")
    assert view.shown() == dates.between(start, end).sum()
    assert f"from={start:%Y-%m-%d}" in view.hash() and f"to={end:%Y-%m-%d}" in view.hash()
    assert view.frame.input_value("#geomap-from") == f"{start:%Y-%m-%d}"
    # bars follow the other filters: unticking every type empties them
    before = view.js("Array.from(window.geomap.instances[0].timeline.precise).reduce((a, b) => a + b, 0)")
    assert before == len(events)
    view.open_panel("filters")
    view.frame.click('button[data-types="none"]')
    assert view.js("Array.from(window.geomap.instances[0].timeline.precise).reduce((a, b) => a + b, 0)") == 0
    view.frame.click('button[data-types="all"]')
    # play steps the range forward
    view.frame.click(".geomap-play")
    view.frame.wait_for_function(f"window.geomap.instances[0].model.from > {model_range[0]}", timeout=3000)
    view.frame.click(".geomap-play")  # pause
    assert view.frame.get_attribute(".geomap-play", "aria-label") == "Play: step through the dates"
    # the date fields take ISO dates and refuse others
    view.frame.fill("#geomap-from", "05/03/2016")
    view.frame.dispatch_event("#geomap-from", "change")
    assert view.frame.get_attribute("#geomap-from", "aria-invalid") == "true"
    assert "YYYY-MM-DD" in view.frame.inner_text(".geomap-notice")
    view.frame.fill("#geomap-from", "2016-05-03")
    view.frame.fill("#geomap-to", "2016-05-03")
    view.frame.dispatch_event("#geomap-to", "change")
    assert view.shown() == (dates == "2016-05-03").sum()
    view.frame.click(".geomap-clear-dates")
    assert view.shown() == len(events)
    assert view.errors == []


# --------------------------------------------------------------------------- list view and accessibility


def test_list_view_sorts_and_drives_the_map_from_the_keyboard(open_view, stack_map) -> None:
    path, events = stack_map
    view = open_view(path)
    view.open_panel("list")
    rows = view.frame.locator(".geomap-list tbody tr")
    assert rows.count() == len(events)
    view.frame.click("button[data-sort=fat]")
    view.frame.click("button[data-sort=fat]")
    assert view.frame.get_attribute("th:has(button[data-sort=fat])", "aria-sort") == "descending"
    fat = [int(t) for t in view.frame.locator(".geomap-list tbody tr td:last-child").all_inner_texts()]
    assert fat == sorted(events["fatalities"], reverse=True)
    # keyboard: focus the first row, go down two, Enter shows that event
    rows.first.focus()
    view.page.keyboard.press("ArrowDown")
    view.page.keyboard.press("ArrowDown")
    focused = view.js("+document.activeElement.dataset.event")
    assert focused == view.js("+document.querySelectorAll('.geomap-list tbody tr')[2].dataset.event")
    view.page.keyboard.press("Enter")
    view.frame.locator(".leaflet-popup-content").wait_for(timeout=2000)
    assert view.js("window.geomap.instances[0].canvas._focus") == focused
    assert view.js("+document.querySelector('.leaflet-popup-content .geomap-card-focus').dataset.event") == focused
    centre = view.js(f"(() => {{ const m = window.geomap.instances[0]; const p = m.map.latLngToContainerPoint("
                     f"[m.model.data.lat[{focused}], m.model.data.lon[{focused}]]); const s = m.map.getSize();"
                     f" return [p.x / s.x, p.y / s.y]; }})()")
    assert 0 < centre[0] < 1 and 0 < centre[1] < 1
    assert view.js("document.activeElement.dataset.event") == str(focused)  # focus stays in the list
    # the list follows the filters
    view.click_type("Battles")
    view.frame.wait_for_function("document.querySelectorAll('.geomap-list tbody tr').length =="
                                 " +document.getElementById('geomap-status').dataset.shown")
    assert view.errors == []


# The texts (notes, places, ids) are opened after the first markers; this holds them back until released.
_HOLD_TEXTS = """(() => {
  const text = Response.prototype.text;
  let calls = 0;
  Response.prototype.text = function () {
    const opened = text.call(this);
    calls += 1;
    if (calls !== 2) return opened;  // the first is the core part: markers, filters, timeline
    return new Promise(resolve => { window.__releaseTexts = () => resolve(opened); });
  };
})()"""


def test_filters_list_and_popups_before_and_after_the_texts_open(browser, stack_map) -> None:
    path, events = stack_map
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(_HOLD_TEXTS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function("window.__geomapReadyAt !== undefined && typeof window.__releaseTexts === 'function'")
    assert page.evaluate("window.__geomapReady") is None
    # markers, filters and the timeline work on the core part alone
    page.click('.geomap-types input[data-type="Battles"]:not([data-sub])')
    shown = int(page.get_attribute("#geomap-status", "data-shown"))
    assert shown == (events["event_type"] != "Battles").sum()
    assert page.evaluate("window.geomap.instances[0].timeline.precise.reduce((a, b) => a + b, 0)") == shown
    # the list lists the events already; its places and the popup's texts come when the texts do
    page.click("details[data-panel=list] > summary")
    page.wait_for_function(f"document.querySelectorAll('.geomap-list tbody tr').length === {min(shown, 100)}")
    page.click("button[data-sort=place]")
    row = page.locator(".geomap-list tbody tr").first
    event = int(row.get_attribute("data-event"))
    row.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=2000)
    assert "Opening the texts" in popup.inner_text()
    page.evaluate("window.__releaseTexts()")
    page.wait_for_function("window.__geomapReady === true")
    page.wait_for_function("!document.querySelector('.leaflet-popup-content .geomap-opening')")
    kept = events[events["event_type"] != "Battles"]
    assert events.loc[event, "notes"] in popup.inner_text()
    places = page.locator(".geomap-list tbody tr td:nth-child(4)").all_inner_texts()
    assert places == sorted(kept["location"])[: len(places)]  # sorted by place once the places are there
    assert errors == []
    context.close()


def test_status_is_announced_and_every_button_has_its_own_name(open_view, demo) -> None:
    path, _ = demo
    view = open_view(path)
    assert view.frame.get_attribute("#geomap-status", "aria-live") == "polite"
    names = view.js("""[...document.querySelectorAll('button, a.geomap-tool, summary')].map(b =>
        (b.getAttribute('aria-label') || b.textContent).trim())""")
    assert all(names)
    repeated = {n for n in names if names.count(n) > 1}
    assert repeated == set(), repeated
    assert view.errors == []


def test_full_screen_and_new_tab_in_the_embed(open_view, demo) -> None:
    path, _ = demo
    view = open_view(path, "#types=Battles", frame=FRAMES[1])
    link = view.frame.locator("a.geomap-newtab")
    assert link.get_attribute("target") == "_blank"
    href = link.get_attribute("href")
    assert href.startswith(path.as_uri()) and "types=Battles" in href
    view.frame.click(".geomap-fullscreen")
    view.frame.wait_for_function("document.fullscreenElement === document.documentElement", timeout=3000)
    # the button says what it now does once the fullscreenchange event has come (headless Chromium
    # keeps the window's size in full screen, so the map's size is not checked)
    view.frame.wait_for_function("document.querySelector('.geomap-fullscreen').getAttribute('aria-label')"
                                 " === 'Leave full screen'", timeout=3000)
    view.frame.click(".geomap-fullscreen")
    view.frame.wait_for_function("document.fullscreenElement === null", timeout=3000)
    assert view.errors == []


# --------------------------------------------------------------------------- screenshots for the report


def test_screenshots_of_the_demo(open_view, demo) -> None:
    path, _ = demo
    OUTPUT.mkdir(exist_ok=True)
    written = []
    for frame in FRAMES:
        view = open_view(path, frame=frame)
        target = OUTPUT / f"report-demo-{frame[2]}x{frame[3]}.png"
        view.page.screenshot(path=str(target))
        written.append(target)
        if frame[2] == 375:
            view.open_panel("filters")
            target = OUTPUT / "report-demo-375x667-filters.png"
            view.page.screenshot(path=str(target))
            written.append(target)
    view = open_view(path)
    view.frame.locator(".geomap-bar").screenshot(path=str(OUTPUT / "report-timeline.png"))
    written.append(OUTPUT / "report-timeline.png")
    open_event(view, "Lattakia")
    view.page.wait_for_timeout(500)  # the popup's fade and pan
    view.page.screenshot(path=str(OUTPUT / "report-list.png"))
    written.append(OUTPUT / "report-list.png")
    assert all(p.stat().st_size > 5_000 for p in written)

