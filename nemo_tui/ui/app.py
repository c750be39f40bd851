"""NemoApp: the terminal front-end of a Conversation.

Construction is cheap; everything that does I/O runs after the first paint in async workers of one
exclusive group, "turn". Each worker drives one of the Conversation's async generators and applies
its events to the widgets as they arrive. The app takes either a ready Conversation (tests) or a
`connect` coroutine factory (the CLI): then the first paint shows "Setting up..." and the footer at
once, and choosing the backend, starting the engine and connecting happen in the first turn worker.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer
from textual.worker import Worker

from ..core.i18n import t as core_t
from ..core.queue import TurnQueue
from .actions import AppActions, key_name
from .chat_flow import freeze_startup_objects
from .environment import Terminal, detect_terminal
from .flow_types import Connected, ConnectFactory, ConversationLike, EventStream
from .preview_actions import PreviewActions
from .strings import t
from .styles import stylesheets
from .widgets.activity import ActivityIndicator
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput
from .widgets.queued import QueuedView
from .widgets.status_bar import StatusBar
from .widgets.timeline import TimelineView
from .widgets.transfer import TransferProgress

# nemo_tui.core.events and nemo_tui.protocol (pydantic models, ~100 ms with pydantic) are imported
# where events are handled, not here: the first paint needs neither. `connect` loads them in a thread.

__all__ = [
    "READY_FILE_ENV",
    "ConnectFactory",
    "Connected",
    "ConversationLike",
    "EventStream",
    "NemoApp",
    "freeze_startup_objects",
    "key_name",
]

BACKEND_LABELS = ("app.sub_local", "app.sub_cloud", "app.sub_auto", "app.sub_fallback")


# Set by the start-up benchmark (tests/bench_ui.py): the wall-clock time of the first paint goes there.
READY_FILE_ENV = "NEMO_BENCH_READY_FILE"


class NemoApp(PreviewActions, AppActions):  # PreviewActions: issue 11's keys, see its module
    CSS_PATH = stylesheets()
    TITLE = "nemo-tui"
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
        # issue 11 (ui/preview_actions.py); not in the footer: F1 help and the palette list it.
        Binding("f5", "preview", "Preview", show=False, id="app.preview", priority=True),
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
    def timeline_summary(self) -> str:
        """The summary of the draft on the timeline ("" when there is none), for Copy summary."""
        timelines = self.query(TimelineView) if self.screen_stack else []
        return timelines.first().summary if timelines else ""

    # Footer labels come from the bindings' descriptions: put them in the person's language.
    BINDING_WORDS = {
        "app.export": "key.export",
        "app.upload": "key.upload",
        "app.timeline": "key.timeline",
        "app.new_session": "key.new",
        "app.sessions": "key.sessions",
        "app.copy_reply": "key.copy",
        "app.open_export": "key.open",
        "app.preview": "key.preview",
        "app.stop": "key.stop",
        "app.help": "key.help",
        "app.quit": "key.quit",
        "app.drop_queued": "key.drop_queued",
        "app.retry": "key.retry",
        "app.question": "key.question",
    }

    def _localise_bindings(self) -> None:
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t(self.BINDING_WORDS[b.id], self.lang))
                if b.id in self.BINDING_WORDS
                else b
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
            yield ChatLog(
                you=t("chat.you", self.lang),
                assistant=t("chat.assistant", self.lang),
                new_output=t("chat.new_output", self.lang),
                id="chat",
            )
            yield QueuedView(title=t("queue.title", self.lang), id="queued")
            yield ActivityIndicator(
                clock=self._clock, animate=self._animate, ascii_only=self.terminal.ascii_only, id="activity"
            )
            yield PromptInput(
                placeholder=t("prompt.placeholder", self.lang), history=self._history, id="prompt"
            )
        yield TransferProgress(lang=self.lang, id="transfer")
        yield StatusBar(
            backend_label=self.backend_label,
            local=self.local,
            lang=self.lang,
            user_host=self.terminal.user_host,
            id="status",
        )
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
        self.run_stream(
            "start", self._connect_and_start if self.conversation is None else self.conversation.start
        )
        if self._warm_up is not None:
            self._warm(self._warm_up)

    async def _connect_and_start(self) -> EventStream:
        """The CLI's first turn: build the backend (maybe start the engine), then start()."""
        assert self._connect is not None
        try:
            connected = await self._connect()
        except Exception as exc:  # the engine didn't start, the database is unusable...
            from ..core.events import ErrorKind, Notice

            if self.return_code is not None:  # the connect step closed the app (bad settings)
                return
            self.query_one(StatusBar).set_connection("error")
            yield Notice(
                text=t("app.connect_failed", self.lang, detail=str(exc) or type(exc).__name__),
                level="error",
                error=ErrorKind.UNEXPECTED,
            )
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
            self.run_worker(
                self.query_one(ChatLog).add_notice(text, "warning"), group="notices", exit_on_error=False
            )

        if self._thread_id == threading.get_ident():
            show()
        else:
            self.call_from_thread(show)
