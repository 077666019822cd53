"""Label placement for the print map: greedy, most important first, never overlapping.

Each label is tried at a few positions around its point (right of a town's
dot, then left, above, below, then the same further out; on an area's label
point, centred) and kept at
the first where its box overlaps no label already placed and nothing the
map asked it to keep clear of (the scale bar, the north arrow). A label that
fits nowhere is left out. This is the usual greedy method of cartographic
label placement; it needs no extra library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Label", "place_labels"]

# (dx, dy) in points and the text alignment, tried in this order for a label beside a dot:
# right, left, above, below, then the same a little further out (past marks drawn on the place).
_AROUND_DOT = tuple(
    position
    for gap in (3.5, 9.0, 15.0)
    for position in (((gap, 0.0), "left", "center"), ((-gap, 0.0), "right", "center"),
                     ((0.0, gap - 0.5), "center", "bottom"), ((0.0, 0.5 - gap), "center", "top"))
)
_CENTRED = (((0.0, 0.0), "center", "center"),)
PAD_PT = 1.5  # clear space kept around each label


@dataclass
class Label:
    """One name to place.

    Attributes
    ----------
    text : str
        The name as drawn.
    x, y : float
        Its point, in data coordinates.
    beside_dot : bool
        True for a town marked by a dot (the name goes beside it); False for
        an area's name, centred on its point.
    style : dict
        Keyword arguments for :meth:`matplotlib.axes.Axes.annotate` (size, colour...).
    """

    text: str
    x: float
    y: float
    beside_dot: bool = True
    style: dict[str, Any] = field(default_factory=dict)


def place_labels(ax: Any, labels: Sequence[Label], renderer: Any,
                 keep_clear: Iterable[Any] = ()) -> list[tuple[Label, Any]]:
    """Draw the labels that fit, in the given order; return them with their text artists.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map; limits and figure size must be final (boxes are measured on the page).
    labels : sequence of Label
        Most important first.
    renderer : matplotlib renderer
        For measuring text (``fig.canvas.get_renderer()``).
    keep_clear : iterable of matplotlib.transforms.Bbox
        Page areas no label may cover.

    Returns
    -------
    list of (Label, matplotlib.text.Annotation)
        The labels placed; a town left out should not get its dot either.
    """
    from matplotlib.transforms import Bbox

    pad = PAD_PT * ax.figure.dpi / 72  # boxes are in pixels
    frame = ax.get_window_extent(renderer)
    taken = [box.padded(pad) for box in keep_clear]
    placed = []
    for label in labels:
        for offset, ha, va in _AROUND_DOT if label.beside_dot else _CENTRED:
            text = ax.annotate(label.text, (label.x, label.y), xytext=offset, textcoords="offset points",
                               ha=ha, va=va, annotation_clip=True, **label.style)
            box = text.get_window_extent(renderer).padded(pad)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                if label.beside_dot:  # the dot itself stays clear too
                    px, py = ax.transData.transform((label.x, label.y))
                    taken.append(Bbox.from_extents(px - 2 * pad, py - 2 * pad, px + 2 * pad, py + 2 * pad))
                placed.append((label, text))
                break
            text.remove()
    return placed
