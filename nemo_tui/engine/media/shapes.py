"""Small anti-aliased shapes for drawn subjects (a hull, a sail, a tower, a cat): signed distances
in pixels, turned into coverage at the edges."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise

import numpy as np

from .layers import coverage, put
from .textures import F32

Point = tuple[float, float]


def polygon_distance(px: np.ndarray, py: np.ndarray, points: Sequence[Point]) -> np.ndarray:
    """Signed distance (pixels, negative inside) from pixel centres to a convex polygon; exact
    along the edges, which is all anti-aliasing needs."""
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    d = np.full(np.broadcast_shapes(px.shape, py.shape), -np.inf, F32)
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        nx, ny = y1 - y0, x0 - x1
        length = float(np.hypot(nx, ny)) or 1.0
        nx, ny = nx / length, ny / length
        if (cx - x0) * nx + (cy - y0) * ny > 0:  # make the normal point outwards
            nx, ny = -nx, -ny
        d = np.maximum(d, (px - x0) * nx + (py - y0) * ny)
    return d


def segment_distance(px: np.ndarray, py: np.ndarray, a: Point, b: Point) -> np.ndarray:
    """Distance (pixels) from pixel centres to the segment a-b."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    u = np.clip(((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-6), 0, 1)
    ex, ey = px - ax - u * dx, py - ay - u * dy
    return np.sqrt(ex * ex + ey * ey)


def fill_polygon(img: np.ndarray, points: Sequence[Point], colour, opacity: float = 1.0) -> None:
    """Paint a convex polygon (frame pixel coordinates) over img, anti-aliased."""
    h, w = img.shape[:2]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    c0, c1 = max(int(min(xs)) - 1, 0), min(int(max(xs)) + 2, w)
    r0, r1 = max(int(min(ys)) - 1, 0), min(int(max(ys)) + 2, h)
    if c0 >= c1 or r0 >= r1:
        return
    px = (np.arange(c0, c1, dtype=F32) + 0.5)[None, :]
    py = (np.arange(r0, r1, dtype=F32) + 0.5)[:, None]
    alpha = coverage(-polygon_distance(px, py, points)) * opacity
    put(img[r0:r1, c0:c1], np.asarray(colour, F32), alpha)


def ellipse_distance(
    px: np.ndarray, py: np.ndarray, cx: float, cy: float, rx: float, ry: float, angle: float = 0.0
) -> np.ndarray:
    """Signed distance (pixels, negative inside) to an ellipse turned by `angle`: the implicit
    function over its gradient, exact enough near the edge for anti-aliasing."""
    c, s = np.cos(angle), np.sin(angle)
    dx, dy = px - cx, py - cy
    u, v = dx * c + dy * s, dy * c - dx * s
    f = (u / rx) ** 2 + (v / ry) ** 2 - 1
    grad = 2 * np.sqrt((u / (rx * rx)) ** 2 + (v / (ry * ry)) ** 2)
    return (f / np.maximum(grad, 1e-3)).astype(F32)


def box_distance(
    px: np.ndarray, py: np.ndarray, cx: float, cy: float, hw: float, hh: float, r: float = 0.0
) -> np.ndarray:
    """Signed distance (pixels) to an axis-aligned box of half-size hw x hh, corners rounded by r."""
    qx, qy = np.abs(px - cx) - (hw - r), np.abs(py - cy) - (hh - r)
    out = np.sqrt(np.maximum(qx, 0) ** 2 + np.maximum(qy, 0) ** 2)
    return (out + np.minimum(np.maximum(qx, qy), 0) - r).astype(F32)


def paint_distance(
    img: np.ndarray,
    box: tuple[float, float, float, float],
    distance: Callable[[np.ndarray, np.ndarray], np.ndarray],
    colour,
    opacity: float = 1.0,
) -> None:
    """Paint the shape whose signed distance (pixels) `distance(px, py)` gives, within `box`
    (x0, y0, x1, y1 in frame pixels), anti-aliased by how much of each pixel it covers."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = box
    c0, c1 = max(int(x0) - 1, 0), min(int(x1) + 2, w)
    r0, r1 = max(int(y0) - 1, 0), min(int(y1) + 2, h)
    if c0 >= c1 or r0 >= r1:
        return
    px = (np.arange(c0, c1, dtype=F32) + 0.5)[None, :]
    py = (np.arange(r0, r1, dtype=F32) + 0.5)[:, None]
    put(img[r0:r1, c0:c1], np.asarray(colour, F32), coverage(-distance(px, py)) * opacity)


Part = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _stroke(px: np.ndarray, py: np.ndarray, a: Point, b: Point, radius: float) -> np.ndarray:
    return segment_distance(px, py, a, b) - radius


class Figure:
    """A silhouette built from parts in its own units: u forward, v down, the origin on the ground
    under it, one unit `size` pixels; `facing` -1 mirrors it. Parts join as the nearest one."""

    def __init__(self, x: float, y: float, size: float, facing: float = 1.0):
        self.x, self.y, self.s, self.f = x, y, size, facing
        self.parts: list[Part] = []

    def at(self, u: float, v: float) -> Point:
        return self.x + self.f * u * self.s, self.y + v * self.s

    def blob(self, u: float, v: float, ru: float, rv: float, angle: float = 0.0) -> None:
        cx, cy, s, a = *self.at(u, v), self.s, angle * self.f
        self.parts.append(lambda px, py: ellipse_distance(px, py, cx, cy, ru * s, rv * s, a))

    def limb(self, *points: Point, r: float) -> None:
        """A stroke of radius r through the points (a leg, a tail), with round ends."""
        pts, radius = [self.at(u, v) for u, v in points], r * self.s
        for a, b in pairwise(pts):
            self.parts.append(partial(_stroke, a=a, b=b, radius=radius))

    def box(self, u: float, v: float, hu: float, hv: float, r: float) -> None:
        """A box of half-size hu x hv round (u, v), its corners rounded by r."""
        cx, cy, s = *self.at(u, v), self.s
        self.parts.append(lambda px, py: box_distance(px, py, cx, cy, hu * s, hv * s, r * s))

    def poly(self, *points: Point) -> None:
        """A convex polygon through the points."""
        pts = [self.at(u, v) for u, v in points]
        self.parts.append(lambda px, py: polygon_distance(px, py, pts))

    def paint(self, img: np.ndarray, colour, reach: tuple[float, float, float, float]) -> None:
        """Fill the union of the parts; `reach` (back, up, front, down) bounds it, in units."""
        back, up, front, down = reach
        xs = (self.x - back * self.s * self.f, self.x + front * self.s * self.f)
        box = (min(xs), self.y - up * self.s, max(xs), self.y + down * self.s)

        def distance(px: np.ndarray, py: np.ndarray) -> np.ndarray:
            d = self.parts[0](px, py)
            for part in self.parts[1:]:
                d = np.minimum(d, part(px, py))
            return d

        paint_distance(img, box, distance, colour)
