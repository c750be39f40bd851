"""NemoApp: the terminal front-end of a Conversation.

Construction is cheap; everything that does I/O runs after the first paint in async workers of one
exclusive group, "turn". Each worker drives one of the Conversation's async generators and applies
its events to the widgets as they arrive. The app takes either a ready Conversation (tests) or a
`connect` coroutine factory (the CLI): then the first paint shows "Setting up..." and the footer at
once, and choosing the backend, starting the engine and connecting happen in the first turn worker.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ..core.i18n import t as core_t
from ..core.queue import TurnQueue
from .commands import NemoCommands
from .environment import Terminal, detect_terminal, system_opener
from .messages import LinkActivated, PromptSubmitted, SuggestionChosen
from .screens.confirm import ConfirmScreen
from .screens.help import HelpScreen
from .screens.upload import UploadScreen
from .strings import t
from .styles import stylesheets
from .text import clean
from .widgets.activity import ActivityIndicator
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput
from .widgets.queued import QueuedView
from .widgets.status_bar import StatusBar
from .widgets.timeline import TimelineView
from .widgets.transfer import TransferProgress

if TYPE_CHECKING:
    from ..core.events import ConfirmNeeded

# nemo_tui.core.events and nemo_tui.protocol (pydantic models, ~100 ms with pydantic) are imported
# where events are handled, not here: the first paint needs neither. `connect` loads them in a thread.

EventStream = AsyncIterator[Any]


WEB_SCHEMES = ("http", "https")  # the only links a click opens (see _link)

BACKEND_LABELS = ("app.sub_local", "app.sub_cloud", "app.sub_auto", "app.sub_fallback")


class ConversationLike(Protocol):
    """What the app needs of `core.conversation.Conversation` (each method an async generator)."""

    def start(self) -> EventStream: ...
    def handle(self, text: str) -> EventStream: ...
    def chat(self, text: str) -> EventStream: ...
    def export(self) -> EventStream: ...
    def upload(self, path_or_url: str) -> EventStream: ...
    def credits(self) -> EventStream: ...
    def show_state(self) -> EventStream: ...
    def new_session(self) -> EventStream: ...
    def open_session(self, session_id: str) -> EventStream: ...


@dataclass
class Connected:
    """What a `connect` factory hands the app once the backend is up."""

    conversation: ConversationLike
    backend_label: str
    local: bool
    notice: str | None = None  # said first, as a warning (e.g. `auto` fell back to the local engine)


ConnectFactory = Callable[[], Awaitable[Connected]]
# Set by the start-up benchmark (tests/bench_ui.py): the wall-clock time of the first paint goes there.
READY_FILE_ENV = "NEMO_BENCH_READY_FILE"


def freeze_startup_objects() -> None:
    """Once connected: move everything alive (modules, classes, pydantic schemas, the widgets of the
    layout) out of the garbage collector's sight. A full collection otherwise walks them all, and
    with the engine and the protocol loaded that stalled the app 30-40 ms at random moments (felt
    as key lag while a reply streams). They live as long as the app anyway."""
    gc.collect()
    gc.freeze()


def key_name(key: str) -> str:
    """"ctrl+e" → "Ctrl+E", "f1" → "F1": how the help screen spells keys."""
    return "+".join(part.upper() if len(part) <= 2 else part.capitalize() for part in key.split("+"))


class NemoApp(App[None]):
    CSS_PATH = stylesheets()
    TITLE = "nemo-tui"
    COMMANDS = App.COMMANDS | {NemoCommands}
    ENABLE_COMMAND_PALETTE = True

    # Priority bindings: the prompt (a TextArea) has its own meanings for ctrl+e/u/y/... and
    # these must win wherever the focus is. ctrl+c stays Textual's copy; quit is ctrl+q.
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", id="app.export", priority=True),
        Binding("ctrl+u", "upload", "Upload", id="app.upload", priority=True),
        Binding("ctrl+t", "focus_timeline", "Timeline", id="app.timeline", priority=True),
        Binding("ctrl+n", "new_session", "New", id="app.new_session", priority=True),
        # Not in the footer (it would push F1 off an 80-column one): F1 help and the palette list it.
        Binding("ctrl+s", "sessions", "Sessions", show=False, id="app.sessions", priority=True),
        Binding("ctrl+y", "copy_reply", "Copy reply", id="app.copy_reply", priority=True),
        Binding("ctrl+o", "open_export", "Play", id="app.open_export", priority=True),
        Binding("ctrl+g", "stop", "Stop", id="app.stop", priority=True),
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+end", "follow_chat", "Latest", show=False, id="app.latest", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("alt+e", "suggestion('export')", show=False, id="app.suggest_export", priority=True),
        Binding("alt+s", "suggestion('state')", show=False, id="app.suggest_state", priority=True),
        Binding("alt+t", "suggestion('timeline')", show=False, id="app.suggest_timeline", priority=True),
        Binding("alt+c", "suggestion('credits')", show=False, id="app.suggest_credits", priority=True),
        Binding("alt+g", "suggestion('send')", show=False, id="app.suggest_send", priority=True),
        Binding("alt+r", "suggestion('retry')", show=False, id="app.retry", priority=True),
        Binding("alt+x", "drop_queued", show=False, id="app.drop_queued", priority=True),
        Binding("alt+a", "question_again", show=False, id="app.question", priority=True),
    ]

    def __init__(
        self,
        conversation: ConversationLike | None = None,
        *,
        connect: ConnectFactory | None = None,
        backend_label: str,
        local: bool | None = None,
        lang: str = "en",
        history: list[str] | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        animate: bool = True,
        warm_up: Callable[[], None] | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        if (conversation is None) == (connect is None):
            raise TypeError("NemoApp needs a conversation or a connect factory (exactly one)")
        self.conversation = conversation
        self._connect = connect
        self.backend_label = backend_label
        self.local = ("local" in backend_label.lower()) if local is None else local
        self.lang = lang
        self.terminal: Terminal = detect_terminal(environ)
        self._history = list(history or [])
        self._clock = clock
        self._animate = animate
        self._warm_up = warm_up
        self._export_finished = False  # an export completed in the running turn: say how to play it
        self._first_turn_done = False
        self._turn: Worker | None = None
        self._turn_prompt: str | None = None  # the text to give back if the turn is cancelled
        # What waits for the running turn: messages typed meanwhile (or while connecting) and
        # actions confirmed mid-turn, sent in order when it ends (core/queue.py).
        self._queue: TurnQueue[tuple[str, Callable[[], EventStream]]] = TurnQueue()
        self._turn_kind: str | None = None
        self._question: Any = None  # the QuestionAsked the agent is waiting on (None: none)
        self._question_open = False
        self.last_export: Path | None = None
        self._reapers: set[asyncio.Task[int]] = set()  # players started with Ctrl+O, until they exit
        self.sub_title = backend_label
        # NO_COLOR is Textual's own (a monochrome filter); a 16-colour terminal gets the ANSI theme so
        # the palette is the terminal's, not an approximation of truecolour.
        chosen = theme or ("ansi-dark" if self.terminal.sixteen_colours else None)
        if chosen:
            self.theme = chosen
        self._localise_bindings()

    @property
    def busy(self) -> bool:
        """A turn worker is running (one at a time: everything else waits or is refused)."""
        return self._turn is not None

    @property
    def timeline_summary(self) -> str:
        """The summary of the draft on the timeline ("" when there is none), for Copy summary."""
        timelines = self.query(TimelineView) if self.screen_stack else []
        return timelines.first().summary if timelines else ""

    # Footer labels come from the bindings' descriptions: put them in the person's language.
    BINDING_WORDS = {
        "app.export": "key.export", "app.upload": "key.upload", "app.timeline": "key.timeline",
        "app.new_session": "key.new", "app.sessions": "key.sessions", "app.copy_reply": "key.copy", "app.open_export": "key.open",
        "app.stop": "key.stop", "app.help": "key.help", "app.quit": "key.quit",
        "app.drop_queued": "key.drop_queued", "app.retry": "key.retry", "app.question": "key.question",
    }

    def _localise_bindings(self) -> None:
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t(self.BINDING_WORDS[b.id], self.lang))
                if b.id in self.BINDING_WORDS else b
                for b in bindings
            ]

    def set_language(self, lang: str) -> None:
        """The person switched language (the Conversation detected it): follow with the app's words."""
        if lang == self.lang:
            return
        before, self.lang = self.lang, lang
        self._localise_bindings()
        self.refresh_bindings()
        prompt = self.query_one(PromptInput)
        prompt.placeholder = t("prompt.placeholder", lang)
        chat = self.query_one(ChatLog)
        chat.you, chat.assistant = t("chat.you", lang), t("chat.assistant", lang)
        timeline = self.query_one(TimelineView)
        timeline.lang = lang
        timeline.show_draft(timeline.draft, timeline.summary)
        self.query_one(TransferProgress).lang = lang
        status = self.query_one(StatusBar)
        status.lang = lang
        for key in BACKEND_LABELS:  # the backend's name was said in the language it started with
            if self.backend_label == t(key, before):
                self.backend_label = self.sub_title = t(key, lang)
                status.set_backend(self.backend_label, self.local)
                break
        status.refresh_all()

    # ---- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="main"):
            yield TimelineView(lang=self.lang, ascii_only=self.terminal.ascii_only, id="timeline")
            yield ChatLog(you=t("chat.you", self.lang), assistant=t("chat.assistant", self.lang),
                          new_output=t("chat.new_output", self.lang), id="chat")
            yield QueuedView(title=t("queue.title", self.lang), id="queued")
            yield ActivityIndicator(clock=self._clock, animate=self._animate,
                                    ascii_only=self.terminal.ascii_only, id="activity")
            yield PromptInput(placeholder=t("prompt.placeholder", self.lang), history=self._history,
                              id="prompt")
        yield TransferProgress(lang=self.lang, id="transfer")
        yield StatusBar(backend_label=self.backend_label, local=self.local, lang=self.lang,
                        user_host=self.terminal.user_host, id="status")
        yield Footer(compact=True, show_command_palette=True)

    async def on_mount(self) -> None:
        prompt = self.query_one(PromptInput)
        prompt.cursor_blink = self._animate
        prompt.focus()
        self.query_one(TimelineView).show_draft(None)
        if self.conversation is None:
            # Part of the first paint: the person sees the app is alive before anything connects.
            await self.query_one(ChatLog).add_notice(core_t("setup", self.lang))
        # Startup I/O after the first paint: connect, then pick up renders left from last time.
        self.call_after_refresh(self._begin)

    def on_ready(self) -> None:
        stamp = os.environ.get(READY_FILE_ENV)
        if stamp:
            Path(stamp).write_text(repr(time.time()), encoding="utf-8")

    def _begin(self) -> None:
        # start() connects, reopens the last session and resumes renders left from a previous run.
        self.run_stream("start", self._connect_and_start if self.conversation is None
                        else self.conversation.start)
        if self._warm_up is not None:
            self._warm(self._warm_up)

    async def _connect_and_start(self) -> EventStream:
        """The CLI's first turn: build the backend (maybe start the engine), then start()."""
        assert self._connect is not None
        try:
            connected = await self._connect()
        except Exception as exc:  # the engine didn't start, the database is unusable...
            from ..core.events import Notice

            if self.return_code is not None:  # the connect step closed the app (bad settings)
                return
            self.query_one(StatusBar).set_connection("error")
            yield Notice(text=t("app.connect_failed", self.lang, detail=str(exc) or type(exc).__name__),
                         level="error")
            return
        self.conversation = connected.conversation
        self.local = connected.local
        self.backend_label = connected.backend_label
        self.sub_title = connected.backend_label
        self.query_one(StatusBar).set_backend(connected.backend_label, connected.local)
        from ..core.events import Notice

        if connected.notice:
            yield Notice(text=connected.notice, level="warning")
        announced = core_t("setup", self.lang)
        first = True
        async for event in connected.conversation.start():
            # "Setting up..." is on screen since the first paint: don't say it twice.
            if first and isinstance(event, Notice) and event.text == announced:
                first = False
                continue
            first = False
            yield event
        self.refresh_bindings()

    @work(thread=True, exit_on_error=False, group="warm-up")
    def _warm(self, warm_up: Callable[[], None]) -> None:
        """Blocking first-use costs (language detection loads its profiles) off the event loop."""
        warm_up()

    def show_recovery(self, text: str) -> None:
        """The client recovered by itself (new token, new session): say so, from any thread."""
        def show() -> None:
            self.run_worker(self.query_one(ChatLog).add_notice(text, "warning"), group="notices",
                            exit_on_error=False)

        if self._thread_id == threading.get_ident():
            show()
        else:
            self.call_from_thread(show)

    # ---- running the conversation -----------------------------------------------------------------

    def run_stream(self, kind: str, factory: Callable[[], EventStream], *, prompt_text: str | None = None
                   ) -> Worker | None:
        """Drive one Conversation generator in the turn worker; refuse (and say so) while busy."""
        if self.busy:
            self.notify(t("prompt.busy", self.lang), severity="warning", markup=False)
            return None
        if self.conversation is None and kind != "start":
            self.notify(t("app.not_connected", self.lang), severity="error", markup=False)
            return None
        self._turn_prompt = prompt_text
        self._turn_kind = kind
        self.query_one(ActivityIndicator).start(t("activity.working", self.lang))
        self._turn = self._drive(kind, factory)
        self.refresh_bindings()
        return self._turn

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

    async def apply_event(self, event: Any) -> None:
        from ..core.events import (
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
            StillWorking,
            QuestionAsked,
            Recovering,
            SuggestedAction,
            TimelineUpdated,
            TurnQueued,
            UploadDone,
            WatchState,
        )

        chat = self.query_one(ChatLog)
        if isinstance(event, ReplyStarted):
            await chat.start_reply()
        elif isinstance(event, ReplyDelta):
            await chat.append_reply(event.text)
        elif isinstance(event, ReplyFinished):
            await chat.finish_reply(event.text)
        elif isinstance(event, Activity):
            # The indicator runs for the whole request (elapsed counts from its start); a tool
            # only changes what it says.
            label = event.label if event.running and event.label else t("activity.working", self.lang)
            self.query_one(ActivityIndicator).start(label)
        elif isinstance(event, StillWorking):
            await chat.add_still_working(event.text)
        elif isinstance(event, Notice):
            await chat.add_notice(event.text, event.level)
            if event.level == "error":
                self.query_one(StatusBar).set_connection(self._connection_after_error(event.text))
        elif isinstance(event, SuggestedAction):
            await chat.add_suggestion(event.action, event.label, event.payload)
        elif isinstance(event, ConfirmNeeded):
            self._ask(event)
        elif isinstance(event, TimelineUpdated):
            self.query_one(TimelineView).show_draft(event.draft, event.summary)
        elif isinstance(event, CreditsUpdated):
            status = self.query_one(StatusBar)
            status.set_credits(event.credits)
            status.set_connection("connected")  # the backend answered an authenticated call
        elif isinstance(event, SessionChanged):
            status = self.query_one(StatusBar)
            status.set_session(event.session_id)
            status.set_connection("connected")
            if event.resumed:
                saved = await self._saved_messages(event.session_id)
                await chat.restore(saved)
                self.query_one(PromptInput).add_history([text for role, text in saved if role == "user"])
        elif isinstance(event, Progress):
            self.query_one(TransferProgress).show(event)
        elif isinstance(event, ExportDone):
            # The Conversation follows this with its own "Saved …" message (path, duration, size,
            # resolution); the app adds how to play it once the flow is over.
            self.query_one(TransferProgress).hide()
            self.last_export = event.path
            self._export_finished = True
            self.refresh_bindings()
        elif isinstance(event, UploadDone):
            self.query_one(TransferProgress).hide()
        elif isinstance(event, QuestionAsked):
            self._question = event
            self._show_question()
        elif isinstance(event, Recovering):
            self.query_one(ActivityIndicator).start(
                t("recover.waiting", self.lang, at=event.at, check=event.check, checks=event.checks))
        elif isinstance(event, TurnQueued):
            self.query_one(ActivityIndicator).start(event.text)
            await chat.add_notice(event.text, "info")
        elif isinstance(event, WatchState):
            for delay in event.delays_s:
                self.set_timer(delay, self._watch_tick)
        else:  # a newer Conversation may yield more; never crash on it
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
        return [(r.role, r.text) for r in records]

    def _connection_after_error(self, text: str) -> str:
        current = self.query_one(StatusBar).connection
        lowered = text.lower()
        if "reach" in lowered or "连接" in text:
            return "offline"
        return current if current == "connected" else "error"

    @on(Worker.StateChanged)
    async def _turn_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "turn" or event.state not in (
            WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED
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
                await chat.add_notice(self._describe_error(event.worker.error), "error")
                self.query_one(StatusBar).set_connection("error")
        if self._export_finished:
            self._export_finished = False
            await chat.add_notice(t("export.open_hint", self.lang), "info")
        self._turn = None
        self._turn_prompt = None
        self._turn_kind = None
        if not self._first_turn_done:  # the start turn: connected, protocol and engine loaded
            self._first_turn_done = True
            freeze_startup_objects()
        lang = getattr(self.conversation, "lang", None)
        if isinstance(lang, str) and lang in ("en", "zh"):
            self.set_language(lang)
        self.refresh_bindings()
        await self._run_next_queued()

    async def _run_next_queued(self) -> None:
        """The running turn ended: send what waits, in order (not while a question is open)."""
        self._queue.held = self._question_open
        entry = self._queue.next()
        self._show_queue()
        if entry is None:
            return
        kind, factory = entry.item
        if entry.text:
            chat = self.query_one(ChatLog)
            await chat.add_user(entry.text)
            chat.action_follow()
        self.run_stream(kind, factory, prompt_text=entry.text or None)

    def _show_queue(self) -> None:
        self.query_one(QueuedView).show(self._queue.texts)
        self.refresh_bindings()

    def _enqueue(self, text: str, kind: str, factory: Callable[[], EventStream], *, first: bool = False) -> None:
        (self._queue.add_first if first else self._queue.add)(text, (kind, factory))
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

    # ---- the agent's question ------------------------------------------------------------------

    def _show_question(self) -> None:
        from .screens.question import QuestionScreen

        question = self._question
        if question is None or self._question_open:
            return
        self._question_open = True
        self._queue.held = True

        async def answered(answer: str | None) -> None:
            self._question_open = False
            self._queue.held = False
            chat = self.query_one(ChatLog)
            if not answer:
                await chat.add_notice(t("question.skipped", self.lang), "info")
                if not self.busy:
                    await self._run_next_queued()
                return
            self._question = None
            conv = self.conversation
            factory = (lambda: conv.answer(answer)) if hasattr(conv, "answer") else (lambda: conv.chat(answer))  # type: ignore[union-attr]
            if self.busy:  # the turn that asked has not closed yet: the answer goes first
                self._enqueue(answer, "turn", factory, first=True)
                return
            await chat.add_user(answer)
            chat.action_follow()
            self.run_stream("turn", factory, prompt_text=answer)

        self.push_screen(QuestionScreen(question.title, question.questions, lang=self.lang), answered)

    def action_question_again(self) -> None:
        if self._question is not None:
            self._show_question()

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

    def _describe_error(self, error: BaseException | None) -> str:
        user_message = getattr(error, "user_message", None)
        if callable(user_message):
            try:
                return str(user_message(self.lang))
            except Exception:  # a broken error class must not hide the failure itself
                pass
        return t("chat.unexpected", self.lang, kind=type(error).__name__ if error else "?")

    # ---- input -----------------------------------------------------------------------------------

    @on(PromptSubmitted)
    async def _submitted(self, event: PromptSubmitted) -> None:
        text = event.text
        if self._question is not None and not self._question_open:
            self._question = None  # typed instead of answering: the message is the answer
        if self.busy or self._question_open or len(self._queue):
            # One turn per session: it waits for the running one (or for connecting), in order.
            self._enqueue(text, "turn", lambda: self.conversation.handle(text))  # type: ignore[union-attr]
            self.notify(t("queue.added", self.lang), markup=False)
            return
        await self.query_one(ChatLog).add_user(event.text)
        self.query_one(ChatLog).action_follow()
        self.run_stream("turn", lambda: self.conversation.handle(event.text), prompt_text=event.text)

    @on(SuggestionChosen)
    def _suggestion(self, event: SuggestionChosen) -> None:
        self._run_suggestion(event.action, event.payload)

    def _run_suggestion(self, action: str, payload: str) -> None:
        if action == "export":
            self.action_export()
        elif action in ("state", "timeline"):
            self.run_stream("state", self.conversation.show_state)
            if action == "timeline":
                self.action_focus_timeline()
        elif action == "credits":
            self.run_stream("credits", self.conversation.credits)
        elif action in ("send", "retry") and payload:
            # "retry": the person chose to send again a message whose stream dropped.
            self.post_message(PromptSubmitted(payload))

    def action_suggestion(self, action: str) -> None:
        pending = self.query_one(ChatLog).pending_suggestions
        if action in pending:
            self._run_suggestion(action, pending[action][1])

    def _ask(self, event: ConfirmNeeded) -> None:
        original = self._turn_prompt  # the message that raised the question

        def answered(yes: bool | None) -> None:
            if yes is None:  # closed with Escape: do nothing at all
                return
            if yes:
                factory = self._factory_for(event.action, event.payload)
            elif original and hasattr(self.conversation, "chat"):
                # "No" means it wasn't a command after all: it goes to the agent as a message.
                factory = lambda: self.conversation.chat(original)  # type: ignore[attr-defined]  # noqa: E731
            else:
                return
            if self.busy:  # the question came mid-turn: run right after it
                self._enqueue("", event.action, factory)
            else:
                self.run_stream(event.action, factory)

        self.push_screen(ConfirmScreen(event.question, lang=self.lang), answered)

    def _factory_for(self, action: str, payload: str) -> Callable[[], EventStream]:
        conv = self.conversation
        if action == "export":
            return conv.export
        if action == "upload":
            return lambda: conv.upload(payload)
        if action == "credits":
            return conv.credits
        return conv.show_state

    @on(LinkActivated)
    def _link(self, event: LinkActivated) -> None:
        # Over SSH a browser would open on the remote machine: copy the link instead. A link that
        # isn't a web address (file:, a custom scheme) came from the server and would start whatever
        # handler the system has for it: copied, never opened.
        if self.terminal.over_ssh:
            self.copy_to_clipboard(event.href)
            self.notify(t("copy.link", self.lang, url=event.href), markup=False)
        elif urlsplit(event.href).scheme.lower() not in WEB_SCHEMES:
            self.copy_to_clipboard(event.href)
            self.notify(t("copy.link_not_web", self.lang, url=event.href), markup=False)
        else:
            self.notify(t("open.link", self.lang, url=event.href), markup=False)
            self._open_in_browser(event.href)

    @work(thread=True, exit_on_error=False, group="open-link")
    def _open_in_browser(self, url: str) -> None:
        """webbrowser blocks: its first use runs `xdg-settings` to find the browser, then starts it."""
        self.open_url(url)

    # ---- actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export", "upload", "new_session", "credits", "state", "sessions"):
            return not self.busy and self.conversation is not None
        if action == "stop":
            return self.busy
        if action == "drop_queued":
            return bool(self._queue.texts)
        if action == "question_again":
            return self._question is not None and not self._question_open
        if action == "open_browser":
            return self.conversation is not None and hasattr(self.conversation, "claim_link")
        if action == "copy_reply":
            chats = self.query(ChatLog) if self.screen_stack else []
            return bool(chats) and chats.first().last_reply() is not None
        if action == "open_export":
            return self.last_export is not None
        if action == "copy_summary":
            return bool(self.timeline_summary)
        return True

    def action_export(self) -> None:
        self.run_stream("export", self.conversation.export)

    def action_upload(self) -> None:
        if self.busy:
            self.notify(t("prompt.busy", self.lang), severity="warning", markup=False)
            return

        def chosen(target: str | None) -> None:
            if target:
                self.run_stream("upload", lambda: self.conversation.upload(target))

        self.push_screen(UploadScreen(lang=self.lang), chosen)

    def action_credits(self) -> None:
        self.run_stream("credits", self.conversation.credits)

    def action_state(self) -> None:
        self.run_stream("state", self.conversation.show_state)

    async def action_new_session(self) -> None:
        if self.busy:
            self.notify(t("prompt.busy", self.lang), severity="warning", markup=False)
            return
        await self.query_one(ChatLog).clear_log()
        self.query_one(TimelineView).show_draft(None)
        self.run_stream("new_session", self.conversation.new_session)

    def action_sessions(self) -> None:
        """Ctrl+S: past sessions of this backend and a search over past messages."""
        from .screens.sessions import SessionsScreen

        if self.busy:
            self.notify(t("prompt.busy", self.lang), severity="warning", markup=False)
            return
        if isinstance(self.screen, SessionsScreen):
            return
        store = getattr(self.conversation, "store", None)
        backend_key = getattr(self.conversation, "backend_key", None)
        if store is None or backend_key is None:
            return
        current = self.query_one(StatusBar).session_id

        async def chosen(session_id: str | None) -> None:
            if not session_id or session_id == current or self.busy:
                return
            await self.query_one(ChatLog).clear_log()
            self.query_one(TimelineView).show_draft(None)
            self.run_stream("open_session", lambda: self.conversation.open_session(session_id))  # type: ignore[union-attr]

        self.push_screen(SessionsScreen(store, backend_key, current=current, lang=self.lang), chosen)

    def action_focus_timeline(self) -> None:
        self.query_one(TimelineView).focus()

    def action_follow_chat(self) -> None:
        self.query_one(ChatLog).action_follow()

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    def action_copy_reply(self) -> None:
        text = self.query_one(ChatLog).last_reply()
        if text is None:
            self.notify(t("copy.nothing", self.lang), markup=False)
            return
        self.copy_to_clipboard(text)
        self.notify(t("copy.reply", self.lang, chars=len(text)), markup=False)

    def action_copy_summary(self) -> None:
        self.query_one(TimelineView).action_copy_summary()

    def action_stop(self) -> None:
        if self._turn is not None:
            if self._turn_kind == "export":
                # The person stopped the export: the render is cancelled on the server too.
                stop = getattr(self.conversation, "stop", None)
                if stop is not None:
                    stop()
                self.notify(t("export.stopping", self.lang), markup=False)
            self._turn.cancel()

    def action_open_browser(self) -> None:
        """Palette: "Open in browser" — a claim link for this project (never the API token)."""
        self._open_project()

    @work(exclusive=True, group="claim-link", exit_on_error=False)
    async def _open_project(self) -> None:
        chat = self.query_one(ChatLog)
        try:
            url = await self.conversation.claim_link()  # type: ignore[union-attr]
        except Exception as exc:  # NemoError: said in words; anything else must not crash the app
            await chat.add_notice(self._describe_error(exc), "error")
            return
        url = clean(url)
        self.copy_to_clipboard(url)
        if self.terminal.over_ssh:
            await chat.add_notice(t("link.copied", self.lang, url=url), "info")
        elif system_opener() is None:
            await chat.add_notice(t("link.copied_only", self.lang, url=url), "info")
        else:
            await chat.add_notice(t("link.opening", self.lang, url=url), "info")
            self._open_in_browser(url)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.key_rows(), lang=self.lang, cloud=not self.local))

    def key_rows(self) -> list[tuple[str, str]]:
        rows = [("Enter", t("key.send", self.lang)), ("Ctrl+J / Alt+Enter", t("key.newline", self.lang))]
        names = self.BINDING_WORDS
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id in names:
                rows.append((key_name(binding.key), t(names[binding.id], self.lang)))
        rows.append(("Ctrl+P", t("key.palette", self.lang)))
        rows.append(("y", t("key.copy_summary", self.lang) + " (" + t("key.timeline", self.lang) + ")"))
        return rows

    async def action_open_export(self) -> None:
        path = self.last_export
        chat = self.query_one(ChatLog)
        if path is None:
            await chat.add_notice(t("export.none", self.lang), "info")
            return
        if self.terminal.over_ssh:
            await chat.add_notice(t("export.ssh", self.lang, path=str(path), host=self.terminal.host), "info")
            return
        opener = system_opener()
        if opener is None:
            await chat.add_notice(t("export.no_player", self.lang, path=str(path)), "warning")
            return
        try:
            process = await asyncio.create_subprocess_exec(
                *opener, str(path), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        except OSError as exc:  # an action that raises would close the app: say it in the chat instead
            await chat.add_notice(t("export.open_failed", self.lang, path=str(path),
                                    detail=exc.strerror or type(exc).__name__), "warning")
            return
        self.notify(t("export.opening", self.lang, name=clean(path.name)), markup=False)
        # Reap it in the background so no zombie is left. The loop keeps only a weak reference to a
        # task, so hold it until it is done.
        reaper = asyncio.create_task(process.wait())
        self._reapers.add(reaper)
        reaper.add_done_callback(self._reapers.discard)
