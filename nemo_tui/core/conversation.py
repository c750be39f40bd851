"""The conversation without Textual: one message in, typed events out (core/events.py).

Public async generators (iterate them in one async worker; closing one early cancels its work):
  start()            Notice "Setting up...", [local-engine Notice], reopen the store's last session
                     for this backend (SessionChanged(resumed=True) + TimelineUpdated when it has a
                     draft; a session the server lost is replaced), CreditsUpdated, resume_pending().
  handle(text)       route (core/router.py) → one of the flows below; ConfirmNeeded when the router
                     was not sure (UI: yes → export()/credits()/show_state()/upload(payload),
                     no → chat(text)).
  chat(text)         ReplyStarted, ReplyDelta…, Activity(label in words), StillWorking, ReplyFinished
                     (GUI phrases translated) + SuggestedAction…, TimelineUpdated(changes) when the
                     draft may have changed; a turn with no text ends with ReplyFinished(summary of
                     the changes); CreditsUpdated after tools ran; a broken stream → error Notice,
                     state polled, a warning Notice saying what got applied.
  export()           Progress(render)…, Progress(download)…, ExportDone, success Notice.
  upload(p_or_url)   checks (core/uploads.py), Progress(upload)…, UploadDone, TimelineUpdated.
  credits(), show_state(), new_session(), resume_pending().

Nothing raises out of them but cancellation: a NemoError becomes Notice(level="error",
text=error.user_message(lang)); anything unexpected a generic error Notice. The person's and the
assistant's messages (and notices) go to the store. App text follows the language of the person's
last message (client.language.detect_language), in English or Chinese.

Render jobs are recorded in the store before waiting on them and closed when downloaded or failed
(a lost connection leaves them pending for the next start). Downloads are atomic (the client
writes `.part` and renames); the MP4 is then checked with core/mp4info.py.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

from ..client.api import VideoBackend
from ..client.language import detect_language
from ..protocol import (
    Draft,
    NemoError,
    NetworkError,
    RenderFailed,
    RenderJob,
    StreamError,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
)
from .events import (
    Activity,
    ConfirmNeeded,
    CreditsUpdated,
    ExportDone,
    Notice,
    Progress,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    SessionChanged,
    TimelineUpdated,
    UploadDone,
)
from .gui_phrases import translate
from .i18n import format_seconds, format_size, norm_lang, t
from .mp4info import NotMp4, read_mp4_info
from .pump import Pump
from .router import IntentKind, route
from .store import Store
from .summary import describe_changes, timeline_summary
from .uploads import check_upload

log = logging.getLogger("nemo_tui.core")
Event = Any  # a nemo_tui.core.events ConversationEvent

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


def activity_label(tool_name: str, lang: str) -> str:
    name = tool_name.lower()
    for words, key in _ACTIVITIES:
        if any(w in name for w in words):
            return t(key, lang)
    return t("activity.working", lang)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


class Conversation:
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
        render_poll_s: float = 30.0,
    ) -> None:
        self.backend = backend
        self.store = store
        self.backend_key = backend_key
        self.export_dir = Path(export_dir).expanduser()
        self.language = lang  # the code sent to the server ("en", "zh", "fr"…)
        self.still_working_every = still_working_every
        self._clock = clock
        self._sleep = sleep
        self._cwd = cwd
        self._local = backend_key.startswith("local") if local_engine is None else local_engine
        self.render_poll_s = render_poll_s  # the seed: poll a cloud render every 30 s
        self._session_id: str | None = None
        self._draft: Draft | None = None  # the last draft seen, to describe what a turn changed
        self._untitled = False  # made by new_session(): titled by the next message

    @property
    def lang(self) -> str:
        """The language of the app's own messages: "en" or "zh"."""
        return norm_lang(self.language)

    # ---- plumbing ------------------------------------------------------------------------------
    async def _guard(self, flow: AsyncIterator[Event]) -> AsyncIterator[Event]:
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
            yield await self._notice(exc.user_message(self.lang), "error")
        except (asyncio.CancelledError, GeneratorExit):
            raise
        except Exception as exc:  # a bug or the disk: say so, keep the app alive
            log.exception("unexpected error in the conversation")
            yield await self._notice(t("error.unexpected", self.lang, detail=f"{type(exc).__name__}: {exc}"),
                                     "error")

    async def _catch_renewal(self) -> SessionChanged | None:
        """The client may replace a session the server lost (1002) in any call, not only in a
        turn: switch to it, or the next start would reopen the dead one."""
        if self._session_id is None or self.backend.session is None:
            return None
        return await self._remember_session()

    async def _notice(self, text: str, level: str = "info") -> Notice:
        """An app message that is also kept in the session's history."""
        if self._session_id:
            await asyncio.to_thread(self.store.add_message, self._session_id, "notice", text)
        return Notice(text=text, level=level)  # type: ignore[arg-type]

    def _pump(self) -> Pump[Any]:
        return Pump(every=self.still_working_every, clock=self._clock,
                    still_text=t("still_working", self.lang))

    async def _remember_session(self, *, title: str | None = None, resumed: bool = False) -> SessionChanged | None:
        """Record the backend's current session when it is new to us (made here or renewed by the
        client after a 1002)."""
        info = self.backend.session
        if info is None or info.session_id == self._session_id:
            return None
        if self._session_id is not None:
            await asyncio.to_thread(self.store.forget_session, self._session_id)
            self._draft = Draft()
        self._session_id = info.session_id
        await asyncio.to_thread(self.store.save_session, self.backend_key, info.session_id,
                                task_id=info.task_id, title=title, language=self.language)
        return SessionChanged(session_id=info.session_id, resumed=resumed)

    async def _ensure_session(self, first_message: str | None) -> AsyncIterator[Event]:
        if self.backend.session is None:
            await self.backend.create_session(first_message, language=self.language)
        changed = await self._remember_session(title=(first_message or "")[:80] or None)
        if changed:
            yield changed

    async def _refresh(self, *, announce_changes: bool = True) -> tuple[TimelineUpdated, str | None]:
        before = self._draft or Draft()
        after = (await self.backend.state()).draft
        changes = describe_changes(before, after, self.lang) if announce_changes else None
        self._draft = after
        return TimelineUpdated(draft=after, summary=timeline_summary(after, self.lang), changes=changes), changes

    # ---- start ---------------------------------------------------------------------------------
    def start(self) -> AsyncIterator[Event]:
        return self._guard(self._start())

    async def _start(self) -> AsyncIterator[Event]:
        yield Notice(text=t("setup", self.lang))
        if self._local:
            yield Notice(text=t("setup.local", self.lang))
        await self.backend.ensure_token()
        record = await asyncio.to_thread(self.store.last_session, self.backend_key)
        if record is not None:
            self.language = record.language or self.language
            self.backend.use_session(record.session_id, record.task_id)
            self._session_id = record.session_id
            update, _ = await self._refresh(announce_changes=False)
            renewed = await self._remember_session()
            if renewed is not None:  # the server had lost it; the client made a fresh one
                yield renewed
            else:
                await asyncio.to_thread(self.store.save_session, self.backend_key, record.session_id)
                yield SessionChanged(session_id=record.session_id, resumed=True)
                yield Notice(text=t("setup.resumed", self.lang))
            if update.draft.tracks:
                yield update
        else:
            yield Notice(text=t("setup.ready", self.lang))
        yield CreditsUpdated(credits=await self.backend.credits())
        async for event in self._resume_pending():
            yield event

    # ---- one message ---------------------------------------------------------------------------
    def handle(self, text: str) -> AsyncIterator[Event]:
        return self._guard(self._handle(text))

    async def _handle(self, text: str) -> AsyncIterator[Event]:
        text = text.strip()
        if not text:
            return
        # Off the loop: langdetect's first call loads profiles (~175 ms), route() stats paths.
        self.language = await asyncio.to_thread(detect_language, text, self.language)
        intent = await asyncio.to_thread(route, text, cwd=self._cwd)
        if intent.kind is not IntentKind.CREDITS:
            async for event in self._ensure_session(text):
                yield event
        if self._session_id:
            await asyncio.to_thread(self.store.add_message, self._session_id, "user", text)
            title, self._untitled = (text[:80] if self._untitled else None), False
            await asyncio.to_thread(self.store.save_session, self.backend_key, self._session_id, title=title)
        if intent.confidence == "ask":
            payload = str(intent.paths[0]) if intent.paths else (intent.urls[0] if intent.urls else "")
            yield ConfirmNeeded(question=intent.question or "", action=intent.kind.value,  # type: ignore[arg-type]
                                payload=payload)
            return
        if intent.kind is IntentKind.CHAT:
            flow = self._chat(text)
        elif intent.kind is IntentKind.EXPORT:
            flow = self._export()
        elif intent.kind is IntentKind.CREDITS:
            flow = self._credits()
        elif intent.kind is IntentKind.STATE:
            flow = self._show_state()
        else:
            flow = self._upload_all([*map(str, intent.paths), *intent.urls])
        async for event in flow:
            yield event

    def chat(self, text: str) -> AsyncIterator[Event]:
        """Send `text` to the agent without routing: the person declined a ConfirmNeeded that
        `handle(text)` yielded (so the message is already in the history)."""
        async def flow() -> AsyncIterator[Event]:
            self.language = await asyncio.to_thread(detect_language, text, self.language)
            async for event in self._ensure_session(text):
                yield event
            async for event in self._chat(text):
                yield event
        return self._guard(flow())

    async def _chat(self, text: str) -> AsyncIterator[Event]:
        if self._draft is None:
            self._draft = (await self.backend.state()).draft
        yield ReplyStarted()
        pieces: list[str] = []
        whole: str | None = None
        changed = False
        tools = 0
        failure: NemoError | None = None
        pump = self._pump()
        try:
            async for event in pump.events(self.backend.send_message(text)):
                if isinstance(event, TextDelta):
                    pieces.append(event.text)
                    yield ReplyDelta(text=event.text)
                elif isinstance(event, ToolCall):
                    tools += 1
                    yield Activity(label=activity_label(event.name, self.lang), running=True)
                elif isinstance(event, ToolResult):
                    changed = True
                    yield Activity(label=activity_label(event.name, self.lang), running=False)
                elif isinstance(event, TurnError):
                    failure = StreamError(event.message)
                elif isinstance(event, TurnEnd):
                    whole, changed = event.text, changed or event.changed_state
                    tools = max(tools, event.tool_calls)
                else:
                    yield event  # StillWorking
        except StreamError as exc:
            failure = exc
        except NemoError:
            yield ReplyFinished(text="")  # refused before any reply (no credits, say)
            raise
        renewed = await self._remember_session()
        if renewed:
            yield renewed
        full = whole if whole else "".join(pieces)
        if full:
            translated = translate(full, self.lang)
            yield ReplyFinished(text=translated.text)
            for action in translated.actions:
                yield action
            await asyncio.to_thread(self.store.add_message, self._session_id or "", "assistant", translated.text)
        if failure is not None:
            yield await self._notice(failure.user_message(self.lang), "error")
        if changed or tools or not full or failure is not None:
            update, changes = await self._refresh()
            yield update
            if failure is not None:
                text_out = (t("turn.broken", self.lang) + " " + update.summary if changes
                            else t("turn.broken_nothing", self.lang))
                yield await self._notice(text_out, "warning")
            elif not full:
                summary = t("turn.no_text", self.lang, changes=changes) if changes else t("turn.no_change", self.lang)
                yield ReplyFinished(text=summary)
                await asyncio.to_thread(self.store.add_message, self._session_id or "", "assistant", summary)
        if tools:
            yield CreditsUpdated(credits=await self.backend.credits())

    # ---- credits, state, sessions ----------------------------------------------------------------
    def credits(self) -> AsyncIterator[Event]:
        return self._guard(self._credits())

    async def _credits(self) -> AsyncIterator[Event]:
        credits = await self.backend.credits()
        yield CreditsUpdated(credits=credits)
        yield await self._notice(t("credits.line", self.lang, available=_number(credits.available),
                                   frozen=_number(credits.frozen), total=_number(credits.total)))

    def show_state(self) -> AsyncIterator[Event]:
        return self._guard(self._show_state())

    async def _show_state(self) -> AsyncIterator[Event]:
        if self.backend.session is None:
            yield Notice(text=t("timeline.empty", self.lang))
            return
        update, _ = await self._refresh(announce_changes=False)
        yield update
        yield await self._notice(update.summary)

    def new_session(self) -> AsyncIterator[Event]:
        return self._guard(self._new_session())

    async def _new_session(self) -> AsyncIterator[Event]:
        await self.backend.create_session(None, language=self.language)
        # A deliberate new session: the previous one stays in the store's list (only a session
        # the server lost is forgotten), and the first message gives this one its title.
        self._session_id = None
        self._untitled = True
        changed = await self._remember_session()
        self._draft = Draft()
        if changed:
            yield changed
        yield TimelineUpdated(draft=Draft(), summary=timeline_summary(Draft(), self.lang))
        yield await self._notice(t("session.new", self.lang), "success")

    def open_session(self, session_id: str) -> AsyncIterator[Event]:
        """Switch to another stored session of this backend (the TUI's session list):
        SessionChanged(resumed=True) then its TimelineUpdated; one the server lost is replaced by
        a fresh session, as in start(). An id this backend never stored yields nothing."""
        return self._guard(self._open_session(session_id))

    async def _open_session(self, session_id: str) -> AsyncIterator[Event]:
        records = await asyncio.to_thread(self.store.list_sessions, self.backend_key)
        record = next((r for r in records if r.session_id == session_id), None)
        if record is None:
            return
        self.language = record.language or self.language
        self.backend.use_session(record.session_id, record.task_id)
        self._session_id = record.session_id
        update, _ = await self._refresh(announce_changes=False)
        renewed = await self._remember_session()
        if renewed is None:
            await asyncio.to_thread(self.store.save_session, self.backend_key, record.session_id)
            yield SessionChanged(session_id=record.session_id, resumed=True)
        else:
            yield renewed
        yield update

    # ---- export --------------------------------------------------------------------------------
    def export(self) -> AsyncIterator[Event]:
        return self._guard(self._export())

    def _export_path(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.export_dir / f"nemo-{stamp}.mp4"
        n = 2
        while path.exists() or path.with_name(path.name + ".part").exists():
            path = self.export_dir / f"nemo-{stamp}-{n}.mp4"
            n += 1
        return path

    async def _export(self) -> AsyncIterator[Event]:
        if self.backend.session is None:
            yield Notice(level="warning", text=t("export.no_session", self.lang))
            return
        update, _ = await self._refresh(announce_changes=False)
        if not update.draft.tracks:
            yield await self._notice(t("export.empty", self.lang), "warning")
            return
        yield Notice(text=t("export.starting", self.lang))
        job = await self.backend.start_render(update.draft)
        await asyncio.to_thread(self.export_dir.mkdir, parents=True, exist_ok=True)
        dest = await asyncio.to_thread(self._export_path)  # it looks at the disk
        await asyncio.to_thread(self.store.save_render, job.id, self._session_id or "", self.backend_key, dest,
                                status=job.status)
        yield Progress(phase="render", fraction=job.progress)
        async for event in self._finish_render(job.id, dest):
            yield event

    async def _finish_render(self, job_id: str, dest: Path) -> AsyncIterator[Event]:
        """Wait for the render, download it, check it, record it; the render's row is closed
        whatever happens except a lost connection (the next start tries again)."""
        try:
            pump = self._pump()
            async for event in pump.events(self._poll_render(job_id, pump)):
                yield event
            job = pump.result
            if not job.url:
                raise RenderFailed(t("export.no_url", self.lang))
            yield Notice(text=t("export.downloading", self.lang))
            pump = self._pump()
            on_bytes = _byte_progress(pump, "download")
            async for event in pump.events(self.backend.download(job.url, dest, on_bytes)):
                yield event
            path: Path = pump.result
            try:
                info = await asyncio.to_thread(read_mp4_info, path)
            except NotMp4 as exc:
                raise RenderFailed(t("export.bad_file", self.lang, reason=str(exc))) from None
            size = (await asyncio.to_thread(os.stat, path)).st_size
        except NemoError as exc:
            if not _transient(exc):
                await asyncio.to_thread(self.store.finish_render, job_id, "failed")
            raise
        await asyncio.to_thread(self.store.finish_render, job_id, "completed")
        yield ExportDone(path=path, duration_s=info.duration_s, size_bytes=size, width=info.width,
                         height=info.height)
        yield await self._notice(t("export.done", self.lang, path=path,
                                   duration=format_seconds(info.duration_s, self.lang),
                                   size=format_size(size), width=info.width, height=info.height), "success")

    async def _poll_render(self, job_id: str, pump: Pump[Any]) -> RenderJob:
        while True:
            job = await self.backend.render_status(job_id)
            pump.emit(Progress(phase="render", fraction=job.progress))
            if job.status == "completed":
                return job
            if job.status == "failed":
                raise RenderFailed(job.error or "")
            await self._sleep(self.render_poll_s)

    def resume_pending(self) -> AsyncIterator[Event]:
        return self._guard(self._resume_pending())

    async def _resume_pending(self) -> AsyncIterator[Event]:
        for record in await asyncio.to_thread(self.store.pending_renders, self.backend_key):
            yield Notice(text=t("export.resuming", self.lang, job=record.job_id))
            # One failed job must not stop the others: report it and go on.
            async for event in self._guard(self._finish_render(record.job_id, record.dest)):
                yield event

    # ---- upload --------------------------------------------------------------------------------
    def upload(self, path_or_url: str | Path) -> AsyncIterator[Event]:
        async def flow() -> AsyncIterator[Event]:
            async for event in self._ensure_session(None):
                yield event
            async for event in self._upload_all([str(path_or_url)]):
                yield event
        return self._guard(flow())

    async def _upload_all(self, items: list[str]) -> AsyncIterator[Event]:
        if not items:
            yield Notice(text=t("upload.which", self.lang))
            return
        uploaded: list[str] = []
        for item in items:
            is_url = item.lower().startswith(("http://", "https://"))
            path: Path | None = None
            if not is_url:
                path, problem = await asyncio.to_thread(check_upload, item, self.lang, cwd=self._cwd)
                if problem:
                    yield await self._notice(problem, "error")
                    continue
            name = item if is_url else path.name  # type: ignore[union-attr]
            yield Notice(text=t("upload.sending", self.lang, name=name))
            pump = self._pump()
            on_bytes = _byte_progress(pump, "upload")
            work = self.backend.upload_urls([item]) if is_url else self.backend.upload_file(path, on_bytes)  # type: ignore[arg-type]
            async for event in pump.events(work):
                yield event
            result = pump.result
            yield UploadDone(media=result.media)
            uploaded.extend([m.name or name for m in result.media] or [name])
        if uploaded:
            yield await self._notice(t("upload.done", self.lang, names=", ".join(uploaded)), "success")
            update, _ = await self._refresh()
            yield update


def _byte_progress(pump: Pump[Any], phase: Literal["upload", "download"]) -> Callable[[int, int | None], None]:
    """The client's progress(done, total) callback, as Progress events out of `pump`."""
    def on_bytes(done: int, total: int | None) -> None:
        pump.emit(Progress(phase=phase, done=done, total=total, fraction=(done / total) if total else None))
    return on_bytes


def _transient(exc: NemoError) -> bool:
    """A lost connection: keep the render pending so the next start picks it up."""
    return isinstance(exc, NetworkError)
