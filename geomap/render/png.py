"""A static PNG map for print reports (PDF, Word): geopandas + matplotlib.

Same look as the HTML map's offline basemap (country, governorates with
names, major cities), events coloured by actor with the same palette,
a legend, and written atomically.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

from geomap.render.map import map_payload, payload_coordinates
from geomap.textio import atomic_write

__all__ = ["save_png"]


def save_png(
    events: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    dpi: int = 150,
    size: tuple[float, float] = (9.0, 7.5),
) -> Path:
    """Draw ``events`` on the offline basemap and write a PNG.

    Parameters
    ----------
    events : pandas.DataFrame or geopandas.GeoDataFrame
        The event table (rows without coordinates are counted in the caption).
    path : str or path-like
        Output file; parent folders are created.
    title : str, optional
        Printed above the map.
    dpi : int
        Resolution.
    size : (float, float)
        Figure size in inches.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    payload = map_payload(events, title=title, cluster=False)
    features = payload["basemap"]["boundaries"]["features"]
    # Text from input is drawn literally: "$...$" in an actor name or title is not mathtext.
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        fig, ax = plt.subplots(figsize=size)
        try:
            ax.set_facecolor("#dde5ea")
            if features:
                shapes = gpd.GeoDataFrame.from_features(features, crs=4326)
                for kind, style in (
                    ("country", {"facecolor": "#f6f3ea", "edgecolor": "#4a4a4a", "linewidth": 1.2}),
                    ("admin2", {"facecolor": "none", "edgecolor": "#cfc8b8", "linewidth": 0.4}),
                    ("admin1", {"facecolor": "none", "edgecolor": "#8d877a", "linewidth": 0.8}),
                ):
                    part = shapes[shapes["kind"] == kind]
                    if len(part):
                        part.plot(ax=ax, **style)
                for feature in features:
                    label = feature["properties"].get("label")
                    if label:
                        ax.annotate(feature["properties"]["name"].upper(), (label[1], label[0]), ha="center", va="center",
                                    fontsize=6.5, color="#6b6457")
            for name, lat, lon in payload["basemap"]["cities"]:
                ax.plot(lon, lat, "o", color="#333333", markersize=2.5, zorder=3)
                ax.annotate(name, (lon, lat), xytext=(3, 2), textcoords="offset points", fontsize=6.5, color="#222222", zorder=3)

            actors = payload["actors"]
            lats, lons = payload_coordinates(payload)
            fat = payload["fat"] or [None] * len(lats)
            for code in range(len(actors) - 1, -1, -1):  # most frequent actor drawn last, on top
                rows = [i for i, a in enumerate(payload["actor"]) if a == code]
                if not rows:
                    continue
                ax.scatter([lons[i] for i in rows], [lats[i] for i in rows],
                           s=[(4 + 1.4 * ((fat[i] or 0) ** 0.5)) ** 2 * 0.9 for i in rows],
                           c=actors[code]["color"], edgecolors="#222222", linewidths=0.5, alpha=0.85, zorder=4)
            handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor=a["color"], markeredgecolor="#222222",
                              markersize=7, label=f"{a['name']} ({a['count']})") for a in actors[:12]]
            if len(actors) > 12:
                handles.append(Line2D([], [], linestyle="", label=f"... {len(actors) - 12} more actors"))
            if handles:
                ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.92,
                          title="Actor (events)", title_fontsize=7.5)
            (west, east), (south, north), outside = _frame(lats, lons)
            ax.set_xlim(west, east)
            ax.set_ylim(south, north)
            ax.set_aspect(1 / 0.82)  # roughly equal distances at Syria's latitude
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("")
            ax.set_ylabel("")
            if title:
                ax.set_title(title, fontsize=11)
            missing = payload["total"] - len(lats)
            caption = f"{len(lats) - outside} events shown"
            if outside:
                caption += f", {outside} outside this frame (see the HTML map)"
            if missing:
                caption += f", {missing} without coordinates"
            caption += ". Boundaries: OCHA Syria COD (CC BY 3.0 IGO); places: GeoNames (CC BY 4.0)."
            ax.text(0, -0.015, caption, transform=ax.transAxes, va="top", fontsize=6.5, color="#444444")
            buffer = io.BytesIO()
            # No timestamp in the metadata, so the same input gives the same bytes.
            fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        finally:
            plt.close(fig)
    target = Path(path)
    with atomic_write(target, "wb") as handle:
        handle.write(buffer.getvalue())
    return target


# Syria with a margin: the print map's frame unless events inside it lie beyond.
_SYRIA_FRAME = ((35.5, 42.5), (32.2, 37.5))
_FRAME_MARGIN = 3.0  # degrees around Syria still drawn (Lebanon, Hatay, Mosul...)


def _frame(lats: list[float], lons: list[float]) -> tuple[tuple[float, float], tuple[float, float], int]:
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

