"""F1: the keys, in the person's language, built from the app's own bindings (so it can't drift)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..strings import t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str]], *, lang: str = "en", cloud: bool = False) -> None:
        super().__init__()
        self.rows = rows
        self.lang = lang
        self.cloud = cloud  # the cloud charges credits: say what things cost

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = Content(t("help.title", self.lang))
            with VerticalScroll():
                width = max((len(key) for key, _ in self.rows), default=8) + 2
                table = "\n".join(f"{key.ljust(width)}{what}" for key, what in self.rows)
                yield Static(Content(table), id="help-keys", markup=False)
                keys = ("help.newline", "help.history", "help.palette", "help.hints", "help.queue")
                tips = "\n".join(t(k, self.lang) for k in keys + (("help.cost",) if self.cloud else ()))
                yield Static(Content(tips), id="help-tips", markup=False)
            yield Static(Content(t("help.close", self.lang)), id="help-close", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
