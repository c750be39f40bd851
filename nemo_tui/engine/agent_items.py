"""The agent's edits on items already in the draft: titles (text, colour, position, size, time),
clips (regenerate, move, swap, reorder, trim, split, duplicate, delete, speed, fades) and the music
(relative volume, fades).

`plan_items` reads one clause; it returns False when the clause is not an item edit (the caller
then tries adding, generating and the rest). Each call it plans is also applied to the working
copy `state["draft"]`, so a later clause of the same message sees the draft as it will be, and
`state["last"]` remembers the item touched last (what "it" means next).
"""

from __future__ import annotations

import re
from typing import Any

from . import edits_items as ei
from . import lexicon as lx
from . import lexicon_items as li
from .agent_clips import delete, duplicate, move, reorder, reverse, speed, split, swap, trim
from .agent_ctx import Ctx
from .agent_ctx import named_music as _named_music
from .agent_near import (
    CROSSFADE_EN,
    CROSSFADE_ZH,
    TITLE_FADE_EN,
    TITLE_FADE_ZH,
    near_miss,
)
from .agent_regen import regenerate
from .agent_types import Call
from .edits import canvas
from .media.text import font_size

DEFAULT_FADE_MS = 1000
_ADDING = re.compile(r"\b(?:add|insert|create|new|another)\b|添加|加上|加一个|加个|插入|新增|再加")
# "… that says two": words for a new title, not a change to the one there
_SAYING = re.compile(r"\b(?:says?|saying|reads?|reading)\b|写着")


def plan_items(clause: str, plan: Any, state: dict[str, Any], say) -> bool:
    ctx = Ctx(clause, plan, state, say)
    low = ctx.low
    if li.CROSSFADE.search(low):
        say(CROSSFADE_EN, CROSSFADE_ZH)
        return True
    # Before the generation check: "重新生成第一个片段" and "generate the second clip again" name a clip.
    if (done := regenerate(ctx)) is not None:
        return done
    if lx.GENERATE.search(low) and not li.DUPLICATE.search(low):
        return False
    for step in (
        swap,
        reverse,
        reorder,
        speed,
        _fade,
        split,
        duplicate,
        move,
        delete,
        _text,
        trim,
        _volume,
    ):
        done = step(ctx)
        if done is not None:
            return done
    miss = near_miss(low)
    if miss is not None:
        say(*miss)
        return True
    return False


def _fade(ctx: Ctx) -> bool | None:
    low = ctx.low
    if not li.FADE.search(low):
        return None
    fade_in, fade_out = bool(li.FADE_IN.search(low)), bool(li.FADE_OUT.search(low))
    if not fade_in and not fade_out:
        fade_in = fade_out = True
    ms = int((lx.seconds(low) or DEFAULT_FADE_MS / 1000) * 1000)
    named = li.kinds(low)
    if named[:1] == [7]:
        return ctx.say(TITLE_FADE_EN, TITLE_FADE_ZH) or True
    specific = li.ordinals(low) or li.PRONOUN.search(low) or named[:1] == [1]
    if specific:
        refs = ctx.refs((1, 0) if named[:1] == [1] or not named else (0,))
        if refs is None:
            return True
        targets = [(refs[0], fade_in, fade_out)]
    else:  # "fade the video in and out": the first clip fades in, the last one out
        clips = len(ei.segments(ctx.draft, 0))
        if not clips:
            return ctx.say("There's no clip to fade yet.", "还没有可以淡入淡出的片段。") or True
        targets = [((0, 0), fade_in, False), ((0, clips - 1), False, fade_out)]
    for ref, fin, fout in targets:
        if not (fin or fout):
            continue
        seg = ei.segments(ctx.draft, ref[0])[ref[1]]
        length = min(ms, int(seg.get("d", 0)) // 2) if ref[0] == 0 else ms
        changes = {**({"fade_in": length} if fin else {}), **({"fade_out": length} if fout else {})}
        how = " and ".join(w for w, on in (("in", fin), ("out", fout)) if on)
        how_zh = "和".join(w for w, on in (("淡入", fin), ("淡出", fout)) if on)
        name = ctx.name(ref)
        ctx.call(
            "update_item",
            {"kind": ref[0], "index": ref[1], "changes": changes},
            f"Fading {name} {how} over {length / 1000:g}s.",
            f"{name}已设置{how_zh}（{length / 1000:g}秒）。",
            ref,
        )
    return True


def _text(ctx: Ctx) -> bool | None:
    low = ctx.low
    named = li.kinds(low)
    last = ctx.state.get("last")
    # "it" is a title when the last thing touched was one, or when nothing was and a title is all
    # that colour, words, place or size can apply to; "make it 8 seconds" stays the video's length.
    by_pronoun = not named and bool(li.PRONOUN.search(low))
    texty = named[:1] == [7] or (
        by_pronoun and ((last is not None and last[0] == 7) or last is None) and ei.segments(ctx.draft, 7)
    )
    quoting = lx.quoted(ctx.clause)
    if (
        not texty
        or not ei.segments(ctx.draft, 7)
        or (quoting and (_ADDING.search(low) or not li.TEXT_CHANGE.search(low)))
        or (_ADDING.search(low) and not by_pronoun and _SAYING.search(low))
    ):
        # A quote without a change verb is new text, and so is "add a title that says two" (an
        # added title beside the one there): the agent adds it.
        return None
    changes: dict[str, Any] = {}
    if (colour := lx.color(low)) is not None:
        changes["color"] = colour
    if (quoted := lx.quoted(ctx.clause)) and li.TEXT_CHANGE.search(low):
        changes["text"] = quoted
    elif m := re.search(
        r"\b(?:rename \w+(?: \w+)? to|to say|to read|says?|reads?)\s+(?!in\b|at\b)(.+)$|(?:改成|改为|换成|写成)\s*(.+)$",
        ctx.clause,
        re.I,
    ):
        words = (m.group(1) or m.group(2)).strip(" .。")
        if not (
            lx.color(words.lower())
            or lx.position(words.lower())
            or lx.seconds(words.lower())
            or li.SIZE_UP.search(words)
            or li.SIZE_DOWN.search(words)
        ):
            changes["text"] = words
    if (where := lx.position(low)) is not None:
        changes["position"] = where
    if not (refs := ctx.refs((7,))):
        return True if refs is None else None
    ref = refs[0]
    seg = ei.segments(ctx.draft, 7)[ref[1]]
    meta, d = seg.get("m") or {}, int(seg.get("d", 0))
    w, h = canvas(ctx.draft)
    size = float(meta.get("font_size") or font_size(meta.get("role"), w, h))
    if m := li.SIZE_SET.search(low):
        changes["font_size"] = int(m.group(1) or m.group(2))
    elif li.SIZE_UP.search(low):
        changes["font_size"] = round(size * 1.4)
    elif li.SIZE_DOWN.search(low):
        changes["font_size"] = max(10, round(size / 1.4))
    total = max(ctx.state["video_ms"], ctx.state["draft_ms"]) or 3000
    if by_pronoun:
        pass
    elif m := li.LASTS.search(low):
        changes["d"] = int(lx.number(next(g for g in m.groups() if g)) * 1000)
    elif (span := lx.time_range(low, total)) is not None:
        changes["start"], changes["d"] = span
    elif m := li.STARTS_AT.search(low):
        changes["start"] = int(lx.number(next(g for g in m.groups() if g)) * 1000)
    elif (secs := lx.seconds(low)) is not None and li.TRIM.search(low):
        changes["d"] = int(secs * 1000)
    elif li.MOVE.search(low) and "position" not in changes and li.TO_END.search(low):
        changes["start"] = max(total - d, 0)
    elif li.MOVE.search(low) and "position" not in changes and li.TO_START.search(low):
        changes["start"] = 0
    if not changes:
        return None
    return ctx.call(
        "update_item",
        {"kind": 7, "index": ref[1], "changes": changes},
        *_describe_text(ctx, ref, changes),
        ref,
    )


def _describe_text(ctx: Ctx, ref: tuple[int, int], changes: dict[str, Any]) -> tuple[str, str]:
    name = ctx.name(ref)
    en, zh = [], []
    if "text" in changes:
        en.append(f"text “{changes['text']}”")
        zh.append(f"文字“{changes['text']}”")
    if "color" in changes:
        en.append(f"colour {changes['color']}")
        zh.append(f"颜色{lx.COLOR_ZH.get(changes['color'], changes['color'])}")
    if "position" in changes:
        en.append(f"position {changes['position']}")
        zh.append(f"位置{lx.POSITION_ZH[changes['position']]}")
    if "font_size" in changes:
        en.append(f"size {changes['font_size']} px")
        zh.append(f"字号{changes['font_size']}")
    if "start" in changes or "d" in changes:
        seg = ei.segments(ctx.draft, 7)[ref[1]]
        start = changes.get("start", (seg.get("m") or {}).get("start", 0)) / 1000
        end = start + changes.get("d", seg.get("d", 0)) / 1000
        en.append(f"shown from {start:g}s to {end:g}s")
        zh.append(f"显示时间{start:g}–{end:g}秒")
    return f"Changing {name}: {', '.join(en)}.", f"已修改{name}：{'，'.join(zh)}。"


def _volume(ctx: Ctx) -> bool | None:
    low = ctx.low
    last = ctx.state.get("last")
    musical = _named_music(ctx) or (li.PRONOUN.search(low) and last is not None and last[0] == 1)
    if not musical or lx.volume(low) is not None:
        return None
    up, down = li.LOUDER.search(low), li.QUIETER.search(low)
    if not (up or down) or (up and down):
        return None
    music = ei.segments(ctx.draft, 1)
    if not music:
        return (
            ctx.say(
                "There's no background music yet; say “add lo-fi music” first.",
                "还没有背景音乐，请先说“添加背景音乐”。",
            )
            or True
        )
    current = float((music[0].get("m") or {}).get("volume", ctx.state["default_volume"]))
    volume = round(min(current * 1.5, 1.0) if up else current / 1.5, 2)
    ctx.plan.calls.append(Call("set_background_music", {"style": None, "volume": volume}))
    for seg in music:
        seg.setdefault("m", {})["volume"] = volume
    ctx.state["last"] = (1, 0)
    return ctx.say(f"Setting the music volume to {volume:.0%}.", f"背景音乐音量已调到{volume:.0%}。") or True
