"""Music follows the video: a replacement keeps the volume the person chose, and clips added later
stay covered by the music (the renderer loops it), through the planner, the edits and the live engine."""

from __future__ import annotations

import pytest
from engine_helpers import Api, only_track

from nemo_tui.engine.agent import plan_turn
from nemo_tui.engine.edits import add_video_segment, music_volume


def wire(video_ms: list[int], music_ms: int | None, volume: float = 0.4, start: int | None = None) -> dict:
    tracks: list[dict] = [
        {"tt": 0, "sg": [{"d": d, "m": {"source": f"c{i}"}} for i, d in enumerate(video_ms)]}
    ]
    if music_ms is not None:
        m = {
            "source": "bgm",
            "style": "lofi",
            "volume": volume,
            **({"start": start} if start is not None else {}),
        }
        tracks.append({"tt": 1, "sg": [{"d": music_ms, "m": m}]})
    return {"t": tracks}


@pytest.mark.parametrize(
    "text", ["replace the music with upbeat music", "换成史诗的背景音乐", "swap the music for something calm"]
)
def test_replacing_the_music_keeps_its_volume(text: str) -> None:
    plan = plan_turn(text, wire([5000], 5000, volume=0.4))
    ((name, args),) = [(c.name, c.args) for c in plan.calls]
    assert name == "set_background_music" and args["volume"] == 0.4 and args["style"], args
    assert "40%" in plan.reply


def test_a_stated_volume_still_wins_and_new_music_gets_the_default() -> None:
    assert (
        plan_turn("replace the music with epic music at 70%", wire([5000], 5000)).calls[0].args["volume"]
        == 0.7
    )
    # generated clips are silent: new music plays at its mastered level (edits.MUSIC_ALONE_VOLUME)
    assert plan_turn("add upbeat music", wire([5000], None)).calls[0].args["volume"] == 1.0
    assert music_volume(wire([5000], 5000, volume=35)) == 0.35, "a percentage from the cloud reads the same"


@pytest.mark.parametrize(
    "video_ms, music_ms, start, expected_music_ms",
    [
        ([5000], 5000, None, 8000),  # covered the video: still covers it
        ([5000], 7000, None, 8000),  # ran past the video: now reaches the new end
        ([5000], 10000, None, 10000),  # already longer than the new video: untouched
        ([5000], 2000, None, 2000),  # stopped early on purpose: untouched
        ([5000], 3000, 2000, 6000),  # placed at 2 s to the end: still to the end (2 s + 6 s)
        ([], 10000, None, 10000),  # the first clip: music added before any video keeps its length
    ],
)
def test_added_clips_stay_covered_by_the_music(video_ms, music_ms, start, expected_music_ms) -> None:
    new, _ = add_video_segment(
        wire(video_ms, music_ms, start=start), source="new", name="new", duration_ms=3000
    )
    (music,) = only_track(new, 1)["sg"]
    assert music["d"] == expected_music_ms
    assert music["m"]["volume"] == 0.4 and music["m"]["source"] == "bgm", "the same music, just longer"


def test_live_music_keeps_volume_on_replace_and_covers_new_clips(engine_server) -> None:
    api = Api(engine_server.base_url).sign_in().new_session()
    api.turn("generate a 1 second video of a forest")
    api.turn("add lo-fi background music at 40%")
    api.turn("replace the music with upbeat music")
    (segment,) = only_track(api.draft(), 1)["sg"]
    assert segment["m"]["style"] == "upbeat" and segment["m"]["volume"] == 0.4
    api.turn("generate a 1 second video of rain")
    draft = api.draft()
    (segment,) = only_track(draft, 1)["sg"]
    assert sum(s["d"] for s in only_track(draft, 0)["sg"]) == 2000 and segment["d"] == 2000
    api.close()
