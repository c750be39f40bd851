"""People: a few figures walking across the foreground as silhouettes, legs striding and arms
swinging in step, bobbing a little at each step; nearer ones are larger and lower in the frame.

Each figure is a Figure (shapes.py) at a sub-pixel position that follows t: the stride and the pace
are tied together, so the feet do not slide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .animals import shadow, silhouette
from .shapes import Figure
from .textures import F32

if TYPE_CHECKING:
    from .painter import ScenePainter

WALKERS = 4
STEP = 2 * np.pi * 0.9  # strides a second, in radians (two steps each)
SWING = 0.42  # how far a thigh swings from upright, radians
THIGH, SHIN = 0.25, 0.25  # in body heights
CLOTHES = np.array([[0.35, 0.12, 0.1], [0.12, 0.18, 0.32], [0.3, 0.28, 0.22], [0.16, 0.24, 0.16]], F32)


def _leg(hip: tuple[float, float], phase: float) -> list[tuple[float, float]]:
    """Hip, knee and foot of a leg at this point of its stride (the knee bends as it swings through)."""
    thigh = SWING * np.sin(phase)
    bend = 0.9 * max(0.0, float(np.cos(phase))) ** 2  # forward swing: the foot is lifted
    knee = (hip[0] + THIGH * np.sin(thigh), hip[1] + THIGH * np.cos(thigh))
    shin = thigh - bend
    return [hip, knee, (knee[0] + SHIN * np.sin(shin), knee[1] + SHIN * np.cos(shin))]


def paint_people(scene: ScenePainter, img: np.ndarray) -> None:
    rng = np.random.default_rng([scene.fireworks_seed, 47])
    x0, depth, pace, phase0, tone = rng.uniform(0, 1, (5, WALKERS))
    heading = np.where(rng.uniform(0, 1, WALKERS) < 0.5, 1.0, -1.0)
    heading[0] = -heading[1]  # never all one way
    t, h = scene.t, scene.h
    body = silhouette(scene)
    for k in np.argsort(depth):  # far ones first
        if scene.spec.has("city"):  # on the pavement in front of the buildings, the traffic nearer
            tall, ground = 0.085 + 0.03 * float(depth[k]), 0.928 + 0.014 * float(depth[k])
        else:
            tall, ground = 0.13 + 0.1 * float(depth[k]), 0.885 + 0.07 * float(depth[k])
        cadence = STEP * (0.9 + 0.2 * float(pace[k]))
        # A stride covers about two thighs' swing: the body moves as fast as the planted foot.
        speed = 2 * THIGH * np.sin(SWING) * 2 * cadence / (2 * np.pi) * tall
        span = scene.aspect + 0.6
        x = (scene.aspect * float(x0[k]) + heading[k] * speed * t + 0.3) % span - 0.3
        phase = cadence * t + 6.3 * float(phase0[k])
        s = tall * h
        sx, sy = (x - scene.pan) * h, ground * h
        shadow(scene, img, sx, sy, 0.2 * s)
        bob = -0.015 * abs(float(np.cos(phase)))
        person = Figure(sx, sy, s, float(heading[k]))
        hip = (0.0, -0.5 + bob)
        for side in (0.0, np.pi):
            person.limb(*_leg(hip, phase + side), r=0.042)
            arm = -0.35 * np.sin(phase + side)  # arms swing against the legs
            shoulder = (0.0, -0.77 + bob)
            elbow = (shoulder[0] + 0.15 * np.sin(arm), shoulder[1] + 0.15 * np.cos(arm))
            hand = (elbow[0] + 0.14 * np.sin(arm + 0.35), elbow[1] + 0.14 * np.cos(arm + 0.35))
            person.limb(shoulder, elbow, hand, r=0.03)
        person.blob(0.0, -0.64 + bob, 0.085, 0.17)  # torso
        person.limb((0.0, -0.8 + bob), (0.0, -0.84 + bob), r=0.035)  # neck
        person.blob(0.015, -0.92 + bob, 0.058, 0.07)  # head
        colour = body * 0.7 + CLOTHES[int(tone[k] * len(CLOTHES))] * 0.3 * (0.3 + 0.7 * scene.pal.light)
        if scene.spec.has("city lights"):  # lit by the shop windows and street lamps behind them
            colour = colour + np.array([0.09, 0.075, 0.06], F32)
        person.paint(img, colour, (0.45, 1.02, 0.45, 0.05))
