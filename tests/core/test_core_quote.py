"""The words a cost quote is decided by (core/quote.py): a clip drawn again is a generation of
that clip's length, in English and Chinese; edits of a clip there are not generations."""

from __future__ import annotations

import pytest

from nemo_tui.core.activity import looks_like_regeneration
from nemo_tui.core.quote import DEFAULT_CLIP_S, video_seconds
from nemo_tui.core.spend import clip_seconds
from nemo_tui.protocol import Draft

CLIPS = [1.0, 2.0, 3.5]


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("make the second clip a snowy forest instead", 2.0),
        ("change the first clip to a night city", 1.0),
        ("regenerate the last clip", 3.5),
        ("replace clip 2 with a snowy mountain", 2.0),
        ("turn the third clip into a desert at dusk", 3.5),
        ("give me a different version of the first clip", 1.0),
        ("re-roll the second clip", 2.0),
        ("把第二个片段换成雪山", 2.0),
        ("重新生成第一个片段", 1.0),
        ("第一个片段改成夜晚的城市", 1.0),
        ("把最后一个片段重新生成一下", 3.5),
        ("第三段换成海边日落", 3.5),
        ("重做第二个片段", 2.0),
        ("用雪山替换第二个片段", 2.0),
        # No clip named: the dearest one is quoted, as it may be that one.
        ("regenerate it", 3.5),
        ("把它换成雪山", 3.5),
    ],
)
def test_a_clip_drawn_again_is_quoted_at_its_length(text, seconds):
    assert looks_like_regeneration(text)
    assert video_seconds(text, CLIPS) == seconds
    assert video_seconds(text) == DEFAULT_CLIP_S  # the draft not known: a clip's usual length


@pytest.mark.parametrize(
    "text",
    [
        "make the first clip 3 seconds",
        "第一个片段改成3秒",
        "make the second clip twice as fast",
        "make the title red",
        "把标题改成红色",
        "swap the two clips",
        "switch the second and third clips",
        "move the first clip to the end",
        "片段顺序改成2、3、1",
        "make it vertical",
        "replace the music with upbeat music",
        "把音乐音量调到50%",
    ],
)
def test_edits_of_clips_there_are_not_generations(text):
    assert video_seconds(text, CLIPS) is None


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("generate a 10-second video of a sunset", 10.0),
        ("生成一个5秒的日落视频", 5.0),
        ("make a video of rain", 5.0),
    ],
)
def test_new_clips_are_quoted_as_before(text, seconds):
    assert not looks_like_regeneration(text)
    assert video_seconds(text, CLIPS) == seconds


def test_clip_seconds_reads_the_video_track_in_order():
    draft = Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": 1000, "m": {}}, {"d": 2500, "m": {}}]},
                {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Hi", "start": 0}}]},
            ]
        }
    )
    assert clip_seconds(draft) == [1.0, 2.5] and clip_seconds(None) == []
