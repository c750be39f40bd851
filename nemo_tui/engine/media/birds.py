"""Birds: a loose flock of dark silhouettes gliding across the sky and beating their wings.

Each bird is two wings drawn as thick, anti-aliased strokes (shoulder to elbow to tip) whose tips rise
and fall with the wingbeat; the flock crosses the frame, bobbing, at its own parallax.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import coverage, put
from .shapes import segment_distance
from .textures import F32

if TYPE_CHECKING:
    from .painter import ScenePainter


def bird_params(rng: np.random.Generator) -> np.ndarray:
    """(x, height, speed, phase, size) for up to 12 birds, drawn whether or not they fly."""
    return rng.uniform(0, 1, (5, 12)).astype(F32)


def paint_birds(scene: ScenePainter, img: np.ndarray, count: int) -> None:
    x0, y0, speed, phase, size = scene.birds[:, :count]
    t, h = scene.t, scene.h
    span = scene.aspect + 0.6
    heading = -scene.pan_dir  # against the camera's travel: they cross the frame sooner
    centre = scene.aspect * (0.25 + 0.5 * float(x0[0]))  # the flock starts in view
    x = centre + (x0 - 0.5) * 0.3 + heading * (0.035 + 0.012 * speed) * t
    x = (x + 0.3) % span - 0.3
    y = scene.horizon * (0.25 + 0.35 * y0) + 0.006 * np.sin(0.8 * t + phase * 6.3)
    sx, sy = scene.to_screen(x, y, 0.45)
    half = (0.012 + 0.01 * size) * h  # half the wingspan, in pixels
    colour = np.array(scene.pal.tree, F32) * 0.6 + 0.02
    for k in range(count):
        s = float(half[k])
        r0, r1 = int(sy[k] - s), int(sy[k] + s) + 2
        c0, c1 = int(sx[k] - 1.3 * s) - 1, int(sx[k] + 1.3 * s) + 2
        if r1 <= 0 or c1 <= 0 or r0 >= scene.h or c0 >= scene.w:
            continue
        r0, c0 = max(r0, 0), max(c0, 0)
        r1, c1 = min(r1, scene.h), min(c1, scene.w)
        py = (np.arange(r0, r1, dtype=F32) + 0.5 - sy[k])[:, None]
        px = (np.arange(c0, c1, dtype=F32) + 0.5 - sx[k])[None, :]
        flap = float(np.sin(t * (7.0 + 3 * speed[k]) + phase[k] * 40))  # about a beat a second
        d = np.full((r1 - r0, c1 - c0), np.inf, F32)
        for side in (-1.0, 1.0):
            elbow = (side * 0.5 * s, -0.2 * s - 0.25 * s * flap)
            tip = (side * s, -0.05 * s - 0.6 * s * flap)
            d = np.minimum(d, segment_distance(px, py, (0.0, 0.0), elbow))
            d = np.minimum(d, segment_distance(px, py, elbow, tip))
        thickness = max(0.55, 0.07 * s)
        put(img[r0:r1, c0:c1], colour, coverage(thickness - d))
