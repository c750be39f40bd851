"""From a prompt (English or Chinese) to the elements of a procedural scene.

The vocabulary is deliberately small and honest: each element is something the painter draws.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

TIMES_OF_DAY = ("dawn", "day", "sunset", "dusk", "night")

# element -> trigger words. English words match whole words (plurals too); Chinese match as substrings.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "dawn": ("dawn", "sunrise", "daybreak", "morning", "日出", "黎明", "清晨", "早晨", "朝阳", "破晓"),
    "day": (
        "day",
        "daytime",
        "noon",
        "sunny",
        "midday",
        "blue sky",
        "白天",
        "中午",
        "晴天",
        "晴朗",
        "蓝天",
        "阳光",
    ),
    "sunset": ("sunset", "sundown", "golden hour", "evening glow", "日落", "夕阳", "晚霞", "落日"),
    "dusk": ("dusk", "twilight", "evening", "黄昏", "傍晚", "暮色"),
    "night": ("night", "midnight", "nighttime", "夜", "夜晚", "晚上", "深夜", "夜景"),
    "sun": ("sun", "sunshine", "sunlight", "太阳"),
    "moon": ("moon", "moonlight", "moonlit", "full moon", "月亮", "月光", "明月", "满月"),
    "stars": ("star", "starry", "starlit", "galaxy", "milky way", "星", "星空", "星星", "银河"),
    "clouds": ("cloud", "cloudy", "overcast", "云", "云朵", "多云", "阴天"),
    "sea": (
        "sea",
        "ocean",
        "lake",
        "beach",
        "coast",
        "shore",
        "seaside",
        "bay",
        "海",
        "海洋",
        "海边",
        "沙滩",
        "海滩",
        "大海",
        "湖",
    ),
    "waves": ("wave", "surf", "crashing", "tide", "浪", "海浪", "波浪", "浪花"),
    "mountains": ("mountain", "peak", "hill", "alps", "volcano", "山", "山峰", "雪山", "高山", "群山"),
    "city": (
        "city",
        "skyline",
        "urban",
        "downtown",
        "skyscraper",
        "metropolis",
        "town",
        "neon",
        "street",
        "avenue",
        "tokyo",
        "new york",
        "shanghai",
        "城市",
        "都市",
        "高楼",
        "城",
        "街",
    ),
    "rain": (
        "rain",
        "rainy",
        "raining",
        "storm",
        "drizzle",
        "downpour",
        "thunderstorm",
        "thunder",
        "雨",
        "雷雨",
        "雷暴",
        "下雨",
        "暴雨",
        "雨天",
        "细雨",
    ),
    "snow": (
        "snow",
        "snowy",
        "snowing",
        "winter",
        "blizzard",
        "snowfall",
        "雪",
        "下雪",
        "冬",
        "冬天",
        "雪花",
    ),
    "fire": (
        "fire",
        "campfire",
        "flame",
        "bonfire",
        "burning",
        "blaze",
        "火",
        "篝火",
        "火焰",
        "营火",
        "燃烧",
    ),
    "forest": (
        "forest",
        "wood",
        "woods",
        "tree",
        "pine",
        "jungle",
        "woodland",
        "森林",
        "树",
        "树林",
        "松树",
        "丛林",
    ),
    "aurora": ("aurora", "northern lights", "borealis", "极光", "北极光"),
    "desert": ("desert", "dune", "sand", "sahara", "沙漠", "沙丘", "荒漠"),
    "fog": ("fog", "foggy", "mist", "misty", "haze", "hazy", "雾", "薄雾", "大雾", "云雾"),
    # Drawn subjects (a module each): a flock of birds, sailing boats, a lighthouse, fireworks,
    # lightning, a rocket, a cat, a dog, people, cars, a waterfall.
    "birds": ("bird", "flock", "seagull", "gull", "鸟", "飞鸟", "鸟群", "海鸥"),
    "boats": ("boat", "sailboat", "sailing", "yacht", "船", "帆船", "小船", "渔船", "游艇"),
    "lighthouse": ("lighthouse", "灯塔"),
    "fireworks": ("firework", "fireworks", "烟花", "烟火", "焰火"),
    "lightning": ("lightning", "thunderstorm", "thunder", "闪电", "雷", "雷雨", "雷暴", "雷电"),
    "rocket": ("rocket", "火箭"),
    "cat": ("cat", "kitten", "kitty", "猫", "小猫", "猫咪"),
    "dog": ("dog", "puppy", "puppies", "狗", "小狗", "狗狗"),
    "people": (
        "people",
        "person",
        "man",
        "woman",
        "men",
        "women",
        "child",
        "children",
        "kid",
        "crowd",
        "pedestrian",
        "walker",
        "行人",
        "人群",
        "人们",
        "路人",
        "游客",
        "男人",
        "女人",
        "孩子",
        "小孩",
        "人物",
        "一群人",
        "人来人往",
    ),
    "cars": (
        "car",
        "traffic",
        "taxi",
        "highway",
        "freeway",
        "motorway",
        "汽车",
        "小汽车",
        "轿车",
        "车流",
        "车辆",
        "出租车",
        "堵车",
    ),
    "waterfall": ("waterfall", "cascade", "瀑布"),
}
# Chinese words that hold a trigger but mean something else: 火箭 (a rocket) is no campfire, nor is
# 烟火 (fireworks); 熊猫 (a panda) and 猫头鹰 (an owl) are no cats; 热狗 (a hot dog) is no dog.
NOT_INSIDE: dict[str, tuple[str, ...]] = {
    "火": ("火箭", "烟火", "焰火", "火车", "火星"),
    "猫": ("熊猫", "猫头鹰"),
    "狗": ("热狗",),
}
# A busy scene has people in it, and cars when it is a city's street.
BUSY = ("busy", "bustling", "繁忙", "热闹")

GROUNDS = ("sea", "mountains", "city", "forest", "desert")


@dataclass(frozen=True)
class SceneSpec:
    """What to draw: a time of day plus a set of elements (the metadata's `scene` list)."""

    time_of_day: str
    elements: frozenset[str]
    matched: tuple[str, ...] = field(default=())  # elements the prompt asked for (the rest follow)

    def names(self) -> list[str]:
        order = [self.time_of_day, *(e for e in KEYWORDS if e not in TIMES_OF_DAY)]
        extra = ("sky", "reflection", "ground", "city lights", "snowcaps")
        return [e for e in order if e == self.time_of_day or e in self.elements] + [
            e for e in extra if e in self.elements
        ]

    def has(self, *names: str) -> bool:
        return any(n in self.elements for n in names)


def _has_word(text: str, word: str) -> bool:
    if re.search(r"[\u3400-\u9fff]", word):
        for whole in NOT_INSIDE.get(word, ()):
            text = text.replace(whole, " ")
        return word in text
    # Whole words, and their plurals: "-es" only where English writes it ("beaches", "volcanoes"),
    # so "cares" is not a car and "stares" is not a star.
    plural = "(es)?" if re.search(r"(s|x|z|ch|sh|o)$", word) else "s?"
    return re.search(rf"(?<![a-z]){re.escape(word)}{plural}(?![a-z])", text) is not None


def prompt_digest(prompt: str, seed: int) -> int:
    """A stable 64-bit number from the prompt and seed (Python's hash() changes between runs)."""
    data = f"{seed}\x00{' '.join(prompt.lower().split())}".encode()
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "little")


def parse_prompt(prompt: str, seed: int = 0) -> SceneSpec:
    """Pick the elements a prompt names; fill in what a believable scene needs around them."""
    text = prompt.lower().replace("man-made", "artificial")  # no people in a man-made lake
    found = [name for name, words in KEYWORDS.items() if any(_has_word(text, w) for w in words)]
    if any(_has_word(text, w) for w in BUSY):
        found += [e for e in ("people", "cars") if e not in found and (e == "people" or "city" in found)]
    els = {e for e in found if e not in TIMES_OF_DAY}
    times = [e for e in found if e in TIMES_OF_DAY]

    if times:
        tod = (
            times[0]
            if len(times) == 1
            else next(t for t in ("sunset", "dawn", "dusk", "night", "day") if t in times)
        )
    elif (
        els & {"stars", "aurora", "moon", "fireworks"} or ("city" in els and "neon" in text) or "fire" in els
    ):
        tod = "night"
    elif "sun" in els:
        tod = "day"
    elif not els:
        # Nothing recognisable: still a scene, varied by the prompt so different prompts differ.
        tod = ("day", "sunset", "dusk", "dawn", "night")[prompt_digest(prompt, seed) % 5]
    else:
        tod = "day"

    if els & {"waves", "boats", "lighthouse"}:  # boats sail and lighthouses stand by the sea
        els.add("sea")
    if "fireworks" in els and not els & set(GROUNDS):
        els.add("city")
    if "lightning" in els:  # a storm: it rains under the clouds the bolts come from
        els.add("rain")
    if not els & set(GROUNDS):
        if "aurora" in els or "snow" in els or "waterfall" in els:
            els.add("mountains")
        elif "cars" in els:  # traffic drives through a town
            els.add("city")
        elif "fire" in els:
            els.add("forest")
        elif "rain" in els:
            els.add("city")
        else:
            els.add(("mountains", "sea", "forest", "desert")[prompt_digest(prompt, seed) // 5 % 4])
    if "sea" in els:
        els.add("waves")
    overcast = bool(els & {"rain"}) or ("snow" in els and tod == "day" and "sun" not in els)
    if tod in ("sunset", "dawn") and not overcast:
        els.add("sun")
    if tod == "day" and not overcast:
        els.add("sun")
    if tod == "night" and not overcast:
        els.add("stars")
        if not els & {"aurora", "city"} or "moon" in found:
            els.add("moon")
    if tod == "night" and "moon" in found:
        els.add("moon")
    if overcast or (tod in ("day", "dawn", "sunset") and not els & {"desert", "aurora"}):
        els.add("clouds")
    if "sea" in els and els & {"sun", "moon"}:
        els.add("reflection")
    if "city" in els and tod in ("night", "dusk", "sunset"):
        els.add("city lights")
    if "mountains" in els and ("snow" in els or "aurora" in els or "雪山" in prompt or "alps" in text):
        els.add("snowcaps")
    if "sun" in els and tod == "night":
        els.discard("sun")
    els.add("sky")
    return SceneSpec(tod, frozenset(els), tuple(found))
