"""The prompt: a TextArea (an Input would keep only the first line of a paste) that sends on Enter."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from ..action_table import bindings_for
from ..messages import PromptSubmitted

# Keys that add a line break instead of sending. Most terminals (and tmux) send shift+enter as a plain
# Enter, so ctrl+j and alt+enter are the dependable ones; shift+enter works where the terminal reports it.
NEWLINE_KEYS = ("ctrl+j", "alt+enter", "shift+enter")


class PromptInput(TextArea):
    """Enter sends; Ctrl+J / Alt+Enter insert a newline; Up/Down at the edges recall history. The
    send_key setting swaps them (`use_keys`): Alt+Enter or Ctrl+Enter sends, Enter makes a new line."""

    BINDINGS = bindings_for("prompt")

    def __init__(self, *, placeholder: str = "", history: list[str] | None = None, **kwargs) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder=placeholder,
            **kwargs,
        )
        self.sent_history: list[str] = list(history or [])
        # Index into history while browsing it; len(history) means "the draft being typed".
        self._history_index = len(self.sent_history)
        self._draft = ""
        self.send_keys: frozenset[str] = frozenset({"enter"})
        self.newline_keys: frozenset[str] = frozenset(NEWLINE_KEYS)

    def use_keys(self, send: list[str], newline: list[str]) -> None:
        """The keys in force (ui/action_table.py's send and newline rows, after the settings)."""
        self.send_keys = frozenset(send)
        self.newline_keys = frozenset([*newline, "shift+enter"]) - self.send_keys

    async def _on_key(self, event: events.Key) -> None:
        # TextArea inserts "\n" for Enter in its own key handler, which runs before bindings; take
        # Enter (send) and the newline keys here so the behaviour doesn't depend on binding order.
        if event.key in self.send_keys:
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        if event.key in self.newline_keys:
            event.stop()
            event.prevent_default()
            self.action_newline()
            return
        await super()._on_key(event)

    def action_submit(self) -> None:
        text = self.text.strip()
        if not text:
            return
        self.remember(text)
        self.post_message(PromptSubmitted(text))
        self.clear()

    def action_newline(self) -> None:
        self.insert("\n")

    def remember(self, text: str) -> None:
        if not self.sent_history or self.sent_history[-1] != text:
            self.sent_history.append(text)
        self._history_index = len(self.sent_history)
        self._draft = ""

    def add_history(self, older: list[str]) -> None:
        """Messages from an earlier run, recalled after this run's own."""
        fresh = [text for text in older if text not in self.sent_history]
        self.sent_history[:0] = fresh
        self._history_index = len(self.sent_history)

    def restore(self, text: str) -> None:
        """Put text back (a cancelled turn, a busy app) with the cursor at its end."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    # Up on the first line / Down on the last line walk the history; anywhere else they move the cursor.
    def action_cursor_up(self, select: bool = False) -> None:
        if not select and self.cursor_location[0] == 0 and self.sent_history and self._history_index > 0:
            if self._history_index == len(self.sent_history):
                self._draft = self.text
            self._history_index -= 1
            self._show_history_entry()
            return
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        last_row = self.document.line_count - 1
        if (
            not select
            and self.cursor_location[0] == last_row
            and self._history_index < len(self.sent_history)
        ):
            self._history_index += 1
            self._show_history_entry()
            return
        super().action_cursor_down(select)

    def _show_history_entry(self) -> None:
        if self._history_index >= len(self.sent_history):
            text = self._draft
        else:
            text = self.sent_history[self._history_index]
        self.load_text(text)
        self.move_cursor(self.document.end)
