"""A campfire: flames from layered noise, warm light on everything near, embers rising."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import edge_coverage, put
from .shapes import fill_polygon
from .textures import F32, mix, sample_1d, sample_2d, smoothstep, splat

if TYPE_CHECKING:
    from .landscape import LandscapeMixin


def paint_fire(scene: LandscapeMixin, img: np.ndarray) -> None:
    t = scene.t
    X, Y = scene.X(1.0), scene.Y()
    fx, fy, fw, fh = scene.aspect / 2, 0.9, 0.09, 0.3
    # Firelight wavers a few times a second, smoothly from frame to frame (not a flicker).
    flicker = 0.8 + 0.25 * sample_1d(scene.ridge2, np.array([t * 24.0], F32))[0]
    paint_smoke(scene, img, fx, fy - 0.12)
    # Warm light spills on everything around the fire (a Gaussian: one column times one row).
    across = np.exp(-((X - fx) ** 2) / 0.05).astype(F32)
    down = (np.exp(-((Y - fy + 0.1) ** 2) / 0.05) * 0.55 * flicker).astype(F32)
    img += down[:, None, None] * (across[:, None] * np.array([1.0, 0.45, 0.12], F32))[None]
    rows = (fy - fh * 1.3 < Y) & (fy + 0.05 > Y)
    cols = np.abs(X - fx) < fw * 1.6
    if not rows.any() or not cols.any():
        return
    r0, r1 = np.flatnonzero(rows)[[0, -1]]
    c0, c1 = np.flatnonzero(cols)[[0, -1]]
    Ys, Xs = Y[r0 : r1 + 1], X[c0 : c1 + 1]
    lx = ((Xs - fx) / fw)[None, :]
    ly = ((fy - Ys) / fh)[:, None]
    noise = sample_2d(scene.detail, Ys * 300 + t * 160, Xs * 300)
    noise2 = sample_2d(scene.clouds, Ys * 500 + t * 230, Xs * 500 + 50)
    sway = 0.18 * np.sin(ly * 5 - t * 6.5) * ly
    width = np.clip(1 - ly, 0, 1) ** 0.6 * (0.75 + 0.5 * noise)
    heat = np.clip(1 - np.abs(lx + sway) / (width + 1e-3), 0, 1)
    heat *= np.clip(1.15 - ly * (0.9 + 0.5 * noise2) * flicker, 0, 1) * (ly > -0.05)
    heat = np.clip(heat**0.8 * 1.5, 0, 1)
    stops = np.array([0, 0.2, 0.45, 0.7, 0.9, 1.0], F32)
    palette = np.array(
        [
            [0, 0, 0],
            [0.5, 0.05, 0.0],
            [0.95, 0.3, 0.02],
            [1.0, 0.6, 0.1],
            [1.0, 0.88, 0.45],
            [1.0, 0.98, 0.85],
        ],
        F32,
    )
    flame = np.stack([np.interp(heat, stops, palette[:, k]) for k in range(3)], -1).astype(F32)
    # Two logs crossed under the flames (anti-aliased), lit from above by the fire.
    cx, cy = scene.to_screen(np.array([fx], F32), np.array([fy + 0.012], F32), 1.0)
    half, thick = 1.25 * fw * scene.h, 0.013 * scene.h
    for tilt, tone in ((0.22, 0.8), (-0.22, 1.0)):
        ux, uy = np.cos(tilt) * half, np.sin(tilt) * half
        nx, ny = -np.sin(tilt) * thick, np.cos(tilt) * thick
        x0, y0 = float(cx[0]), float(cy[0])
        corners = [(x0 - ux - nx, y0 - uy - ny), (x0 + ux - nx, y0 + uy - ny), (x0 + ux + nx, y0 + uy + ny)]
        fill_polygon(img, [*corners, (x0 - ux + nx, y0 - uy + ny)], np.array([0.2, 0.1, 0.05], F32) * tone)
    img[r0 : r1 + 1, c0 : c1 + 1] += flame
    ex, ey, es, ew = scene.embers
    life = (ey + t * (0.25 + 0.3 * es)) % 1.0
    px, py = scene.to_screen(
        fx + (ex - 0.5) * fw * 1.5 + 0.04 * np.sin(t * 3 + ew * 6) * life,
        fy - 0.05 - life * fh * 1.8,
        1.0,
    )
    splat(img, px, py, (1.0, 0.55, 0.15), ((1 - life) * 0.9).astype(F32), radius=1)


def paint_smoke(scene: LandscapeMixin, img: np.ndarray, fx: float, fy: float) -> None:
    """A plume of smoke rising from the fire, leaning away in the breeze and spreading as it rises;
    the puffs in it climb with time."""
    t = scene.t
    X, Y = scene.X(1.0), scene.Y()
    r0, r1 = int(np.searchsorted(Y, fy - 0.62)), int(np.searchsorted(Y, fy))
    c0, c1 = np.searchsorted(X, [fx - 0.2, fx + 0.45])
    if r0 >= r1 or c0 >= c1:
        return
    Ys, Xs = Y[r0:r1], X[c0:c1]
    rise = np.clip((fy - Ys) / 0.6, 0, 1)[:, None]  # 0 at the flames, 1 at the plume's top
    centre = fx + 0.22 * rise**1.6 + 0.015 * np.sin(2.0 * t + rise * 5)
    width = 0.018 + 0.11 * rise
    plume = np.exp(-(((Xs[None, :] - centre) / width) ** 2))
    puffs = sample_2d(scene.wisp, Ys * 70 + t * 9.0, Xs * 60 - t * 3.0)
    alpha = plume * smoothstep(0.25, 0.65, puffs) * smoothstep(0.0, 0.12, rise) * (1 - rise) * 0.7
    grey = np.array([0.8, 0.8, 0.85], F32) * (0.28 + 0.3 * scene.pal.light)
    glow = np.exp(-rise / 0.2) * 0.8  # lit by the flames from below
    colour = grey + (np.array([0.95, 0.5, 0.22], F32) - grey) * glow[..., None]
    region = img[r0:r1, c0:c1]
    region += (colour - region) * alpha[..., None]


def paint_beach(scene: LandscapeMixin, img: np.ndarray) -> None:
    """The sand in the foreground of a campfire by the sea, darker where the waves wet it."""
    p = scene.pal
    X, Y = scene.X(1.0), scene.Y()
    shore = 0.8 + 0.018 * np.sin(X * 2.6 + 1.0) + 0.007 * np.sin(X * 8.3 + 0.4)
    r0 = int(np.searchsorted(Y, shore.min() - 2 / scene.h))
    below = Y[r0:, None] - shore[None, :]
    sand = np.array([0.86, 0.7, 0.5], F32) * (0.15 + 0.75 * p.light)
    grain = sample_2d(scene.detail, Y[r0:] * 400, X * 400)
    # Ripples the wind left in the dry sand, in patches.
    wavy = (X * 240 + 3.0 * sample_1d(scene.ridge2, X * 90 + 1200))[None, :]
    patch = smoothstep(0.3, 0.7, sample_2d(scene.wisp, Y[r0:] * 40, X * 30 + 500))
    ripples = np.sin(Y[r0:, None] * 520 + wavy) * patch * smoothstep(0.03, 0.08, below)
    body = sand * (0.9 + 0.15 * grain + 0.07 * ripples - 0.1 * np.clip(below / 0.2, 0, 1))[..., None]
    body = mix(body, sand * 0.6, smoothstep(0.025, 0.0, below))  # wet sand along the water
    put(img[r0:], body, edge_coverage(below, shore, scene.h))
