"""The harness every headless command runs in: settings → backend → one asyncio run → exit code.

A command is `async def body(ctx) -> int`. `ctx.open_session()` reopens the session the TUI and the
other commands share (the store's last one for this backend, or `--session ID`); `ctx.drive(flow,
on_event)` runs one Conversation flow, prints errors, and tells how it went (`Outcome`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from ..backend import Backend, connect
from ..core.events import (
    Activity,
    CostQuote,
    CreditsUpdated,
    ErrorKind,
    Notice,
    Progress,
    Recovering,
    SessionChanged,
    StillWorking,
    SuggestedAction,
    TurnQueued,
)
from ..core.i18n import format_size
from ..core.store import SessionRecord, StoreError
from . import exits
from .exits import CommandError
from .output import Output

Body = Callable[["Context"], Awaitable[int]]

# What a SuggestedAction becomes on a command line.
_TIPS = {
    "export": "nemo-tui export",
    "state": "nemo-tui status",
    "timeline": "nemo-tui status",
    "credits": "nemo-tui credits",
}


@dataclass
class Outcome:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The kind of the last error notice: it picks the exit code (never read from the words).
    error_kind: ErrorKind | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return exits.OK if self.ok else exits.exit_code_for(self.error_kind)


class Context:
    def __init__(self, args: argparse.Namespace, out: Output, backend: Backend) -> None:
        self.args = args
        self.out = out
        self.backend = backend
        self.conversation = backend.conversation
        self.store = backend.store

    # ---- sessions ------------------------------------------------------------------------------
    async def find_session(self, wanted: str) -> SessionRecord:
        """A session of this backend by id, or by an unambiguous prefix of it."""
        records = await asyncio.to_thread(self.store.list_sessions, self.backend.backend_key)
        exact = [r for r in records if r.session_id == wanted]
        matches = exact or [r for r in records if r.session_id.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise CommandError(
                f"No session {wanted!r} on this backend ({self.backend.kind}); "
                "`nemo-tui sessions` lists them."
            )
        raise CommandError(f"{wanted!r} matches {len(matches)} sessions; give more of the id.")

    async def open_session(self, wanted: str | None = None, *, json_events: bool = True) -> None:
        """Reopen `wanted` (or the last used session) like the TUI does at start, without its
        extras: renders left pending are for the TUI or `nemo-tui export --resume`."""
        if wanted:
            record = await self.find_session(wanted)
            # The chosen session becomes the last used one: the next command (and the TUI) continue it.
            await asyncio.to_thread(self.store.save_session, self.backend.backend_key, record.session_id)
        outcome = Outcome()
        async with aclosing(self.conversation.start()) as events:
            async for event in events:
                self._note(event, outcome)
                if self.out.json and json_events:
                    self.out.json_line(event)
                if isinstance(event, Notice) and event.level in ("info", "success"):
                    self.out.note(event.text)
                if isinstance(event, CreditsUpdated):
                    break  # start() goes on to resume pending renders: not a headless command's job
        if not outcome.ok:
            raise CommandError("", outcome.exit_code)  # the error line is already out

    async def new_session(self, *, title: str) -> None:
        """A fresh session, made the last used one (titled: the conversation only titles a
        session it creates for a first message)."""
        outcome = await self.drive(
            self.conversation.new_session(),
            lambda e: self.out.note(e.text) if isinstance(e, Notice) and e.level == "success" else None,
        )
        if not outcome.ok:
            raise CommandError("", outcome.exit_code)
        if self.session_id:
            await asyncio.to_thread(
                self.store.save_session, self.backend.backend_key, self.session_id, title=title
            )

    @property
    def session_id(self) -> str | None:
        info = self.backend.client.session
        return info.session_id if info else None

    # ---- one flow ------------------------------------------------------------------------------
    def _note(self, event: Any, outcome: Outcome) -> None:
        """Errors and warnings go to stderr whatever the command; so do live side remarks."""
        out = self.out
        if isinstance(event, Notice) and event.level == "error":
            outcome.errors.append(event.text)
            outcome.error_kind = event.error
            out.error(event.text)
        elif isinstance(event, Notice) and event.level == "warning":
            outcome.warnings.append(event.text)
            out.warning(event.text)
        elif isinstance(event, Progress):
            out.status(progress_text(event))
        elif isinstance(event, Activity):
            if event.running:
                out.status(f"… {event.label}")
        elif isinstance(event, StillWorking):
            out.note(event.text)
        elif isinstance(event, SuggestedAction) and event.action in _TIPS:
            out.note(f"Tip: {event.label} — run `{_TIPS[event.action]}`")
        elif isinstance(event, SuggestedAction) and event.action == "retry":
            # Never re-sent by itself (a second generation is charged twice): the person decides.
            out.note("Tip: to send it again, run the same `nemo-tui ask` command again.")
        elif isinstance(event, CostQuote):
            _note_quote(event, outcome, out)
        elif isinstance(event, Recovering):
            out.status(event.text)
        elif isinstance(event, TurnQueued):
            out.warning(event.text)  # a second `ask` on the same session waits, and says so
        elif isinstance(event, SessionChanged):
            out.note(f"Session {event.session_id}" + (" (reopened)" if event.resumed else " (new)"))

    async def drive(
        self,
        flow: AsyncGenerator[Any, None],
        on_event: Callable[[Any], Any] | None = None,
        *,
        json_events: bool = True,
    ) -> Outcome:
        """Run one flow to its end. `on_event` sees every event and may return a replacement to
        print in `--json` mode (None keeps it). With `json_events` False the command prints its
        own JSON document instead of event lines."""
        outcome = Outcome()
        async with aclosing(flow) as events:
            async for event in events:
                self._note(event, outcome)
                shown = on_event(event) if on_event is not None else None
                if self.out.json and json_events:
                    self.out.json_line(shown if shown is not None else event)
        self.out.finish()
        return outcome


def _note_quote(event: CostQuote, outcome: Outcome, out: Output) -> None:
    """A quote is a side remark; one that stopped the message is a failure of the credits kind
    (exit 4): a script learns that nothing was sent and nothing spent."""
    if event.refused:  # the budget's refusal: its warning line is already out
        outcome.errors.append(event.refused)
    elif event.confirm:
        outcome.errors.append(event.confirm)
        out.error(
            f"Not sent, nothing spent. {event.text} {event.confirm} "
            "Run again with --yes to spend it, or --max-credits N to cap it."
        )
    else:
        out.note(event.text)
        return
    outcome.error_kind = ErrorKind.CREDITS


def progress_text(event: Progress) -> str:
    verb = {"render": "Rendering", "download": "Downloading", "upload": "Uploading"}[event.phase]
    parts = [verb + "…"]
    if event.fraction is not None:
        parts.append(f"{round(event.fraction * 100)}%")
    if event.done is not None:
        parts.append(format_size(event.done) + (f" / {format_size(event.total)}" if event.total else ""))
    return " ".join(parts)


def run_headless(args: argparse.Namespace, body: Body, *, out: Output | None = None) -> int:
    """Build everything, run `body` in one event loop, always clean up; return the exit code."""
    from ..core.settings import Settings, SettingsError
    from .parsers import requested_backend

    out = out or Output(json_mode=getattr(args, "json", False))
    try:
        settings = Settings.from_env(
            backend=requested_backend(args),
            export_dir=getattr(args, "export_dir", None),
            lang=getattr(args, "lang", None),
        )
    except SettingsError as exc:  # a bad NEMO_* value, NEMO_BACKEND included
        out.error(str(exc))
        return exits.USAGE
    if getattr(args, "debug", False):
        from ..logging_setup import enable_debug_logging

        out.note(f"debug log at {enable_debug_logging()}")
    try:
        # Recovery (new session, new token, a 429 wait) is worth a line even in a log file.
        backend = connect(settings, on_recovery=out.warning)
    except StoreError as exc:
        out.error(str(exc))
        return exits.SERVER
    except (RuntimeError, OSError) as exc:  # the embedded engine could not start
        out.error(f"Couldn't start the local engine: {exc}")
        return exits.SERVER
    ctx = Context(args, out, backend)

    async def main() -> int:
        try:
            return await body(ctx)
        finally:
            await backend.aclose()

    try:
        return asyncio.run(main())
    except CommandError as exc:
        out.finish()
        if str(exc):
            out.error(str(exc))
        return exc.code
    except BrokenPipeError:
        # The reader went away (`nemo-tui sessions | head -1`): not an error of ours. Point stdout
        # at /dev/null so the interpreter's final flush doesn't complain about it either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exits.OK
    except KeyboardInterrupt:
        out.finish()
        out.error("Interrupted.")
        return exits.INTERRUPTED
    finally:
        backend.close()
        sys.stdout.flush()
