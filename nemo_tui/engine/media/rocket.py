"""A rocket launch: a white rocket beside its tower on a pad; it lights its engine, lifts off and
climbs out of the frame over the clip, a flickering plume under it, leaving a trail of smoke that
spreads and drifts and a cloud of exhaust billowing out along the ground.

Its height is a function of t (steady acceleration from lift-off), so it climbs smoothly; where the
smoke is at a height depends on when the rocket passed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import put
from .shapes import fill_polygon
from .textures import F32, add_light, sample_1d, sample_2d, smoothstep

if TYPE_CHECKING:
    from .painter import ScenePainter

PARALLAX = 0.6
LENGTH, RADIUS = 0.15, 0.014  # frame heights
CLIMB = 0.7  # how far it climbs (frame heights) by the end of the clip, or of 8 s at most
FLAME = np.array([1.0, 0.75, 0.35], F32)
WIND = 0.012  # world units a second: the smoke drifts sideways


def launch(scene: ScenePainter) -> tuple[float, float, float, float]:
    """(x, pad height, lift-off time, acceleration): where it stands and how it climbs."""
    rng = np.random.default_rng([scene.fireworks_seed, 73])
    x = scene.aspect * float(rng.uniform(0.4, 0.6))
    lift_off = min(1.0, 0.2 * scene.duration)
    flight = max(min(scene.duration, 8.0) - lift_off, 0.5)
    return x, scene.horizon + 0.1, lift_off, 2 * CLIMB / flight**2


def paint_rocket(scene: ScenePainter, img: np.ndarray) -> None:
    h, t, light = scene.h, scene.t, scene.pal.light
    x, pad, lift_off, accel = launch(scene)
    flying = max(t - lift_off, 0.0)
    base = pad - 0.5 * accel * flying**2  # the rocket's tail, frame heights
    sx = (x - scene.pan * PARALLAX) * h
    steel = np.array([0.35, 0.36, 0.4], F32) * (0.25 + 0.75 * light)
    # The pad and the tower beside it (dark steel, with arms reaching to the rocket).
    fill_polygon(
        img,
        [
            (sx - 0.09 * h, pad * h),
            (sx + 0.09 * h, pad * h),
            (sx + 0.07 * h, (pad - 0.012) * h),
            (sx - 0.07 * h, (pad - 0.012) * h),
        ],
        steel * 0.8,
    )
    tower = sx + 0.035 * h
    fill_polygon(
        img,
        [
            (tower, pad * h),
            (tower + 0.014 * h, pad * h),
            (tower + 0.014 * h, (pad - 0.19) * h),
            (tower, (pad - 0.19) * h),
        ],
        steel,
    )
    for arm in (0.06, 0.13):
        fill_polygon(
            img,
            [
                (sx + RADIUS * h, (pad - arm) * h),
                (tower, (pad - arm) * h),
                (tower, (pad - arm - 0.006) * h),
                (sx + RADIUS * h, (pad - arm - 0.006) * h),
            ],
            steel,
        )
    _smoke(scene, img, x, pad, lift_off, accel)
    if t > lift_off - 0.6:  # the engine lights just before lift-off
        _flame(scene, img, sx, base * h, min(1.0, (t - lift_off + 0.6) / 0.6))
    _body(scene, img, sx, base * h)


def _body(scene: ScenePainter, img: np.ndarray, sx: float, tail: float) -> None:
    h, light = scene.h, scene.pal.light
    r, top = RADIUS * h, tail - LENGTH * h
    white = np.array([0.92, 0.92, 0.9], F32) * (0.3 + 0.7 * light)
    dark = np.array([0.15, 0.15, 0.18], F32) * (0.4 + 0.6 * light)
    nose = top - 2.6 * r
    fill_polygon(img, [(sx - r, tail), (sx + r, tail), (sx + r, top), (sx - r, top)], white)
    fill_polygon(img, [(sx - r, top), (sx + r, top), (sx, nose)], white)
    fill_polygon(
        img,
        [
            (sx - r, top + 0.1 * LENGTH * h),
            (sx + r, top + 0.1 * LENGTH * h),
            (sx + r, top + 0.16 * LENGTH * h),
            (sx - r, top + 0.16 * LENGTH * h),
        ],
        dark,
    )
    fill_polygon(
        img,
        [(sx - 0.3 * r, tail), (sx + 0.3 * r, tail), (sx + 0.3 * r, top), (sx - 0.3 * r, top)],
        white * 0.82,
    )  # shade
    for side in (-1.0, 1.0):  # fins
        fill_polygon(
            img,
            [(sx + side * r, tail), (sx + side * 2.2 * r, tail + 0.3 * r), (sx + side * r, tail - 3 * r)],
            dark,
        )
    fill_polygon(
        img,
        [
            (sx - 0.7 * r, tail),
            (sx + 0.7 * r, tail),
            (sx + 0.9 * r, tail + 0.6 * r),
            (sx - 0.9 * r, tail + 0.6 * r),
        ],
        dark,
    )


def _flame(scene: ScenePainter, img: np.ndarray, sx: float, tail: float, power: float) -> None:
    """The exhaust plume under the nozzle: a white-hot core in an orange flame, flickering."""
    h, t = scene.h, scene.t
    flicker = 0.85 + 0.3 * float(sample_1d(scene.ridge2, np.array([t * 120.0], F32))[0])
    long = (0.09 * flicker * power) * h
    r = RADIUS * h
    r0, r1 = max(int(tail), 0), min(int(tail + long + 4 * r), scene.h)
    c0, c1 = max(int(sx - 5 * r), 0), min(int(sx + 5 * r) + 1, scene.w)
    if r0 < r1 and c0 < c1:
        along = ((np.arange(r0, r1, dtype=F32) + 0.5 - tail) / max(long, 1.0))[:, None]
        across = (np.arange(c0, c1, dtype=F32) + 0.5 - sx)[None, :]
        width = r * (1.1 + 0.8 * along) * np.sqrt(np.clip(1 - along, 0, 1)) + 0.5
        body = smoothstep(1.0, 0.3, np.abs(across) / width) * ((along > -0.02) & (along < 1))
        region = np.ascontiguousarray(img[r0:r1, c0:c1])
        add_light(region, (body * 1.6).astype(F32), FLAME)
        add_light(
            region,
            (body * smoothstep(0.6, 0.0, along) * smoothstep(0.6, 0.0, np.abs(across) / width) * 1.5).astype(
                F32
            ),
            (1.0, 1.0, 0.9),
        )
        img[r0:r1, c0:c1] = region
    # The light of it on the sky and the land around (strongest in the dark).
    reach = 0.25 * h
    r0, r1 = max(int(tail - reach), 0), min(int(tail + reach), scene.h)
    c0, c1 = max(int(sx - reach), 0), min(int(sx + reach), scene.w)
    if r0 < r1 and c0 < c1:
        d2 = (
            (np.arange(r0, r1, dtype=F32)[:, None] + 0.5 - tail) ** 2
            + (np.arange(c0, c1, dtype=F32)[None, :] + 0.5 - sx) ** 2
        ) / (0.08 * h) ** 2
        region = np.ascontiguousarray(img[r0:r1, c0:c1])
        add_light(region, (np.exp(-d2) * power * flicker * (0.5 - 0.35 * scene.pal.light)).astype(F32), FLAME)
        img[r0:r1, c0:c1] = region


def _smoke(scene: ScenePainter, img: np.ndarray, x: float, pad: float, lift_off: float, accel: float) -> None:
    """The trail: at each height, smoke as old as the time since the rocket passed, wider and
    thinner the older it is, drifting in the wind; and the exhaust cloud rolling out along the pad."""
    t = scene.t
    flying = t - lift_off
    if flying <= 0:
        return
    top = max(pad - 0.5 * accel * flying**2, -0.1)
    Y = scene.Y()
    r0, r1 = int(np.searchsorted(Y, top)), int(np.searchsorted(Y, pad + 0.02))
    if r0 >= r1:
        return
    Yr = Y[r0:r1]
    passed = lift_off + np.sqrt(np.clip(2 * (pad - Yr) / accel, 0, None))  # when it was at that height
    age = np.clip(t - passed, 0, None)
    X = scene.X(PARALLAX)
    ground = smoothstep(pad - 0.06, pad, Yr) * min(1.0, flying / 2.0)  # the cloud at the pad
    width = 0.008 + 0.012 * age + ground * (0.05 + 0.09 * min(flying, 4.0) ** 0.7)
    centre = x + WIND * age
    billow = sample_2d(scene.clouds, Yr * 260 - age * 6, X * 260 - t * 3)
    dx = np.abs(X[None, :] - centre[:, None]) / width[:, None]
    density = smoothstep(1.0, 0.35, dx + 0.5 * (billow - 0.5)) * (np.exp(-age / 9.0) * 0.9)[:, None]
    # It starts just under the nozzle and ends softly on the ground.
    density *= (smoothstep(0.0, 0.02, Yr - top) * smoothstep(pad + 0.02, pad + 0.004, Yr))[:, None]
    grey = np.array([0.88, 0.87, 0.85], F32) * (0.35 + 0.65 * scene.pal.light)
    shade = (0.85 + 0.3 * billow)[..., None]
    put(img[r0:r1], grey * shade, np.clip(density, 0, 0.95))
