"""Words for edits on existing items ("the second clip", "第二个片段", "it"), English and Chinese.

Like `lexicon.py`, every pattern runs on a clause with its quoted text blanked out and lower-cased.
"""

from __future__ import annotations

import re

from . import lexicon as lx

# Item types, as track types: 0 video clip, 7 text, 1 music.
KIND_WORDS = {
    0: re.compile(r"\b(?:clip|video|shot|scene|segment|footage|part)s?\b|片段|视频|镜头|画面|素材|段落"),
    7: re.compile(r"\b(?:title|caption|subtitle|headline|text|heading)s?\b|标题|字幕|文字|文本"),
    1: re.compile(r"\b(?:music|bgm|soundtrack|song|audio)\b|背景音乐|音乐|配乐|音频|歌曲"),
}
PLURAL = re.compile(
    r"\b(?:clips|videos|shots|scenes|segments|titles|captions)\b|\bboth\b|两个|两段|俩|所有|全部"
)
PRONOUN = re.compile(
    r"\b(?:it|this|that|this one|that one|the last one|the one i just added)\b"
    r"|它|这个|那个|这段|那段|这条|那条|刚才的|刚刚的|刚加的|这一段"
)

_ZH_NUM = r"[一二两三四五六七八九十\d]+"
_EN_ORD = {
    "first": 1,
    "1st": 1,
    "opening": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "last": -1,
    "final": -1,
    "closing": -1,
    "penultimate": -2,
}
# An ordinal that is a time range ("the first 3 seconds", "第2秒", "最后2秒") is not an item.
_NOT_ITEM = rf"(?!\s*(?:{lx._NUM.replace('(', '(?:', 1)}|\d)\s*(?:-?\s*)(?:seconds?|secs?|s\b|秒|分钟))"
ORDINAL = re.compile(
    r"\b(?:second|2nd)[- ](?:to[- ])?last\b|\bnext[- ]to[- ]last\b"
    # "1 second", "one second" and "half a second" are times, not the second item.
    rf"|(?<![\d.]\s)(?<![\d.])(?<!one\s)(?<!\ba\s)\b(?:{'|'.join(_EN_ORD)})\b{_NOT_ITEM}"
    r"|\b(?:clip|video|shot|scene|segment|title|caption)\s*(?:#|no\.?\s*|number\s*)?(?P<num>\d+)\b"
    r"|(?<![\d.])#(?P<hash>\d+)\b"
    rf"|倒数第\s*(?P<back>{_ZH_NUM})"
    rf"|第\s*(?P<zh>{_ZH_NUM})(?!\s*(?:秒|分钟|条轨|轨|倍))"
    r"|(?:片段|镜头|标题|字幕)\s*(?P<zhnum>\d+)"
    r"|最后(?:一)?(?:个|段|条|张)(?!\s*\d)|最后的|末尾的|结尾的|开头的|首个|头一个"
)


def ordinals(low: str) -> list[int]:
    """Item positions named in the clause, in order: 1-based, or -1 for the last, -2 the one before."""
    out: list[int] = []
    for m in ORDINAL.finditer(low):
        word = m.group(0)
        if re.match(r"(?:second|2nd)[- ](?:to[- ])?last|next[- ]to[- ]last", word):
            out.append(-2)
        elif word in _EN_ORD:
            out.append(_EN_ORD[word])
        elif digits := m.group("num") or m.group("hash") or m.group("zhnum"):
            out.append(int(digits))
        elif m.group("back"):
            out.append(-int(lx.number(m.group("back"))))
        elif m.group("zh"):
            out.append(int(lx.number(m.group("zh"))))
        elif word in ("开头的", "首个", "头一个"):
            out.append(1)
        else:
            out.append(-1)
    return out


def kinds(low: str) -> list[int]:
    """Item types the clause names, most specific first (text and music words also match 'video')."""
    found = [k for k in (7, 1, 0) if KIND_WORDS[k].search(low)]
    if 1 in found and 0 in found and not re.search(r"片段|\bclips?\b|镜头", low):
        found.remove(0)  # "背景音乐" / "the video's music": the music is meant
    return found


# ---- operations ----------------------------------------------------------------------------------
CROSSFADE = re.compile(
    r"\bcross[- ]?fade|\bcross[- ]?dissolve|\bdissolve\b|\btransitions?\b|\bblend (?:between|into)\b"
    r"|交叉淡化|交叉溶解|叠化|转场|过渡|溶解"
)
REDO = re.compile(r"\bredo\b|\bre-do\b|\bundo (?:the|that|my) undo\b|重做|反撤销|取消撤销|恢复撤销|撤销撤销")
SWAP = re.compile(
    r"\b(?:swap|switch|exchange|flip|trade|interchange)\b|交换|互换|调换|对调|换一下位置|换个位置|换位置"
)
REVERSE = re.compile(
    r"\breverse (?:the )?(?:order|sequence)\b|\bin reverse order\b|\bbackwards order\b"
    r"|倒序|顺序(?:倒过来|反过来|颠倒|反转)|反转顺序|倒过来排"
)
REORDER = re.compile(r"\b(?:reorder|rearrange|re-order|order)\b|重新排序|排序|顺序|排列")
MOVE = re.compile(
    r"\b(?:move|put|place|bring|shift|drag|push|set)\b|移到|移动|挪到|挪|放到|放在|移至|调到|搬到"
)
TO_START = re.compile(
    r"\b(?:to|at) the (?:start|beginning|front|very start)\b|\bfirst\b|\bto the front\b"
    r"|开头|最前|第一个位置|最前面|前头|开始处"
)
TO_END = re.compile(r"\b(?:to|at) the (?:end|back|very end)\b|\blast\b|最后|末尾|结尾|最后面|后头")
BEFORE = re.compile(r"\bbefore\b|\bahead of\b|\bin front of\b|之前|前面|前边")
AFTER = re.compile(r"\bafter\b|\bbehind\b|之后|后面|后边")
TO_POSITION = re.compile(
    rf"\bto (?:position|slot|place) (\d+)\b|\bposition (\d+)\b|第\s*({_ZH_NUM})\s*个?位置?$"
)
DUPLICATE = re.compile(r"\b(?:duplicate|copy|clone|repeat)\b|复制|重复|再来一[次遍个段]|拷贝|多一份")
SPLIT = re.compile(
    r"\b(?:split|divide|break)\b|\bcut\b.*\b(?:in (?:half|two)|at)\b|\bhalve\b"
    r"|分割|拆分|切开|切成两|分成两|一分为二|切分|剪开|拆成|断开"
)
HALF = re.compile(r"\bin (?:half|two)\b|\bhalve\b|\bmiddle\b|一分为二|中间|两半|分成两|切成两|拆成两")
TRIM = re.compile(
    r"\b(?:trim|shorten|cut|crop|lengthen|extend|make)\b|\bshorter\b|\blonger\b"
    r"|剪到|剪成|裁剪|裁到|缩短|剪短|截到|截短|剪掉|改成|改为|变成|延长|加长|设为|设成"
)
TRIM_FROM_START = re.compile(
    r"\b(?:off|from) the (?:start|beginning|front)\b|\bbeginning\b|开头|前面的?|前头"
)
TRIM_BY = re.compile(
    rf"\bby\s+{lx._NUM}{lx._SEC}|(?:缩短|剪掉|减少|短)\s*{lx._NUM}\s*秒|{lx._NUM}{lx._SEC}\s+off\b"
)
SPEED = re.compile(
    r"\bspeed\b|\bfaster\b|\bslower\b|\bslow (?:it |them |this |that )?down\b|\bslow[- ]?mo(?:tion)?\b"
    r"|\b\d+(?:\.\d+)?\s*x\b|\btwice as fast\b|\bhalf (?:speed|as fast)\b|\bdouble speed\b|\btime[- ]?lapse\b"
    r"|倍速|加速|减速|放慢|慢放|快放|快进|慢动作|变快|变慢|快一点|慢一点|速度|\d+(?:\.\d+)?\s*倍"
)
FADE = re.compile(r"\bfade|\bfades\b|淡入|淡出|渐入|渐出|渐显|渐隐|渐强|渐弱")
FADE_IN = re.compile(r"\bfade[- ]?in\b|\bfade (?:\w+ ){0,6}in\b|\bfades? in\b|淡入|渐入|渐显|渐强")
FADE_OUT = re.compile(r"\bfade[- ]?out\b|\bfade (?:\w+ ){0,6}out\b|\bfades? out\b|淡出|渐出|渐隐|渐弱")
SIZE_UP = re.compile(
    r"\bbigger\b|\blarger\b|\benlarge\b|\bincrease (?:the )?(?:font |text )?size\b|\bhuge\b|\bbig\b"
    r"|放大|大一点|大一些|大点|变大|加大|字号调大|字体大|大些"
)
SIZE_DOWN = re.compile(
    r"\bsmaller\b|\bshrink\b|\bdecrease (?:the )?(?:font |text )?size\b|\btiny\b|\bsmall\b"
    r"|缩小|小一点|小一些|小点|变小|减小|字号调小|字体小|小些"
)
SIZE_SET = re.compile(
    r"\b(?:font size|text size|size)\s*(?:to|of|=|:)?\s*(\d{1,3})\b|字号\s*(?:调到|改成|改为|设为|为|到)?\s*(\d{1,3})"
)
LOUDER = re.compile(
    r"\blouder\b|\bturn (?:it |the music |the bgm )?up\b|\bup the volume\b|\braise\b|\bincrease\b|\bboost\b"
    r"|大声|调大|响一点|响一些|大一点|提高|增大|调高|加大"
)
QUIETER = re.compile(
    r"\bquieter\b|\bsofter\b|\blower\b|\bturn (?:it |the music |the bgm )?down\b|\breduce\b|\bdecrease\b"
    r"|小声|调小|轻一点|轻一些|小一点|降低|减小|调低|低一点"
)
TEXT_CHANGE = re.compile(
    r"\b(?:change|rename|edit|replace|reword|rewrite|update|make|set)\b|\bsays?\b|\bread\b"
    r"|改成|改为|换成|写成|修改|更改|改一下|变成|替换"
)
STARTS_AT = re.compile(
    rf"\bstarts?\s+(?:at|from)\s+{lx._NUM}{lx._SEC}|\b(?:to|at)\s+{lx._NUM}{lx._SEC}$"
    rf"|从\s*第?\s*{lx._NUM}\s*秒(?:开始|出现)|(?:移到|挪到|放到|调到)\s*第?\s*{lx._NUM}\s*秒"
)
LASTS = re.compile(
    rf"(?<!the )\blasts?\s+(?:for\s+)?{lx._NUM}{lx._SEC}|(?<!the first )(?<!the last )\bfor\s+{lx._NUM}{lx._SEC}"
    rf"|{lx._NUM}{lx._SEC}\s+long\b|持续\s*{lx._NUM}\s*秒|显示\s*{lx._NUM}\s*秒"
)
SPLIT_AT = re.compile(rf"\bat\s+{lx._NUM}{lx._SEC}|在\s*第?\s*{lx._NUM}\s*秒")
STEPS = re.compile(
    rf"{lx._NUM}\s*(?:steps?|edits?|times|changes|actions|步|次|下)|\btwice\b|\bthrice\b|两步|两次"
)


def speed_value(low: str, current: float) -> float | None:
    """The speed asked for: "2x", "half speed", "twice as fast", "2倍速", "speed up" (×1.5)…"""
    if m := re.search(r"(\d+(?:\.\d+)?)\s*(?:x\b|×|倍)", low):
        return float(m.group(1))
    if re.search(r"\bnormal speed\b|\boriginal speed\b|\breal[- ]time\b|正常速度|原速|恢复速度", low):
        return 1.0
    if re.search(r"\btwice as fast\b|\bdouble speed\b|两倍|二倍", low):
        return 2.0
    if re.search(r"\bhalf (?:speed|as fast)\b|\bslow[- ]?mo(?:tion)?\b|慢动作|一半|慢放", low):
        return 0.5
    if re.search(
        r"\bfaster\b|\bspeed (?:it |them |this |that )?up\b|加速|变快|快一点|快放|快进|\btime[- ]?lapse\b",
        low,
    ):
        return current * 1.5
    if re.search(r"\bslower\b|\bslow (?:it |them |this |that )?down\b|减速|放慢|变慢|慢一点", low):
        return current / 1.5
    return None


def steps(low: str) -> int:
    """How many steps an undo or redo names ("undo the last 3 edits", "撤销两步"), 1 when none."""
    m = STEPS.search(low)
    if m is None:
        return 1
    word = m.group(0)
    if word.startswith("twice") or word.startswith("两"):
        return 2
    if word.startswith("thrice"):
        return 3
    return max(1, min(int(lx.number(m.group(1))), 20))
