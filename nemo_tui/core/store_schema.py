"""The app database's schema: each entry of MIGRATIONS moves it one version up (PRAGMA user_version
says how many have run). Never edit an entry that has shipped: add one."""

from __future__ import annotations

# Each entry moves the schema one version up; PRAGMA user_version says how many have run.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        session_id  TEXT PRIMARY KEY,
        backend_key TEXT NOT NULL,
        task_id     TEXT,
        title       TEXT NOT NULL DEFAULT '',
        language    TEXT NOT NULL DEFAULT 'en',
        created     REAL NOT NULL,
        last_used   REAL NOT NULL
    );
    CREATE TABLE messages (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'notice')),
        text       TEXT NOT NULL,
        ts         REAL NOT NULL
    );
    CREATE TABLE render_jobs (
        job_id     TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        backend_key TEXT NOT NULL,
        status     TEXT NOT NULL,
        dest       TEXT NOT NULL,
        started    REAL NOT NULL,
        finished   REAL
    );
    """,
    # History grows without bound; these keep reopening and resuming fast.
    """
    CREATE INDEX messages_by_session ON messages (session_id, id);
    CREATE INDEX sessions_by_backend ON sessions (backend_key, last_used);
    CREATE INDEX renders_pending ON render_jobs (backend_key, finished);
    """,
    # One turn per session across processes (the TUI and `nemo-tui ask`); the question a session's
    # agent is waiting on (so `ask --answer` can answer one an earlier run printed); small flags.
    """
    CREATE TABLE turn_locks (
        session_id TEXT PRIMARY KEY,
        owner      TEXT NOT NULL,
        pid        INTEGER NOT NULL,
        host       TEXT NOT NULL,
        label      TEXT NOT NULL DEFAULT '',
        heartbeat  REAL NOT NULL
    );
    CREATE TABLE pending_questions (
        session_id TEXT PRIMARY KEY,
        body       TEXT NOT NULL,
        ts         REAL NOT NULL
    );
    CREATE TABLE flags (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # What things cost and every job the app waits on (issue 14): one row per turn with the balance
    # before and after it (the credit ledger; the cloud's rate per second of video is learned from
    # it), and render_jobs grows into the jobs list: exports, previews and generations, with their
    # progress, the length of video they make (for ETAs learned from past jobs) and why one failed.
    """
    CREATE TABLE ledger (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  TEXT NOT NULL,
        backend_key TEXT NOT NULL,
        asked       TEXT NOT NULL,
        started     REAL NOT NULL,
        finished    REAL,
        before      REAL,
        after       REAL,
        video_s     REAL NOT NULL DEFAULT 0,
        estimate    REAL
    );
    CREATE INDEX ledger_by_session ON ledger (session_id, id);
    CREATE INDEX ledger_by_backend ON ledger (backend_key, id);
    ALTER TABLE render_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'export';
    ALTER TABLE render_jobs ADD COLUMN progress REAL;
    ALTER TABLE render_jobs ADD COLUMN label TEXT NOT NULL DEFAULT '';
    ALTER TABLE render_jobs ADD COLUMN video_s REAL;
    ALTER TABLE render_jobs ADD COLUMN error TEXT;
    ALTER TABLE render_jobs ADD COLUMN expires REAL;
    ALTER TABLE render_jobs ADD COLUMN updated REAL;
    """,
)
