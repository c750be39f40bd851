"""`nemo-tui credits`, `nemo-tui status` and `nemo-tui sessions`: read-only commands."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, TypeAdapter

from ..core.events import CreditsUpdated, Notice, TimelineUpdated
from ..core.i18n import format_seconds
from ..core.summary import timeline_summary
from ..protocol import Credits, Draft, NemoError
from . import exits
from .runtime import Body, Context


# ---- credits -------------------------------------------------------------------------------------
def _credits(args: argparse.Namespace) -> Body:
    async def body(ctx: Context) -> int:
        found: list[Credits] = []
        lines: list[str] = []

        def on_event(event: Any) -> None:
            if isinstance(event, CreditsUpdated):
                found.append(event.credits)
            elif isinstance(event, Notice) and event.level == "info":
                lines.append(event.text)

        outcome = await ctx.drive(ctx.conversation.credits(), on_event, json_events=False)
        if not outcome.ok or not found:
            return outcome.exit_code
        if ctx.out.json:
            ctx.out.json_line(found[-1])
        else:
            ctx.out.line(lines[-1] if lines else str(found[-1]))
        return exits.OK

    return body


# ---- status --------------------------------------------------------------------------------------
def _status(args: argparse.Namespace) -> Body:
    async def body(ctx: Context) -> int:
        await ctx.open_session(args.session, json_events=False)
        updates: list[TimelineUpdated] = []
        if ctx.session_id is not None:
            outcome = await ctx.drive(
                ctx.conversation.show_state(),
                lambda e: updates.append(e) if isinstance(e, TimelineUpdated) else None,
                json_events=False,
            )
            if not outcome.ok:
                return outcome.exit_code
        draft = updates[-1].draft if updates else Draft()
        if ctx.out.json:
            ctx.out.json_line(draft)  # the wire's short keys: Draft.model_validate reads it back
        else:
            ctx.out.line(updates[-1].summary if updates else timeline_summary(draft, ctx.conversation.lang))
        return exits.OK

    return body


# ---- sessions ------------------------------------------------------------------------------------
class SessionListing(BaseModel):
    """One line of `nemo-tui sessions --json`. `duration_ms` is the timeline's length (None when
    not asked for, or unknown); `available` False when the backend no longer has the session."""

    session_id: str
    title: str
    language: str
    created: datetime
    last_used: datetime
    duration_ms: int | None = None
    available: bool | None = None
    current: bool = False


SESSION_LISTINGS = TypeAdapter(list[SessionListing])


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


async def _timeline_ms(ctx: Context, session_id: str, task_id: str | None) -> int | None:
    """The session's timeline duration, or None when the backend lost it (then forgotten here,
    as the TUI does). The client replaces a lost session with a new one: that one is not kept."""
    client = ctx.backend.client
    client.use_session(session_id, task_id)
    state = await client.state()
    if client.session is None or client.session.session_id != session_id:
        await asyncio.to_thread(ctx.store.forget_session, session_id)
        return None
    return state.draft.duration_ms


def _sessions(args: argparse.Namespace) -> Body:
    async def body(ctx: Context) -> int:
        records = await asyncio.to_thread(ctx.store.list_sessions, ctx.backend.backend_key)
        records = records[: max(args.limit, 0)]
        rows = [
            SessionListing(
                session_id=r.session_id,
                title=r.title,
                language=r.language,
                created=_when(r.created),
                last_used=_when(r.last_used),
                current=i == 0,
            )
            for i, r in enumerate(records)
        ]
        if not args.offline and rows:
            client = ctx.backend.client
            client.on_recovery = None  # a lost session is reported in the list, not as a renewal
            try:
                for row, record in zip(rows, records, strict=False):
                    row.duration_ms = await _timeline_ms(ctx, record.session_id, record.task_id)
                    row.available = row.duration_ms is not None
            except NemoError as exc:
                ctx.out.warning(f"Durations unavailable: {exc.user_message(ctx.conversation.lang)}")
        if ctx.out.json:
            ctx.out.line(json.dumps(SESSION_LISTINGS.dump_python(rows, mode="json"), ensure_ascii=False))
        elif not rows:
            ctx.out.note('No sessions yet on this backend. Start one with `nemo-tui ask "…"`.')
        else:
            for row in rows:
                ctx.out.line(_session_line(row, ctx.conversation.lang))
        return exits.OK

    return body


def _session_line(row: SessionListing, lang: str) -> str:
    when = row.last_used.astimezone().strftime("%Y-%m-%d %H:%M")
    if row.available is False:
        length = "gone"
    elif row.duration_ms is None:
        length = "?"
    else:
        length = format_seconds(row.duration_ms / 1000, lang)
    mark = "*" if row.current else " "
    return f"{mark} {row.session_id}\t{when}\t{length}\t{row.title or '(untitled)'}"


_BODIES = {"credits": _credits, "status": _status, "sessions": _sessions}


def prepare(args: argparse.Namespace) -> Body:
    return _BODIES[args.command](args)
