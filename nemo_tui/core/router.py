"""The seed's intent table: which messages skip the agent (export, credits, state, upload).

Rules, in order (each is tested in tests/core/test_core_router.py):

1. A message that is only file paths and/or URLs is an UPLOAD, however it was pasted or dropped:
   quoted '…' "…", `file://` URIs, backslash-escaped or bare spaces, `~`. A path that does not
   exist but looks like one ("/tmp/nope.mp4", "~/Videos/clip.mov", "clip.mp4") is still an UPLOAD,
   so the upload flow can say the file is missing instead of sending a typo to the agent.
   "upload <path>" / "上传 <path>" the same. An existing file mentioned inside a longer message is an
   UPLOAD with confidence "ask".
2. Keyword triggers, English (whole words only: "exported" is not "export") and Chinese:
   export/导出/download/下载/send me the video → EXPORT; credits/积分/balance/余额 → CREDITS;
   status/状态/show tracks/show timeline → STATE; upload/上传 → UPLOAD (no path: the flow asks for one);
   preview/play it/预览/播放 → PREVIEW (this app's own: the in-terminal player).
3. A trigger is only acted on when the rest of the message is filler ("please export the video",
   "export 1080p MP4", "导出视频", "what's my balance?"). Then:
   - a negation anywhere (don't, not, later, wait, 不要, 别, 先不, 暂时不…) → CHAT: never act;
   - an editing word (add, music, title, 加, 音乐…) → CHAT: a message that mostly edits goes to the
     agent ("add music and export" is an edit; the agent's reply can offer the export);
   - "how do I export?" / "怎么导出" → the intent with confidence "ask" (the UI asks "Export now?");
   - a question with other content ("what does export do?") or more than two other words → CHAT;
   - one or two other words ("export settings", "deposit balance") → confidence "ask".
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from ..protocol import SUPPORTED_FORMATS
from . import intent_words as vocab
from .i18n import t


class IntentKind(StrEnum):
    EXPORT = "export"
    CREDITS = "credits"
    STATE = "state"
    UPLOAD = "upload"
    PREVIEW = "preview"
    CHAT = "chat"


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    text: str
    paths: list[Path] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    confidence: Literal["sure", "ask"] = "sure"
    question: str | None = None  # set when confidence is "ask", in the message's language


# ---- paths and URLs ---------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s'\"<>]+", re.IGNORECASE)
_EXTS = "|".join((*SUPPORTED_FORMATS, "txt", "jpeg", "m4v", "flac", "ogg", "heic"))
_BARE_FILENAME = re.compile(rf"[\w.\-]+\.(?:{_EXTS})", re.IGNORECASE)
_UPLOAD_PREFIX = re.compile(r"^\s*(?:please\s+)?(?:upload\b|上传|请上传)\s*[:：]?\s*", re.IGNORECASE)


def _unquote(raw: str) -> str:
    raw = raw.strip()
    if len(raw) > 1 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw


def _to_path(raw: str, cwd: Path) -> Path:
    if raw.lower().startswith("file://"):
        raw = unquote(urlparse(raw).path)
    try:
        path = Path(raw).expanduser()
    except RuntimeError:  # "~name" with no such user, or no home directory: keep it literal
        path = Path(raw)
    return path if path.is_absolute() else cwd / path


def _exists(raw: str, cwd: Path) -> bool:
    try:
        return _to_path(raw, cwd).exists()
    except (OSError, ValueError):  # a name too long, a NUL byte: not a path
        return False


def _looks_like_path(raw: str) -> bool:
    if raw.lower().startswith("file://"):
        return True
    has_ext = bool(re.search(r"\.[A-Za-z0-9]{2,4}$", raw))
    if raw.startswith(("~/", "./", "../")):
        return True
    if raw.startswith("/"):
        # "/help" is a slash command, "/tmp/nope" and "/nope.mp4" are paths.
        return "/" in raw[1:] or has_ext
    return bool(_BARE_FILENAME.fullmatch(raw))


def _tokens(body: str) -> list[str]:
    try:
        return shlex.split(body)  # quotes and backslash-escaped spaces, as a terminal pastes them
    except ValueError:  # an apostrophe ("it's") leaves a quote open
        return body.split()


def _only_paths(body: str, cwd: Path) -> tuple[list[Path], list[str]] | None:
    """The paths and URLs when `body` is nothing else; None when it holds other words."""
    body = body.strip()
    if not body:
        return None
    whole = _unquote(body)
    unescaped = re.sub(r"\\(.)", r"\1", whole)
    for candidate in (whole, unescaped):
        if _exists(candidate, cwd):
            return [_to_path(candidate, cwd)], []
    if (
        unescaped.startswith(("/", "~/", "file://"))
        and not re.search(r"\s(?:/|~/|file://)|\n", unescaped)
        and " " not in unescaped.rsplit("/", 1)[-1]
        and _looks_like_path(unescaped)
    ):
        # One missing path with bare spaces ("/tmp/no such dir/x"): a typo, not a sentence.
        return [_to_path(unescaped, cwd)], []
    tokens = _tokens(body)
    paths: list[Path] = []
    urls: list[str] = []
    i = 0
    while i < len(tokens):
        # Bare spaces inside a dropped path: take the longest run of tokens that exists.
        for j in range(len(tokens), i, -1):
            joined = " ".join(tokens[i:j])
            if _exists(joined, cwd):
                paths.append(_to_path(joined, cwd))
                i = j
                break
        else:
            token = tokens[i]
            if _URL.fullmatch(token):
                urls.append(token)
            elif _looks_like_path(token):
                paths.append(_to_path(token, cwd))
            else:
                return None
            i += 1
    return (paths, urls) if paths or urls else None


def _mentioned_files(text: str, cwd: Path) -> list[Path]:
    return [
        _to_path(tok, cwd)
        for tok in _tokens(text)
        if (_looks_like_path(tok) or "/" in tok) and _exists(tok, cwd) and _to_path(tok, cwd).is_file()
    ]


# ---- keywords (the word tables: intent_words.py) ---------------------------------------------


@dataclass(frozen=True)
class _Rule:
    kind: IntentKind
    trigger: re.Pattern[str]  # English, matched on whole words
    zh_triggers: tuple[str, ...]
    fillers: frozenset[str]


_RULES = (
    _Rule(
        IntentKind.EXPORT,
        re.compile(r"\bsend me the (?:video|mp4|file|clip|movie)\b|\bexport\b|\bdownload\b", re.I),
        ("导出", "下载"),
        frozenset(
            (
                "video videos mp4 file clip movie final result version format quality high full hd send "
                "finished whole project"
            ).split()
        ),
    ),
    # Not in the seed's table: play a preview render in the terminal. The seed's GUI phrase "preview
    # in timeline" is the backend's text (core/gui_phrases.py), never routed here.
    _Rule(
        IntentKind.PREVIEW,
        re.compile(r"\bpreview\b|\bplay (?:it|(?:the |my )?(?:video|draft|cut|result|preview))\b", re.I),
        ("预览", "播放"),
        frozenset(["video", "draft", "cut", "result", "show", "watch", "see", "play", "here", "terminal"]),
    ),
    _Rule(
        IntentKind.CREDITS,
        re.compile(r"\bcredits?\b|\bbalance\b", re.I),
        ("积分", "余额"),
        frozenset(
            (
                "what what's whats is are how much many do does have left remaining current available "
                "account show check see view"
            ).split()
        ),
    ),
    _Rule(
        IntentKind.STATE,
        re.compile(r"\bstatus\b|\b(?:show|list|view)(?: me)?(?: the| my| all)? (?:tracks|timeline)\b", re.I),
        ("状态", "轨道", "时间线"),
        frozenset(
            "what what's whats is are current project show check see view timeline tracks the session".split()
        ),
    ),
    _Rule(
        IntentKind.UPLOAD,
        re.compile(r"\bupload\b", re.I),
        ("上传",),
        frozenset("file files video videos clip image photo picture some new how do".split()),
    ),
)


def _leftover(text: str, rule: _Rule) -> tuple[list[str], str]:
    """English words and Chinese characters left after the trigger and the fillers."""
    low = rule.trigger.sub(" ", text.lower())
    words = [
        w
        for w in re.findall(r"[a-z0-9']+", low)
        if w not in vocab.COMMON_FILLERS and w not in rule.fillers and not vocab.RESOLUTION.match(w)
    ]
    zh = "".join(re.findall(r"[\u4e00-\u9fff]+", text))
    for trig in rule.zh_triggers:
        zh = zh.replace(trig, "")
    for filler in vocab.ZH_FILLERS:
        zh = zh.replace(filler, "")
    return words, zh


def _has_cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _question(kind: IntentKind, lang: str, names: str = "") -> str:
    return (
        t(f"confirm.{kind.value}", lang, names=names)
        if kind is IntentKind.UPLOAD
        else t(f"confirm.{kind.value}", lang)
    )


def _by_keywords(text: str, lang: str) -> Intent:
    chat = Intent(IntentKind.CHAT, text)
    for rule in _RULES:
        if not (rule.trigger.search(text) or any(z in text for z in rule.zh_triggers)):
            continue
        if vocab.NEGATION.search(text) or vocab.ZH_NEGATION.search(text):
            return chat
        words, zh_left = _leftover(text, rule)
        if any(w in vocab.EDIT_WORDS for w in words) or any(v in zh_left for v in vocab.ZH_EDIT):
            return chat
        ask = Intent(rule.kind, text, confidence="ask", question=_question(rule.kind, lang))
        how_to = vocab.HOW_TO.search(text) or vocab.ZH_HOW_TO.search(text)
        if how_to:
            # An upload with no file explains how to send one, which is the answer to "how".
            return Intent(rule.kind, text) if rule.kind is IntentKind.UPLOAD else ask
        if not words and not zh_left:
            return Intent(rule.kind, text)
        if vocab.WH_START.search(text) or vocab.ZH_QUESTION.search(text):
            return chat
        if len(words) + (len(zh_left) + 1) // 2 <= 2:
            return ask
        return chat
    return chat


def route(text: str, *, cwd: Path | None = None) -> Intent:
    """Classify one message. Pure apart from checking whether paths exist."""
    cwd = cwd or Path.cwd()
    lang = "zh" if _has_cjk(text) else "en"
    stripped = text.strip()
    if not stripped:
        return Intent(IntentKind.CHAT, text)
    prefix = _UPLOAD_PREFIX.match(stripped)
    body = stripped[prefix.end() :] if prefix else stripped
    found = _only_paths(body, cwd)
    if found:
        paths, urls = found
        return Intent(IntentKind.UPLOAD, text, paths=paths, urls=urls)
    intent = _by_keywords(stripped, lang)
    if intent.kind is IntentKind.CHAT:
        mentioned = _mentioned_files(stripped, cwd)
        if mentioned:
            names = ", ".join(p.name for p in mentioned)
            return Intent(
                IntentKind.UPLOAD,
                text,
                paths=mentioned,
                confidence="ask",
                question=_question(IntentKind.UPLOAD, lang, names),
            )
    return intent
