"""The conversation without Textual: one message in, typed events out (core/events.py).

Public async generators (iterate them in one async worker; closing one early cancels its work):
  start()            Notice "Setting up...", [local-engine Notice], reopen the store's last session
                     for this backend (SessionChanged(resumed=True) + TimelineUpdated when it has a
                     draft; a session the server lost is replaced), CreditsUpdated, resume_pending().
  handle(text)       route (core/router.py) → one of the flows below; ConfirmNeeded when the router
                     was not sure (UI: yes → export()/credits()/show_state()/upload(payload),
                     no → chat(text)).
  chat(text)         [TurnQueued while another turn of this session runs — in this or another
                     process (the store's turn lock)], ReplyStarted, ReplyDelta…, Activity(label in
                     words), StillWorking, ReplyFinished (GUI phrases translated) + SuggestedAction…,
                     TimelineUpdated(changes) when the draft may have changed; a turn with no text
                     ends with ReplyFinished(summary of the changes); CreditsUpdated after tools ran;
                     QuestionAsked when the agent asked (answer with answer(text)); WatchState after
                     a generation (call check_for_additions() later). An agent error → error Notice,
                     state read once, a warning Notice saying what got applied.
                     A dropped stream (StreamError) → error Notice, and the message is never sent
                     again: Recovering…, state reads at +30 s then every 60 s (settings; short on
                     the local engine); changed → TimelineUpdated + what changed + warning Notice;
                     unchanged after 5 reads → warning Notice + SuggestedAction("retry") on a key.
  answer(text)       the person's answer to a QuestionAsked (protocol.questions.answer_text), sent
                     as the next message without routing.
  check_for_additions()  one state read; TimelineUpdated + a Notice saying what the backend added
                     on its own (two-stage generation) with how to remove it; nothing when unchanged.
  export()           Notice of changes since the last read, Progress(render)… (the client's
                     wait_for_render; a failed render is retried once under a new id),
                     Progress(download)… (download_render, with the API fallback), ExportDone,
                     success Notice. stop() before cancelling: the render is cancelled on the server.
  upload(p_or_url)   checks (core/uploads.py), Progress(upload)…, UploadDone, TimelineUpdated.
  preview()          a preview render of the draft (core/preview.py: cached by the draft's hash),
                     Progress(render)…, PreviewReady(path, draft) — front-ends play the file.
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
from collections.abc import AsyncIterator
from pathlib import Path

from ..client.language import detect_language
from ..protocol import Draft, UploadResult
from .activity import activity_label, is_generation, looks_like_generation, question_text
from .events import (
    ConfirmNeeded,
    CreditsUpdated,
    ErrorKind,
    Notice,
    SessionChanged,
    TimelineUpdated,
    UploadDone,
)
from .export_flow import ExportFlows, _byte_progress
from .flow_base import Event, guarded
from .i18n import format_credits, t
from .preview import PreviewFlows
from .pump import Pump
from .router import IntentKind, route
from .summary import timeline_summary
from .turns import TurnFlows
from .uploads import check_upload

__all__ = ["Conversation", "activity_label", "is_generation", "looks_like_generation", "question_text"]


class Conversation(TurnFlows, ExportFlows, PreviewFlows):
    # True once start() found no earlier session on this backend: a first run, which the TUI
    # greets with what the app does, what it costs and a few example prompts.
    first_run = False

    # ---- start ---------------------------------------------------------------------------------
    async def _start(self) -> AsyncIterator[Event]:
        yield Notice(text=t("setup", self.lang))
        if self._local:
            yield Notice(text=t("setup.local", self.lang))
        await self.backend.ensure_token()
        record = await self._db.last_session(self.backend_key)
        if record is not None:
            self.language = record.language or self.language  # it reopens in its language
            self.backend.use_session(record.session_id, record.task_id)
            self._session_id = record.session_id
            update, _ = await self._refresh(announce_changes=False)
            renewed = await self._remember_session()
            if renewed is not None:  # the server had lost it; the client made a fresh one
                yield renewed
            else:
                await self._db.save_session(self.backend_key, record.session_id)
                yield SessionChanged(session_id=record.session_id, resumed=True)
                yield Notice(text=t("setup.resumed", self.lang))
            if update.draft.tracks:
                yield update
        else:
            self.first_run = True
            yield Notice(text=t("setup.ready", self.lang))
        yield CreditsUpdated(credits=self._known(await self.backend.credits()))
        async for event in self._resume_pending():
            yield event

    start = guarded(_start)

    # ---- one message ---------------------------------------------------------------------------
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
            await self._db.add_message(self._session_id, "user", text)
            title, self._untitled = (text[:80] if self._untitled else None), False
            # The session keeps the language it is left in: it reopens in Chinese after Chinese.
            await self._db.save_session(
                self.backend_key, self._session_id, title=title, language=self.language
            )
        if intent.confidence == "ask":
            payload = str(intent.paths[0]) if intent.paths else (intent.urls[0] if intent.urls else "")
            yield ConfirmNeeded(
                question=intent.question or "",
                action=intent.kind.value,
                payload=payload,
            )
            return
        if intent.kind is IntentKind.CHAT:
            flow = self._chat(text)
        elif intent.kind is IntentKind.EXPORT:
            flow = self._export()
        elif intent.kind is IntentKind.CREDITS:
            flow = self._credits()
        elif intent.kind is IntentKind.STATE:
            flow = self._show_state()
        elif intent.kind is IntentKind.PREVIEW:
            flow = self._preview()
        else:
            flow = self._upload_all([*map(str, intent.paths), *intent.urls])
        async for event in flow:
            yield event

    handle = guarded(_handle)

    async def _chat_unrouted(self, text: str) -> AsyncIterator[Event]:
        """Send `text` to the agent without routing: the person declined a ConfirmNeeded that
        `handle(text)` yielded (so the message is already in the history)."""
        self.language = await asyncio.to_thread(detect_language, text, self.language)
        async for event in self._ensure_session(text):
            yield event
        async for event in self._chat(text):
            yield event

    chat = guarded(_chat_unrouted)

    # ---- links ---------------------------------------------------------------------------------
    async def claim_link(self) -> str:
        """The project's browser link (`<web>/workspace/claim?ct=…`): the client asks for a claim
        token; the API token never goes into a URL. Raises NemoError."""
        return await self.backend.claim_link()

    def stop(self) -> None:
        """The person stopped what is running (before the front-end cancels the flow): a render
        being waited on is cancelled on the server and closed as cancelled in the store. Without
        it (quitting, Ctrl+C in a script) a render stays pending and is resumed next time."""
        self._stop_requested = True

    # ---- credits, state, sessions ----------------------------------------------------------------
    async def _credits(self) -> AsyncIterator[Event]:
        credits = self._known(await self.backend.credits())
        yield CreditsUpdated(credits=credits)
        yield await self._notice(
            t(
                "credits.line",
                self.lang,
                available=format_credits(credits.available),
                frozen=format_credits(credits.frozen),
                total=format_credits(credits.total),
            )
        )

    credits = guarded(_credits)

    async def _show_state(self) -> AsyncIterator[Event]:
        if self.backend.session is None:
            yield Notice(text=t("timeline.empty", self.lang))
            return
        update, _ = await self._refresh(announce_changes=False)
        yield update
        yield await self._notice(update.summary)

    show_state = guarded(_show_state)

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

    new_session = guarded(_new_session)

    async def _open_session(self, session_id: str) -> AsyncIterator[Event]:
        """Switch to another stored session of this backend (the TUI's session list):
        SessionChanged(resumed=True) then its TimelineUpdated; one the server lost is replaced by
        a fresh session, as in start(). An id this backend never stored yields nothing."""
        records = await self._db.list_sessions(self.backend_key)
        record = next((r for r in records if r.session_id == session_id), None)
        if record is None:
            return
        self.language = record.language or self.language
        self.backend.use_session(record.session_id, record.task_id)
        self._session_id = record.session_id
        update, _ = await self._refresh(announce_changes=False)
        renewed = await self._remember_session()
        if renewed is None:
            await self._db.save_session(self.backend_key, record.session_id)
            yield SessionChanged(session_id=record.session_id, resumed=True)
        else:
            yield renewed
        yield update

    open_session = guarded(_open_session)

    # ---- upload --------------------------------------------------------------------------------
    async def _upload(self, path_or_url: str | Path) -> AsyncIterator[Event]:
        async for event in self._ensure_session(None):
            yield event
        async for event in self._upload_all([str(path_or_url)]):
            yield event

    upload = guarded(_upload)

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
                    yield await self._notice(problem, "error", error=ErrorKind.INPUT)
                    continue
            name = path.name if path is not None else item
            yield Notice(text=t("upload.sending", self.lang, name=name))
            pump: Pump[UploadResult] = self._pump()
            on_bytes = _byte_progress(pump, "upload")
            work = (
                self.backend.upload_file(path, on_bytes)
                if path is not None
                else self.backend.upload_urls([item])
            )
            async for event in pump.events(work):
                yield event
            result = pump.result
            yield UploadDone(media=result.media)
            uploaded.extend([m.name or name for m in result.media] or [name])
        if uploaded:
            yield await self._notice(t("upload.done", self.lang, names=", ".join(uploaded)), "success")
            update, _ = await self._refresh()
            yield update
