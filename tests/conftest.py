"""Shared fixtures: where ../shared is, a headless Chromium for browser tests, a lexicon copy to break."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

# folium imports requests, whose urllib3 opens (and closes) a socket when first
# imported, to learn whether the machine has IPv6; nothing is sent. Imported
# here, before pytest-socket blocks sockets for each test, that probe is not
# reported as a test trying the network.
with contextlib.suppress(ImportError):
    import urllib3  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GEOMAP_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
SOURCE_DATA = SHARED / "data"
CHROMIUM = Path(os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

requires_shared = pytest.mark.skipif(
    not SEEDS.is_dir(),
    reason=f"{SHARED} is absent: the seed report and source data ship only with the project workspace",
)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (no browser download).

    Outside CI a missing Chromium skips the test with the reason; under
    ``CI=true`` it fails, so a green CI always means the browser tests ran.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def lexicon_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled lexicon, for a test to break."""
    from geomap.extract.lexicon import LEXICON_DIR  # imported when used, as geomap is by the tests themselves

    for path in LEXICON_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path
