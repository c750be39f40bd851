"""The chat flow of the app: one turn worker drives a Conversation flow and shows its events; what
waits for the running turn (the queue), the looks for what the backend adds after a generation.
The agent's questions and confirmations are asked in ui/actions.py. Mixed into `NemoApp` (ui/app.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.content import Content
from textual.worker import Worker, WorkerState

from ..core.i18n import has_chinese
from ..core.queue import TurnQueue
from .action_table import BY_ID, ActionKeys
from .flow_types import ConversationLike, EventStream, Flow
from .startup import freeze_startup_objects, greet_first_run
from .strings import describe_error, t
from .text import clean
from .widgets.activity import ActivityIndicator
from .widgets.chat_log import ChatLog, UserMessage
from .widgets.prompt import PromptInput
from .widgets.queued import QueuedView
from .widgets.timeline import TimelineView
from .widgets.transfer import TransferProgress

if TYPE_CHECKING:
    from ..core.events import ConfirmNeeded, ConversationEvent, ErrorKind
    from ..protocol import Draft


class ChatFlow(App[None]):
    """Turn worker, events, queue, questions. State lives on the app (set up in NemoApp.__init__)."""

    conversation: ConversationLike | None
    lang: str
    local: bool  # on the local engine (free), else the cloud (credits)
    connection: str  # the status bar's: NemoApp's reactives, data-bound to it
    credits: Any
    session_id: str | None
    action_keys: ActionKeys
    last_export: Path | None
    _turn: Worker[Any] | None
    _turn_prompt: str | None
    _turn_kind: str | None
    _queue: TurnQueue[tuple[str, Flow]]
    _question: Any
    _question_open: bool
    _quote_open: bool  # a cost quote waits for a yes (ui/spend_actions.py): so does the queue
    _export_finished: bool
    _first_turn_done: bool
    _connect_error: str | None  # why connecting failed (the app then has no conversation)

    @property
    def busy(self) -> bool:
        """A turn worker is running (one at a time: everything else waits or is refused)."""
        return self._turn is not None

    @property
    def connecting(self) -> bool:
        """The backend is still being chosen, started or connected to: from the first paint (the
        first turn starts just after it: a key can land in between) until the first turn is done."""
        if self.connection != "connecting":
            return False
        return self.conversation is None or (self.busy and self._turn_kind == "start")

    def set_language(self, lang: str) -> None:  # NemoApp's
        raise NotImplementedError

    def say(self, key: str, **values: Any) -> str:  # NemoApp's: a UI string naming the person's keys
        raise NotImplementedError

    def fill_keys(self, text: str) -> str:  # NemoApp's: core's key references made keys
        raise NotImplementedError

    def _ask(self, event: ConfirmNeeded) -> None:  # ui/actions.py
        raise NotImplementedError

    def _show_question(self) -> None:  # ui/actions.py
        raise NotImplementedError

    async def open_player(
        self, path: Path, draft: Draft | None = None, *, poster: Path | None = None
    ) -> None:  # ui/preview_actions.py
        raise NotImplementedError

    # ---- running the conversation -----------------------------------------------------------------

    def run_stream(self, kind: str, flow: Flow, *, prompt_text: str | None = None) -> Worker[str] | None:
        """Drive one flow of the conversation in the turn worker; refuse (and say so) while busy or
        while there is no conversation (connecting failed)."""
        if self.busy:
            self.notify(self.say("prompt.busy"), severity="warning", markup=False)
            return None
        conversation = self.conversation
        if conversation is None:
            self.notify(self.say("app.not_connected"), severity="error", markup=False)
            return None
        return self._run_turn(kind, lambda: flow(conversation), prompt_text=prompt_text)

    def _run_turn(
        self, kind: str, factory: Callable[[], EventStream], *, prompt_text: str | None = None
    ) -> Worker[str]:
        """Start the turn worker on `factory`'s events (run_stream's checks done, or the first turn)."""
        self._turn_prompt = prompt_text
        self._turn_kind = kind
        if kind == "turn" and prompt_text:
            self._follow_language_of(prompt_text)
        self.query_one(ActivityIndicator).start(t("activity.working", self.lang))
        self._turn = self._drive(kind, factory)
        self.refresh_bindings()
        return self._turn

    def _follow_language_of(self, text: str) -> None:
        """Chinese typed into an English app: speak Chinese from this message on, its own bubble
        included, instead of after the reply (unless the person chose a language: --lang)."""
        if self.lang == "zh" or getattr(self.conversation, "fixed_lang", None) or not has_chinese(text):
            return
        self.set_language("zh")
        bubbles = self.query_one(ChatLog).query(UserMessage)
        if bubbles:
            bubbles.last().border_title = Content(t("chat.you", "zh"))

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def _drive(self, kind: str, factory: Callable[[], EventStream]) -> str:
        await self._apply_stream(factory)
        return kind

    async def _apply_stream(self, factory: Callable[[], EventStream]) -> None:
        """Apply every event of one conversation flow, and close it however the worker ends."""
        stream = factory()
        try:
            async for event in stream:
                await self.apply_event(event)
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()

    async def apply_event(self, event: ConversationEvent) -> None:
        """Show one core event: a `match` on the typed union (core/events.py)."""
        from ..core.events import (
            Activity,
            ConfirmNeeded,
            CostQuote,
            CreditsUpdated,
            ExportDone,
            Notice,
            PreviewReady,
            Progress,
            QuestionAsked,
            Recovering,
            ReplyDelta,
            ReplyFinished,
            ReplyStarted,
            SessionChanged,
            StillWorking,
            SuggestedAction,
            TimelineUpdated,
            TurnQueued,
            UploadDone,
            WatchState,
        )

        chat = self.query_one(ChatLog)
        match event:
            case ReplyStarted():
                await chat.start_reply()
            case ReplyDelta(text=text):
                await chat.append_reply(text)
            case ReplyFinished(text=text):
                await chat.finish_reply(self.fill_keys(text))
            case Activity(label=label, running=running):
                # The indicator runs for the whole request (elapsed counts from its start); a tool
                # only changes what it says.
                self.query_one(ActivityIndicator).start(
                    label if running and label else t("activity.working", self.lang)
                )
            case StillWorking(text=text):
                await chat.add_still_working(text)
            case Notice(text=text, level=level, error=error):
                await chat.add_notice(self.fill_keys(text), level)
                if level == "error":
                    self.connection = self._connection_after_error(error)
            case SuggestedAction(action=action, label=label, payload=payload):
                hint_key = f"hints.{action}"
                key = self.action_keys.keys(hint_key).split(",")[0] if hint_key in BY_ID else "?"
                await chat.add_suggestion(action, label, payload, key=key)
            case ConfirmNeeded():
                self._ask(event)
            case CostQuote():  # issue 14: ui/spend_actions.py
                await self.show_quote(event)  # type: ignore[attr-defined]
            case TimelineUpdated(draft=draft, summary=summary, media_urls=urls):
                self.query_one(TimelineView).show_draft(draft, summary, urls)
                if self.connection == "offline":  # the state was read again: reachable again
                    self.connection = "connected"
            case CreditsUpdated(credits=credits):
                self.credits = credits
                self.connection = "connected"  # the backend answered an authenticated call
            case SessionChanged(session_id=session_id, resumed=resumed):
                self.session_id = session_id
                self.connection = "connected"
                if resumed:
                    saved = await self._saved_messages(session_id)
                    await chat.restore(saved)
                    self.query_one(PromptInput).add_history([text for role, text in saved if role == "user"])
            case Progress():
                self.query_one(TransferProgress).show(event)
            case ExportDone(path=path):
                # The Conversation follows this with its own "Saved …" message (path, duration, size,
                # resolution); the app adds how to play it once the flow is over.
                self.query_one(TransferProgress).hide()
                self.last_export = path
                self._export_finished = True
                self.refresh_bindings()
            case UploadDone():
                self.query_one(TransferProgress).hide()
            case PreviewReady(path=path, draft=draft, poster=poster):  # issue 11: ui/preview_actions.py
                self.query_one(TransferProgress).hide()
                await self.open_player(path, draft, poster=poster)
            case QuestionAsked():
                self._question = event
                self._show_question()
            case Recovering(at=at, check=check, checks=checks):
                self.query_one(ActivityIndicator).start(
                    self.say("recover.waiting", at=at, check=check, checks=checks)
                )
            case TurnQueued(text=text):
                text = self.fill_keys(text)
                self.query_one(ActivityIndicator).start(text)
                await chat.add_notice(text, "info")
            case WatchState(delays_s=delays):
                for delay in delays:
                    self.set_timer(delay, self._watch_tick)
            case _:  # a newer Conversation may yield more; never crash on it
                self.log.warning("unhandled conversation event", event)

    async def _saved_messages(self, session_id: str) -> list[tuple[str, str]]:
        """The reopened session's chat from the Conversation's store (sqlite: read in a thread)."""
        store = getattr(self.conversation, "store", None)
        if store is None or not hasattr(store, "messages"):
            return []
        try:
            records = await asyncio.to_thread(store.messages, session_id)
        except Exception:  # history is a convenience: a locked or old database must not stop the app
            self.log.warning("could not read saved messages")
            return []
        return [(r.role, self.fill_keys(r.text)) for r in records]

    def _connection_after_error(self, error: ErrorKind | None) -> str:
        """The connection state after an error notice, from its kind (never from its words): the
        connection lost → offline; anything else leaves a working connection as it is."""
        if error is not None and error.offline:
            return "offline"
        return self.connection if self.connection == "connected" else "error"

    @on(Worker.StateChanged)
    async def _turn_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "turn" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        chats = self.query(ChatLog)
        if not chats:  # the app is closing: its widgets are gone already
            return
        chat = chats.first()
        self.query_one(ActivityIndicator).stop()
        self.query_one(TransferProgress).hide()
        if event.state == WorkerState.CANCELLED:
            await chat.drop_partial_reply()
            if self._turn_prompt:
                self.query_one(PromptInput).restore(self._turn_prompt)
                await chat.add_notice(t("chat.cancelled", self.lang), "warning")
            else:
                await chat.add_notice(t("chat.cancelled_action", self.lang), "warning")
        else:
            if chat.current is not None:  # the stream ended without ReplyFinished: keep what came
                await chat.finish_reply("")
            if event.state == WorkerState.ERROR:
                await chat.add_notice(describe_error(event.worker.error, self.lang), "error")
                self.connection = "error"
        if self._export_finished:
            self._export_finished = False
            await chat.add_notice(self.say("export.open_hint"), "info")
        self._turn = None
        self._turn_prompt = None
        self._turn_kind = None
        start_turn = not self._first_turn_done
        if start_turn:  # connected, protocol and engine loaded
            self._first_turn_done = True
            freeze_startup_objects()
        lang = getattr(self.conversation, "lang", None)
        if isinstance(lang, str) and lang in ("en", "zh"):
            self.set_language(lang)
        if (
            start_turn
            and event.state == WorkerState.SUCCESS
            and getattr(self.conversation, "first_run", False)
        ):
            await greet_first_run(chat, self.lang, local=self.local, keys=self.action_keys)
        self.refresh_bindings()
        await self._run_next_queued()

    async def _run_next_queued(self) -> None:
        """The running turn ended: send what waits, in order (not while a question is open)."""
        if self.conversation is None and len(self._queue):
            await self._give_back_queued()
            return
        self._queue.held = self._question_open or self._quote_open
        entry = self._queue.next()
        self._show_queue()
        if entry is None:
            return
        kind, flow = entry.item
        if entry.text:
            chat = self.query_one(ChatLog)
            await chat.add_user(entry.text)
            chat.action_follow()
        self.run_stream(kind, flow, prompt_text=entry.text or None)

    async def _give_back_queued(self) -> None:
        """Connecting failed: what was typed meanwhile goes back into the prompt (before anything
        typed since), with the reason — never into the chat as if it had been sent."""
        texts = [entry.text for entry in self._queue.clear() if entry.text]
        self._show_queue()
        if not texts:
            return
        prompt = self.query_one(PromptInput)
        prompt.restore("\n".join([*texts, prompt.text] if prompt.text.strip() else texts))
        detail = self._connect_error or t("status.error", self.lang)
        await self.query_one(ChatLog).add_notice(self.say("queue.not_connected", detail=detail), "warning")

    def _show_queue(self) -> None:
        view = self.query_one(QueuedView)
        view.title = self.say("queue.title_connecting" if self.connecting else "queue.title")
        view.show(self._queue.texts)
        self.refresh_bindings()

    def _enqueue(self, text: str, kind: str, flow: Flow, *, first: bool = False) -> None:
        (self._queue.add_first if first else self._queue.add)(text, (kind, flow))
        self._show_queue()

    def action_drop_queued(self) -> None:
        """Alt+X: cancel the last queued message; its text comes back to an empty prompt."""
        entry = self._queue.drop_last()
        self._show_queue()
        if entry is None:
            self.notify(t("queue.nothing", self.lang), markup=False)
            return
        prompt = self.query_one(PromptInput)
        if not prompt.text.strip():
            prompt.restore(entry.text)
            self.notify(t("queue.dropped_back", self.lang), markup=False)
        else:
            self.notify(t("queue.dropped", self.lang, text=clean(entry.text)), markup=False)

    # ---- two-stage generation: look again for what the backend adds -------------------------

    def _watch_tick(self) -> None:
        check = getattr(self.conversation, "check_for_additions", None)
        if check is None or self.busy or self._question_open or len(self._queue):
            return  # busy: the next look (or the export's own read) catches it
        self._watch(check)

    @work(exclusive=True, group="watch", exit_on_error=False)
    async def _watch(self, factory: Callable[[], EventStream]) -> None:
        """One look at the state, beside the turn worker: it never makes the app busy (an export
        or a message started meanwhile is not refused)."""
        await self._apply_stream(factory)
