"""The backend's replies assume a GUI; this app has none of its buttons. Rewrite those sentences.

PROTOCOL.md's table, sentence by sentence (the first rule that matches a sentence wins):

  "Export button", "click … export/download", "导出按钮", "点击…导出"  → "<how> to export…" + export
  "preview in timeline", "时间线…预览"                                → where the timeline is + timeline
  "drag/drop X onto Y", "把X拖到Y"                                    → "Just say “add X to Y”…" + send
  "open the … panel/tab/settings", "打开…"                            → how to see it + state/timeline/credits
  "click the Generate button", "点击…"                                → "Just say “generate”…" + send
  "you can export it now", "可以导出"  → kept as written, plus the export action

The export rewrite carries a key reference (core/i18n.py `key_ref`): the TUI shows its export key
there ("Press Ctrl+E"), headless `ask` its command ("Run nemo-tui export"). Other rewrites point at
words the router understands ("status", "show tracks", "credits"), which always work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..languages import norm_lang
from .events import SuggestedAction
from .i18n import t


@dataclass(frozen=True)
class Translated:
    text: str
    actions: list[SuggestedAction] = field(default_factory=list)


_SENTENCE = re.compile(r"[^\n]*?(?:[.!?]+(?=\s|$)|[。！？]+|\n|$)[ \t]*")
_BULLET = re.compile(r"^(\s*(?:[-*•]\s+|\d+[.)]\s+)?)")

_EXPORT = re.compile(
    r"\b(?:export|download)\s+(?:button|icon|option)\b"
    r"|\b(?:click|tap|press|hit|select)\b(?:\s+on)?[^.!?]{0,40}?\b(?:export|download)\b"
    r"|导出按钮|下载按钮|点击[^。！？]{0,20}?(?:导出|下载)",
    re.IGNORECASE,
)
_TIMELINE = re.compile(
    r"\bpreview\b[^.!?]{0,40}?\btimeline\b|\btimeline\b[^.!?]{0,20}?\bpreview\b"
    r"|时间线[^。！？]{0,10}?预览|预览[^。！？]{0,10}?时间线|在时间轴[^。！？]{0,10}?预览",
    re.IGNORECASE,
)
_DRAG = re.compile(
    r"\bdrag\b|\bdrop\b[^.!?]{0,40}?\b(?:into|onto|on|to)\b|拖拽|拖动|拖放|拖到|拖入", re.IGNORECASE
)
_DRAG_EN = re.compile(
    r"\bdrag(?:\s+and\s+drop)?\s+(?P<what>.+?)\s+(?:on ?to|into|to|on)\s+(?:the\s+)?(?P<where>[^.!?,]+)",
    re.IGNORECASE,
)
_DRAG_ZH = re.compile(
    r"把(?P<what>.+?)拖(?:拽|动|放)?(?:到|进|入)(?P<where>[^。！？，,]+?)(?:上|中|里)?(?:即可|就行|就可以)?[。！？]?$"
)
_OPEN = re.compile(
    r"\b(?:open|go to|navigate to|switch to)\s+(?:the\s+|your\s+)?(?P<what>[\w ]{0,30}?)\s*"
    r"\b(?:panel|tab|menu|settings|editor|window|sidebar|library|dialog|page|inspector|properties)\b"
    r"|打开(?P<zh>[^。！？，,]{0,12})",
    re.IGNORECASE,
)
_CLICK = re.compile(
    r"\b(?:click|tap|press|hit)\b(?:\s+on)?\s+(?:the\s+)?[\"“'‘]?(?P<label>[\w +\-]{1,30}?)[\"”'’]?\s+"
    r"(?:button|icon|option|tab)\b"
    r"|\b(?:click|tap)\b(?:\s+on)?\s+[\"“'‘](?P<quoted>[^\"”'’]{1,30})[\"”'’]"
    r"|点击[“\"「『]?(?P<zh>[^”\"」』。！？，,]{1,12}?)[”\"」』]?(?:按钮|图标|选项)?(?=[，,。！？]|$)",
    re.IGNORECASE,
)
_OFFER_EXPORT = re.compile(
    r"\b(?:you can|ready to|feel free to|go ahead and)\s+(?:now\s+)?(?:export|download)\b|可以导出|即可导出|可导出",
    re.IGNORECASE,
)


def _target_action(words: str) -> str:
    w = words.lower()
    if re.search(r"export|download|导出|下载", w):
        return "export"
    if re.search(r"credit|balance|billing|account|top.?up|积分|余额|充值", w):
        return "credits"
    if re.search(r"timeline|track|preview|时间线|时间轴|轨道|预览", w):
        return "timeline"
    if re.search(r"upload|import|上传|导入", w):
        return "upload"
    return "state"


def _offer(action: str, lang: str, payload: str = "") -> tuple[str, SuggestedAction | None]:
    """The rewritten sentence for `action`, and the one-key action that goes with it."""
    if action == "upload":
        return t("gui.upload", lang), None
    if action == "send":
        return (
            t("gui.send", lang, payload=payload),
            SuggestedAction(action="send", label=payload, payload=payload),
        )
    return (t(f"gui.{action}", lang), SuggestedAction(action=action, label=t(f"gui.{action}.label", lang)))


def _rewrite(sentence: str, lang: str) -> tuple[str, SuggestedAction | None] | None:
    if _EXPORT.search(sentence):
        return _offer("export", lang)
    if _TIMELINE.search(sentence):
        return _offer("timeline", lang)
    if _DRAG.search(sentence):
        m = _DRAG_ZH.search(sentence)
        if m:
            return _offer("send", lang, f"把{m['what'].strip()}加到{m['where'].strip()}")
        m = _DRAG_EN.search(sentence)
        if m:
            return _offer("send", lang, f"add {m['what'].strip()} to the {m['where'].strip()}")
        return _offer("timeline", lang)
    m = _OPEN.search(sentence)
    if m:
        return _offer(_target_action(m["what"] or m["zh"] or ""), lang)
    m = _CLICK.search(sentence)
    if m:
        label = (m["label"] or m["quoted"] or m["zh"] or "").strip()
        action = _target_action(label)
        if action == "state":  # a button we have no equivalent for: ask the agent to do it
            return _offer("send", lang, label if lang == "zh" else label.lower())
        return _offer(action, lang)
    return None


def translate(text: str, lang: str) -> Translated:
    """Rewrite every GUI sentence of a whole reply; collect the actions, each once."""
    lang = norm_lang(lang)
    out: list[str] = []
    actions: list[SuggestedAction] = []
    for sentence in _SENTENCE.findall(text):
        if not sentence:
            continue
        body = sentence.strip()
        done = _rewrite(body, lang) if body else None
        if done is None:
            out.append(sentence)
            if body and _OFFER_EXPORT.search(body):
                actions.append(SuggestedAction(action="export", label=t("gui.export.label", lang)))
            continue
        new_text, action = done
        bullet = _BULLET.match(sentence)  # it matches every sentence (all of it is optional)
        prefix = bullet.group(1) if bullet else ""
        trailing = sentence[len(sentence.rstrip()) :]
        if lang == "en" and not trailing and out and not out[-1].endswith((" ", "\n")):
            prefix = " " + prefix
        if new_text not in "".join(out):  # two sentences about the same button say it once
            out.append(prefix + new_text + trailing)
        if action is not None:
            actions.append(action)
    unique: list[SuggestedAction] = []
    for action in actions:
        if all((a.action, a.payload) != (action.action, action.payload) for a in unique):
            unique.append(action)
    return Translated("".join(out), unique)
