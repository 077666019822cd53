"""The map's data as it travels inside the HTML page: compressed, script-safe, deterministic.

:func:`geomap.render.map.map_payload` gives a dict of JSON-ready values. The
bulky part of it (the per-event columns and the basemap's polygons) is
packed here: serialised as JSON, gzip-compressed and base64-encoded into one
string per part, which the browser decodes with the built-in
``DecompressionStream`` (no library; ``static/geomap.js``, function
``unpackPart``). The rest (title, actors, event types, the panels' lists)
stays plain JSON, readable in the page source. Real notes compress about four times, so a map of 100,000
ACLED-like events is about a third of its unpacked size.

Packing is deterministic (gzip without a timestamp), so the same events give
the same file; :func:`unpack` gives back exactly what was packed.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["PACKED_PARTS", "pack", "payload_from_html", "unpack"]

PACKED_PARTS = (
    ("core", ("lat", "lon", "actor", "actor2", "sub", "day", "tprec", "fat", "wounded", "precision",
              "basemap.boundaries", "basemap.cities")),
    ("text", ("text", "strings", "marks")),
)
"""Keys of the payload that travel compressed (``a.b`` is key ``b`` of ``payload["a"]``),
in two parts: geomap.js draws the markers, filters and timeline as soon as
``core`` is open, and opens ``text`` (notes and the other strings of the
popups and the list, with the offsets of the place mentions in the notes:
most of the bytes) just after. The online tile servers stay in plain sight,
so a reader of the page source sees every server it may contact."""

COMPRESS_LEVEL = 6  # level 9 saves 1% at three times the time on 40 MB of notes

_BLOB = re.compile(r'<script type="application/json" id="[^"]+">(.*?)</script>', re.DOTALL)


def pack(payload: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``payload`` whose bulky keys are one base64 gzip string under ``"packed"``.

    Parameters
    ----------
    payload : dict
        A :func:`~geomap.render.map.map_payload` result (not modified).

    Returns
    -------
    dict
        The other keys unchanged, plus ``packed``: ``{part: base64 string}``
        for each part of :data:`PACKED_PARTS` that has a key present.
    """
    light = dict(payload)
    light["packed"] = {}
    for part, paths in PACKED_PARTS:
        bulky = {}
        for path in paths:
            parent, _, key = path.rpartition(".")
            holder = light
            if parent:
                if not isinstance(light.get(parent), dict) or key not in light[parent]:
                    continue
                holder = light[parent] = dict(light[parent])  # a copy: the caller's payload is left as it was
            if key in holder:
                bulky[path] = holder.pop(key)
        if bulky:
            light["packed"][part] = base64.b64encode(gzip_json(bulky)).decode("ascii")
    return light


_LIST_PIECE = 20_000  # items of a long list serialised at a time
_PIECES_AHEAD = 4  # pieces written but not yet compressed, at most


def gzip_json(value: Any) -> bytes:
    """``value`` as compact JSON, gzip-compressed (no timestamp), written piece by piece.

    The bytes inflate to exactly ``json.dumps(value, ensure_ascii=False,
    separators=(",", ":"), allow_nan=False)``, but the whole JSON text is
    never held in memory: a million notes would otherwise be held three
    times over (the Python list, the JSON text, its UTF-8 bytes).
    """
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, 31)  # 31: the gzip container, mtime 0
    out: list[bytes] = []
    pending: deque[Future[bytes]] = deque()
    # zlib lets go of the interpreter lock: one thread compresses, in order, while this one writes JSON.
    with ThreadPoolExecutor(max_workers=1) as compressing:
        for piece in _json_pieces(value):
            pending.append(compressing.submit(compressor.compress, piece.encode("utf-8")))
            while len(pending) > _PIECES_AHEAD:
                out.append(pending.popleft().result())
        out.extend(f.result() for f in pending)
    out.append(compressor.flush())
    return b"".join(out)


def _json_pieces(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        yield "{"
        for k, (key, item) in enumerate(value.items()):
            yield ("," if k else "") + _dumps(str(key)) + ":"
            yield from _json_pieces(item)
        yield "}"
    elif (isinstance(value, list) and len(value) > _LIST_PIECE) or _is_column(value):
        # a pandas column (a text column of the map) becomes Python strings a piece at a time
        yield "["
        for start in range(0, len(value), _LIST_PIECE):
            piece = value[start:start + _LIST_PIECE]
            yield ("," if start else "") + _dumps(piece if isinstance(piece, list) else piece.tolist())[1:-1]
        yield "]"
    else:
        yield _dumps(value)


def _is_column(value: Any) -> bool:
    return not isinstance(value, (list, dict, str)) and hasattr(value, "tolist") and hasattr(value, "dtype")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def unpack(packed: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`pack`: the payload with its bulky keys restored.

    A payload that was never packed is returned as it is.
    """
    if "packed" not in packed:
        return dict(packed)
    out = {key: value for key, value in packed.items() if key != "packed"}
    for blob in packed["packed"].values():
        for path, value in json.loads(gzip.decompress(base64.b64decode(blob)).decode("utf-8")).items():
            parent, _, key = path.rpartition(".")
            holder = out
            if parent:
                holder = out[parent] = dict(out[parent])
            holder[key] = value
    return out


def payload_from_html(html: str) -> dict[str, Any]:
    """The full payload of a map page written by :func:`geomap.render.save_map` (unpacked).

    Raises
    ------
    ValueError
        If the page holds no geomap payload, or more than one.
    """
    found = _BLOB.findall(html)
    if len(found) != 1:
        raise ValueError(f"expected one geomap payload in the page, found {len(found)}")
    return unpack(json.loads(found[0]))
