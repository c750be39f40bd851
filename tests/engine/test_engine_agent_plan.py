"""The agent's reading of requests (pure: no server), in English and Chinese."""

from __future__ import annotations

import pytest

from nemo_tui.engine.agent import plan_turn

VIDEO_10S = {"t": [{"tt": 0, "sg": [{"d": 10000, "m": {"name": "city"}}]}]}


def calls(text, draft=None, uploads=None, **kw):
    plan = plan_turn(text, draft if draft is not None else VIDEO_10S, uploads, **kw)
    return [(c.name, c.args) for c in plan.calls], plan


@pytest.mark.parametrize(
    "text, seconds, prompt",
    [
        (
            "generate a 10-second video of a sunset over the ocean with waves crashing",
            10,
            "sunset over the ocean with waves crashing",
        ),
        ("生成一个10秒的日落视频", 10, "日落"),
        ("create a video of snow falling on a forest", 5, "snow falling on a forest"),
        ("generate a 90 second video of stars", 60, "stars"),
        ("生成十五秒的城市夜景视频", 15, "城市夜景"),
        # request verbs are stripped only in front: inside the scene they are part of words
        ("生成一个8秒的海上日落视频，海浪拍岸", 8, "海上日落，海浪拍岸"),
        ("请帮我生成一段6秒的未来城市视频", 6, "未来城市"),
    ],
)
def test_generation_reads_duration_and_scene(text, seconds, prompt):
    got, plan = calls(text)
    assert got == [("generate_video", {"prompt": prompt, "duration": seconds})]
    assert plan.generate_seconds == seconds


def test_generation_over_the_limit_says_it_was_capped():
    _, plan = calls("generate a 90 second video of stars")
    assert "at most 60 seconds" in plan.reply


@pytest.mark.parametrize(
    "text, ratio",
    [
        ("make it vertical", "9:16"),
        ("set the aspect ratio to 16:9", "16:9"),
        ("make it square", "1:1"),
        ("竖屏", "9:16"),
        ("改成横屏", "16:9"),
        ("方形画面", "1:1"),
        ("switch to 9:16", "9:16"),
    ],
)
def test_aspect_ratio(text, ratio):
    assert calls(text)[0] == [("set_aspect_ratio", {"ratio": ratio})]


def test_one_message_can_carry_several_edits():
    got, _plan = calls(
        "generate a vertical 8 second video of a city at night with upbeat music, "
        'then add a caption "Night, city" at the bottom',
        draft={"t": []},
    )
    assert [name for name, _ in got] == [
        "set_aspect_ratio",
        "generate_video",
        "set_background_music",
        "add_text",
    ]
    assert got[1][1] == {"prompt": "city at night", "duration": 8}
    assert got[3][1]["text"] == "Night, city" and got[3][1]["position"] == "bottom"
    assert got[3][1]["role"] == "caption"


@pytest.mark.parametrize(
    "text, style, volume",
    [
        ("add lo-fi background music at 35%", "lofi", 0.35),
        ("添加背景音乐 音量30%", "lofi", 0.30),
        # no volume named, every clip generated (silent): the music at its mastered level
        ("add epic music", "cinematic", 1.0),
        ("add some upbeat music", "upbeat", 1.0),
        ("加一段轻快的背景音乐，音量百分之二十", "upbeat", 0.20),
    ],
)
def test_background_music(text, style, volume):
    got, _ = calls(text)
    assert got == [("set_background_music", {"style": style, "volume": volume, "duration": 10.0})]


def test_music_volume_only_keeps_the_track():
    with_music = {"t": VIDEO_10S["t"] + [{"tt": 1, "sg": [{"d": 10000, "m": {"style": "lofi"}}]}]}
    assert calls("set the music volume to 20%", with_music)[0] == [
        ("set_background_music", {"style": None, "volume": 0.2})
    ]


WITH_MUSIC_AND_TITLE = {
    "t": VIDEO_10S["t"]
    + [{"tt": 1, "sg": [{"d": 10000, "m": {}}]}, {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Hi"}}]}]
}


@pytest.mark.parametrize("text", ["remove the background music", "去掉背景音乐", "no music please"])
def test_remove_music(text):
    assert calls(text, WITH_MUSIC_AND_TITLE)[0] == [("remove_background_music", {})]
    got, plan = calls(text)
    assert got == [] and plan.reply == (
        "当前没有背景音乐。"
        if any("\u4e00" <= c <= "\u9fff" for c in text)
        else "There's no background music to remove."
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "add a title 'Urban Dreams' for the first 3 seconds in yellow at the top",
            {
                "text": "Urban Dreams",
                "start_ms": 0,
                "duration_ms": 3000,
                "position": "top",
                "color": "yellow",
                "role": "title",
            },
        ),
        (
            "添加标题“城市之梦” 前3秒",
            {
                "text": "城市之梦",
                "start_ms": 0,
                "duration_ms": 3000,
                "position": "center",
                "color": "white",
                "role": "title",
            },
        ),
        (
            'add a caption "Video of the year" from 2 to 5 seconds',
            {
                "text": "Video of the year",
                "start_ms": 2000,
                "duration_ms": 3000,
                "position": "bottom",
                "color": "white",
                "role": "caption",
            },
        ),
        (
            "添加字幕「你好」最后2秒 红色 顶部",
            {
                "text": "你好",
                "start_ms": 8000,
                "duration_ms": 2000,
                "position": "top",
                "color": "red",
                "role": "caption",
            },
        ),
        (
            "put the text 'Hi' in #FF00AA at the center",
            {
                "text": "Hi",
                "start_ms": 0,
                "duration_ms": 3000,
                "position": "center",
                "color": "#FF00AA",
                "role": "title",
            },
        ),
    ],
)
def test_titles_and_captions(text, expected):
    assert calls(text)[0] == [("add_text", expected)]


def test_title_without_words_asks_for_them():
    got, plan = calls("add a title")
    assert got == [] and "What should the text say?" in plan.reply


@pytest.mark.parametrize("text", ["make it 8 seconds", "trim it to 8s", "裁剪到8秒", "时长改成八秒"])
def test_trim(text):
    assert calls(text)[0] == [("set_duration", {"seconds": 8})]


def test_trim_cannot_stretch_and_says_so():
    got, plan = calls("make it 20 seconds")
    assert got == [] and "only 10 seconds long" in plan.reply


@pytest.mark.parametrize(
    "text, args",
    [
        ("remove track 2", {"index": 2}),
        ("delete the second track", {"index": 2}),
        ("删除第2条轨道", {"index": 2}),
        ("remove the title", {"kind": 7}),
        ("删除字幕", {"kind": 7}),
        ("delete the video", {"kind": 0}),
    ],
)
def test_remove_track(text, args):
    assert calls(text, WITH_MUSIC_AND_TITLE)[0] == [("remove_track", args)]


@pytest.mark.parametrize(
    "text, reply",
    [
        ("remove track 4", "There's no track 4: the timeline has 3."),
        ("remove the title", "There's no text track to remove."),
        ("删除第5条轨道", "没有第5条轨道：时间线上共有3条。"),
    ],
)
def test_removing_what_is_not_there_says_so(text, reply):
    draft = {"t": VIDEO_10S["t"] + [{"tt": 1, "sg": []}, {"tt": 1, "sg": []}]}
    got, plan = calls(text, draft)
    assert got == [] and plan.reply == reply


@pytest.mark.parametrize("text", ["undo", "撤销", "please undo that"])
def test_undo(text):
    assert calls(text)[0] == [("undo", {})]
    got, plan = calls(text, can_undo=False)
    assert got == [] and plan.reply == (
        "还没有可以撤销的编辑。"
        if any("\u4e00" <= c <= "\u9fff" for c in text)
        else "There's nothing to undo yet."
    )


UPLOADS = [
    {
        "media_id": "media_1",
        "kind": "video",
        "name": "beach.mp4",
        "path": "uploads/a.mp4",
        "duration_ms": 4000,
    }
]


@pytest.mark.parametrize(
    "text", ["use my upload", "add the uploaded clip", "用我上传的视频", "使用上传的图片"]
)
def test_use_upload(text):
    assert calls(text, uploads=UPLOADS)[0] == [("use_upload", {"media_id": "media_1"})]


def test_use_upload_without_one_says_to_upload_first():
    got, plan = calls("use my upload", uploads=[])
    assert got == [] and "Upload one first" in plan.reply


@pytest.mark.parametrize(
    "text, marker",
    [
        ("translate this into French", "I can't do that here. I can:"),
        ("把它翻译成法语", "这个我做不到。我可以"),
    ],
)
def test_requests_it_cannot_do_get_an_honest_answer(text, marker):
    got, plan = calls(text)
    assert got == [] and plan.reply.startswith(marker)


def test_reply_language_follows_the_request():
    assert calls("竖屏")[1].language == "zh"
    assert "竖屏" in calls("竖屏")[1].reply
    assert calls("make it vertical")[1].reply.startswith("Switching to vertical")


def test_music_without_a_volume_sits_under_an_uploaded_videos_sound():
    # An uploaded video may carry speech: music added without a volume plays under it (30 %), while
    # over generated (silent) clips it plays at its mastered level (100 %).
    uploads = [{"media_id": "m1", "kind": "video", "name": "talk.mp4", "path": "uploads/talk.mp4"}]
    assert calls("add epic music", uploads=uploads)[0] == [
        ("set_background_music", {"style": "cinematic", "volume": 0.3, "duration": 10.0})
    ]
    assert calls("add epic music")[0][0][1]["volume"] == 1.0
