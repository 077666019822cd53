"""Render events: an interactive offline HTML map and a static PNG."""

from geomap.render.map import build_map, render_html, save_map
from geomap.render.synthetic import synthetic_events

__all__ = ["build_map", "render_html", "save_map", "synthetic_events"]
