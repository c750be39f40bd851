"""Honesty about what a procedural clip shows: subjects the painter cannot draw are named with
what it draws instead, even on a silent turn; clip metadata says procedural and what matched."""

from __future__ import annotations

import pytest
from engine_helpers import Api, only_track

from nemo_tui.engine import lexicon as lx
from nemo_tui.engine.agent import plan_turn
from nemo_tui.engine.media.vocabulary import parse_prompt


@pytest.mark.parametrize(
    "text, subject",
    [
        ("generate a video of a spaceship in orbit", "can't draw a spaceship"),
        ("generate a 3 second video of a horse on the beach", "can't draw animals"),
        ("create a video of a bus in the city", "can't draw buses"),
        ("generate a video of a river at dawn", "can't draw a river or stream"),
        ("生成一只熊猫吃竹子的视频", "画不了动物"),
        ("生成一段河流的视频", "画不了河流和小溪"),
        ("生成飞船的视频", "画不了飞船"),
    ],
)
def test_subjects_it_cannot_draw_are_named_with_what_it_draws(text, subject):
    plan = plan_turn(text, {"t": []})
    assert subject in plan.reply
    assert "this clip shows a " in plan.reply or "这个片段画的是" in plan.reply
    assert plan.notice and subject in plan.notice  # kept for silent turns


@pytest.mark.parametrize(
    "text",
    [
        "generate a video of a sunset over the ocean",
        "生成雪花飘落的森林视频",
        "generate a city at night",
        # Drawn since the engine's second pass: a cat, a dog, a rocket, people, cars, a waterfall.
        "generate a video of a cat playing on the beach",
        "create a video of a dog on the beach",
        "generate a 3 second video of a rocket launch",
        "generate a video of a busy Tokyo street",
        "生成一个小狗在海边奔跑的视频",
        "生成一段猫咪睡觉的视频",
        "生成火箭发射的视频",
        "生成山间瀑布的视频",
    ],
)
def test_scenes_it_can_draw_get_no_notice(text):
    plan = plan_turn(text, {"t": []})
    assert plan.notices == [] and "can't" not in plan.reply and "画不了" not in plan.reply


def test_a_clip_of_a_drawn_subject_records_it_as_matched(engine_server):
    api = Api(engine_server.base_url).sign_in().new_session()
    try:
        (final,) = api.turn("generate a 1-second video of a cat and a dog on a beach").texts(partial=False)
        assert "can't" not in final
        (segment,) = only_track(api.draft(), 0)["sg"]
        assert segment["m"]["procedural"] is True
        assert {"sea", "cat", "dog"} <= set(segment["m"]["matched"]) and "cat" in segment["m"]["scene"]
    finally:
        api.close()


def test_misreads_are_fixed():
    storm = parse_prompt("a thunderstorm over the hills")
    assert "rain" in storm.elements and "sun" not in storm.elements
    assert "city" in parse_prompt("a busy street").elements
    assert lx.aspect("generate a portrait of an old man") is None
    assert lx.aspect("make it portrait") == "9:16"
    plan = plan_turn("generate a portrait of an old man", {"t": []})
    assert [c.name for c in plan.calls] == ["generate_video"]


def test_a_silent_turn_still_says_what_it_cannot_draw(engine_server):
    engine_server.config.silent_turns = "always"
    api = Api(engine_server.base_url).sign_in().new_session()
    try:
        stream = api.turn("generate a 1-second video of a horse on a beach")
        (final,) = stream.texts(partial=False)
        assert "can't draw animals" in final and "Generating" not in final
        (segment,) = only_track(api.draft(), 0)["sg"]
        assert segment["m"]["procedural"] is True
        assert set(segment["m"]["matched"]) == {"sea"} and "sea" in segment["m"]["scene"]
        quiet = api.turn("make it vertical")
        assert quiet.texts(partial=False) == []  # nothing to own up to: silence stays silent
    finally:
        api.close()
