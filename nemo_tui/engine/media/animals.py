"""A cat and a dog in the foreground, as silhouettes: the cat sits, breathing, its tail swaying and
curling; the dog trots across the frame, legs in a diagonal gait, its body bobbing and tail wagging.

Each is a Figure (shapes.py): ellipses and round-ended strokes whose union is filled with coverage
at its edge, placed at sub-pixel positions that follow t smoothly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layers import put
from .shapes import Figure
from .textures import F32

if TYPE_CHECKING:
    from .painter import ScenePainter

CAT_SIZE = 0.24  # frame heights from the ground to the tips of a sitting cat's ears
DOG_SIZE = 0.26  # frame heights from the ground to the top of a dog's head
GROUND = 0.955  # where their feet stand
GAIT = 2 * np.pi * 1.1  # the dog's strides a second, in radians
STRIDE = 0.16  # how far a foot swings either side of its hip, in dog units


def silhouette(scene: ScenePainter) -> np.ndarray:
    return (
        np.array([0.05, 0.045, 0.05], F32) * (0.4 + 0.6 * scene.pal.light)
        + np.array(scene.pal.tree, F32) * 0.3
    )


def shadow(scene: ScenePainter, img: np.ndarray, x: float, y: float, rx: float) -> None:
    """A soft contact shadow on the ground under an animal or a person (pixels)."""
    h, w = img.shape[:2]
    c0, c1 = max(int(x - 1.6 * rx), 0), min(int(x + 1.6 * rx) + 1, w)
    r0, r1 = max(int(y - 0.5 * rx), 0), min(int(y + 0.5 * rx) + 1, h)
    if c0 >= c1 or r0 >= r1:
        return
    dx = ((np.arange(c0, c1, dtype=F32) + 0.5 - x) / rx)[None, :]
    dy = ((np.arange(r0, r1, dtype=F32) + 0.5 - y) / (0.15 * rx))[:, None]
    put(img[r0:r1, c0:c1], np.zeros(3, F32), np.exp(-2 * (dx * dx + dy * dy)) * 0.35 * scene.pal.light)


def _layout(scene: ScenePainter) -> tuple[float, float]:
    """(side, heading): the cat sits on one side (0..1 of the width); the dog sets off from there."""
    rng = np.random.default_rng([scene.fireworks_seed, 31])
    side = 0.22 if rng.random() < 0.5 else 0.78
    return side, (1.0 if side < 0.5 else -1.0)


def paint_cat(scene: ScenePainter, img: np.ndarray) -> None:
    h, t = scene.h, scene.t
    side, facing = _layout(scene)
    s = CAT_SIZE * h
    x, y = (scene.aspect * side - scene.pan) * h, GROUND * h
    shadow(scene, img, x - 0.05 * s * facing, y, 0.3 * s)
    cat = Figure(x, y, s, facing)
    breath = 1 + 0.02 * np.sin(2 * np.pi * 0.4 * t)
    cat.blob(-0.07, -0.2, 0.24, 0.2 * breath)  # haunch
    cat.blob(0.05, -0.42, 0.13, 0.24 * breath, angle=0.25)  # chest
    cat.limb((0.12, -0.4), (0.14, -0.02), r=0.045)  # front legs
    cat.limb((0.05, -0.35), (0.07, -0.02), r=0.04)
    cat.blob(0.05, -0.05, 0.16, 0.05)  # paws and the hind foot
    nod = 0.02 * np.sin(2 * np.pi * 0.13 * t)  # the head turns a little, now and then
    cat.blob(0.11, -0.74 + nod, 0.13, 0.11)  # head
    cat.blob(0.2, -0.7 + nod, 0.06, 0.05)  # muzzle
    cat.poly((0.01, -0.77 + nod), (0.05, -0.97 + nod), (0.11, -0.82 + nod))  # ears
    cat.poly((0.12, -0.83 + nod), (0.2, -0.98 + nod), (0.23, -0.77 + nod))
    # The tail lies along the ground behind and curls up, swaying in a slow wave from root to tip.
    pts, (u, v), angle = [], (-0.26, -0.06), np.pi
    for i in range(7):
        pts.append((u, v))
        angle += 0.28 + 0.22 * np.sin(2 * np.pi * 0.35 * t - 0.7 * i) * (i / 6)
        u, v = u + 0.075 * np.cos(angle), v + 0.075 * np.sin(angle)
    pts.append((u, v))
    cat.limb(*pts, r=0.035)
    cat.paint(img, silhouette(scene), (0.9, 1.05, 0.4, 0.05))


def paint_dog(scene: ScenePainter, img: np.ndarray) -> None:
    h, t = scene.h, scene.t
    side, heading = _layout(scene)
    if scene.spec.has("cat"):  # it sets off from the far side, towards the cat
        side, heading = 1 - side, -heading
    size = DOG_SIZE  # frame heights to one dog unit
    speed = STRIDE * GAIT * 2 / np.pi * size  # world units a second: the feet do not slide
    span = scene.aspect + 4 * size
    start = scene.aspect * side
    x = (start + 2 * size + heading * speed * t) % span - 2 * size
    phase = GAIT * t
    bob = 0.015 * np.cos(2 * phase)
    s = size * h
    sx, sy = (x - scene.pan) * h, GROUND * h
    shadow(scene, img, sx, sy, 0.5 * s)
    dog = Figure(sx, sy, s, heading)
    dog.blob(-0.03, -0.52 + bob, 0.36, 0.15)  # body
    dog.blob(0.2, -0.5 + bob, 0.17, 0.2, angle=-0.3)  # chest
    dog.blob(-0.3, -0.54 + bob, 0.15, 0.15)  # rump
    dog.limb((0.24, -0.58 + bob), (0.36, -0.78 + bob), r=0.1)  # neck
    dog.blob(0.41, -0.82 + bob, 0.13, 0.11)  # head
    dog.poly((0.45, -0.88 + bob), (0.64, -0.78 + bob), (0.62, -0.73 + bob), (0.45, -0.73 + bob))  # muzzle
    dog.poly((0.32, -0.86 + bob), (0.35, -1.03 + bob), (0.42, -0.88 + bob))  # ears, pricked
    dog.poly((0.27, -0.84 + bob), (0.28, -0.99 + bob), (0.34, -0.87 + bob))
    # Diagonal pairs move together (a trot): near fore with far hind, far fore with near hind.
    for hip_u, offset, hind in (
        (0.22, 0.0, False),
        (0.16, np.pi, False),
        (-0.3, np.pi, True),
        (-0.36, 0.0, True),
    ):
        swing = np.sin(phase + offset)
        lift = 0.07 * max(0.0, float(np.cos(phase + offset)))  # a foot rises as it swings forward
        foot = (hip_u + STRIDE * swing, -0.03 - lift)
        hip = (hip_u, -0.47 + bob)
        bend = -0.08 if hind else 0.03
        knee = ((hip[0] + foot[0]) / 2 + bend, (hip[1] + foot[1]) / 2)
        dog.limb(hip, knee, r=0.065)
        dog.limb(knee, foot, r=0.042)
        dog.blob(foot[0] + 0.03, foot[1] + 0.005, 0.055, 0.035)  # the paw
    # The tail curls up behind, wagging.
    wag = 0.35 * np.sin(2 * np.pi * 2.2 * t)
    pts, (u, v), angle = [], (-0.42, -0.58 + bob), np.pi + 0.5
    for i in range(5):
        pts.append((u, v))
        angle += 0.3 + wag * (i + 1) / 5
        u, v = u + 0.07 * np.cos(angle), v + 0.07 * np.sin(angle)
    pts.append((u, v))
    dog.limb(*pts, r=0.045)
    dog.paint(img, silhouette(scene), (0.75, 1.05, 0.8, 0.05))
