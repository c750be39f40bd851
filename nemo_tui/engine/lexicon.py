"""Words and patterns the agent reads requests with, in English and Chinese.

Detection runs on a clause with its quoted text blanked out (a title saying "video of the year"
must not read as a generation request); quoted text is taken from the original clause.
"""

from __future__ import annotations

import re

_EN_VERBS = (
    r"(?:add|set|make|put|remove|delete|drop|use|change|trim|cut|shorten|generate|create|give|"
    r"place|insert|switch|replace|undo|turn|mute)\b"
)
_ZH_VERBS = r"(?:添加|加上|加|去掉|去除|删除|删掉|移除|生成|制作|创建|裁剪|剪|改成|改为|用|使用|撤销|设置|设为|换|替换|把|做)"
_SPLIT = re.compile(
    rf"[,，]\s*(?:and\s+|then\s+|also\s+)?(?={_EN_VERBS}|(?:然后|再|并且)?{_ZH_VERBS})"
    rf"|\s+and\s+(?:then\s+)?(?={_EN_VERBS})|\s+then\s+|[;；。！？!?]|\.\s+|然后|并且|接着",
    re.IGNORECASE,
)
_QUOTES = re.compile(
    r"“([^”]+)”|‘([^’]+)’|「([^」]+)」|『([^』]+)』|《([^》]+)》|\"([^\"]+)\"|(?<![\w])'([^']+)'(?![\w])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")

UNDO = re.compile(r"\bundo\b|\brevert\b|\bgo back\b|撤销|撤消|撤回|回退|还原|恢复上一步")
HELP = re.compile(r"\bhelp\b|what can you do|\bhello\b|\bhi\b|你能做什么|帮助|怎么用|你好")
MUSIC = re.compile(r"\bmusic\b|\bbgm\b|\bsoundtrack\b|\bsong\b|背景音乐|音乐|配乐|bgm")
VIDEO_NOUN = re.compile(r"\b(?:video|clip|footage|scene|animation|shot)s?\b|视频|短片|片段|画面|动画")
GENERATE = re.compile(
    r"\b(?:generate|create|produce)\b|\bmake (?:me )?(?:a|an|one)\b|"
    r"\b(?:video|clip|footage|animation)s? (?:of|showing|about|featuring)\b|"
    r"生成|制作|创建|做一个|做个|做一段|来一段|来一个|拍一段"
)
TEXT_WORD = re.compile(r"\b(?:title|caption|subtitle|headline|text)s?\b|标题|字幕|文字|文本")
CAPTION = re.compile(r"\b(?:caption|subtitle)s?\b|字幕")
ADD_VERB = re.compile(
    r"\b(?:add|put|insert|show|write|place|create|overlay|include)\b|添加|加上|加|放|写|插入|显示"
)
REMOVE = re.compile(
    r"\b(?:remove|delete|drop|mute|get rid of|take out|take away|without)\b|"
    r"\bno (?:more )?(?:background )?(?:music|bgm|soundtrack)\b|"
    r"去掉|去除|删除|删掉|移除|不要|取消"
)
USE_UPLOAD = re.compile(
    r"\b(?:use|add|insert|put|include)\b[^.]*\b(?:upload(?:ed)?s?|my (?:video|clip|image|photo|picture|file|footage))\b"
    r"|上传的|用我的(?:视频|图片|照片)"
)
DURATION_VERB = re.compile(
    r"\bmake (?:it|the video|the clip)\b|\b(?:trim|cut|shorten|duration|length|long)\b"
    r"|裁剪|剪到|剪成|缩短|改成|改为|变成|时长|长度|设为"
)

STYLE_EN = {"lofi": "lo-fi", "ambient": "ambient", "upbeat": "upbeat", "cinematic": "cinematic"}
STYLE_ZH = {"lofi": "Lo-fi ", "ambient": "舒缓氛围", "upbeat": "欢快", "cinematic": "电影感"}
DEFAULT_STYLE = "lofi"
_STYLES = [
    ("lofi", r"lo-?fi|chill ?hop|低保真"),
    ("upbeat", r"upbeat|energetic|happy|dance|fast|cheerful|欢快|动感|活力|轻快"),
    ("cinematic", r"cinematic|epic|dramatic|\bfilm\b|史诗|电影|大气"),
    ("ambient", r"ambient|calm|relax\w*|soft|peaceful|chill|dreamy|氛围|舒缓|安静|平静|轻松|空灵"),
]

COLORS = {
    "yellow": "黄",
    "red": "红",
    "white": "白",
    "black": "黑",
    "blue": "蓝",
    "green": "绿",
    "orange": "橙",
    "purple": "紫",
    "pink": "粉",
    "gold": "金",
    "cyan": "青",
    "gray": "灰",
}
COLOR_ZH = {en: zh + "色" for en, zh in COLORS.items()}
POSITION_ZH = {"top": "顶部", "center": "居中", "bottom": "底部"}
_POSITIONS = [
    ("top", r"\btop\b|\bupper\b|顶部|上方|顶端|上面|顶上|上部"),
    ("bottom", r"\bbottom\b|\blower\b|底部|下方|底端|下面|下部"),
    ("center", r"\bcent(?:er|re)\b|\bmiddle\b|中间|居中|中央|正中"),
]
_ASPECTS = [
    # "portrait" is the format only when used as one ("in portrait", "portrait mode"), never as a
    # subject ("a portrait of an old man").
    (
        "9:16",
        r"9\s*[:x×/]\s*16|\b(?:in|to|into|as|it|go)\s+portrait\b(?!\s+of\b)"
        r"|\bportrait\s+(?:mode|orientation|format|video|clip|ratio|aspect|layout|screen)\b|^\s*portrait\s*$"
        r"|\bvertical(?:ly)?\b|竖屏|竖版|竖向|竖的",
    ),
    ("16:9", r"16\s*[:x×/]\s*9|\blandscape\b|\bhorizontal(?:ly)?\b|\bwide ?screen\b|横屏|横版|宽屏|横的"),
    ("1:1", r"\b1\s*[:x×/]\s*1\b|\bsquare\b|正方形|方形|方屏"),
]

_EN_NUMBERS = {
    w: i
    for i, w in enumerate(
        (
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty"
        ).split()
    )
} | {"thirty": 30, "forty": 40, "sixty": 60}
_ZH_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+|" + "|".join(_EN_NUMBERS) + r")"
_SEC = r"\s*-?\s*(?:seconds?|secs?|s\b|秒钟?)"
_MIN = r"\s*-?\s*(?:minutes?|mins?\b|分钟)"

HELP_EN = (
    'I can: generate a video ("generate a 10-second video of a sunset"), set the aspect ratio '
    "(16:9, 9:16 or 1:1), add, replace or remove background music with a volume, add a title or "
    "caption with its time, position and colour, trim the video to a length, remove a track, use "
    'your uploaded clip or image, change what a clip shows ("make the second clip a snowy forest", '
    "charged like a new clip of its length), and undo the last edit."
)
HELP_ZH = (
    "我可以：生成视频（“生成一个10秒的日落视频”）、设置画面比例（横屏16:9、竖屏9:16、方形1:1）、"
    "添加、更换或去掉背景音乐并设置音量、添加标题或字幕（时间、位置、颜色）、裁剪时长、删除轨道、"
    "使用你上传的视频或图片、更换片段的画面（“把第二个片段换成雪山”，按同样时长的新片段扣积分），以及撤销上一步。"
)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _quote_text(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g is not None)


def clauses(text: str) -> list[str]:
    """Split a message into clauses, never inside quoted text."""
    saved: list[str] = []

    def park(m: re.Match[str]) -> str:
        saved.append(m.group(0))
        return f"\x00{len(saved) - 1}\x00"

    parked = _QUOTES.sub(park, text)
    parts = [p.strip() for p in _SPLIT.split(parked) if p and p.strip()]
    restore = lambda s: re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], s)  # noqa: E731
    return [restore(p) for p in parts]


def strip_quotes(clause: str) -> str:
    return _QUOTES.sub(' "…" ', clause)


def quoted(clause: str) -> str | None:
    m = _QUOTES.search(clause)
    return _quote_text(m).strip() if m else None


def text_after_says(clause: str) -> str | None:
    m = re.search(
        r"\b(?:saying|that says|which says|reading|with the text|text)[:：]?\s+(.+?)\s*$", clause, re.I
    ) or re.search(r"(?:标题|字幕|文字)(?:为|是|写着|写|：|:)\s*(.+?)\s*$", clause)
    return m.group(1).strip(" .。") if m else None


def number(token: str) -> float:
    token = token.strip()
    if token in _EN_NUMBERS:
        return float(_EN_NUMBERS[token])
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return float(_ZH_DIGITS.get(tens, 1) * 10 + _ZH_DIGITS.get(ones, 0))
    return float(sum(_ZH_DIGITS.get(ch, 0) * 10**i for i, ch in enumerate(reversed(token))))


def seconds(low: str) -> float | None:
    if m := re.search(_NUM + _MIN, low):
        return number(m.group(1)) * 60
    if "half a minute" in low or "半分钟" in low:
        return 30.0
    if m := re.search(_NUM + _SEC, low):
        return number(m.group(1))
    return None


def time_range(low: str, total_ms: int) -> tuple[int, int] | None:
    """(start_ms, length_ms) of a text overlay, from "first 3 seconds", "从2秒到5秒", …"""
    ms = lambda v: int(number(v) * 1000)  # noqa: E731
    if m := re.search(
        rf"(?:from\s+|从\s*|第\s*)?{_NUM}(?:{_SEC})?\s*(?:to|until|till|-|–|~|到|至)\s*第?\s*{_NUM}{_SEC}",
        low,
    ):
        start, end = ms(m.group(1)), ms(m.group(2))
        return (start, end - start) if end > start else None
    if m := re.search(rf"between\s+{_NUM}(?:{_SEC})?\s+and\s+{_NUM}{_SEC}", low):
        start, end = ms(m.group(1)), ms(m.group(2))
        return (start, end - start) if end > start else None
    if m := re.search(rf"(?:first\s+|前\s*){_NUM}{_SEC}", low):
        return 0, ms(m.group(1))
    if m := re.search(rf"(?:last\s+|final\s+|最后\s*|后\s*){_NUM}{_SEC}", low):
        length = ms(m.group(1))
        return max(total_ms - length, 0), length
    if m := re.search(rf"at\s+{_NUM}{_SEC}\s+for\s+{_NUM}{_SEC}", low):
        return ms(m.group(1)), ms(m.group(2))
    if m := re.search(rf"(?:for\s+|持续\s*){_NUM}{_SEC}", low):
        return 0, ms(m.group(1))
    return None


def position(low: str) -> str | None:
    return next((name for name, pat in _POSITIONS if re.search(pat, low)), None)


def color(low: str) -> str | None:
    if m := re.search(r"#[0-9a-f]{6}\b", low):
        return m.group(0).upper()
    for en, zh in COLORS.items():
        if re.search(rf"\b{en}\b", low) or re.search(rf"{zh}色|{zh}字", low):
            return en
    if re.search(r"\bgrey\b", low):
        return "gray"
    return None


def aspect(low: str) -> str | None:
    return next((ratio for ratio, pat in _ASPECTS if re.search(pat, low)), None)


def volume(low: str) -> float | None:
    m = (
        re.search(r"(\d{1,3}(?:\.\d+)?)\s*%", low)
        or re.search(r"\bvolume\s*(?:to|at|of|=|:)?\s*(\d{1,3}(?:\.\d+)?)\b", low)
        or re.search(r"音量\s*(?:调到|调成|调为|设为|设置为|改为|为|是|到|:|：)?\s*(\d{1,3}(?:\.\d+)?)", low)
    )
    if m:
        return min(max(float(m.group(1)) / 100.0, 0.0), 1.0)
    if m := re.search(r"百分之([零一二两三四五六七八九十]+)", low):
        return min(number(m.group(1)) / 100.0, 1.0)
    return None


def music_style(low: str) -> str | None:
    return next((style for style, pat in _STYLES if re.search(pat, low)), None)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


def track_index(low: str) -> int | None:
    if m := re.search(r"\btrack\s*(?:#|no\.?\s*|number\s*)?(\d+)\b|\b(\d+)(?:st|nd|rd|th)\s+track\b", low):
        return int(m.group(1) or m.group(2))
    if m := re.search(r"\b(first|second|third|fourth|fifth)\s+track\b", low):
        return _ORDINALS[m.group(1)]
    if m := re.search(r"第\s*([\d一二三四五六七八九十]+)\s*(?:条|个|根)?\s*轨|轨道\s*(\d+)", low):
        return int(number(m.group(1) or m.group(2)))
    return None


def track_kind(low: str) -> int | None:
    if TEXT_WORD.search(low):
        return 7
    if MUSIC.search(low) or re.search(r"\baudio\b|音频|声音", low):
        return 1
    if VIDEO_NOUN.search(low):
        return 0
    return None


def scene_prompt(clause: str) -> str:
    """What to draw: "a 10-second video of a sunset over the ocean" -> "sunset over the ocean"."""
    text = strip_quotes(clause).strip()
    if has_cjk(text):
        # Only the leading request verbs: inside the scene they are words ("海浪拍岸", "未来城市").
        text = re.sub(r"^(?:请|麻烦|帮我|给我|为我)*(?:重新)?(?:生成|制作|创建|做|来|拍摄?)*", "", text)
        text = re.sub(rf"{_NUM}\s*(?:秒钟?|分钟)的?", "", text)
        text = re.sub(r"竖屏|竖版|横屏|横版|正方形|方形|的?(?:背景音乐|音乐|配乐).*$", "", text)
        text = re.sub(r"^(?:一个|一段|一条|个|段|条)", "", text.strip())
        text = re.sub(r"(?:的)?(?:视频|短片|片段|画面|动画)(?=[，,。；;]|$)", "", text.strip())
        return text.strip(" 的，。")
    low = text
    m = re.search(
        r"\b(?:video|clip|footage|scene|animation|shot)s?\s+(?:of|showing|about|featuring|depicting)\s+(.+)",
        low,
        re.I,
    )
    text = (
        m.group(1)
        if m
        else re.sub(
            r"\b(?:please|generate|create|produce|make|me|video|clip|footage|vertical|landscape|square)\b"
            rf"|{_NUM}{_SEC}",
            " ",
            low,
            flags=re.I,
        )
    )
    text = re.sub(r"\s*\b(?:with|and|plus)\b[^,]*\b(?:music|bgm|soundtrack)\b.*$", "", text, flags=re.I)
    text = re.sub(r"\s+(?:in|at)\s+(?:9:16|16:9|1:1)\b.*$", "", text)
    text = re.sub(r"^\s*(?:a|an|the|some|of)\b\s*", "", text.strip(), flags=re.I)
    return " ".join(text.split()).strip(" .,!?")
