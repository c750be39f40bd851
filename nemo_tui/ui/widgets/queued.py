"""Messages waiting for the running turn, under the chat: "Queued — sent when the current turn
ends (Alt+X drops the last): 1. … 2. …". Hidden while nothing waits. The person's own text, shown
as plain text (never markup)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ..text import clean

MAX_LINE = 200  # a long paste shows its start; it is sent whole


class QueuedView(Static):
    def __init__(self, *, title: str, **kwargs) -> None:
        super().__init__(Content(""), markup=False, **kwargs)
        self.title = title
        self.texts: list[str] = []
        self.display = False

    def show(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.display = bool(texts)
        if not texts:
            return
        lines = [self.title]
        for number, text in enumerate(texts, 1):
            one = " ".join(clean(text).split())
            lines.append(f"{number}. {one[:MAX_LINE]}{'…' if len(one) > MAX_LINE else ''}")
        self.update(Content("\n".join(lines)))
