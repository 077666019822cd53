"""XSS payloads in every field of an event table, in a real browser: nothing runs, the text shows.

Every payload of ``tests/xss_payloads.txt`` (plus a very long one) is put in
every text field of located events, of events without coordinates, of
unlocated place mentions and in the title; the map is built (through the API
and through ``geomap map`` on a CSV) and opened from ``file:`` in headless
Chromium. Every popup is opened through the map's own click handler. Each
payload sets ``window.__pwned`` or opens a dialog if it ever executes; every
request the page makes is recorded (non-``file:`` ones are blocked). Crafted
URL hashes are tried on the loaded page. One page load per map.

:func:`run_xss` is shared with ``bench/bench_robustness.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pytest

from geomap.cli import main
from geomap.render import build_map, save_map

pytestmark = pytest.mark.browser

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")
# Fields of a located event, and what the map shows them in.
EVENT_FIELDS = ("event_id", "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "notes",
                "source", "doc_id", "reason")
MISSING_FIELDS = ("event_date", "actor1", "event_type", "location", "notes", "doc_id")
UNLOCATED_FIELDS = ("text", "doc_id", "context", "reason")
# Elements and attributes that exist only if some payload became markup (the map draws on
# canvas and builds its panels from text nodes, so none of these belong inside the map).
INJECTED = ("img, script, iframe, object, embed, base, meta, style, link, svg script, form, input:not([type=checkbox])"
            ":not([type=date]):not([type=radio]), a[href^='javascript' i]")
INJECTED_ATTRIBUTES = "[onerror], [onload], [onmouseover], [onfocus], [ontoggle], [srcdoc]"


def load_payloads() -> list[str]:
    """The payload corpus: one per line of the data file, plus a 100,000-character one."""
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028 stays in its line
    payloads = [line for line in lines if line and not line.startswith("# ")]
    payloads.append("<img src=x onerror=window.__pwned=1>" + "\u0645" * 50_000 + "A" * 50_000)
    return payloads


def tagged(payload: str, where: str) -> str:
    """The payload as placed in one field: the tag tells the fields apart in the page text."""
    return f"{payload} [{where}]"


def hostile_tables(payloads: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Located events, events without coordinates, and unlocated mentions, each field a payload."""
    rows = []
    for i, payload in enumerate(payloads):
        row: dict[str, Any] = {name: tagged(payload, name) for name in EVENT_FIELDS}
        # A grid over Syria, one event per point so each popup is one card.
        row.update(latitude=32.8 + 0.15 * (i // 12), longitude=36.0 + 0.3 * (i % 12),
                   event_date=f"2016-05-{1 + i % 28:02d}", fatalities=i)
        rows.append(row)
    for payload in payloads:
        row = {name: tagged(payload, f"missing {name}") for name in MISSING_FIELDS}
        row.update(latitude=math.nan, longitude=math.nan)
        rows.append(row)
    unlocated = pd.DataFrame([{name: tagged(p, f"unlocated {name}") for name in UNLOCATED_FIELDS} | {"status": "unlocated"}
                              for p in payloads])
    return pd.DataFrame(rows), unlocated


@dataclass
class XssResult:
    """What one map did in the browser."""

    tried: int = 0
    executed: int = 0
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    not_shown: list[str] = field(default_factory=list)
    injected: int = 0
    errors: list[str] = field(default_factory=list)


_POPUP_TEXTS = """(size) => {
  const app = window.geomap.instances[0], texts = [];
  for (let i = 0; i < app.model.n; i += size) {
    const batch = [];
    for (let j = i; j < Math.min(i + size, app.model.n); j++) { batch.push(j); }
    app.onHit({hit: {events: batch}});
    // a closed popup fades out for a moment: the open one is the last
    const popups = document.querySelectorAll('.leaflet-popup-content');
    texts.push(popups.length ? popups[popups.length - 1].textContent : '');
    app.map.closePopup();
  }
  return texts;
}"""

_HASH_TRIAL = """async (hashes) => {
  for (const h of hashes) {
    location.hash = h;
    await new Promise(r => setTimeout(r, 0));
  }
  return window.__pwned === undefined;
}"""


def open_and_probe(browser: Any, path: Path, result: XssResult, expected: dict[str, list[str]],
                   hashes: list[str]) -> None:
    """Load ``path``, open every popup, try ``hashes``; record executions, requests and missing text."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (result.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda exc: result.errors.append(str(exc)))
        page_url = path.as_uri()

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith("file:") and url.split("#")[0] == page_url:
                r.continue_()
                return
            result.requests.append(url)
            r.abort()

        page.route("**/*", route)
        page.goto(page_url + "#" + hashes[0])
        page.wait_for_function("window.__geomapReady === true", timeout=30000)
        popups = page.evaluate(_POPUP_TEXTS, 10)
        texts = {
            "popups": "\n".join(popups),
            "layers": page.text_content(".geomap-actors") or "",
            "filters": page.text_content(".geomap-filters") or "",
            "legend": page.text_content(".geomap-legend") or "",
            "title": (page.text_content(".geomap-title") or "") + "\n" + page.title(),
            "missing": page.text_content("#geomap-missing") or "",
        }
        for where, values in expected.items():
            result.tried += len(values)
            result.not_shown += [f"{where}: {v[:60]!r}" for v in values if v not in texts[where]]
        page.evaluate(_HASH_TRIAL, hashes[1:])
        result.tried += len(hashes)
        result.injected += page.evaluate(
            f"document.querySelector('.leaflet-container').querySelectorAll({INJECTED!r}).length"
            f" + document.querySelectorAll({INJECTED_ATTRIBUTES!r}).length")
        pwned = page.evaluate("window.__pwned !== undefined || window.parent.__pwned !== undefined")
        result.executed += int(pwned) + len(result.dialogs)
    finally:
        context.close()


def crafted_hashes(payloads: list[str]) -> list[str]:
    """URL fragments carrying each payload raw and percent-encoded, in every hash parameter."""
    hashes = []
    for payload in payloads[:-1]:  # the 100 kB one would only test URL length limits
        for value in (payload, quote(payload, safe="")):
            hashes.append(f"actors={value}&types={value}:{value}&from={value}&z=8&ll=34,38")
    return hashes


def run_xss(browser: Any, folder: Path) -> XssResult:
    """Build the hostile maps (API and CLI) in ``folder`` and probe them in ``browser``."""
    payloads = load_payloads()
    events, unlocated = hostile_tables(payloads)
    title = " | ".join(payloads[:-1])
    result = XssResult()
    located = events[events["latitude"].notna()]
    missing = events[events["latitude"].isna()]
    expected = {
        "popups": [v for name in EVENT_FIELDS for v in located[name]],
        "layers": list(located["actor1"]),
        "filters": list(located["event_type"]) + list(located["sub_event_type"]),
        "legend": list(located["event_type"]),
        "title": [title],
        "missing": [v for name in MISSING_FIELDS for v in missing[name]]
        + [v for name in UNLOCATED_FIELDS for v in unlocated[name]],
    }
    api_map = folder / "api.html"
    save_map(build_map(events, title=title, unlocated=unlocated), api_map)
    hashes = crafted_hashes(payloads)
    open_and_probe(browser, api_map, result, expected, hashes)

    # The same located events as a CSV table through `geomap map`: the validator flags
    # the unknown event types but keeps every row and every text.
    table = folder / "hostile.csv"
    located.drop(columns=["reason"]).to_csv(table, index=False)
    cli_map = folder / "cli.html"
    status = main(["map", str(table), "-o", str(cli_map), "--title", title])
    if status not in (0, 1) or not cli_map.is_file():
        result.errors.append(f"geomap map exited {status}")
        return result
    cli_expected = {
        "popups": [v for name in EVENT_FIELDS if name != "reason" for v in located[name]],
        "layers": list(located["actor1"]),
        "title": [title],
    }
    open_and_probe(browser, cli_map, result, cli_expected, hashes[:4])
    return result


@pytest.fixture(scope="module")
def xss_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xss")


@pytest.fixture(scope="module")
def xss_result(browser: Any, xss_folder: Path) -> XssResult:
    return run_xss(browser, xss_folder)


def test_no_payload_executes_in_any_field_or_hash(xss_result: XssResult) -> None:
    assert xss_result.tried > 1000
    assert xss_result.executed == 0
    assert xss_result.dialogs == []
    assert xss_result.injected == 0


def test_every_payload_is_shown_as_text_where_its_field_is_shown(xss_result: XssResult) -> None:
    assert xss_result.not_shown == []


def test_hostile_maps_request_nothing_and_raise_nothing(xss_result: XssResult) -> None:
    assert xss_result.requests == []
    assert xss_result.errors == []


def test_payload_corpus_covers_the_classic_tricks() -> None:
    payloads = load_payloads()
    joined = "\n".join(payloads)
    for trick in ("</script>", "onerror=", "javascript:", "<!--", "\u2028", "\u2029", "\uff1cscript\uff1e", "\u202e",
                  "{{", "<svg"):
        assert trick in joined, trick
    assert max(map(len, payloads)) >= 100_000


def test_the_probe_catches_a_payload_that_does_run(browser: Any, xss_result: XssResult, xss_folder: Path) -> None:
    # The same map with markup pasted in raw: the probe must notice, or its zeros prove nothing.
    page = (xss_folder / "api.html").read_text(encoding="utf-8")
    spoiled = xss_folder / "spoiled.html"
    raw = '<div class="leaflet-container"><img src=x onerror="window.__pwned=1"></div><script>alert(1)</script>'
    spoiled.write_text(page.replace("</body>", raw + "</body>"), encoding="utf-8")
    result = XssResult()
    open_and_probe(browser, spoiled, result, {"title": ["this text is not on the page"]}, ["z=8"])
    assert result.executed >= 2 and result.dialogs == ["1"]
    assert result.injected >= 1
    assert result.not_shown == ["title: 'this text is not on the page'"]
    assert any(url.endswith("/x") for url in result.requests)
