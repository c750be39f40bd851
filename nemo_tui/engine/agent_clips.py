"""The agent's edits on clips already in the draft: swap, reverse, reorder, speed, split,
duplicate, move, delete and trim (see `agent_items` for how a clause gets here)."""

from __future__ import annotations

import re

from . import edits_items as ei
from . import lexicon as lx
from . import lexicon_items as li
from .agent_ctx import Ctx
from .agent_ctx import mentions_name as _mentions_name
from .agent_ctx import named_music as _named_music
from .agent_near import MUSIC_ONLY_EN, MUSIC_ONLY_ZH
from .agent_types import Call


def swap(ctx: Ctx) -> bool | None:
    low = ctx.low
    if not li.SWAP.search(low) or lx.aspect(low):
        return None
    if (
        len(li.ordinals(low)) < 2
        and not li.PLURAL.search(low)
        and not re.search(r"\band\b|\bwith\b|和|与|跟", low)
    ):
        return None
    if _named_music(ctx):
        return ctx.say(MUSIC_ONLY_EN, MUSIC_ONLY_ZH) or True
    refs = ctx.refs((0, 7), want=2)
    if refs is None:
        return True
    (ka, a), (kb, b) = refs
    if ka != kb or a == b:
        return (
            ctx.say(
                "I can only swap two clips, or two titles, with each other.", "只能交换两个片段或两个标题。"
            )
            or True
        )
    en = f"Swapping {ctx.name((ka, a))} and {ctx.name((kb, b))}."
    zh = f"已交换{ctx.name((ka, a))}和{ctx.name((kb, b))}。"
    return ctx.call("swap_items", {"kind": ka, "a": a, "b": b}, en, zh, (ka, b))


def reverse(ctx: Ctx) -> bool | None:
    if not li.REVERSE.search(ctx.low):
        return None
    kind = 7 if li.kinds(ctx.low)[:1] == [7] else 0
    count = len(ei.segments(ctx.draft, kind))
    if count < 2:
        return (
            ctx.say(
                "There's only one clip, so there's no order to reverse.", "只有一个片段，没有顺序可以反转。"
            )
            or True
        )
    order = list(range(count))[::-1]
    return ctx.call(
        "reorder_items",
        {"kind": kind, "order": order},
        "Reversing the order of the clips.",
        "已把片段顺序倒过来。",
        None,
    )


def reorder(ctx: Ctx) -> bool | None:
    if not li.REORDER.search(ctx.low):
        return None
    digits = [int(d) for d in re.findall(r"\d+", ctx.low)]
    count = len(ei.segments(ctx.draft, 0))
    if len(digits) < 2:
        return None
    if sorted(digits) != list(range(1, count + 1)):
        return (
            ctx.say(
                f"Give each clip's number once, e.g. “reorder the clips {', '.join(str(i) for i in range(count, 0, -1))}” (there are {count}).",
                f"请把每个片段的编号各写一次，例如“按{'、'.join(str(i) for i in range(count, 0, -1))}的顺序排列片段”（共{count}个）。",
            )
            or True
        )
    order = [d - 1 for d in digits]
    shown = ", ".join(str(d) for d in digits)
    return ctx.call(
        "reorder_items",
        {"kind": 0, "order": order},
        f"Putting the clips in the order {shown}.",
        f"已按{shown}的顺序排列片段。",
        None,
    )


def _one_clip(ctx: Ctx) -> tuple[int, int] | None:
    """The clip a clause means, or None once the reply says why there is none (the music is named,
    or no clip matches)."""
    if _named_music(ctx):
        ctx.say(MUSIC_ONLY_EN, MUSIC_ONLY_ZH)
        return None
    refs = ctx.refs((0,))
    return None if refs is None else refs[0]


def speed(ctx: Ctx) -> bool | None:
    low = ctx.low
    if not li.SPEED.search(low):
        return None
    if (ref := _one_clip(ctx)) is None:
        return True
    meta = ei.segments(ctx.draft, 0)[ref[1]].get("m") or {}
    speed = li.speed_value(low, float(meta.get("speed") or 1.0))
    if speed is None:
        return (
            ctx.say(
                "How fast? Say e.g. “2x”, “half speed” or “speed it up”.",
                "要多快？例如“2倍速”“0.5倍速”或“加速”。",
            )
            or True
        )
    speed = round(min(max(speed, ei.MIN_SPEED), ei.MAX_SPEED), 3)
    name = ctx.name(ref)
    return ctx.call(
        "set_speed",
        {"kind": 0, "index": ref[1], "speed": speed},
        f"Playing {name} at {speed:g}x speed.",
        f"{name}已改为{speed:g}倍速。",
        ref,
    )


def split(ctx: Ctx) -> bool | None:
    low = ctx.low
    if not li.SPLIT.search(low):
        return None
    if (ref := _one_clip(ctx)) is None:
        return True
    d = int(ei.segments(ctx.draft, 0)[ref[1]].get("d", 0))
    m = li.SPLIT_AT.search(low)
    at = int(lx.number(m.group(1) or m.group(2)) * 1000) if m else d // 2
    name = ctx.name(ref)
    if not 0 < at < d:
        return (
            ctx.say(
                f"{name[0].upper() + name[1:]} is {d / 1000:g}s long, so I can only split it between 0 and {d / 1000:g}s.",
                f"{name}长{d / 1000:g}秒，只能在0到{d / 1000:g}秒之间分割。",
            )
            or True
        )
    return ctx.call(
        "split_item",
        {"kind": 0, "index": ref[1], "at_ms": at},
        f"Splitting {name} at {at / 1000:g}s into two clips.",
        f"已在{at / 1000:g}秒处把{name}分成两段。",
        (0, ref[1] + 1),
    )


def duplicate(ctx: Ctx) -> bool | None:
    if not li.DUPLICATE.search(ctx.low):
        return None
    if _named_music(ctx):
        return ctx.say(MUSIC_ONLY_EN, MUSIC_ONLY_ZH) or True
    refs = ctx.refs((0, 7))
    if refs is None:
        return True
    ref = refs[0]
    name = ctx.name(ref)
    return ctx.call(
        "duplicate_item",
        {"kind": ref[0], "index": ref[1]},
        f"Duplicating {name}: the copy plays right after it.",
        f"已复制{name}，副本紧跟在它后面。",
        (ref[0], ref[1] + 1),
    )


def move(ctx: Ctx) -> bool | None:
    low = ctx.low
    named = li.kinds(low)
    if not li.MOVE.search(low) or named[:1] == [7] or lx.volume(low) is not None:
        return None
    if named[:1] == [1]:
        return ctx.say(MUSIC_ONLY_EN, MUSIC_ONLY_ZH) or True
    ords = li.ordinals(low)
    if not (ords or li.PRONOUN.search(low) or named):
        return None
    refs = ctx.refs((0,))
    if refs is None:
        return True
    index = refs[0][1]
    count = len(ei.segments(ctx.draft, 0))
    rest = li.ORDINAL.sub(" ", low, count=1) if ords else low
    to: int | None = None
    if m := li.TO_POSITION.search(low):
        to = int(lx.number(next(g for g in m.groups() if g))) - 1
    elif len(ords) >= 2 and (li.BEFORE.search(low) or li.AFTER.search(low)):
        other = ords[1] - 1 if ords[1] > 0 else count + ords[1]
        to = other + (1 if li.AFTER.search(low) else 0)
        to -= 1 if index < to else 0
    elif len(ords) >= 2:
        to = ords[1] - 1 if ords[1] > 0 else count + ords[1]
    elif li.TO_START.search(rest):
        to = 0
    elif li.TO_END.search(rest):
        to = count - 1
    if to is None:
        return (
            ctx.say(
                "Where to? Say e.g. “move the second clip to the start”, “… to the end” or “… after the third clip”.",
                "移到哪里？例如“把第二个片段移到开头”“……移到最后”或“……移到第三个片段后面”。",
            )
            or True
        )
    to = max(0, min(to, count - 1))
    name = ctx.name(refs[0])
    if to == index:
        return ctx.say(f"{name[0].upper() + name[1:]} is already there.", f"{name}已经在那个位置了。") or True
    return ctx.call(
        "move_item",
        {"kind": 0, "index": index, "to": to},
        f"Moving {name} to position {to + 1} of {count}.",
        f"已把{name}移到第{to + 1}个位置（共{count}个）。",
        (0, to),
    )


def delete(ctx: Ctx) -> bool | None:
    low = ctx.low
    if not lx.REMOVE.search(low) or re.search(r"\bmute\b|\bwithout\b|不要", low):
        return None
    # A bare type ("remove the title", "删除字幕") is a whole-track removal, planned by the agent.
    if not (li.ordinals(low) or li.PRONOUN.search(low) or lx.quoted(ctx.clause) or _mentions_name(ctx)):
        return None
    if lx.track_index(low) is not None:
        return None
    refs = ctx.refs((0, 7, 1))
    if refs is None:
        return True
    ref = refs[0]
    if ref[0] == 1:
        ctx.plan.calls.append(Call("remove_background_music", {}))
        ctx.state["has_music"] = False
        ctx.state["draft"] = {**ctx.draft, "t": [t for t in ctx.draft.get("t", []) if t.get("tt") != 1]}
        return ctx.say("Removing the background music.", "已去掉背景音乐。") or True
    name = ctx.name(ref)
    return ctx.call(
        "delete_item", {"kind": ref[0], "index": ref[1]}, f"Deleting {name}.", f"已删除{name}。", None
    )


def trim(ctx: Ctx) -> bool | None:
    low = ctx.low
    secs = lx.seconds(low)
    if secs is None or not li.TRIM.search(low) or not (li.ordinals(low) or _mentions_name(ctx)):
        return None
    if (ref := _one_clip(ctx)) is None:
        return True
    d = int(ei.segments(ctx.draft, 0)[ref[1]].get("d", 0))
    by = li.TRIM_BY.search(low)
    keep = d - int(secs * 1000) if by else int(secs * 1000)
    from_start = bool(by and li.TRIM_FROM_START.search(low))
    name = ctx.name(ref)
    longest = ei.max_length_ms(ctx.draft, 0, ref[1])
    if keep <= 0 or keep > longest:
        return (
            ctx.say(
                f"{name[0].upper() + name[1:]} can be at most {longest / 1000:g}s long here (it is {d / 1000:g}s); "
                "generate another clip to make the video longer.",
                f"{name}最长只能是{longest / 1000:g}秒（现在是{d / 1000:g}秒）；想更长的话，请再生成一个片段。",
            )
            or True
        )
    where = ("from its start", "从开头") if from_start else ("from its end", "从结尾")
    return ctx.call(
        "trim_item",
        {"kind": 0, "index": ref[1], "keep_ms": keep, "from_start": from_start},
        f"Trimming {name} to {keep / 1000:g}s ({where[0]}).",
        f"已把{name}{where[1]}裁剪到{keep / 1000:g}秒。",
        ref,
    )
