"""A lighthouse on a rocky headland at the far shore; after sunset its beam sweeps round."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import coverage, put
from .shapes import fill_polygon
from .textures import F32, add_light

if TYPE_CHECKING:
    from .landscape import LandscapeMixin


def paint_lighthouse(scene: LandscapeMixin, img: np.ndarray) -> None:
    h, t, p = scene.h, scene.t, scene.pal
    side = 0.2 if scene.sun_x > scene.aspect / 2 else 0.8  # away from the sun
    x = scene.aspect * side
    base_y = scene.horizon + 0.004
    sx, sy = (x - scene.pan * 0.4) * h, base_y * h
    rock = np.array(p.mountain, F32) * 0.7
    # The headland: a low hump of rock the tower stands on.
    c0, c1 = max(int(sx - 0.16 * h), 0), min(int(sx + 0.16 * h) + 1, scene.w)
    r0, r1 = max(int(sy - 0.05 * h), 0), min(int(sy + 2), scene.h)
    if c0 < c1 and r0 < r1:
        px = (np.arange(c0, c1, dtype=F32) + 0.5 - sx) / h
        py = (np.arange(r0, r1, dtype=F32) + 0.5) / h
        top = base_y - 0.045 * np.exp(-((px / 0.08) ** 2))
        put(img[r0:r1, c0:c1], rock, coverage((py[:, None] - top[None, :]) * h))
    ty = sy - 0.043 * h  # the tower's foot, on the hump
    tall, foot, head = 0.16 * h, 0.018 * h, 0.011 * h
    white = np.array([0.92, 0.92, 0.9], F32) * (0.25 + 0.75 * p.light)
    red = np.array([0.75, 0.12, 0.1], F32) * (0.25 + 0.75 * p.light)
    bands = 5
    for b in range(bands):  # red and white bands, narrowing upwards
        y0, y1 = ty - tall * b / bands, ty - tall * (b + 1) / bands
        w0 = foot + (head - foot) * b / bands
        w1 = foot + (head - foot) * (b + 1) / bands
        fill_polygon(
            img, [(sx - w0, y0), (sx + w0, y0), (sx + w1, y1), (sx - w1, y1)], red if b % 2 else white
        )
    top_y = ty - tall
    fill_polygon(
        img,
        [
            (sx - head * 1.3, top_y),
            (sx + head * 1.3, top_y),
            (sx + head * 1.3, top_y - 0.3 * head),
            (sx - head * 1.3, top_y - 0.3 * head),
        ],
        rock,
    )
    lamp_y = top_y - 0.9 * head
    night = scene.spec.time_of_day in ("night", "dusk", "sunset") or scene.overcast
    lamp = np.array([1.0, 0.92, 0.6], F32)
    fill_polygon(
        img,
        [
            (sx - head * 0.8, top_y - 0.3 * head),
            (sx + head * 0.8, top_y - 0.3 * head),
            (sx + head * 0.8, lamp_y - 0.6 * head),
            (sx - head * 0.8, lamp_y - 0.6 * head),
        ],
        lamp if night else white * 0.8,
    )
    fill_polygon(
        img,
        [(sx - head, lamp_y - 0.6 * head), (sx + head, lamp_y - 0.6 * head), (sx, lamp_y - 1.6 * head)],
        red,
    )
    if not night:
        return
    # The beam: a wedge from the lamp that turns once every 6 s; seen from the side it sweeps
    # across the sky, longest when it points sideways, and flashes when it faces the camera.
    angle = 2 * np.pi * t / 6.0
    reach = abs(np.cos(angle)) * 0.9 * h + 0.04 * h
    direction = 1.0 if np.cos(angle) >= 0 else -1.0
    r0, r1 = max(int(lamp_y - 0.09 * h), 0), min(int(lamp_y + 0.09 * h), scene.h)
    c0 = int(sx) if direction > 0 else max(int(sx - reach), 0)
    c1 = min(int(sx + reach), scene.w) if direction > 0 else int(sx)
    if r0 < r1 and c0 < c1:
        dx = (np.arange(c0, c1, dtype=F32) + 0.5 - sx) * direction
        dy = np.arange(r0, r1, dtype=F32)[:, None] + 0.5 - lamp_y
        spread = 0.4 * head + dx[None, :] * 0.08
        beam = np.exp(-((dy / spread) ** 2)) * np.clip(1 - dx / reach, 0, 1)[None, :] * 0.55
        region = np.ascontiguousarray(img[r0:r1, c0:c1])
        add_light(region, beam.astype(F32), lamp)
        img[r0:r1, c0:c1] = region
    flash = max(0.0, float(np.sin(angle))) ** 8  # facing the camera
    if flash > 0.01:
        rr = int(0.06 * h)
        r0, r1 = max(int(lamp_y) - rr, 0), min(int(lamp_y) + rr, scene.h)
        c0, c1 = max(int(sx) - rr, 0), min(int(sx) + rr, scene.w)
        if r0 < r1 and c0 < c1:
            d2 = (np.arange(r0, r1, dtype=F32)[:, None] + 0.5 - lamp_y) ** 2 + (
                np.arange(c0, c1, dtype=F32)[None, :] + 0.5 - sx
            ) ** 2
            region = np.ascontiguousarray(img[r0:r1, c0:c1])
            add_light(region, (np.exp(-d2 / (0.25 * rr * rr)) * flash).astype(F32), lamp)
            img[r0:r1, c0:c1] = region
