"""Benchmark: geomap's map against two folium peers at 1,000 / 10,000 / 100,000 events.

Run:  python bench/bench_map.py [--sizes 1000 10000 100000] [--budget 60]

For each size it builds the same synthetic events over Syria
(:func:`geomap.render.synthetic_events`: ~70-character unique notes, ten
actors, nine sub-event types) three ways and prints

* build+save seconds and HTML bytes;
* Chromium time until markers are on screen (ms since navigation start, as
  the page measures it: ``window.__geomapReadyAt`` for geomap; for the peers
  the first frame where their marker elements exist, after the load event),
  median of 3 page loads;
* filter-toggle latency for geomap (median of 5: unticking one event type
  until the next frame is drawn). The peers have no type filter.

Peers: (1) one ``folium.CircleMarker`` with a popup per event, (2)
``folium.plugins.FastMarkerCluster``. Their CDN scripts are answered from
the local xstatic copies (jQuery/Bootstrap/Font Awesome with an empty body),
so every page loads offline and nothing is fetched from the network. The
CircleMarker peer is skipped when its build time, extrapolated from the
previous size, exceeds ``--budget`` seconds (it says so in the table).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import folium
import folium.plugins
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

from geomap.render import build_map, save_map, synthetic_events

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {"build_s": 3.0, "bytes": 10_000_000, "on_screen_ms": 1500, "toggle_ms": 100}


def local_asset(url: str) -> tuple[bytes, str] | None:
    """Serve a peer's CDN request from xstatic (Leaflet, markercluster) or as an empty file."""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    leaflet = Path(xs_leaflet.BASE_DIR)
    cluster = Path(xs_cluster.BASE_DIR)
    for folder in (leaflet, cluster, leaflet / "images"):
        if (folder / name).is_file():
            kind = {".css": "text/css", ".png": "image/png"}.get(Path(name).suffix, "application/javascript")
            return (folder / name).read_bytes(), kind
    if name == "leaflet.awesome-markers.js":
        # FastMarkerCluster's default callback asks for an AwesomeMarkers icon; a plain Leaflet icon stands in.
        return b"L.AwesomeMarkers = {icon: function () { return new L.Icon.Default(); }};", "application/javascript"
    if name.endswith((".js", ".css")):
        return b"", "text/css" if name.endswith(".css") else "application/javascript"
    return None


def build_ours(events: Any, path: Path) -> None:
    save_map(build_map(events), path)


def build_circle_markers(events: Any, path: Path) -> None:
    m = folium.Map(location=[35, 38.5], zoom_start=7)
    for lat, lon, note in zip(events["latitude"], events["longitude"], events["notes"]):
        folium.CircleMarker([lat, lon], radius=5, popup=folium.Popup(note), fill=True).add_to(m)
    m.save(str(path))


def build_fast_cluster(events: Any, path: Path) -> None:
    m = folium.Map(location=[35, 38.5], zoom_start=7)
    folium.plugins.FastMarkerCluster(events[["latitude", "longitude"]].values.tolist()).add_to(m)
    m.save(str(path))


def timed_build(builder: Callable[[Any, Path], None], events: Any, path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    builder(events, path)
    return time.perf_counter() - start, path.stat().st_size


def open_page(browser: Any, path: Path) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
            return
        local = local_asset(url)
        if local is None:
            r.abort()
        else:
            r.fulfill(status=200, body=local[0], content_type=local[1])

    page.route("**/*", route)
    page.goto(path.as_uri(), timeout=180_000)
    return page


LOADS = 3  # page loads per measurement; the median is printed (the machine is shared and noisy)


def measure_ours(browser: Any, path: Path) -> tuple[float, float]:
    times = []
    for _ in range(LOADS):
        page = open_page(browser, path)
        page.wait_for_function("window.__geomapReady === true", timeout=180_000)
        times.append(page.evaluate("window.__geomapReadyAt"))
        if len(times) < LOADS:
            page.close()
    on_screen = statistics.median(times)
    toggles = []
    for _ in range(5):
        toggles.append(page.evaluate(
            """() => new Promise(resolve => {
                 const box = document.querySelector('.geomap-types input[data-type]:not([data-sub])');
                 const t0 = performance.now();
                 box.click();
                 requestAnimationFrame(() => resolve(performance.now() - t0));
               })"""
        ))
    page.close()
    return on_screen, statistics.median(toggles)


def measure_peer(browser: Any, path: Path, selector: str) -> float:
    times = []
    for _ in range(LOADS):
        page = open_page(browser, path)
        handle = page.wait_for_function(
            f"document.readyState === 'complete' && document.querySelector({selector!r}) ? performance.now() : false",
            polling="raf", timeout=180_000,
        )
        times.append(handle.json_value())
        page.close()
    return statistics.median(times)


def fmt_row(name: str, n: int, build: float | None, size: int | None, on_screen: float | None,
            toggle: float | None, note: str = "") -> str:
    def cell(value: Any, spec: str) -> str:
        return "—" if value is None else format(value, spec)

    mb = None if size is None else size / 1e6
    return (f"| {name:<24} | {n:>7,} | {cell(build, '.2f'):>12} | {cell(mb, '.2f'):>7} | {cell(on_screen, '.0f'):>12} "
            f"| {cell(toggle, '.1f'):>9} | {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--budget", type=float, default=120.0, help="skip the CircleMarker peer above this build time (s)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    print(f"| {'map':<24} | {'events':>7} | {'build+save s':>12} | {'HTML MB':>7} | {'on screen ms':>12} "
          f"| {'toggle ms':>9} | note")
    print(f"|{'-' * 26}|{'-' * 9}|{'-' * 14}|{'-' * 9}|{'-' * 14}|{'-' * 11}|------")
    circle_rate: float | None = None
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in args.sizes:
            events = synthetic_events(n, seed=0)
            folder = Path(tmp)

            ours = folder / f"geomap-{n}.html"
            build, size = timed_build(build_ours, events, ours)
            on_screen, toggle = measure_ours(browser, ours)
            results[n] = {"build_s": build, "bytes": size, "on_screen_ms": on_screen, "toggle_ms": toggle}
            note = "clustered" if n > 5000 else "markers"
            print(fmt_row("geomap", n, build, size, on_screen, toggle, note), flush=True)

            circles = folder / f"circles-{n}.html"
            estimate = None if circle_rate is None else circle_rate * n
            if estimate is not None and estimate > args.budget:
                print(fmt_row("folium CircleMarker", n, None, None, None, None,
                              f"skipped: build estimated at {estimate:.0f} s > budget {args.budget:.0f} s"), flush=True)
            else:
                build, size = timed_build(build_circle_markers, events, circles)
                circle_rate = build / n
                on_screen = measure_peer(browser, circles, "path.leaflet-interactive")
                print(fmt_row("folium CircleMarker", n, build, size, on_screen, None, "no type filter"), flush=True)
                circles.unlink()

            fast = folder / f"fast-{n}.html"
            build, size = timed_build(build_fast_cluster, events, fast)
            on_screen = measure_peer(browser, fast, ".marker-cluster, .leaflet-marker-icon")
            print(fmt_row("folium FastMarkerCluster", n, build, size, on_screen, None,
                          "no type filter; CDN JS/CSS not counted"), flush=True)
        browser.close()

    largest = max(results)
    print(f"\nTargets at {largest:,} events (geomap):")
    ok = True
    for key, limit in TARGETS.items():
        value = results[largest][key]
        passed = value <= limit
        ok &= passed
        print(f"  {key:<13} {value:>14,.2f}  target ≤ {limit:,}  {'ok' if passed else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
