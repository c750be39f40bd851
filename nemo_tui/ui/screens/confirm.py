"""A small yes/no question. Escape closes it without an answer (None): a lone Escape, which can
arrive split from a slow SSH link, never triggers anything."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..strings import t
from ..text import clean


class ConfirmScreen(ModalScreen[bool | None]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "close", "Close", id="confirm.cancel", show=False),
    ]

    def __init__(self, question: str, *, lang: str = "en") -> None:
        super().__init__()
        self.question = clean(question)
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Content(self.question), id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(t("confirm.yes", self.lang)), id="confirm-yes", variant="primary")
                yield Button(Content(t("confirm.no", self.lang)), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_close(self) -> None:
        self.dismiss(None)
