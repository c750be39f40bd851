"""Sailing boats on the sea: a hull, a mast and two sails, rocking on the swell and drifting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .shapes import fill_polygon
from .textures import F32

if TYPE_CHECKING:
    from .landscape import LandscapeMixin


def paint_boats(scene: LandscapeMixin, img: np.ndarray) -> None:
    x0, depth, phase, _ = scene.boats
    t, h = scene.t, scene.h
    dark = scene.spec.time_of_day in ("night", "dusk", "sunset") or scene.overcast
    hull_col = np.array(scene.pal.tree, F32) * 0.8 + (0.02 if dark else 0.12)
    sail_col = (
        hull_col * 1.6 + 0.04 if dark else np.array([0.95, 0.94, 0.9], F32) * (0.5 + 0.5 * scene.pal.light)
    )
    # Far boats first: each is smaller and higher up the frame the further off it is.
    for k in np.argsort(depth):
        v = 0.035 + 0.12 * float(depth[k])  # below the horizon, in frame heights
        size = v * 0.9 * h  # the hull's length, pixels
        x = scene.aspect * (0.2 + 0.6 * float(x0[k])) + 0.006 * t * (1 if phase[k] > 0.5 else -1)
        bob = 0.12 * size * np.sin(1.3 * t + 6.3 * float(phase[k]))
        sx, sy = (x - scene.pan * 0.7) * h, (scene.horizon + v) * h + bob
        roll = 0.06 * np.sin(1.1 * t + 4.0 * float(phase[k]))  # radians

        def at(
            dx: float, dy: float, sx: float = sx, sy: float = sy, roll: float = roll
        ) -> tuple[float, float]:
            return sx + dx * np.cos(roll) - dy * np.sin(roll), sy + dx * np.sin(roll) + dy * np.cos(roll)

        s = size
        fill_polygon(
            img,
            [at(-0.5 * s, -0.12 * s), at(0.5 * s, -0.12 * s), at(0.36 * s, 0.06 * s), at(-0.4 * s, 0.06 * s)],
            hull_col,
        )
        fill_polygon(
            img, [at(0.03 * s, -0.14 * s), at(0.03 * s, -1.0 * s), at(0.42 * s, -0.16 * s)], sail_col
        )
        fill_polygon(
            img,
            [at(-0.03 * s, -0.18 * s), at(-0.03 * s, -0.85 * s), at(-0.38 * s, -0.18 * s)],
            sail_col * 0.92,
        )
        fill_polygon(
            img,
            [
                at(-0.012 * s, -0.12 * s),
                at(0.012 * s, -0.12 * s),
                at(0.012 * s, -1.05 * s),
                at(-0.012 * s, -1.05 * s),
            ],
            hull_col,
        )
