"""The app's memory: sessions (to reopen the last one), chat history, and render jobs (so an export
started before a crash is resumed and downloaded next time instead of orphaned).

Plain sqlite3, synchronous: the UI calls it from thread workers, the conversation through
`asyncio.to_thread`. One connection guarded by a lock (sqlite3 objects may cross threads only
with `check_same_thread=False` and one user at a time). WAL so a reader never blocks the writer.
Every write is one transaction (`with self._conn`): it lands whole or not at all.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..dirs import user_data_dir
from .store_jobs import JobsMixin
from .store_jobs import RenderRecord as RenderRecord
from .store_ledger import LedgerMixin
from .store_schema import MIGRATIONS as MIGRATIONS

# A lock whose owner has not refreshed it for this long is taken over (its process hung or died on
# another machine sharing the database); on this machine a dead pid frees it at once.
LOCK_STALE_S = 90.0

Role = Literal["user", "assistant", "notice"]


def default_db_path() -> Path:
    return user_data_dir() / "nemo.db"


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    backend_key: str
    task_id: str | None
    title: str
    language: str
    created: float
    last_used: float


@dataclass(frozen=True)
class MessageRecord:
    id: int
    session_id: str
    role: Role
    text: str
    ts: float


@dataclass(frozen=True)
class LockRecord:
    session_id: str
    owner: str
    pid: int
    host: str
    label: str
    heartbeat: float


class StoreError(Exception):
    """The database file is unusable (written by a newer version, or not a database)."""


class Store(LedgerMixin, JobsMixin):
    def __init__(self, path: Path | None = None, *, migrations: tuple[str, ...] = MIGRATIONS) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate(migrations)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"Can't open the app's database at {self.path}: {exc}") from exc

    def _migrate(self, migrations: tuple[str, ...]) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(migrations):
            raise StoreError(
                f"The database at {self.path} was written by a newer nemo-tui (schema {version}); "
                "update nemo-tui or move that file away."
            )
        for number, script in enumerate(migrations[version:], start=version + 1):
            # executescript commits first, so the script and its version bump run as one transaction.
            self._conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        with self._lock, self._conn:
            self._conn.execute(sql, args)

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # ---- sessions ------------------------------------------------------------------------------
    def save_session(
        self,
        backend_key: str,
        session_id: str,
        *,
        task_id: str | None = None,
        title: str | None = None,
        language: str | None = None,
        now: float | None = None,
    ) -> None:
        """Insert, or mark as used now; a given title/language/task id replaces the stored one."""
        now = time.time() if now is None else now
        self._write(
            """INSERT INTO sessions (session_id, backend_key, task_id, title, language, created, last_used)
               VALUES (?, ?, ?, COALESCE(?, ''), COALESCE(?, 'en'), ?, ?)
               ON CONFLICT (session_id) DO UPDATE SET
                 last_used = excluded.last_used,
                 task_id = COALESCE(?, task_id),
                 title = COALESCE(?, title),
                 language = COALESCE(?, language)""",
            (session_id, backend_key, task_id, title, language, now, now, task_id, title, language),
        )

    def last_session(self, backend_key: str) -> SessionRecord | None:
        rows = self._read(
            "SELECT * FROM sessions WHERE backend_key = ? ORDER BY last_used DESC LIMIT 1", (backend_key,)
        )
        return SessionRecord(**dict(rows[0])) if rows else None

    def list_sessions(self, backend_key: str | None = None) -> list[SessionRecord]:
        if backend_key is None:
            rows = self._read("SELECT * FROM sessions ORDER BY last_used DESC")
        else:
            rows = self._read(
                "SELECT * FROM sessions WHERE backend_key = ? ORDER BY last_used DESC", (backend_key,)
            )
        return [SessionRecord(**dict(r)) for r in rows]

    def forget_session(self, session_id: str) -> None:
        """The server lost it: stop reopening it (its history stays searchable)."""
        self._write("DELETE FROM sessions WHERE session_id = ?", (session_id,))

    # ---- messages ------------------------------------------------------------------------------
    def add_message(self, session_id: str, role: Role, text: str, *, ts: float | None = None) -> None:
        self._write(
            "INSERT INTO messages (session_id, role, text, ts) VALUES (?, ?, ?, ?)",
            (session_id, role, text, time.time() if ts is None else ts),
        )

    def messages(self, session_id: str, limit: int = 200) -> list[MessageRecord]:
        """The last `limit` messages of a session, oldest first."""
        rows = self._read(
            "SELECT * FROM messages WHERE session_id = ? ORDER BY id DESC LIMIT ?", (session_id, limit)
        )
        return [MessageRecord(**dict(r)) for r in reversed(rows)]

    def message_count(self, session_id: str) -> int:
        """How many messages (the person's and the assistant's, not app notices) a session has."""
        sql = "SELECT COUNT(*) FROM messages WHERE session_id = ? AND role != 'notice'"
        return int(self._read(sql, (session_id,))[0][0])

    def search(self, query: str, limit: int = 50) -> list[MessageRecord]:
        """Messages containing `query` (case-insensitive for ASCII), newest first."""
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._read(
            "SELECT * FROM messages WHERE text LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?",
            (f"%{escaped}%", limit),
        )
        return [MessageRecord(**dict(r)) for r in rows]

    # ---- render jobs ---------------------------------------------------------------------------
    def save_render(
        self,
        job_id: str,
        session_id: str,
        backend_key: str,
        dest: Path,
        *,
        status: str = "queued",
        now: float | None = None,
    ) -> None:
        self._write(
            """INSERT INTO render_jobs (job_id, session_id, backend_key, status, dest, started)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (job_id) DO UPDATE SET status = excluded.status""",
            (job_id, session_id, backend_key, status, str(dest), time.time() if now is None else now),
        )

    def finish_render(self, job_id: str, status: str, *, now: float | None = None) -> None:
        """`status` is "completed" (downloaded) or "failed"; either way it is no longer pending."""
        self._write(
            "UPDATE render_jobs SET status = ?, finished = ? WHERE job_id = ?",
            (status, time.time() if now is None else now, job_id),
        )

    def pending_renders(self, backend_key: str) -> list[RenderRecord]:
        rows = self._read(
            "SELECT * FROM render_jobs WHERE backend_key = ? AND finished IS NULL AND kind = 'export' "
            "ORDER BY started",
            (backend_key,),
        )
        return [RenderRecord(**{**dict(r), "dest": Path(r["dest"])}) for r in rows]

    def render(self, job_id: str) -> RenderRecord | None:
        rows = self._read("SELECT * FROM render_jobs WHERE job_id = ?", (job_id,))
        return RenderRecord(**{**dict(rows[0]), "dest": Path(rows[0]["dest"])}) if rows else None

    def replace_render(self, old_job_id: str, new_job_id: str, *, now: float | None = None) -> None:
        """A failed render retried under a new id: the old row closes as "retried", the new one
        takes its place (same session, backend and destination), pending."""
        now = time.time() if now is None else now
        with self._lock, self._conn:
            row = self._conn.execute("SELECT * FROM render_jobs WHERE job_id = ?", (old_job_id,)).fetchone()
            if row is None:
                return
            self._conn.execute(
                "UPDATE render_jobs SET status = 'retried', finished = ? WHERE job_id = ?", (now, old_job_id)
            )
            self._conn.execute(
                """INSERT INTO render_jobs (job_id, session_id, backend_key, status, dest, started)
                   VALUES (?, ?, ?, 'queued', ?, ?)
                   ON CONFLICT (job_id) DO UPDATE SET status = 'queued', finished = NULL""",
                (new_job_id, row["session_id"], row["backend_key"], row["dest"], now),
            )

    # ---- one turn per session ------------------------------------------------------------------
    def try_lock_turn(
        self,
        session_id: str,
        owner: str,
        *,
        label: str = "",
        pid: int | None = None,
        host: str | None = None,
        now: float | None = None,
        stale_after: float = LOCK_STALE_S,
    ) -> LockRecord | None:
        """Take the session's turn lock for `owner`; None when taken (or already ours), else the
        current holder. A holder that is gone (its pid no longer runs on this host, or no
        heartbeat for `stale_after` seconds) is replaced."""
        now = time.time() if now is None else now
        pid = os.getpid() if pid is None else pid
        host = socket.gethostname() if host is None else host
        with self._lock, self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            row = self._conn.execute(
                "SELECT * FROM turn_locks WHERE session_id = ?", (session_id,)
            ).fetchone()
            if row is not None and row["owner"] != owner:
                holder = LockRecord(**dict(row))
                gone = now - holder.heartbeat > stale_after or (
                    holder.host == host and not _alive(holder.pid)
                )
                if not gone:
                    return holder
            self._conn.execute(
                """INSERT INTO turn_locks (session_id, owner, pid, host, label, heartbeat)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (session_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid,
                     host = excluded.host, label = excluded.label, heartbeat = excluded.heartbeat""",
                (session_id, owner, pid, host, label, now),
            )
            return None

    def refresh_lock(self, session_id: str, owner: str, *, now: float | None = None) -> None:
        self._write(
            "UPDATE turn_locks SET heartbeat = ? WHERE session_id = ? AND owner = ?",
            (time.time() if now is None else now, session_id, owner),
        )

    def unlock_turn(self, session_id: str, owner: str) -> None:
        self._write("DELETE FROM turn_locks WHERE session_id = ? AND owner = ?", (session_id, owner))

    # ---- the question the agent is waiting on ----------------------------------------------------
    def save_question(self, session_id: str, body: dict[str, Any], *, now: float | None = None) -> None:
        self._write(
            """INSERT INTO pending_questions (session_id, body, ts) VALUES (?, ?, ?)
                       ON CONFLICT (session_id) DO UPDATE SET body = excluded.body, ts = excluded.ts""",
            (session_id, json.dumps(body, ensure_ascii=False), time.time() if now is None else now),
        )

    def pending_question(self, session_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT body FROM pending_questions WHERE session_id = ?", (session_id,))
        if not rows:
            return None
        try:
            body = json.loads(rows[0]["body"])
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def clear_question(self, session_id: str) -> None:
        self._write("DELETE FROM pending_questions WHERE session_id = ?", (session_id,))

    # ---- flags ---------------------------------------------------------------------------------
    def flag(self, name: str) -> str | None:
        rows = self._read("SELECT value FROM flags WHERE name = ?", (name,))
        return rows[0]["value"] if rows else None

    def set_flag(self, name: str, value: str = "1") -> None:
        self._write(
            "INSERT INTO flags (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )


def _alive(pid: int) -> bool:
    """Does a process with this id run on this machine? (Another user's process counts.)"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True
