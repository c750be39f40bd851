"""The conversation: the person's messages, streamed replies, app notices, suggestion hints.

Nothing from the server is ever parsed as Textual markup: plain lines are `Content(text)` in
`markup=False` widgets and replies go through the Markdown widget (which builds Content from the
Markdown parse, never from markup). Text is sanitised again here, cheaply, so an ESC can never reach
the terminal even if a caller forgot.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Markdown, Static

from ...protocol import sanitize_text
from ..messages import LinkActivated, SuggestionChosen

# Mounted message widgets beyond this are removed from the top (their text stays in `transcript`).
MAX_MOUNTED = 200
FLUSH_INTERVAL_S = 0.08  # between 50 and 100 ms: smooth, and cheap for thousands of deltas
FOLLOW_SLACK = 2  # rows from the bottom that still count as "at the bottom"

SUGGESTION_KEYS = {"export": "e", "state": "s", "timeline": "t", "credits": "c", "send": "g"}


class UserMessage(Static):
    def __init__(self, text: str, *, author: str) -> None:
        super().__init__(Content(sanitize_text(text)), markup=False, classes="message user")
        self.border_title = Content(author)


class NoticeLine(Static):
    """An app message; `level` (info/success/warning/error) picks the style."""

    def __init__(self, text: str, level: str = "info") -> None:
        super().__init__(Content(sanitize_text(text)), markup=False, classes=f"notice -{level}")
        self.level = level


class StillWorkingLine(Static):
    def __init__(self, text: str) -> None:
        super().__init__(Content(sanitize_text(text)), markup=False, classes="still-working")


class ReplyMarkdown(Markdown):
    """Markdown that never opens a link itself: the app decides (copy over SSH, open when local)."""


class AssistantReply(Vertical):
    """One assistant reply. Deltas are buffered and appended to a MarkdownStream every ~80 ms; the
    finished reply replaces what was streamed with one update of the full (translated) text."""

    def __init__(self, *, author: str) -> None:
        super().__init__(classes="message assistant")
        self.border_title = Content(author)
        self.markdown = ReplyMarkdown("", open_links=False)
        self._stream = None
        self._pending: list[str] = []
        self._parts: list[str] = []
        self.finished = False
        self.final_text = ""
        # Hidden until the first text: a turn that edits silently shows no empty box.
        self.display = False

    @classmethod
    def complete(cls, text: str, *, author: str) -> "AssistantReply":
        """A reply from an earlier run, shown whole (no streaming)."""
        reply = cls(author=author)
        reply.final_text = sanitize_text(text)
        reply.finished = True
        reply.display = bool(reply.final_text.strip())
        reply.markdown = ReplyMarkdown(reply.final_text, open_links=False)
        return reply

    def compose(self) -> ComposeResult:
        yield self.markdown

    @property
    def text(self) -> str:
        return self.final_text if self.finished else "".join(self._parts)

    def append(self, delta: str) -> None:
        delta = sanitize_text(delta)
        if delta:
            self._pending.append(delta)
            self._parts.append(delta)

    async def flush(self) -> bool:
        """Hand buffered deltas to the stream; True when something was written."""
        if not self._pending or self.finished:
            return False
        chunk = "".join(self._pending)
        self._pending.clear()
        if self._stream is None:
            self.display = True
            self._stream = Markdown.get_stream(self.markdown)
        await self._stream.write(chunk)
        return True

    async def finish(self, text: str) -> None:
        text = sanitize_text(text) or "".join(self._parts)
        self._pending.clear()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.finished = True
        self.final_text = text
        self.display = bool(text.strip())
        await self.markdown.update(text)

    async def abandon(self) -> None:
        self._pending.clear()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.finished = True


class SuggestionHints(Horizontal, can_focus=True):
    """"[E] Export now" hints under a reply. Focused, the letter runs the action; from anywhere,
    Alt+letter does (bound on the app, so typing in the prompt is never hijacked)."""

    BINDINGS = [
        Binding("e", "choose('export')", show=False, id="hints.export"),
        Binding("s", "choose('state')", show=False, id="hints.state"),
        Binding("t", "choose('timeline')", show=False, id="hints.timeline"),
        Binding("c", "choose('credits')", show=False, id="hints.credits"),
        Binding("g", "choose('send')", show=False, id="hints.send"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="hints")
        self.actions: dict[str, tuple[str, str]] = {}  # action -> (label, payload)

    def add(self, action: str, label: str, payload: str = "") -> None:
        if action in self.actions:
            return
        self.actions[action] = (label, payload)
        key = SUGGESTION_KEYS.get(action, "?").upper()
        self.mount(Label(Content(f"[{key}] {sanitize_text(label)}"), markup=False, classes="hint"))

    def action_choose(self, action: str) -> None:
        if action in self.actions:
            self.post_message(SuggestionChosen(action, self.actions[action][1]))


class NewOutputHint(Label):
    """Docked at the bottom of the log while the person reads further up and more output arrives."""

    def on_click(self) -> None:
        if isinstance(self.parent, ChatLog):
            self.parent.action_follow()


class ChatLog(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("end", "follow", "Latest", show=False, id="chat.latest"),
        Binding("home", "scroll_home", show=False, id="chat.top"),
        Binding("o", "app.open_export", "Play export", show=False, id="chat.open_export"),
        Binding("y", "app.copy_reply", "Copy reply", show=False, id="chat.copy_reply"),
    ]

    def __init__(self, *, you: str = "You", assistant: str = "Nemo",
                 new_output: str = "↓ new output", **kwargs) -> None:
        super().__init__(**kwargs)
        self.you = you
        self.assistant = assistant
        self.new_output_text = new_output
        self.transcript: list[tuple[str, str]] = []  # (role, text), the whole chat even when unmounted
        self.following = True
        self.current: AssistantReply | None = None
        self._hints: SuggestionHints | None = None
        self._flush_timer = None

    def compose(self) -> ComposeResult:
        hint = NewOutputHint(Content(self.new_output_text), markup=False, id="new-output")
        hint.display = False
        yield hint

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._scrolled, init=False)
        # Markdown lays out its blocks after an update returns: follow the size, not the call.
        self.watch(self, "virtual_size", self._grew, init=False)

    def _grew(self, _old: object, _new: object) -> None:
        if self.following and not self.at_bottom():
            self.scroll_end(animate=False, immediate=True)

    # ---- following the tail ---------------------------------------------------------------------

    def at_bottom(self) -> bool:
        return self.max_scroll_y - self.scroll_y <= FOLLOW_SLACK

    def _scrolled(self, _old: float, _new: float) -> None:
        # Only scroll position changes decide "following": content growing below doesn't move
        # scroll_y, so a person reading further up stays where they are.
        self.following = self.at_bottom()
        if self.following:
            self.query_one(NewOutputHint).display = False

    def _after_growth(self) -> None:
        if self.following:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
        else:
            self.query_one(NewOutputHint).display = True

    def action_follow(self) -> None:
        self.following = True
        self.query_one(NewOutputHint).display = False
        self.scroll_end(animate=False)

    # ---- adding things --------------------------------------------------------------------------

    async def _add(self, widget: Widget) -> Widget:
        await self.mount(widget)
        self._trim()
        self._after_growth()
        return widget

    def _trim(self) -> None:
        items = [w for w in self.children if not isinstance(w, NewOutputHint)]
        excess = len(items) - MAX_MOUNTED
        if excess > 0:
            for widget in items[:excess]:
                widget.remove()

    async def restore(self, messages: list[tuple[str, str]]) -> None:
        """Earlier messages of a reopened session, above what this run has shown so far."""
        widgets: list[Widget] = []
        for role, text in messages[-MAX_MOUNTED // 2:]:
            if role == "user":
                widgets.append(UserMessage(text, author=self.you))
            elif role == "assistant":
                widgets.append(AssistantReply.complete(text, author=self.assistant))
        if not widgets:
            return
        self.transcript[:0] = [(role, text) for role, text in messages if role in ("user", "assistant")]
        first = next((w for w in self.children if not isinstance(w, NewOutputHint)), None)
        await self.mount(*widgets, before=first) if first is not None else await self.mount(*widgets)
        self._after_growth()

    async def add_user(self, text: str) -> None:
        self._hints = None
        self.transcript.append(("user", text))
        await self._add(UserMessage(text, author=self.you))

    async def add_notice(self, text: str, level: str = "info") -> NoticeLine:
        self.transcript.append((f"notice:{level}", text))
        return await self._add(NoticeLine(text, level))  # type: ignore[return-value]

    async def add_still_working(self, text: str) -> None:
        await self._add(StillWorkingLine(text))

    async def start_reply(self) -> AssistantReply:
        if self.current is not None and not self.current.finished:
            return self.current
        self._hints = None
        self.current = AssistantReply(author=self.assistant)
        await self._add(self.current)
        if self._flush_timer is None:
            self._flush_timer = self.set_interval(FLUSH_INTERVAL_S, self.flush)
        return self.current

    async def append_reply(self, delta: str) -> None:
        reply = self.current if self.current and not self.current.finished else await self.start_reply()
        reply.append(delta)

    async def flush(self) -> None:
        if self.current is not None and await self.current.flush():
            self._after_growth()

    async def finish_reply(self, text: str) -> str:
        """Close the open reply with its full text; a reply that never had text is removed."""
        reply = self.current
        self._stop_flushing()
        if reply is None:
            if not text:
                return ""
            reply = await self.start_reply()
            self._stop_flushing()
        await reply.finish(text)
        self.current = None
        if not reply.final_text.strip():
            await reply.remove()
            return ""
        self.transcript.append(("assistant", reply.final_text))
        self._after_growth()
        return reply.final_text

    async def drop_partial_reply(self) -> None:
        """A cancelled turn: the half-streamed reply goes away."""
        self._stop_flushing()
        if self.current is not None:
            await self.current.abandon()
            await self.current.remove()
            self.current = None

    def _stop_flushing(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None

    async def add_suggestion(self, action: str, label: str, payload: str = "") -> SuggestionHints:
        if self._hints is None or not self._hints.is_attached:
            self._hints = SuggestionHints()
            await self._add(self._hints)
        self._hints.add(action, label, payload)
        self._after_growth()
        return self._hints

    @property
    def pending_suggestions(self) -> dict[str, tuple[str, str]]:
        return dict(self._hints.actions) if self._hints is not None and self._hints.is_attached else {}

    def last_reply(self) -> str | None:
        for role, text in reversed(self.transcript):
            if role == "assistant":
                return text
        return None

    async def clear_log(self) -> None:
        self._stop_flushing()
        self.current = None
        self._hints = None
        self.transcript.clear()
        await self.query(",".join(("UserMessage", "NoticeLine", "StillWorkingLine", "AssistantReply",
                                   "SuggestionHints"))).remove()
        self.following = True
        self.query_one(NewOutputHint).display = False

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.post_message(LinkActivated(event.href))

