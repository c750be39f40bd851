"""Ctrl+L: the credit ledger of this session — one row per turn (when, what was asked, the balance
before → after, the change) — and what this session and every session spent. The same rows and
totals as `nemo-tui ledger` (core/ledger.py); Escape closes.

The store is sqlite3: it is read in a thread worker. What was asked came from the person: every
cell is plain `Text` (a DataTable parses `str` cells as markup)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..strings import t
from ..text import one_line

if TYPE_CHECKING:
    from ...core.ledger import LedgerReport
    from ...core.store import Store

ASKED_WIDTH = 48  # characters of what was asked, on one line


class LedgerScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="ledger.close")]

    def __init__(self, store: Store, session_id: str | None, *, lang: str = "en", hint: str = "") -> None:
        super().__init__()
        self.store = store
        self.session_id = session_id
        self.lang = lang
        self.hint = hint
        self.report: LedgerReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ledger-box", classes="records-box") as box:
            box.border_title = Content(t("ledger.title", self.lang))
            yield DataTable(id="ledger-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="ledger-total", markup=False)
            yield Static(Content(self.hint), classes="records-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for i, label in enumerate(t("ledger.columns", self.lang).split("|")):
            table.add_column(Text(label), key=f"c{i}")
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="ledger-load", exit_on_error=False)
    def _load(self) -> None:
        from ...core.ledger import ledger_report

        try:
            report = ledger_report(self.store, self.session_id)
        except Exception as exc:  # a locked or broken database: say so, never a silent blank
            detail = one_line(str(exc)) or type(exc).__name__
            self.app.call_from_thread(self._say, t("ledger.failed", self.lang, detail=detail))
            return
        self.app.call_from_thread(self._show, report)

    def _say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#ledger-total", Static).update(Content(text))

    def _show(self, report: LedgerReport) -> None:
        from ...core.i18n import t as core_t
        from ...core.ledger import ledger_cells, ledger_total

        if not self.is_attached:  # closed while it was read
            return
        self.report = report
        table = self.query_one(DataTable)
        table.clear()
        for entry in report.entries:
            when, balance, change, asked = ledger_cells(entry, self.lang, width=ASKED_WIDTH)
            spent = entry.change is not None and entry.change < 0
            table.add_row(
                Text(when),
                Text(one_line(asked)),
                Text(balance),
                Text(change, style="red" if spent else "", justify="right"),
                key=str(entry.id),
            )
        if report.entries:
            table.move_cursor(row=len(report.entries) - 1)  # the latest turn
        lines = [] if report.entries else [core_t("ledger.empty", self.lang)]
        self._say("\n".join([*lines, ledger_total(report, self.lang)]))

    def action_close(self) -> None:
        self.dismiss(None)
