"""Where the print map puts each event's mark: rings for stacked events, cells for dense maps.

Pure geometry on page coordinates (points, 1/72 inch), so it is the same at
any map scale and easy to test:

* :func:`stack_rings`: events at one spot are set on a small ring around it,
  one of each actor first, so that no actor's mark hides another's; a spot
  with more events than the ring holds gets a count badge.
* :func:`hex_cells`: above a few thousand events, dots become a mass; the
  events are summed in a hexagonal grid instead, per actor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Cells", "Rings", "hex_cells", "stack_rings"]

RING_CAPACITY = 12
"""Most marks set on one ring; a spot with more events shows this many and a count badge."""
STACK_TOLERANCE_PT = 1.5
"""Marks whose centres are this close on the page are one stack, and so is a mark whose
centre lies under a larger mark (it would be hidden)."""


@dataclass
class Rings:
    """Offsets for the marks of stacked events.

    Attributes
    ----------
    dx, dy : numpy.ndarray
        Offset of each event's mark from its true place, in points.
    shown : numpy.ndarray
        False for the events of a full ring that only the badge counts.
    centres : list of (x, y, count, radius)
        Each stack: its place (points), its number of events and its ring's radius.
    """

    dx: np.ndarray
    dy: np.ndarray
    shown: np.ndarray
    centres: list[tuple[float, float, int, float]]


def stack_rings(x: np.ndarray, y: np.ndarray, radius: np.ndarray, actor: np.ndarray,
                tolerance: float = STACK_TOLERANCE_PT, capacity: int = RING_CAPACITY) -> Rings:
    """Set the marks of events that share a spot on a ring around it.

    Parameters
    ----------
    x, y : numpy.ndarray
        Mark centres in points.
    radius : numpy.ndarray
        Mark radii in points.
    actor : numpy.ndarray
        Actor code of each event; actors with lower codes (the more frequent)
        come first on a ring, one mark per actor before any actor's second.
    tolerance, capacity : float, int
        See :data:`STACK_TOLERANCE_PT` and :data:`RING_CAPACITY`.

    Returns
    -------
    Rings
    """
    n = len(x)
    dx, dy, shown = np.zeros(n), np.zeros(n), np.ones(n, dtype=bool)
    centres: list[tuple[float, float, int, float]] = []
    for seed, members in _stacks(x, y, radius, tolerance):
        members = _ring_order(members, actor, radius)
        on_ring, rest = members[:capacity], members[capacity:]
        shown[rest] = False
        gaps = 2 * radius[on_ring] + 1.0
        # Big enough that neighbours on the ring do not touch: the chord between two marks
        # (2 R sin(pi/k)) must exceed their width; a triangle or star reaches ~15% past its radius.
        widest = 1.15 * 2 * float(radius[on_ring].max()) + 1.0
        ring = max(widest / (2 * math.sin(math.pi / len(on_ring))), 1.15 * gaps.sum() / (2 * math.pi))
        angles = math.pi / 2 - 2 * math.pi * (np.cumsum(gaps) - gaps / 2) / gaps.sum()
        # Each mark moves from its own place to its spot on the ring around the stack's centre.
        dx[on_ring] = x[seed] - x[on_ring] + ring * np.cos(angles)
        dy[on_ring] = y[seed] - y[on_ring] + ring * np.sin(angles)
        centres.append((float(x[seed]), float(y[seed]), len(members), ring))
    return Rings(dx, dy, shown, centres)


def _stacks(x: np.ndarray, y: np.ndarray, radius: np.ndarray, tolerance: float) -> list[tuple[int, np.ndarray]]:
    """Groups of two or more marks that would hide one another: (the largest mark, all members).

    Leader clustering, largest mark first: a mark joins the first larger mark
    whose radius (or ``tolerance``) reaches its centre, so a group never
    spreads wider than its leader's mark.
    """
    free = np.ones(len(x), dtype=bool)
    groups = []
    for seed in np.argsort(-radius, kind="stable"):
        if not free[seed]:
            continue
        reach = max(tolerance, float(radius[seed]))
        near = free & ((x - x[seed]) ** 2 + (y - y[seed]) ** 2 <= reach**2)
        free[near] = False
        if near.sum() > 1:
            groups.append((int(seed), np.flatnonzero(near)))
    return groups


def _ring_order(members: np.ndarray, actor: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """One event of each actor (most frequent actor first), then the rest, larger marks first."""
    ranked = members[np.lexsort((-radius[members], actor[members]))]
    seen: set[int] = set()
    first, later = [], []
    for i in ranked:
        (later if actor[i] in seen else first).append(i)
        seen.add(int(actor[i]))
    later.sort(key=lambda i: (-radius[i], actor[i]))
    return np.array(first + later, dtype=int)


@dataclass
class Cells:
    """Events summed in a hexagonal grid.

    Attributes
    ----------
    x, y : numpy.ndarray
        Cell centres in points.
    total : numpy.ndarray
        Events in each cell.
    shares : numpy.ndarray
        ``(cells, actors)``: events of each actor in each cell.
    size : float
        Distance between neighbouring cell centres, in points.
    """

    x: np.ndarray
    y: np.ndarray
    total: np.ndarray
    shares: np.ndarray
    size: float


def hex_cells(x: np.ndarray, y: np.ndarray, actor: np.ndarray, actors: int, size: float) -> Cells:
    """Sum events in a grid of regular hexagons (each point goes to the nearest centre).

    The centres form two rectangular lattices offset by half a step (as in
    :meth:`matplotlib.axes.Axes.hexbin`), whose nearest-centre cells are
    regular hexagons when the vertical step is √3 times the horizontal one.

    Parameters
    ----------
    x, y : numpy.ndarray
        Event positions in points.
    actor : numpy.ndarray
        Actor code of each event, ``0 <= code < actors``.
    actors : int
        Number of actor codes.
    size : float
        Horizontal distance between cell centres, in points.

    Returns
    -------
    Cells
    """
    if not len(x):
        return Cells(np.zeros(0), np.zeros(0), np.zeros(0, dtype=int), np.zeros((0, actors), dtype=int), size)
    sx, sy = size, size * math.sqrt(3)
    u, v = x / sx, y / sy
    i1, j1 = np.round(u), np.round(v)
    i2, j2 = np.floor(u), np.floor(v)
    near_first = (u - i1) ** 2 + 3 * (v - j1) ** 2 < (u - i2 - 0.5) ** 2 + 3 * (v - j2 - 0.5) ** 2
    cx = np.where(near_first, i1, i2 + 0.5) * sx
    cy = np.where(near_first, j1, j2 + 0.5) * sy
    keys = np.stack([np.round(cx * 2 / sx), np.round(cy * 2 / sy)], axis=1).astype(np.int64)
    cell_keys, cell = np.unique(keys, axis=0, return_inverse=True)
    cell = cell.ravel()
    shares = np.zeros((len(cell_keys), actors), dtype=np.int64)
    np.add.at(shares, (cell, actor.astype(np.int64)), 1)
    return Cells(cell_keys[:, 0] * sx / 2, cell_keys[:, 1] * sy / 2, shares.sum(axis=1), shares, size)
