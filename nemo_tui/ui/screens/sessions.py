"""Ctrl+S: past sessions of this backend (title, last use, message count) and a search box over
past messages of all of them. Enter reopens the chosen session; Escape closes without a change.

The store is sqlite3: every read runs in a thread worker. Titles and messages came from people and
the server: they are shown as `Content` (never markup) after `clean()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..strings import t
from ..text import one_line

if TYPE_CHECKING:
    from ...core.store import Store

SEARCH_DELAY_S = 0.15  # type a word without a query per key press
SNIPPET_CHARS = 70


@dataclass(frozen=True)
class SessionRow:
    session_id: str
    title: str
    last_used: float
    messages: int


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """The part of `text` around the first match of `query`, on one line."""
    flat = one_line(text)
    at = flat.lower().find(query.lower())
    if len(flat) <= width or at < 0:
        return flat if len(flat) <= width else flat[: width - 1] + "…"
    start = max(0, min(at - width // 3, len(flat) - width))
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


class SessionsScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="sessions.close"),
        Binding("down", "move(1)", show=False, id="sessions.down"),
        Binding("up", "move(-1)", show=False, id="sessions.up"),
    ]

    def __init__(
        self,
        store: Store,
        backend_key: str,
        *,
        current: str | None = None,
        lang: str = "en",
        fill_keys: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self.store = store
        self.fill_keys = fill_keys  # the app's: core's key references in saved replies made keys
        self.backend_key = backend_key
        self.current = current
        self.lang = lang
        self.sessions: list[SessionRow] = []
        self.targets: dict[str, str] = {}  # option id -> session id
        self.query_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="sessions-box") as box:
            box.border_title = Content(t("sessions.title", self.lang))
            yield Input(placeholder=t("sessions.search", self.lang), id="sessions-search")
            yield OptionList(id="sessions-list")
            yield Static(Content(t("sessions.hint", self.lang)), id="sessions-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._load_sessions()

    # ---- data (thread workers: sqlite) -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sessions-load", exit_on_error=False)
    def _load_sessions(self) -> None:
        try:
            rows = [
                SessionRow(r.session_id, r.title, r.last_used, self.store.message_count(r.session_id))
                for r in self.store.list_sessions(self.backend_key)
            ]
        except Exception as exc:  # a locked or broken database: say so in the list, never a silent blank
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._got_sessions, rows)

    def _got_sessions(self, rows: list[SessionRow]) -> None:
        self.sessions = rows
        if not self.query_text:
            self._show_sessions()

    @work(thread=True, exclusive=True, group="sessions-search", exit_on_error=False)
    def _search(self, query: str) -> None:
        try:
            hits = self.store.search(query, limit=200)
        except Exception as exc:  # as above: the person sees why nothing is listed
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show_hits, query, hits)

    def _failed(self, error: Exception) -> None:
        if self.is_attached:  # closed meanwhile: nothing to say it in
            self._show(
                [], t("sessions.failed", self.lang, detail=one_line(str(error)) or type(error).__name__)
            )

    # ---- showing -----------------------------------------------------------------------------------

    def _title(self, row: SessionRow) -> str:
        return one_line(row.title) or t("sessions.untitled", self.lang)

    def _show(self, options: list[tuple[str, str, str]], empty: str) -> None:
        """(option id, session id, text) rows; `empty` when there are none."""
        listing = self.query_one(OptionList)
        listing.clear_options()
        self.targets = {oid: sid for oid, sid, _ in options}
        if not options:
            listing.add_option(Option(Content(empty), disabled=True))
            return
        listing.add_options([Option(Content(text), id=oid) for oid, _, text in options])
        listing.highlighted = 0

    def _show_sessions(self) -> None:
        rows = []
        for row in self.sessions:
            text = t(
                "sessions.row",
                self.lang,
                title=self._title(row),
                when=when(row.last_used),
                count=row.messages,
            )
            if row.session_id == self.current:
                text += f"  ({t('sessions.current', self.lang)})"
            rows.append((row.session_id, row.session_id, text))
        self._show(rows, t("sessions.empty", self.lang))

    def _show_hits(self, query: str, hits: list) -> None:
        if query != self.query_text:  # typed on since: a newer search is coming
            return
        titles = {row.session_id: self._title(row) for row in self.sessions}
        rows = []
        for hit in hits:
            if hit.session_id not in titles or hit.role == "notice":
                continue  # another backend's session (it can't be opened here), or the app's own words
            who = t("chat.you", self.lang) if hit.role == "user" else t("chat.assistant", self.lang)
            rows.append(
                (
                    f"{hit.session_id}#{hit.id}",
                    hit.session_id,
                    f"{titles[hit.session_id]} · {who}: {snippet(self.fill_keys(hit.text), query)}",
                )
            )
        self._show(rows, t("sessions.no_match", self.lang, query=one_line(query)))

    # ---- input -------------------------------------------------------------------------------------

    @on(Input.Changed, "#sessions-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        if not self.query_text:
            self._show_sessions()
            return
        query = self.query_text
        self.set_timer(SEARCH_DELAY_S, lambda: self._search(query) if query == self.query_text else None)

    @on(Input.Submitted, "#sessions-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id in self.targets:
            self.dismiss(self.targets[option_id])

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            listing.action_cursor_down() if step > 0 else listing.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
