"""The credit ledger as people read it: the TUI's ledger screen and `nemo-tui ledger` show the same
lines and totals (rows from core/store_ledger.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .i18n import format_credits, t
from .store import Store
from .store_ledger import LedgerEntry


class LedgerLine(BaseModel):
    id: int
    session_id: str
    backend_key: str
    asked: str
    started: datetime
    before: float | None
    after: float | None
    change: float | None  # after - before: negative when credits were spent
    video_s: float
    estimate: float | None


class LedgerReport(BaseModel):
    """`nemo-tui ledger --json`: the entries (one session's, or all), what that session spent
    and what every session spent."""

    entries: list[LedgerLine]
    session_id: str | None = None
    session_spent: float | None = None
    total_spent: float
    total_change: float  # the sum of the entries' changes


def _line(entry: LedgerEntry) -> LedgerLine:
    return LedgerLine(
        id=entry.id,
        session_id=entry.session_id,
        backend_key=entry.backend_key,
        asked=entry.asked,
        started=datetime.fromtimestamp(entry.started).astimezone(),
        before=entry.before,
        after=entry.after,
        change=entry.delta,
        video_s=entry.video_s,
        estimate=entry.estimate,
    )


def ledger_report(store: Store, session_id: str | None = None) -> LedgerReport:
    """Blocking (sqlite3): call it in a thread from the event loop."""
    every = store.ledger()
    shown = [e for e in every if e.session_id == session_id] if session_id else every

    def spent(entries: list[LedgerEntry]) -> float:
        return sum(max(-(e.delta or 0.0), 0.0) for e in entries)

    return LedgerReport(
        entries=[_line(e) for e in shown],
        session_id=session_id,
        session_spent=spent(shown) if session_id else None,
        total_spent=spent(every),
        total_change=sum(e.delta or 0.0 for e in shown),
    )


def _amount(value: float | None, lang: str) -> str:
    return format_credits(value) if value is not None else t("ledger.unknown", lang)


def ledger_cells(e: LedgerLine, lang: str, *, width: int = 60) -> tuple[str, str, str, str]:
    """One turn's cells: when, the balance before → after, the change, what was asked (on one line)."""
    change = "?" if e.change is None else (("+" if e.change > 0 else "") + format_credits(e.change))
    asked = " ".join(e.asked.split())
    asked = asked if len(asked) <= width else asked[: width - 1] + "…"
    balance = f"{_amount(e.before, lang)} → {_amount(e.after, lang)}"
    return f"{e.started:%Y-%m-%d %H:%M}", balance, change, asked


def ledger_total(report: LedgerReport, lang: str) -> str:
    """What the shown session spent and what every session spent (or only the latter)."""
    total = format_credits(report.total_spent)
    if report.session_spent is not None:
        return t("ledger.total", lang, session=format_credits(report.session_spent), total=total)
    return t("ledger.total_all", lang, total=total)


def ledger_lines(report: LedgerReport, lang: str, *, width: int = 60) -> list[str]:
    """One line per turn (time, balance before → after, the change, what was asked), then the total."""
    lines = []
    for e in report.entries:
        when, balance, change, asked = ledger_cells(e, lang, width=width)
        lines.append(f"{when}  {balance}  {change:>7}  {asked}")
    if not lines:
        lines.append(t("ledger.empty", lang))
    lines.append(ledger_total(report, lang))
    return lines
