"""Cars: traffic in two lanes along a road at the foot of the frame (the city's street, or a road
laid across the land), one lane each way. Each car is a side view: a rounded body, a cabin with
windows, dark wheels; after dark its headlights shine on the road ahead and its tail lights glow red.

The cars in a lane keep their spacing (one speed a lane) and glide at sub-pixel positions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import coverage, put
from .shapes import Figure
from .textures import F32, add_light, splat

if TYPE_CHECKING:
    from .painter import ScenePainter

PER_LANE = 3
ROAD_TOP = 0.87  # the road's far edge, where there is no city street
PAINTS = np.array(
    [
        [0.62, 0.08, 0.06],
        [0.1, 0.22, 0.52],
        [0.86, 0.86, 0.84],
        [0.55, 0.57, 0.6],
        [0.9, 0.68, 0.1],
        [0.1, 0.1, 0.11],
    ],
    F32,
)
HEADLIGHT = np.array([1.0, 0.93, 0.75], F32)
TAIL_LIGHT = np.array([1.0, 0.1, 0.06], F32)


def _lanes(scene: ScenePainter) -> tuple[tuple[float, float, float], ...]:
    """(wheels' ground line, car length, heading) for the far lane and the near one."""
    if scene.spec.has("city"):
        return (0.958, 0.1, -1.0), (0.992, 0.125, 1.0)
    return (0.925, 0.12, -1.0), (0.985, 0.15, 1.0)


def paint_road(scene: ScenePainter, img: np.ndarray) -> None:
    """Asphalt with a kerb along its far edge and a dashed line down the middle."""
    h, light = scene.h, scene.pal.light
    r0 = int(ROAD_TOP * h) - 1
    Y = scene.Y()[r0:]
    asphalt = np.array([0.2, 0.2, 0.22], F32) * (0.25 + 0.6 * light)
    put(img[r0:], asphalt, np.broadcast_to(coverage((Y - ROAD_TOP) * h)[:, None], (len(Y), scene.w)))
    kerb = coverage(0.004 * h - np.abs(Y - ROAD_TOP - 0.004) * h)
    put(
        img[r0:],
        np.array([0.6, 0.6, 0.58], F32) * (0.25 + 0.7 * light),
        np.broadcast_to(kerb[:, None], (len(Y), scene.w)),
    )
    period = 0.12
    along = (scene.X(1.0) / period) % 1.0
    dash = coverage(np.minimum(along, 0.5 - along) * period * h)
    across = coverage(0.0035 * h - np.abs(Y - 0.952) * h)
    put(img[r0:], np.array([0.9, 0.88, 0.8], F32) * (0.3 + 0.6 * light), across[:, None] * dash[None, :])


def paint_cars(scene: ScenePainter, img: np.ndarray) -> None:
    if not scene.spec.has("city"):
        paint_road(scene, img)
    rng = np.random.default_rng([scene.fireworks_seed, 59])
    night = scene.spec.time_of_day in ("night", "dusk") or scene.overcast
    t, h, light = scene.t, scene.h, scene.pal.light
    glass = np.array(scene.pal.sky[-1][1], F32) * 0.5 + 0.05
    for lane, (ground, length, heading) in enumerate(_lanes(scene)):
        speed = (0.16 + 0.06 * lane) * float(rng.uniform(0.85, 1.15))  # world units a second
        span = scene.aspect + 0.6
        jitter = rng.uniform(-0.2, 0.2, PER_LANE)
        paints = rng.integers(len(PAINTS), size=PER_LANE)
        for k in range(PER_LANE):
            x = (span * (k + jitter[k]) / PER_LANE + heading * speed * t) % span - 0.3
            sx, sy = (x - scene.pan) * h, ground * h
            s = length * h
            if sx + s < 0 or sx - s > scene.w:
                continue
            paint = PAINTS[paints[k]] * (0.2 + 0.8 * light) * (0.45 if night else 1.0)
            car = Figure(sx, sy, s, heading)
            car.box(0.0, -0.19, 0.5, 0.1, 0.06)
            car.poly((-0.32, -0.27), (0.2, -0.27), (0.07, -0.44), (-0.24, -0.44))
            car.paint(img, paint, (0.55, 0.5, 0.55, 0.02))
            windows = Figure(sx, sy, s, heading)
            windows.poly((-0.28, -0.29), (-0.07, -0.29), (-0.07, -0.41), (-0.21, -0.41))
            windows.poly((-0.03, -0.29), (0.16, -0.29), (0.05, -0.41), (-0.03, -0.41))
            windows.paint(img, glass * (0.5 if night else 1.0), (0.35, 0.45, 0.25, 0.0))
            wheels = Figure(sx, sy, s, heading)
            for u in (-0.3, 0.3):
                wheels.blob(u, -0.09, 0.09, 0.09)
            wheels.paint(img, np.array([0.04, 0.04, 0.045], F32), (0.45, 0.2, 0.45, 0.01))
            front, back = sx + heading * 0.49 * s, sx - heading * 0.49 * s
            lamp_y = np.array([sy - 0.21 * s], F32)
            lit = 1.6 if night else 0.25
            splat(img, np.array([front], F32), lamp_y, HEADLIGHT, np.array([lit], F32), radius=2)
            splat(img, np.array([back], F32), lamp_y, TAIL_LIGHT, np.array([lit * 0.7], F32), radius=2)
            if night:
                _beam(img, front, sy - 0.02 * s, s, heading)


def _beam(img: np.ndarray, x: float, y: float, s: float, heading: float) -> None:
    """Headlights on the road ahead: a cone of light from the front, widening and fading."""
    rows, cols = img.shape[:2]
    r0, r1 = max(int(y - 0.12 * s), 0), min(int(y + 0.12 * s) + 1, rows)
    c0, c1 = sorted((int(x), int(x + heading * 1.6 * s)))
    c0, c1 = max(c0, 0), min(c1 + 1, cols)
    if r0 >= r1 or c0 >= c1:
        return
    ahead = np.maximum((np.arange(c0, c1, dtype=F32) + 0.5 - x) * heading, 0)[None, :]
    dy = (np.arange(r0, r1, dtype=F32) + 0.5 - y)[:, None]
    spread = 0.015 * s + 0.06 * ahead
    amount = np.exp(-((dy / spread) ** 2)) * np.exp(-ahead / (0.6 * s)) * np.clip(ahead / (0.1 * s), 0, 1)
    region = np.ascontiguousarray(img[r0:r1, c0:c1])
    add_light(region, (amount * 0.45).astype(F32), HEADLIGHT)
    img[r0:r1, c0:c1] = region
