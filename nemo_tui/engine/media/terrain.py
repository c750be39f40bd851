"""Desert dunes, the ground, rows of trees that sway in the wind, and the city's traffic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import coverage, edge_coverage, put
from .textures import F32, blur_columns, mix, sample_1d, sample_2d, smoothstep, splat

if TYPE_CHECKING:
    from .palettes import Palette
    from .vocabulary import SceneSpec

DUNES = ((0.0, 0.04, 3.0), (0.12, 0.08, 1.8), (0.28, 0.1, 1.2))  # (below the horizon, height, frequency)
# Rows of trees: (base below the horizon, or None for the frame's foot; height; haze).
TREE_ROWS = ((0.01, 0.08, 0.5), (0.13, 0.16, 0.25), (None, 0.4, 0.0))
GRASS = 0.14  # how tall the grass at the foot of the frame grows
STREET = 0.92  # where the city's buildings stand; the street runs below


class TerrainMixin:
    spec: SceneSpec
    pal: Palette
    h: int
    w: int
    aspect: float
    horizon: float
    t: float
    pan: float
    sun_x: float
    trees: list[np.ndarray]
    cars: np.ndarray
    detail: np.ndarray
    ridge: np.ndarray
    ridge2: np.ndarray

    if TYPE_CHECKING:

        def X(self, parallax: float) -> np.ndarray: ...
        def Y(self) -> np.ndarray: ...

    def paint_dune(self, img: np.ndarray, k: int) -> None:
        p = self.pal
        sand = np.array([0.93, 0.68, 0.4], F32) * (0.3 + 0.7 * p.light)
        if self.spec.time_of_day in ("sunset", "dawn"):
            sand = sand * np.array([1.05, 0.8, 0.65], F32)
        below_horizon, amp, freq = DUNES[k]
        base = self.horizon + below_horizon
        X, Y = self.X(0), self.Y()
        top = base - amp * (
            0.6 * np.sin(X * freq * 6.28 / 2 + k * 2.1) + 0.4 * np.sin(X * freq * 6.28 / 0.9 + k)
        )
        slope = blur_columns(np.gradient(top) * self.h, 0.015 * self.h)
        # A soft limit: a hard clip creased the light where the slope reached it, a line down the sand.
        side = 0.7 + 0.4 * np.tanh((slope * 2.5 * (1 if self.sun_x > self.aspect / 2 else -1) - 0.1) / 0.4)
        r0 = int(np.searchsorted(Y, top.min() - 2 / self.h))
        below = Y[r0:, None] - top[None, :]
        depth = np.clip(below / 0.3, 0, 1)
        light = 0.8 + (side - 0.8)[None, :] * np.exp(-np.maximum(below, 0) / 0.08)
        # Wind ripples: wavy lines across the sand, finer with distance, in patches.
        Yr, Xr = Y[r0:], X * (40 + 30 * k)
        wavy = (X * (200 + 50 * k) + 3.0 * sample_1d(self.ridge2, Xr + 500 * k))[None, :]
        wave = np.sin(Yr[:, None] * (420 + 140 * k) + wavy)
        patch = smoothstep(0.3, 0.75, sample_2d(self.detail, Yr * 60 + 40 * k, X * 45))
        light = light * (1 + (0.05 + 0.025 * k) * wave * patch * smoothstep(0.0, 0.02, below))
        body = sand * (light * (0.95 - 0.15 * depth + 0.05 * k))[..., None]
        body = mix(body, np.array(p.sky[-1][1], F32), 0.35 * (1 - k / 2))
        put(img[r0:], body, edge_coverage(below, top, self.h))

    def paint_ground(self, img: np.ndarray) -> None:
        p = self.pal
        Y = self.Y()
        r0 = int(np.searchsorted(Y, self.horizon))
        ground = np.array(p.ground, F32)
        if self.spec.has("snow", "aurora"):
            ground = np.array([0.88, 0.9, 0.96], F32) * (0.25 + 0.7 * p.light)
        elif self.spec.has("city"):  # the street
            ground = np.array([0.2, 0.2, 0.23], F32) * (0.35 + 0.65 * p.light)
        depth = smoothstep(self.horizon, 1.0, Y[r0:])
        rows = mix(
            np.broadcast_to(np.array(p.sky[-1][1], F32) * 0.5 + ground * 0.5, (len(depth), 3)),
            ground * 0.8,
            depth,
        )
        img[r0:] = rows[:, None, :]

    def _tree_row(self, k: int) -> tuple[float, float, float]:
        below, height, haze = TREE_ROWS[k]
        return (1.08 if below is None else self.horizon + below), height, haze

    def paint_trees(self, img: np.ndarray, k: int) -> None:
        """Row k of fir trees (0 far … 2 near), each a stack of tiers, anti-aliased at the sides."""
        p, Y = self.pal, self.Y()
        base, height, haze = self._tree_row(k)
        X = self.X(0)
        spacing = 0.4 * height
        r0 = int(np.searchsorted(Y, base - height * 1.2))
        r1 = int(np.searchsorted(Y, base + 0.01))
        if r0 >= r1:
            return
        Yb, region = Y[r0:r1], img[r0:r1]
        snow_col = np.array([0.86, 0.89, 0.96], F32) * (0.25 + 0.7 * p.light)
        toward = 1 if self.sun_x > self.aspect / 2 else -1
        for half_step in (0.0, 0.5):
            params = self.trees[2 * k + int(half_step * 2)]
            cells = X / spacing + half_step + 17 * k
            i = np.floor(cells).astype(np.int64)
            u = cells - i - 0.5
            pr = params[:, i % 512]
            tree_h = height * (0.6 + 0.55 * pr[0])
            centre = 0.3 * (pr[1] - 0.5)
            xi = (base - Yb)[:, None] / tree_h[None, :]
            tier = (xi * 4.0 + pr[2][None, :]) % 1.0
            width = 0.55 * (1 - xi) * (0.6 + 0.4 * (1 - tier))
            # Distance to the tree's side in pixels (u is in cells of `spacing`).
            side = (width - np.abs(u - centre)[None, :]) * spacing * self.h
            alpha = coverage(side) * ((xi > -0.3) & (xi < 1))
            tone = (0.75 + 0.5 * pr[3])[None, :, None]
            lit = (0.8 + 0.5 * (u - centre) * toward)[None, :, None]
            colour = np.array(p.tree, F32) * tone * lit * np.ones((r1 - r0, 1, 1), F32)
            if self.spec.has("snow"):
                colour = np.where(((tier < 0.2) & (xi < 0.97))[..., None], snow_col, colour)
            put(region, mix(colour, np.array(p.sky[-1][1], F32), haze), alpha)

    def tree_sway(self, k: int, rows: np.ndarray) -> np.ndarray:
        """How far (pixels) the wind bends row k of trees at each frame row: nothing at the foot of
        the trees, most at their tops; gusts from two slow waves."""
        base, height, _ = self._tree_row(k)
        y = (rows + 0.5) / self.h
        bend = np.clip((base - y) / (height * 1.15), 0, 1) ** 1.5
        t = self.t
        wind = 0.65 * np.sin(1.1 * t + 1.3 * k) + 0.35 * np.sin(2.7 * t + 0.4 + 2.1 * k)
        return (bend * wind * 0.0035 * (1 + k) * self.h).astype(F32)

    def paint_grass(self, img: np.ndarray) -> None:
        """Tall grass along the foot of the frame, dark against the land: pointed blades of uneven
        height (two rows of them, half a blade apart), a little lighter at the tips."""
        p, Y, X = self.pal, self.Y(), self.X(0)
        height = GRASS * (0.75 + 0.35 * sample_1d(self.ridge, X * 45 + 600))
        top = np.full(X.shape, 2.0, F32)
        for k, spacing in enumerate((0.009, 0.006)):
            cells = X / spacing + 0.5 * k
            i = np.floor(cells).astype(np.int64)
            u = cells - i - 0.5
            blade = self.trees[k][:, (i + 97 * k) % 512]
            tall = height * (0.35 + 0.65 * blade[0]) * (1 - 0.25 * k)
            tip = np.clip(1 - 2 * np.abs(u - 0.3 * (blade[1] - 0.5)), 0, 1) ** 0.7
            top = np.minimum(top, 1.0 - tall * tip)
        r0 = int(np.searchsorted(Y, top.min() - 2 / self.h))
        below = Y[r0:, None] - top[None, :]
        up = np.clip(1 - below / height[None, :], 0, 1)  # 1 at the tallest tips, 0 at the foot
        ground = np.array(p.ground, F32)
        tips = ground * 0.8 + np.array(p.sun, F32) * 0.08 * p.light
        body = ground * 0.3 + (tips - ground * 0.3) * (up**2)[..., None]
        put(img[r0:], body, edge_coverage(below, top, self.h))

    def grass_sway(self, rows: np.ndarray) -> np.ndarray:
        """How far (pixels) the wind bends the grass at each frame row: most at the tips."""
        y = (rows + 0.5) / self.h
        bend = np.clip((1.0 - y) / GRASS, 0, 1) ** 1.5
        t = self.t
        wind = 0.6 * np.sin(1.7 * t + 0.5) + 0.4 * np.sin(3.1 * t + 1.9)
        return (bend * wind * 0.006 * self.h).astype(F32)

    def paint_traffic(self, img: np.ndarray) -> None:
        """Head and tail lights driving along the street at the foot of the near buildings."""
        if self.spec.has("sea"):
            return
        x0, speed, lane, tone = self.cars
        t, span = self.t, self.aspect + 1.0
        head = lane < 0.5  # coming with white lights one way, going with red ones the other
        x = (x0 * span + np.where(head, 1.0, -1.0) * (0.06 + 0.08 * speed) * t) % span - 0.5
        y = np.where(head, STREET + 0.035, STREET + 0.02) + 0.003 * tone
        night = self.spec.has("city lights", "rain")
        weight = ((1.6 if night else 0.7) * (0.6 + 0.4 * tone)).astype(F32)
        sx, sy = (x - self.pan * 0.75) * self.h, y * self.h
        for dx in (-0.005, 0.005):
            splat(img, sx[head] + dx * self.h, sy[head], (1.0, 0.93, 0.75), weight[head], radius=2)
            splat(img, sx[~head] + dx * self.h, sy[~head], (1.0, 0.12, 0.08), weight[~head] * 0.8, radius=2)
