"""What the person sees of the agent's work: a tool's name in words, whether it makes new media,
whether a request looks like a (charged) generation; a question as plain lines."""

from __future__ import annotations

import re

from ..protocol.questions import Question
from .i18n import t

# Tool names → what the person sees while it runs (first match wins; never the raw name).
_ACTIVITIES = (
    (("remove", "delete"), "activity.remove"),
    (("music", "bgm", "audio", "sound", "song", "volume"), "activity.music"),
    (("text", "title", "caption", "subtitle"), "activity.text"),
    (("generate", "create", "video", "clip", "scene"), "activity.generate"),
    (("render", "export"), "activity.render"),
    (("state", "get", "read", "list", "show"), "activity.read"),
    (("edit", "set", "update", "trim", "cut", "move", "duration", "speed"), "activity.edit"),
)


# The vendor's named tools, with how long they usually take (CLOUD_FACTS.md).
_NAMED_ACTIVITIES = {
    "generate_video_with_seedance": "activity.generate_video",
    "edit_multitrack": "activity.edit_multitrack",
}
_MAKES = ("generat", "compos", "create", "make")
_MUSIC = ("music", "bgm", "song")


def activity_label(tool_name: str, lang: str) -> str:
    name = tool_name.lower()
    if name in _NAMED_ACTIVITIES:
        return t(_NAMED_ACTIVITIES[name], lang)
    if any(w in name for w in _MUSIC) and any(w in name for w in _MAKES):
        return t("activity.generate_music", lang)  # music generation (1-2 min), not "add music"
    for words, key in _ACTIVITIES:
        if any(w in name for w in words):
            return t(key, lang)
    return t("activity.working", lang)


def is_generation(tool_name: str) -> bool:
    """A tool that makes new media (a clip, music): the backend may go on adding to it."""
    name = tool_name.lower()
    return "seedance" in name or ("generat" in name and any(w in name for w in ("video", "clip", *_MUSIC)))


# "generate/make/create … video/clip" (or 生成/制作 … 视频): a request that will likely be charged as
# a generation. Only used to say what it costs before the first one.
_GENERATION_REQUEST = re.compile(
    r"(?i)\b(generate|create|make|produce|film)\b.*\b(video|clip|movie|film|animation)s?\b"
    r"|(生成|制作|做|拍).*(视频|短片|片段|动画)"
)


def looks_like_generation(text: str) -> bool:
    return bool(_GENERATION_REQUEST.search(text))


# A clip drawn again ("regenerate the last clip", "make the second clip a snowy forest instead",
# "重新生成第一个片段", "把第二个片段换成雪山"): charged like a new clip of that clip's length.
_REGENERATION_REQUEST = re.compile(
    r"(?i)\bre-?(?:generate|roll|make|shoot|draw)\b|\bredo (?:the|this|that|it)\b.*\b(?:clip|shot|scene|segment|one)\b"
    r"|\b(?:another|a different|a new|a fresh)\s+(?:version|take|variation)\b"
    r"|\b(?:generate|make|render)\b.*\b(?:clip|shot|segment)\b.*\bagain\b"
    r"|\b(?:make|change|turn|switch|replace|swap out|convert|transform)\b.*\b(?:clip|shot|scene|segment|one|it)\b"
    r".*?\b(?:to|into|with|for|as|a|an)\s+\w"
    r"|\b(?:clip|shot|segment)\b.*\b(?:should (?:be|show)|instead)\b"
    r"|重新(?:生成|制作|做|画|拍)|重拍|重画|重做.*(?:片段|镜头)|再(?:生成|做|画|拍)一(?:次|遍|版)|换一?个版本"
    r"|(?:片段|镜头|段|它).*(?:换成|改成|改为|变成|替换成|替换为|变为|换为)|用.+(?:替换|代替).*(?:片段|镜头|段)"
)
# … unless what it becomes is a length, a speed or another edit's words ("第一个片段改成3秒").
_OTHER_EDIT = re.compile(
    r"(?i)\d+(?:\.\d+)?\s*-?\s*(?:s\b|secs?\b|seconds?\b|x\b|×|秒|倍)|\b(?:fast|faster|slow|slower|slow[- ]?mo\w*"
    r"|speed|louder|quieter|bigger|smaller|vertical|square|landscape|title|caption|subtitle|music|volume"
    r"|all|both|every)\b|标题|字幕|音乐|音量|倍速|竖屏|横屏|方形|所有|全部|顺序|位置"
)


def looks_like_regeneration(text: str) -> bool:
    return bool(_REGENERATION_REQUEST.search(text)) and not _OTHER_EDIT.search(text)


def question_text(title: str, questions: list[Question], lang: str) -> str:
    """A question as plain lines (history, headless output): title, then each prompt with its
    numbered options."""
    lines = [title or t("question.default_title", lang)]
    for n, q in enumerate(questions, 1):
        lines.append(f"{n}. {q.prompt}" + (" " + t("question.multi", lang) if q.allow_multiple else ""))
        lines.extend(f"   {i}) {o.label}" for i, o in enumerate(q.options, 1))
    return "\n".join(lines)
