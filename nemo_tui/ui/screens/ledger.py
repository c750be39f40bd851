"""Ctrl+L: the credit ledger of this session — one row per turn (when, what was asked, the balance
before → after, the change) — and what this session and every session spent. The same rows and
totals as `nemo-tui ledger` (core/ledger.py); Escape closes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from ..text import one_line
from .records import RecordsScreen

if TYPE_CHECKING:
    from ...core.ledger import LedgerReport
    from ...core.store import Store

ASKED_WIDTH = 48  # characters of what was asked, on one line


class LedgerScreen(RecordsScreen[None, "LedgerReport"]):
    TITLE_KEY = "ledger.title"
    COLUMNS_KEY = "ledger.columns"
    FAILED_KEY = "ledger.failed"

    def __init__(self, store: Store, session_id: str | None, *, lang: str = "en", hint: str = "") -> None:
        super().__init__(lang=lang, hint=hint)
        self.store = store
        self.session_id = session_id
        self.report: LedgerReport | None = None

    def read(self) -> LedgerReport:
        from ...core.ledger import ledger_report

        return ledger_report(self.store, self.session_id)

    def show(self, records: LedgerReport) -> None:
        from ...core.i18n import t as core_t
        from ...core.ledger import ledger_cells, ledger_total

        self.report = records
        table = self.table
        table.clear()
        for entry in records.entries:
            when, balance, change, asked = ledger_cells(entry, self.lang, width=ASKED_WIDTH)
            spent = entry.change is not None and entry.change < 0
            change_cell = Text(change, style="red" if spent else "", justify="right")
            table.add_row(Text(when), Text(one_line(asked)), Text(balance), change_cell, key=str(entry.id))
        if records.entries:
            table.move_cursor(row=len(records.entries) - 1)  # the latest turn
        lines = [] if records.entries else [core_t("ledger.empty", self.lang)]
        self.say("\n".join([*lines, ledger_total(records, self.lang)]))
