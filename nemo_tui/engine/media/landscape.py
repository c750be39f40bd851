"""The land and sea half of the scene painter: mountains, city, sea and waves, desert, forest, fire."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .textures import F32, mix, sample_1d, sample_2d, smoothstep, splat

if TYPE_CHECKING:
    from .palettes import Palette
    from .vocabulary import SceneSpec

# (zoom, pan, epoch, canvas, opaque mask): one painted layer and the camera it was painted for
LayerCache = tuple[float, float, int, np.ndarray, np.ndarray]


class LandscapeMixin:
    # Provided by ScenePainter (declared here so the type checker knows the mixin's inputs).
    spec: SceneSpec
    pal: Palette
    w: int
    h: int
    aspect: float
    horizon: float
    t: float
    zoom: float
    pan: float
    sun_x: float
    moon_x: float
    clouds: np.ndarray
    detail: np.ndarray
    embers: np.ndarray
    ridge: np.ndarray
    ridge2: np.ndarray

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
        self._land_cache: dict[str, LayerCache] = {}

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
        s = self.spec
        if s.has("sea"):
            if s.has("mountains", "city"):
                self._composite(img, "behind the sea", self._paint_far_shore)
            self.paint_sea(img)
            if s.has("forest"):
                self._composite(img, "treeline", self.paint_forest)
        else:
            self._composite(img, "land", self._paint_still_land)
        if s.has("fire"):
            self.paint_fire(img)

    def _paint_far_shore(self, canvas: np.ndarray) -> None:
        if self.spec.has("mountains"):
            self.paint_mountains(canvas, far=True)
        if self.spec.has("city"):
            self.paint_city(canvas, near=False)

    def _paint_still_land(self, canvas: np.ndarray) -> None:
        s = self.spec
        if s.has("mountains"):
            self.paint_mountains(canvas, far=True)
        if s.has("desert"):
            self.paint_desert(canvas)
        else:
            self.paint_ground(canvas)
            if s.has("mountains") and not s.has("city"):
                self.paint_mountains(canvas, far=False)
            if s.has("city"):
                self.paint_city(canvas, near=False)
                self.paint_city(canvas, near=True)
        if s.has("forest"):
            self.paint_forest(canvas)

    def _composite(self, img: np.ndarray, key: str, paint) -> None:
        """Land does not move, only the camera does: repaint a layer group only once the camera has
        moved a third of a pixel (or city windows switched), and paste the cached layer otherwise.

        Layers paint onto a NaN canvas; whatever stays NaN is see-through.
        """
        epoch = int(self.t * 0.5) if self.spec.has("city lights") else 0
        cached = self._land_cache.get(key)
        moved = (
            cached is None
            or cached[2] != epoch
            or max(abs(cached[0] - self.zoom) * self.aspect, abs(cached[1] - self.pan)) * self.h > 0.33
        )
        if cached is None or moved:
            canvas = np.full(img.shape, np.nan, F32)
            paint(canvas)
            opaque = ~np.isnan(canvas[..., :1])
            cached = (self.zoom, self.pan, epoch, canvas, np.broadcast_to(opaque, img.shape))
            self._land_cache[key] = cached
        np.copyto(img, cached[3], where=cached[4])

    # -- mountains ------------------------------------------------------------------------------
    def paint_mountains(self, img: np.ndarray, far: bool) -> None:
        p = self.pal
        X, Y = self.X(0.3 if far else 0.55), self.Y()
        base = self.horizon + (0.005 if far else 0.1)
        amp = 0.3 if far else 0.17
        pos, peak, left, right = self.peaks[0 if far else 1]
        dx = X[None, :] - pos[:, None]
        slope = np.where(dx < 0, left[:, None], right[:, None])
        if far:  # sharp peaks far away, rounded hills nearer
            profile = peak[:, None] * amp - np.abs(dx) * slope * amp
        else:
            profile = peak[:, None] * amp * np.exp(-((dx * slope) ** 2) * 2.5)
        cols = np.arange(X.shape[0])
        which = np.argmax(profile, axis=0)
        height = profile[which, cols]
        smooth_height = height.copy()
        off = self.ridge_offset + (0 if far else 900)
        height += amp * (
            0.05 * sample_1d(self.ridge, X * 900 + off) + 0.025 * sample_1d(self.ridge2, X * 2600 + off)
        )
        height = np.maximum(height, 0.01)
        top = base - height
        r0 = int(np.searchsorted(Y, top.min()))
        r1 = int(np.searchsorted(Y, base + 0.01)) if far else self.h
        if r0 >= r1:
            return
        Yb = Y[r0:r1]
        # Faces towards the sun are lit, the others in shade; the contrast fades down the slope.
        # The split between the faces runs diagonally down from each summit, like a real ridge.
        summit = base - peak[which] * amp
        toward = 1 if self.sun_x > self.aspect / 2 else -1
        lean = np.where(which % 2 == 0, 0.5, -0.5).astype(F32)
        facing = np.tanh((dx[which, cols][None, :] + lean * (Yb[:, None] - summit[None, :])) * 120.0) * toward
        below = Yb[:, None] - top[None, :]
        inside = below > 0
        if far:
            shade = 1.0 + 0.3 * facing * np.exp(-below / 0.12)
        else:  # rounded hills: light follows the smooth slope, only near the crest
            # The slope of the smooth shape: the rocky detail would streak the light column by column.
            slope = np.tanh(-np.gradient(smooth_height) * self.h * 1.5 * toward)
            shade = 1.0 + 0.18 * slope[None, :] * np.exp(-below / 0.035)
        rock = sample_2d(self.detail, Yb * 250, X * 250)
        colour = np.array(p.mountain, F32) * (1.15 if far else 0.8)
        if not far:
            colour = colour * 0.5 + np.array(p.ground, F32) * 0.5
        depth = np.clip(below / 0.3, 0, 1)
        body = colour * (shade * (0.9 + 0.2 * rock) * (1 - 0.25 * depth))[..., None]
        snowfield = not far and self.spec.has("snow", "aurora")  # auroras shine over snowy land
        if snowfield:  # nearby hills under snow are white all over, shaded by their slopes
            colour = np.array([0.86, 0.9, 1.0], F32) * (0.12 + 0.8 * p.light)
            body = colour * (shade * (0.95 + 0.08 * rock) * (1 - 0.15 * depth))[..., None]
        elif far and self.spec.has("snowcaps"):
            line = base - amp * 0.5 + 0.025 * sample_1d(self.ridge2, X * 1500 + off)
            capped = Yb[:, None] < line[None, :]
            snow = np.array([0.92, 0.94, 1.0], F32) * (0.3 + 0.7 * p.light) * (0.75 + 0.25 * shade)[..., None]
            body = np.where(capped[..., None], snow, body)
        haze = np.array(p.sky[-1][1], F32)
        body = mix(body, haze, (0.4 if far else 0.1) + 0.3 * depth * (1 if far else 0.3))
        region = img[r0:r1]
        region[:] = np.where(inside[..., None], body, region)

    # -- city -----------------------------------------------------------------------------------
    def paint_city(self, img: np.ndarray, near: bool) -> None:
        p, t = self.pal, self.t
        X, Y = self.X(0.75 if near else 0.4), self.Y()
        edges, heights, tone = self.buildings[int(near)]
        scale = 1.0 if not self.spec.has("sea") else 0.55
        base = self.horizon + (0.3 if near else 0.0)
        idx = np.clip(np.searchsorted(edges, X) - 1, 0, len(heights) - 1)
        top = base - heights[idx] * scale - (0.12 if near else 0.0)
        inside = Y[:, None] > top[None, :]
        night = self.spec.has("city lights")
        body_col = np.array(p.mountain, F32) * (0.55 if near else 0.85)
        if self.spec.time_of_day == "day":
            body_col = np.array([0.42, 0.48, 0.58], F32) * (0.8 if near else 1.0)
        body = body_col[None, None, :] * tone[idx][None, :, None] * np.ones((self.h, 1, 1), F32)
        if not night:
            body = mix(body, np.array(p.sky[-1][1], F32), 0.25 if not near else 0.1)
        cell_x, cell_y = (0.011, 0.014) if not near else (0.016, 0.02)
        cell_x, cell_y = cell_x * scale, cell_y * scale
        gx = np.floor(X / cell_x).astype(np.int64)
        gy = np.floor(Y / cell_y).astype(np.int64)
        fx = (X / cell_x - gx)[None, :]
        fy = (Y / cell_y - gy)[:, None]
        pane = (fx > 0.25) & (fx < 0.75) & (fy > 0.3) & (fy < 0.8)
        pane &= Y[:, None] > top[None, :] + cell_y
        h1 = ((gx[None, :] * 73856093) ^ (gy[:, None] * 19349663)) & 1023
        if night:
            # A few windows switch on or off as the clip plays.
            flip = ((h1 * 7 + np.int64(t * 0.5)) & 63) == 0
            lit = ((h1 < 420) ^ flip) & pane
            warm = np.where(
                (h1 & 3)[..., None] == 0, np.array([0.75, 0.85, 1.0], F32), np.array([1.0, 0.82, 0.45], F32)
            )
            body = np.where(lit[..., None], warm * (0.7 + 0.3 * (h1 & 7)[..., None] / 7), body)
        else:
            lit = (h1 < 500) & pane
            body = np.where(lit[..., None], body * 1.25 + 0.05, body)
        img[:] = np.where(inside[..., None], body, img)

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
            0.5 * np.sin(gz * 5.5 + 0.35 * gx + 1.6 * t)
            + 0.3 * np.sin(gz * 9.1 - 0.9 * gx + 2.3 * t + 1.0)
            + 0.2 * np.sin(gz * 14.0 + 1.7 * gx + 3.1 * t + 2.0)
        ) * calm
        depth = smoothstep(0.0, 0.36, v[:, 0]) ** 0.7
        base = np.array(p.sea_far, F32) + depth[:, None] * (
            np.array(p.sea_near, F32) - np.array(p.sea_far, F32)
        )
        sea = base[:, None, :] * (1 + 0.28 * field)[..., None]
        sky_col = np.array(p.sky[-1][1], F32)
        sea += (np.clip(field - 0.45, 0, None) * 0.35)[..., None] * sky_col
        lights = [(self.sun_x, p.sun)] if self.spec.has("sun") else []
        if self.spec.has("moon"):
            lights.append((self.moon_x, (0.8, 0.85, 0.95)))
        for lx, colour in lights if self.spec.has("reflection") else []:
            width = 0.012 + 0.3 * v
            dx = (X[None, :] - lx) / width
            column = np.exp(-dx * dx)
            glitter = 0.5 + 0.5 * np.sin(gx * 2.3 + gz * 7.0 - 2.6 * t) * np.sin(
                -gx * 1.1 + gz * 11.0 + 1.7 * t
            )
            strength = column * (0.3 + 1.1 * glitter**3) * (1.0 - 0.55 * smoothstep(0.0, 0.35, v))
            sea += strength[..., None] * np.array(colour, F32)
        # Breaking waves: a long swell whose crests turn to foam as they roll towards the camera.
        swell = np.sin(gz * 1.9 + 0.12 * gx + 1.25 * t + 0.6 * np.sin(X * 7 + 0.3 * t)[None, :])
        texture = sample_2d(self.detail, gz[:, 0] * 40, (X + 0.0) * 260 + 0 * t)
        foam = smoothstep(0.72, 0.97, swell + 0.35 * (texture - 0.5)) * smoothstep(0.06, 0.22, v)
        foam_col = np.array([0.92, 0.94, 0.96], F32) * (0.35 + 0.65 * max(p.light, 0.35))
        if self.spec.time_of_day in ("sunset", "dawn"):
            foam_col = foam_col * np.array([1.0, 0.85, 0.75], F32)
        sea += (foam_col - sea) * (foam * 0.85)[..., None]
        # The horizon line blends softly into the sky.
        edge = int(np.searchsorted(v[:, 0], 0.012))
        sea[:edge] += (sky_col - sea[:edge]) * (smoothstep(0.012, 0.0, v[:edge]) * 0.5)[..., None]
        img[r0:] = sea

    # -- desert, ground, forest -----------------------------------------------------------------
    def paint_desert(self, img: np.ndarray) -> None:
        p = self.pal
        sand = np.array([0.93, 0.68, 0.4], F32) * (0.3 + 0.7 * p.light)
        if self.spec.time_of_day in ("sunset", "dawn"):
            sand = sand * np.array([1.05, 0.8, 0.65], F32)
        Y = self.Y()
        for k, (base, amp, freq, parallax) in enumerate(
            (
                (self.horizon, 0.04, 3.0, 0.5),
                (self.horizon + 0.12, 0.08, 1.8, 0.75),
                (self.horizon + 0.28, 0.1, 1.2, 1.0),
            )
        ):
            X = self.X(parallax)
            top = base - amp * (
                0.6 * np.sin(X * freq * 6.28 / 2 + k * 2.1) + 0.4 * np.sin(X * freq * 6.28 / 0.9 + k)
            )
            slope = np.gradient(top) * self.h
            side = np.clip(0.6 + slope * 2.5 * (1 if self.sun_x > self.aspect / 2 else -1), 0.3, 1.1)
            below = Y[:, None] - top[None, :]
            depth = np.clip(below / 0.3, 0, 1)
            light = 0.8 + (side - 0.8)[None, :] * np.exp(-below / 0.08)
            body = sand * (light * (0.95 - 0.15 * depth + 0.05 * k))[..., None]
            haze = 0.35 * (1 - k / 2)
            body = mix(body, np.array(p.sky[-1][1], F32), haze)
            img[:] = np.where((Y[:, None] > top[None, :])[..., None], body, img)

    def paint_ground(self, img: np.ndarray) -> None:
        p = self.pal
        Y = self.Y()
        r0 = int(np.searchsorted(Y, self.horizon))
        ground = np.array(p.ground, F32)
        if self.spec.has("snow", "aurora"):
            ground = np.array([0.88, 0.9, 0.96], F32) * (0.25 + 0.7 * p.light)
        depth = smoothstep(self.horizon, 1.0, Y[r0:])
        rows = mix(
            np.broadcast_to(np.array(p.sky[-1][1], F32) * 0.5 + ground * 0.5, (len(depth), 3)),
            ground * 0.8,
            depth,
        )
        img[r0:] = rows[:, None, :]

    def paint_forest(self, img: np.ndarray) -> None:
        p, Y = self.pal, self.Y()
        snowy = self.spec.has("snow")
        haze_to = np.array(p.sky[-1][1], F32)
        rows: tuple[tuple[float, float, float, float], ...] = (
            (self.horizon + 0.01, 0.08, 0.5, 0.5),
            (self.horizon + 0.13, 0.16, 0.75, 0.25),
            (1.08, 0.4, 1.0, 0.0),
        )
        if self.spec.has("sea"):
            rows = rows[:1]
        snow_col = np.array([0.86, 0.89, 0.96], F32) * (0.25 + 0.7 * p.light)
        for k, (base, height, parallax, haze) in enumerate(rows):
            X = self.X(parallax)
            spacing = 0.4 * height
            r0 = int(np.searchsorted(Y, base - height * 1.2))
            r1 = int(np.searchsorted(Y, base + 0.01))
            if r0 >= r1:
                continue
            Yb, region = Y[r0:r1], img[r0:r1]
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
                inside = (np.abs(u - centre)[None, :] < width) & (xi > -0.3) & (xi < 1)
                tone = (0.75 + 0.5 * pr[3])[None, :, None]
                lit = (0.8 + 0.5 * (u - centre) * (1 if self.sun_x > self.aspect / 2 else -1))[None, :, None]
                colour = np.array(p.tree, F32) * tone * lit * np.ones((r1 - r0, 1, 1), F32)
                if snowy:
                    colour = np.where(((tier < 0.2) & (xi < 0.97))[..., None], snow_col, colour)
                colour = mix(colour, haze_to, haze)
                region[:] = np.where(inside[..., None], colour, region)

    # -- fire -----------------------------------------------------------------------------------
    def paint_fire(self, img: np.ndarray) -> None:
        t = self.t
        X, Y = self.X(1.0), self.Y()
        fx, fy, fw, fh = self.aspect / 2 + self.pan * 1.0 * 0, 0.9, 0.09, 0.3
        flicker = 0.85 + 0.15 * sample_1d(self.ridge2, np.array([t * 60.0], F32))[0]
        # Warm light spills on everything around the fire.
        dx, dy = (X - fx)[None, :], (Y - fy + 0.1)[:, None]
        img += (np.exp(-(dx * dx + dy * dy) / 0.05) * 0.45 * flicker)[..., None] * np.array(
            [1.0, 0.45, 0.12], F32
        )
        rows = (fy - fh * 1.3 < Y) & (fy + 0.05 > Y)
        cols = np.abs(X - fx) < fw * 1.6
        if not rows.any() or not cols.any():
            return
        r0, r1 = np.flatnonzero(rows)[[0, -1]]
        c0, c1 = np.flatnonzero(cols)[[0, -1]]
        Ys, Xs = Y[r0 : r1 + 1], X[c0 : c1 + 1]
        lx = ((Xs - fx) / fw)[None, :]
        ly = ((fy - Ys) / fh)[:, None]
        noise = sample_2d(self.detail, Ys * 300 + t * 160, Xs * 300)
        noise2 = sample_2d(self.clouds, Ys * 500 + t * 230, Xs * 500 + 50)
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
        logs = (np.abs(ly + 0.04) < 0.05) & (np.abs(lx) < 1.2)
        region = img[r0 : r1 + 1, c0 : c1 + 1]
        region[:] = np.where(logs[..., None], np.array([0.16, 0.08, 0.04], F32), region)
        region += flame
        ex, ey, es, ew = self.embers
        life = (ey + t * (0.25 + 0.3 * es)) % 1.0
        px, py = self.to_screen(
            fx + (ex - 0.5) * fw * 1.5 + 0.04 * np.sin(t * 3 + ew * 6) * life,
            fy - 0.05 - life * fh * 1.8,
            1.0,
        )
        splat(img, px, py, (1.0, 0.55, 0.15), ((1 - life) * 0.9).astype(F32), radius=1)
