"""Changing what a clip shows: the clip is generated again at its own length, in its own place,
with a new scene ("make the second clip a snowy forest instead", "把第二个片段换成雪山") or with the
same prompt and a new seed ("regenerate the last clip", "重新生成第一个片段").

It is charged as a fresh generation of that length (`plan.generate_seconds`, which the route
reserves and the turn settles). The call is `regenerate_video {index, prompt, duration}`; turns.py
draws the clip and puts it in the slot (`edits_items.regenerate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import edits_items as ei
from . import honesty
from . import lexicon as lx
from . import lexicon_items as li
from .agent_ask import MAX_GENERATE_S
from .agent_ctx import Ctx
from .agent_near import (
    REGEN_ALL_EN,
    REGEN_ALL_ZH,
    REGEN_LENGTH_EN,
    REGEN_LENGTH_ZH,
    REGEN_TITLE_EN,
    REGEN_TITLE_ZH,
    near_miss,
)
from .agent_refs import _by_name, resolve
from .agent_types import number
from .edits import short_name
from .media.vocabulary import parse_prompt

_ORD = (
    r"(?:(?:second|2nd|next)[- ](?:to[- ])?last|first|1st|opening|second|2nd|third|3rd|fourth|4th"
    r"|fifth|5th|sixth|6th|last|final|closing|penultimate)"
)
_NOUN = r"(?:clip|video|shot|scene|segment|footage|one)"
_NUMBER = (
    r"\s*(?:#|no\.?\s*|number\s*)?\d+\b(?!\s*-?\s*(?:seconds?|secs?|s\b|x\b))"  # "clip 2", not "3 seconds"
)
_REF_EN = re.compile(
    rf"\b(?:the|this|that|my)\s+(?:{_ORD}\s+)?(?:[a-z]+\s+){{0,2}}?{_NOUN}s?\b(?:{_NUMBER})?"
    rf"|(?<![\d.][-\s])\b{_ORD}\s+{_NOUN}\b|\b(?:clip|video|shot|scene|segment){_NUMBER}|#\d+\b"
    r"|\b(?:it|this|that)\b"
)
# Asking for a clip again, by a word that means nothing else ("regenerate", "重新生成").
AGAIN = re.compile(
    r"\bre-?(?:generate|roll|make|do|shoot|draw|create|render)\b"
    r"|\b(?:another|a different|a new|a fresh|new)\s+(?:version|take|variation|variant)\b"
    r"|重新(?:生成|制作|做|画|渲染|拍)|重拍|重画|重做|再(?:生成|做|画|拍)一(?:次|遍|下|版)|换一?个版本|再来一版"
)
# … or by a verb and "again", which needs the clip named ("generate the second clip again").
_AGAIN_WEAK = re.compile(
    r"\b(?:generate|make|create|render|shoot|draw|try)\b.*\b(?:again|once more|one more time)\b"
)
# Changing it into something: the new scene follows ("… to a night city", "换成雪山").
_CHANGE_EN = re.compile(
    r"\b(?:make|change|turn|switch|replace|swap out|convert|transform)\b|\bshould (?:be|show)\b|\binstead\b"
)
_CHANGE_ZH = re.compile(
    r"(?:重新)?(?:生成|画|拍)(?:成|为)|换成|改成|改为|变成|替换成|替换为|换为|变为|改画成|画成|拍成|改拍成"
)
_USE_ZH = re.compile(r"用(.+?)(?:来)?(?:替换|代替|换掉|取代)")
_BARE = re.compile(
    r"\b(?:with |using )?(?:a |an )?(?:new|different|another|fresh|random|other)\s+"
    r"(?:seed|version|take|variation|variant|look|render|attempt|try)\b(?:\s+of\b)?"
    r"|\b(?:with |using )?(?:the )?same (?:prompt|scene|description|idea)\b|\bone more time\b|\bonce more\b"
    r"|\bfrom scratch\b|\bagain\b"
    r"|(?:用)?(?:新的|另一个|不同的)?(?:随机)?种子|换一?个版本|再来一版|一(?:次|遍|下)|同样的提示词"
)
_LEAD_EN = re.compile(
    r"^(?:[\s,:]+|(?:please|can you|could you|would you|will you|i want to|i'd like to|i want|let's|now"
    r"|ok|okay|and|then|also|just|give me|make|change|turn|switch|replace|swap out|swap|convert|transform"
    r"|re-?do|re-?make|re-?generate|re-?roll|re-?shoot|re-?draw|generate|create|render|try|show|put|use"
    r"|have|get|so (?:that )?it shows|to show|shows?|showing|depict(?:s|ing)?|should be|should show|to be"
    r"|be|looks? like|into|to|with|for|as|of|in|on|a|an|the|some|instead)\b)"
)
_TRAIL_EN = re.compile(
    r"(?:[\s,.!?;:]+|\b(?:instead|please|now|rather|for me|then|too|thanks|thank you|in|on|into|for|as|of|with))$"
)
_LEAD_ZH = re.compile(r"^(?:[\s，,：:]+|请|把|将|给|帮我|一个|一段|一条|一幅|个|段|条|幅|的)")
_TRAIL_ZH = re.compile(r"(?:[\s。！!，,.]+|吧|了|啊|呢|一下|好了|试试|的?(?:画面|视频|片段|场景|镜头))$")
# Words after a change verb that make it another edit: a length, a speed, a ratio, a colour…
_OTHER_EDIT = re.compile(
    r"\b(?:shorter|longer|faster|slower|bigger|smaller|louder|quieter|brighter|darker|muted?|loop)\b|倍|静音"
)
_FRESH = re.compile(
    r"\b(?:a|an|another|one more)\s+(?:[\w-]+\s+){0,2}(?:video|clip|shot|animation)s?\b"
    r"|(?:一个|一段|一条)[^，。,]{0,12}(?:视频|片段|短片|动画)"
)


@dataclass
class Ask:
    ref: str  # the words that point at the clip
    scene: str  # what it should show now; "" for the same prompt with a new seed


def _trim(text: str, lead: re.Pattern[str], trail: re.Pattern[str]) -> str:
    text = _BARE.sub(" ", text)
    while (cut := lead.sub("", text, count=1)) != text or (cut := trail.sub("", text, count=1)) != text:
        text = cut
    return " ".join(text.split())


def read(clause: str) -> Ask | None:
    """The clip and the new scene a clause asks for, or None when it is not a regeneration."""
    plain = lx._QUOTES.sub(lx._quote_text, clause)
    low = plain.lower()
    again = AGAIN.search(low) or _AGAIN_WEAK.search(low)
    if lx.has_cjk(low):
        if m := _USE_ZH.search(plain):
            return Ask(plain[: m.start()] + plain[m.end() :], _trim(m.group(1), _LEAD_ZH, _TRAIL_ZH))
        if m := _CHANGE_ZH.search(plain):
            return Ask(plain[: m.start()], _trim(plain[m.end() :], _LEAD_ZH, _TRAIL_ZH))
        return Ask(plain, "") if again else None
    if not (again or _CHANGE_EN.search(low)):
        return None
    spans = list(_REF_EN.finditer(low))
    span = next((s for s in spans if li.ordinals(s.group(0)) or re.search(r"\d", s.group(0))), None)
    span = span or next((s for s in spans if re.search(_NOUN, s.group(0))), None) or next(iter(spans), None)
    if span is None:
        return Ask(plain, "") if again else None
    after = _trim(plain[span.end() :], _LEAD_EN, _TRAIL_EN)
    scene = after or _trim(plain[: span.start()], _LEAD_EN, _TRAIL_EN)
    if not scene and not again:
        return None
    return Ask(plain[span.start() : span.end()], scene)


def _other_edit(scene: str) -> bool:
    """The "scene" is another edit's words ("make the first clip 3 seconds", "…slow motion")."""
    low = scene.lower()
    words = re.sub(r"\b(?:" + "|".join(lx.COLORS) + r"|colou?r)\b|[红白黑蓝绿橙紫粉金青灰黄]色", "", low)
    return bool(
        li.SPEED.search(low)
        or lx.aspect(low)
        or lx.volume(low) is not None
        or li.ordinals(low)
        or (len(low) <= 12 and (li.TO_START.search(low) or li.TO_END.search(low)))
        or li.kinds(low)[:1] in ([7], [1])
        or _OTHER_EDIT.search(low)
        or not re.search(r"[a-z\u4e00-\u9fff]", words)
    )


def redoes_a_clip(low: str) -> bool:
    """'redo the second clip' / '重做第二个片段': a clip again, not the redo of an undone edit."""
    return bool(li.REDO.search(low) and AGAIN.search(low) and li.KIND_WORDS[0].search(low))


def regenerate(ctx: Ctx) -> bool | None:
    low = ctx.low
    if lx.REMOVE.search(low) or li.DUPLICATE.search(low) or lx.USE_UPLOAD.search(low) or near_miss(low):
        return None
    pair = len(li.ordinals(low)) >= 2 or li.PLURAL.search(low) or re.search(r"\band\b|\bwith\b|和|与|跟", low)
    if li.SWAP.search(low) and not re.search(r"\bswap out\b", low) and pair:
        return None  # "swap the first clip with the last one"
    ask = read(ctx.clause)
    if ask is None:
        return None
    ref_low = ask.ref.lower()
    named = li.kinds(ref_low)
    if AGAIN.search(low) and not ask.scene and named[:1] == [7]:
        return ctx.say(REGEN_TITLE_EN, REGEN_TITLE_ZH) or True
    if named[:1] in ([7], [1]) or li.kinds(low)[:1] in ([7], [1]) or li.REORDER.search(low):
        return None
    strong = bool(AGAIN.search(low))
    if li.PLURAL.search(low):
        return (ctx.say(REGEN_ALL_EN, REGEN_ALL_ZH) or True) if strong else None
    ordinal = bool(li.ordinals(ref_low))
    by_pronoun = bool(li.PRONOUN.search(ref_low)) and not ordinal and 0 not in named
    if _FRESH.search(low) and not ordinal and not by_pronoun:
        return None  # "make a video of the city again": a new clip
    last = ctx.state.get("last")
    if by_pronoun and last is not None and last[0] != 0:
        return None  # "make it …" after a title: the title's edits (or none) read it
    if lx.seconds(low) is not None:
        rest = re.sub(rf"{lx._NUM}{lx._SEC}|\b(?:of|long)\b|的", " ", ask.scene.lower())
        if not ask.scene or _other_edit(rest) or not rest.strip():
            return None
        return ctx.say(REGEN_LENGTH_EN, REGEN_LENGTH_ZH) or True
    if ask.scene and _other_edit(ask.scene):
        return None
    if ask.scene and by_pronoun and not (parse_prompt(ask.scene).matched or honesty.missing(ask.scene)):
        return None  # "make it loop": only a scene the painter knows makes "it" a clip to redraw
    if (
        not (strong or ask.scene)
        and by_pronoun
        and not re.search(r"\b(?:generate|create|render|draw)\b", low)
    ):
        return None  # "try it again", "make it again": too loose to spend credits on
    if not (ordinal or by_pronoun or 0 in named or _by_name(ctx.draft, ask.ref, ref_low, (0,)) or strong):
        return None
    if not ei.segments(ctx.draft, 0):
        return ctx.say("There's no clip to regenerate yet.", "还没有可以重新生成的片段。") or True
    found = resolve(ask.ref, ctx.draft, (0,), last=last)
    if not found.ok:
        return ctx.say(*(found.why or ("Which clip?", "哪一个片段？"))) or True
    return _plan(ctx, found.items[0][1], ask.scene)


def _plan(ctx: Ctx, index: int, scene: str) -> bool:
    seg = ei.segments(ctx.draft, 0)[index]
    meta = seg.get("m") or {}
    name = ctx.name((0, index))
    cap, short = name[0].upper() + name[1:], re.split(r" \(|（", name)[0]
    seconds = int(seg.get("d", 0)) / 1000
    prompt = scene or str(meta.get("prompt") or "")
    if not prompt:
        return (
            ctx.say(
                f"{cap} is your upload, not a generated clip, so there's no prompt to generate again. "
                f"Say what it should show instead, e.g. “change {short} to a snowy forest” "
                "(charged like a new clip of its length).",
                f"{name}是你上传的素材，不是生成的片段，没有可以重新生成的提示词。"
                f"请说明要换成什么画面，例如“把{short}换成雪山”（按同样时长的新片段扣积分）。",
            )
            or True
        )
    if seconds > MAX_GENERATE_S:
        return (
            ctx.say(
                f"{cap} is {seconds:g}s long and a clip is generated at most {MAX_GENERATE_S:g}s at a time; "
                f"split it first (“split {short} in half”), then change each part.",
                f"{name}长{seconds:g}秒，单个片段最多生成{MAX_GENERATE_S:g}秒；可以先把它分成两段，再分别重新生成。",
            )
            or True
        )
    args = {"index": index, "prompt": prompt, "duration": number(seconds)}
    ctx.call("regenerate_video", args, *_sentences(name, scene, seconds), (0, index))
    ctx.plan.generate_seconds += seconds
    ctx.state["draft"] = ei.regenerate(ctx.draft, index, source="", name=short_name(prompt), prompt=prompt)[0]
    if meta.get("speed"):
        ctx.say("The new clip plays at normal speed.", "新片段按正常速度播放。")
    if (note := honesty.notice(prompt, ctx.lang)) is not None:
        ctx.plan.sentences.append(note)
        ctx.plan.notices.append(note)
    return True


def _sentences(name: str, scene: str, seconds: float) -> tuple[str, str]:
    s = f"{seconds:g}"
    cost_en = (
        f"It costs {s} credit{'' if seconds == 1 else 's'}, the same as generating a new {s}-second clip."
    )
    cost_zh = f"费用{s}积分，和生成一个{s}秒的新片段一样。"
    how_en, how_zh = (
        "a procedural scene drawn on this machine, not a neural model",
        "本机程序化绘制的场景，不是神经网络模型",
    )
    if scene:
        return (
            f"Regenerating {name} as {scene}: a new {s}-second clip in the same place ({how_en}). {cost_en}",
            f"正在把{name}重新生成为「{scene}」：同样{s}秒、同一位置的新片段（{how_zh}）。{cost_zh}",
        )
    return (
        f"Regenerating {name} with a new seed: the same prompt, a new {s}-second clip in the same place "
        f"({how_en}). {cost_en}",
        f"正在用新的随机种子重新生成{name}：提示词不变，同样{s}秒、同一位置的新片段（{how_zh}）。{cost_zh}",
    )
