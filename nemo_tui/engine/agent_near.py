"""Near misses: edits people ask for that the engine cannot make, each answered with the closest
thing it can do (never a bare "I can't")."""

from __future__ import annotations

import re

CROSSFADE_EN = (
    "I can't crossfade between clips: the renderer plays clips back to back, with no overlap. "
    "The closest I can do is a dip through black: fade the first clip out and the next one in "
    "(say “fade out the first clip and fade in the second”)."
)
CROSSFADE_ZH = (
    "我做不了片段之间的交叉淡化：渲染器只能把片段首尾相接，不能重叠。"
    "最接近的做法是经过黑场过渡：让前一个片段淡出、后一个淡入（可以说“第一个片段淡出，第二个片段淡入”）。"
)

# (pattern, English, Chinese): checked only after no edit matched, in this order.
NEAR_MISSES: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(
            r"\bbold\b|\bitalic|\bunderline|\bfont\b(?! size)|\bshadow\b|\boutline\b|\banimat|粗体|加粗|斜体|下划线|字体(?!大|小)|阴影|描边|动画效果"
        ),
        "I can't change a title's font or style; I can change its text, colour, size, position and "
        "when it shows (e.g. “make the title bigger”, “move the title to the top”).",
        "我不能修改标题的字体或样式；可以改文字、颜色、大小、位置和出现时间（例如“标题大一点”“把标题移到顶部”）。",
    ),
    (
        re.compile(
            r"\brotat|\bflip (?:it|the clip|the video)|\bmirror|\bupside down|旋转|翻转|镜像|倒过来放"
        ),
        "I can't rotate or flip a clip; I can move, swap, trim, split, duplicate, speed up, slow "
        "down, fade or delete it, or change the aspect ratio (16:9, 9:16, 1:1).",
        "我不能旋转或翻转片段；可以移动、交换、裁剪、分割、复制、加速、减速、淡入淡出或删除它，或者修改画面比例。",
    ),
    (
        re.compile(
            r"\bplay (?:it |the clip |this )?backwards?\b|\breverse the (?:clip|video|footage)\b|\brewind\b|倒放|倒着放|倒序播放"
        ),
        "I can't play a clip backwards; I can slow it down, speed it up, or move it elsewhere in the timeline.",
        "我不能倒放片段；可以放慢、加速，或把它移到时间线的别处。",
    ),
    (
        re.compile(
            r"\bfilter\b|\bcolou?r grad|\bbrightness|\bbrighter\b|\bdarker\b|\bcontrast|\bsaturat|\bblack and white\b"
            r"|\bsepia\b|\bblur|\bsharpen|\bvintage\b|滤镜|调色|亮度|亮一点|暗一点|对比度|饱和度|黑白|模糊|锐化|复古"
        ),
        "I can't grade or filter a clip; the closest is generating it again with another time of day "
        "or weather (e.g. “change the first clip to the city at sunset”), charged like a new clip.",
        "我不能给片段加滤镜或调色；最接近的做法是换个时间或天气重新生成（例如“把第一个片段换成黄昏的城市”），和生成新片段一样扣积分。",
    ),
    (
        re.compile(r"\bzoom\b|\bcrop\b|\bpan\b|\bken burns\b|缩放|放大画面|裁切画面|平移"),
        "I can't zoom, crop or pan inside a clip; I can change the whole video's aspect ratio (16:9, 9:16 or 1:1).",
        "我不能在片段里缩放、裁切或平移画面；可以修改整个视频的画面比例（16:9、9:16或1:1）。",
    ),
    (
        re.compile(r"\bvoice[- ]?over\b|\bnarrat|\bsound effects?\b|\bsfx\b|\bvoice\b|配音|旁白|解说|音效"),
        "I can't record a voice-over or add sound effects; I can add background music "
        "(lo-fi, ambient, upbeat or cinematic) and set its volume and fades.",
        "我不能配音或加音效；可以添加背景音乐（Lo-fi、舒缓、欢快或电影感），并调节音量和淡入淡出。",
    ),
    (
        re.compile(r"\b(?:tempo|bpm|bass|treble|pitch|key)\b|节奏|低音|高音|音调|变调"),
        "I can't change the music itself; I can replace it with another style (lo-fi, ambient, "
        "upbeat, cinematic), change its volume, or fade it in or out.",
        "我不能修改音乐本身；可以换成另一种风格（Lo-fi、舒缓、欢快、电影感）、调节音量或淡入淡出。",
    ),
    (
        re.compile(r"\bsticker|\bemoji|\blogo\b|\bwatermark|\boverlay an? image\b|贴纸|表情|水印|标志"),
        "I can't add stickers, logos or watermarks; I can add a title or caption with your words, "
        "in a colour and position you choose.",
        "我不能添加贴纸、标志或水印；可以添加标题或字幕，颜色和位置由你定。",
    ),
]

MUSIC_ONLY_EN = (
    "The music is one track under the whole video, so it can't be moved, split or sped up; "
    "I can change its volume, fade it in or out, replace it with another style or remove it."
)
MUSIC_ONLY_ZH = (
    "背景音乐是铺满整个视频的一条音轨，不能移动、分割或变速；可以调节音量、淡入淡出、换风格或去掉。"
)

TITLE_FADE_EN = (
    "I can't fade titles; they appear and disappear at their times. I can fade clips and the "
    "music, or change when the title shows (e.g. “show the title from 1 to 4 seconds”)."
)
TITLE_FADE_ZH = "标题不能淡入淡出，只能在设定的时间出现和消失；可以给片段和背景音乐加淡入淡出，或修改标题出现的时间（例如“标题从1秒显示到4秒”）。"


# Regenerating (agent_regen.py): what it cannot do, and the closest thing it can.
REGEN_TITLE_EN = (
    "Titles are text, not generated video, so there's nothing to regenerate; I can change a title's "
    "words, colour, size, position or timing (e.g. “change the title to 'Hello'”)."
)
REGEN_TITLE_ZH = (
    "标题是文字，不是生成的视频，没有可重新生成的内容；可以修改标题的文字、颜色、大小、位置或显示时间"
    "（例如“标题改成「你好」”）。"
)
REGEN_ALL_EN = (
    "I regenerate one clip at a time, each charged like a new clip of its length; "
    "say e.g. “regenerate the first clip”, then the next one."
)
REGEN_ALL_ZH = (
    "我一次重新生成一个片段，每个按同样时长的新片段扣积分；可以说“重新生成第一个片段”，再说下一个。"
)
REGEN_LENGTH_EN = (
    "A regenerated clip keeps its length and place, so the rest of the timeline stays put. For a clip "
    "of another length, generate a new one (e.g. “generate a 10-second video of snow”) and delete the "
    "old one, or regenerate this one and then trim it."
)
REGEN_LENGTH_ZH = (
    "重新生成的片段保持原来的时长和位置，时间线的其余部分不变。想要别的时长，可以生成一个新片段"
    "（例如“生成一个10秒的雪景视频”）再删掉旧的，或者重新生成后再裁剪。"
)


def near_miss(low: str) -> tuple[str, str] | None:
    for pattern, en, zh in NEAR_MISSES:
        if pattern.search(low):
            return en, zh
    return None
