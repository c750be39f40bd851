"""A small yes/no question. Escape closes it without an answer (None): a lone Escape, which can
arrive split from a slow SSH link, never triggers anything.

Keys typed in the first moments after it appears are not answers: a person still typing a message
("yes, and add music…") would otherwise confirm with their first letter. The dialog says which
keys answer it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..strings import t
from ..text import clean

# Longer than the gap between two keystrokes of someone typing, shorter than reading the question.
ANSWER_DELAY_S = 0.3
_KEYS = {"en": "y yes · n no · Esc close", "zh": "y 是 · n 否 · Esc 关闭"}


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
        self.armed = False  # answers count only after ANSWER_DELAY_S

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Content(self.question), id="confirm-question", markup=False)
            yield Static(Content(_KEYS.get(self.lang, _KEYS["en"])), id="confirm-keys", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(t("confirm.yes", self.lang)), id="confirm-yes", variant="primary")
                yield Button(Content(t("confirm.no", self.lang)), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()
        self.set_timer(ANSWER_DELAY_S, self._arm)

    def _arm(self) -> None:
        self.armed = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.armed:  # Enter on the focused button counts as typing too until then
            self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        if self.armed:
            self.dismiss(yes)

    def action_close(self) -> None:
        self.dismiss(None)
