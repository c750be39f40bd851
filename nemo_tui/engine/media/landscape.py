"""The land and sea half of the scene painter: mountains, city, sea and waves, desert, forest, fire.

Land that only the camera moves is painted once per layer and scrolled (layers.py); the sea, the
ground's colour rows and the fire are painted every frame."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .atmosphere import FOG_DRIFT, AtmosphereMixin
from .boats import paint_boats
from .fire import paint_beach, paint_fire
from .layers import LayerMixin, coverage, put
from .lighthouse import paint_lighthouse
from .mountains import paint_mountains
from .terrain import STREET, TerrainMixin
from .textures import F32, add_light, mix, sample_2d, scale_rgb, smoothstep
from .waterfall import paint_waterfall

Paint = Callable[..., None]  # paint(scene, img): one layer of land

if TYPE_CHECKING:
    from .palettes import Palette
    from .vocabulary import SceneSpec


class LandscapeMixin(TerrainMixin, LayerMixin):
    # Provided by ScenePainter (declared here so the type checker knows the mixin's inputs).
    spec: SceneSpec
    pal: Palette
    w: int
    h: int
    aspect: float
    horizon: float
    t: float
    pan: float
    sun_x: float
    moon_x: float
    clouds: np.ndarray
    detail: np.ndarray
    embers: np.ndarray
    boats: np.ndarray
    overcast: bool
    ridge: np.ndarray
    ridge2: np.ndarray
    wisp: np.ndarray
    pan_dir: float

    if TYPE_CHECKING:

        def X(self, parallax: float) -> np.ndarray: ...
        def Y(self) -> np.ndarray: ...
        def to_screen(
            self, x: np.ndarray, y: np.ndarray, parallax: float
        ) -> tuple[np.ndarray, np.ndarray]: ...

    def init_landscape(self, rng: np.random.Generator) -> None:
        self.buildings = [self._skyline(rng, near) for near in (False, True)]
        self.trees = [rng.uniform(0, 1, (4, 512)).astype(F32) for _ in range(6)]
        self.ridge_offset = float(rng.uniform(0, 2048))
        self.peaks = [self._peaks(rng, far) for far in (True, False)]
        # A main summit in view, whatever the aspect ratio (a portrait frame sees a narrow slice).
        self.peaks[0][:, 0] = (self.aspect * rng.uniform(0.3, 0.7), 1.0, 1.6, 1.9)
        self.cars = rng.uniform(0, 1, (4, 18)).astype(F32)
        self.strip_xs = None
        self._strips = {}
        self.land_layers = self._land_layers()

    def _land_layers(self) -> list[tuple[str, float | None, Paint]]:
        """(name, parallax, paint(scene, img)) from the back to the front; parallax None: painted
        every frame. Unbound, so the painter holds no reference to itself (it is freed at once)."""
        s, cls = self.spec, LandscapeMixin
        far_mountains = ("far mountains", 0.3, partial(paint_mountains, far=True))
        trees: list[tuple[str, float | None, Paint]] = [
            (f"trees{k}", p, partial(cls.paint_trees, k=k)) for k, p in enumerate((0.5, 0.75, 1.0))
        ]
        layers: list[tuple[str, float | None, Paint]] = []
        falls: list[tuple[str, float | None, Paint]] = [("waterfall", None, paint_waterfall)]
        if s.has("waterfall"):  # between the far rows of trees and the near one
            trees = trees if s.has("sea") else [*trees[:2], *falls, trees[2]]
        if s.has("sea"):
            if s.has("mountains"):
                layers.append(far_mountains)
            if s.has("city"):
                layers.append(("far city", 0.4, partial(cls.paint_city, near=False)))
            if s.has("lighthouse"):
                layers.append(("lighthouse", None, paint_lighthouse))
            layers.append(("sea", None, cls.paint_sea))
            if s.has("boats"):
                layers.append(("boats", None, paint_boats))
            if s.has("waterfall"):  # off a cliff into the sea
                layers += falls
            if s.has("forest"):
                layers.append(trees[0])
            if s.has("fire", "people", "cat", "dog"):  # a campfire, or feet, on a beach, not on the water
                layers.append(("beach", 1.0, paint_beach))
            return layers
        if s.has("mountains"):
            layers.append(far_mountains)
        if s.has("desert"):
            layers += [(f"dune{k}", p, partial(cls.paint_dune, k=k)) for k, p in enumerate((0.5, 0.75, 1.0))]
        else:
            layers.append(("ground", None, cls.paint_ground))
            if s.has("mountains") and not s.has("city"):
                if s.time_of_day == "dawn" or s.has("fog"):  # mist lying in the valley, drifting
                    layers.append(("valley mist", 0.45, partial(AtmosphereMixin.paint_fog, k=2)))
                layers.append(("near hills", 0.55, partial(paint_mountains, far=False)))
            if s.has("city"):
                layers.append(("far city", 0.4, partial(cls.paint_city, near=False)))
                layers.append(("near city", 0.75, partial(cls.paint_city, near=True)))
        if s.has("forest"):
            layers += trees
        elif s.has("waterfall"):
            layers += falls
        if s.has("mountains") and not s.has("desert", "city", "snow", "aurora", "forest"):
            layers.append(("grass", 1.0, cls.paint_grass))  # tall grass in front, in the wind
        return layers

    def _peaks(self, rng: np.random.Generator, far: bool) -> np.ndarray:
        """Mountain peaks as (position, height, left slope, right slope) rows."""
        n = 28
        pos = np.sort(rng.uniform(-1.5, 4.0, n))
        height = rng.uniform(0.45, 1.0, n) ** 1.5
        slopes = rng.uniform(1.4, 3.2, (2, n)) * (1.0 if far else 0.8)
        return np.stack([pos, height, slopes[0], slopes[1]]).astype(F32)

    def _skyline(self, rng: np.random.Generator, near: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        widths = rng.uniform(0.035, 0.085, 160) * (1.3 if near else 1.0)
        heights = rng.uniform(0.06, 0.2, 160) * (1.35 if near else 1.0)
        tall = rng.random(160) < 0.18
        heights[tall] *= rng.uniform(1.5, 2.1, tall.sum())
        edges = np.concatenate([[-1.5], -1.5 + np.cumsum(widths)])
        tone = rng.uniform(0.75, 1.15, 160)
        return edges.astype(F32), heights.astype(F32), tone.astype(F32)

    def paint_land(self, img: np.ndarray) -> None:
        epoch = int(self.t * 0.5) if self.spec.has("city lights") else 0  # some windows switch
        for key, parallax, paint in self.land_layers:
            if parallax is None:
                paint(self, img)
            else:
                sway: Callable[[np.ndarray], np.ndarray] | None = None
                if key.startswith("trees"):
                    sway = partial(self.tree_sway, int(key[-1]))
                elif key == "grass":
                    sway = self.grass_sway
                self.scroll(
                    img,
                    key,
                    parallax,
                    partial(paint, self),
                    drift=FOG_DRIFT * 0.6 * self.pan_dir if key == "valley mist" else 0.0,
                    epoch=epoch if key.endswith("city") else 0,
                    sway=sway,
                )
        if self.spec.has("city") and not self.spec.has("cars"):  # cars draw their own lights
            self.paint_traffic(img)
        if self.spec.has("fire"):
            paint_fire(self, img)

    # -- city -----------------------------------------------------------------------------------
    def paint_city(self, img: np.ndarray, near: bool) -> None:
        p, h = self.pal, self.h
        X, Y = self.X(0.75 if near else 0.4), self.Y()
        edges, heights, tone = self.buildings[int(near)]
        scale = 1.0 if not self.spec.has("sea") else 0.55
        base = self.horizon + (STREET - self.horizon - 0.04 if near else 0.0)
        # Each column may hold the edge between two buildings: blend the two by how much of it each
        # covers, and each roof by how much of the pixel lies below it (anti-aliased both ways).
        last = len(heights) - 1
        left = np.clip(np.searchsorted(edges, X - 0.5 / h) - 1, 0, last)
        right = np.clip(np.searchsorted(edges, X + 0.5 / h) - 1, 0, last)
        share = np.where(left == right, 1.0, np.clip((edges[right] - X) * h + 0.5, 0, 1)).astype(F32)
        lift = 0.12 if near else 0.0
        top_l, top_r = base - heights[left] * scale - lift, base - heights[right] * scale - lift
        r0 = int(np.searchsorted(Y, min(top_l.min(), top_r.min()) - 2 / h))
        Yb = Y[r0:, None]
        alpha = share * coverage((Yb - top_l) * h) + (1 - share) * coverage((Yb - top_r) * h)
        alpha *= coverage((STREET - Yb) * h)  # they stand on the street
        top = np.where(share >= 0.5, top_l, top_r)
        night = self.spec.has("city lights")
        body_col = np.array(p.mountain, F32) * (0.55 if near else 0.85)
        if self.spec.time_of_day == "day":
            body_col = np.array([0.42, 0.48, 0.58], F32) * (0.8 if near else 1.0)
        shade = share * tone[left] + (1 - share) * tone[right]
        body = body_col[None, None, :] * shade[None, :, None] * np.ones((len(Yb), 1, 1), F32)
        if not night:
            body = mix(body, np.array(p.sky[-1][1], F32), 0.25 if not near else 0.1)
        cell_x, cell_y = (0.011, 0.014) if not near else (0.016, 0.02)
        cell_x, cell_y = cell_x * scale, cell_y * scale
        gx = np.floor(X / cell_x).astype(np.int64)
        gy = np.floor(Yb[:, 0] / cell_y).astype(np.int64)
        fx = X / cell_x - gx
        fy = Yb[:, 0] / cell_y - gy
        pane = coverage(np.minimum(fy - 0.3, 0.8 - fy) * cell_y * h)[:, None] * coverage(
            np.minimum(fx - 0.25, 0.75 - fx) * cell_x * h
        )
        pane *= coverage((Yb - top - cell_y) * h)
        h1 = ((((gx[None, :] * 73856093) ^ (gy[:, None] * 19349663)) * 2654435761) >> 13) & 1023
        if night:
            # A few windows switch on or off as the clip plays.
            flip = ((h1 * 7 + np.int64(self.t * 0.5)) & 63) == 0
            lit = ((h1 < 420) ^ flip) * pane
            warm = np.where(
                (h1 & 3)[..., None] == 0, np.array([0.75, 0.85, 1.0], F32), np.array([1.0, 0.82, 0.45], F32)
            )
            body = mix(body, warm * (0.7 + 0.3 * (h1 & 7)[..., None] / 7), lit)
        else:
            body = mix(body, body * 1.25 + 0.05, (h1 < 500) * pane)
        put(img[r0:], body, alpha)

    # -- sea ------------------------------------------------------------------------------------
    def paint_sea(self, img: np.ndarray) -> None:
        p, t = self.pal, self.t
        X, Y = self.X(0.7), self.Y()
        r0 = int(np.searchsorted(Y, self.horizon))
        if r0 >= self.h:
            return
        v = (Y[r0:] - self.horizon)[:, None] + 1e-4
        gz = 1.0 / v
        gx = (X - self.aspect / 2)[None, :] / v
        calm = smoothstep(0.0, 0.14, v)
        field = (
            0.5 * np.sin(gz * 5.5 + 0.35 * gx + 2.2 * t)
            + 0.3 * np.sin(gz * 9.1 - 0.9 * gx + 3.1 * t + 1.0)
            + 0.2 * np.sin(gz * 14.0 + 1.7 * gx + 4.2 * t + 2.0)
        ) * calm
        depth = smoothstep(0.0, 0.36, v[:, 0]) ** 0.7
        base = np.array(p.sea_far, F32) + depth[:, None] * (
            np.array(p.sea_near, F32) - np.array(p.sea_far, F32)
        )
        sea = np.zeros((len(v), len(X), 3), F32)
        add_light(sea, 1 + 0.28 * field, base)
        sky_col = np.array(p.sky[-1][1], F32)
        add_light(sea, np.clip(field - 0.45, 0, None) * 0.35, sky_col)
        lights = [(self.sun_x, p.sun)] if self.spec.has("sun") else []
        if self.spec.has("moon"):
            lights.append((self.moon_x, (0.8, 0.85, 0.95)))
        for lx, colour in lights if self.spec.has("reflection") else []:
            # The glittering column under the light; nothing worth drawing beyond 3 of its widths.
            reach = 3 * (0.012 + 0.3 * float(v[-1, 0]))
            c0, c1 = np.searchsorted(X, [lx - reach, lx + reach])
            if c0 >= c1:
                continue
            Xc, gxc = X[c0:c1], gx[:, c0:c1]
            dx = (Xc[None, :] - lx) / (0.012 + 0.3 * v)
            glitter = 0.5 + 0.5 * np.sin(gxc * 2.3 + gz * 7.0 - 2.6 * t) * np.sin(
                -gxc * 1.1 + gz * 11.0 + 1.7 * t
            )
            strength = np.zeros(field.shape, F32)
            strength[:, c0:c1] = (
                np.exp(-dx * dx) * (0.3 + 1.1 * glitter**3) * (1.0 - 0.55 * smoothstep(0.0, 0.35, v))
            )
            add_light(sea, strength, colour)
        # Breaking waves: a long swell whose crests turn to foam as they roll towards the camera.
        swell = np.sin(gz * 1.9 + 0.12 * gx + 1.6 * t + 0.6 * np.sin(X * 7 + 0.3 * t)[None, :])
        texture = sample_2d(self.detail, gz[:, 0] * 40, X * 260)
        foam = smoothstep(0.72, 0.97, swell + 0.35 * (texture - 0.5)) * smoothstep(0.06, 0.22, v) * 0.85
        foam_col = np.array([0.92, 0.94, 0.96], F32) * (0.35 + 0.65 * max(p.light, 0.35))
        if self.spec.time_of_day in ("sunset", "dawn"):
            foam_col = foam_col * np.array([1.0, 0.85, 0.75], F32)
        scale_rgb(sea, 1 - foam)
        add_light(sea, foam, foam_col)
        # The horizon line blends softly into the sky.
        edge = int(np.searchsorted(v[:, 0], 0.012))
        sea[:edge] += (sky_col - sea[:edge]) * (smoothstep(0.012, 0.0, v[:edge]) * 0.5)[..., None]
        img[r0:] = sea
