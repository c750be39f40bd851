"""Every custom Textual message of the app, in one place (attributes down, messages up)."""

from __future__ import annotations

from textual.message import Message


class PromptSubmitted(Message):
    """The person pressed Enter in the prompt with this text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class SuggestionChosen(Message):
    """A suggested action ("[E] Export now") was picked."""

    def __init__(self, action: str, payload: str = "") -> None:
        super().__init__()
        self.action = action
        self.payload = payload


class LinkActivated(Message):
    """A link in a reply was clicked; the app decides whether to open or copy it."""

    def __init__(self, href: str) -> None:
        super().__init__()
        self.href = href


class TerminalGone(Message):
    """The terminal's input ended (ui/terminal_io.py): it hung up."""


class TerminalReplied(Message):
    """The terminal answered a query (ui/terminal_io.py): the answers, taken out of the keys."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__()
        self.replies = replies
