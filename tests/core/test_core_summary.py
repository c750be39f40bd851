"""Timeline summaries in the seed's exact format, and change descriptions."""

from __future__ import annotations

from nemo_tui.core.summary import describe_changes, timeline_summary
from nemo_tui.protocol import Draft


def seed_draft(*, volume: float = 35, video_ms: int = 10000, title: str = "Urban Dreams") -> Draft:
    return Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": video_ms, "m": {"name": "city timelapse"}}]},
                {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "volume": volume}}]},
                {"tt": 7, "sg": [{"d": 3000, "m": {"text": title}}]},
            ]
        }
    )


def test_seed_example_exactly() -> None:
    assert timeline_summary(seed_draft()) == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )


def test_volume_as_fraction_reads_the_same() -> None:
    assert "BGM: Lo-fi (0-10s, 35%)" in timeline_summary(seed_draft(volume=0.35))


def test_several_segments_fractional_seconds_and_placed_starts() -> None:
    draft = Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": 2500, "m": {"name": "sunrise"}}, {"d": 4000, "m": {"name": "sea"}}]},
                {"tt": 7, "sg": [{"d": 1500, "m": {"text": "Hi", "start": 5000, "role": "caption"}}]},
                {"tt": 1, "sg": [{"d": 6500, "m": {"name": "narration", "kind": "voiceover"}}]},
            ]
        }
    )
    assert timeline_summary(draft) == (
        'Timeline (3 tracks): 1. Video: sunrise (0-2.5s), sea (2.5-6.5s) 2. Caption: "Hi" (5-6.5s) '
        "3. Audio: narration (0-6.5s)"
    )


def test_empty_and_single_track() -> None:
    assert timeline_summary(Draft()) == "Timeline is empty."
    one = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 8000, "m": {"name": "rain"}}]}]})
    assert timeline_summary(one) == "Timeline (1 track): 1. Video: rain (0-8s)"


def test_chinese_summary() -> None:
    assert timeline_summary(seed_draft(), "zh") == (
        "时间线（3 条轨道）：1. 视频：city timelapse (0-10秒) 2. 背景音乐：Lo-fi (0-10秒, 35%) "
        '3. 标题："Urban Dreams" (0-3秒)'
    )


def test_no_change_is_none() -> None:
    assert describe_changes(seed_draft(), seed_draft(), "en") is None


def test_added_video_from_empty() -> None:
    after = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 10000, "m": {"name": "sunset"}}]}]})
    assert describe_changes(Draft(), after, "en") == 'Added a 10 s video "sunset"; duration 0 s → 10 s.'
    assert describe_changes(Draft(), after, "zh") == '添加了 10 秒的视频"sunset"；总时长 0 秒 → 10 秒。'


def test_volume_change() -> None:
    assert describe_changes(seed_draft(), seed_draft(volume=50), "en") == "BGM volume 35% → 50%."
    assert describe_changes(seed_draft(), seed_draft(volume=50), "zh") == "背景音乐音量 35% → 50%。"


def test_removed_title_and_shorter_video() -> None:
    before = seed_draft()
    after = Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": 8000, "m": {"name": "city timelapse"}}]},
                {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "volume": 35}}]},
            ]
        }
    )
    assert describe_changes(before, after, "en") == (
        'Removed the title "Urban Dreams"; video "city timelapse" 10 s → 8 s.'
    )


def test_title_text_edit() -> None:
    change = describe_changes(seed_draft(), seed_draft(title="Night City"), "en")
    assert change == 'Title changed "Urban Dreams" → "Night City".'


def test_shorter_overall() -> None:
    before = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 10000, "m": {"name": "a"}}]}]})
    after = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 8000, "m": {"name": "a"}}]}]})
    assert describe_changes(before, after, "en") == 'Video "a" 10 s → 8 s; duration 10 s → 8 s.'


def test_added_music() -> None:
    before = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 2000, "m": {"name": "sunset"}}]}]})
    after = Draft.from_wire(
        {
            "t": [
                *before.to_wire()["t"],
                {"tt": 1, "sg": [{"d": 2000, "m": {"name": "Lo-fi", "volume": 0.35}}]},
            ]
        }
    )
    assert describe_changes(before, after, "en") == 'Added background music "Lo-fi" (2 s).'
    assert describe_changes(before, after, "zh") == '添加了 2 秒的背景音乐"Lo-fi"。'
