"""Edits on items already in the draft, as the agent plans them (pure: no server).

Each phrasing is planned against a small draft; its calls are applied with the engine's own pure
edits; the test compares a flat view of the draft before and after and expects exactly the listed
keys to change (so an edit that touched the wrong clip, or one thing too many, fails).
"""

from __future__ import annotations

import pytest

from nemo_tui.engine import edits, edits_items
from nemo_tui.engine.agent import plan_turn

THREE = {
    "m": {"width": 1920, "height": 1080},
    "t": [
        {
            "tt": 0,
            "sg": [
                {"d": 4000, "m": {"name": "sunset over the ocean", "prompt": "sunset over the ocean"}},
                {"d": 3000, "m": {"name": "city at night", "prompt": "city at night"}},
                {"d": 2000, "m": {"name": "forest in the rain", "prompt": "forest in the rain"}},
            ],
        },
        {"tt": 1, "sg": [{"d": 9000, "m": {"name": "Lo-fi music", "style": "lofi", "volume": 0.4}}]},
        {
            "tt": 7,
            "sg": [
                {
                    "d": 3000,
                    "m": {
                        "text": "Urban Dreams",
                        "start": 0,
                        "position": "center",
                        "color": "white",
                        "role": "title",
                    },
                },
                {
                    "d": 2000,
                    "m": {
                        "text": "Hello world",
                        "start": 6000,
                        "position": "bottom",
                        "color": "white",
                        "role": "caption",
                    },
                },
            ],
        },
    ],
}
TWO = {
    "m": {"width": 1920, "height": 1080},
    "t": [
        {
            "tt": 0,
            "sg": [
                {"d": 4000, "m": {"name": "sunset over the ocean", "prompt": "sunset over the ocean"}},
                {"d": 3000, "m": {"name": "city at night", "prompt": "city at night"}},
            ],
        },
        {"tt": 1, "sg": [{"d": 7000, "m": {"name": "Lo-fi music", "style": "lofi", "volume": 0.3}}]},
        {
            "tt": 7,
            "sg": [
                {
                    "d": 3000,
                    "m": {"text": "Hi", "start": 0, "position": "center", "color": "white", "role": "title"},
                }
            ],
        },
    ],
}
DRAFTS = {"three": THREE, "two": TWO}


def clip(seg):
    """'sunset:4000', plus ' x2' (speed), ' +1500' (source offset), ' in1000' / ' out1000' (fades),
    and ' new' when its media was generated again."""
    m = seg.get("m") or {}
    text = f"{m.get('name', '').split()[0]}:{seg['d']}" + (" new" if m.get("source") == REGENERATED else "")
    for key, mark in (("speed", " x"), ("offset", " +"), ("fade_in", " in"), ("fade_out", " out")):
        if m.get(key):
            text += f"{mark}{m[key]:g}"
    return text


def view(draft):
    """Everything a person would notice about the draft, as flat keys."""
    out = {"clips": tuple(clip(s) for s in edits_items.segments(draft, 0))}
    for seg in edits_items.segments(draft, 7):
        m = seg.get("m") or {}
        role = m.get("role", "title")
        out[f"{role}.d"] = seg["d"]
        for key in ("text", "color", "position", "start", "font_size"):
            out[f"{role}.{key}"] = m.get(key)
    for seg in edits_items.segments(draft, 1):
        m = seg.get("m") or {}
        out["music.d"] = seg["d"]
        for key in ("volume", "fade_in", "fade_out"):
            out[f"music.{key}"] = m.get(key)
    return out


REGENERATED = "media_regenerated"


def apply(draft, plan):
    for call in plan.calls:
        if call.name in edits_items.TOOLS:
            draft = edits_items.apply(draft, call.name, call.args)[0]
        elif call.name == "regenerate_video":  # the media a turn would draw, as turns.py puts it in
            prompt = call.args["prompt"]
            draft = edits_items.regenerate(
                draft, call.args["index"], source=REGENERATED, name=prompt, prompt=prompt
            )[0]
        elif call.name == "set_background_music" and call.args["style"] is None:
            draft = edits.set_background_music(
                draft, source=None, style=None, volume=call.args["volume"], duration_ms=0
            )[0]
        elif call.name == "remove_background_music":
            draft = edits.remove_tracks(draft, kind=1)[0]
        else:
            raise AssertionError(f"unexpected call {call.name} {call.args}")
    return draft


def changes(before, after):
    a, b = view(before), view(after)
    return {k: b.get(k) for k in set(a) | set(b) if a.get(k) != b.get(k)}


S, C, F = "sunset:4000", "city:3000", "forest:2000"


def clips(*items, music=None):
    out = {"clips": items}
    if music is not None:
        out["music.d"] = music
    return out


SWAP12 = clips(C, S, F)
SWAP13 = clips(F, C, S)
SWAP23 = clips(S, F, C)
SWAP_TWO = clips(C, S)
REVERSED = clips(F, C, S)
FIRST_TO_END = clips(C, F, S)
LAST_TO_START = clips(F, S, C)
SECOND_TO_END = clips(S, F, C)
NO_FIRST = clips(C, F, music=5000)
NO_SECOND = clips(S, F, music=6000)
NO_LAST = clips(S, C, music=7000)
DUP1 = clips(S, S, C, F, music=13000)
DUP2 = clips(S, C, C, F, music=12000)
DUP3 = clips(S, C, F, F, music=11000)
SPLIT1_HALF = clips("sunset:2000", "sunset:2000 +2000", C, F)
SPLIT1_AT1 = clips("sunset:1000", "sunset:3000 +1000", C, F)
SPLIT2_HALF = clips(S, "city:1500", "city:1500 +1500", F)
SPLIT2_AT2 = clips(S, "city:2000", "city:1000 +2000", F)
FAST2 = clips(S, "city:1500 x2", F, music=7500)
FAST1 = clips("sunset:2000 x2", C, F, music=7000)
SLOW2 = clips(S, "city:6000 x0.5", F, music=12000)
SLOW3 = clips(S, C, "forest:4000 x0.5", music=11000)
SPEEDUP2 = clips(S, "city:2000 x1.5", F, music=8000)
TRIM2_TO2 = clips(S, "city:2000", F, music=8000)
TRIM1_TO3 = clips("sunset:3000", C, F, music=8000)
TRIM1_BY1_START = clips("sunset:3000 +1000", C, F, music=8000)
TRIM3_TO1 = clips(S, C, "forest:1000", music=8000)
FADE_IN1 = clips("sunset:4000 in1000", C, F)
FADE_OUT3 = clips(S, C, "forest:2000 out1000")
FADE_BOTH = clips("sunset:4000 in1000", C, "forest:2000 out1000")
FADE_IN1_2S = clips("sunset:4000 in2000", C, F)
FADE2_BOTH = clips(S, "city:3000 in1000 out1000", F)


NEW1_SNOWY = clips("snowy:4000 new", C, F)
NEW2_SNOWY = clips(S, "snowy:3000 new", F)
NEW2_SNOW_MOUNTAIN = clips(S, "雪山:3000 new", F)
NEW2_CITY = clips(S, "city:3000 new", F)
NEW1_NIGHT = clips("night:4000 new", C, F)
NEW1_NIGHT_ZH = clips("夜晚的城市:4000 new", C, F)
NEW1_SUNSET = clips("sunset:4000 new", C, F)
NEW3_DESERT = clips(S, C, "desert:2000 new")
NEW3_FOREST = clips(S, C, "forest:2000 new")
NEW3_SNOWY_ZH = clips(S, C, "下雪的森林:2000 new")
NEW2_AURORA = clips(S, "极光:3000 new", F)
NEW2_BEACH = clips(S, "海边日落:3000 new", F)
NEW1_DESERT = clips("沙漠:4000 new", C, F)
NEW1_SNOW_MOUNTAIN = clips("雪山:4000 new", C, F)
NEW2_TWO = clips(S, "city:3000 new")


def title(**kw):
    return {f"title.{k}": v for k, v in kw.items()}


def caption(**kw):
    return {f"caption.{k}": v for k, v in kw.items()}


def music(**kw):
    return {f"music.{k}": v for k, v in kw.items()}


ROWS = [
    # ---- titles: colour ----
    ("make the title red", "three", title(color="red")),
    ("change the title colour to blue", "three", title(color="blue")),
    ("turn the title yellow", "three", title(color="yellow")),
    ("title in green please", "three", title(color="green")),
    ("can you make the heading orange", "three", title(color="orange")),
    ("set the title color to #FF8800", "three", title(color="#FF8800")),
    ("make the caption pink", "three", caption(color="pink")),
    ("change the subtitle to purple", "three", caption(color="purple")),
    ("make the title red", "two", title(color="red")),
    ("把标题改成红色", "three", title(color="red")),
    ("标题换成蓝色", "three", title(color="blue")),
    ("标题颜色改为黄色", "three", title(color="yellow")),
    ("把标题的颜色调成绿色", "three", title(color="green")),
    ("标题用金色", "three", title(color="gold")),
    ("字幕改成粉色", "three", caption(color="pink")),
    ("把字幕颜色换成紫色", "three", caption(color="purple")),
    ("标题变成橙色", "two", title(color="orange")),
    ("请把标题设为紫色", "two", title(color="purple")),
    ("把标题改成黑色", "two", title(color="black")),
    # ---- titles: text ----
    ("change the title to 'Hello'", "three", title(text="Hello")),
    ('rename the title to "City Lights"', "three", title(text="City Lights")),
    ("make the title say 'Good night'", "three", title(text="Good night")),
    ("the title should read 'Summer 2025'", "three", title(text="Summer 2025")),
    ("edit the caption to 'See you soon'", "three", caption(text="See you soon")),
    ("change the caption text to 'Bye'", "three", caption(text="Bye")),
    ("update the title to 'Night Drive'", "two", title(text="Night Drive")),
    ("标题改成“你好”", "three", title(text="你好")),
    ("把标题换成「城市之光」", "three", title(text="城市之光")),
    ("把标题文字改为“夏日”", "three", title(text="夏日")),
    ("字幕改成“再见”", "three", caption(text="再见")),
    ("把字幕写成“明天见”", "three", caption(text="明天见")),
    ("标题修改为“晚安”", "two", title(text="晚安")),
    ("标题改成 海边的夏天", "two", title(text="海边的夏天")),
    # ---- titles: position ----
    ("move the title to the top", "three", title(position="top")),
    ("put the title at the bottom", "three", title(position="bottom")),
    ("place the caption in the middle", "three", caption(position="center")),
    ("move the caption to the top", "three", caption(position="top")),
    ("title at the top please", "two", title(position="top")),
    ("把标题移到顶部", "three", title(position="top")),
    ("标题放到底部", "three", title(position="bottom")),
    ("把字幕挪到上面", "three", caption(position="top")),
    ("字幕放在中间", "three", caption(position="center")),
    ("标题移到下方", "two", title(position="bottom")),
    ("把标题放在画面上方", "two", title(position="top")),
    # ---- titles: size ----
    ("make the title bigger", "three", title(font_size=113)),
    ("make the title larger", "three", title(font_size=113)),
    ("make the title smaller", "three", title(font_size=58)),
    ("set the title font size to 96", "three", title(font_size=96)),
    ("make the caption bigger", "three", caption(font_size=76)),
    ("shrink the caption", "three", caption(font_size=39)),
    ("标题大一点", "three", title(font_size=113)),
    ("把标题放大", "three", title(font_size=113)),
    ("标题字号调到60", "three", title(font_size=60)),
    ("把标题缩小", "three", title(font_size=58)),
    ("字幕大一些", "three", caption(font_size=76)),
    ("字幕小一点", "three", caption(font_size=39)),
    # ---- titles: time ----
    ("show the title from 2 to 5 seconds", "three", title(start=2000)),
    ("make the title last 5 seconds", "three", title(d=5000)),
    ("show the title for 4 seconds", "three", title(d=4000)),
    ("start the title at 1 second", "three", title(start=1000)),
    ("show the caption for the last 3 seconds", "three", caption(d=3000)),
    ("move the title to the end", "three", title(start=6000)),
    ("show the title for the first 2 seconds", "three", title(d=2000)),
    ("标题从2秒到5秒显示", "three", title(start=2000)),
    ("标题持续5秒", "three", title(d=5000)),
    ("标题显示4秒", "three", title(d=4000)),
    ("标题从第1秒开始", "three", title(start=1000)),
    ("把标题移到第3秒", "three", title(start=3000)),
    ("字幕最后3秒显示", "three", caption(d=3000)),
    ("标题只显示前2秒", "three", title(d=2000)),
    # ---- titles: several at once, and "it" ----
    ("make the title red and bigger", "three", title(color="red", font_size=113)),
    ("move the title to the top and make it yellow", "three", title(position="top", color="yellow")),
    ("把标题改成红色并移到顶部", "three", title(color="red", position="top")),
    ("标题改成蓝色，放到底部", "three", title(color="blue", position="bottom")),
    ("make it red", "two", title(color="red")),
    ("把它改成绿色", "two", title(color="green")),
    # ---- clips: delete ----
    ("remove the second clip", "three", NO_SECOND),
    ("delete clip 2", "three", NO_SECOND),
    ("drop the first clip", "three", NO_FIRST),
    ("delete the last clip", "three", NO_LAST),
    ("get rid of the city clip", "three", NO_SECOND),
    ("remove the forest clip", "three", NO_LAST),
    ("delete the final clip", "three", NO_LAST),
    ("remove the 2nd clip", "three", NO_SECOND),
    ("take out the third clip", "three", NO_LAST),
    ("remove the opening clip", "three", NO_FIRST),
    ("删除第二个片段", "three", NO_SECOND),
    ("删掉第一段视频", "three", NO_FIRST),
    ("把最后一个片段删掉", "three", NO_LAST),
    ("去掉第三个片段", "three", NO_LAST),
    ("把第2个片段删除", "three", NO_SECOND),
    ("移除第一个镜头", "three", NO_FIRST),
    ("删除片段2", "three", NO_SECOND),
    ("删掉倒数第二个片段", "three", NO_SECOND),
    ("删掉最后一段", "three", NO_LAST),
    # ---- clips: swap ----
    ("swap the two clips", "two", SWAP_TWO),
    ("swap the first and second clips", "three", SWAP12),
    ("swap clip 1 and clip 3", "three", SWAP13),
    ("switch the second and third clips", "three", SWAP23),
    ("exchange the first clip with the last one", "three", SWAP13),
    ("swap the clips", "two", SWAP_TWO),
    ("flip the order of the two clips", "two", SWAP_TWO),
    ("交换两个片段", "two", SWAP_TWO),
    ("把第一个和第二个片段交换", "three", SWAP12),
    ("第一段和第三段互换", "three", SWAP13),
    ("调换第二个和第三个片段", "three", SWAP23),
    ("把两个片段对调", "two", SWAP_TWO),
    ("片段1和片段2换一下位置", "three", SWAP12),
    ("交换第一个和最后一个片段", "three", SWAP13),
    # ---- clips: move and reorder ----
    ("move the first clip to the end", "three", FIRST_TO_END),
    ("move the last clip to the start", "three", LAST_TO_START),
    ("put the last clip first", "three", LAST_TO_START),
    ("move clip 3 to the beginning", "three", LAST_TO_START),
    ("move the second clip to the end", "three", SECOND_TO_END),
    ("move the sunset clip to the end", "three", FIRST_TO_END),
    ("move the forest clip to the front", "three", LAST_TO_START),
    ("move the first clip after the third", "three", FIRST_TO_END),
    ("move the third clip before the first", "three", LAST_TO_START),
    ("move clip 1 to position 3", "three", FIRST_TO_END),
    ("reverse the order of the clips", "three", REVERSED),
    ("put the clips in reverse order", "three", REVERSED),
    ("reorder the clips 3, 1, 2", "three", LAST_TO_START),
    ("rearrange the clips as 2 3 1", "three", FIRST_TO_END),
    ("把第一个片段移到最后", "three", FIRST_TO_END),
    ("把最后一个片段移到开头", "three", LAST_TO_START),
    ("把第三段放到最前面", "three", LAST_TO_START),
    ("第二个片段挪到末尾", "three", SECOND_TO_END),
    ("把第一个片段移到第三个片段后面", "three", FIRST_TO_END),
    ("把第三个片段移到第一个前面", "three", LAST_TO_START),
    ("把片段顺序倒过来", "three", REVERSED),
    ("片段倒序排列", "three", REVERSED),
    ("按3、1、2的顺序排列片段", "three", LAST_TO_START),
    ("片段顺序改成2、3、1", "three", FIRST_TO_END),
    # ---- clips: duplicate ----
    ("duplicate the first clip", "three", DUP1),
    ("copy the second clip", "three", DUP2),
    ("repeat the last clip", "three", DUP3),
    ("duplicate clip 2", "three", DUP2),
    ("clone the forest clip", "three", DUP3),
    ("复制第一个片段", "three", DUP1),
    ("把第二段复制一份", "three", DUP2),
    ("重复最后一个片段", "three", DUP3),
    ("把片段3再来一次", "three", DUP3),
    ("复制第二个镜头", "three", DUP2),
    # ---- clips: split ----
    ("split the first clip in half", "three", SPLIT1_HALF),
    ("split the first clip at 1 second", "three", SPLIT1_AT1),
    ("cut the second clip in two", "three", SPLIT2_HALF),
    ("split clip 2 at 2s", "three", SPLIT2_AT2),
    ("divide the city clip in half", "three", SPLIT2_HALF),
    ("把第一个片段从中间分割", "three", SPLIT1_HALF),
    ("在1秒处拆分第一个片段", "three", SPLIT1_AT1),
    ("把第二个片段一分为二", "three", SPLIT2_HALF),
    ("把第二段在第2秒切开", "three", SPLIT2_AT2),
    ("把第一个片段分成两段", "three", SPLIT1_HALF),
    # ---- clips: trim ----
    ("trim the second clip to 2 seconds", "three", TRIM2_TO2),
    ("shorten the second clip by 1 second", "three", TRIM2_TO2),
    ("cut the first clip to 3 seconds", "three", TRIM1_TO3),
    ("make the first clip 3 seconds", "three", TRIM1_TO3),
    ("trim 1 second off the start of the first clip", "three", TRIM1_BY1_START),
    ("trim the last clip to 1s", "three", TRIM3_TO1),
    ("把第二个片段剪到2秒", "three", TRIM2_TO2),
    ("第二个片段缩短1秒", "three", TRIM2_TO2),
    ("把第一段裁剪到3秒", "three", TRIM1_TO3),
    ("第一个片段改成3秒", "three", TRIM1_TO3),
    ("把最后一个片段剪成1秒", "three", TRIM3_TO1),
    ("第一个片段开头剪掉1秒", "three", TRIM1_BY1_START),
    # ---- clips: speed ----
    ("speed up the second clip 2x", "three", FAST2),
    ("make the second clip twice as fast", "three", FAST2),
    ("play the first clip at 2x speed", "three", FAST1),
    ("slow the second clip down to half speed", "three", SLOW2),
    ("make the last clip slow motion", "three", SLOW3),
    ("speed up the city clip", "three", SPEEDUP2),
    ("play clip 2 at 0.5x", "three", SLOW2),
    ("第二个片段加速到2倍", "three", FAST2),
    ("把第二段调成2倍速", "three", FAST2),
    ("第一个片段2倍速播放", "three", FAST1),
    ("第二个片段放慢到0.5倍速", "three", SLOW2),
    ("最后一个片段慢动作", "three", SLOW3),
    ("把第二个片段加速", "three", SPEEDUP2),
    ("第二段0.5倍速", "three", SLOW2),
    # ---- fades ----
    ("fade in the first clip", "three", FADE_IN1),
    ("fade out the last clip", "three", FADE_OUT3),
    ("fade the video in and out", "three", FADE_BOTH),
    ("add a 2 second fade in to the first clip", "three", FADE_IN1_2S),
    ("fade the second clip in and out", "three", FADE2_BOTH),
    ("fade out at the end", "three", FADE_OUT3),
    ("fade out the music", "three", music(fade_out=1000)),
    ("fade the music in", "three", music(fade_in=1000)),
    ("fade the music in and out over 2 seconds", "three", music(fade_in=2000, fade_out=2000)),
    ("第一个片段淡入", "three", FADE_IN1),
    ("最后一个片段淡出", "three", FADE_OUT3),
    ("视频淡入淡出", "three", FADE_BOTH),
    ("第一个片段淡入2秒", "three", FADE_IN1_2S),
    ("第二段渐入渐出", "three", FADE2_BOTH),
    ("背景音乐淡出", "three", music(fade_out=1000)),
    ("音乐淡入", "three", music(fade_in=1000)),
    ("音乐淡入淡出2秒", "three", music(fade_in=2000, fade_out=2000)),
    # ---- music volume ----
    ("set the music volume to 50%", "three", music(volume=0.5)),
    ("music volume 20%", "three", music(volume=0.2)),
    ("turn the music down to 10%", "three", music(volume=0.1)),
    ("make the music louder", "three", music(volume=0.6)),
    ("turn the music down", "three", music(volume=0.27)),
    ("make the music quieter", "three", music(volume=0.27)),
    ("lower the music volume", "two", music(volume=0.2)),
    ("turn up the music", "two", music(volume=0.45)),
    ("把音乐音量调到50%", "three", music(volume=0.5)),
    ("背景音乐音量改为20%", "three", music(volume=0.2)),
    ("音乐音量百分之三十", "three", music(volume=0.3)),
    ("音乐大声一点", "three", music(volume=0.6)),
    ("背景音乐调小", "three", music(volume=0.27)),
    ("把音乐调低一点", "two", music(volume=0.2)),
    ("音乐音量调高", "two", music(volume=0.45)),
    ("把配乐的音量降低", "three", music(volume=0.27)),
    # ---- clips: regenerate (a new scene, or the same prompt with a new seed; charged) ----
    ("make the second clip a snowy forest instead", "three", NEW2_SNOWY),
    ("change the first clip to a night city", "three", NEW1_NIGHT),
    ("regenerate the last clip", "three", NEW3_FOREST),
    ("replace the second clip with a snowy forest", "three", NEW2_SNOWY),
    ("turn the last clip into a desert at dusk", "three", NEW3_DESERT),
    ("the second clip should show a snowy forest", "three", NEW2_SNOWY),
    ("swap out the first clip for a snowy forest", "three", NEW1_SNOWY),
    ("re-roll the second clip", "three", NEW2_CITY),
    ("give me a different version of the first clip", "three", NEW1_SUNSET),
    ("generate the city clip again", "three", NEW2_CITY),
    ("regenerate the second clip", "two", NEW2_TWO),
    ("把第二个片段换成雪山", "three", NEW2_SNOW_MOUNTAIN),
    ("重新生成第一个片段", "three", NEW1_SUNSET),
    ("第一个片段改成夜晚的城市", "three", NEW1_NIGHT_ZH),
    ("把最后一个片段重新生成一下", "three", NEW3_FOREST),
    ("第二段换成海边日落", "three", NEW2_BEACH),
    ("把第一个镜头改为沙漠", "three", NEW1_DESERT),
    ("把第三个片段变成下雪的森林", "three", NEW3_SNOWY_ZH),
    ("第二个片段的画面换成极光", "three", NEW2_AURORA),
    ("用雪山替换第一个片段", "three", NEW1_SNOW_MOUNTAIN),
    ("重做第二个片段", "three", NEW2_CITY),
    ("再生成一次第二个片段", "two", NEW2_TWO),
]


def has_cjk(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_table_is_wide_and_half_chinese():
    assert len(ROWS) >= 200
    assert len({text for text, _, _ in ROWS}) > 195  # a few phrasings rerun on the other draft
    chinese = sum(1 for text, _, _ in ROWS if has_cjk(text))
    assert 0.45 <= chinese / len(ROWS) <= 0.55


@pytest.mark.parametrize("text, base, expected", ROWS)
def test_item_edit(text, base, expected):
    draft = DRAFTS[base]
    plan = plan_turn(text, draft)
    assert plan.calls, plan.reply
    assert changes(draft, apply(draft, plan)) == expected, plan.reply
    # Only a regenerated clip is charged: its own length, as a fresh generation of it would be.
    redrawn = [c.args for c in plan.calls if c.name == "regenerate_video"]
    lengths = [edits_items.segments(draft, 0)[a["index"]]["d"] / 1000 for a in redrawn]
    assert [a["duration"] for a in redrawn] == lengths and plan.generate_seconds == sum(lengths)
    if redrawn:
        assert f"costs {lengths[0]:g} credits" in plan.reply or f"费用{lengths[0]:g}积分" in plan.reply
    # The reply says what was done, in the request's language, and never "I can't".
    assert plan.reply and has_cjk(plan.reply) == has_cjk(text)
    assert "can't" not in plan.reply and "做不到" not in plan.reply


NEAR_MISSES = [
    ("add a crossfade between the clips", "dip through black"),
    ("在两个片段之间加转场", "黑场过渡"),
    ("make the title bold", "I can change its text, colour, size, position"),
    ("标题加粗", "可以改文字、颜色、大小、位置"),
    ("rotate the second clip", "change the aspect ratio"),
    ("把第一个片段旋转90度", "修改画面比例"),
    ("add a black and white filter", "generating it again"),
    ("给视频加个滤镜", "重新生成"),
    ("fade the title in", "I can fade clips and the music"),
    ("标题淡入", "可以给片段和背景音乐加淡入淡出"),
    ("speed up the music", "I can change its volume, fade it"),
    ("把音乐移到第二个片段", "可以调节音量"),
    ("regenerate the title", "I can change a title's words"),
    ("重新生成标题", "可以修改标题的文字"),
    ("regenerate all the clips", "one clip at a time"),
    ("重新生成所有片段", "一次重新生成一个片段"),
    ("change the second clip to 10 seconds of snow", "generate a new one"),
    ("把第二个片段换成10秒的雪景", "可以生成一个新片段"),
]


@pytest.mark.parametrize("text, closest", NEAR_MISSES)
def test_near_misses_name_the_closest_edit(text, closest):
    plan = plan_turn(text, THREE)
    assert plan.calls == [] and closest in plan.reply


@pytest.mark.parametrize(
    "text, words",
    [
        ("add a title that says two", "two"),
        ("再加一个标题写着二", "二"),
        ("add another caption saying bye", "bye"),
    ],
)
def test_adding_a_title_beside_one_keeps_the_first(text, words):
    # "add … that says …" is a new title, not a change to the one there ("Hi" stays).
    plan = plan_turn(text, TWO)
    assert [c.name for c in plan.calls] == ["add_text"], plan.reply
    assert plan.calls[0].args["text"] == words


def test_a_regenerated_clip_names_what_it_cannot_draw():
    plan = plan_turn("make the second clip a horse playing in the snow", THREE)
    assert [c.name for c in plan.calls] == ["regenerate_video"]
    assert "can't draw animals" in plan.reply and "can't draw animals" in plan.notice


def test_an_upload_has_no_prompt_to_draw_again_but_can_be_replaced():
    upload = {"t": [{"tt": 0, "sg": [{"d": 3000, "m": {"name": "beach.mp4", "source": "media_up"}}]}]}
    plan = plan_turn("regenerate the first clip", upload)
    assert plan.calls == [] and "your upload" in plan.reply and "change the clip to" in plan.reply
    plan = plan_turn("change the first clip to a snowy forest", upload)
    assert [c.args for c in plan.calls] == [{"index": 0, "prompt": "snowy forest", "duration": 3}]


def test_a_regenerated_clip_plays_at_normal_speed_and_later_clauses_see_it():
    fast = edits_items.set_speed(THREE, 0, 1, 2.0)[0]
    plan = plan_turn("regenerate the second clip, then fade it out", fast)
    assert [c.name for c in plan.calls] == ["regenerate_video", "update_item"]
    assert plan.calls[0].args == {"index": 1, "prompt": "city at night", "duration": 1.5}
    assert "normal speed" in plan.reply and plan.generate_seconds == 1.5
    assert changes(fast, apply(fast, plan)) == clips(S, "city:1500 new out750", F)


@pytest.mark.parametrize("text", ["make it a snowy forest", "把它换成雪山"])
def test_it_is_the_clip_the_last_turn_made(text):
    before = {**TWO, "t": [TWO["t"][0] | {"sg": TWO["t"][0]["sg"][:1]}, *TWO["t"][1:]]}
    plan = plan_turn(text, TWO, previous=before)
    assert [c.args["index"] for c in plan.calls if c.name == "regenerate_video"] == [1]


@pytest.mark.parametrize(
    "text, call",
    [
        ("make a 3-second video of snow", "generate_video"),
        ("重新生成一个5秒的日落视频", "generate_video"),
        ("make it vertical", "set_aspect_ratio"),
        ("redo", None),
    ],
)
def test_new_clips_and_other_edits_are_not_regenerations(text, call):
    plan = plan_turn(text, TWO)
    assert "regenerate_video" not in [c.name for c in plan.calls]
    assert call is None or [c.name for c in plan.calls] == [call]
