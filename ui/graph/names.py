"""Where each customer's name goes on the graph, so every name drawn can be read.

A name goes under its node where that is free, else beside it (right, left),
above, or at a corner: the first place where it covers no other customer's
disc and no name already placed. Names are placed most valuable first (the
chosen customer before all). Where a crowd of discs touching discs left no
free place at all, a few names go over the rims of neighbours (never over a
disc's middle), well apart from each other, on an opaque backing. Any other
name is left out, and shows when the person points at or chooses that
customer (`forced`: placed where it covers least, on an opaque backing).

Plain geometry on lists of numbers, no Qt: the picture of a big graph is made
off the GUI thread, and the tests check the rectangles themselves."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Where to try, in order of preference, as (dx, dy) of the name's rectangle
# relative to the node: names under nodes read most naturally in a network
# drawing; beside them next; above last (it reads as belonging to the node
# above). Corners help where a node has neighbours straight below and beside.
_BELOW, _RIGHT, _LEFT, _ABOVE, _BELOW_RIGHT, _BELOW_LEFT, _ABOVE_RIGHT, _ABOVE_LEFT = range(8)
SPOTS = (_BELOW, _RIGHT, _LEFT, _ABOVE, _BELOW_RIGHT, _BELOW_LEFT, _ABOVE_RIGHT, _ABOVE_LEFT)
QUICK_SPOTS = SPOTS[:4]  # an exported file's tens of thousands of names: half the work
CORNER = 0.75  # a corner spot starts this far out along each axis, in radii (0.75·√2 > 1: clear of the disc)


@dataclass(frozen=True)
class Placed:
    """One name and the rectangle it was drawn in (scene units)."""
    node: int
    left: float
    top: float
    width: float
    height: float
    forced: bool = False  # placed over something (a rim, or forced): drawn on an opaque backing

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return self.left, self.top, self.width, self.height


def spot(kind: int, x: float, y: float, r: float, width: float, height: float, gap: float) -> tuple[float, float]:
    """The top-left corner of a name `width` × `height` at spot `kind` of a disc at (x, y), radius r."""
    if kind == _BELOW:
        return x - width / 2, y + r + gap
    if kind == _RIGHT:
        return x + r + 2 * gap, y - height / 2
    if kind == _LEFT:
        return x - r - 2 * gap - width, y - height / 2
    if kind == _ABOVE:
        return x - width / 2, y - r - gap - height
    c = CORNER * r + gap
    if kind == _BELOW_RIGHT:
        return x + c, y + c
    if kind == _BELOW_LEFT:
        return x - c - width, y + c
    if kind == _ABOVE_RIGHT:
        return x + c, y - c - height
    return x - c - width, y - c - height


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Two rectangles (left, top, width, height) share some area (touching edges do not)."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _hits_disc(left, top, width, height, cx, cy, r) -> bool:
    nearest_x = min(max(cx, left), left + width)
    nearest_y = min(max(cy, top), top + height)
    return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < r * r


class NamePlacer:
    """Places names one by one over the discs of `obstacles` (node indices),
    each new name clear of those discs and of the names placed before it.
    Two grids of square cells a few names tall find what is near a rectangle
    without looking at everything in view."""

    def __init__(self, xs, ys, radius, obstacles, line: float, known=None):
        self.xs, self.ys, self.radius = xs, ys, radius
        # (left, top, right, bottom): where every disc is among the obstacles; a name
        # reaching past it could cover a disc not known here, so it is not placed there.
        self.known = known
        self.line = line
        self.gap = max(1.0, line * 0.12)
        self.margin = line * 0.3  # between two names
        self.cell = max(line * 2.0, 1e-6)
        self.discs: dict[tuple[int, int], list[int]] = {}
        self.names: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
        self.placed: list[Placed] = []
        cell = self.cell
        discs = self.discs
        for j in obstacles:
            x, y, r = xs[j], ys[j], radius[j]
            for cx in range(math.floor((x - r) / cell), math.floor((x + r) / cell) + 1):
                for cy in range(math.floor((y - r) / cell), math.floor((y + r) / cell) + 1):
                    members = discs.get((cx, cy))
                    if members is None:
                        discs[(cx, cy)] = [j]
                    else:
                        members.append(j)

    def _cells(self, left, top, width, height):
        cell = self.cell
        return [(cx, cy) for cx in range(math.floor(left / cell), math.floor((left + width) / cell) + 1)
                for cy in range(math.floor(top / cell), math.floor((top + height) / cell) + 1)]

    def cost(self, own: int, rect) -> int:
        """How many discs (other than `own`) and placed names `rect` covers; 0 is free.
        Names count more than discs: a name over a name is two unreadable names."""
        left, top, width, height = rect
        xs, ys, radius = self.xs, self.ys, self.radius
        seen_discs: set[int] = set()
        seen_names: set[tuple] = set()
        total = 0
        for key in self._cells(left, top, width, height):
            for j in self.discs.get(key, ()):
                if j != own and j not in seen_discs:
                    seen_discs.add(j)
                    if _hits_disc(left, top, width, height, xs[j], ys[j], radius[j] + self.gap):
                        total += 1
            for other in self.names.get(key, ()):
                if other not in seen_names:
                    seen_names.add(other)
                    if overlaps(rect, other):
                        total += 3
        return total

    def is_free(self, own: int, rect) -> bool:
        # The hot loop of a picture with names (hundreds of names, up to eight spots each): inlined.
        left, top, width, height = rect
        right, bottom = left + width, top + height
        if not self._known(left, top, right, bottom):
            return False
        xs, ys, radius, gap, cell = self.xs, self.ys, self.radius, self.gap, self.cell
        discs, names = self.discs, self.names
        rows = range(math.floor(top / cell), math.floor(bottom / cell) + 1)
        for cx in range(math.floor(left / cell), math.floor(right / cell) + 1):
            for cy in rows:
                key = (cx, cy)
                for j in discs.get(key, ()):
                    if j != own:
                        x, y, r = xs[j], ys[j], radius[j] + gap
                        dx = x - (left if x < left else right if x > right else x)
                        dy = y - (top if y < top else bottom if y > bottom else y)
                        if dx * dx + dy * dy < r * r:
                            return False
                for other in names.get(key, ()):
                    if left < other[0] + other[2] and other[0] < right and top < other[1] + other[3] \
                            and other[1] < bottom:
                        return False
        return True

    def _known(self, left, top, right, bottom) -> bool:
        known = self.known
        return known is None or (known[0] <= left and known[1] <= top and right <= known[2] and bottom <= known[3])

    def take(self, placed: Placed) -> None:
        # Kept clear with a margin: two names edge to edge read as one name on two lines.
        m = self.margin
        rect = (placed.left - m, placed.top - m, placed.width + 2 * m, placed.height + 2 * m)
        for key in self._cells(*rect):
            self.names.setdefault(key, []).append(rect)
        self.placed.append(placed)

    def place(self, i: int, width: float, *, forced: bool = False, spots=SPOTS) -> Placed | None:
        """Put node i's name (this wide, a line tall) at its first free spot; when
        there is none, nowhere (None) — or, `forced`, where it covers least."""
        x, y, r, height, gap = self.xs[i], self.ys[i], self.radius[i], self.line, self.gap
        best, best_cost = None, math.inf
        for kind in spots:
            left, top = spot(kind, x, y, r, width, height, gap)
            rect = (left, top, width, height)
            if self.is_free(i, rect):
                placed = Placed(i, left, top, width, height)
                self.take(placed)
                return placed
            if forced:
                cost = self.cost(i, rect)
                if cost < best_cost:
                    best, best_cost = rect, cost
        if not forced:
            return None
        placed = Placed(i, *best, forced=True)
        self.take(placed)
        return placed


    def is_clear(self, own: int, rect) -> bool:
        """`rect` leaves the middle of every other disc in sight and is well apart
        from every name placed (a crowd's names: sparse, each on an opaque backing)."""
        # No middle inside it: seen at 1366 × 768 on the 50,000-customer journal, any
        # margin around the middles left the crowd's whole core without a single name.
        left, top, width, height = rect
        right, bottom = left + width, top + height
        if not self._known(left, top, right, bottom):
            return False
        xs, ys, cell, discs, names = self.xs, self.ys, self.cell, self.discs, self.names
        spacing = self.line * 1.5
        a_left, a_top, a_right, a_bottom = left - spacing, top - spacing / 2, right + spacing, bottom + spacing / 2
        floor = math.floor
        for cx in range(floor(a_left / cell), floor(a_right / cell) + 1):
            for cy in range(floor(a_top / cell), floor(a_bottom / cell) + 1):
                key = (cx, cy)
                for other in names.get(key, ()):
                    if a_left < other[0] + other[2] and other[0] < a_right and a_top < other[1] + other[3] \
                            and other[1] < a_bottom:
                        return False
        for cx in range(floor(left / cell), floor(right / cell) + 1):
            for cy in range(floor(top / cell), floor(bottom / cell) + 1):
                for j in discs.get((cx, cy), ()):
                    if j != own and left < xs[j] < right and top < ys[j] < bottom:
                        return False
        return True

    def place_over(self, i: int, width: float) -> Placed | None:
        """Where node i's name had no free spot (a crowd: discs touching discs), a
        spot over the rims of its neighbours that hides none of their middles,
        well apart from other names, on an opaque backing; or nowhere."""
        x, y, r, height, gap = self.xs[i], self.ys[i], self.radius[i], self.line, self.gap
        for kind in SPOTS:
            left, top = spot(kind, x, y, r, width, height, gap)
            if self.is_clear(i, (left, top, width, height)):
                placed = Placed(i, left, top, width, height, forced=True)
                self.take(placed)
                return placed
        return None


def place_names(xs, ys, radius, order, widths, line, obstacles, *, forced=(), before=(), known=None,
                quick=False) -> list[Placed]:
    """Names for the nodes in `order` (most wanted first), each `widths[i]` wide
    and `line` tall, clear of the discs of `obstacles` and of each other; the
    rectangles in `before` (names drawn already) are kept clear too. Nodes in
    `forced` are always named. Then, where a crowd left whole areas without a
    name, some over the rims of discs (NamePlacer.place_over). known: (left, top,
    right, bottom), where all the discs are among `obstacles`; no name but a forced
    one reaches past it. quick: four spots to try, not eight, and none over rims
    (an exported file: every customer's name is a candidate, tens of thousands)."""
    placer = NamePlacer(xs, ys, radius, obstacles, line, known)
    for rect in before:
        for key in placer._cells(*rect):
            placer.names.setdefault(key, []).append(rect)
    spots = QUICK_SPOTS if quick else SPOTS
    left_out = [i for i in order if placer.place(i, widths[i], forced=i in forced, spots=spots) is None]
    for i in () if quick else left_out:
        placer.place_over(i, widths[i])
    return placer.placed
