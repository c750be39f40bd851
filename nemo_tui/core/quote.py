"""What a turn will cost, said before it is sent (issue 14).

A turn the router or the agent's plan recognises as a generation ("generate a 10-second video of…")
makes about that many seconds of video; one that draws a clip again ("regenerate the second clip",
"把第二个片段换成雪山") makes that clip's length. The local engine charges a known rate (1 credit per second
of video); the cloud's rate is learned from past turns (the balance's drop over the seconds of video
they made, core/store_ledger.py) and is honestly "unknown" until there is one. A quote above the
confirm-above setting, above the balance or above the session's budget is not sent on its own."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .activity import looks_like_generation, looks_like_regeneration
from .i18n import format_credits, t

LOCAL_RATE = 1.0  # credits per second of generated video on the local engine
DEFAULT_CLIP_S = 5.0  # a generation that names no length
MAX_CLIP_S = 60.0
DEFAULT_CONFIRM_ABOVE = 20.0

_NUM = r"(\d+(?:\.\d+)?)"
_SECONDS = re.compile(_NUM + r"\s*(?:-|\s)?\s*(?:s\b|sec\b|secs\b|second|seconds|秒)", re.IGNORECASE)
_MINUTES = re.compile(_NUM + r"\s*(?:-|\s)?\s*(?:min\b|mins\b|minute|minutes|分钟)", re.IGNORECASE)


_EN_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_EN_ORDINALS |= {"fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "last": -1, "final": -1}
_CLIP_AT = re.compile(
    r"(?i)\b(" + "|".join(_EN_ORDINALS) + r")\s+(?:clip|shot|scene|segment|video|one)\b"
    r"|\b(?:clip|shot|segment)\s*#?\s*(\d+)\b|(最后|倒数第一)|第\s*([一二两三四五六七八九\d]+)\s*(?:个|段|条)?"
)
_ZH_DIGITS = "一二三四五六七八九"
_NEW_CLIP = re.compile(
    r"(?i)\b(?:video|clip|footage|animation)s?\s+(?:of|showing|about|featuring)\b|(?<!第)(?:[一1]个|一段)"
)


def _clip_index(text: str, count: int) -> int | None:
    """Which of `count` clips a message names ("the second clip", "clip 2", "第二个片段", "最后一段")."""
    m = _CLIP_AT.search(text)
    if m is None:
        return None
    if m.group(1):
        n = _EN_ORDINALS[m.group(1).lower()]
    elif m.group(2):
        n = int(m.group(2))
    elif m.group(3):
        n = -1
    else:
        zh = m.group(4).replace("两", "二")
        n = int(zh) if zh.isdigit() else _ZH_DIGITS.index(zh[0]) + 1 if len(zh) == 1 else 0
    i = n - 1 if n > 0 else count + n
    return i if 0 <= i < count else None


def video_seconds(text: str, clips: Sequence[float] = ()) -> float | None:
    """Seconds of video a message asks to generate; None when it does not look like a generation.

    A clip drawn again costs that clip's length (`clips`: the timeline's clips, in seconds): the one
    it names, else the longest (it can't tell which, so it quotes the dearest)."""
    if looks_like_regeneration(text):
        if not clips:
            return DEFAULT_CLIP_S
        index = _clip_index(text, len(clips))
        return min(clips[index] if index is not None else max(clips), MAX_CLIP_S)
    if not looks_like_generation(text) or (_CLIP_AT.search(text) and not _NEW_CLIP.search(text)):
        return None  # "make the first clip 3 seconds": an edit of a clip there, not a new one
    if m := _MINUTES.search(text):
        seconds = float(m.group(1)) * 60
    elif m := _SECONDS.search(text):
        seconds = float(m.group(1))
    else:
        seconds = DEFAULT_CLIP_S
    return min(max(seconds, 1.0), MAX_CLIP_S) if math.isfinite(seconds) else DEFAULT_CLIP_S


@dataclass(frozen=True)
class Quote:
    seconds: float
    rate: float | None  # credits per second of video; None: not known yet

    @property
    def credits(self) -> float | None:
        return None if self.rate is None else round(self.seconds * self.rate, 2)

    def text(self, lang: str) -> str:
        seconds = f"{self.seconds:g}"
        if self.rate is None or self.credits is None:
            return t("quote.unknown", lang, seconds=seconds)
        return t(
            "quote.known",
            lang,
            credits=format_credits(self.credits),
            seconds=seconds,
            rate=format_credits(self.rate),
        )


def over_budget(quote: Quote, *, budget: float | None, spent: float, lang: str) -> str | None:
    """Why the session's budget refuses this turn, or None."""
    if budget is None:
        return None
    cost = quote.credits
    if cost is None or spent + cost <= budget:
        return None
    return t(
        "quote.budget",
        lang,
        budget=format_credits(budget),
        spent=format_credits(spent),
        credits=format_credits(cost),
    )


def confirm_reason(
    quote: Quote, *, balance: float | None, confirm_above: float, lang: str, limit: float | None = None
) -> str | None:
    """Why this quote needs the person's yes (above the threshold, the balance, a --max-credits
    limit, or an unknown price under a limit), or None when it can go ahead."""
    cost = quote.credits
    if limit is not None:
        if cost is None:
            return t("quote.why_unknown", lang)
        return t("quote.why_limit", lang, limit=format_credits(limit)) if cost > limit else None
    if cost is None:
        return None
    if balance is not None and cost > balance:
        return t("quote.why_balance", lang, balance=format_credits(balance))
    if cost > confirm_above:
        return t("quote.why_threshold", lang, limit=format_credits(confirm_above))
    return None
