"""Mountains: sharp, far peaks (snow-capped or not) and the rounded hills nearer, each painted once
into a layer and scrolled (layers.py).

Shading is smooth everywhere: it follows a blurred outline, so neither the rocky detail of a ridge
nor the crease where two hills meet runs down the slope as a line, column by column; where two far
peaks meet, the light of one face blends into the other's over a seam that widens down the valley."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import edge_coverage, put
from .textures import F32, blur_columns, mix, sample_1d, sample_2d

if TYPE_CHECKING:
    from .landscape import LandscapeMixin


def _face_shade(
    scene: LandscapeMixin, i: np.ndarray, dx: np.ndarray, Yb: np.ndarray, base: float, amp: float
) -> np.ndarray:
    """Far peak i's faces (one peak per column): the face towards the sun lit, the other in shade,
    strongest near its summit; the split runs diagonally down from the summit, like a real ridge."""
    peak = scene.peaks[0][1]
    summit = (base - peak[i] * amp)[None, :]
    toward = 1 if scene.sun_x > scene.aspect / 2 else -1
    lean = np.where(i % 2 == 0, 0.5, -0.5).astype(F32)
    facing = np.tanh((dx[None, :] + lean * (Yb[:, None] - summit)) * 120.0) * toward
    return 1.0 + 0.3 * facing * np.exp(-np.maximum(Yb[:, None] - summit, 0) / 0.09)


def paint_mountains(scene: LandscapeMixin, img: np.ndarray, far: bool) -> None:
    p, h = scene.pal, scene.h
    X, Y = scene.X(0.3 if far else 0.55), scene.Y()
    base = scene.horizon + (0.005 if far else 0.1)
    amp = 0.3 if far else 0.17
    pos, peak, left, right = scene.peaks[0 if far else 1]
    dx = X[None, :] - pos[:, None]
    slope = np.where(dx < 0, left[:, None], right[:, None])
    if far:  # sharp peaks far away, rounded hills nearer
        profile = peak[:, None] * amp - np.abs(dx) * slope * amp
    else:
        profile = peak[:, None] * amp * np.exp(-((dx * slope) ** 2) * 2.5)
    cols = np.arange(X.shape[0])
    order = np.argsort(profile, axis=0)
    which, other = order[-1], order[-2]
    smooth_height = profile[which, cols]
    off = scene.ridge_offset + (0 if far else 900)
    height = smooth_height + amp * (
        0.05 * sample_1d(scene.ridge, X * 900 + off) + 0.025 * sample_1d(scene.ridge2, X * 2600 + off)
    )
    top = base - np.maximum(height, 0.01)
    r0 = int(np.searchsorted(Y, top.min()))
    r1 = int(np.searchsorted(Y, base + 0.01)) if far else h
    if r0 >= r1:
        return
    Yb = Y[r0:r1]
    # Depth and light follow a blurred outline, not the rocky one.
    soft = base - blur_columns(smooth_height, 0.02 * h)
    below = Yb[:, None] - soft[None, :]
    if far:
        shade = _face_shade(scene, which, dx[which, cols], Yb, base, amp)
        second = _face_shade(scene, other, dx[other, cols], Yb, base, amp)
        # Where two peaks meet, blend their faces over a seam a pixel or two wide at the ridge,
        # widening down the valley (the profiles part at about 1.4 units per unit across).
        gap = (profile[which, cols] - profile[other, cols])[None, :]
        width = 1.4 * (1.5 / h + 0.3 * np.maximum(Yb[:, None] - top[None, :], 0))
        shade += (second - shade) / (1 + np.exp(np.minimum(gap / width, 60)))
    else:  # rounded hills: light follows the smooth slope, only near the crest
        toward = 1 if scene.sun_x > scene.aspect / 2 else -1
        slope = np.tanh(np.gradient(soft) * h * 1.5 * toward)
        shade = 1.0 + 0.18 * slope[None, :] * np.exp(-np.maximum(below, 0) / 0.035)
    rock = sample_2d(scene.detail, Yb * 250, X * 250)
    colour = np.array(p.mountain, F32) * (1.15 if far else 0.8)
    if not far:
        colour = colour * 0.5 + np.array(p.ground, F32) * 0.5
        # Patches of heather and scree nearer, windblown ridges of snow on a snowfield.
        patches = sample_2d(scene.wisp, Yb * 150 + 300, X * 55 + 40)
        rock = 1.6 * rock + 1.2 * (patches - 0.5) - 0.3
    depth = np.clip(below / 0.3, 0, 1)
    body = colour * (shade * (0.9 + 0.2 * rock) * (1 - 0.25 * depth))[..., None]
    snowfield = not far and scene.spec.has("snow", "aurora")  # auroras shine over snowy land
    if snowfield:  # nearby hills under snow are white all over, shaded by their slopes
        colour = np.array([0.86, 0.9, 1.0], F32) * (0.12 + 0.8 * p.light)
        body = colour * (shade * (0.95 + 0.1 * rock) * (1 - 0.15 * depth))[..., None]
    elif far and scene.spec.has("snowcaps"):
        line = base - amp * 0.5 + 0.025 * sample_1d(scene.ridge2, X * 1500 + off)
        capped = edge_coverage(line[None, :] - Yb[:, None], line, h)
        snow = np.array([0.92, 0.94, 1.0], F32) * (0.3 + 0.7 * p.light) * (0.75 + 0.25 * shade)[..., None]
        body = mix(body, snow, capped)
    haze = np.array(p.sky[-1][1], F32)
    body = mix(body, haze, (0.4 if far else 0.1) + 0.3 * depth * (1 if far else 0.3))
    put(img[r0:r1], body, edge_coverage(Yb[:, None] - top[None, :], top, h))
