"""The engine's SQLite store: accounts, tokens, sessions (with drafts), media and render jobs.

Everything is synchronous stdlib sqlite3 behind one lock; the server calls it through
`anyio.to_thread`, never on the event loop. WAL mode, schema versioned on `PRAGMA user_version`.
Tokens are stored only as SHA-256 hashes, so the database never holds a usable credential.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import ADDED_COLUMNS, SCHEMA, SCHEMA_VERSION

UNDO_DEPTH = 20


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class TokenCheck:
    client_id: str | None  # the account the token belongs to, None when unusable
    reason: str = ""  # why it is unusable: unknown | expired | revoked


@dataclass
class EngineSession:
    """A session as the engine keeps it (its draft and undo stack), not the app's record of one."""

    session_id: str
    task_id: str
    client_id: str
    task_name: str
    language: str
    draft: dict[str, Any]
    undo_stack: list[dict[str, Any]]
    redo_stack: list[dict[str, Any]] = field(default_factory=list)


class EngineStore:
    """The engine's own SQLite file: accounts, tokens, sessions, media and render jobs (the app's
    database is core/store.py's `Store`)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.data_dir / "engine.sqlite3", check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                self._db.executescript(SCHEMA)
                self._add_missing_columns()
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _add_missing_columns(self) -> None:
        """An older data dir gains the columns added since (checked by column, not by version)."""
        for table, column, kind in ADDED_COLUMNS:
            columns = {r["name"] for r in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _q(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # ---- tokens and accounts -------------------------------------------------------------------
    def live_token_issued_at(self, client_id: str, now: float) -> float | None:
        """When the client's still-valid token was issued, or None when it has none."""
        rows = self._q(
            "SELECT issued_at FROM tokens WHERE client_id=? AND revoked=0 AND expires_at>? "
            "ORDER BY issued_at DESC LIMIT 1",
            (client_id, now),
        )
        return rows[0]["issued_at"] if rows else None

    def issue_token(
        self, client_id: str, ttl_s: float, initial_credits: float, prefix: str = "nemo_local_"
    ) -> tuple[str, float, float]:
        """A new token for the client's account -> (token, expires_at, available credits).

        A new client id starts with `initial_credits`. A known one keeps its sessions and balance;
        when its last token ran out its 7 days, the free grant is renewed (topped up to the grant).
        """
        token = prefix + secrets.token_urlsafe(32)
        now = time.time()
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT credits_available FROM accounts WHERE client_id=?", (client_id,)
            ).fetchone()
            if row is None:
                self._db.execute("INSERT INTO accounts VALUES (?,?,?,0)", (client_id, now, initial_credits))
            else:
                last = self._db.execute(
                    "SELECT expires_at FROM tokens WHERE client_id=? ORDER BY issued_at DESC LIMIT 1",
                    (client_id,),
                ).fetchone()
                if last is not None and last["expires_at"] <= now:
                    self._db.execute(
                        "UPDATE accounts SET credits_available=MAX(credits_available, ?) WHERE client_id=?",
                        (initial_credits, client_id),
                    )
            self._db.execute(
                "INSERT INTO tokens VALUES (?,?,?,?,0)", (hash_token(token), client_id, now, now + ttl_s)
            )
            available = self._db.execute(
                "SELECT credits_available FROM accounts WHERE client_id=?", (client_id,)
            ).fetchone()[0]
        return token, now + ttl_s, available

    def check_token(self, token: str, now: float) -> TokenCheck:
        rows = self._q(
            "SELECT client_id, expires_at, revoked FROM tokens WHERE token_hash=?", (hash_token(token),)
        )
        if not rows:
            return TokenCheck(None, "unknown")
        row = rows[0]
        if row["revoked"]:
            return TokenCheck(None, "revoked")
        if row["expires_at"] <= now:
            return TokenCheck(None, "expired")
        return TokenCheck(row["client_id"])

    def revoke_token(self, token: str) -> None:
        self._q("UPDATE tokens SET revoked=1 WHERE token_hash=?", (hash_token(token),))

    # ---- credits ------------------------------------------------------------------------------
    def credits(self, client_id: str) -> tuple[float, float]:
        rows = self._q(
            "SELECT credits_available, credits_frozen FROM accounts WHERE client_id=?", (client_id,)
        )
        return (rows[0][0], rows[0][1]) if rows else (0.0, 0.0)

    def freeze_credits(self, client_id: str, amount: float) -> bool:
        """Reserve credits for a generation; False when the balance is short."""
        with self._lock, self._db:
            cur = self._db.execute(
                "UPDATE accounts SET credits_available=credits_available-?, "
                "credits_frozen=credits_frozen+? WHERE client_id=? "
                "AND credits_available>=?",
                (amount, amount, client_id, amount),
            )
            return cur.rowcount == 1

    def settle_credits(self, client_id: str, amount: float, *, spent: bool) -> None:
        """Release a reservation: spent (generation done) or refunded (it failed)."""
        refund = 0.0 if spent else amount
        self._q(
            "UPDATE accounts SET credits_frozen=MAX(credits_frozen-?, 0), "
            "credits_available=credits_available+? WHERE client_id=?",
            (amount, refund, client_id),
        )

    def grant_credits(self, client_id: str, amount: float) -> None:
        self._q(
            "UPDATE accounts SET credits_available=credits_available+? WHERE client_id=?", (amount, client_id)
        )

    # ---- sessions -----------------------------------------------------------------------------
    def create_session(
        self, client_id: str, task_name: str, language: str, session_id: str | None = None
    ) -> EngineSession:
        now = time.time()
        sid = session_id or uuid.uuid4().hex
        task_id = "task_" + uuid.uuid4().hex[:16]
        self._q(
            "INSERT INTO sessions (session_id, task_id, client_id, task_name, language, created_at,"
            " updated_at, draft) VALUES (?,?,?,?,?,?,?,?)",
            (sid, task_id, client_id, task_name, language, now, now, json.dumps({"t": []})),
        )
        return EngineSession(sid, task_id, client_id, task_name, language, {"t": []}, [])

    def get_session(self, session_id: str, client_id: str) -> EngineSession | None:
        """Only the account's own sessions are visible; another account's id reads as missing."""
        rows = self._q("SELECT * FROM sessions WHERE session_id=? AND client_id=?", (session_id, client_id))
        if not rows:
            return None
        r = rows[0]
        return EngineSession(
            r["session_id"],
            r["task_id"],
            r["client_id"],
            r["task_name"],
            r["language"],
            json.loads(r["draft"]),
            json.loads(r["undo_stack"]),
            json.loads(r["redo_stack"]),
        )

    def save_draft(
        self,
        session_id: str,
        draft: dict[str, Any],
        *,
        undoable_from: dict[str, Any] | None,
        pop_undo: bool = False,
        pop_redo: bool = False,
    ) -> None:
        """Store the new draft. An edit pushes the draft before it (`undoable_from`, once per turn) on
        the undo stack and forgets what could be redone; an undo (`pop_undo`) moves the current draft
        to the redo stack, a redo (`pop_redo`) moves it back to the undo stack."""
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT draft, undo_stack, redo_stack FROM sessions WHERE session_id=?", (session_id,)
            ).fetchone()
            undo = json.loads(row["undo_stack"]) if row else []
            redo = json.loads(row["redo_stack"]) if row else []
            current = json.loads(row["draft"]) if row else None
            if pop_undo and undo:
                undo.pop()
                redo = [*redo, current][-UNDO_DEPTH:]
            elif pop_redo and redo:
                redo.pop()
                undo = [*undo, current][-UNDO_DEPTH:]
            else:
                redo = []
                if undoable_from is not None:
                    undo = [*undo, undoable_from][-UNDO_DEPTH:]
            self._db.execute(
                "UPDATE sessions SET draft=?, undo_stack=?, redo_stack=?, updated_at=? WHERE session_id=?",
                (json.dumps(draft), json.dumps(undo), json.dumps(redo), time.time(), session_id),
            )

    # ---- media --------------------------------------------------------------------------------
    def add_media(
        self,
        *,
        session_id: str,
        origin: str,
        kind: str,
        name: str,
        path: str | None,
        remote_url: str | None = None,
        duration_ms: int | None = None,
        size: int | None = None,
        meta: dict[str, Any] | None = None,
        media_id: str | None = None,
    ) -> dict[str, Any]:
        media_id = media_id or "media_" + uuid.uuid4().hex[:20]
        self._q(
            "INSERT INTO media VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                media_id,
                session_id,
                origin,
                kind,
                name,
                path,
                remote_url,
                duration_ms,
                size,
                json.dumps(meta or {}, default=str),
                time.time(),
            ),
        )
        return self.get_media(media_id) or {}

    def media_account(self, media_id: str) -> str | None:
        """The account (client id) whose session holds the media, or None."""
        rows = self._q(
            "SELECT s.client_id FROM media m JOIN sessions s ON s.session_id = m.session_id "
            "WHERE m.media_id=?",
            (media_id,),
        )
        return rows[0]["client_id"] if rows else None

    def get_media(self, media_id: str) -> dict[str, Any] | None:
        rows = self._q("SELECT * FROM media WHERE media_id=?", (media_id,))
        return _media_dict(rows[0]) if rows else None

    def session_media(self, session_id: str, origin: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM media WHERE session_id=?" + (" AND origin=?" if origin else "")
        args = (session_id, origin) if origin else (session_id,)
        return [_media_dict(r) for r in self._q(sql + " ORDER BY created_at", args)]

    # ---- render jobs --------------------------------------------------------------------------
    def create_render(
        self,
        render_id: str,
        client_id: str,
        session_id: str,
        draft: dict[str, Any],
        width: int,
        height: int,
        quality: str = "high",
    ) -> tuple[dict[str, Any] | None, bool]:
        """(job, created): the existing job when this account sent the id before; None when the id
        belongs to another account."""
        now = time.time()
        with self._lock, self._db:
            row = self._db.execute("SELECT client_id FROM renders WHERE render_id=?", (render_id,)).fetchone()
            if row is not None:
                return (None if row["client_id"] != client_id else self._render_locked(render_id)), False
            self._db.execute(
                "INSERT INTO renders VALUES (?,?,?,'queued',0,NULL,NULL,?,?,?,?,?,?)",
                (render_id, client_id, session_id, json.dumps(draft), width, height, now, now, quality),
            )
            return self._render_locked(render_id), True

    def _render_locked(self, render_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT * FROM renders WHERE render_id=?", (render_id,)).fetchone()
        return dict(row) if row else None

    def get_render(self, render_id: str, client_id: str | None = None) -> dict[str, Any] | None:
        with self._lock:
            job = self._render_locked(render_id)
        if job is None or (client_id is not None and job["client_id"] != client_id):
            return None
        return job

    def update_render(self, render_id: str, **values: Any) -> None:
        cols = ", ".join(f"{k}=?" for k in values)
        self._q(
            f"UPDATE renders SET {cols}, updated_at=? WHERE render_id=?",
            (*values.values(), time.time(), render_id),
        )

    def unfinished_renders(self) -> list[str]:
        rows = self._q(
            "SELECT render_id FROM renders WHERE status IN ('queued','rendering') ORDER BY created_at"
        )
        return [r["render_id"] for r in rows]


def _media_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["meta"] = json.loads(d["meta"] or "{}")
    return d
