"""Saying plainly what a procedural clip will show when the prompt names something the painter
cannot draw (a spaceship, a bus, a river, a horse): the subject, and what it draws instead.

The painter's own vocabulary decides what is drawable: a subject word that the vocabulary knows
(because someone taught the painter to draw it) is never reported as missing.
"""

from __future__ import annotations

import re

from .media.vocabulary import KEYWORDS, TIMES_OF_DAY, parse_prompt

# subject -> (English words, Chinese words). Chinese matches as substrings, so only whole nouns.
SUBJECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "a spaceship": (("spaceship", "spaceships", "spacecraft"), ("飞船",)),
    "buses": (("bus", "buses"), ("公交车", "巴士")),
    "birds": (("bird", "birds", "seagull", "seagulls", "eagle"), ("鸟", "海鸥", "老鹰")),
    "animals": (
        ("horse", "horses", "fish", "whale", "dolphin", "deer", "lion", "tiger", "bear"),
        ("马", "鱼", "鲸", "海豚", "鹿", "狮子", "老虎", "熊"),
    ),
    "boats": (("boat", "boats", "ship", "ships", "sailboat", "yacht"), ("船", "帆船", "游艇")),
    "planes and trains": (
        ("plane", "airplane", "jet", "train", "trains", "helicopter"),
        ("飞机", "火车", "直升机"),
    ),
    "a robot": (("robot", "robots"), ("机器人",)),
    "dragons and dinosaurs": (("dragon", "dragons", "dinosaur", "dinosaurs"), ("龙", "恐龙")),
    "flowers": (("flower", "flowers", "butterfly", "butterflies"), ("鲜花", "花朵", "花海", "蝴蝶")),
    "a river or stream": (("river", "rivers", "stream", "streams"), ("河", "小溪")),
    "a lighthouse": (("lighthouse",), ("灯塔",)),
    "fireworks": (("firework", "fireworks"), ("烟花", "烟火")),
    "lightning": (("lightning", r"thunder\w*"), ("闪电", "雷")),
    "buildings up close": (
        ("house", "castle", "bridge", "tower", "temple"),
        ("房子", "城堡", "桥", "塔", "寺庙"),
    ),
    "a face or portrait": (("face", "portrait", "selfie"), ("脸", "肖像", "人像")),
}

_NAMES_ZH = {
    "a spaceship": "飞船",
    "buses": "公交车",
    "birds": "鸟",
    "animals": "动物",
    "boats": "船",
    "planes and trains": "飞机和火车",
    "a robot": "机器人",
    "dragons and dinosaurs": "龙和恐龙",
    "flowers": "花",
    "a river or stream": "河流和小溪",
    "a lighthouse": "灯塔",
    "fireworks": "烟花",
    "lightning": "闪电",
    "buildings up close": "近景建筑",
    "a face or portrait": "人脸和肖像",
}
ELEMENT_ZH = {
    "dawn": "清晨",
    "day": "白天",
    "sunset": "日落",
    "dusk": "黄昏",
    "night": "夜晚",
    "sun": "太阳",
    "moon": "月亮",
    "stars": "星空",
    "clouds": "云",
    "sea": "海",
    "waves": "海浪",
    "mountains": "群山",
    "city": "城市天际线",
    "rain": "雨",
    "snow": "雪",
    "fire": "篝火",
    "forest": "森林",
    "aurora": "极光",
    "desert": "沙漠",
    "fog": "雾",
    "birds": "飞鸟",
    "boats": "帆船",
    "lighthouse": "灯塔",
    "fireworks": "烟花",
    "lightning": "闪电",
    "rocket": "发射的火箭",
    "cat": "猫",
    "dog": "狗",
    "people": "行人",
    "cars": "汽车",
    "waterfall": "瀑布",
}
ELEMENT_EN = {
    "city": "a city skyline",
    "fire": "a campfire",
    "sea": "the sea",
    "stars": "stars",
    "birds": "a flock of birds",
    "boats": "sailing boats",
    "lighthouse": "a lighthouse",
    "lightning": "lightning",
    "rocket": "a rocket launching",
    "cat": "a cat",
    "dog": "a dog",
    "people": "people walking",
    "cars": "cars on a road",
    "waterfall": "a waterfall",
}
_SHOWN = (
    "sun",
    "moon",
    "stars",
    "clouds",
    "sea",
    "waves",
    "mountains",
    "city",
    "rain",
    "snow",
    "fire",
    "forest",
    "aurora",
    "desert",
    "fog",
    "birds",
    "boats",
    "lighthouse",
    "fireworks",
    "lightning",
    "rocket",
    "cat",
    "dog",
    "people",
    "cars",
    "waterfall",
)


def _drawable(word: str) -> bool:
    return any(word == w or word.rstrip("s") == w for words in KEYWORDS.values() for w in words)


def missing(prompt: str) -> list[str]:
    """The subjects (by their English names) the prompt asks for that the painter cannot draw."""
    low = prompt.lower()
    # Chinese scene words first come out whole, so "海边" is not read as a subject inside it; a
    # scene word that holds a subject ("雷雨": rain, with thunder) stays, and the subject is said,
    # unless it is a subject the painter draws ("灯塔" holds "塔", a tower, but is drawn whole).
    subject_zh = [w for _, zh in SUBJECTS.values() for w in zh]
    for words in KEYWORDS.values():
        for w in words:
            whole = w in subject_zh or not any(z in w for z in subject_zh)
            if re.search(r"[\u3400-\u9fff]", w) and len(w) > 1 and whole:
                low = low.replace(w, " ")
    out = []
    for subject, (en, zh) in SUBJECTS.items():
        hit_en = any(
            not _drawable(m.group(0)) for w in en for m in re.finditer(rf"(?<![a-z]){w}(?![a-z])", low)
        )
        if hit_en or any(w in low and not _drawable(w) for w in zh):
            out.append(subject)
    return out


def scene_words(prompt: str, lang: str) -> str:
    """What the painter will draw for the prompt: 'a night scene with a city skyline and stars'."""
    spec = parse_prompt(prompt)
    shown = [e for e in _SHOWN if e in spec.elements and e not in TIMES_OF_DAY]
    if lang == "zh":
        return f"{ELEMENT_ZH[spec.time_of_day]}的{'、'.join(ELEMENT_ZH[e] for e in shown)}"
    names = [ELEMENT_EN.get(e, e) for e in shown]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"a {spec.time_of_day} scene with {listed}"


def notice(prompt: str, lang: str) -> str | None:
    """The sentence a reply must carry when the prompt names subjects the painter cannot draw."""
    subjects = missing(prompt)
    if not subjects:
        return None
    if lang == "zh":
        names = "、".join(_NAMES_ZH[s] for s in subjects)
        return f"注意：本机只能程序化绘制风景，画不了{names}；这个片段画的是{scene_words(prompt, 'zh')}。"
    names = subjects[0] if len(subjects) == 1 else ", ".join(subjects[:-1]) + " or " + subjects[-1]
    return (
        f"Note: this engine paints landscapes procedurally and can't draw {names}; "
        f"this clip shows {scene_words(prompt, 'en')} instead."
    )
