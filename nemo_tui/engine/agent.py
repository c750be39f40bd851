"""The engine's agent: turns an English or Chinese editing request into tool calls and a reply.

Pure: it reads the current draft and the session's uploads, and returns a `Plan` (tool calls with
arguments, the reply text, the seconds of video it will generate). Running the calls, and the media
work some of them need, is `turns.py`'s job. Each clause of a message ("…, then add music") is
read on its own, so one message can carry several edits.
"""

from __future__ import annotations

import copy
from typing import Any

from . import edits, honesty
from . import lexicon as lx
from . import lexicon_items as li
from .agent_ask import DEFAULT_GENERATE_S, MAX_GENERATE_S, ambiguity_questions, read_answer
from .agent_history import history as _history
from .agent_items import plan_items
from .agent_refs import latest
from .agent_regen import redoes_a_clip
from .agent_types import Call, Plan
from .agent_types import number as _number
from .agent_types import track as _track
from .edits import ASPECTS, default_music_volume, music_volume, timeline_ms, video_end_ms

__all__ = ["Call", "Plan", "ambiguity_questions", "plan_turn", "read_answer"]

UNDO_DEPTH = 20  # as many steps as the store keeps
DEFAULT_MUSIC_S = 10.0


def plan_turn(
    text: str,
    draft: dict[str, Any],
    uploads: list[dict[str, Any]] | None = None,
    *,
    can_undo: bool = True,
    ask_on_ambiguous: bool = False,
    undo_depth: int | None = None,
    redo_depth: int | None = None,
    previous: dict[str, Any] | None = None,
) -> Plan:
    """Plan one message. `undo_depth` / `redo_depth`: how many steps each stack holds (None: not
    known, assume enough); `previous`: the draft before the last edit, which tells what "it" is."""
    lang = "zh" if lx.has_cjk(text) else "en"
    answered = read_answer(text)
    plan = Plan(language=lang)
    say = lambda en, zh: plan.sentences.append(zh if lang == "zh" else en)  # noqa: E731
    state = {
        "draft_ms": timeline_ms(draft),
        "video_ms": video_end_ms(draft),
        "has_music": any(t.get("tt") == 1 for t in draft.get("t", [])),
        "music_volume": music_volume(draft),
        "default_volume": default_music_volume(uploads),
        "can_undo": can_undo,
        "track_kinds": [t.get("tt", 0) for t in draft.get("t", [])],
        # Unknown depths (the first plan, before the turn reads the stacks) are taken as enough.
        "undo_depth": (UNDO_DEPTH if can_undo else 0) if undo_depth is None else undo_depth,
        "redo_depth": UNDO_DEPTH if redo_depth is None else redo_depth,
        # The draft as this plan leaves it, and the item touched last ("it"): see agent_items.py.
        "draft": copy.deepcopy(draft),
        "last": latest(previous, draft),
    }
    state["ask"] = ask_on_ambiguous and answered is None
    not_understood: list[str] = []
    if answered is not None:  # the reply to our ask_question: generate what was chosen, nothing else
        _generate(text, plan, state, say, chosen=answered)
        return plan
    for clause in lx.clauses(text):
        if not _plan_clause(clause, plan, state, uploads or [], say):
            not_understood.append(clause)
        if plan.question is not None:  # the agent stops and asks: nothing else happens this turn
            return Plan(
                language=lang,
                question=plan.question,
                sentences=["开始之前，有几个问题：" if lang == "zh" else "A few questions before I start:"],
            )
    if not plan.calls and not plan.sentences:
        say("I can't do that here. " + lx.HELP_EN, "这个我做不到。" + lx.HELP_ZH)
    elif not_understood and plan.calls:
        skipped = "; ".join(f"“{c}”" for c in not_understood)
        say(f"I didn't understand {skipped}, so I left that out.", f"我没能理解{skipped}，这部分没有处理。")
    return plan


def _plan_clause(clause: str, plan: Plan, state: dict[str, Any], uploads: list[dict[str, Any]], say) -> bool:
    low = lx.strip_quotes(clause).lower()
    if (li.REDO.search(low) or lx.UNDO.search(low)) and not redoes_a_clip(low):
        return _history(low, plan, state, say)
    if plan_items(clause, plan, state, say):
        return True
    makes_video = bool(lx.GENERATE.search(low)) and (
        bool(lx.VIDEO_NOUN.search(low)) or not (lx.MUSIC.search(low) or lx.TEXT_WORD.search(low))
    )
    if lx.MUSIC.search(low) and not makes_video:
        return _music(low, plan, state, say)
    if makes_video:
        aspect = lx.aspect(low)
        if aspect:
            _aspect(aspect, plan, say)
        if state.get("ask") and not lx.scene_prompt(clause):
            plan.question = ambiguity_questions(plan.language, asked_seconds=lx.seconds(low))
            return True
        _generate(clause, plan, state, say)
        if lx.MUSIC.search(low):
            _music(low, plan, state, say)
        if lx.TEXT_WORD.search(low) and lx.quoted(clause):
            _text(clause, plan, state, say)
        return True
    if (
        lx.TEXT_WORD.search(low)
        and not lx.REMOVE.search(low)
        and (lx.quoted(clause) or lx.ADD_VERB.search(low))
    ):
        return _text(clause, plan, state, say)
    if lx.REMOVE.search(low) and _remove(low, plan, state, say):
        return True
    if lx.USE_UPLOAD.search(low):
        return _use_upload(plan, state, uploads, say)
    seconds = lx.seconds(low)
    if seconds is not None and lx.DURATION_VERB.search(low):
        return _duration(seconds, plan, state, say)
    aspect = lx.aspect(low)
    if aspect:
        _aspect(aspect, plan, say)
        return True
    if lx.HELP.search(low):
        say(lx.HELP_EN, lx.HELP_ZH)
        return True
    return False


def _aspect(ratio: str, plan: Plan, say) -> None:
    width, height = ASPECTS[ratio]
    plan.calls.append(Call("set_aspect_ratio", {"ratio": ratio}))
    names = {"16:9": ("landscape", "横屏"), "9:16": ("vertical", "竖屏"), "1:1": ("square", "方形")}[ratio]
    say(
        f"Switching to {names[0]} {ratio} ({width}x{height}).",
        f"已切换为{names[1]} {ratio}（{width}x{height}）。",
    )


def _generate(
    clause: str, plan: Plan, state: dict[str, Any], say, chosen: tuple[str, float] | None = None
) -> None:
    asked: float | None
    if chosen is not None:
        prompt, asked = chosen
    else:
        asked = lx.seconds(clause.lower())
        prompt = lx.scene_prompt(clause) or ("风景" if plan.language == "zh" else "a calm landscape")
    seconds = DEFAULT_GENERATE_S if asked is None else min(max(asked, 1.0), MAX_GENERATE_S)
    # Whole seconds travel as integers, like the cloud's tool arguments ({"duration": 10}).
    plan.calls.append(Call("generate_video", {"prompt": prompt, "duration": _number(seconds)}))
    plan.generate_seconds += seconds
    state["video_ms"] += int(seconds * 1000)
    state["draft_ms"] = max(state["draft_ms"], state["video_ms"])
    _track(
        state,
        edits.add_video_segment(state["draft"], source="", name=prompt, duration_ms=int(seconds * 1000)),
        0,
    )
    shown = f"{seconds:g}"
    article = "an" if shown.startswith("8") or shown in ("11", "18") else "a"
    say(
        f"Generating {article} {shown}-second clip of {prompt} "
        "(a procedural scene drawn on this machine, not a neural model).",
        f"正在生成{shown}秒的「{prompt}」视频（本机程序化绘制的场景，不是神经网络模型）。",
    )
    if (note := honesty.notice(prompt, plan.language)) is not None:
        plan.sentences.append(note)
        plan.notices.append(note)
    if asked is not None and asked > MAX_GENERATE_S:
        say(
            f"Clips are at most {MAX_GENERATE_S:g} seconds, so I capped it.",
            f"单个片段最长{MAX_GENERATE_S:g}秒，已按上限生成。",
        )


def _music(low: str, plan: Plan, state: dict[str, Any], say) -> bool:
    if lx.REMOVE.search(low):
        if not state["has_music"]:
            say("There's no background music to remove.", "当前没有背景音乐。")
            return True
        plan.calls.append(Call("remove_background_music", {}))
        _track(state, edits.remove_tracks(state["draft"], kind=1), None)
        say("Removing the background music.", "已去掉背景音乐。")
        state["has_music"] = False
        return True
    volume = lx.volume(low)
    style = lx.music_style(low)
    if style is None and volume is not None and state["has_music"] and not lx.ADD_VERB.search(low):
        plan.calls.append(Call("set_background_music", {"style": None, "volume": volume}))
        _track(
            state,
            edits.set_background_music(state["draft"], source=None, style=None, volume=volume, duration_ms=0),
            1,
        )
        say(f"Setting the music volume to {volume:.0%}.", f"背景音乐音量已调到{volume:.0%}。")
        return True
    style = style or lx.DEFAULT_STYLE
    if volume is None:  # a replacement keeps the volume the person set for the music it replaces
        music = [s for t in state["draft"].get("t", []) if t.get("tt") == 1 for s in t.get("sg", [])]
        default = state["default_volume"]
        volume = float((music[0].get("m") or {}).get("volume", default)) if music else default
    seconds = (state["draft_ms"] / 1000) or DEFAULT_MUSIC_S
    plan.calls.append(
        Call("set_background_music", {"style": style, "volume": volume, "duration": _number(seconds)})
    )
    verb = (
        ("Replacing the background music with", "把背景音乐换成")
        if state["has_music"]
        else ("Adding", "添加")
    )
    say(
        f"{verb[0]} {lx.STYLE_EN[style]} background music at {volume:.0%} volume.",
        f"{verb[1]}{lx.STYLE_ZH[style]}背景音乐，音量{volume:.0%}。",
    )
    new = edits.set_background_music(
        state["draft"], source="", style=style, volume=volume, duration_ms=int(seconds * 1000)
    )
    _track(state, new, 1)
    state["has_music"] = True
    state["music_volume"] = volume
    return True


def _text(clause: str, plan: Plan, state: dict[str, Any], say) -> bool:
    low = clause.lower()
    words = lx.quoted(clause) or lx.text_after_says(clause)
    role = "caption" if lx.CAPTION.search(low) else "title"
    if not words:
        say(
            "What should the text say? Put it in quotes, e.g. add a title 'Urban Dreams'.",
            "标题要写什么？请用引号写出文字，例如：添加标题“城市之梦”。",
        )
        return True
    total_ms = state["draft_ms"] or 3000
    start_ms, length_ms = lx.time_range(low, total_ms) or (0, 3000 if role == "title" else total_ms)
    position = lx.position(low) or ("bottom" if role == "caption" else "center")
    color = lx.color(low) or "white"
    plan.calls.append(
        Call(
            "add_text",
            {
                "text": words,
                "start_ms": start_ms,
                "duration_ms": length_ms,
                "position": position,
                "color": color,
                "role": role,
            },
        )
    )
    added = edits.add_text(
        state["draft"],
        text=words,
        start_ms=start_ms,
        duration_ms=length_ms,
        position=position,
        color=color,
        role=role,
    )
    _track(state, added, 7)
    a, b = start_ms / 1000, (start_ms + length_ms) / 1000
    noun = ("title", "标题") if role == "title" else ("caption", "字幕")
    say(
        f"Adding the {noun[0]} “{words}” from {a:g}s to {b:g}s, {color}, at the {position}.",
        f"已添加{noun[1]}“{words}”，{a:g}–{b:g}秒，{lx.COLOR_ZH.get(color, color)}，位置：{lx.POSITION_ZH[position]}。",
    )
    return True


def _remove(low: str, plan: Plan, state: dict[str, Any], say) -> bool:
    index = lx.track_index(low)
    kind = lx.track_kind(low)
    if index is None and kind is None:
        return False
    kinds = state["track_kinds"]
    if index is not None:
        if not 1 <= index <= len(kinds):
            say(
                f"There's no track {index}: the timeline has {len(kinds)}.",
                f"没有第{index}条轨道：时间线上共有{len(kinds)}条。",
            )
            return True
        plan.calls.append(Call("remove_track", {"index": index}))
        _track(state, edits.remove_tracks(state["draft"], index=index), None)
        say(f"Removing track {index}.", f"正在删除第{index}条轨道。")
        del kinds[index - 1]
        return True
    assert kind is not None  # no index, so the first check saw a kind
    what, what_zh = {
        0: ("video track", "视频轨道"),
        1: ("music track", "音乐轨道"),
        7: ("text track", "文字轨道"),
    }[kind]
    if kind not in kinds:
        say(f"There's no {what} to remove.", f"没有可删除的{what_zh}。")
        return True
    plan.calls.append(Call("remove_track", {"kind": kind}))
    _track(state, edits.remove_tracks(state["draft"], kind=kind), None)
    say(f"Removing the {what}.", f"正在删除{what_zh}。")
    state["track_kinds"] = [k for k in kinds if k != kind]
    return True


def _use_upload(plan: Plan, state: dict[str, Any], uploads: list[dict[str, Any]], say) -> bool:
    usable = [m for m in uploads if m.get("kind") in ("video", "image") and m.get("path")]
    if not usable:
        say(
            "I don't see an uploaded clip or image in this session yet. Upload one first, then ask again.",
            "这个会话里还没有上传的视频或图片。请先上传，再告诉我。",
        )
        return True
    media = usable[-1]
    plan.calls.append(Call("use_upload", {"media_id": media["media_id"]}))
    duration = int(media.get("duration_ms") or 5000)
    _track(
        state, edits.add_video_segment(state["draft"], source="", name=media["name"], duration_ms=duration), 0
    )
    state["video_ms"] += int(media.get("duration_ms") or 5000)
    state["draft_ms"] = max(state["draft_ms"], state["video_ms"])
    say(
        f"Adding your upload “{media['name']}” to the video track.",
        f"已把你上传的“{media['name']}”加到视频轨道。",
    )
    return True


def _duration(seconds: float, plan: Plan, state: dict[str, Any], say) -> bool:
    target_ms = int(seconds * 1000)
    if state["draft_ms"] == 0:
        say(
            "The timeline is empty, so there's nothing to trim yet. Generate a clip first.",
            "时间线还是空的，没有可裁剪的内容。请先生成一个片段。",
        )
        return True
    if target_ms > state["video_ms"]:
        have = state["video_ms"] / 1000
        say(
            f"The video is only {have:g} seconds long; I can shorten it but not stretch it. "
            "Generate another clip to make it longer.",
            f"视频只有{have:g}秒，只能缩短不能拉长。想更长的话，请再生成一个片段。",
        )
        return True
    plan.calls.append(Call("set_duration", {"seconds": _number(seconds)}))
    _track(state, edits.set_duration(state["draft"], target_ms), None)
    state["draft_ms"] = state["video_ms"] = target_ms
    say(f"Trimming the video to {seconds:g} seconds.", f"已把视频裁剪到{seconds:g}秒。")
    return True
