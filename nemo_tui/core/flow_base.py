"""The plumbing every conversation flow shares: settings, what was last seen of the session, the
guard that turns errors into typed notices, the store off the event loop.

`Conversation` (core/conversation.py) is this plus its flows (core/turns.py, core/recovery.py,
core/export_flow.py).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..client.api import VideoBackend
from ..languages import norm_lang
from ..loopback import is_loopback_url
from ..protocol import Draft, NemoError, RenderJob, SessionState
from .events import ErrorKind, Notice, NoticeLevel, SessionChanged, TimelineUpdated, error_kind
from .filmstrip import media_urls
from .i18n import t
from .pump import Pump
from .settings import default_cache_dir
from .store import Store
from .summary import describe_changes, timeline_summary

log = logging.getLogger("nemo_tui.core")
Event = Any  # a nemo_tui.core.events ConversationEvent

P = ParamSpec("P")
F = TypeVar("F", bound="FlowBase")


def guarded(
    flow: Callable[Concatenate[F, P], AsyncIterator[Event]],
) -> Callable[Concatenate[F, P], AsyncGenerator[Event, None]]:
    """The public face of a flow: the same events, run under `FlowBase._guard` (a NemoError
    becomes an error Notice with its kind; only cancellation leaves)."""

    @functools.wraps(flow)
    def public(self: F, /, *args: P.args, **kwargs: P.kwargs) -> AsyncGenerator[Event, None]:
        return self._guard(flow(self, *args, **kwargs))

    return public


class AsyncStore:
    """The store's methods as coroutines, each run in a thread (sqlite3 blocks)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = getattr(self._store, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(method, *args, **kwargs)

        return call


class FlowBase:
    # The render job (export or preview) a flow of this conversation waits on right now, or None:
    # a front-end's jobs list stops that one with stop() + cancelling the flow, not cancel_job().
    waiting_on: str | None = None

    def __init__(
        self,
        backend: VideoBackend,
        store: Store,
        *,
        backend_key: str,
        export_dir: Path,
        lang: str = "en",
        still_working_every: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        cwd: Path | None = None,
        local_engine: bool | None = None,
        poll_interval_s: float | None = None,
        recovery_first_s: float | None = None,
        recovery_every_s: float | None = None,
        recovery_checks: int = 5,
        watch_delays_s: tuple[float, ...] | None = None,
        lock_poll_s: float = 0.5,
        cache_dir: Path | None = None,
        fixed_lang: str | None = None,
    ) -> None:
        self.backend = backend
        self.store = store
        self._db = AsyncStore(store)
        self.backend_key = backend_key
        self.export_dir = Path(export_dir).expanduser()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()  # previews
        self.language = lang  # the code sent to the server ("en", "zh", "fr"…)
        # "en" / "zh" when the person chose the app's language (--lang, NEMO_LANG); None: follow them.
        self.fixed_lang = norm_lang(fixed_lang) if fixed_lang else None
        self.still_working_every = still_working_every
        self._clock = clock
        self._sleep = sleep
        self._cwd = cwd
        self._local = backend_key.startswith("local") if local_engine is None else local_engine
        # After a dropped stream: first state read, then every…, up to `recovery_checks` reads
        # (the vendor's 30 s / 60 s / 5). NEMO_POLL_INTERVAL_S (`poll_interval_s`) overrides every
        # interval; the local engine answers at once and uses short ones.
        # The engine on this machine (also when reached as "cloud" at a loopback address, as the
        # tests do) answers at once and charges nothing.
        fast = self._local or is_loopback_url(getattr(backend, "base_url", "") or "")
        self._charges = not fast  # say what things cost (credits) only where the cloud is used
        self.recovery_first_s = (
            recovery_first_s
            if recovery_first_s is not None
            else (poll_interval_s if poll_interval_s is not None else (0.1 if fast else 30.0))
        )
        self.recovery_every_s = (
            recovery_every_s
            if recovery_every_s is not None
            else (poll_interval_s if poll_interval_s is not None else (0.25 if fast else 60.0))
        )
        self.recovery_checks = max(1, recovery_checks)
        # Two-stage generation: when to look again for what the backend adds after a generation.
        # The local engine adds nothing after its reply: no looks there unless polling is set.
        if watch_delays_s is None:
            base = poll_interval_s if poll_interval_s is not None else (None if fast else 30.0)
            watch_delays_s = (base, base * 3, base * 7) if base is not None else ()
        self.watch_delays_s = tuple(watch_delays_s)
        self.lock_poll_s = lock_poll_s
        self._owner = uuid.uuid4().hex  # this conversation, as the holder of a session's turn lock
        self._stop_requested = False  # stop() was called: a running render is cancelled on the server
        self._infos: list[Any] | None = None  # video_infos last seen
        self._media: list[Any] | None = None  # generated_media last seen
        self._session_id: str | None = None
        self._draft: Draft | None = None  # the last draft seen, to describe what a turn changed
        self._untitled = False  # made by new_session(): titled by the next message

    @property
    def lang(self) -> str:
        """The language of the app's own messages: "en" or "zh" (the chosen one, when chosen)."""
        return self.fixed_lang or norm_lang(self.language)

    # ---- plumbing ------------------------------------------------------------------------------
    async def _guard(self, flow: AsyncIterator[Event]) -> AsyncGenerator[Event, None]:
        try:
            async for event in flow:
                yield event
            renewed = await self._catch_renewal()
            if renewed:
                yield renewed
        except NemoError as exc:
            log.debug("flow ended with %r", exc)
            renewed = await self._catch_renewal()
            if renewed:
                yield renewed
            yield await self._notice(exc.user_message(self.lang), "error", error=error_kind(exc))
        except (asyncio.CancelledError, GeneratorExit):
            raise
        except Exception as exc:  # a bug or the disk: say so, keep the app alive
            log.exception("unexpected error in the conversation")
            yield await self._notice(
                t("error.unexpected", self.lang, detail=f"{type(exc).__name__}: {exc}"),
                "error",
                error=ErrorKind.UNEXPECTED,
            )

    async def _catch_renewal(self) -> SessionChanged | None:
        """The client may replace a session the server lost (1002) in any call, not only in a
        turn: switch to it, or the next start would reopen the dead one."""
        if self._session_id is None or self.backend.session is None:
            return None
        return await self._remember_session()

    async def _save_render(self, job: RenderJob, kind: str, dest: Path, draft: Draft) -> None:
        """A render's row (an export or a preview), written before the app waits on it."""
        await self._db.save_job(
            job.id,
            self._session_id or "",
            self.backend_key,
            kind,
            dest=dest,
            label=dest.name,
            video_s=draft.duration_ms / 1000,
            status=job.status,
        )

    async def _notice(
        self, text: str, level: NoticeLevel = "info", *, error: ErrorKind | None = None
    ) -> Notice:
        """An app message that is also kept in the session's history; an error one says its kind."""
        if self._session_id:
            await self._db.add_message(self._session_id, "notice", text)
        return Notice(text=text, level=level, error=error)

    def _pump(self) -> Pump[Any]:
        return Pump(
            every=self.still_working_every, clock=self._clock, still_text=t("still_working", self.lang)
        )

    async def _remember_session(
        self, *, title: str | None = None, resumed: bool = False
    ) -> SessionChanged | None:
        """Record the backend's current session when it is new to us (made here or renewed by the
        client after a 1002)."""
        info = self.backend.session
        if info is None or info.session_id == self._session_id:
            return None
        if self._session_id is not None:
            await self._db.forget_session(self._session_id)
            self._draft = Draft()
        self._session_id = info.session_id
        await self._db.save_session(
            self.backend_key, info.session_id, task_id=info.task_id, title=title, language=self.language
        )
        return SessionChanged(session_id=info.session_id, resumed=resumed)

    async def _ensure_session(self, first_message: str | None) -> AsyncIterator[Event]:
        if self.backend.session is None:
            await self.backend.create_session(first_message, language=self.language)
        changed = await self._remember_session(title=(first_message or "")[:80] or None)
        if changed:
            yield changed

    async def _refresh(self, *, announce_changes: bool = True) -> tuple[TimelineUpdated, str | None]:
        before = self._draft or Draft()
        state = await self.backend.state()
        after = state.draft
        changes = describe_changes(before, after, self.lang) if announce_changes else None
        self._seen(state)
        return TimelineUpdated(
            draft=after,
            summary=timeline_summary(after, self.lang),
            changes=changes,
            media_urls=media_urls(state),
        ), changes

    def _seen(self, state: SessionState) -> None:
        self._draft = state.draft
        self._infos = list(state.video_infos)
        self._media = list(state.generated_media)
