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
import contextlib
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

from ..client.api import VideoBackend
from ..client.language import detect_language
from ..protocol import (
    AskQuestion,
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
from ..protocol.models import SessionState
from ..protocol.questions import Question
from .events import (
    Activity,
    ConfirmNeeded,
    CreditsUpdated,
    ExportDone,
    Notice,
    Progress,
    QuestionAsked,
    Recovering,
    RecoveryEnded,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    SessionChanged,
    SuggestedAction,
    TimelineUpdated,
    TurnQueued,
    UploadDone,
    WatchState,
)
from .gui_phrases import translate
from .i18n import format_seconds, format_size, format_wait, norm_lang, t
from .mp4info import NotMp4, read_mp4_info
from .pump import Pump
from .router import IntentKind, route
from .store import Store
from .summary import describe_additions, describe_changes, describe_media_changes, timeline_summary
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


# The vendor's named tools, with how long they usually take (CLOUD_FACTS.md).
_NAMED_ACTIVITIES = {
    "generate_video_with_seedance": "activity.generate_video",
    "edit_multitrack": "activity.edit_multitrack",
}
_MAKES = ("generat", "compos", "create", "make")
_MUSIC = ("music", "bgm", "song")


def activity_label(tool_name: str, lang: str) -> str:
    name = tool_name.lower()
    if name in _NAMED_ACTIVITIES:
        return t(_NAMED_ACTIVITIES[name], lang)
    if any(w in name for w in _MUSIC) and any(w in name for w in _MAKES):
        return t("activity.generate_music", lang)  # music generation (1-2 min), not "add music"
    for words, key in _ACTIVITIES:
        if any(w in name for w in words):
            return t(key, lang)
    return t("activity.working", lang)


def is_generation(tool_name: str) -> bool:
    """A tool that makes new media (a clip, music): the backend may go on adding to it."""
    name = tool_name.lower()
    return "seedance" in name or ("generat" in name and any(w in name for w in ("video", "clip", *_MUSIC)))


# "generate/make/create … video/clip" (or 生成/制作 … 视频): a request that will likely be charged as
# a generation. Only used to say what it costs before the first one.
_GENERATION_REQUEST = re.compile(
    r"(?i)\b(generate|create|make|produce|film)\b.*\b(video|clip|movie|film|animation)s?\b"
    r"|(生成|制作|做|拍).*(视频|短片|片段|动画)")


def looks_like_generation(text: str) -> bool:
    return bool(_GENERATION_REQUEST.search(text))


def question_text(title: str, questions: list[Question], lang: str) -> str:
    """A question as plain lines (history, headless output): title, then each prompt with its
    numbered options."""
    lines = [title or t("question.default_title", lang)]
    for n, q in enumerate(questions, 1):
        lines.append(f"{n}. {q.prompt}" + (" " + t("question.multi", lang) if q.allow_multiple else ""))
        lines.extend(f"   {i}) {o.label}" for i, o in enumerate(q.options, 1))
    return "\n".join(lines)


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
        poll_interval_s: float | None = None,
        recovery_first_s: float | None = None,
        recovery_every_s: float | None = None,
        recovery_checks: int = 5,
        watch_delays_s: tuple[float, ...] | None = None,
        lock_poll_s: float = 0.5,
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
        # After a dropped stream: first state read, then every…, up to `recovery_checks` reads
        # (the vendor's 30 s / 60 s / 5). NEMO_POLL_INTERVAL_S (`poll_interval_s`) overrides every
        # interval; the local engine answers at once and uses short ones.
        # The engine on this machine (also when reached as "cloud" at a loopback address, as the
        # tests do) answers at once and charges nothing.
        fast = self._local or _loopback(getattr(backend, "base_url", "") or "")
        self._charges = not fast  # say what things cost (credits) only where the cloud is used
        self.recovery_first_s = recovery_first_s if recovery_first_s is not None else (
            poll_interval_s if poll_interval_s is not None else (0.1 if fast else 30.0))
        self.recovery_every_s = recovery_every_s if recovery_every_s is not None else (
            poll_interval_s if poll_interval_s is not None else (0.25 if fast else 60.0))
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
        state = await self.backend.state()
        after = state.draft
        changes = describe_changes(before, after, self.lang) if announce_changes else None
        self._seen(state)
        return TimelineUpdated(draft=after, summary=timeline_summary(after, self.lang), changes=changes), changes

    def _seen(self, state: SessionState) -> None:
        self._draft = state.draft
        self._infos = list(state.video_infos)
        self._media = list(state.generated_media)

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

    def answer(self, text: str) -> AsyncIterator[Event]:
        """The person's answer to the agent's question (QuestionAsked), in the vendor's format
        (`protocol.questions.answer_text`): kept in the history and sent as the next message,
        never routed (an answer is not a command)."""
        async def flow() -> AsyncIterator[Event]:
            body = text.strip()
            if not body:
                return
            async for event in self._ensure_session(None):
                yield event
            if self._session_id:
                await asyncio.to_thread(self.store.add_message, self._session_id, "user", body)
            async for event in self._chat(body):
                yield event
        return self._guard(flow())

    async def pending_question(self) -> QuestionAsked | None:
        """The question this session's agent is waiting on (asked in this run or an earlier one)."""
        if not self._session_id:
            return None
        body = await asyncio.to_thread(self.store.pending_question, self._session_id)
        if body is None:
            return None
        try:
            return QuestionAsked.model_validate(body)
        except ValueError:
            return None

    # ---- one turn per session --------------------------------------------------------------------
    async def _take_turn(self) -> AsyncIterator[Event]:
        """Wait until this conversation holds the session's turn lock (the store: shared with every
        nemo-tui on this machine); say once that the message waits."""
        sid = self._session_id
        if sid is None:
            return
        said = False
        while True:
            holder = await asyncio.to_thread(self.store.try_lock_turn, sid, self._owner, label="turn")
            if holder is None:
                return
            if not said:
                said = True
                who = t("lock.holder", self.lang, pid=holder.pid, host=holder.host)
                yield TurnQueued(holder=who, text=t("lock.waiting", self.lang, holder=who))
            await asyncio.sleep(self.lock_poll_s)

    async def _keep_turn(self, sid: str) -> None:
        """Refresh the lock's heartbeat while the turn runs (a hung process loses it after a while)."""
        while True:
            await asyncio.sleep(20.0)
            await asyncio.to_thread(self.store.refresh_lock, sid, self._owner)

    async def _release_turn(self, sid: str | None, keeper: asyncio.Task[None] | None) -> None:
        if keeper is not None:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper
        if sid is not None:
            with contextlib.suppress(Exception):  # the lock goes stale by itself if this fails
                await asyncio.to_thread(self.store.unlock_turn, sid, self._owner)

    async def _chat(self, text: str) -> AsyncIterator[Event]:
        async for event in self._take_turn():
            yield event
        sid = self._session_id
        keeper = asyncio.ensure_future(self._keep_turn(sid)) if sid else None
        try:
            async for event in self._chat_turn(text):
                yield event
        finally:
            await self._release_turn(sid, keeper)

    async def _cost_note(self, text: str) -> AsyncIterator[Event]:
        """On the cloud, before the first generation on an anonymous token: what things cost."""
        if not self._charges or not getattr(self.backend, "is_anonymous", False) or not looks_like_generation(text):
            return
        flag = f"cost_note:{self.backend_key}"
        if await asyncio.to_thread(self.store.flag, flag):
            return
        await asyncio.to_thread(self.store.set_flag, flag)
        yield await self._notice(t("cost.first", self.lang), "warning")  # a heads-up, said once

    async def _chat_turn(self, text: str) -> AsyncIterator[Event]:
        if self._draft is None:
            self._seen(await self.backend.state())
        if self._session_id:
            await asyncio.to_thread(self.store.clear_question, self._session_id)
        async for event in self._cost_note(text):
            yield event
        base_draft = self._draft or Draft()
        base_infos, base_media = list(self._infos or []), list(self._media or [])
        yield ReplyStarted()
        pieces: list[str] = []
        whole: str | None = None
        changed = False
        tools = 0
        generated = False
        failure: NemoError | None = None
        dropped: StreamError | None = None
        asked: AskQuestion | None = None
        pump = self._pump()
        try:
            async for event in pump.events(self.backend.send_message(text)):
                if isinstance(event, TextDelta):
                    pieces.append(event.text)
                    yield ReplyDelta(text=event.text)
                elif isinstance(event, ToolCall):
                    tools += 1
                    generated = generated or is_generation(event.name)
                    yield Activity(label=activity_label(event.name, self.lang), running=True)
                elif isinstance(event, ToolResult):
                    changed = True
                    yield Activity(label=activity_label(event.name, self.lang), running=False)
                elif isinstance(event, AskQuestion):
                    asked = event
                elif isinstance(event, TurnError):
                    failure = StreamError(event.message)
                elif isinstance(event, TurnEnd):
                    whole, changed = event.text, changed or event.changed_state
                    tools = max(tools, event.tool_calls)
                else:
                    yield event  # StillWorking
        except StreamError as exc:
            dropped = exc
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
        if asked is not None:
            question = QuestionAsked(id=asked.id, title=asked.title, questions=asked.questions)
            if self._session_id:
                await asyncio.to_thread(self.store.save_question, self._session_id, question.model_dump(mode="json"))
                await asyncio.to_thread(self.store.add_message, self._session_id, "assistant",
                                        question_text(question.title, question.questions, self.lang))
            yield question
        if dropped is not None:
            yield await self._notice(dropped.user_message(self.lang), "error")
            found = False
            async for event in self._recover(text, base_draft, base_infos, base_media):
                found = found or (isinstance(event, RecoveryEnded) and event.found)
                yield event
            if found and generated and self.watch_delays_s:
                # The cut generation landed: the backend may still add its post-production.
                yield WatchState(delays_s=list(self.watch_delays_s))
        elif failure is not None:
            yield await self._notice(failure.user_message(self.lang), "error")
            update, changes = await self._refresh()
            yield update
            yield await self._notice(t("turn.broken", self.lang) + " " + update.summary if changes
                                     else t("turn.broken_nothing", self.lang), "warning")
        elif changed or tools or (not full and asked is None):
            update, changes = await self._refresh()
            yield update
            if not full and asked is None:
                summary = t("turn.no_text", self.lang, changes=changes) if changes else t("turn.no_change", self.lang)
                yield ReplyFinished(text=summary)
                await asyncio.to_thread(self.store.add_message, self._session_id or "", "assistant", summary)
            if generated and self.watch_delays_s:
                yield WatchState(delays_s=list(self.watch_delays_s))
        if tools:
            yield CreditsUpdated(credits=await self.backend.credits())

    # ---- a dropped stream: read the state on the vendor's cadence, never send again ------------
    def _state_moved(self, state: SessionState, draft: Draft, infos: list[Any], media: list[Any]) -> bool:
        return (state.draft.to_wire() != draft.to_wire() or list(state.video_infos) != infos
                or list(state.generated_media) != media)

    async def _recover(self, text: str, draft: Draft, infos: list[Any], media: list[Any]) -> AsyncIterator[Event]:
        checks, first, every = self.recovery_checks, self.recovery_first_s, self.recovery_every_s
        at = time.strftime("%H:%M:%S", time.localtime(time.time() + first))
        yield Notice(text=t("recover.start", self.lang, at=at, wait=format_wait(first, self.lang),
                            every=format_wait(every, self.lang), checks=checks))
        last: SessionState | None = None
        failures = 0
        for check in range(1, checks + 1):
            wait = first if check == 1 else every
            at = time.strftime("%H:%M:%S", time.localtime(time.time() + wait))
            yield Recovering(check=check, checks=checks, wait_s=wait, at=at,
                             text=t("recover.waiting", self.lang, at=at, check=check, checks=checks))
            await self._sleep(wait)
            try:
                state = await self.backend.state()
            except NetworkError as exc:
                failures += 1
                if failures >= 2:
                    yield Notice(level="info", text=t("recover.unreachable", self.lang))
                    yield await self._notice(exc.user_message(self.lang), "error")
                    break
                continue
            failures = 0
            last = state
            renewed = await self._remember_session()
            if renewed:  # the server lost the session: nothing there can change any more
                yield renewed
                break
            if self._state_moved(state, draft, infos, media):
                self._seen(state)
                changes = describe_changes(draft, state.draft, self.lang)
                update = TimelineUpdated(draft=state.draft, summary=timeline_summary(state.draft, self.lang),
                                         changes=changes)
                yield update
                said = [x for x in (
                    changes,
                    describe_media_changes(infos, list(state.video_infos), self.lang),
                    describe_media_changes(media, list(state.generated_media), self.lang, videos=False),
                ) if x]
                if said:
                    joined = "; ".join(x.rstrip("。.") for x in said)  # one sentence, not "… 5 s.; 1 new …"
                    yield Notice(text=t("recover.found", self.lang, changes=joined))
                yield await self._notice(t("turn.broken", self.lang) + " " + update.summary, "warning")
                yield RecoveryEnded(found=True)
                return
        else:
            total = format_wait(first + every * (checks - 1), self.lang)
            yield Notice(text=t("recover.gave_up", self.lang, checks=checks, total=total))
        if last is not None:
            self._seen(last)
            yield TimelineUpdated(draft=last.draft, summary=timeline_summary(last.draft, self.lang))
        yield await self._notice(t("turn.broken_nothing", self.lang), "warning")
        yield SuggestedAction(action="retry", label=t("recover.retry", self.lang), payload=text)
        yield RecoveryEnded(found=False)

    # ---- two-stage generation ------------------------------------------------------------------
    def check_for_additions(self) -> AsyncIterator[Event]:
        """One state read, between turns: the backend may have added music, a title or effects
        after its reply. Yields nothing when nothing changed."""
        return self._guard(self._check_for_additions())

    async def _check_for_additions(self) -> AsyncIterator[Event]:
        if self.backend.session is None or self._draft is None:
            return
        before = self._draft
        update, changes = await self._refresh()
        if not changes:
            return
        yield update
        line = describe_additions(before, update.draft, self.lang) or t("added.changed", self.lang, changes=changes)
        yield await self._notice(line)

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
        self._stop_requested = False
        if self.backend.session is None:
            yield Notice(level="warning", text=t("export.no_session", self.lang))
            return
        # The state can change after a turn ends (two-stage generation): read it again, and say
        # what changed since the person last saw it before rendering that.
        before = self._draft
        update, changes = await self._refresh(announce_changes=before is not None)
        if changes and before is not None:
            yield update
            line = describe_additions(before, update.draft, self.lang) or t("added.changed", self.lang, changes=changes)
            yield await self._notice(line)
        if not update.draft.tracks:
            yield await self._notice(t("export.empty", self.lang), "warning")
            return
        starting = t("export.starting", self.lang)
        yield Notice(text=f"{starting} {t('cost.export_free', self.lang)}" if self._charges else starting)
        job = await self.backend.start_render(update.draft)
        await asyncio.to_thread(self.export_dir.mkdir, parents=True, exist_ok=True)
        dest = await asyncio.to_thread(self._export_path)  # it looks at the disk
        await asyncio.to_thread(self.store.save_render, job.id, self._session_id or "", self.backend_key, dest,
                                status=job.status)
        yield Progress(phase="render", fraction=job.progress)
        async for event in self._finish_render(job.id, dest, update.draft):
            yield event

    async def _finish_render(self, job_id: str, dest: Path, draft: Draft | None = None) -> AsyncIterator[Event]:
        """Wait for the render (the client polls: one cadence, in one place), retry a failed one
        once under a new id, download it (the client falls back to the API's download when the
        output URL fails), check it, record it. The render's row is closed whatever happens
        except a lost connection or an interruption that was not stop() (the next start resumes
        it); stop() cancels the render on the server and closes the row as cancelled."""
        downloading = False
        try:
            retried = False
            while True:
                pump = self._pump()

                def on_update(job: RenderJob, pump: Pump[Any] = pump) -> None:
                    pump.emit(Progress(phase="render", fraction=job.progress))

                try:
                    async for event in pump.events(self.backend.wait_for_render(job_id, on_update)):
                        yield event
                except RenderFailed as exc:
                    if retried:
                        raise
                    retried = True
                    yield await self._notice(t("export.retrying", self.lang, reason=getattr(exc, "detail", None) or "?"))
                    if draft is None:
                        draft = (await self.backend.state()).draft
                    new_job = await self.backend.start_render(draft)
                    await asyncio.to_thread(self.store.replace_render, job_id, new_job.id)
                    job_id = new_job.id
                    yield Progress(phase="render", fraction=new_job.progress)
                    continue
                break
            job: RenderJob = pump.result
            yield Notice(text=t("export.downloading", self.lang))
            downloading = True
            pump = self._pump()
            on_bytes = _byte_progress(pump, "download")
            async for event in pump.events(self.backend.download_render(job, dest, on_bytes)):
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
        except (asyncio.CancelledError, GeneratorExit):
            if self._stop_requested:
                self._stop_requested = False
                await _shielded(self._cancel_render(job_id, rendering=not downloading))
            raise
        await asyncio.to_thread(self.store.finish_render, job_id, "completed")
        yield ExportDone(path=path, duration_s=info.duration_s, size_bytes=size, width=info.width,
                         height=info.height)
        yield await self._notice(t("export.done", self.lang, path=path,
                                   duration=format_seconds(info.duration_s, self.lang),
                                   size=format_size(size), width=info.width, height=info.height), "success")

    async def _cancel_render(self, job_id: str, *, rendering: bool) -> None:
        """The person stopped the export: cancel the render (best effort, bounded) and close its row."""
        if rendering:
            try:
                async with asyncio.timeout(10):
                    await self.backend.cancel_render(job_id)
            except Exception as exc:  # the server may have finished it already, or be unreachable
                log.debug("render cancel failed: %r", exc)
        await asyncio.to_thread(self.store.finish_render, job_id, "cancelled")
        if self._session_id:
            await asyncio.to_thread(self.store.add_message, self._session_id, "notice",
                                    t("export.cancelled", self.lang))

    def resume_pending(self) -> AsyncIterator[Event]:
        return self._guard(self._resume_pending())

    async def _resume_pending(self) -> AsyncIterator[Event]:
        self._stop_requested = False
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


def _loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


async def _shielded(work: Awaitable[None]) -> None:
    """Run clean-up to its end even though the flow around it is being cancelled."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(task), 15)


def _transient(exc: NemoError) -> bool:
    """A lost connection: keep the render pending so the next start picks it up."""
    return isinstance(exc, NetworkError)
