"""Inline JavaScript and CSS for the map: Leaflet (from xstatic) and our own code.

The map must open from ``file://`` with no network, so every script and
stylesheet is embedded in the HTML. Leaflet's stylesheet refers to a few
images by relative URL; those become ``data:`` URIs. Comments are dropped
from the stylesheets (one of them carries a bug-tracker URL that would be a
stray ``https://`` reference in an offline file).
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet

STATIC_DIR = Path(__file__).resolve().parent / "static"

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^'\")]+)\1\)")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _inline_css_images(css: str, base: Path) -> str:
    """Replace ``url(images/x.png)`` with a base64 ``data:`` URI of the file."""

    def to_data_uri(match: re.Match[str]) -> str:
        image = base / match.group(2)
        if not image.is_file():
            return "none"
        payload = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{payload})"

    return _CSS_URL.sub(to_data_uri, css)


def _strip_css_comments(css: str) -> str:
    return _CSS_COMMENT.sub("", css)


def _script_safe(code: str) -> str:
    """Make code safe to place between ``<script>`` tags (no early ``</script``)."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def _style_safe(css: str) -> str:
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


@lru_cache(maxsize=1)
def leaflet_js() -> str:
    """Return Leaflet's minified JavaScript, ready to inline."""
    return _script_safe(_read(Path(xs_leaflet.BASE_DIR) / "leaflet.js"))


@lru_cache(maxsize=1)
def leaflet_css() -> str:
    """Return Leaflet's stylesheet with its images inlined and comments removed."""
    base = Path(xs_leaflet.BASE_DIR)
    css = _strip_css_comments(_read(base / "leaflet.css"))
    return _style_safe(_inline_css_images(css, base))


# Our client code, in load order: the core (model, canvas, popups, panels) first,
# then the parts it hands the app to (URL state, layout, timeline, list).
JS_FILES = ("geomap.js", "geomap-state.js", "geomap-layout.js", "geomap-timeline.js", "geomap-list.js")


@lru_cache(maxsize=1)
def geomap_js() -> str:
    """Return our client code (filters, legend, URL state, layout, timeline, list, canvas markers)."""
    return _script_safe("\n".join(_read(STATIC_DIR / name) for name in JS_FILES))


@lru_cache(maxsize=1)
def geomap_css() -> str:
    """Return our stylesheet."""
    return _style_safe(_strip_css_comments(_read(STATIC_DIR / "geomap.css")))
