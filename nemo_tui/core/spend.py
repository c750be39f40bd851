"""Money around a turn (issue 14): the quote before it is sent (core/quote.py), the ledger row
around it (the balance before and after, what was asked, the seconds of video it made), and the
generation jobs it starts, each in the store before the app waits on it."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

from ..protocol import Credits, Draft, NemoError, TrackType
from .activity import looks_like_regeneration
from .events import CostQuote
from .flow_base import Event, FlowBase, log
from .i18n import t
from .quote import DEFAULT_CONFIRM_ABOVE, LOCAL_RATE, Quote, confirm_reason, over_budget, video_seconds


def video_ms(draft: Draft | None) -> int:
    """Milliseconds of video on the timeline: what a generation adds to."""
    if draft is None:
        return 0
    return sum(max(s.duration_ms, 0) for tr in draft.tracks_of(TrackType.VIDEO) for s in tr.segments)


def clip_seconds(draft: Draft | None) -> list[float]:
    """The length of each clip on the timeline, in order: what drawing one again costs."""
    if draft is None:
        return []
    return [max(s.duration_ms, 0) / 1000 for tr in draft.tracks_of(TrackType.VIDEO) for s in tr.segments]


class SpendFlows(FlowBase):
    # Settings (backend.py sets them from core.settings.Settings): ask before spending more than
    # `confirm_above` credits on one turn; refuse turns that would take a session past its budget.
    confirm_above: float = DEFAULT_CONFIRM_ABOVE
    session_budget: float | None = None
    # Headless `ask`: `spend_approved` (--yes) spends what the quote says without asking;
    # `spend_limit` (--max-credits N) refuses a quote above N, or an unknown one.
    spend_approved: bool = False
    spend_limit: float | None = None
    _approved_text: str | None = None
    # The front-end handles CostQuote.confirm (asks, or refuses like `ask` does): only then is a
    # quote above the threshold held back. A front-end that can't ask yet still gets the quote.
    can_confirm: bool = False
    _tools_ran = False  # the last turn ran tools: front-ends get the balance after it
    # The balance as last read (start, a credits check, a turn that spent): a turn that cannot spend
    # uses it instead of asking the backend again (every request is one more to fail or wait on).
    _last_balance: Credits | None = None

    def _known(self, credits: Credits) -> Credits:
        self._last_balance = credits
        return credits

    async def _balance(self) -> Credits | None:
        """The balance, or None when it can't be read (the turn goes on: the ledger says "?")."""
        try:
            return self._known(await self.backend.credits())
        except NemoError as exc:
            log.debug("balance read failed: %r", exc)
            return None

    async def _balance_before(self, text: str) -> Credits | None:
        """Before a turn: read afresh when the message is a generation (its quote weighs the
        balance), else the balance as last read."""
        if video_seconds(text) is not None:
            return await self._balance()
        return self._last_balance

    async def quote_for(self, text: str) -> Quote | None:
        """The quote for a message, or None when it does not look like a generation. A clip drawn
        again is quoted at its length, so the draft is read first when it is not known yet."""
        if looks_like_regeneration(text) and self._draft is None and self._session_id:
            try:
                self._seen(await self.backend.state())
            except NemoError as exc:
                log.debug("state read for a quote failed: %r", exc)
        seconds = video_seconds(text, clip_seconds(self._draft))
        if seconds is None:
            return None
        rate = LOCAL_RATE if self._local else await self._db.learned_rate(self.backend_key)
        return Quote(seconds=seconds, rate=rate)

    def approve(self, text: str) -> None:
        """The person said yes to this message's quote: the next send of exactly it goes ahead."""
        self._approved_text = text

    async def _gate(
        self, text: str, balance: Credits | None, allowed: list[tuple[Quote, CostQuote] | None]
    ) -> AsyncIterator[Event]:
        """`allowed` gets the quote and its event (shown as the turn starts; None when no quote
        applies) when the message may be sent, and stays empty when it may not: then this yields
        a CostQuote with `confirm` (it needs a yes) or `refused` (the session's budget)."""
        approved, self._approved_text = self._approved_text == text, None
        quote = await self.quote_for(text)
        if quote is None:
            allowed.append(None)
            return
        available = balance.available if balance is not None else None
        event = CostQuote(
            seconds=quote.seconds,
            rate=quote.rate,
            credits=quote.credits,
            balance=available,
            text=quote.text(self.lang),
            payload=text,
        )
        spent = await self._db.session_spent(self._session_id) if self._session_id else 0.0
        refused = over_budget(quote, budget=self.session_budget, spent=spent, lang=self.lang)
        if refused is not None:
            yield event.model_copy(update={"refused": refused})
            yield await self._notice(t("quote.refused", self.lang, reason=refused), "warning")
            return
        reason = confirm_reason(
            quote,
            balance=available,
            confirm_above=self.confirm_above,
            lang=self.lang,
            limit=self.spend_limit,
        )
        asks = self.can_confirm and not (approved or self.spend_approved)
        if reason is not None and (self.spend_limit is not None or asks):
            yield event.model_copy(update={"confirm": t("quote.confirm", self.lang, why=reason)})
            return
        allowed.append((quote, event))

    async def _open_entry(self, text: str, balance: Credits | None, quote: Quote | None) -> int | None:
        if not self._session_id:
            return None
        return int(
            await self._db.open_ledger_entry(
                self._session_id,
                self.backend_key,
                text,
                before=balance.available if balance is not None else None,
                estimate=quote.credits if quote is not None else None,
            )
        )

    async def _close_entry(
        self, entry: int | None, before: Draft | None, generated_s: float, *, spent: bool
    ) -> Credits | None:
        """The balance after the turn, and the seconds of video it made (what the generation tools
        were asked for, else what the timeline's video grew by). `spent`: the turn ran tools, so
        the balance is read again; a turn that ran none changed nothing (the last balance stands)."""
        after = await self._balance() if spent else self._last_balance
        if entry is not None:
            grown = max(video_ms(self._draft) - video_ms(before), 0) / 1000
            await self._db.close_ledger_entry(
                entry,
                after=after.available if after is not None else None,
                video_s=generated_s or grown,
            )
        return after

    # ---- generation jobs -------------------------------------------------------------------------
    async def _generation_started(
        self, call_id: str | None, args: dict[str, Any], jobs: dict[str, str]
    ) -> None:
        job_id = f"gen-{call_id or len(jobs)}-{self._owner[:8]}"
        jobs[call_id or job_id] = job_id
        seconds = args.get("duration") or args.get("seconds")
        await self._db.save_job(
            job_id,
            self._session_id or "",
            self.backend_key,
            "generation",
            label=str(args.get("prompt") or "")[:80],
            video_s=float(seconds) if isinstance(seconds, (int, float)) else None,
            status="running",
        )

    async def _generations_ended(self, jobs: dict[str, str], status: str, call_id: str | None = None) -> None:
        for key in [call_id] if call_id is not None else list(jobs):
            job_id = jobs.pop(key, None) if key is not None else None
            if job_id is not None:
                await self._db.finish_job(job_id, status)


def generated_seconds(args: dict[str, Any]) -> float:
    value = args.get("duration") or args.get("seconds")
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0
