"""Events → one self-contained, offline HTML map (folium + our client code).

The event table is embedded once, as compact columns, compressed (see
:mod:`geomap.render.payload`); the browser decompresses it and builds the
markers itself on a canvas (``static/geomap.js``), so a map of 100,000
events with full notes stays near a dozen megabytes and opens in about a
second.
Folium provides the map object (users can add their own layers to it) and
the page skeleton; its CDN scripts are replaced by inlined copies.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geomap.errors import GeomapError, InputError
from geomap.frames import coordinates_of, usable_points
from geomap.render import assets
from geomap.render.basemap import offline_basemap
from geomap.render.payload import pack
from geomap.schema import MAX_FATALITIES
from geomap.tables.cells import check_count
from geomap.textio import atomic_write

__all__ = [
    "BASEMAPS", "CLUSTER_THRESHOLD", "NOTES", "GeomapMap", "actor_look", "build_map", "map_payload",
    "payload_coordinates", "save_map",
]

CLUSTER_THRESHOLD = 5000
"""Above this many located events, ``cluster="auto"`` groups nearby markers."""

SYRIA_VIEW = ((35.0, 38.5), 7)
UNKNOWN_ACTOR = "Unknown actor"
UNKNOWN_TYPE = "Unknown type"

# Actors are told apart by colour and, from the 13th on, by a second channel
# (a white centre dot, then white stripes) drawn on the marker, its legend and
# layer-list swatches. The 12 colours (the first three are Okabe & Ito's) were
# chosen so that any two differ by at least 13.8 CIEDE2000 in normal vision and
# in simulated deuteranopia and protanopia (Machado et al. 2009, severity 1);
# bench/bench_palette.py prints those figures and tests/test_map_report.py
# checks them. Actors beyond PALETTE x ACTOR_STYLES share a neutral grey.
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#0033FF", "#993300", "#993355",
    "#77DDDD", "#AA7700", "#BB6896", "#FFBB99", "#6677FF", "#AA0099",
)
ACTOR_STYLES = ("solid", "dot", "stripes")
OTHER_COLOUR = "#8C8C8C"

# One distinct shape per ACLED event type; other types take the spare shapes in order.
TYPE_SHAPES = {
    "Battles": "circle",
    "Explosions/Remote violence": "triangle",
    "Violence against civilians": "square",
    "Protests": "diamond",
    "Riots": "cross",
    "Strategic developments": "star",
}
SPARE_SHAPES = ("triangle-down", "hexagon", "circle", "triangle", "square", "diamond", "cross", "star")

_ONLINE = {
    # key: (label, xyzservices provider path)
    "osm": ("OpenStreetMap", ("OpenStreetMap", "Mapnik")),
    "carto-light": ("CARTO light", ("CartoDB", "Positron")),
    "hot": ("Humanitarian OSM", ("OpenStreetMap", "HOT")),
}
BASEMAPS = ("offline", *_ONLINE)

NOTES = ("full", "short", "none")
"""How much of each event's ``notes`` the map carries (see :func:`build_map`)."""
SHORT_NOTE = 160  # characters kept of a note with notes="short"

_TEXT_COLUMNS = ("event_id", "location", "admin1", "notes", "doc_id", "reason", "source")


# --------------------------------------------------------------------------- public API


def build_map(
    events: pd.DataFrame,
    *,
    title: str | None = None,
    basemap: str = "offline",
    cluster: bool | str = "auto",
    unlocated: pd.DataFrame | Iterable[str] | None = None,
    online_basemaps: bool | None = None,
    notes: str = "full",
    mentions: pd.DataFrame | None = None,
) -> folium.Map:
    """Build an interactive map of an event table.

    Parameters
    ----------
    events : pandas.DataFrame or geopandas.GeoDataFrame
        Events with the columns of the event table (see DESIGN.md). Only
        ``latitude``/``longitude`` (or a Point ``geometry``) matter for
        placing a marker; every other column is optional. Rows without
        coordinates are listed in the side panel, never dropped silently.
        Counts are validated as :func:`geomap.tables.read_events` validates
        a file's rows: a ``fatalities`` or ``wounded`` value that is not a
        whole number from 0 to :data:`geomap.schema.MAX_FATALITIES` is
        flagged, drawn as unknown (it neither sizes the marker nor counts in
        the map's fatality total), and the event's popup says why; the
        problems are listed in the payload's ``flagged`` (see
        :func:`map_payload`).
    title : str, optional
        Shown on the map and as the page title (escaped).
    basemap : {"offline", "osm", "carto-light", "hot"}
        The basemap shown first. ``"offline"`` draws Syria's boundaries and
        major cities from the bundled gazetteer and makes no request at all.
    cluster : bool or "auto"
        Group nearby markers; ``"auto"`` does so above
        :data:`CLUSTER_THRESHOLD` located events. Clusters respect filters.
    unlocated : DataFrame or iterable of str, optional
        Place mentions that could not be located: the mentions table (rows
        whose ``status`` is ``unlocated`` are used; columns ``text`` or
        ``name``, ``doc_id`` and an optional ``context`` sentence) or plain
        names. Listed in the "Not on the map" panel.
    online_basemaps : bool, optional
        Offer the online tile layers (OpenStreetMap, CARTO light,
        Humanitarian OSM) in the layer control. Defaults to ``True`` when
        ``basemap`` is an online one and ``False`` otherwise, so that an
        offline map contains no reference to any server.
    notes : {"full", "short", "none"}
        The events' ``notes`` in popups: whole; cut to their first sentence
        (at most 160 characters, ending in "…"); or left out, for a smaller
        file (notes are most of a large map's size). Each distinct note is
        stored once, compressed.
    mentions : DataFrame, optional
        The mentions table of the reports the events come from (columns
        ``doc_id, text, char_start, char_end, status, place_id``, as
        :func:`geomap.extract_document` returns it). A popup then highlights,
        in the event's sentence, the very mention its place was found from
        (the located mention of the event's ``place_id`` inside the span
        ``char_start:char_end``), whatever its spelling. Without it, the
        first occurrence of the ``location`` name is highlighted, if any.
        The highlights are offsets into the notes the map carries: with
        ``notes="short"`` only the mentions inside the kept sentence are
        highlighted, with ``notes="none"`` none.

    Returns
    -------
    GeomapMap
        A :class:`folium.Map`: add your own folium layers to it if you like;
        write it with :func:`save_map`. Shown in a notebook, it says how
        many bytes the display adds to the notebook.

    Raises
    ------
    GeomapError
        If ``basemap``, ``cluster`` or ``notes`` is not one of the accepted values.
    """
    if basemap not in BASEMAPS:
        raise GeomapError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}")
    if cluster not in (True, False, "auto"):
        raise GeomapError(f"cluster must be True, False or 'auto', not {cluster!r}")
    if online_basemaps is None:
        online_basemaps = basemap != "offline"

    payload = _payload(
        events, title=title, basemap=basemap, cluster=cluster, unlocated=unlocated, online_basemaps=online_basemaps,
        notes=notes, mentions=mentions,
        text_lists=False,  # packed straight from the table's own strings: no list of a million notes
    )
    (lat, lon), zoom = SYRIA_VIEW
    m = GeomapMap(
        location=[lat, lon], zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True, min_zoom=3, max_zoom=18
    )
    # Folium's defaults load jQuery, Bootstrap, Font Awesome and Leaflet from
    # CDNs; we inline Leaflet and need none of the rest.
    m.default_js = []
    m.default_css = []
    m.add_child(_InlineAssets(title), name="geomap_assets")
    m.add_child(GeomapLayer(payload), name="geomap_events")
    _assign_stable_ids(m.get_root())
    return m


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` as one self-contained HTML file, atomically.

    Element ids are renumbered first, so the same map always gives the same
    bytes (also when you added folium layers of your own).

    Parameters
    ----------
    m : folium.Map
        A map from :func:`build_map` (or any folium map).
    path : str or path-like
        Where to write; parent folders are created.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    text = render_html(m)
    target = Path(path)
    with atomic_write(target, "w", encoding="utf-8") as handle:
        for start in range(0, len(text), _WRITE_PIECE):  # a 100 MB page is not encoded all at once
            handle.write(text[start:start + _WRITE_PIECE])
    return target


_WRITE_PIECE = 1 << 22


def render_html(m: folium.Map) -> str:
    """Return the full HTML document of ``m`` with deterministic element ids.

    Parameters
    ----------
    m : folium.Map
        A map made by :func:`build_map`.

    Returns
    -------
    str
        The standalone page (what :func:`save_map` writes): the same map gives the same bytes.
    """
    root = m.get_root()
    _assign_stable_ids(root)
    return root.render()


# --------------------------------------------------------------------------- folium elements


class GeomapMap(folium.Map):
    """A :class:`folium.Map` that, shown in a notebook, says how large its display is.

    A notebook display of a map is the whole self-contained page (Leaflet,
    geomap's code, the basemap and the events), so each display adds that
    much to the notebook file; the note under the map gives the figure and
    the way to keep a notebook small (write the map to a file with
    :func:`save_map` and show a link or a PNG instead).
    """

    def _repr_html_(self, **kwargs: Any) -> str:
        shown = super()._repr_html_(**kwargs)
        return shown + notebook_note(len(shown.encode("utf-8")))


def notebook_note(size: int) -> str:
    """The line shown under a map in a notebook: how many bytes this display adds to the notebook."""
    return (
        '<div class="geomap-notebook-note" style="font:12px/1.4 sans-serif;color:#555;margin:4px 0 8px">'
        f"geomap: this map is self-contained (Leaflet, the basemap and the events are inside it) and adds "
        f"{size / 1e6:.2f} MB to the notebook; every display of a map carries its own copy. To keep a notebook "
        "small, write the map with save_map(m, path) and show its PNG (geomap.render.png.save_png).</div>"
    )



class _Raw(Element):
    """Text placed in the page verbatim.

    ``branca.Element(text)`` would compile ``text`` as a Jinja template, so
    an event note holding ``{{ ... }}`` would be evaluated (and a 10 MB blob
    lexed for nothing); this element renders its text untouched.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _InlineAssets(MacroElement):
    """Puts Leaflet, our JS/CSS and the page title inline in the page head."""

    def __init__(self, title: str | None) -> None:
        super().__init__()
        self._name = "GeomapAssets"
        self.title = title

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise GeomapError("the map must belong to a folium Figure to be rendered")
        head = figure.header
        if self.title:
            head.add_child(_Raw(f"<title>{html.escape(self.title)}</title>"), name="geomap_title")
        head.add_child(_Raw(f"<style>{assets.leaflet_css()}</style>"), name="geomap_leaflet_css")
        head.add_child(_Raw(f"<style>{assets.geomap_css()}</style>"), name="geomap_css")
        head.add_child(_Raw(f"<script>{assets.leaflet_js()}</script>"), name="geomap_leaflet_js")
        head.add_child(_Raw(f"<script>{assets.geomap_js()}</script>"), name="geomap_js")
        super().render(**kwargs)


class GeomapLayer(MacroElement):
    """The events, embedded once as packed JSON (:func:`~geomap.render.payload.pack`), drawn by ``geomap.mount``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
    geomap.mount({{ this._parent.get_name() }}, "{{ this.get_name() }}");
{% endmacro %}
"""
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "GeomapEvents"
        # Only the packed text is kept: the payload may hold columns of the caller's table.
        self.blob = json_for_script(pack(payload))

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise GeomapError("the map must belong to a folium Figure to be rendered")
        figure.html.add_child(
            _Raw(f'<script type="application/json" id="{self.get_name()}">{self.blob}</script>'),
            name=self.get_name(),
        )
        super().render(**kwargs)


def _assign_stable_ids(root: Element) -> None:
    """Replace folium's random element ids by a counter in tree order."""
    counter = 0

    def visit(element: Element) -> None:
        nonlocal counter
        element._id = f"{counter:04d}"
        counter += 1
        for child in element._children.values():
            visit(child)

    visit(root)


def json_for_script(value: Any) -> str:
    """Serialise ``value`` as compact JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (so a string
    holding ``</script>`` cannot end the element), as do U+2028/U+2029.
    ``JSON.parse`` gives back exactly the original strings.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


# --------------------------------------------------------------------------- the payload


def map_payload(
    events: pd.DataFrame,
    *,
    title: str | None = None,
    basemap: str = "offline",
    cluster: bool | str = "auto",
    unlocated: pd.DataFrame | Iterable[str] | None = None,
    online_basemaps: bool = False,
    notes: str = "full",
    mentions: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Return the JSON-ready data the client code draws (columnar arrays).

    Exposed for tests and for tools that want the same normalisation the map
    uses: ``lat``/``lon``/``actor``/``actor2``/``sub``/``day``/``tprec``/``fat``...
    arrays have one entry per located event, in input order (``actor`` and
    ``actor2`` index ``actors``, -1 for no second actor); ``marks`` holds,
    per event, the ``[start, end, ...]`` offsets in its ``notes`` (as the
    map carries them, see ``notes``) of the mentions its place was found
    from, or None (see :func:`build_map`); ``flagged`` lists the values set
    aside as ``"WHERE: problem"`` (WHERE is the event id, else ``row N``
    counted from 1). The page carries it packed
    (:func:`geomap.render.payload.pack`).
    """
    return _payload(events, title=title, basemap=basemap, cluster=cluster, unlocated=unlocated,
                    online_basemaps=online_basemaps, notes=notes, mentions=mentions, text_lists=True)


def _payload(
    events: pd.DataFrame,
    *,
    title: str | None,
    basemap: str,
    cluster: bool | str,
    unlocated: pd.DataFrame | Iterable[str] | None,
    online_basemaps: bool,
    notes: str,
    mentions: pd.DataFrame | None,
    text_lists: bool,
) -> dict[str, Any]:
    """:func:`map_payload`; with ``text_lists=False`` a text column's distinct values stay a pandas
    column and the coordinates numpy arrays (:func:`geomap.render.payload.pack` writes them a piece
    at a time)."""
    if not isinstance(events, pd.DataFrame):
        raise InputError(f"events must be a DataFrame, not {type(events).__name__}")
    if notes not in NOTES:
        raise GeomapError(f"notes must be one of {', '.join(NOTES)}, not {notes!r}")
    frame, flagged = _checked_counts(pd.DataFrame(events).reset_index(drop=True))
    lat, lon = coordinates_of(frame)
    located = usable_points(lat, lon)
    # offsets into the whole notes, before they are cut short
    marks = _mention_marks(frame[located].reset_index(drop=True), mentions) if mentions is not None else None
    frame = _with_notes(frame, notes)
    on_map = frame if located.all() else frame[located].reset_index(drop=True)  # no copy of a million notes
    n = len(on_map)
    if cluster == "auto":
        cluster = n > CLUSTER_THRESHOLD

    actors = _text(on_map, "actor1", UNKNOWN_ACTOR)
    others = _text(on_map, "actor2", "")
    actor_names = _actor_order(actors, others)

    etype = _text(on_map, "event_type", UNKNOWN_TYPE)
    esub = _text(on_map, "sub_event_type", "")
    type_names = _by_frequency(etype)
    type_rank = {name: i for i, name in enumerate(type_names)}
    pair_counts = pd.DataFrame({"type": etype, "sub": esub}).value_counts()
    sub_keys = sorted(pair_counts.index, key=lambda p: (type_rank[p[0]], -int(pair_counts[p]), p[1]))
    sub_codes: list[int] = []
    if sub_keys:
        sub_codes = pd.MultiIndex.from_tuples(sub_keys).get_indexer(pd.MultiIndex.from_arrays([etype, esub])).tolist()

    strings = _StringTable()
    text_columns = {}
    for name in _TEXT_COLUMNS:
        column = _text(on_map, name, "")
        if (column != "").any():
            text_columns[name] = strings.encode(column, lists=text_lists)

    day0, days = _days(on_map)
    payload: dict[str, Any] = {
        "version": 1,
        "title": title or "",
        "total": len(frame),
        "cluster": bool(cluster),
        **_fixed_point(lat[located], lon[located], lists=text_lists),
        "actor": _codes(actors, actor_names),
        "actor2": _codes(others, actor_names),
        "sub": sub_codes,
        "day0": day0,
        "day": days,
        "tprec": _integers(on_map, "time_precision"),
        "fat": _integers(on_map, "fatalities"),
        "wounded": _integers(on_map, "wounded"),
        "precision": _integers(on_map, "geo_precision"),
        "text": text_columns,
        "strings": strings.values,
        "marks": _marks_within(marks, _text(on_map, "notes", "")),
        "actors": _actor_entries(actor_names, actors, others),
        "types": [
            {"name": name, "shape": shape, "count": int((etype == name).sum())}
            for name, shape in zip(type_names, _shapes(type_names))
        ],
        "subs": [{"type": type_rank[t], "name": sub, "count": int(pair_counts[(t, sub)])} for t, sub in sub_keys],
        "basemap": _basemap_payload(basemap, online_basemaps),
        "unlocated": _unlocated_rows(unlocated),
        "missing": _missing_rows(frame[~located]),
        "flagged": flagged,
    }
    return payload


def _with_notes(frame: pd.DataFrame, notes: str) -> pd.DataFrame:
    """``frame`` with its notes as the map should carry them (``frame`` is already a copy)."""
    if notes == "full" or "notes" not in frame.columns:
        return frame
    if notes == "none":
        return frame.drop(columns=["notes"])
    frame["notes"] = _text(frame, "notes", "").map(short_note).replace("", None)
    return frame


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


def short_note(note: str, limit: int = SHORT_NOTE) -> str:
    """The first sentence of ``note``, cut at a word to at most ``limit`` characters (ending in "…")."""
    first = _SENTENCE_END.split(note.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first if len(first) == len(note.strip()) else first + " …"
    cut = first[: limit - 1].rsplit(" ", 1)[0] if " " in first[: limit - 1] else first[: limit - 1]
    return cut.rstrip(",;:") + "…"


_COUNT_COLUMNS = ("fatalities", "wounded")


def _checked_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Set aside the counts :mod:`geomap.tables` would flag in a file; return the frame and the problems.

    A table read from a file was validated when read, but a DataFrame
    handed to :func:`build_map` may hold anything (-5, 10**12, "many"): such a
    value becomes unknown, and the row's ``reason`` (shown in its popup) says
    why. ``frame`` is a copy of the caller's table, so assigning is safe.
    """
    problems: dict[int, list[str]] = {}
    for column in _COUNT_COLUMNS:
        if column not in frame.columns:
            continue
        raw = frame[column]
        numbers = pd.to_numeric(raw, errors="coerce").astype(float)
        plausible = numbers.between(0, MAX_FATALITIES) & (numbers % 1 == 0)
        present = raw.notna()
        if not pd.api.types.is_numeric_dtype(raw):
            present &= raw.astype(str).str.strip() != ""
        # Only the rows that fail this quick test go through the file reader's own rule.
        for i in np.flatnonzero((present & ~plausible).to_numpy()):
            given = raw.iat[i]
            given = given.item() if isinstance(given, np.generic) else given  # shown as 2.5, not np.float64(2.5)
            value, found = check_count(given, column)
            numbers.iat[i] = np.nan if value is None else value
            problems.setdefault(int(i), []).extend(found)
        frame[column] = numbers
    if not problems:
        return frame, []
    reasons = _text(frame, "reason", "").astype(object)
    flagged = []
    for i, found in sorted(problems.items()):
        if not found:
            continue
        note = "flagged: " + "; ".join(found) + " (shown as unknown)"
        reasons.iat[i] = f"{reasons.iat[i]} · {note}" if reasons.iat[i] else note
        where = _clean(frame["event_id"].iat[i]) if "event_id" in frame.columns else ""
        flagged.extend(f"{where or f'row {i + 1}'}: {message}" for message in found)
    frame["reason"] = reasons.replace("", None)
    return frame, flagged


COORDINATE_SCALE = 100_000  # 5 decimals: about a metre, finer than any gazetteer point


def _fixed_point(lat: np.ndarray, lon: np.ndarray, lists: bool = True) -> dict[str, Any]:
    """Coordinates as whole 1e-5 degree steps from a corner: shorter JSON than decimals.

    With ``lists=False`` the steps stay numpy arrays (:func:`~geomap.render.payload.pack` writes them).
    """
    origin = [float(np.floor(lat.min())), float(np.floor(lon.min()))] if len(lat) else [0.0, 0.0]
    steps = [np.rint((values - corner) * COORDINATE_SCALE).astype(np.int64) for values, corner in zip((lat, lon), origin)]
    return {
        "origin": origin,
        "scale": COORDINATE_SCALE,
        "lat": steps[0].tolist() if lists else steps[0],
        "lon": steps[1].tolist() if lists else steps[1],
    }


def payload_coordinates(payload: dict[str, Any]) -> tuple[list[float], list[float]]:
    """Latitudes and longitudes of the located events of a :func:`map_payload`."""
    (lat0, lon0), scale = payload["origin"], payload["scale"]
    return (
        [round(lat0 + v / scale, 5) for v in payload["lat"]],
        [round(lon0 + v / scale, 5) for v in payload["lon"]],
    )


def _codes(values: pd.Series, order: Sequence[str]) -> list[int]:
    """Index of each value in ``order`` (-1 for a value not in it)."""
    return pd.Index(list(order)).get_indexer(values.astype(object)).tolist()


class _StringTable:
    """Deduplicated strings shared by the text columns (index 0 is the empty string).

    Every distinct text is stored once. A column whose values mostly repeat
    (actors, places, documents) is stored as ``{"codes": [...]}`` into the
    shared table; one whose values are mostly distinct (notes, event ids) as
    ``{"values": [...distinct...], "codes": [...]}`` of its own, or as
    ``{"values": [...]}`` alone when no value repeats.
    """

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self._index: dict[str, int] = {"": 0}

    def encode(self, column: pd.Series, lists: bool = True) -> dict[str, Any]:
        if len(column) > _SURELY_DISTINCT_FROM and _surely_distinct(column):
            return {"values": column.tolist() if lists else column}  # what factorize would find, without its copy
        codes, uniques = pd.factorize(column)
        if len(uniques) == len(column):
            return {"values": column.tolist() if lists else column}
        if len(uniques) > len(column) // 2:
            return {"values": list(uniques) if lists else uniques, "codes": codes.tolist()}
        table = np.array([self._add(value) for value in uniques], dtype=np.int64)
        return {"codes": table[codes].tolist()}

    def _add(self, value: str) -> int:
        code = self._index.get(value)
        if code is None:
            code = self._index[value] = len(self.values)
            self.values.append(value)
        return code


_SURELY_DISTINCT_FROM = 10_000


def _surely_distinct(column: pd.Series) -> bool:
    """True when no two values are equal, found without copying them all as factorizing does.

    Values are told apart by their lengths and their first and last 24
    characters; only those alike in all three are compared whole.
    """
    keys = pd.DataFrame({"n": column.str.len(), "head": column.str.slice(0, 24), "tail": column.str.slice(-24)})
    alike = keys.duplicated(keep=False).to_numpy()
    # only values alike in those 48 characters and their length are compared whole
    return not alike.any() or not column[alike].duplicated().any()


def _text(frame: pd.DataFrame, column: str, default: str) -> pd.Series:
    """A column as clean strings (missing column or missing values → ``default``)."""
    if column not in frame.columns:
        return pd.Series([default] * len(frame), dtype="string")
    values = frame[column].reset_index(drop=True)
    if not pd.api.types.is_string_dtype(values) or values.dtype == object:
        values = values.astype(object).map(str, na_action="ignore")
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("string")
    # Each step only where it changes something: a column of a million notes is not copied for nothing.
    ends = pd.concat([values.str.slice(0, 1), values.str.slice(-1)])  # one character each: cheap to test
    if (ends.str.strip() == "").fillna(False).any():
        values = values.str.strip()
    if (values == "").fillna(False).any():
        values = values.mask(values == "")
    return values.fillna(default) if values.isna().any() else values


def _by_frequency(values: pd.Series) -> list[str]:
    """Distinct values, most frequent first, ties by name: a stable order for colours."""
    counts = values.value_counts()
    return sorted(counts.index, key=lambda name: (-int(counts[name]), name))


def _actor_order(actors: pd.Series, others: pd.Series) -> list[str]:
    """Every actor named on either side: most frequent doers first (they colour the
    markers), then actors named only as the other party; ties by name."""
    doers = actors.value_counts()
    seconds = others[others != ""].value_counts()
    names = set(doers.index) | set(seconds.index)
    return sorted(names, key=lambda name: (-int(doers.get(name, 0)), -int(seconds.get(name, 0)), name))


def actor_look(rank: int) -> tuple[str, str]:
    """Colour and second channel of the ``rank``-th actor (0 = most frequent doer)."""
    colour, style = rank % len(PALETTE), rank // len(PALETTE)
    if style >= len(ACTOR_STYLES):
        return OTHER_COLOUR, ACTOR_STYLES[0]
    return PALETTE[colour], ACTOR_STYLES[style]


def _actor_entries(names: Sequence[str], actors: pd.Series, others: pd.Series) -> list[dict[str, Any]]:
    """Legend entries: colour, second channel, events as doer (``count``) and as either side (``either``)."""
    doers = actors.value_counts()
    either = pd.concat([actors, others[(others != "") & (others != actors)]]).value_counts()
    entries = []
    for rank, name in enumerate(names):
        colour, style = actor_look(rank)
        entries.append({"name": name, "color": colour, "style": style,
                        "count": int(doers.get(name, 0)), "either": int(either.get(name, 0))})
    return entries


def _mention_marks(frame: pd.DataFrame, mentions: pd.DataFrame | None) -> list[list[int] | None] | None:
    """Per event, the offsets in its ``notes`` of the located mentions of its place in its sentence.

    A mention is the event's when it lies in the event's first sentence
    (``char_start:char_end`` of the same ``doc_id``) and was resolved to the
    event's place (same ``place_id``, or, for tables without one, the same
    gazetteer ``name`` as the event's ``location``). ``notes`` begins with
    that sentence, its white space collapsed, so a mention at offset ``k`` of
    the document lies at most ``k - char_start`` into the notes: its text is
    looked for at the last place not beyond that (a place already marked is
    not marked twice). Offsets are into the whole notes (white space at
    their ends removed, as the map carries them); :func:`_marks_within`
    keeps those that a note cut short still holds.
    """
    needed = {"doc_id", "char_start", "char_end", "notes"}
    if mentions is None or not len(frame) or not needed <= set(frame.columns):
        return None
    if not {"doc_id", "char_start", "char_end", "text"} <= set(mentions.columns):
        raise InputError("the mentions table needs the columns doc_id, text, char_start and char_end")
    found = mentions
    if "status" in found.columns:
        found = found[found["status"].astype(str) == "located"]
    by_doc: dict[str, list[tuple[int, int, str, str, str]]] = {}
    for row in found.itertuples(index=False):
        start, end, text = row.char_start, row.char_end, row.text
        if pd.notna(start) and pd.notna(end) and isinstance(text, str) and text.strip():
            by_doc.setdefault(_clean(row.doc_id), []).append(
                (int(start), int(end), " ".join(text.split()), _clean(getattr(row, "place_id", "")),
                 _clean(getattr(row, "name", ""))))
    places = frame["place_id"] if "place_id" in frame.columns else pd.Series("", index=frame.index)
    locations = frame["location"] if "location" in frame.columns else pd.Series("", index=frame.index)
    marks: list[list[int] | None] = []
    for doc, start, end, notes, place, location in zip(
        frame["doc_id"], frame["char_start"], frame["char_end"], _text(frame, "notes", ""), places, locations
    ):
        spans: list[int] = []
        if notes and pd.notna(start) and pd.notna(end):
            place, location = _clean(place), _clean(location)
            for m_start, m_end, text, m_place, m_name in by_doc.get(_clean(doc), ()):
                inside = start <= m_start and m_end <= end
                same = m_place == place if place else bool(location) and m_name == location
                if not (inside and same):
                    continue
                at = notes.rfind(text, 0, int(m_start - start) + len(text))
                if at >= 0 and at not in spans[::2]:
                    spans += [at, at + len(text)]
        marks.append(spans or None)
    return marks if any(marks) else None


def _marks_within(marks: list[list[int] | None] | None, notes: pd.Series) -> list[list[int] | None] | None:
    """The marks that lie inside the notes as the map carries them (see ``notes`` of :func:`build_map`).

    A short note is the start of the whole note plus an ellipsis, so a mark
    is kept when it ends within that start; left-out notes keep none.
    """
    if marks is None:
        return None
    kept: list[list[int] | None] = []
    for spans, note in zip(marks, notes):
        end = len(note.rstrip("… "))
        inside = [v for a, b in zip((spans or [])[::2], (spans or [])[1::2]) if b <= end for v in (a, b)]
        kept.append(inside or None)
    return kept if any(kept) else None


def _shapes(type_names: Sequence[str]) -> list[str]:
    used = {TYPE_SHAPES[t] for t in type_names if t in TYPE_SHAPES}
    spare = [s for s in SPARE_SHAPES if s not in used] or list(SPARE_SHAPES)
    shapes = []
    for name in type_names:
        if name in TYPE_SHAPES:
            shapes.append(TYPE_SHAPES[name])
        else:
            shapes.append(spare[0])
            spare = spare[1:] or list(SPARE_SHAPES)
    return shapes


def _days(frame: pd.DataFrame) -> tuple[int | None, list[int | None] | None]:
    """``event_date`` as (first day, day offsets); days count from 1970-01-01, None when unknown."""
    if "event_date" not in frame.columns:
        return None, None
    column = frame["event_date"]
    if not pd.api.types.is_datetime64_any_dtype(column):
        raw = column.astype(object).where(column.notna(), None)
        if not pd.api.types.is_string_dtype(column) or column.dtype == object:
            raw = raw.map(_date_text, na_action="ignore")
        # ISO dates parse fast; other spellings ("03 May 2016", ACLED exports) fall back to the slow parser.
        parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
        retry = parsed.isna() & raw.notna()
        if retry.any():
            parsed[retry] = pd.to_datetime(raw[retry], errors="coerce", format="mixed")
        column = parsed
    if getattr(column.dt, "tz", None) is not None:
        column = column.dt.tz_localize(None)
    days = (column.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
    if days.isna().all():
        return None, None
    day0 = int(days.min())
    return day0, _nullable_ints(days - day0)


def _date_text(value: Any) -> str:
    """A date-like value as text; datetimes give their calendar day (an event date is a day)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _integers(frame: pd.DataFrame, column: str) -> list[int | None] | None:
    """A numeric column as ints with None for unknown values; None when the column is empty."""
    if column not in frame.columns:
        return None
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.isna().all():
        return None
    return _nullable_ints(values)


def _nullable_ints(values: pd.Series) -> list[int | None]:
    """Whole numbers as ints; missing, non-finite or out-of-range values as None (never a wrapped negative)."""
    array = values.to_numpy(dtype=float)
    missing = ~np.isfinite(array) | (np.abs(array) >= 2.0**53)
    out: list[int | None] = np.where(missing, 0, array).astype(np.int64).tolist()
    for i in np.flatnonzero(missing):
        out[i] = None
    return out


def _basemap_payload(basemap: str, online: bool) -> dict[str, Any]:
    layers = []
    if online:
        from xyzservices import providers

        for key, (label, (group, name)) in _ONLINE.items():
            with warnings.catch_warnings():
                # xyzservices warns that CARTO may need a key; the public tiles still serve.
                warnings.simplefilter("ignore")
                provider = providers[group][name]
                layers.append(
                    {
                        "key": key,
                        "name": label,
                        "url": provider.url,
                        "subdomains": provider.get("subdomains", "abc"),
                        "attribution": provider.html_attribution,
                        "maxZoom": int(provider.get("max_zoom", 18)),
                    }
                )
    return {"first": basemap, "online": layers, **offline_basemap()}


def _unlocated_rows(unlocated: pd.DataFrame | Iterable[str] | None) -> list[dict[str, str]] | None:
    """``None`` when no mentions were given; otherwise the unlocated ones."""
    if unlocated is None:
        return None
    if isinstance(unlocated, pd.DataFrame):
        frame = unlocated
        if "status" in frame.columns:
            frame = frame[frame["status"].astype(str) == "unlocated"]
        name_col = "text" if "text" in frame.columns else "name" if "name" in frame.columns else None
        rows = []
        for _, row in frame.iterrows():
            rows.append(
                {
                    "name": _clean(row.get(name_col)) if name_col else "",
                    "doc": _clean(row.get("doc_id")),
                    "context": _clean(row.get("context")),
                    "reason": _clean(row.get("reason")),
                }
            )
        return rows
    if isinstance(unlocated, str):
        unlocated = [unlocated]
    return [{"name": _clean(name), "doc": "", "context": "", "reason": ""} for name in unlocated]


def _missing_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """Events that have no coordinates, for the side panel."""
    rows = []
    for _, row in frame.iterrows():
        rows.append(
            {
                "date": _clean(row.get("event_date")),
                "actor": _clean(row.get("actor1")),
                "type": _clean(row.get("event_type")),
                "location": _clean(row.get("location")),
                "notes": _clean(row.get("notes")),
                "doc": _clean(row.get("doc_id")),
            }
        )
    return rows


def _clean(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)
