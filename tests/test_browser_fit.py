"""What the reader sees once something is opened, in headless Chromium (issue 18's review).

At 1280x800 and inside the ``geomap embed`` iframe at 375x667 and 600x400:
a popup fits the frame, an open sheet leaves the events it covered in sight
and gives the view back when closed, a list row shows its event clear of the
panels, long filter and legend panels scroll with every control reachable,
the number beside a marker is the number of events its popup pages through,
the first view fits where most events are and the status line says how
many are out of view, "zoom to the events shown" shows every one of them,
and the hover summary goes when a popup opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import test_browser_report as report
from test_browser_report import FRAME_IDS, FRAMES, View, point_of

from geomap.render import build_map, save_map, synthetic_events

pytestmark = pytest.mark.browser

# The fixtures of the report tests: a map opened in a page or an embed, the demo and its events.
open_view, maps_dir, demo = report.open_view, report.maps_dir, report.demo

PHONE = FRAMES[1]
EMBEDS = FRAMES[1:]
MARGIN = 4  # px a popup keeps from the edges of the map

# Everything the reader sees over the map, relative to the map: the controls,
# an open sheet, the popup; and where the events given are drawn.
_SIGHT = """(ix) => {
  const app = window.geomap.instances[0], map = app.map, c = map.getContainer(), o = c.getBoundingClientRect();
  const rel = r => ({left: r.left - o.left, top: r.top - o.top, right: r.right - o.left, bottom: r.bottom - o.top});
  const boxes = [];
  c.querySelectorAll('.leaflet-control-container .leaflet-control, .geomap-sheet > .geomap-panel-content')
    .forEach(n => {
      const r = n.getBoundingClientRect();
      if (n.offsetParent === null && getComputedStyle(n).position !== 'fixed' || !r.width || !r.height) return;
      boxes.push(Object.assign(rel(r), {name: n.getAttribute('data-panel') || n.className}));
    });
  const popup = c.querySelector('.leaflet-popup');
  const points = ix.map(i => { const p = map.latLngToContainerPoint([app.model.data.lat[i], app.model.data.lon[i]]);
    return [p.x, p.y]; });
  return {width: o.width, height: o.height, boxes: boxes, points: points,
    popup: popup ? rel(popup.getBoundingClientRect()) : null};
}"""

# Wait until the view has stopped moving (a popup's pan, a zoom) and is drawn.
_SETTLED = """() => new Promise(resolve => {
  const map = window.geomap.instances[0].map;
  const check = () => (map._panAnim && map._panAnim._inProgress) || map._animatingZoom
    ? setTimeout(check, 50) : requestAnimationFrame(() => requestAnimationFrame(resolve));
  setTimeout(check, 80);
})"""


def sight(view: View, events: list[int]) -> dict:
    view.js(_SETTLED)
    return view.js(_SIGHT, events)


def in_sight(geometry: dict, point: list[float], slack: float = 0) -> bool:
    """Inside the map and under no control or sheet (``slack`` px around them)."""
    x, y = point
    if not (0 <= x <= geometry["width"] and 0 <= y <= geometry["height"]):
        return False
    return not any(b["left"] - slack <= x <= b["right"] + slack and b["top"] - slack <= y <= b["bottom"] + slack
                   for b in geometry["boxes"] if "leaflet-popup" not in b["name"])


def shown_events(view: View) -> list[int]:
    return view.js("(() => { const m = window.geomap.instances[0].model, out = [];"
                   " for (let i = 0; i < m.n; i++) if (m.visible[i]) out.push(i); return out; })()")


def popup_count(view: View) -> int:
    """Events the open popup pages through."""
    content = view.frame.locator(".leaflet-popup-content").last  # (a closed one may still be fading out)
    content.wait_for(timeout=2000)
    counts = content.locator(".geomap-popup-count")
    if counts.count() == 0:
        return content.locator(".geomap-card").count()
    return int(counts.inner_text().split()[0].replace(",", ""))


def assert_popup_fits(geometry: dict) -> None:
    popup = geometry["popup"]
    assert popup is not None
    assert popup["left"] >= MARGIN and popup["right"] <= geometry["width"] - MARGIN, (popup, geometry["width"])
    assert popup["top"] >= 0 and popup["bottom"] <= geometry["height"], (popup, geometry["height"])


def click_row(view: View, k: int) -> int:
    """Open the list, click its ``k``-th row; return the row's event."""
    view.open_panel("list")
    row = view.frame.locator(".geomap-list tbody tr").nth(k)
    event = int(row.get_attribute("data-event"))
    row.click()
    view.frame.locator(f".geomap-card-focus[data-event='{event}']").wait_for(timeout=2000)
    return event


@pytest.fixture(scope="module")
def thirty_long(maps_dir: Path) -> Path:
    """600 events of 30 actors with long names."""
    events = synthetic_events(600, seed=5)
    names = [f"Armed group number {k:02d} of the northern front (Syria)" for k in range(30)]
    events["actor1"] = [names[k % 30] for k in range(len(events))]
    path = maps_dir / "thirty-long.html"
    save_map(build_map(events), path)
    return path


# --------------------------------------------------------------------------- popups


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_a_popup_fits_inside_the_map(open_view, demo, frame) -> None:
    path, events = demo
    view = open_view(path, frame=frame)
    longest = view.js("(() => { const m = window.geomap.instances[0].model; let best = 0;"
                      " for (let i = 0; i < m.n; i++) if (m.text('notes', i).length > m.text('notes', best).length)"
                      " best = i; return best; })()")
    geometry = sight(view, [longest])
    assert in_sight(geometry, geometry["points"][0])
    view.page.mouse.click(*point_of(view, float(events.loc[longest, "latitude"]), float(events.loc[longest, "longitude"])))
    view.frame.locator(".leaflet-popup-content .geomap-card").first.wait_for(timeout=2000)
    assert_popup_fits(sight(view, [longest]))
    assert view.js("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert view.errors == []


def test_the_hover_summary_goes_when_a_popup_opens(open_view, thirty_long: Path) -> None:
    view = open_view(thirty_long, "#z=10&ll=36.2000,37.1500")
    every = shown_events(view)
    geometry = sight(view, every)
    # a marker low in the map, whose popup opens above it without moving the map
    event, (x, y) = next((i, p) for i, p in zip(every, geometry["points"])
                         if in_sight(geometry, p, 20) and 0.3 < p[0] / geometry["width"] < 0.7
                         and 0.6 < p[1] / geometry["height"] < 0.8)
    x, y = point_of(view, *view.js(f"[window.geomap.instances[0].model.data.lat[{event}],"
                                   f" window.geomap.instances[0].model.data.lon[{event}]]"))
    view.page.mouse.move(x, y)
    hover = view.frame.locator(".geomap-hover")
    hover.wait_for(state="visible", timeout=2000)
    view.page.mouse.click(x, y)
    view.frame.locator(".leaflet-popup-content").wait_for(timeout=2000)
    view.js(_SETTLED)
    assert hover.is_hidden()
    assert view.errors == []


def test_the_number_beside_a_marker_is_what_its_popup_pages_through(open_view, maps_dir: Path) -> None:
    events = synthetic_events(12, seed=8)
    point = (35.2, 38.6)
    events.loc[:1, ["latitude", "longitude"]] = point  # two events on one point: "2" beside it
    events.loc[2, ["latitude", "longitude"]] = (point[0], point[1] + 0.01)  # a third drawn 4 px away, overlapping
    path = maps_dir / "near-stack.html"
    save_map(build_map(events), path)
    view = open_view(path, f"#z=9&ll={point[0]:.4f},{point[1]:.4f}")
    geometry = sight(view, [0, 2])
    (x0, y0), (x2, _) = geometry["points"]
    assert 2 <= abs(x2 - x0) <= 6 and in_sight(geometry, [x0, y0])
    view.page.mouse.click(*point_of(view, *point))
    assert popup_count(view) == 2
    view.js("void window.geomap.instances[0].map.closePopup()")
    # the neighbour, clicked on its own centre (where the popup's pan has left it), is one event
    view.js(_SETTLED)
    view.page.mouse.click(*point_of(view, *view.js("[2, 2].map((i, k) => window.geomap.instances[0].model.data"
                                                   "[k ? 'lon' : 'lat'][i])")))
    assert popup_count(view) == 1
    assert view.frame.locator(".leaflet-popup-content").last.locator(".geomap-card").get_attribute("data-event") == "2"
    assert view.errors == []


# --------------------------------------------------------------------------- fitting the view


def out_of_view(view: View) -> int:
    """What the status line says: shown events out of the reader's view."""
    view.js(_SETTLED)
    status = view.frame.locator("#geomap-status")
    count = int(status.get_attribute("data-outside"))
    text = status.inner_text()
    if count:
        assert f"{count:,} out of view" in text, text
    else:
        assert "out of view" not in text, text
    return count


def width_km(view: View) -> float:
    """How far the map reaches from its left edge to its right, across the middle."""
    return view.js("(() => { const map = window.geomap.instances[0].map, s = map.getSize();"
                   " return map.distance(map.containerPointToLatLng([0, s.y / 2]),"
                   " map.containerPointToLatLng([s.x, s.y / 2])) / 1000; })()")


@pytest.mark.parametrize("frame", FRAMES, ids=FRAME_IDS)
def test_the_first_view_fits_where_most_events_are_and_the_fit_button_every_one(open_view, maps_dir: Path,
                                                                                frame) -> None:
    events = synthetic_events(40, seed=3)
    events.loc[39, ["latitude", "longitude"]] = (55.7558, 37.6173)  # one event in Moscow, the rest in Syria
    path = maps_dir / "far-event.html"
    save_map(build_map(events), path)
    view = open_view(path, frame=frame)
    every = shown_events(view)
    assert len(every) == 40
    geometry = sight(view, every)
    outside = [i for i, p in zip(every, geometry["points"]) if not in_sight(geometry, p)]
    assert outside == [39]  # Syria's events at a zoom that tells them apart, not a dot beside Moscow
    assert out_of_view(view) == 1  # and the status line says one is not in sight
    for step in ("first view", "after a pan"):
        view.frame.click(".geomap-fit")
        geometry = sight(view, every)
        outside = [i for i, p in zip(every, geometry["points"]) if not in_sight(geometry, p)]
        assert outside == [], (step, outside)
        assert out_of_view(view) == 0, step
        view.js("void window.geomap.instances[0].map.setView([34, 38], 9, {animate: false})")
    assert view.errors == []


@pytest.mark.parametrize("frame", EMBEDS, ids=FRAME_IDS[1:])
def test_the_bar_keeps_its_place_when_out_of_view_comes_and_goes(open_view, demo, frame) -> None:
    """The map and the bar under it fill the frame, whether the status line counts events out of view or not."""
    path, _ = demo
    view = open_view(path, frame=frame)
    measure = """(() => { const bar = document.querySelector('.geomap-bar').getBoundingClientRect();
      return [window.geomap.instances[0].map.getSize().y, bar.top, bar.bottom, document.documentElement.clientHeight];
    })()"""
    sizes = []
    for step in ("first view", "fit button", "a pan"):
        assert (out_of_view(view) > 0) == (step != "fit button"), step
        map_height, bar_top, bar_bottom, frame_height = view.js(measure)
        assert abs(bar_bottom - frame_height) <= 2 and bar_top >= map_height - 1, (step, view.js(measure))
        sizes.append(map_height)
        if step == "first view":
            view.frame.click(".geomap-fit")
        else:
            view.js("void window.geomap.instances[0].map.setView([34, 38], 9, {animate: false})")
    assert len(set(sizes)) == 1, sizes  # the map does not jump as the line changes
    assert view.errors == []


def test_the_demo_opens_on_syria_and_says_what_is_out_of_view(open_view, demo) -> None:
    path, events = demo
    view = open_view(path)
    every = shown_events(view)
    assert len(every) == len(events)
    far = [i for i in every if events.loc[i, "latitude"] > 40]  # Moscow; Aleppo, Damascus and the rest in Syria
    assert far
    geometry = sight(view, every)
    outside = [i for i, p in zip(every, geometry["points"]) if not in_sight(geometry, p)]
    assert outside == far
    assert width_km(view) < 1500, width_km(view)  # Aleppo and Damascus apart, not Europe with Syria in a corner
    assert out_of_view(view) == len(far)
    # The reader pans: the count follows the view.
    view.js("void window.geomap.instances[0].map.setView([55.75, 37.6], 8, {animate: false})")
    geometry = sight(view, every)
    assert out_of_view(view) == sum(not in_sight(geometry, p) for p in geometry["points"]) == len(every) - len(far)
    # "Zoom to the events shown": every one clear of the panels, Moscow too.
    view.frame.click(".geomap-fit")
    geometry = sight(view, every)
    assert [i for i, p in zip(every, geometry["points"]) if not in_sight(geometry, p)] == []
    assert out_of_view(view) == 0
    # Back on Syria, a filter that hides Moscow's event leaves nothing out of view; ticking it back counts it again.
    view.frame.click(".geomap-fit")
    view.js("void window.geomap.instances[0].map.setView([35, 37.5], 7, {animate: false})")
    assert out_of_view(view) == len(far)
    sides = [a for a in events.loc[far[0], ["actor1", "actor2"]] if isinstance(a, str)]  # (either side counts)
    for actor in sides:
        view.click_actor(actor)
    assert view.shown() < len(every) and out_of_view(view) == 0
    for actor in sides:
        view.click_actor(actor)
    assert out_of_view(view) == len(far)
    assert view.errors == []


# --------------------------------------------------------------------------- sheets in a small frame


@pytest.mark.parametrize("frame", EMBEDS, ids=FRAME_IDS[1:])
def test_an_open_sheet_leaves_the_events_in_sight_and_gives_the_view_back(open_view, demo, frame) -> None:
    path, _ = demo
    view = open_view(path, frame=frame)
    every = shown_events(view)
    before = sight(view, every)
    seen = [i for i, p in zip(every, before["points"]) if in_sight(before, p)]
    assert seen
    view_before = view.js("(() => { const m = window.geomap.instances[0].map; return [m.getCenter(), m.getZoom()]; })()")
    for key in ("filters", "legend", "list"):
        view.open_panel(key)
        after = sight(view, every)
        hidden = [i for i, p in zip(every, after["points"]) if i in seen and not in_sight(after, p)]
        assert hidden == [], (key, hidden, after["boxes"])
        view.frame.click(f"details[data-panel={key}] .geomap-close")
        view.js(_SETTLED)
        assert view.js("(() => { const m = window.geomap.instances[0].map; return [m.getCenter(), m.getZoom()]; })()") \
            == view_before, key
    assert view.errors == []


@pytest.mark.parametrize("frame", EMBEDS, ids=FRAME_IDS[1:])
def test_a_marker_tapped_above_a_sheet_opens_its_popup_in_sight(open_view, demo, frame) -> None:
    path, _ = demo
    view = open_view(path, frame=frame)
    view.open_panel("filters")
    every = shown_events(view)
    geometry = sight(view, every)
    event = next(i for i, p in zip(every, geometry["points"]) if in_sight(geometry, p, 4))
    view.page.mouse.click(*point_of(view, *view.js(f"[window.geomap.instances[0].model.data.lat[{event}],"
                                                   f" window.geomap.instances[0].model.data.lon[{event}]]")))
    view.frame.locator(".leaflet-popup-content .geomap-card").first.wait_for(timeout=2000)
    geometry = sight(view, [event])
    assert not view.js("document.querySelector('details[data-panel=filters]').open")  # the sheet made way
    assert in_sight(geometry, geometry["points"][0])
    assert_popup_fits(geometry)
    assert view.errors == []


@pytest.mark.parametrize("frame", EMBEDS, ids=FRAME_IDS[1:])
def test_the_list_fits_its_sheet(open_view, demo, frame) -> None:
    path, _ = demo
    view = open_view(path, frame=frame)
    view.open_panel("list")
    widths = view.js("""(() => {
      const body = document.querySelector('details[data-panel=list] .geomap-panel-body');
      const table = document.querySelector('table.geomap-list').getBoundingClientRect();
      const box = body.getBoundingClientRect();
      return [table.left, table.right, box.left, box.right, document.documentElement.scrollWidth,
              document.documentElement.clientWidth];
    })()""")
    left, right, box_left, box_right, page_width, frame_width = widths
    assert left >= box_left - 1 and right <= box_right + 1, widths  # every column in the sheet
    assert page_width <= frame_width
    assert view.errors == []


@pytest.mark.parametrize("frame", [*EMBEDS, FRAMES[0]], ids=[*FRAME_IDS[1:], FRAME_IDS[0]])
def test_a_list_row_shows_its_event_clear_of_the_panels(open_view, demo, frame) -> None:
    path, _ = demo
    view = open_view(path, frame=frame)
    rows = len(shown_events(view))
    for k in range(rows):
        event = click_row(view, k)
        geometry = sight(view, [event])
        if frame[2] < 700:
            assert not view.js("document.querySelector('details[data-panel=list]').open"), k  # the sheet made way
        assert in_sight(geometry, geometry["points"][0]), (k, geometry)
        assert_popup_fits(geometry)
        popup = geometry["popup"]
        under = [b["name"] for b in geometry["boxes"] if popup["left"] < b["right"] and b["left"] < popup["right"]
                 and popup["top"] < b["bottom"] and b["top"] < popup["bottom"] and "data-panel" not in b["name"]
                 and b["name"] in ("list", "filters", "legend", "missing")]
        assert under == [], (k, under)
        view.js("void window.geomap.instances[0].map.closePopup()")
    assert view.errors == []


# --------------------------------------------------------------------------- long panels


_REACH = """(key) => {
  const body = document.querySelector(`details[data-panel=${key}] .geomap-panel-body`);
  const items = key === 'filters' ? [...body.querySelectorAll('input, button')]
    : [...body.querySelectorAll('.geomap-legend-row, .geomap-size')];
  const out = {scrolls: body.scrollHeight > body.clientHeight, unreachable: [], clipped: []};
  for (const item of items) {
    item.scrollIntoView({block: 'nearest'});
    const r = item.getBoundingClientRect(), box = body.getBoundingClientRect();
    const hit = document.elementFromPoint((r.left + Math.min(r.right, box.right)) / 2, (r.top + r.bottom) / 2);
    if (!hit || !(item.contains(hit) || hit.contains(item) || (item.labels && [...item.labels].some(l => l.contains(hit)))))
      out.unreachable.push(item.outerHTML.slice(0, 80));
  }
  // every count of the panel is seen whole, however long the name before it: none is cut off by
  // a box around it (nor scrolled sideways into view)
  body.querySelectorAll('.geomap-count').forEach(count => {
    const r = count.getBoundingClientRect();
    let cut = r.width === 0;
    for (let node = count.parentNode; node !== body.parentNode; node = node.parentNode) {
      const box = node.getBoundingClientRect();
      if (getComputedStyle(node).overflowX !== 'visible' && (r.right > box.right + 0.5 || node.scrollLeft > 0)) cut = true;
    }
    if (cut) out.clipped.push(count.parentNode.textContent);
  });
  return out;
}"""


@pytest.mark.parametrize("key", ["filters", "legend"])
def test_long_panels_scroll_with_every_control_reachable(open_view, thirty_long: Path, key: str) -> None:
    view = open_view(thirty_long)
    assert view.js(f"document.querySelector('details[data-panel={key}]').open")
    body = f"document.querySelector('details[data-panel={key}] .geomap-panel-body')"
    cue = []
    for end in (0, 1):  # a cue says there is more below, and goes once the end is reached
        view.js(f"{body}.scrollTop = {end} * {body}.scrollHeight")
        view.js(_SETTLED)
        cue.append(view.js(f"{body}.classList.contains('geomap-more-below')"))
    assert cue == [True, False]
    result = view.js(_REACH, key)
    assert result["scrolls"], result
    assert result["unreachable"] == [], result["unreachable"][:3]
    assert result["clipped"] == [], result["clipped"][:3]
    assert view.js("document.querySelector('details[data-panel=filters]').getBoundingClientRect().bottom") <= 800
    assert view.errors == []
