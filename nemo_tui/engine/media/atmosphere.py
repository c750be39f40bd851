"""The air of a scene: clouds and the thin wisps that cross clear skies, their shadows on the land,
fog banks, valley mist, blowing sand or snow, and smoke. Each is a layer painted once and scrolled
(layers.py): the camera moves it by its parallax and the wind by its own drift, smoothly, by
fractions of a pixel each frame."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .layers import LayerMixin, put
from .textures import F32, patches, sample_2d, smoothstep

if TYPE_CHECKING:
    from .palettes import Palette
    from .vocabulary import SceneSpec

CLOUD_DRIFT = 0.1  # world units a second: the wind carries the clouds across the sky
FOG_DRIFT = 0.06
DUST_DRIFT = 0.12


class AtmosphereMixin(LayerMixin):
    spec: SceneSpec
    pal: Palette
    aspect: float
    horizon: float
    overcast: bool
    pan_dir: float
    moon_x: float
    sun_x: float
    clouds: np.ndarray
    detail: np.ndarray
    wisp: np.ndarray
    cloud_shadows: bool

    if TYPE_CHECKING:

        def X(self, parallax: float) -> np.ndarray: ...
        def Y(self) -> np.ndarray: ...

    def paint_sky_air(self, img: np.ndarray) -> None:
        """Clouds, or thin wisps in a clear sky: over the sky, behind the land."""
        s = self.spec
        if s.has("clouds"):
            self.scroll(img, "clouds", 0.3, self.paint_clouds, drift=-CLOUD_DRIFT * self.pan_dir)
        elif s.has("desert") or s.time_of_day == "night":  # thin wisps cross clear skies
            self.scroll(img, "wisps", 0.3, self.paint_wisps, drift=-1.3 * CLOUD_DRIFT * self.pan_dir)

    def paint_air(self, img: np.ndarray) -> None:
        """What drifts in front of the land: cloud shadows, blowing sand, fog."""
        s = self.spec
        if self.cloud_shadows:
            self.scroll(img, "shadows", 1.0, self.paint_shadows, drift=-1.6 * CLOUD_DRIFT * self.pan_dir)
        # Sand blown off the crests; powder snow off a snowfield on a clear night.
        if s.has("desert") or (s.has("aurora") and s.has("mountains") and not s.has("sea", "city")):
            self.scroll(img, "dust", 0.8, self.paint_blowing, drift=DUST_DRIFT * self.pan_dir)
        if s.has("fog"):
            self.scroll(img, "fog", 0.5, partial(self.paint_fog, k=0), drift=FOG_DRIFT)
            self.scroll(img, "mist", 0.85, partial(self.paint_fog, k=1), drift=-FOG_DRIFT * 0.7)

    def paint_clouds(self, img: np.ndarray) -> None:
        X, Y = self.X(0.3), self.Y()
        rows = int(np.searchsorted(Y, self.horizon + 0.02))
        if rows <= 0:
            return
        Y, region = Y[:rows], img[:rows]
        top = 0.02
        r = (Y - top) * 110
        c = X * 160
        # Broad masses from the smooth noise, broken up by the finer one (so every sky gets some
        # cloud, with edges that show the wind carrying it); an overcast sky stays a smoother mass.
        f = 0.15 if self.overcast else 0.4
        dens = (1 - f) * sample_2d(self.clouds, r, c) + f * sample_2d(self.wisp, r * 1.6, c * 0.9) + 0.02
        above = (1 - f) * sample_2d(self.clouds, r + 5, c + 2) + f * sample_2d(
            self.wisp, r * 1.6 + 8, c * 0.9 + 2
        )
        coverage = 0.82 if self.overcast else 0.5
        opacity = 0.95 if self.overcast else 0.85
        alpha = smoothstep(1.0 - coverage - 0.05, 1.0 - coverage + 0.3, dens)
        alpha *= (smoothstep(self.horizon - 0.01, self.horizon - 0.24, Y) * opacity)[:, None]
        lit = np.clip(0.5 + (dens - above) * 6, 0, 1)
        if self.spec.time_of_day in ("sunset", "dawn", "dusk"):
            lit = np.clip(lit * 0.6 + smoothstep(0.2, self.horizon, Y)[:, None] * 0.6, 0, 1)
        shade = np.array(self.pal.cloud_shade, F32)
        put(region, shade + lit[..., None] * (np.array(self.pal.cloud_lit, F32) - shade), alpha)

    def paint_wisps(self, img: np.ndarray) -> None:
        """Thin streaks of high cloud crossing a clear sky, in patches; lit silver near the moon."""
        X, Y = self.X(0.3), self.Y()
        rows = int(np.searchsorted(Y, self.horizon))
        if rows <= 0:
            return
        Y, region = Y[:rows], img[:rows]
        streaks = sample_2d(self.wisp, Y * 300, X * 60)
        fine = sample_2d(self.detail, Y * 420 + 50, X * 150)
        alpha = patches(streaks, 0.5, 0.3) * np.clip(0.35 + 1.3 * fine, 0, 1)
        alpha *= (smoothstep(self.horizon, self.horizon - 0.12, Y) * 0.65)[:, None]
        colour: np.ndarray = np.broadcast_to(np.array(self.pal.cloud_lit, F32), (*alpha.shape, 3))
        if self.spec.has("moon"):
            d = np.sqrt((X - self.moon_x)[None, :] ** 2 + ((Y - 0.2) ** 2)[:, None])
            colour = colour * (0.95 + 1.6 * np.exp(-d / 0.4)).astype(F32)[..., None]
        put(region, colour, alpha)

    def paint_shadows(self, img: np.ndarray) -> None:
        """Shadows of clouds sliding over the land (flattened by perspective towards the horizon)."""
        X, Y = self.X(1.0), self.Y()
        r0 = int(np.searchsorted(Y, self.horizon))  # below the horizon only: never on the sky
        depth = np.clip(Y[r0:] - self.horizon + 0.1, 0.02, None)
        shade = sample_2d(self.clouds, 40 * np.log(depth) + 300, X * 90)
        fade_in = smoothstep(self.horizon, self.horizon + 0.08, Y[r0:])[:, None]
        amount = smoothstep(0.45, 0.75, shade) * fade_in * (0.3 * self.pal.light)
        put(img[r0:], np.zeros(3, F32), amount)

    def paint_blowing(self, img: np.ndarray) -> None:
        """Sand (or powder snow) blown off the crests, in streaks low over the land."""
        X, Y = self.X(0.8), self.Y()
        streaks = sample_2d(self.wisp, Y * 420 + 71, X * 45 + 90)
        fine = sample_2d(self.detail, Y * 500 + 20, X * 160)
        amount = smoothstep(self.horizon - 0.1, self.horizon + 0.08, Y)[:, None] * patches(
            streaks, 0.45, 0.35
        )
        amount *= np.clip(0.3 + 1.4 * fine, 0, 1)
        if self.spec.has("desert"):
            colour = np.array([0.95, 0.78, 0.55], F32) * (0.45 + 0.6 * self.pal.light)
        else:
            colour = np.array([0.86, 0.9, 1.0], F32) * (0.3 + 0.75 * self.pal.light)
        put(img, colour, amount * (0.35 + 0.15 * self.pal.light))

    def paint_fog(self, img: np.ndarray, k: int) -> None:
        """Bank k of fog: k = 0 lies along the horizon, k = 1 nearer, thinner, over the foreground;
        they drift past each other at different depths. k = 2 is mist lying in the valleys below
        mountains at dawn. In banks, with clear gaps between them."""
        X, Y = self.X(0.5), self.Y()
        bank = sample_2d(self.wisp, Y * (140 + 60 * k) + 37 * k, X * (28 - 6 * k) + 70 * k)
        fine = sample_2d(self.detail, Y * 300 + 9 * k, X * (110 - 20 * k))
        if k == 1:
            profile = smoothstep(self.horizon - 0.05, 1.0, Y) * 0.8
        else:
            centre, spread = (self.horizon - 0.04, 0.13) if k == 0 else (self.horizon + 0.02, 0.06)
            profile = np.exp(-(((Y - centre) / spread) ** 2))
        amount = profile[:, None] * (0.2 + 0.8 * patches(bank, 0.55, 0.4)) * (0.7 + 0.6 * fine)
        fog = np.array(self.pal.sky[-1][1], F32) * 0.85 + 0.12
        if k == 2:  # lit by the low sun
            fog = fog * 0.6 + np.array(self.pal.sun, F32) * 0.4
        put(img, fog, np.clip(amount * (0.75 if k != 1 else 0.55), 0, 0.75))
