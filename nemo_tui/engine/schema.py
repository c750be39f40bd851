"""The engine database's tables (engine/store.py), versioned on `PRAGMA user_version`."""

from __future__ import annotations

SCHEMA_VERSION = 3  # 2: renders.quality ("high" exports, "preview" renders); 3: sessions.redo_stack
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    client_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    credits_available REAL NOT NULL,
    credits_frozen REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES accounts(client_id),
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_by_client ON tokens(client_id, issued_at);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    task_name TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    draft TEXT NOT NULL DEFAULT '{"t": []}',
    undo_stack TEXT NOT NULL DEFAULT '[]',
    redo_stack TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS media (
    media_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    origin TEXT NOT NULL,          -- upload | generated
    kind TEXT NOT NULL,            -- video | image | audio
    name TEXT NOT NULL,
    path TEXT,                     -- relative to the data dir; NULL for a remote URL kept as-is
    remote_url TEXT,
    duration_ms INTEGER,
    size INTEGER,
    meta TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS media_by_session ON media(session_id, created_at);
CREATE TABLE IF NOT EXISTS renders (
    render_id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    output_path TEXT,
    draft TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    quality TEXT NOT NULL DEFAULT 'high'
);
"""
# (table, column, declaration) added after version 1: a render's quality (before previews they were
# all exports) and the redo stack.
ADDED_COLUMNS = (
    ("renders", "quality", "TEXT NOT NULL DEFAULT 'high'"),
    ("sessions", "redo_stack", "TEXT NOT NULL DEFAULT '[]'"),
)
