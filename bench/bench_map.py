"""Benchmark: geomap's map at archive scale, against what a folium user would write, in one run.

Run:  python bench/bench_map.py [--rows 100000] [--loads 3]

Sections (each prints a table; figures are medians where a page is loaded):

1. **Archive scale** (issue 19). ``--rows`` synthetic events over Syria with
   ACLED-like notes (:func:`geomap.render.synthetic_events`: 354 characters
   on average, every one distinct, compressing like real notes) are written
   to a CSV, then mapped

   * by ``geomap map events.csv -o map.html`` (read and check the table,
     build, write), with ``--notes full``, ``short`` and ``none``;
   * by the folium peer: ``pandas.read_csv``, then one
     ``folium.plugins.FastMarkerCluster`` per actor (in a layer control) with
     each note, HTML-escaped, as the marker's popup, then ``Map.save``.

   Each build runs in a new Python process, as a user runs it, so the
   seconds include starting Python and importing the libraries; geomap
   ``--notes full`` and the peer are built ``--builds`` times, alternately,
   and their medians compared. For each:
   build seconds, HTML MB, and milliseconds from navigation start
   until the first markers are on screen in headless Chromium (geomap: the
   page's own ``window.__geomapReadyAt``; folium: the first animation frame
   after the load event in which a cluster or marker element exists). For
   geomap also the time until the popups' texts are open
   (``__geomapReady``) and the latency of unticking one event type. The
   peers' CDN scripts are answered from the local xstatic copies, so every
   page loads offline and nothing is fetched from the network.

2. **Corpus: ``geomap map`` of reports vs ``geomap extract``**: the FA-KES
   corpus (``../shared/data/corpus/fakes-dev.csv``, 408 articles), each
   command run ``--corpus-runs`` times alternately in new processes;
   medians, and their ratio (target ≤ 1.2).
3. **Memory at 1,000,000 rows**: ``geomap map`` of a CSV of
   ``--memory-rows`` synthetic events (notes as in section 1) in a new
   process; its peak resident memory (``os.wait4``'s ``ru_maxrss``, MiB; target
   ≤ 1.5 GiB) and seconds.

The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET_MB = 15.0
TARGET_ON_SCREEN_MS = 1500
TARGET_TOGGLE_MS = 100
PEER = "folium FastMarkerCluster"


# --------------------------------------------------------------------------- builders


def build_geomap(table: Path, out: Path, notes: str) -> None:
    """``geomap map TABLE -o OUT --notes NOTES`` in a new process; its messages are not printed."""
    run = subprocess.run([sys.executable, "-c", "import sys; from geomap.cli import main; sys.exit(main(sys.argv[1:]))",
                          "map", str(table), "-o", str(out), "--notes", notes], check=False, capture_output=True,
                         text=True)
    if run.returncode not in (0, 1):  # 1: some rows flagged (synthetic points scattered into the sea), still mapped
        raise RuntimeError(f"geomap map exited {run.returncode}: {run.stderr[-2000:]}")


def build_peer(table: Path, out: Path) -> None:
    """The folium peer (:func:`folium_peer`) in a new process."""
    subprocess.run([sys.executable, __file__, "--build-peer", str(table), str(out)], check=True)


POPUP_CALLBACK = """function (row) {
        var marker = L.marker(new L.LatLng(row[0], row[1]));
        marker.bindPopup(row[2]);
        return marker;
    }"""  # folium wraps it as `var callback = ...;`


def folium_peer(table: Path, out: Path) -> None:
    """What a folium user writes: one FastMarkerCluster per actor, each note (escaped) as a popup."""
    import folium
    import folium.plugins
    import pandas as pd

    events = pd.read_csv(table)
    m = folium.Map(location=[35, 38.5], zoom_start=7)
    for actor, rows in events.groupby("actor1", sort=True):
        data = [[lat, lon, html.escape(str(note))]
                for lat, lon, note in zip(rows["latitude"], rows["longitude"], rows["notes"])]
        folium.plugins.FastMarkerCluster(data, callback=POPUP_CALLBACK, name=str(actor)).add_to(m)
    folium.LayerControl().add_to(m)
    m.save(str(out))


def timed(build: Any, *args: Any) -> float:
    start = time.perf_counter()
    build(*args)
    return time.perf_counter() - start


# --------------------------------------------------------------------------- the browser


def local_asset(url: str) -> tuple[bytes, str] | None:
    """Serve a peer's CDN request from xstatic (Leaflet, markercluster) or as an empty file."""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    leaflet = Path(xs_leaflet.BASE_DIR)
    cluster = Path(xs_cluster.BASE_DIR)
    for folder in (leaflet, cluster, leaflet / "images"):
        if (folder / name).is_file():
            kind = {".css": "text/css", ".png": "image/png"}.get(Path(name).suffix, "application/javascript")
            return (folder / name).read_bytes(), kind
    if name.endswith((".js", ".css")):
        return b"", "text/css" if name.endswith(".css") else "application/javascript"
    return None


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


def measure_geomap_page(browser: Any, path: Path, loads: int) -> dict[str, float]:
    """Median first-markers and all-loaded times over ``loads`` page loads, and a filter toggle's latency."""
    on_screen, loaded = [], []
    for k in range(loads):
        page = open_page(browser, path)
        page.wait_for_function("window.__geomapReady === true", timeout=180_000)
        on_screen.append(page.evaluate("window.__geomapReadyAt"))
        loaded.append(page.evaluate("performance.now()"))
        if k < loads - 1:
            page.close()
    toggles = [page.evaluate(
        """() => new Promise(resolve => {
             const box = document.querySelector('.geomap-types input[data-type]:not([data-sub])');
             const t0 = performance.now();
             box.click();
             requestAnimationFrame(() => resolve(performance.now() - t0));
           })""") for _ in range(5)]
    page.close()
    return {"on_screen_ms": statistics.median(on_screen), "loaded_ms": statistics.median(loaded),
            "toggle_ms": statistics.median(toggles)}


def measure_peer_page(browser: Any, path: Path, loads: int) -> dict[str, float]:
    times = []
    for _ in range(loads):
        page = open_page(browser, path)
        handle = page.wait_for_function(
            "document.readyState === 'complete' && document.querySelector('.marker-cluster, .leaflet-marker-icon')"
            " ? performance.now() : false", polling="raf", timeout=180_000)
        times.append(handle.json_value())
        page.close()
    return {"on_screen_ms": statistics.median(times)}


# --------------------------------------------------------------------------- sections


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def measure_archive(rows: int, loads: int, folder: Path, builds: int = 3) -> dict[str, dict[str, float]]:
    """Section 1: geomap (three --notes modes) and the folium peer on the same CSV table."""
    from playwright.sync_api import sync_playwright

    from geomap.render import synthetic_events

    table = folder / "events.csv"
    events = synthetic_events(rows, seed=0)
    events.to_csv(table, index=False)
    mean_note = events["notes"].str.len().mean()
    del events
    print(f"## 1. Archive scale: {rows:,} synthetic events, notes of {mean_note:.0f} characters on average\n")
    print(f"| {'map':<28} | {'build s':>8} | {'HTML MB':>8} | {'first markers ms':>16} | {'all loaded ms':>13} "
          f"| {'toggle ms':>9} |")
    print(f"|{'-' * 30}|{'-' * 10}|{'-' * 10}|{'-' * 18}|{'-' * 15}|{'-' * 11}|")
    results: dict[str, dict[str, float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        runs = [(f"geomap --notes {mode}", build_geomap, (table, folder / f"geomap-{mode}.html", mode), True)
                for mode in ("full", "short", "none")]
        runs.append((PEER + " + popups", build_peer, (table, folder / "folium.html"), False))
        # geomap --notes full and the peer are built `builds` times, alternately (the machine's load
        # changes from minute to minute): their build seconds are the medians.
        compared = {runs[0][0]: [], runs[-1][0]: []}
        for _ in range(builds):
            for name, build, args, _ours in (runs[0], runs[-1]):
                compared[name].append(timed(build, *args))
        for name, build, args, ours in runs:
            seconds = statistics.median(compared[name]) if name in compared else timed(build, *args)
            out = args[1]
            figures = {"build_s": seconds, "mb": out.stat().st_size / 1e6}
            figures.update(measure_geomap_page(browser, out, loads) if ours else measure_peer_page(browser, out, loads))
            results[name] = figures
            print(f"| {name:<28} | {figures['build_s']:>8.2f} | {figures['mb']:>8.2f} | "
                  f"{figures['on_screen_ms']:>16.0f} | {fmt(figures.get('loaded_ms'), '.0f'):>13} | "
                  f"{fmt(figures.get('toggle_ms'), '.1f'):>9} |", flush=True)
            out.unlink()
        browser.close()
    return results


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "fakes-dev.csv"
TARGET_MAP_OVER_EXTRACT = 1.2
TARGET_PEAK_MIB = 1536  # 1.5 GiB


def geomap_cli(*argv: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from geomap.cli import main; sys.exit(main(sys.argv[1:]))", *argv]


def run_timed(argv: list[str]) -> tuple[float, float, float]:
    """Seconds, peak resident memory (MiB) and CPU seconds of one command in a new process (``os.wait4``)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    process.stderr.close() if process.stderr else None
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{argv[3:]} failed: {stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure_corpus(corpus: Path, runs: int, folder: Path) -> dict[str, float] | None:
    """Section 2: ``geomap map`` of the FA-KES corpus against ``geomap extract`` of it, medians of ``runs``."""
    print("\n## 2. Corpus: `geomap map` of reports vs `geomap extract`\n")
    if not corpus.is_file():
        print(f"(not measured: {corpus} is absent)")
        return None
    extract, mapped = [], []
    for _ in range(runs):  # alternately, so that both see the same load of the machine
        extract.append(run_timed(geomap_cli("extract", str(corpus), "-o", str(folder / "corpus.csv"))))
        mapped.append(run_timed(geomap_cli("map", str(corpus), "-o", str(folder / "corpus.html"))))
    figures = {"extract_s": statistics.median(r[0] for r in extract), "map_s": statistics.median(r[0] for r in mapped),
               "extract_cpu": statistics.median(r[2] for r in extract), "map_cpu": statistics.median(r[2] for r in mapped)}
    figures["ratio"] = figures["map_s"] / figures["extract_s"]
    print(f"{corpus.name}, median of {runs} runs each, every run a new process (CPU: all its processes):\n")
    print(f"| {'command':<38} | {'seconds':>8} | {'CPU s':>6} |")
    print(f"|{'-' * 40}|{'-' * 10}|{'-' * 8}|")
    for command, kind in ((f"geomap extract {corpus.name} -o x.csv", "extract"), (f"geomap map {corpus.name} -o x.html", "map")):
        print(f"| {command:<38} | {figures[kind + '_s']:>8.2f} | {figures[kind + '_cpu']:>6.2f} |")
    print(f"\nmap / extract: {figures['ratio']:.2f}", flush=True)
    return figures


def measure_memory(rows: int, folder: Path) -> dict[str, float]:
    """Section 3: peak resident memory and seconds of ``geomap map`` on a table of ``rows`` synthetic events."""
    from geomap.render import synthetic_events

    print(f"\n## 3. Memory at {rows:,} rows\n")
    table = folder / "million.csv"
    chunk = 100_000
    for start in range(0, rows, chunk):  # written in pieces: the bench itself stays small
        events = synthetic_events(min(chunk, rows - start), seed=start)
        events["event_id"] = [f"SYN{start + i:07d}" for i in range(len(events))]
        events.to_csv(table, index=False, mode="a" if start else "w", header=not start)
    del events
    seconds, peak, _ = run_timed(geomap_cli("map", str(table), "-o", str(folder / "million.html")))
    figures = {"seconds": seconds, "peak_mib": peak, "csv_mb": table.stat().st_size / 1e6,
               "html_mb": (folder / "million.html").stat().st_size / 1e6}
    print(f"| {'rows':>10} | {'CSV MB':>7} | {'build s':>8} | {'peak MiB':>8} | {'HTML MB':>8} |")
    print(f"|{'-' * 12}|{'-' * 9}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    print(f"| {rows:>10,} | {figures['csv_mb']:>7.0f} | {seconds:>8.1f} | {peak:>8.0f} | {figures['html_mb']:>8.1f} |",
          flush=True)
    table.unlink()
    (folder / "million.html").unlink()
    return figures


def report_targets(results: dict[str, dict[str, float]], corpus: dict[str, float] | None,
                   memory: dict[str, float]) -> bool:
    ours, peer = results["geomap --notes full"], results[PEER + " + popups"]
    checks = [
        ("HTML MB (full notes)", ours["mb"], f"≤ {TARGET_MB:g}", ours["mb"] <= TARGET_MB),
        ("first markers ms", ours["on_screen_ms"], f"≤ {TARGET_ON_SCREEN_MS}", ours["on_screen_ms"] <= TARGET_ON_SCREEN_MS),
        ("type toggle ms", ours["toggle_ms"], f"≤ {TARGET_TOGGLE_MS}", ours["toggle_ms"] <= TARGET_TOGGLE_MS),
        ("build s", ours["build_s"], f"< {PEER} {peer['build_s']:.2f}", ours["build_s"] < peer["build_s"]),
        ("peak MiB at 1M rows", memory["peak_mib"], f"≤ {TARGET_PEAK_MIB} (1.5 GiB)", memory["peak_mib"] <= TARGET_PEAK_MIB),
    ]
    if corpus is not None:
        checks.append(("map / extract (corpus)", corpus["ratio"], f"≤ {TARGET_MAP_OVER_EXTRACT:g}",
                       corpus["ratio"] <= TARGET_MAP_OVER_EXTRACT))
    print("\nTargets:")
    for name, value, target, ok in checks:
        print(f"  {name:<24} {value:>10.2f}  target {target}  {'ok' if ok else 'MISSED'}")
    return all(ok for *_, ok in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="events of the archive-scale table")
    parser.add_argument("--loads", type=int, default=3, help="page loads per browser figure (median)")
    parser.add_argument("--build-peer", nargs=2, metavar=("CSV", "HTML"), help=argparse.SUPPRESS)
    parser.add_argument("--builds", type=int, default=3,
                        help="builds of geomap --notes full and of the peer, alternately (median)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="reports mapped and extracted in section 2")
    parser.add_argument("--corpus-runs", type=int, default=5, help="runs of each command in section 2 (median)")
    parser.add_argument("--memory-rows", type=int, default=1_000_000, help="rows of the table of section 3")
    args = parser.parse_args(argv)
    if args.build_peer:  # the peer's build, run in its own process by build_peer
        folium_peer(Path(args.build_peer[0]), Path(args.build_peer[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        results = measure_archive(args.rows, args.loads, Path(tmp), args.builds)
        corpus = measure_corpus(args.corpus, args.corpus_runs, Path(tmp))
        memory = measure_memory(args.memory_rows, Path(tmp))
    return 0 if report_targets(results, corpus, memory) else 1


if __name__ == "__main__":
    sys.exit(main())
