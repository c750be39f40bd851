"""One exception hierarchy for everything the wire can say went wrong.

Each error carries the user-facing message the seed prescribes (`user_message`), in English and
Chinese. Nothing here ever holds the token: messages are built from codes and public ids only.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import quote, urlsplit

from ..languages import norm_lang
from .sanitize import sanitize_text

SUPPORTED_FORMATS: tuple[str, ...] = (
    "mp4",
    "mov",
    "avi",
    "webm",
    "mkv",
    "jpg",
    "png",
    "gif",
    "webp",
    "mp3",
    "wav",
    "m4a",
    "aac",
)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

# The web app (NEMO_WEB_URL, default https://nemovideo.com) registers people; an anonymous user's
# link binds their `anon_…` user id (CLOUD_FACTS.md). The local engine sends its own
# `register_url` (and `bind_id`) with code 2001, which win.
DEFAULT_WEB_BASE = "https://nemovideo.com"
DEFAULT_REGISTER_URL = f"{DEFAULT_WEB_BASE}/register"
# A registration link in the agent's own words (`…/register?bind=anon_…`).
_LINK_IN_TEXT = re.compile(r"https?://[^\s<>\"'()\[\]]*register[^\s<>\"'()\[\]]*", re.IGNORECASE)


def safe_link(url: str | None) -> str | None:
    """A server-sent URL fit to show and open: http(s), a host, no spaces or controls; else None."""
    if not url:
        return None
    url = sanitize_text(url).strip()
    if not url or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


class NemoError(Exception):
    """Base of every error the client raises. `code` is the envelope code or the HTTP status."""

    code: ClassVar[int | None] = None
    messages: ClassVar[dict[str, str]] = {
        "en": "Something went wrong talking to the video service.",
        "zh": "与视频服务通信时出错。",
    }

    def __init__(self, detail: str = "", *, http_status: int | None = None) -> None:
        # Details quote the server: cleaned of terminal escapes before any layer can print them.
        detail = sanitize_text(detail) if isinstance(detail, str) else sanitize_text(str(detail))
        self.detail = detail
        self.http_status = http_status
        shown = self.user_message("en")
        super().__init__(shown if not detail or detail in shown else f"{shown} ({detail})")

    def user_message(self, lang: str = "en") -> str:
        return self.messages[norm_lang(lang)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"


class TokenExpired(NemoError):
    code = 1001
    messages = {
        "en": "Your access token is invalid or expired, and getting a new one failed.",
        "zh": "访问令牌无效或已过期，重新获取失败。",
    }


class SessionNotFound(NemoError):
    code = 1002
    messages = {
        "en": "That session no longer exists on the server.",
        "zh": "服务器上已没有这个会话。",
    }


class NoCredits(NemoError):
    """2001. For an anonymous user, `registration_link`: the agent's own registration link when its
    text (`agent_text`) or `register_url` already carries a `bind=`, else
    `<register_url>?bind=<bind_id>` (the client fills `bind_id` with the `anon_…` user id and
    `register_url` with `<web base>/register` when the server sent neither)."""

    code = 2001

    def __init__(
        self,
        detail: str = "",
        *,
        anonymous: bool = True,
        bind_id: str | None = None,
        register_url: str | None = None,
        agent_text: str | None = None,
        http_status: int | None = None,
    ) -> None:
        self.anonymous = anonymous
        bind = sanitize_text(str(bind_id)).strip() if bind_id is not None else ""
        self.bind_id = bind or None
        self.server_register_url = safe_link(register_url)  # None when the server sent none (or a bad one)
        self.register_url = self.server_register_url or DEFAULT_REGISTER_URL
        found = _LINK_IN_TEXT.search(sanitize_text(agent_text or ""))
        self.agent_link = safe_link(found.group(0).rstrip(".,;:!?")) if found else None
        super().__init__(detail, http_status=http_status)

    @property
    def registration_link(self) -> str | None:
        if not self.anonymous:
            return None
        if self.agent_link:
            return self.agent_link
        if "bind=" in self.register_url or not self.bind_id:
            return self.register_url
        sep = "&" if "?" in self.register_url else "?"
        return f"{self.register_url}{sep}bind={quote(self.bind_id, safe='')}"

    def user_message(self, lang: str = "en") -> str:
        zh = norm_lang(lang) == "zh"
        if not self.anonymous:
            return (
                "积分不足。请在您的账户中充值积分。"
                if zh
                else ("You're out of credits. Top up credits in your account.")
            )
        link = self.registration_link
        return (
            f"积分已用完。注册即可获得更多积分：{link}"
            if zh
            else f"You're out of free credits. Register to get more: {link}"
        )


class UnsupportedFile(NemoError):
    code = 4001

    def user_message(self, lang: str = "en") -> str:
        formats = ", ".join(SUPPORTED_FORMATS)
        if norm_lang(lang) == "zh":
            return f"不支持这种文件格式。支持的格式：{formats}。"
        return f"That file format isn't supported. Supported formats: {formats}."


class FileTooLarge(NemoError):
    code = 4002
    messages = {
        "en": "That file is larger than 200 MB. Compress it or trim it to a shorter clip, then try again.",
        "zh": "文件超过 200 MB。请先压缩或裁剪成更短的片段后再试。",
    }


class MissingClientId(NemoError):
    code = 400
    messages = {
        "en": "The server asked for a client id and refused a new one.",
        "zh": "服务器要求客户端 ID，且拒绝了新的 ID。",
    }


class ExportBlocked(NemoError):
    """HTTP 402: a plan problem, not a credits problem."""

    code = 402
    messages = {
        "en": "Register or upgrade your plan to unlock export.",
        "zh": "请注册或升级套餐以解锁导出。",
    }


class RateLimited(NemoError):
    code = 429
    messages = {
        "en": "The server is rate-limiting this client (one new token per client every 7 days). "
        "Tried again after 30 seconds and it still refused; try again later.",
        "zh": "服务器限制了请求频率（每个客户端 7 天只能获取一个新令牌）。30 秒后重试仍被拒绝，请稍后再试。",
    }


class NetworkError(NemoError):
    messages = {
        "en": "Couldn't reach the video service. Check the connection and try again.",
        "zh": "无法连接视频服务。请检查网络后重试。",
    }


class _ErrorWithDetail(NemoError):
    """Errors whose detail (what failed, from the server) is part of what the person reads."""

    def user_message(self, lang: str = "en") -> str:
        base = self.messages[norm_lang(lang)]
        return f"{base} {self.detail}".strip() if self.detail else base


class ServerError(_ErrorWithDetail):
    messages = {
        "en": "The video service answered with an error.",
        "zh": "视频服务返回了错误。",
    }


class StreamError(_ErrorWithDetail):
    """The SSE stream broke: dropped mid-turn, malformed event, or an agent error event."""

    messages = {
        "en": "The reply stream broke off.",
        "zh": "回复流中断了。",
    }


class RenderFailed(_ErrorWithDetail):
    messages = {
        "en": "The export failed on the server.",
        "zh": "服务器导出失败。",
    }


class RenderStalled(RenderFailed):
    """`wait_for_render` gave up: the render showed no progress for the whole budget. The server
    may still finish it; a new export starts over with a new id."""

    messages = {
        "en": "The export stopped making progress on the server.",
        "zh": "服务器上的导出长时间没有进展。",
    }


class InvalidInput(NemoError):
    """Checked on this side before anything is sent (a typo'd path, say)."""

    def user_message(self, lang: str = "en") -> str:
        return self.detail or super().user_message(lang)


ERRORS_BY_CODE: dict[int, type[NemoError]] = {
    cls.code: cls
    for cls in (TokenExpired, SessionNotFound, NoCredits, UnsupportedFile, FileTooLarge)
    if cls.code is not None
}
