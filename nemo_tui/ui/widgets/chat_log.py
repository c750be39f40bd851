"""The conversation's scrolling log: a window of mounted entries (chat_messages.py) over the whole
transcript, following the tail while the person is at the bottom, and the suggestion hints under a
reply. Nothing from the server is parsed as markup (see chat_messages.py)."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label

from ..action_table import bindings_for
from ..messages import LinkActivated, SuggestionChosen
from ..text import clean
from .chat_messages import AssistantReply, NoticeLine, StillWorkingLine, UserMessage

W = TypeVar("W", bound=Widget)

# A window of mounted message widgets (each costs ~100 KB of widget state and render caches): past
# MAX_MOUNTED the oldest are unmounted and kept as (role, text); scrolling to the top mounts them
# back, EARLIER_BATCH at a time. `transcript` always holds the whole chat.
MAX_MOUNTED = 60
EARLIER_BATCH = 20
FLUSH_INTERVAL_S = 0.08  # between 50 and 100 ms: smooth, and cheap for thousands of deltas
FOLLOW_SLACK = 2  # rows from the bottom that still count as "at the bottom"


class SuggestionHints(Horizontal, can_focus=True):
    """ "[E] Export now" hints under a reply. Focused, the letter runs the action; from anywhere,
    Alt+letter does (bound on the app, so typing in the prompt is never hijacked)."""

    BINDINGS = bindings_for("hints")

    def __init__(self) -> None:
        super().__init__(classes="hints")
        self.actions: dict[str, tuple[str, str]] = {}  # action -> (label, payload)
        self._waiting: list[Label] = []  # added before this row was in the DOM: mounted with it
        self.gone = False  # removed from the chat (a newer row replaces it)

    def add(self, action: str, label: str, payload: str = "", *, key: str = "?") -> None:
        """`key`: the hint's key as the app has it (the action table's `hints.<action>`)."""
        if action in self.actions:
            return
        self.actions[action] = (label, payload)
        key = key.upper() if len(key) == 1 else key
        hint = Label(Content(f"[{key}] {clean(label)}"), markup=False, classes="hint")
        if self.is_attached:
            self.mount(hint)
        elif not self.gone:
            self._waiting.append(hint)

    def on_mount(self) -> None:
        if self._waiting:
            self.mount(*self._waiting)
            self._waiting.clear()

    def on_unmount(self) -> None:
        self.gone = True

    def action_choose(self, action: str) -> None:
        if action in self.actions:
            self.post_message(SuggestionChosen(action, self.actions[action][1]))


class NewOutputHint(Label):
    """Docked at the bottom of the log while the person reads further up and more output arrives."""

    def on_click(self) -> None:
        if isinstance(self.parent, ChatLog):
            self.parent.action_follow()


class ChatLog(VerticalScroll, can_focus=True):
    BINDINGS = bindings_for("chat")

    def __init__(
        self, *, you: str = "You", assistant: str = "Nemo", new_output: str = "↓ new output", **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.you = you
        self.assistant = assistant
        self.new_output_text = new_output
        self.transcript: list[tuple[str, str]] = []  # (role, text), the whole chat even when unmounted
        self.earlier: list[tuple[str, str]] = []  # unmounted from the top, oldest first
        self.following = True
        self.current: AssistantReply | None = None
        self._hints: SuggestionHints | None = None
        self._flush_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        hint = NewOutputHint(Content(self.new_output_text), markup=False, id="new-output")
        hint.display = False
        yield hint

    def set_new_output_text(self, text: str) -> None:
        self.new_output_text = text
        self.query_one(NewOutputHint).update(Content(text))

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
        if self.scroll_y <= 0 and self.earlier and self.max_scroll_y > 0:
            self.call_later(self.mount_earlier)

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

    async def _add(self, widget: W) -> W:
        await self.mount(widget)
        self._trim()
        self._after_growth()
        return widget

    def _items(self) -> list[Widget]:
        return [w for w in self.children if not isinstance(w, NewOutputHint)]

    def _trim(self) -> None:
        if not self.following:  # the person is reading up there: unmount nothing under their eyes
            return
        items = self._items()
        excess = len(items) - MAX_MOUNTED
        if excess > 0:
            for widget in items[:excess]:
                entry = self._as_data(widget)
                if entry is not None:
                    self.earlier.append(entry)
                widget.remove()

    @staticmethod
    def _as_data(widget: Widget) -> tuple[str, str] | None:
        """What an unmounted widget was, to mount it again (hints and "still working" lines are
        moments, not history)."""
        if isinstance(widget, UserMessage):
            return ("user", widget.message_text)
        if isinstance(widget, AssistantReply):
            return ("assistant", widget.text) if widget.text.strip() else None
        if isinstance(widget, NoticeLine):
            return (f"notice:{widget.level}", widget.message_text)
        return None

    def _widget_for(self, role: str, text: str) -> Widget | None:
        if role == "user":
            return UserMessage(text, author=self.you)
        if role == "assistant":
            return AssistantReply.complete(text, author=self.assistant)
        if role.startswith("notice:"):
            return NoticeLine(text, role.partition(":")[2])
        return None

    async def _mount_on_top(self, entries: list[tuple[str, str]]) -> None:
        widgets = [w for w in (self._widget_for(role, text) for role, text in entries) if w is not None]
        if not widgets:
            return
        first = next(iter(self._items()), None)
        await self.mount(*widgets, before=first) if first is not None else await self.mount(*widgets)

    async def mount_earlier(self) -> int:
        """Mount the next EARLIER_BATCH unmounted messages above the top, keeping the view still."""
        if not self.earlier:
            return 0
        batch, self.earlier = self.earlier[-EARLIER_BATCH:], self.earlier[:-EARLIER_BATCH]
        height = self.virtual_size.height
        await self._mount_on_top(batch)

        def keep_place() -> None:
            self.scroll_to(y=self.scroll_y + self.virtual_size.height - height, animate=False, immediate=True)

        self.call_after_refresh(keep_place)
        return len(batch)

    async def restore(self, messages: list[tuple[str, str]]) -> None:
        """Earlier messages of a reopened session, above what this run has shown so far."""
        kept = [(role, text) for role, text in messages if role in ("user", "assistant")]
        if not kept:
            return
        self.transcript[:0] = kept
        room = max(MAX_MOUNTED // 2, MAX_MOUNTED - len(self._items()))
        self.earlier[:0] = kept[:-room]
        await self._mount_on_top(kept[-room:])
        self._after_growth()

    async def add_user(self, text: str) -> None:
        self._hints = None
        self.transcript.append(("user", text))
        await self._add(UserMessage(text, author=self.you))

    async def add_notice(self, text: str, level: str = "info") -> NoticeLine:
        self.transcript.append((f"notice:{level}", text))
        return await self._add(NoticeLine(text, level))

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

    async def add_suggestion(
        self, action: str, label: str, payload: str = "", *, key: str = "?"
    ) -> SuggestionHints:
        # One row of hints, held here: another call (or a new message clearing `_hints`) may run
        # while this one waits for the row to mount.
        hints = self._hints
        if hints is None or hints.gone:
            hints = self._hints = SuggestionHints()
            await self._add(hints)
        hints.add(action, label, payload, key=key)
        self._after_growth()
        return hints

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
        self.earlier.clear()
        await self.query(
            ",".join(("UserMessage", "NoticeLine", "StillWorkingLine", "AssistantReply", "SuggestionHints"))
        ).remove()
        self.following = True
        self.query_one(NewOutputHint).display = False

    def on_markdown_link_clicked(self, event) -> None:  # Markdown.LinkClicked (imported lazily)
        event.stop()
        self.post_message(LinkActivated(event.href))
