"""A print-quality static map (PNG or PDF) for reports: matplotlib on the offline basemap.

The same events, colours, shapes and basemap as the HTML map, laid out for
paper: the world around Syria, governorate and town names placed so that
none overlaps another (:mod:`geomap.render.labels`), a scale bar, a north
arrow, a legend giving every actor colour, every event-type symbol and the
fatality sizes, and a caption with the counts, the filters and the sources.
Events at one spot are set on a ring around it so that no actor hides
another (:func:`geomap.render.marks.stack_rings`); above
:data:`DENSITY_THRESHOLD` events, where dots would merge into one mass,
they are summed in hexagonal cells drawn as pies of their actors
(:func:`geomap.render.marks.hex_cells`). The title is the one given, never
a file name. Written atomically; the same input gives the same bytes.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geomap.errors import GeomapError
from geomap.render.filters import EventFilter
from geomap.render.labels import Label, place_labels
from geomap.render.map import OTHER_COLOUR, PALETTE, map_payload, payload_coordinates
from geomap.render.marks import RING_CAPACITY, hex_cells, stack_rings
from geomap.textio import atomic_write

__all__ = ["DENSITY_THRESHOLD", "draw_map", "parse_size", "save_pdf", "save_png"]

DENSITY_THRESHOLD = 2000
"""Above this many events in the frame, the print map sums them in cells instead of drawing a dot each."""
DEFAULT_SIZE = "297x210mm"  # A4 landscape
DEFAULT_DPI = 200
SOURCES = "Boundaries: OCHA Syria COD (CC BY 3.0 IGO), Natural Earth (public domain); places: GeoNames (CC BY 4.0)."

# The HTML map's marker shapes (geomap.js shapePath) as matplotlib markers.
MARKERS = {"circle": "o", "triangle": "^", "square": "s", "diamond": "D", "cross": "P", "star": "*",
           "triangle-down": "v", "hexagon": "h"}
LABELS_AVOID_MARKS = 400  # up to this many marks, place names are kept off them
MARK_SCALE = 0.6  # points per pixel of the HTML map's marker radius: smaller on paper than on screen
FATALITY_KEY = (0, 1, 10, 100)
STYLE = {
    "sea": "#dde5ea",
    "world": {"facecolor": "#e9e6de", "edgecolor": "#a29d92", "linewidth": 0.5},
    "country": {"facecolor": "#f6f3ea", "edgecolor": "#4a4a4a", "linewidth": 1.1},
    "admin2": {"facecolor": "none", "edgecolor": "#d3ccbd", "linewidth": 0.3},
    "admin1": {"facecolor": "none", "edgecolor": "#8d877a", "linewidth": 0.7},
}
LABEL_STYLE = {
    "country": {"fontsize": 8.5, "color": "#8b867b", "fontstyle": "italic", "zorder": 3},
    "admin1": {"fontsize": 6.5, "color": "#6b6457", "zorder": 3},
    "city": {"fontsize": 6.5, "color": "#222222", "zorder": 7},
    "town": {"fontsize": 5.5, "color": "#333333", "zorder": 7},
}
HALO = {"linewidth": 2.2, "foreground": "white", "alpha": 0.85}  # keeps a place name legible over the marks
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(px|in|mm|cm)?\s*$", re.IGNORECASE)
_PER_INCH = {"in": 1.0, "mm": 25.4, "cm": 2.54}
_SCALE_STEPS_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)


# --------------------------------------------------------------------------- public API


def parse_size(size: str | Sequence[float], dpi: int = DEFAULT_DPI) -> tuple[float, float]:
    """A page size as (width, height) in inches.

    Parameters
    ----------
    size : str or (float, float)
        ``"WxH"`` in pixels (``"1600x1200"``, at ``dpi``), or with a unit:
        ``"297x210mm"``, ``"11x8.5in"``, ``"30x20cm"``; or a pair of inches.
    dpi : int
        Dots per inch, for sizes in pixels.

    Raises
    ------
    GeomapError
        If the size cannot be read or is not between 1 and 100 inches a side.
    """
    if isinstance(size, str):
        match = _SIZE.match(size)
        if not match:
            raise GeomapError(f"size {size!r} is not WxH (pixels) or WxH with a unit: mm, cm or in, e.g. 297x210mm")
        unit = (match.group(3) or "px").lower()
        per_inch = dpi if unit == "px" else _PER_INCH[unit]
        width, height = float(match.group(1)) / per_inch, float(match.group(2)) / per_inch
    else:
        width, height = (float(v) for v in size)
    if not (1 <= width <= 100 and 1 <= height <= 100):
        raise GeomapError(f"size {size!r} is {width:.1f} x {height:.1f} inches; each side must be 1 to 100 inches")
    return width, height


def save_png(
    events: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    dpi: int = DEFAULT_DPI,
    size: str | Sequence[float] = DEFAULT_SIZE,
    filters: EventFilter | None = None,
) -> Path:
    """Draw ``events`` as a print map and write a PNG.

    Parameters
    ----------
    events : pandas.DataFrame or geopandas.GeoDataFrame
        The event table (rows without coordinates are counted in the caption).
    path : str or path-like
        Output file; parent folders are created.
    title : str, optional
        Printed above the map (nothing when not given).
    dpi : int
        Resolution, dots per inch (72 to 1200).
    size : str or (float, float)
        Page size, see :func:`parse_size`; default A4 landscape.
    filters : EventFilter, optional
        Actors, event types and dates to draw, as in the HTML map's URL.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return _save(events, path, "png", title=title, dpi=dpi, size=size, filters=filters)


def save_pdf(
    events: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    size: str | Sequence[float] = DEFAULT_SIZE,
    filters: EventFilter | None = None,
) -> Path:
    """Draw ``events`` as a print map and write a PDF (vector lines and text).

    Parameters are those of :func:`save_png` (without ``dpi``: a PDF has none,
    sizes in pixels are read at 200 dpi).
    """
    return _save(events, path, "pdf", title=title, dpi=DEFAULT_DPI, size=size, filters=filters)


def draw_map(
    events: pd.DataFrame,
    *,
    title: str | None = None,
    dpi: int = DEFAULT_DPI,
    size: str | Sequence[float] = DEFAULT_SIZE,
    filters: EventFilter | None = None,
) -> Any:
    """Draw the print map and return the matplotlib Figure (to adjust or save yourself).

    Text from the data is drawn literally (``$`` is not mathtext). Parameters
    are those of :func:`save_png`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    if not 72 <= dpi <= 1200:
        raise GeomapError(f"dpi must be between 72 and 1200, not {dpi}")
    width, height = parse_size(size, dpi)
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False, "svg.hashsalt": "geomap",
                                "font.family": "DejaVu Sans"}):
        return _PrintMap(events, title, (width, height), dpi, filters or EventFilter()).draw()


def _save(events: pd.DataFrame, path: str | os.PathLike[str], fmt: str, **options: Any) -> Path:
    fig = draw_map(events, **options)
    buffer = io.BytesIO()
    # No timestamps in the file, so the same input gives the same bytes.
    metadata = {"Software": None} if fmt == "png" else {"CreationDate": None, "Producer": None, "Creator": None}
    fig.savefig(buffer, format=fmt, dpi=fig.dpi, metadata=metadata)  # exactly the page size asked for
    target = Path(path)
    with atomic_write(target, "wb") as handle:
        handle.write(buffer.getvalue())
    return target


# --------------------------------------------------------------------------- the drawing


class _PrintMap:
    """One print map being drawn: the figure, the map axes and the events placed on it."""

    def __init__(self, events: pd.DataFrame, title: str | None, size: tuple[float, float], dpi: int,
                 filters: EventFilter) -> None:
        self.payload = map_payload(events, cluster=False)
        self.title = title
        self.size, self.dpi, self.filters = size, dpi, filters
        lats, lons = payload_coordinates(self.payload)
        self.lat, self.lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        self.keep = filters.mask(self.payload)
        fat = self.payload["fat"] or [None] * len(lats)
        self.fat = np.array([np.nan if f is None else f for f in fat], dtype=float)
        self.actor = np.asarray(self.payload["actor"], dtype=int)
        type_of_sub = np.array([s["type"] for s in self.payload["subs"]] or [0], dtype=int)
        self.type = type_of_sub[np.asarray(self.payload["sub"], dtype=int)] if len(lats) else np.zeros(0, dtype=int)

    def draw(self) -> Any:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.size, dpi=self.dpi)
        FigureCanvasAgg(fig)
        self.fig = fig
        ax = self.ax = fig.add_axes(self._map_rect())
        ax.set_anchor("N" if self.portrait else "NW")  # room the map's shape leaves goes below or to the right
        (west, east), (south, north), self.outside = _frame(self.lat[self.keep], self.lon[self.keep])
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))  # equal distances at the map's middle
        ax.set_facecolor(STYLE["sea"])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.apply_aspect()
        renderer = fig.canvas.get_renderer()
        self._basemap()
        in_frame = self.keep & (self.lon >= west) & (self.lon <= east) & (self.lat >= south) & (self.lat <= north)
        self.drawn = in_frame
        self.dense = int(in_frame.sum()) > DENSITY_THRESHOLD
        stacks = self._density(in_frame) if self.dense else self._markers(in_frame)
        clear = [self._scale_bar().get_window_extent(renderer), self._north_arrow().get_window_extent(renderer)]
        self._names(renderer, clear + self.mark_boxes)
        self._legend(stacks)
        self._caption(int(in_frame.sum()))
        if self.title:
            ax.set_title(self.title, fontsize=12, loc="left", pad=8)
        return fig

    def _map_rect(self) -> tuple[float, float, float, float]:
        """Where the map goes on the page (figure fractions): the legend beside it, or below on a portrait page."""
        width, height = self.size
        self.portrait = height > width
        margin, caption, title = 0.3, 0.45, 0.45 if self.title else 0.15
        if self.portrait:
            legend = 0.36 * height
            return (margin / width, (margin + caption + legend) / height, 1 - 2 * margin / width,
                    (height - 2 * margin - caption - legend - title) / height)
        legend = min(3.0, 0.3 * width)
        return (margin / width, (margin + caption) / height, (width - 2 * margin - legend) / width,
                (height - 2 * margin - caption - title) / height)

    # ------------------------------------------------------------------ page coordinates

    def _to_points(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xy = self.ax.transData.transform(np.column_stack([lon, lat])) * (72 / self.dpi)
        return xy[:, 0], xy[:, 1]

    def _to_data(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xy = self.ax.transData.inverted().transform(np.column_stack([x, y]) * (self.dpi / 72))
        return xy[:, 0], xy[:, 1]

    # ------------------------------------------------------------------ layers

    def _basemap(self) -> None:
        import geopandas as gpd

        features = self.payload["basemap"]["boundaries"]["features"]
        self.world = None
        if not features:
            return
        shapes = gpd.GeoDataFrame.from_features(features, crs=4326)
        (west, east), (south, north) = self.ax.get_xlim(), self.ax.get_ylim()
        shapes = shapes.cx[west - 1:east + 1, south - 1:north + 1]
        for kind in ("world", "country", "admin2", "admin1"):
            part = shapes[shapes["kind"] == kind]
            if len(part):
                part.plot(ax=self.ax, zorder=1, **STYLE[kind])
        self.ax.set_xlim(west, east)  # geopandas may have widened the limits
        self.ax.set_ylim(south, north)
        self.ax.set_xlabel("")
        self.ax.set_ylabel("")
        self.world = shapes[shapes["kind"] == "world"]

    def _markers(self, in_frame: np.ndarray) -> int:
        """One mark per event, stacks set on rings; returns the number of stacked spots."""
        index = np.flatnonzero(in_frame)
        self.mark_boxes = []
        if not len(index):
            return 0
        radius = MARK_SCALE * np.minimum(4 + 1.4 * np.sqrt(np.nan_to_num(self.fat[index])), 18)
        x, y = self._to_points(self.lon[index], self.lat[index])
        rings = stack_rings(x, y, radius, self.actor[index])
        mx, my = self._to_data(x + rings.dx, y + rings.dy)
        shapes = [t["shape"] for t in self.payload["types"]]
        colours = np.array(self._actor_colours() or ["#000000"])
        for cx, cy, count, ring in rings.centres:  # spokes from each stack's true spot to its ring
            sx, sy = self._to_data(np.array([cx]), np.array([cy]))
            self.ax.plot(sx, sy, "o", color="#222222", markersize=2.2, zorder=4)
            self.ax.add_patch(_ring_patch(self, sx[0], sy[0], ring))
            shown_here = min(count, RING_CAPACITY)
            if count > shown_here:
                self.ax.annotate(str(count), (sx[0], sy[0]), ha="center", va="center", fontsize=6, fontweight="bold",
                                 zorder=8, bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#222222",
                                                 "lw": 0.6})
        if len(index) <= LABELS_AVOID_MARKS:  # names go beside the marks, not over them
            from matplotlib.transforms import Bbox

            px = self.dpi / 72
            self.mark_boxes = [Bbox.from_extents((cx - r) * px, (cy - r) * px, (cx + r) * px, (cy + r) * px)
                               for cx, cy, r in zip(x + rings.dx, y + rings.dy, radius)]
        # Larger marks first, so that a small one is never under a big one.
        for type_code in sorted(set(self.type[index].tolist()), key=lambda t: -radius[self.type[index] == t].mean()):
            pick = (self.type[index] == type_code) & rings.shown
            order = np.flatnonzero(pick)[np.argsort(-radius[pick], kind="stable")]
            self.ax.scatter(mx[order], my[order], s=(2 * radius[order]) ** 2, marker=MARKERS.get(shapes[type_code], "o"),
                            c=colours[np.minimum(self.actor[index][order], len(colours) - 1)],
                            edgecolors="#222222", linewidths=0.4, alpha=0.9,
                            zorder=5)
        return len(rings.centres)

    def _density(self, in_frame: np.ndarray) -> int:
        """Events summed in hexagonal cells, each a pie of its actors sized by its count."""
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import Wedge

        index = np.flatnonzero(in_frame)
        self.mark_boxes = []
        x, y = self._to_points(self.lon[index], self.lat[index])
        width_pt = self.ax.get_window_extent().width * 72 / self.dpi
        colours = self._actor_colours()
        codes = np.minimum(self.actor[index], len(colours) - 1)  # actors beyond the palette share grey
        cells = hex_cells(x, y, codes, len(colours), size=width_pt / 45)
        self.cells = cells
        biggest = max(int(cells.total.max()), 2)
        wedges, faces = [], []
        for k in range(len(cells.total)):
            cx, cy = self._to_data(np.array([cells.x[k]]), np.array([cells.y[k]]))
            radius_pt = _cell_radius(cells.total[k], biggest, cells.size)
            radius = radius_pt * self._data_per_point()
            start = 90.0
            for a in np.flatnonzero(cells.shares[k]):
                sweep = 360.0 * cells.shares[k, a] / cells.total[k]
                wedges.append(Wedge((cx[0], cy[0]), radius, start - sweep, start))
                faces.append(colours[a])
                start -= sweep
        self.ax.add_collection(PatchCollection(wedges, facecolors=faces, edgecolors="white", linewidths=0.25,
                                               alpha=0.92, zorder=5, match_original=False))
        return 0

    def _data_per_point(self) -> float:
        """Data units (degrees of longitude) per point across the page."""
        (x0, _), (x1, _) = self.ax.transData.inverted().transform([(0, 0), (self.dpi / 72, 0)])
        return float(x1 - x0)

    def _actor_colours(self) -> list[str]:
        """Colour of each actor code up to the palette's length, then one grey for all others.

        (The HTML map tells the actors past the palette apart by a second
        channel, a white dot or stripes; the print map draws them grey and
        counts them together in its legend.)
        """
        named = [a["color"] for a in self.payload["actors"][: len(PALETTE)]]
        return named + ([OTHER_COLOUR] if len(self.payload["actors"]) > len(PALETTE) else [])

    def _names(self, renderer: Any, clear: list[Any]) -> None:
        """Country, city, governorate and town names, placed most important first without overlaps."""
        (west, east), (south, north) = self.ax.get_xlim(), self.ax.get_ylim()

        def inside(lat: float, lon: float) -> bool:
            return west <= lon <= east and south <= lat <= north

        basemap = self.payload["basemap"]
        features = basemap["boundaries"]["features"]
        labels = self._country_labels(west, east, south, north)
        zoom = self._web_zoom()
        cities = [c for c in basemap["cities"] if inside(c[1], c[2]) and c[3] <= zoom + 1]
        labels += [Label(c[0], c[2], c[1], style=LABEL_STYLE["city"]) for c in cities if c[3] <= 7]
        labels += [Label(f["properties"]["name"].upper(), f["properties"]["label"][1], f["properties"]["label"][0],
                         beside_dot=False, style=LABEL_STYLE["admin1"])
                   for f in features if f["properties"]["kind"] == "admin1" and inside(*f["properties"]["label"])]
        labels += [Label(c[0], c[2], c[1], style=LABEL_STYLE["town"]) for c in cities if c[3] > 7]
        from matplotlib import patheffects

        for label, text in place_labels(self.ax, labels, renderer, keep_clear=clear):
            if label.beside_dot:
                text.set_path_effects([patheffects.withStroke(**HALO)])
                self.ax.plot(label.x, label.y, "o", color="#333333", markersize=2.2, zorder=4.5)  # under the marks

    def _country_labels(self, west: float, east: float, south: float, north: float) -> list[Label]:
        """The other countries in the frame, named at a point of their part inside it (largest part first)."""
        import shapely

        if self.world is None or not len(self.world):
            return []
        frame = shapely.box(west, south, east, north)
        parts = [(geom.intersection(frame), name) for geom, name in zip(self.world.geometry, self.world["name"])]
        parts = sorted((p for p in parts if p[0].area > 0.02 * frame.area), key=lambda p: (-p[0].area, p[1]))
        labels = []
        for part, name in parts:
            point = part.representative_point()
            labels.append(Label(name.upper(), point.x, point.y, beside_dot=False, style=LABEL_STYLE["country"]))
        return labels

    def _web_zoom(self) -> float:
        """The zoom of the HTML map that shows as much ground per inch as this page (96 px per inch)."""
        (west, east) = self.ax.get_xlim()
        width_px = self.ax.get_window_extent().width * 96 / self.dpi
        return math.log2(width_px * 360 / (256 * max(east - west, 1e-6)))

    def _scale_bar(self) -> Any:
        from matplotlib.font_manager import FontProperties
        from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

        (west, east), (south, north) = self.ax.get_xlim(), self.ax.get_ylim()
        km_per_degree = 111.32 * math.cos(math.radians((south + north) / 2))
        wanted = (east - west) * km_per_degree / 5
        km = max([s for s in _SCALE_STEPS_KM if s <= wanted] or [_SCALE_STEPS_KM[0]])
        bar = AnchoredSizeBar(self.ax.transData, km / km_per_degree, f"{km:,} km", loc="lower left", pad=0.5,
                              borderpad=0.6, sep=3, frameon=True, size_vertical=(north - south) / 250,
                              color="#222222", fontproperties=FontProperties(size=7))
        bar.patch.set_alpha(0.85)
        bar.set_zorder(9)
        self.ax.add_artist(bar)
        return bar

    def _north_arrow(self) -> Any:
        return self.ax.annotate(
            "N", xy=(0.965, 0.955), xytext=(0.965, 0.875), xycoords="axes fraction", ha="center", va="center",
            fontsize=9, fontweight="bold", zorder=9,
            arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.7", "color": "#222222", "lw": 1.2,
                        "shrinkA": 6, "shrinkB": 0},
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
        )

    def _legend(self, stacks: int) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        # Every actor and type drawn, with the number of its events on this map.
        actors = self.payload["actors"]
        actor_counts = np.bincount(self.actor[self.drawn], minlength=len(actors))
        type_counts = np.bincount(self.type[self.drawn], minlength=len(self.payload["types"]))
        handles: list[Any] = [_header("Actors (events)")]
        for code, a in enumerate(actors[: len(PALETTE)]):
            if actor_counts[code]:
                handles.append(Patch(facecolor=a["color"], edgecolor="#222222", linewidth=0.5,
                                     label=f"{_shortened(a['name'])} ({actor_counts[code]:,})"))
        others = actor_counts[len(PALETTE):]
        if others.sum():
            handles.append(Patch(facecolor=OTHER_COLOUR, edgecolor="#222222", linewidth=0.5,
                                 label=f"{int((others > 0).sum())} other actors ({int(others.sum()):,})"))
        handles.append(_header("Event types"))
        for code, t in enumerate(self.payload["types"]):  # a dense map draws no symbols: types listed with counts
            if type_counts[code]:
                handles.append(Line2D([], [], linestyle="", marker="" if self.dense else MARKERS.get(t["shape"], "o"),
                                      markersize=6, markerfacecolor="#bbbbbb", markeredgecolor="#222222",
                                      markeredgewidth=0.5, label=f"{t['name']} ({type_counts[code]:,})"))
        if self.dense:
            handles.append(_header("Each circle: the events of its cell, in slices by actor"))
        elif stacks:
            handles.append(_header("Events at one spot are set on a ring"))
        box = self.ax.get_position()
        if self.portrait:  # under the map and its caption, in two columns
            anchor, columns = (box.x0, box.y0 - 0.45 / self.size[1]), 2
        else:
            anchor, columns = (box.x1 + 0.15 / self.size[0], box.y1), 1
        legend = self.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=anchor, ncol=columns,
                                 fontsize=6.5, frameon=False, handlelength=1.6, borderaxespad=0.0,
                                 labelspacing=0.45)
        for text, handle in zip(legend.get_texts(), handles):
            if getattr(handle, "_geomap_header", False):
                text.set_fontweight("bold")
        self._size_key(legend)

    def _size_key(self, above: Any) -> None:
        """What a mark's size means (fatalities, or events per cell), in a row under the legend."""
        from matplotlib.lines import Line2D

        if self.dense:
            title = "Events per circle"
            biggest = max(int(self.cells.total.max()), 2) if len(self.cells.total) else 2
            sizes = [(f"{count:,}", _cell_radius(count, biggest, self.cells.size), "white")
                     for count in _powers_of_ten(biggest)]
        else:
            title = "Fatalities"
            sizes = [("100+" if f == FATALITY_KEY[-1] else str(f), MARK_SCALE * min(4 + 1.4 * math.sqrt(f), 18),
                      "#222222") for f in FATALITY_KEY]
        handles = [Line2D([], [], linestyle="", marker="o", markersize=2 * radius, markerfacecolor="#bbbbbb",
                          markeredgecolor=edge, markeredgewidth=0.5, label=text) for text, radius, edge in sizes]
        top = above.get_window_extent(self.fig.canvas.get_renderer()).transformed(self.fig.transFigure.inverted())
        key = self.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(top.x0, top.y0 - 0.015),
                              ncol=len(handles), fontsize=6.5, frameon=False, title=title, alignment="left",
                              title_fontproperties={"size": 6.5, "weight": "bold"}, handletextpad=0.6,
                              columnspacing=1.0, borderaxespad=0.0, handleheight=3.0)
        self.size_key = key

    def _caption(self, shown: int) -> None:
        located = len(self.lat)
        parts = [f"{shown:,} events shown"]
        if self.filters.active:
            parts[0] += f" of {located:,} (filters: {self.filters.describe()})"
        if self.outside:
            parts.append(f"{self.outside:,} outside this frame (see the HTML map)")
        if self.dense:
            parts.append(f"more than {DENSITY_THRESHOLD:,}: summed in cells")
        missing = self.payload["total"] - located
        if missing:
            parts.append(f"{missing:,} without coordinates")
        box = self.ax.get_position()
        self.fig.text(box.x0, box.y0 - 0.012, ", ".join(parts) + ". " + SOURCES, va="top", ha="left", fontsize=6.5,
                      color="#444444", wrap=True)


def _shortened(name: str, limit: int = 46) -> str:
    """A long name cut at a word so that the legend keeps to its column."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else name[: limit - 1]) + "…"


def _header(text: str) -> Any:
    from matplotlib.lines import Line2D

    handle = Line2D([], [], linestyle="", marker="", label=text)
    handle._geomap_header = True  # type: ignore[attr-defined]
    return handle


def _ring_patch(printmap: _PrintMap, x: float, y: float, ring_pt: float) -> Any:
    from matplotlib.patches import Ellipse

    per_point = printmap._data_per_point()
    aspect = printmap.ax.get_aspect()
    width = 2 * ring_pt * per_point
    return Ellipse((x, y), width, width / aspect, fill=False, edgecolor="#555555", linewidth=0.4,
                   linestyle=(0, (2, 1.5)), zorder=4)


def _cell_radius(count: float, biggest: int, spacing: float) -> float:
    """Radius in points of a density circle: area grows with the logarithm of its events."""
    return spacing * 0.42 * max(0.25, math.sqrt(math.log1p(count) / math.log1p(biggest)))


def _powers_of_ten(biggest: int) -> list[int]:
    out = [1]
    while out[-1] * 10 <= biggest:
        out.append(out[-1] * 10)
    return out[-4:]


# Syria with a margin: the print map's frame unless events inside it lie beyond.
_SYRIA_FRAME = ((35.5, 42.5), (32.2, 37.5))
_FRAME_MARGIN = 3.0  # degrees around Syria still drawn (Lebanon, Hatay, Mosul...)


def _frame(lats: Sequence[float], lons: Sequence[float]) -> tuple[tuple[float, float], tuple[float, float], int]:
    """Frame of the print map and how many events fall outside it.

    A print map of Syria stays on Syria: events far abroad (talks in Moscow,
    Geneva) would shrink the country to a corner, so they are counted in the
    caption instead of stretching the frame.
    """
    (west, east), (south, north) = _SYRIA_FRAME
    near = [(la, lo) for la, lo in zip(lats, lons)
            if west - _FRAME_MARGIN <= lo <= east + _FRAME_MARGIN and south - _FRAME_MARGIN <= la <= north + _FRAME_MARGIN]
    pad = 0.4
    if near:
        west = min(west, min(lo for _, lo in near) - pad)
        east = max(east, max(lo for _, lo in near) + pad)
        south = min(south, min(la for la, _ in near) - pad)
        north = max(north, max(la for la, _ in near) + pad)
    return (west, east), (south, north), len(lats) - len(near)
