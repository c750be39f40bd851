"""The credit ledger in the app's database: one row per turn, with the balance before and after it,
what was asked, the estimate shown first and the seconds of video it made. The cloud's rate (credits
per second of video) is learned from these rows; the per-session budget reads what a session spent."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    session_id: str
    backend_key: str
    asked: str
    started: float
    finished: float | None
    before: float | None
    after: float | None
    video_s: float
    estimate: float | None

    @property
    def delta(self) -> float | None:
        """The change of the balance over the turn (negative: spent); None while unknown."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class StoreBase:
    """What the store's mixins use of `Store` (core/store.py)."""

    _lock: threading.Lock
    _conn: sqlite3.Connection

    if TYPE_CHECKING:

        def _write(self, sql: str, args: tuple[object, ...]) -> None: ...

        def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]: ...


class LedgerMixin(StoreBase):
    def open_ledger_entry(
        self,
        session_id: str,
        backend_key: str,
        asked: str,
        *,
        before: float | None,
        estimate: float | None = None,
        now: float | None = None,
    ) -> int:
        """A turn starts: its row (written before the app waits on the turn); returns its id."""
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT INTO ledger (session_id, backend_key, asked, started, before, estimate) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, backend_key, asked, time.time() if now is None else now, before, estimate),
            )
            return int(cur.lastrowid or 0)

    def close_ledger_entry(
        self, entry_id: int, *, after: float | None, video_s: float = 0.0, now: float | None = None
    ) -> None:
        self._write(
            "UPDATE ledger SET after = ?, video_s = ?, finished = ? WHERE id = ?",
            (after, max(video_s, 0.0), time.time() if now is None else now, entry_id),
        )

    def ledger(self, session_id: str | None = None, *, backend_key: str | None = None) -> list[LedgerEntry]:
        """Oldest first: one session's rows, one backend's, or all of them."""
        if session_id is not None:
            rows = self._read("SELECT * FROM ledger WHERE session_id = ? ORDER BY id", (session_id,))
        elif backend_key is not None:
            rows = self._read("SELECT * FROM ledger WHERE backend_key = ? ORDER BY id", (backend_key,))
        else:
            rows = self._read("SELECT * FROM ledger ORDER BY id")
        return [LedgerEntry(**dict(r)) for r in rows]

    def learned_rate(self, backend_key: str) -> float | None:
        """Credits per second of generated video, measured on this backend's past turns (the
        balance's drop over the seconds those turns made); None until a turn made video."""
        row = self._read(
            "SELECT SUM(before - after), SUM(video_s) FROM ledger WHERE backend_key = ? "
            "AND video_s > 0 AND before IS NOT NULL AND after IS NOT NULL",
            (backend_key,),
        )[0]
        spent, seconds = row[0], row[1]
        if not seconds or spent is None or spent < 0:
            return None
        return float(spent) / float(seconds)

    def session_spent(self, session_id: str) -> float:
        """Credits this session's turns took (refunds and top-ups don't count as spending less)."""
        row = self._read(
            "SELECT SUM(MAX(before - after, 0)) FROM ledger WHERE session_id = ? "
            "AND before IS NOT NULL AND after IS NOT NULL",
            (session_id,),
        )[0]
        return float(row[0] or 0.0)
