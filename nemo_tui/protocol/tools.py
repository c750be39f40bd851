"""What a named agent tool is doing, for an activity line (CLOUD_FACTS.md; the vendor CLI's labels).

`generate_video_with_seedance` runs 100–300 s, music generation 1–2 min, `edit_multitrack` and the
other editing tools seconds. Classification is by name, as the vendor CLI does it, so future tools
with these words in their names are labelled too.
"""

from __future__ import annotations

from typing import Literal

from ..languages import norm_lang

ToolKind = Literal["video", "music", "edit", "analyze", "question"]

_LABELS: dict[str, tuple[str, str]] = {
    "video": ("Generating video — usually 2–5 min", "正在生成视频——通常需要 2–5 分钟"),
    "music": ("Generating music — 1–2 min", "正在生成音乐——约 1–2 分钟"),
    "edit": ("Editing the timeline", "正在编辑时间线"),
    "analyze": ("Analyzing the media", "正在分析素材"),
    "question": ("Waiting for your answer", "等待你的回答"),
}


def tool_kind(name: str | None) -> ToolKind | None:
    """ "video", "music", "edit", "analyze", "question", or None for a tool of no known kind."""
    n = (name or "").lower()
    if n == "ask_question":
        return "question"
    if "generate_video" in n or "seedance" in n or "video_gen" in n:
        return "video"
    if any(word in n for word in ("music", "audio", "voiceover", "suno", "bgm")):
        return "music"
    if any(word in n for word in ("edit", "draft", "multitrack", "title", "effect", "trim")):
        return "edit"
    if "understand" in n or "analy" in n:
        return "analyze"
    return None


def tool_activity(name: str | None, lang: str = "en") -> str | None:
    """The activity line for a tool call (None: say nothing specific)."""
    kind = tool_kind(name)
    if kind is None:
        return None
    en, zh = _LABELS[kind]
    return zh if norm_lang(lang) == "zh" else en
