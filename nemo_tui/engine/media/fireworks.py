"""Fireworks: every second or so a shell climbs, bursts into a sphere of sparks that spread, fall
and fade. Each burst is seeded by its number, so a frame depends on t alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .textures import F32, splat

if TYPE_CHECKING:
    from .painter import ScenePainter

PERIOD = 1.1  # seconds between launches
LIFE = 2.6  # seconds from launch to the last spark
CLIMB = 0.7  # seconds a shell climbs before it bursts
COLOURS = np.array(
    [
        [1.0, 0.35, 0.3],
        [1.0, 0.8, 0.3],
        [0.4, 0.8, 1.0],
        [0.6, 1.0, 0.45],
        [1.0, 0.45, 0.9],
        [1.0, 0.95, 0.85],
    ],
    F32,
)


def paint_fireworks(scene: ScenePainter, img: np.ndarray, seed: int) -> None:
    t = scene.t
    first = int(np.floor((t - LIFE) / PERIOD))
    for n in range(max(first, -1), int(np.floor(t / PERIOD)) + 1):
        age = t - n * PERIOD
        if not 0 <= age < LIFE:
            continue
        rng = np.random.default_rng([seed, n + 7])
        x = scene.aspect * float(rng.uniform(0.15, 0.85))
        y = scene.horizon * float(rng.uniform(0.2, 0.5))
        colour = COLOURS[int(rng.integers(len(COLOURS)))]
        directions = rng.normal(size=(2, 70)).astype(F32)
        speed = rng.uniform(0.7, 1.0, 70).astype(F32)
        if age < CLIMB:  # the shell climbing, a spark with a short trail
            u = age / CLIMB
            for trail in range(4):
                yy = scene.horizon + (y - scene.horizon) * (1 - (1 - max(u - trail * 0.03, 0)) ** 2)
                sx, sy = scene.to_screen(np.array([x], F32), np.array([yy], F32), 0.3)
                splat(img, sx, sy, (1.0, 0.85, 0.6), np.array([0.9 - 0.2 * trail], F32), radius=1)
            continue
        s = age - CLIMB
        norm = np.sqrt((directions**2).sum(axis=0)) + 1e-6
        fade = max(0.0, 1 - s / (LIFE - CLIMB)) ** 1.5
        for back in (0.0, 0.04, 0.08):  # short trails behind each spark
            r = 0.16 * (1 - np.exp(-2.2 * max(s - back, 0))) * speed
            qx = x + directions[0] / norm * r
            qy = y + directions[1] / norm * r + 0.03 * max(s - back, 0) ** 2
            sx, sy = scene.to_screen(qx, qy, 0.3)
            splat(img, sx, sy, colour, np.full(70, fade * (1.3 - 4 * back), F32), radius=1)
        if s < 0.25:  # the flash of the burst
            sx, sy = scene.to_screen(np.array([x], F32), np.array([y], F32), 0.3)
            splat(img, sx, sy, colour * 0.5 + 0.5, np.array([3 * (1 - s / 0.25)], F32), radius=2)
