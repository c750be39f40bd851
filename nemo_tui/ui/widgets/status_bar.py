"""The status line above the key footer: connection, backend, session, credits, user@host."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Label

if TYPE_CHECKING:  # the protocol's pydantic models load after the first paint
    from ...protocol import Credits
from ..strings import t
from ..text import clean

CONNECTION_STATES = ("connecting", "connected", "offline", "error")


def _amount(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


NARROW = 100  # below this many columns the words "connected" and "Session" give way to the numbers


class StatusBar(Horizontal):
    """Shows what it is given: the app data-binds its reactives to these (attributes down), and each
    watcher redraws only its own label."""

    connection: reactive[str] = reactive("connecting", init=False)
    backend_label: reactive[str] = reactive("", init=False)
    local: reactive[bool] = reactive(False, init=False)
    session_id: reactive[str | None] = reactive(None, init=False)
    credits: reactive[Credits | None] = reactive(None, init=False)
    lang: reactive[str] = reactive("en", init=False)

    def __init__(
        self, *, backend_label: str = "", local: bool = False, lang: str = "en", user_host: str = "", **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.set_reactive(StatusBar.backend_label, backend_label)
        self.set_reactive(StatusBar.local, local)
        self.set_reactive(StatusBar.lang, lang)
        self.user_host = user_host

    def compose(self) -> ComposeResult:
        yield Label(id="status-connection", markup=False)
        yield Label(id="status-backend", markup=False)
        yield Label(id="status-session", markup=False)
        yield Label(id="status-credits", markup=False)
        if self.user_host:
            yield Label(Content(self.user_host), id="status-host", markup=False)

    def on_mount(self) -> None:
        self._show_backend()
        self.refresh_all()

    def refresh_all(self) -> None:
        self._show_connection()
        self._show_session()
        self._show_credits()

    def on_resize(self) -> None:
        self._show_connection()
        self._show_session()

    @property
    def narrow(self) -> bool:
        return 0 < self.size.width < NARROW

    def validate_connection(self, state: str) -> str:
        return state if state in CONNECTION_STATES else "error"

    def watch_connection(self) -> None:
        if self.is_mounted:
            self._show_connection()

    def watch_backend_label(self) -> None:
        if self.is_mounted:
            self._show_backend()

    def watch_local(self) -> None:
        if self.is_mounted:
            self._show_backend()

    def watch_session_id(self) -> None:
        if self.is_mounted:
            self._show_session()

    def watch_credits(self) -> None:
        if self.is_mounted:
            self._show_credits()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.refresh_all()

    def _show_backend(self) -> None:
        widget = self.query_one("#status-backend", Label)
        widget.update(Content(self.backend_label))
        widget.set_classes("-local" if self.local else "-cloud")

    def _show_connection(self) -> None:
        label = self.query_one("#status-connection", Label)
        dot = {"connected": "●", "connecting": "◌", "offline": "○", "error": "✕"}[self.connection]
        word = t("status." + self.connection, self.lang)
        # Narrow: only the dot, unless something is wrong (then the word matters more than space).
        label.update(Content(dot if self.narrow and self.connection == "connected" else f"{dot} {word}"))
        label.set_classes(f"-{self.connection}")

    def _show_session(self) -> None:
        sid = clean(self.session_id or "")  # the server's id: no control character reaches the terminal
        if not sid:
            text = t("status.no_session", self.lang)
        else:
            text = sid[:8] if self.narrow else t("status.session", self.lang, sid=sid[:8])
        self.query_one("#status-session", Label).update(Content(text))

    def _show_credits(self) -> None:
        c = self.credits
        text = (
            t("status.credits_unknown", self.lang)
            if c is None
            else t(
                "status.credits",
                self.lang,
                available=_amount(c.available),
                frozen=_amount(c.frozen),
                total=_amount(c.total),
            )
        )
        label = self.query_one("#status-credits", Label)
        label.update(Content(text))
        label.set_class(c is not None and c.available <= 0, "-empty")
