"""Layers that only move sideways: painted once, scrolled smoothly.

The sky, each band of land (far mountains, a row of trees, the near buildings…), the clouds and the
fog are each painted once, in world coordinates, into a strip a little wider than the frame, with
anti-aliased edges. Every frame shifts a strip by the camera's pan times the layer's parallax (plus
its own drift: clouds and fog move in the wind) by fractions of a pixel, interpolating between two
columns, and lays it over what is behind. A frame depends on t alone: a strip depends only on the
scene and, for city lights, on which windows are lit (`epoch`).

Strips keep premultiplied colour and the light let through as whole rows of floats, so a frame's
work is a few long, contiguous numpy operations per layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .textures import F32

MARGIN = 8  # spare columns each side of a strip, for the sway of trees
SWAY_ROWS = 4


@dataclass
class Strip:
    colour: np.ndarray  # (rows, columns, 3): premultiplied colour
    through: np.ndarray | None  # (rows, columns, 3): 1 - coverage; None for an opaque layer
    r0: int  # the frame row of the strip's first row
    x_start: float  # world x of the left edge of column 0


def put(region: np.ndarray, body: np.ndarray, alpha: np.ndarray) -> None:
    """Paint `body` (rgb, broadcast to region) over region (rgb, or premultiplied rgba) with
    coverage `alpha` (one value per pixel, 0..1)."""
    a = alpha[..., None].astype(F32)
    region[..., :3] += (body - region[..., :3]) * a
    if region.shape[-1] == 4:
        region[..., 3:] += (1 - region[..., 3:]) * a


def coverage(distance_px: np.ndarray) -> np.ndarray:
    """How much of a pixel lies inside an edge, from the signed distance of its centre (pixels)."""
    return np.clip(distance_px + 0.5, 0.0, 1.0)


def edge_coverage(below: np.ndarray, top: np.ndarray, h: int) -> np.ndarray:
    """Coverage of the region under a height line `top` (one value per column, world units), from
    `below` = y - top: the vertical distance over the line's slope gives the true distance."""
    slope = np.gradient(top * h) if top.shape[0] > 1 else np.zeros_like(top)
    return coverage(below * h / np.sqrt(1 + slope * slope)[None, :])


class LayerMixin:
    h: int
    w: int
    t: float
    pan: float
    duration: float
    strip_xs: np.ndarray | None
    _strips: dict[str, tuple[int, Strip | None]]

    if TYPE_CHECKING:  # provided by ScenePainter

        def pan_at(self, t: float) -> float: ...

    def share_layers(self, other: LayerMixin) -> None:
        """Use the layers `other` paints (a painter of the same scene in another thread); a layer
        painted twice at once by both is the same layer, so no lock is needed."""
        self._strips = other._strips

    def _offset(self, parallax: float, drift: float, t: float) -> float:
        return self.pan_at(t) * parallax + drift * t

    def _strip(
        self,
        key: str,
        parallax: float,
        drift: float,
        paint: Callable[[np.ndarray], None],
        epoch: int,
        opaque: bool,
    ) -> Strip | None:
        cached = self._strips.get(key)
        if cached is not None and cached[0] == epoch:
            return cached[1]
        lo, hi = sorted((self._offset(parallax, drift, 0.0), self._offset(parallax, drift, self.duration)))
        x_start = lo - MARGIN / self.h
        cols = self.w + int(np.ceil((hi - lo) * self.h)) + 2 * MARGIN + 2
        self.strip_xs = (x_start + (np.arange(cols, dtype=np.float64) + 0.5) / self.h).astype(F32)
        try:
            canvas = np.zeros((self.h, cols, 3 if opaque else 4), F32)
            paint(canvas)
        finally:
            self.strip_xs = None
        if opaque:
            strip: Strip | None = Strip(canvas, None, 0, x_start)
        else:
            rows = np.flatnonzero(canvas[..., 3].max(axis=1) > 0)
            strip = None
            if rows.size:
                kept = canvas[rows[0] : rows[-1] + 1]
                through = np.repeat(1 - kept[..., 3:], 3, axis=-1)
                strip = Strip(np.ascontiguousarray(kept[..., :3]), through, int(rows[0]), x_start)
        self._strips[key] = (epoch, strip)
        return strip

    def scroll(
        self,
        img: np.ndarray,
        key: str,
        parallax: float,
        paint: Callable[[np.ndarray], None],
        *,
        drift: float = 0.0,
        epoch: int = 0,
        sway: Callable[[np.ndarray], np.ndarray] | None = None,
        opaque: bool = False,
    ) -> None:
        """Lay the layer `key` over img where the camera now sees it. `sway(rows)` gives an extra
        shift in pixels for each frame row (trees bending in the wind)."""
        strip = self._strip(key, parallax, drift, paint, epoch, opaque)
        if strip is None:
            return
        n = strip.colour.shape[0]
        shift = (self._offset(parallax, drift, self.t) - strip.x_start) * self.h
        region = img[strip.r0 : strip.r0 + n]
        if sway is None:
            _lay(region, strip, slice(None), shift, self.w)
            return
        extra = np.clip(sway(np.arange(strip.r0, strip.r0 + n)), 1 - MARGIN, MARGIN - 1)
        # Each row has its own shift; neighbouring rows differ by hundredths of a pixel, so a few
        # rows at a time share one.
        for r in range(0, n, SWAY_ROWS):
            rows = slice(r, min(r + SWAY_ROWS, n))
            _lay(region[rows], strip, rows, shift + float(extra[rows].mean()), self.w)


def _lay(region: np.ndarray, strip: Strip, rows: slice, shift: float, w: int) -> None:
    i = int(np.floor(shift))
    f = F32(shift - i)
    colour = _shifted(strip.colour[rows], i, f, w)
    if strip.through is None:
        region[:] = colour
        return
    region *= _shifted(strip.through[rows], i, f, w)
    region += colour


def _shifted(a: np.ndarray, i: int, f: np.float32, w: int) -> np.ndarray:
    """Columns i + f .. i + f + w of a, interpolated linearly."""
    left = a[:, i : i + w]
    out = a[:, i + 1 : i + 1 + w] - left
    out *= f
    out += left
    return out
