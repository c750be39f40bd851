"""Small anti-aliased shapes for drawn subjects (a hull, a sail, a tower): convex polygons in pixels."""

from __future__ import annotations

from collections.abc import Sequence

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
