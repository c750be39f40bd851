"""What a turn will cost, said before it is sent (issue 14).

A turn the router or the agent's plan recognises as a generation ("generate a 10-second video of…")
makes about that many seconds of video. The local engine charges a known rate (1 credit per second
of video); the cloud's rate is learned from past turns (the balance's drop over the seconds of video
they made, core/store_ledger.py) and is honestly "unknown" until there is one. A quote above the
confirm-above setting, above the balance or above the session's budget is not sent on its own."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .activity import looks_like_generation
from .i18n import format_credits, t

LOCAL_RATE = 1.0  # credits per second of generated video on the local engine
DEFAULT_CLIP_S = 5.0  # a generation that names no length
MAX_CLIP_S = 60.0
DEFAULT_CONFIRM_ABOVE = 20.0

_NUM = r"(\d+(?:\.\d+)?)"
_SECONDS = re.compile(_NUM + r"\s*(?:-|\s)?\s*(?:s\b|sec\b|secs\b|second|seconds|秒)", re.IGNORECASE)
_MINUTES = re.compile(_NUM + r"\s*(?:-|\s)?\s*(?:min\b|mins\b|minute|minutes|分钟)", re.IGNORECASE)


def video_seconds(text: str) -> float | None:
    """Seconds of video a message asks to generate; None when it does not look like a generation."""
    if not looks_like_generation(text):
        return None
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
