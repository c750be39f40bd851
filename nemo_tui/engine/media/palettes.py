"""Colours of the scene for each time of day (linear-ish RGB, 0..1)."""

from __future__ import annotations

from dataclasses import dataclass, replace

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class Palette:
    sky: list[tuple[float, RGB]]  # stops from the top of the frame (0) to the horizon (1)
    sun: RGB
    sea_far: RGB  # the sea at the horizon (it mirrors the sky there)
    sea_near: RGB
    cloud_lit: RGB
    cloud_shade: RGB
    mountain: RGB
    ground: RGB
    tree: RGB
    light: float  # how lit the land is (snow, sand)
    sun_height: float  # sun centre above the horizon, in frame heights
    glow: float  # strength of the warm glow around the sun / horizon


PALETTES: dict[str, Palette] = {
    "dawn": Palette(
        sky=[
            (0.0, (0.14, 0.2, 0.44)),
            (0.45, (0.46, 0.44, 0.66)),
            (0.8, (0.96, 0.68, 0.56)),
            (1.0, (1.0, 0.84, 0.62)),
        ],
        sun=(1.0, 0.86, 0.62),
        sea_far=(0.78, 0.62, 0.62),
        sea_near=(0.1, 0.14, 0.28),
        cloud_lit=(1.0, 0.8, 0.72),
        cloud_shade=(0.48, 0.42, 0.58),
        mountain=(0.32, 0.3, 0.46),
        ground=(0.24, 0.3, 0.26),
        tree=(0.07, 0.13, 0.12),
        light=0.8,
        sun_height=0.05,
        glow=0.8,
    ),
    "day": Palette(
        sky=[(0.0, (0.1, 0.3, 0.68)), (0.55, (0.3, 0.56, 0.87)), (1.0, (0.72, 0.85, 0.96))],
        sun=(1.0, 0.98, 0.9),
        sea_far=(0.5, 0.7, 0.85),
        sea_near=(0.03, 0.2, 0.36),
        cloud_lit=(1.0, 1.0, 1.0),
        cloud_shade=(0.66, 0.71, 0.8),
        mountain=(0.36, 0.43, 0.52),
        ground=(0.3, 0.48, 0.2),
        tree=(0.06, 0.22, 0.1),
        light=1.0,
        sun_height=0.42,
        glow=0.35,
    ),
    "sunset": Palette(
        sky=[
            (0.0, (0.07, 0.06, 0.22)),
            (0.35, (0.34, 0.13, 0.35)),
            (0.72, (0.94, 0.38, 0.18)),
            (1.0, (1.0, 0.72, 0.3)),
        ],
        sun=(1.0, 0.8, 0.38),
        sea_far=(0.86, 0.42, 0.2),
        sea_near=(0.05, 0.04, 0.11),
        cloud_lit=(1.0, 0.55, 0.28),
        cloud_shade=(0.33, 0.13, 0.28),
        mountain=(0.24, 0.11, 0.2),
        ground=(0.14, 0.07, 0.09),
        tree=(0.04, 0.02, 0.05),
        light=0.7,
        sun_height=0.035,
        glow=1.0,
    ),
    "dusk": Palette(
        sky=[
            (0.0, (0.03, 0.04, 0.14)),
            (0.45, (0.16, 0.13, 0.34)),
            (0.82, (0.52, 0.3, 0.45)),
            (1.0, (0.82, 0.52, 0.42)),
        ],
        sun=(1.0, 0.6, 0.45),
        sea_far=(0.46, 0.3, 0.4),
        sea_near=(0.03, 0.04, 0.1),
        cloud_lit=(0.78, 0.46, 0.5),
        cloud_shade=(0.17, 0.13, 0.27),
        mountain=(0.12, 0.1, 0.2),
        ground=(0.06, 0.06, 0.1),
        tree=(0.03, 0.03, 0.06),
        light=0.45,
        sun_height=-0.05,
        glow=0.55,
    ),
    "night": Palette(
        sky=[(0.0, (0.005, 0.01, 0.04)), (0.6, (0.02, 0.04, 0.11)), (1.0, (0.06, 0.1, 0.2))],
        sun=(0.9, 0.93, 1.0),
        sea_far=(0.09, 0.13, 0.24),
        sea_near=(0.01, 0.02, 0.05),
        cloud_lit=(0.28, 0.31, 0.4),
        cloud_shade=(0.05, 0.06, 0.11),
        mountain=(0.05, 0.06, 0.12),
        ground=(0.03, 0.04, 0.07),
        tree=(0.01, 0.02, 0.03),
        light=0.3,
        sun_height=-0.2,
        glow=0.0,
    ),
}


def _toward(c: RGB, target: RGB, k: float) -> RGB:
    (r, g, b), (tr, tg, tb) = c, target
    return (r + (tr - r) * k, g + (tg - g) * k, b + (tb - b) * k)


def palette_for(time_of_day: str, overcast: bool) -> Palette:
    """The time of day's palette; rain and snow skies turn it grey and soften the light."""
    p = PALETTES.get(time_of_day, PALETTES["day"])
    if not overcast:
        return p
    level = {"day": 0.62, "dawn": 0.5, "sunset": 0.42, "dusk": 0.26, "night": 0.08}.get(time_of_day, 0.5)
    grey = (level * 0.92, level * 0.96, level * 1.05)
    return replace(
        p,
        sky=[(s, _toward(c, grey, 0.75)) for s, c in p.sky],
        sea_far=_toward(p.sea_far, grey, 0.6),
        sea_near=_toward(p.sea_near, (0.05, 0.07, 0.09), 0.5),
        cloud_lit=_toward(p.cloud_lit, grey, 0.7),
        cloud_shade=_toward(p.cloud_shade, (level * 0.5,) * 3, 0.7),
        light=p.light * 0.8,
        glow=p.glow * 0.25,
    )
