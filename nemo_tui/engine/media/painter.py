"""Paints one frame of a procedural scene with numpy: sky, lights in the sky, land or sea, weather.

World coordinates: y runs 0 (top) to 1 (bottom) of the frame, x runs 0 to the aspect ratio; the camera
glides sideways and nearer layers move further (parallax), by fractions of a pixel each frame. Everything is a function of those
coordinates and of time, so motion is smooth and the same (spec, seed, t) always gives the same pixels.
"""

from __future__ import annotations

import numpy as np

from .animals import paint_cat, paint_dog
from .atmosphere import AtmosphereMixin
from .birds import bird_params, paint_birds
from .cars import paint_cars
from .fireworks import paint_fireworks
from .landscape import LandscapeMixin
from .lightning import paint_lightning
from .palettes import palette_for
from .people import paint_people
from .rocket import paint_rocket
from .textures import (
    F32,
    add_light,
    fbm_1d,
    fbm_2d,
    gradient_rows,
    mix,
    sample_1d,
    sample_2d,
    smoothstep,
    splat,
)
from .vocabulary import SceneSpec

# The camera glides sideways at a steady pace: the nearest layers move about 38 pixels a second at
# 540 rows (1.3 a frame), the far mountains a third of that, the sky less (parallax).
PAN_SPEED = 0.07


class ScenePainter(LandscapeMixin, AtmosphereMixin):
    def __init__(
        self,
        spec: SceneSpec,
        width: int,
        height: int,
        duration_s: float,
        rng: np.random.Generator,
        dither: bool = True,
    ):
        self.spec = spec
        self.w, self.h = width, height
        self.duration = max(duration_s, 0.1)
        self.aspect = width / height
        self.overcast = spec.has("rain") or (
            spec.has("snow") and spec.time_of_day == "day" and not spec.has("sun")
        )
        self.pal = palette_for(spec.time_of_day, self.overcast)
        self.horizon = 0.62 if spec.has("sea", "desert") else 0.66
        if spec.has("fire") and not spec.has("sea"):
            self.horizon = 0.58
        self.xs = (np.arange(width, dtype=F32) + 0.5) / height
        self.ys = (np.arange(height, dtype=F32) + 0.5) / height
        # Seeded choices first, in a fixed order, so each element's look is stable.
        self.pan_dir = 1.0 if rng.random() < 0.5 else -1.0
        self.sun_x = self.aspect * float(rng.uniform(0.38, 0.62))
        self.moon_x = self.aspect * float(rng.uniform(0.62, 0.8))
        self.clouds = fbm_2d(rng, 128, 512, 3.3)
        self.ridge = fbm_1d(rng, 2048, 2.2)
        self.ridge2 = fbm_1d(rng, 2048, 1.6)
        self.detail = fbm_2d(rng, 128, 128, 1.6)
        # Point counts follow the pixel count, so small frames are not crowded with stars or snow; the
        # draws do not, so a scene is the same at every size (a preview, a clip, a reference frame).
        n_stars = int(np.clip(width * height * 0.0038, 60, 1200))
        self.stars = tuple(
            a[:n_stars].astype(F32)
            for a in (
                rng.uniform(-0.4, self.aspect + 0.9, 1200),
                rng.uniform(0, 1, 1200) ** 1.3 * self.horizon,
                rng.uniform(0.15, 1, 1200) ** 3,
                rng.uniform(0, 2 * np.pi, 1200),
                rng.uniform(1.5, 5, 1200),
            )
        )
        self.init_landscape(rng)
        self.rain = self._rain_texture(rng) if spec.has("rain") else None
        n_flakes = int(np.clip(width * height * 0.0065, 120, 2000))
        self.flakes = rng.uniform(0, 1, (6, 2000)).astype(F32)[:, :n_flakes]
        self.embers = rng.uniform(0, 1, (4, 60)).astype(F32)
        self.birds = bird_params(rng)
        self.boats = rng.uniform(0, 1, (4, 3)).astype(F32)
        self.fireworks_seed = int(rng.integers(2**31))
        # A few birds in a clear sky by day, a flock when asked for.
        calm = not (self.overcast or spec.has("fog", "snow", "aurora")) and spec.time_of_day != "night"
        self.n_birds = 12 if spec.has("birds") else (4 if calm else 0)
        self.cloud_shadows = spec.has("sun") and calm and not spec.has("sea", "city")
        yy = (self.ys - 0.5)[:, None] / 0.75
        xx = (self.xs - self.aspect / 2)[None, :] / (0.75 * max(self.aspect, 1.0))
        self.vignette = (1.0 - 0.35 * smoothstep(0.35, 1.1, np.sqrt(xx * xx + yy * yy)))[..., None].astype(
            F32
        )
        # Finer, evenly spread noise for wisps, fog and smoke: drawn after every other choice (so they
        # keep their look) and before the grain (whose draws depend on the size).
        self.wisp = fbm_2d(rng, 128, 256, 2.6)
        # A fixed dither pattern keeps the 8-bit gradients from banding; it is the same in every
        # frame, so the encoder spends nothing on it (moving grain would cost bits and time).
        # Both are kept in 0..255 units (the grain also rounds), so finishing a frame is three passes.
        self.grain = rng.uniform(-1.0, 1.0, (height, width, 1)).astype(F32) * np.ones((1, 1, 3), F32)
        if not dither:  # stills (reference frames) compress far better without it
            self.grain[:] = 0
        self.grain += 0.5
        self.vignette = self.vignette * np.full((1, 1, 3), 255, F32)

    # -- camera ---------------------------------------------------------------------------------
    def pan_at(self, t: float) -> float:
        """The camera's sideways travel at time t (world units; a layer moves this times its parallax)."""
        return self.pan_dir * PAN_SPEED * min(max(t, 0.0), self.duration)

    def camera(self, t: float) -> None:
        self.t = t
        self.pan = self.pan_at(t)

    def X(self, parallax: float) -> np.ndarray:
        if self.strip_xs is not None:  # painting a layer in world coordinates (layers.py)
            return self.strip_xs
        return self.xs + F32(self.pan * parallax)

    def Y(self) -> np.ndarray:
        return self.ys

    def to_screen(self, x: np.ndarray, y: np.ndarray, parallax: float) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (floats) of world points on a layer with this parallax."""
        return ((x - self.pan * parallax) * self.h).astype(F32), (y * self.h).astype(F32)

    # -- the frame ------------------------------------------------------------------------------
    def frame(self, t: float, index: int = 0) -> np.ndarray:
        self.camera(t)
        s = self.spec
        img = np.empty((self.h, self.w, 3), F32)
        self.scroll(img, "sky", 0.15, self.sky_layer, opaque=True)
        if s.has("stars"):
            self.paint_stars(img)
        if s.has("aurora"):
            self.paint_aurora(img)
        self.paint_sky_air(img)
        if s.has("fireworks"):
            paint_fireworks(self, img, self.fireworks_seed)
        if s.has("lightning"):
            paint_lightning(self, img, self.fireworks_seed)
        if self.n_birds:
            paint_birds(self, img, self.n_birds)
        self.paint_land(img)
        if s.has("rocket"):
            paint_rocket(self, img)
        if s.has("cars"):
            paint_cars(self, img)
        if s.has("people"):
            paint_people(self, img)
        if s.has("cat"):
            paint_cat(self, img)
        if s.has("dog"):
            paint_dog(self, img)
        self.paint_air(img)
        if s.has("rain"):
            self.paint_rain(img)
        if s.has("snow"):
            self.paint_snow(img)
        img *= self.vignette
        img += self.grain
        np.clip(img, 0.0, 255.0, out=img)
        return img.astype(np.uint8)

    # -- sky ------------------------------------------------------------------------------------
    def sky_layer(self, img: np.ndarray) -> None:
        """The sky behind everything: gradient, glow, moon and sun (painted once, scrolled)."""
        s = self.spec
        self.paint_sky(img)
        if s.has("moon"):
            self.paint_disc(img, self.moon_x, 0.2, 0.045, (0.93, 0.94, 0.98), moon=True)
        if s.has("sun"):
            self.paint_disc(img, self.sun_x, self.horizon - self.pal.sun_height, 0.06, self.pal.sun)

    def paint_sky(self, img: np.ndarray) -> None:
        Y, X = self.Y(), self.X(0.15)
        rows = gradient_rows(self.pal.sky, np.clip(Y / self.horizon, 0, 1.2))
        img[:] = rows[:, None, :]
        if self.pal.glow > 0:
            # The warm light around a low sun spreads along the horizon (negligible beyond ±0.4).
            r0, r1 = np.searchsorted(
                Y, [self.horizon - max(0.4, self.pal.sun_height + 0.3), self.horizon + 0.12]
            )
            dy = (Y[r0:r1] - self.horizon)[:, None]
            dx2 = ((X - self.sun_x) ** 2)[None, :]
            band = np.exp(-(dy * dy) / 0.012) * np.exp(-dx2 / (0.9 * self.aspect + 0.3))
            near = np.exp(-((dy + self.pal.sun_height) ** 2) / 0.02) * np.exp(-dx2 / 0.02)
            img[r0:r1] += (band * 0.35 + near * 0.45)[..., None] * (
                self.pal.glow * np.array(self.pal.sun, F32)
            )
        if self.spec.has("city lights"):
            up = np.clip(self.horizon - Y, 0, None)
            img += (np.exp(-up / 0.07) * 0.22)[:, None, None] * np.array([1.0, 0.55, 0.25], F32)

    def paint_stars(self, img: np.ndarray) -> None:
        x, y, bright, phase, speed = self.stars
        twinkle = 0.55 + 0.45 * np.sin(speed * self.t + phase)
        fade = smoothstep(self.horizon, self.horizon - 0.3, y)
        if self.overcast:
            fade = fade * 0.1
        px, py = self.to_screen(x, y, 0.15)
        weight = (bright * twinkle * fade * 1.3).astype(F32)
        big = bright > 0.35
        splat(img, px[~big], py[~big], (0.9, 0.93, 1.0), weight[~big], radius=0)
        splat(img, px[big], py[big], (0.95, 0.95, 1.0), weight[big], radius=1)

    def paint_aurora(self, img: np.ndarray) -> None:
        X, Y, t = self.X(0.2), self.Y(), self.t
        for k, (base, amp, colour_top) in enumerate(
            [(0.4, 0.07, (0.55, 0.2, 0.85)), (0.27, 0.05, (0.3, 0.35, 1.0))]
        ):
            bottom = base + amp * np.sin(X * (2.2 + k) + 0.5 * t + k) + 0.025 * np.sin(X * 7.3 - 1.1 * t)
            # Bright vertical rays drifting along the curtain, brighter and dimmer stretches of it.
            rays = np.clip(
                0.5 + 0.9 * sample_1d(self.ridge2, X * 220 + t * (30 + 14 * k) + 700 * k), 0.05, 1.0
            )
            rays = rays * np.clip(0.7 + 0.8 * sample_1d(self.ridge, X * 40 - t * 8 + 300 * k), 0.25, 1.3)
            above = bottom[None, :] - Y[:, None]
            curtain = np.where(above > 0, np.exp(-above / (0.16 - 0.04 * k)), np.exp(above / 0.012))
            light = curtain * rays[None, :] * (1.1 - 0.4 * k)
            height = np.clip(above / 0.22, 0, 1)
            colour = mix(
                np.broadcast_to(np.array([0.25, 1.0, 0.55], F32), (*light.shape, 3)), colour_top, height
            )
            img += colour * light[..., None] * 3.3

    def window(self, cx: float, cy: float, radius: float, parallax: float) -> tuple[slice, slice]:
        """The rows and columns of the frame within `radius` of a world point (work only there)."""
        X, Y = self.X(parallax), self.Y()
        rows = slice(int(np.searchsorted(Y, cy - radius)), int(np.searchsorted(Y, cy + radius)))
        cols = slice(int(np.searchsorted(X, cx - radius)), int(np.searchsorted(X, cx + radius)))
        return rows, cols

    def paint_disc(self, img: np.ndarray, cx: float, cy: float, r: float, colour, moon: bool = False) -> None:
        rows, cols = self.window(cx, cy, 0.45, 0.15)
        X, Y = self.X(0.15)[cols], self.Y()[rows]
        if X.size == 0 or Y.size == 0:
            return
        region = img[rows, cols]
        dx, dy = (X - cx)[None, :], (Y - cy)[:, None]
        d = np.sqrt(dx * dx + dy * dy)
        # Below the horizon the sea or land covers it later; the glow gives it presence.
        halo = np.exp(-d / (0.06 if moon else 0.045)) * (0.35 if moon else 0.6)
        region += halo[..., None] * np.array(colour, F32)
        inner_rows, inner_cols = self.window(cx, cy, r + 3.0 / self.h, 0.15)
        r0, c0 = inner_rows.start - rows.start, inner_cols.start - cols.start
        r1, c1 = inner_rows.stop - rows.start, inner_cols.stop - cols.start
        d = d[r0:r1, c0:c1]
        disc = region[r0:r1, c0:c1]
        edge = 1.5 / self.h
        alpha = smoothstep(r + edge, r - edge, d)
        body: np.ndarray = np.broadcast_to(np.array(colour, F32), disc.shape)
        if moon:
            maria = sample_2d(self.detail, (Y[r0:r1] - cy) * 900, (X[c0:c1] - cx) * 900)
            body = body * (0.78 + 0.3 * maria)[..., None]
        else:
            body = mix(body, (1.0, 1.0, 0.95), smoothstep(r, 0, d) * 0.7)
        disc += (body - disc) * alpha[..., None]

    # -- weather --------------------------------------------------------------------------------
    def _rain_texture(self, rng: np.random.Generator) -> np.ndarray:
        """A tile of streaks, one texel to a pixel at 540 rows (so a streak is a pixel wide there)."""
        size = 512
        tex = np.zeros((size, size), F32)
        n = 1040
        x0 = rng.uniform(0, size, n)
        y0 = rng.uniform(0, size, n)
        length = rng.uniform(12, 32, n)
        bright = rng.uniform(0.3, 1.0, n)
        for step in np.linspace(0, 1, 32):
            xi = (x0 + 0.18 * length * step).astype(int) % size
            yi = (y0 + length * step).astype(int) % size
            np.add.at(tex, (yi, xi), bright * (0.4 + 0.6 * step))
        return np.clip(tex, 0, 1.2)

    def paint_rain(self, img: np.ndarray) -> None:
        assert self.rain is not None
        scale = max(self.h, 540) / 540  # small frames (previews) get fewer, relatively longer streaks
        streaks = np.zeros((self.h, self.w), F32)
        for speed, density, k in ((1.4, 0.6, 0), (0.8, 0.35, 1)):
            ys = self.ys * self.h / scale * (1 + 0.6 * k) - self.t * speed * 540
            xs = self.xs * self.h / scale * (1 + 0.6 * k) - self.t * speed * 540 * 0.18 + 194 * k
            rows = np.take(self.rain, np.floor(ys).astype(np.int64) % 512, axis=0)
            streaks += np.take(rows, np.floor(xs).astype(np.int64) % 512, axis=1) * F32(density)
        add_light(img, streaks, (0.55, 0.6, 0.68))

    def paint_snow(self, img: np.ndarray) -> None:
        x0, y0, depth, phase, sway, _size = self.flakes
        t = self.t
        speed = 0.05 + 0.1 * depth
        y = (y0 * 1.1 + speed * t) % 1.1 - 0.05
        x = x0 * (self.aspect + 0.3) - 0.15 + 0.02 * np.sin(t * (0.6 + sway) + phase * 6.28) * (0.5 + depth)
        px, py = self.to_screen(x, y, 0.2 + 0.8 * depth)
        weight = (0.45 + 0.55 * depth).astype(F32)
        big = depth > 0.55
        splat(img, px[big], py[big], (0.95, 0.96, 1.0), weight[big] * 0.9, radius=2)
        splat(img, px[~big], py[~big], (0.9, 0.92, 0.98), weight[~big] * 0.7, radius=0)
