"""Every editing request, in English and Chinese, through the live /run_sse; the draft read back
from /state afterwards."""

from __future__ import annotations

import av
import pytest
from engine_helpers import Api, make_test_clip, only_track, upload_file

LANGS = ["en", "zh"]


@pytest.fixture
def api(engine_server):
    client = Api(engine_server.base_url).sign_in().new_session()
    yield client
    client.close()


def said(stream) -> str:
    finals = stream.texts(partial=False)
    assert len(finals) == 1, stream.raw
    return finals[0]


GENERATE = {"en": "generate a 2-second video of a sunset over the ocean", "zh": "生成一个2秒的日落视频"}


@pytest.mark.parametrize("lang", LANGS)
def test_generate_a_clip(api, lang):
    stream = api.turn(GENERATE[lang])
    assert ("procedural" in said(stream)) if lang == "en" else ("程序化" in said(stream))
    state = api.state()
    (segment,) = only_track(state["draft"], 0)["sg"]
    assert segment["d"] == 2000
    assert segment["m"]["prompt"] == ("sunset over the ocean" if lang == "en" else "日落")
    (media,) = state["generated_media"]
    assert segment["m"]["source"] == media["id"] and media["duration_ms"] == 2000
    assert api.credits() == {"available": 98, "frozen": 0, "total": 98}
    clip = api.http.get(media["url"])
    assert clip.status_code == 200
    with av.open(__import__("io").BytesIO(clip.content)) as container:
        stream_info = container.streams.video[0]
        assert stream_info.height == 72  # drawn at reduced size, the render scales it up
        assert sum(1 for _ in container.decode(video=0)) == 24  # 2 s at 12 fps


def test_generation_without_enough_credits_answers_2001(engine_server):
    engine_server.config.initial_credits = 3
    api = Api(engine_server.base_url).sign_in().new_session()
    assert api.turn("generate a 2 second video of rain", streaming=False).status == 200
    resp = api.turn("generate a 2 second video of rain")
    assert resp.status == 403 and '"code":2001' in resp.raw.replace(" ", "")
    assert api.credits() == {"available": 1, "frozen": 0, "total": 1}
    assert len(only_track(api.draft(), 0)["sg"]) == 1


@pytest.mark.parametrize(
    "lang, text, size",
    [
        ("en", "make it vertical", (1080, 1920)),
        ("zh", "竖屏", (1080, 1920)),
        ("en", "change the aspect ratio to 16:9", (1920, 1080)),
        ("zh", "横屏", (1920, 1080)),
        ("en", "make it square", (1080, 1080)),
        ("zh", "方形", (1080, 1080)),
    ],
)
def test_aspect_ratio(api, lang, text, size):
    said(api.turn(text))
    meta = api.draft()["m"]
    assert (meta["width"], meta["height"]) == size


TITLE = {
    "en": "add a title 'Urban Dreams' for the first 3 seconds in yellow at the top",
    "zh": "添加标题“城市之梦” 前3秒 黄色 顶部",
}


@pytest.mark.parametrize("lang", LANGS)
def test_title(api, lang):
    said(api.turn(TITLE[lang]))
    (segment,) = only_track(api.draft(), 7)["sg"]
    assert segment["d"] == 3000
    assert segment["m"]["text"] == ("Urban Dreams" if lang == "en" else "城市之梦")
    assert (segment["m"]["start"], segment["m"]["position"], segment["m"]["color"]) == (0, "top", "yellow")


@pytest.mark.parametrize("lang", LANGS)
def test_undo_takes_back_the_last_turn(api, lang):
    api.turn("make it vertical")
    api.turn(TITLE[lang])
    said(api.turn("undo" if lang == "en" else "撤销"))
    draft = api.draft()
    assert [t["tt"] for t in draft["t"]] == [] and draft["m"]["height"] == 1920
    said(api.turn("undo" if lang == "en" else "撤销"))
    assert api.draft() == {"t": []}
    nothing = said(api.turn("undo" if lang == "en" else "撤销"))
    assert nothing == {"en": "There's nothing to undo yet.", "zh": "还没有可以撤销的编辑。"}[lang]


@pytest.mark.parametrize("lang, text", [("en", "make it 1.5 seconds"), ("zh", "裁剪到1.5秒")])
def test_trim(api, lang, text):
    api.turn(GENERATE[lang])
    api.turn(TITLE[lang])
    said(api.turn(text))
    draft = api.draft()
    assert only_track(draft, 0)["sg"][0]["d"] == 1500
    assert only_track(draft, 7)["sg"][0]["d"] == 1500  # the title is cut at the new end too


@pytest.mark.parametrize(
    "lang, by_kind, by_index",
    [("en", "remove the title", "remove track 1"), ("zh", "删除标题", "删除第1条轨道")],
)
def test_remove_track(api, lang, by_kind, by_index):
    api.turn("make it vertical")
    api.turn(TITLE[lang])
    api.turn('add a caption "second line" at the bottom')
    said(api.turn(by_kind))
    assert api.draft()["t"] == []
    api.turn(TITLE[lang])
    api.turn(GENERATE[lang])
    said(api.turn(by_index))
    assert [t["tt"] for t in api.draft()["t"]] == [7]


@pytest.mark.parametrize("lang, text", [("en", "use my upload"), ("zh", "用我上传的视频")])
def test_use_an_uploaded_clip(api, lang, text, tmp_path):
    clip = tmp_path / "beach.mp4"
    make_test_clip(clip, seconds=1.5)
    upload = upload_file(api, clip).json()
    assert upload["code"] == 0
    (media,) = upload["data"]["media"]
    assert media["kind"] == "video" and media["duration_ms"] == 1500 and media["name"] == "beach.mp4"
    assert "beach.mp4" in said(api.turn(text))
    (segment,) = only_track(api.draft(), 0)["sg"]
    assert segment["m"]["source"] == media["id"] and segment["d"] == 1500
    assert api.state()["video_infos"][0]["id"] == media["id"]


@pytest.mark.parametrize("lang, text", [("en", "use my upload"), ("zh", "用我上传的视频")])
def test_use_upload_with_nothing_uploaded_says_so(api, lang, text):
    reply = said(api.turn(text))
    assert ("Upload one first" in reply) if lang == "en" else ("请先上传" in reply)
    assert api.draft() == {"t": []}


@pytest.mark.parametrize(
    "lang, text, marker",
    [
        ("en", "turn this into a podcast episode", "I can't do that here."),
        ("zh", "把它翻译成法语", "这个我做不到。"),
    ],
)
def test_requests_it_cannot_do(api, lang, text, marker):
    stream = api.turn(text)
    assert stream.calls() == [] and said(stream).startswith(marker)
    assert api.draft() == {"t": []}


MUSIC = {
    "en": (
        "add lo-fi background music at 35%",
        "replace the music with upbeat music",
        "remove the background music",
    ),
    "zh": ("添加背景音乐 音量35%", "把背景音乐换成欢快的音乐", "去掉背景音乐"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_background_music_add_replace_remove(api, lang):
    add, replace, remove = MUSIC[lang]
    api.turn(GENERATE[lang])
    said(api.turn(add))
    state = api.state()
    (segment,) = only_track(state["draft"], 1)["sg"]
    assert segment["m"]["volume"] == 0.35 and segment["m"]["style"] == "lofi" and segment["d"] == 2000
    music = next(m for m in state["generated_media"] if m["id"] == segment["m"]["source"])
    with av.open(__import__("io").BytesIO(api.http.get(music["url"]).content)) as container:
        assert container.streams.audio and abs(float(container.duration) / 1e6 - 2.0) < 0.2

    said(api.turn(replace))
    (segment,) = only_track(api.draft(), 1)["sg"]
    assert segment["m"]["style"] == "upbeat" and segment["m"]["source"] != music["id"]

    said(api.turn(remove))
    assert [t["tt"] for t in api.draft()["t"]] == [0]


def test_music_volume_change_keeps_the_same_track(api):
    api.turn("generate a 1 second video of a forest")
    api.turn("add ambient music")
    source = only_track(api.draft(), 1)["sg"][0]["m"]["source"]
    said(api.turn("set the music volume to 60%"))
    (segment,) = only_track(api.draft(), 1)["sg"]
    assert segment["m"]["volume"] == 0.6 and segment["m"]["source"] == source


def test_segment_names_from_long_prompts_end_on_a_whole_word():
    from nemo_tui.engine.edits import short_name

    assert short_name("sunset over the ocean with waves crashing") == "sunset over the ocean with waves…"
    assert short_name("a city at night") == "a city at night"
    cjk = short_name("海边" * 40)
    assert len(cjk) == 40 and cjk.endswith("…")
