"""Lightning: every few seconds a jagged bolt forks down from the clouds and the sky flashes. Each
strike is seeded by its number, so a frame depends on t alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import coverage, put
from .shapes import segment_distance
from .textures import F32, add_light

if TYPE_CHECKING:
    from .painter import ScenePainter

PERIOD = 3.0  # seconds between strikes, on average
FLASH = 0.4  # how long one lasts, flickering
BOLT = np.array([0.9, 0.93, 1.0], F32)


def _path(rng: np.random.Generator, x: float, y0: float, y1: float, steps: int) -> list[tuple[float, float]]:
    ys = np.linspace(y0, y1, steps + 1)
    xs = x + np.concatenate([[0.0], np.cumsum(rng.normal(0, 0.018, steps))])
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def paint_lightning(scene: ScenePainter, img: np.ndarray, seed: int) -> None:
    t, h = scene.t, scene.h
    n = int(t // PERIOD)
    rng = np.random.default_rng([seed, n])
    age = t - (n * PERIOD + float(rng.uniform(0.1, PERIOD - FLASH - 0.1)))
    x = scene.aspect * float(rng.uniform(0.15, 0.85))
    main = _path(rng, x, 0.03, scene.horizon + 0.01, 16)
    fork_at = int(rng.integers(4, 10))
    fork = _path(rng, main[fork_at][0], main[fork_at][1], main[fork_at][1] + 0.22, 7)
    if not 0 <= age < FLASH:
        return
    strength = (1 - age / FLASH) * (0.55 + 0.45 * np.cos(age * 55))  # a stroke, then re-strokes
    # The whole sky lights up, most where the bolt is.
    rows = int(np.searchsorted(scene.ys, scene.horizon))
    if rows > 0:
        near = np.exp(-(((scene.xs - (x - scene.pan * 0.3)) / 0.5) ** 2)).astype(F32)
        add_light(img[:rows], np.broadcast_to(near * (0.12 + 0.18 * strength), (rows, scene.w)), BOLT * 0.8)
    for path, width in ((main, 1.3), (fork, 0.8)):
        pts = [scene.to_screen(np.array([px], F32), np.array([py], F32), 0.3) for px, py in path]
        sx = [float(p[0][0]) for p in pts]
        sy = [float(p[1][0]) for p in pts]
        c0, c1 = max(int(min(sx)) - 8, 0), min(int(max(sx)) + 9, scene.w)
        r0, r1 = max(int(min(sy)) - 2, 0), min(int(max(sy)) + 3, scene.h)
        if c0 >= c1 or r0 >= r1:
            continue
        gx = (np.arange(c0, c1, dtype=F32) + 0.5)[None, :]
        gy = (np.arange(r0, r1, dtype=F32) + 0.5)[:, None]
        d = np.full((r1 - r0, c1 - c0), np.inf, F32)
        for k in range(len(pts) - 1):
            d = np.minimum(d, segment_distance(gx, gy, (sx[k], sy[k]), (sx[k + 1], sy[k + 1])))
        region = np.ascontiguousarray(img[r0:r1, c0:c1])
        add_light(region, (np.exp(-((d / (0.012 * h)) ** 2)) * 0.6 * strength).astype(F32), BOLT)
        put(region, BOLT, coverage(width * max(1.0, h / 540) - d) * min(1.0, 1.5 * strength))
        img[r0:r1, c0:c1] = region
