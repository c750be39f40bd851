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
from textual.containers import Vertical
from textual.driver import Driver
from textual.reactive import reactive
from textual.widgets import Footer
from textual.worker import Worker

from ..core.i18n import fill_key_refs
from ..core.i18n import t as core_t
from ..core.queue import TurnQueue
from ..core.send_key import ENV_VAR as SEND_KEY_ENV
from ..core.send_key import choose_send_key
from .action_table import BY_ID, ActionKeys, bindings_for, key_name, send_key_overrides
from .actions import AppActions
from .environment import Terminal, detect_terminal
from .flow_types import Connected, ConnectFactory, ConversationLike, EventStream, Flow
from .key_config import KeyConfig, read_key_config
from .preview_actions import PreviewActions
from .spend_actions import SpendActions
from .startup import freeze_startup_objects
from .strings import t
from .styles import stylesheets
from .terminal_io import GraphicsProbe, driver_class
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

# Set by the start-up benchmark (tests/bench_ui.py): the wall-clock time of the first paint goes there.
READY_FILE_ENV = "NEMO_BENCH_READY_FILE"


class NemoApp(PreviewActions, SpendActions, GraphicsProbe, AppActions):  # issues 11 and 14: see their modules
    CSS_PATH = stylesheets()
    # Focus the prompt from the screen's first moment: keys that come before on_mount (typed while
    # the app was starting) would otherwise reach the first focusable widget, the timeline, and vanish.
    AUTO_FOCUS = "#prompt"
    TITLE = "nemo-tui"
    ENABLE_COMMAND_PALETTE = True

    # Every key, label and place it shows comes from ui/action_table.py.
    BINDINGS = bindings_for("app")

    # What the status bar shows, set by the chat flow from typed events and data-bound down to it.
    connection: reactive[str] = reactive("connecting", init=False)
    credits: reactive[Any] = reactive(None, init=False)
    session_id: reactive[str | None] = reactive(None, init=False)
    backend_label: reactive[str] = reactive("", init=False)
    local: reactive[bool] = reactive(False, init=False)
    lang: reactive[str] = reactive("en", init=False)

    def __init__(
        self,
        conversation: ConversationLike | None = None,
        *,
        connect: ConnectFactory | None = None,
        backend_label: str | None = None,
        label_key: str | None = None,
        local: bool = False,
        lang: str = "en",
        history: list[str] | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        animate: bool = True,
        warm_up: Callable[[], None] | None = None,
        theme: str | None = None,
        config_file: Path | None = None,
    ) -> None:
        super().__init__()
        if (conversation is None) == (connect is None):
            raise TypeError("NemoApp needs a conversation or a connect factory (exactly one)")
        if backend_label is None:
            if label_key is None:
                raise TypeError("NemoApp needs the backend's label, or the strings key of one (label_key)")
            backend_label = t(label_key, lang)
        self.conversation = conversation
        if conversation is not None:
            self.adopt(conversation)
        self._connect = connect
        self.lang = lang
        # The strings key of the backend's name when it is one of ours: it follows the language.
        self._label_key = label_key
        self.backend_label = backend_label
        self.local = local
        # The table's keys, with the person's config.toml [keys] and send_key (NEMO_SEND_KEY wins) over them.
        self._keymap: dict[str, str] = {}
        self._send_key = choose_send_key(os.environ if environ is None else environ)
        self.action_keys = self._keys_in_force()
        self._config_file = config_file
        self._environ = dict(os.environ if environ is None else environ)
        self.terminal: Terminal = detect_terminal(self._environ)
        self._history = list(history or [])
        self._clock = clock
        self._animated = animate  # not `_animate`: Textual keeps the app's animator there
        self._warm_up = warm_up
        self._export_finished = False  # an export completed in the running turn: say how to play it
        self._first_turn_done = False
        self._connect_error: str | None = None
        self._turn: Worker | None = None
        self._turn_prompt: str | None = None  # the text to give back if the turn is cancelled
        # What waits for the running turn: messages typed meanwhile (or while connecting) and
        # actions confirmed mid-turn, sent in order when it ends (core/queue.py).
        self._queue: TurnQueue[tuple[str, Flow]] = TurnQueue()
        self._turn_kind: str | None = None
        self._question: Any = None  # the QuestionAsked the agent is waiting on (None: none)
        self._question_open = False
        self._quote_open = False
        self.last_export: Path | None = None
        self._reapers: set[asyncio.Task[int]] = set()  # players started with Ctrl+O, until they exit
        # NO_COLOR is Textual's own (a monochrome filter); a 16-colour terminal gets the ANSI theme so
        # the palette is the terminal's, not an approximation of truecolour.
        chosen = theme or ("ansi-dark" if self.terminal.sixteen_colours else None)
        if chosen:
            self.theme = chosen
        self._localise_bindings()

    def watch_backend_label(self, label: str) -> None:
        self.sub_title = label

    @property
    def timeline_summary(self) -> str:
        """The summary of the draft on the timeline ("" when there is none), for Copy summary."""
        if not self.screen_stack:
            return ""
        timelines = self.query(TimelineView)
        return timelines.first().summary if timelines else ""

    def say(self, key: str, **values: Any) -> str:
        """The UI string `key` in the person's language, naming the keys they have."""
        return t(key, self.lang, keys=self.action_keys.names, **values)

    def fill_keys(self, text: str) -> str:
        """Core's text with its key references made this app's keys ("Press Ctrl+E")."""
        return fill_key_refs(text, self._how)

    def _how(self, action: str, lang: str) -> str:
        if action not in BY_ID or not self.action_keys.keys(action):
            return action
        return t("keys.press", lang, shortcut=self.action_keys.shown(action))

    def _localise_bindings(self) -> None:
        """Footer labels come from the bindings' descriptions: the table's, in the person's language."""
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, description=label(self.lang))
                if b.id in BY_ID and (label := BY_ID[b.id].label) is not None
                else b
                for b in bindings
            ]

    def set_language(self, lang: str) -> None:
        """The person switched language (the Conversation detected it): follow with the app's words."""
        if lang == self.lang:
            return
        self.lang = lang  # the status bar follows (data-bound)
        if self._label_key is not None:  # the backend's name is one of ours: say it in this language
            self.backend_label = t(self._label_key, lang)
        chat = self.query_one(ChatLog)
        chat.you, chat.assistant = t("chat.you", lang), t("chat.assistant", lang)
        timeline = self.query_one(TimelineView)
        timeline.lang = lang
        timeline.show_draft(timeline.draft, timeline.summary)
        self.query_one(TransferProgress).lang = lang
        self._show_key_words()

    def _show_key_words(self) -> None:
        """Everything on screen that names a key or an action, again (new language or new keys)."""
        self._localise_bindings()
        self.refresh_bindings()
        self.query_one(PromptInput).placeholder = self.say("prompt.placeholder")
        self.query_one(ChatLog).set_new_output_text(self.say("chat.new_output"))
        self._show_queue()  # its title names a key

    # ---- the person's keys (config.toml) -----------------------------------------------------------

    def _keys_in_force(self) -> ActionKeys:
        return ActionKeys({**self._keymap, **send_key_overrides(self._send_key.key)})

    def _use_keys(self) -> None:
        """Bind the keys in force: the keymap reaches every Binding by id (the prompt's priority
        send / new-line bindings included), and the prompt's own Enter handling follows."""
        self.action_keys = keys = self._keys_in_force()
        self.set_keymap(keys.overrides)
        self.query_one(PromptInput).use_keys(keys.keys("send").split(","), keys.keys("newline").split(","))

    def _send_key_problem(self) -> str | None:
        rejected, source = self._send_key.rejected, self._send_key.source
        return self.say("keys.bad_send_key", source=source, value=rejected) if rejected else None

    def load_key_config(self, path: Path) -> None:
        """Read `[keys]` of `path` off the event loop, then use it."""
        self._read_key_config(path, self.lang)

    @work(exit_on_error=False, group="key-config")
    async def _read_key_config(self, path: Path, lang: str) -> None:
        config = await asyncio.to_thread(read_key_config, path, lang)
        await self.apply_key_config(config)

    async def apply_key_config(self, config: KeyConfig) -> None:
        problems = list(config.problems)
        self._keymap = dict(config.keymap)
        if self._send_key.source != SEND_KEY_ENV:  # NEMO_SEND_KEY wins over the file
            self._send_key = choose_send_key({}, config.send_key)
            problems += filter(None, [self._send_key_problem()])
        self._use_keys()
        self._show_key_words()
        chat = self.query_one(ChatLog)
        for problem in problems:
            await chat.add_notice(problem, "warning")

    # ---- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="main"):
            yield TimelineView(
                lang=self.lang,
                ascii_only=self.terminal.ascii_only,
                pictures=self.terminal.graphics != "none",
                id="timeline",
            )
            yield ChatLog(
                you=t("chat.you", self.lang),
                assistant=t("chat.assistant", self.lang),
                new_output=self.say("chat.new_output"),
                id="chat",
            )
            yield QueuedView(title=self.say("queue.title"), id="queued")
            yield ActivityIndicator(
                clock=self._clock, animate=self._animated, ascii_only=self.terminal.ascii_only, id="activity"
            )
            yield PromptInput(placeholder=self.say("prompt.placeholder"), history=self._history, id="prompt")
        yield TransferProgress(lang=self.lang, id="transfer")
        yield StatusBar(
            backend_label=self.backend_label,
            local=self.local,
            lang=self.lang,
            user_host=self.terminal.user_host,
            id="status",
        ).data_bind(
            NemoApp.connection,
            NemoApp.credits,
            NemoApp.session_id,
            NemoApp.backend_label,
            NemoApp.local,
            NemoApp.lang,
        )
        yield Footer(compact=True, show_command_palette=True)

    async def on_mount(self) -> None:
        prompt = self.query_one(PromptInput)
        prompt.cursor_blink = self._animated
        prompt.focus()
        self._use_keys()
        self.query_one(TimelineView).show_draft(None)
        if self.conversation is None:
            # Part of the first paint: the person sees the app is alive before anything connects.
            await self.query_one(ChatLog).add_notice(core_t("setup", self.lang))
        if problem := self._send_key_problem():  # NEMO_SEND_KEY is not a send key
            await self.query_one(ChatLog).add_notice(problem, "warning")
        # Startup I/O after the first paint: connect, then pick up renders left from last time.
        self.call_after_refresh(self._begin)

    def on_ready(self) -> None:
        stamp = os.environ.get(READY_FILE_ENV)
        if stamp:
            Path(stamp).write_text(repr(time.time()), encoding="utf-8")

    def _begin(self) -> None:
        # start() connects, reopens the last session and resumes renders left from a previous run.
        if self.conversation is None:
            self._run_turn("start", self._connect_and_start)
        else:
            self.run_stream("start", lambda conversation: conversation.start())
        if self._warm_up is not None:
            self._warm(self._warm_up)
        if self._config_file is not None:
            self.load_key_config(self._config_file)
        self.probe_graphics(self._environ, self._config_file)

    def get_driver_class(self) -> type[Driver]:
        return driver_class(super().get_driver_class())  # answers to queries never become keys

    async def _connect_and_start(self) -> EventStream:
        """The CLI's first turn: build the backend (maybe start the engine), then start()."""
        assert self._connect is not None
        try:
            connected = await self._connect()
        except Exception as exc:  # the engine didn't start, the database is unusable...
            from ..core.events import ErrorKind, Notice

            if self.return_code is not None:  # the connect step closed the app (bad settings)
                return
            self.connection = "error"
            self._connect_error = str(exc) or type(exc).__name__
            yield Notice(
                text=self.say("app.connect_failed", detail=self._connect_error),
                level="error",
                error=ErrorKind.UNEXPECTED,
            )
            return
        self.conversation = connected.conversation
        self.adopt(connected.conversation)
        self.local = connected.local
        self._label_key = connected.label_key
        self.backend_label = connected.backend_label
        if connected.config_file is not None:
            self.load_key_config(connected.config_file)
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
