"""A waterfall: water pours over the lip of a rock cliff, streaked white and falling faster as it
drops, into a pool of foam at the foot, where mist rises and drifts.

The streaks are noise stretched down the fall and scrolled with t through a square root (water
accelerates), so they move smoothly and speed up on the way down; the cliff's edges are anti-aliased.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import coverage, edge_coverage, put
from .textures import F32, mix, sample_1d, sample_2d, smoothstep

if TYPE_CHECKING:
    from .landscape import LandscapeMixin

PARALLAX = 0.55
HALF_WIDTH = 0.3  # the cliff's flat top either side of the falls, frame heights


def falls(scene: LandscapeMixin) -> tuple[float, float, float]:
    """(x, lip, foot): where the water falls from and to (world units)."""
    return scene.aspect * 0.5, scene.horizon - 0.24, scene.horizon + 0.12


def paint_waterfall(scene: LandscapeMixin, img: np.ndarray) -> None:
    p, t, h = scene.pal, scene.t, scene.h
    cx, lip, foot = falls(scene)
    X, Y = scene.X(PARALLAX), scene.Y()
    c0, c1 = np.searchsorted(X, [cx - HALF_WIDTH - 0.4, cx + HALF_WIDTH + 0.4])
    if c0 >= c1:
        return
    X = X[c0:c1]
    dx = X - cx
    # The cliff: a flat top notched where the water runs, falling away steeply at the sides.
    top = (
        lip
        - 0.05 * smoothstep(0.05, 0.16, np.abs(dx))
        + 1.4 * np.clip(np.abs(dx) - HALF_WIDTH, 0, None)
        + 0.012 * sample_1d(scene.ridge2, X * 900 + 300)
    )
    r0, r1 = int(np.searchsorted(Y, top.min() - 2 / h)), int(np.searchsorted(Y, foot + 0.08))
    Yb = Y[r0:r1]
    region = img[r0:r1, c0:c1]
    below = Yb[:, None] - top[None, :]
    strata = sample_2d(scene.detail, Yb * 90, X * 700)
    rock = np.array(p.mountain, F32) * 0.55 + np.array(p.ground, F32) * 0.25
    wet = smoothstep(0.14, 0.04, np.abs(dx))[None, :]  # darker beside the falls
    body = rock * (0.8 + 0.35 * strata - 0.25 * wet)[..., None]
    body = mix(body, np.array(p.tree, F32), smoothstep(0.02, 0.0, below) * 0.8)  # moss along the top
    put(region, body, edge_coverage(below, top, h) * smoothstep(foot + 0.06, foot + 0.02, Yb)[:, None])
    # The water: a sheet widening as it falls, white streaks racing down it.
    drop = np.clip(Yb - lip + 0.004, 0, None)
    half = 0.045 + 0.025 * drop / (foot - lip)
    sheet = coverage((half[:, None] - np.abs(dx)[None, :]) * h) * coverage((Yb[:, None] - lip + 0.006) * h)
    sheet *= smoothstep(foot + 0.03, foot, Yb)[:, None]
    flow = 260 * np.sqrt(drop + 0.002) - 55 * t
    streaks = sample_2d(scene.detail, flow, X * 520) * 0.6 + 0.4 * sample_2d(
        scene.clouds, flow * 1.7 + 40, X * 900
    )
    foam = np.array([0.86, 0.92, 0.97], F32) * (0.3 + 0.7 * p.light)
    deep = np.array(p.sea_near, F32) * 0.6 + foam * 0.35
    water = mix(deep[None, None, :] * np.ones_like(sheet)[..., None], foam, smoothstep(0.35, 0.7, streaks))
    put(region, water, sheet * (0.8 + 0.2 * streaks))
    # Foam churning in the pool at the foot, and mist rising off it, drifting sideways.
    up = (Yb - foot)[:, None] / 0.05
    across = dx[None, :] / 0.16
    churn = sample_2d(scene.clouds, Yb * 300 + t * 25, X * 300 - t * 9)
    pool = np.exp(-(across**2) - (((Yb - foot)[:, None] / 0.018) ** 2)) * (0.55 + 0.6 * churn)
    put(region, foam, np.clip(pool, 0, 0.9))
    haze = sample_2d(scene.detail, Yb * 120 + t * 14, X * 110 + t * 4)
    mist = np.exp(-((across / 1.3) ** 2) - np.clip(-up, 0, None) ** 2 / 4 - np.clip(up, 0, None) ** 2) * (
        0.3 + 0.5 * haze
    )
    put(region, foam * 0.95 + 0.03, np.clip(mist * 0.75, 0, 0.7))
