"""The subjects of the engine's second pass: a rocket, a cat, a dog, people, cars and a waterfall.
Each is drawn where it belongs when a prompt names it (English or Chinese), moves as the clip
plays, is no longer said to be missing, and its words do not fire inside other words."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nemo_tui.engine.honesty import missing, notice
from nemo_tui.engine.media.painter import ScenePainter
from nemo_tui.engine.media.vocabulary import parse_prompt

W, H = 192, 108
# element -> (English prompt, Chinese prompt, where it is drawn: rows and columns as fractions of
# the frame, with room for the camera's glide).
SUBJECTS = {
    "rocket": ("a rocket launch over the desert at dusk", "黄昏时沙漠上的火箭发射", (0.0, 0.85, 0.22, 0.78)),
    "cat": ("a cat sitting on a hill at sunset", "日落时山坡上的小猫", (0.55, 1.0, 0.0, 1.0)),
    "dog": ("a dog walking in the forest", "森林里的小狗", (0.6, 1.0, 0.0, 1.0)),
    "people": ("people walking in the city", "城市街道上的行人", (0.75, 1.0, 0.0, 1.0)),
    "cars": (
        "cars on a highway through the mountains at night",
        "夜晚山间公路上的汽车",
        (0.8, 1.0, 0.0, 1.0),
    ),
    "waterfall": ("a waterfall in the mountains", "山间的瀑布", (0.25, 0.9, 0.15, 0.85)),
}


def _pair(prompt: str, element: str, t: float) -> tuple[np.ndarray, np.ndarray]:
    """The frame at t with the subject and the same scene (same seed) without it."""
    spec = parse_prompt(prompt)
    assert element in spec.elements and element in spec.matched, spec.names()
    without = replace(spec, elements=spec.elements - {element})
    frames = []
    for s in (spec, without):
        painter = ScenePainter(s, W, H, 4.0, np.random.default_rng(5), dither=False)
        frames.append(painter.frame(t).astype(float))
    return frames[0], frames[1]


def _region(rect: tuple[float, float, float, float]) -> np.ndarray:
    y0, y1, x0, x1 = rect
    inside = np.zeros((H, W), bool)
    inside[int(y0 * H) : int(np.ceil(y1 * H)), int(x0 * W) : int(np.ceil(x1 * W))] = True
    return inside


@pytest.mark.parametrize("element", list(SUBJECTS))
@pytest.mark.parametrize("lang", [0, 1])
def test_a_subject_is_drawn_where_it_belongs_and_moves(element: str, lang: int) -> None:
    prompt, rect = SUBJECTS[element][lang], SUBJECTS[element][2]
    inside = _region(rect)
    with_it, without = _pair(prompt, element, 2.0)
    changed = np.abs(with_it - without).max(axis=-1) > 8
    assert changed[inside].mean() > 0.01, f"{element} left no mark where it belongs"
    assert changed[inside].sum() > 0.97 * changed.sum(), f"{element} was drawn outside its place"
    later, later_without = _pair(prompt, element, 2.4)
    moved = np.abs(later - with_it).mean(axis=-1)[inside].mean()
    still = np.abs(later_without - without).mean(axis=-1)[inside].mean()
    assert moved > still + 0.15, f"{element} does not move ({moved:.2f} against {still:.2f})"


@pytest.mark.parametrize("element", list(SUBJECTS))
def test_a_drawn_subject_is_not_called_missing(element: str) -> None:
    for prompt in SUBJECTS[element][:2]:
        assert missing(prompt) == [] and notice(prompt, "en") is None and notice(prompt, "zh") is None
    assert element in parse_prompt(SUBJECTS[element][0]).names()


def test_the_edges_are_anti_aliased() -> None:
    with_it, without = _pair("a dog walking in the forest", "dog", 1.0)
    changed = np.abs(with_it - without).max(axis=-1)
    body = changed > 8
    # Along the silhouette's edge some pixels are only partly covered: values between the two.
    partial = (changed > 3) & (changed < 0.8 * changed[body].max())
    assert partial.sum() > 0.1 * body.sum()


@pytest.mark.parametrize(
    ("prompt", "absent"),
    [
        ("a category of cards with a scar on the sea", {"cat", "cars", "people"}),
        ("who cares, she stares at the sea", {"cars", "stars"}),
        ("a man-made lake", {"people"}),
        ("熊猫和猫头鹰在森林里", {"cat"}),
        ("热狗摊", {"dog"}),
        ("火箭发射", {"fire", "forest"}),
        ("城市上空的烟火", {"fire"}),
    ],
)
def test_subject_words_do_not_fire_inside_other_words(prompt: str, absent: set[str]) -> None:
    assert not parse_prompt(prompt).elements & absent, parse_prompt(prompt).names()


def test_a_busy_street_has_people_and_cars_and_what_is_still_undrawn_is_said() -> None:
    assert {"people", "cars", "city"} <= parse_prompt("a busy Tokyo street").elements
    assert missing("a busy Tokyo street") == []
    assert missing("a bus in the city") == ["buses"] and missing("a spaceship in orbit") == ["a spaceship"]
    assert missing("a river in the forest") == ["a river or stream"] and missing("熊猫") == ["animals"]
