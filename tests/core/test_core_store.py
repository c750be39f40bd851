"""The SQLite store: migrations, WAL, reopening, history, pending renders."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from nemo_tui.core.store import MIGRATIONS, Store, StoreError


def test_fresh_database_is_migrated_and_in_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "sub" / "nemo.db")
    assert store.schema_version == len(MIGRATIONS)
    mode = sqlite3.connect(tmp_path / "sub" / "nemo.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_upgrade_from_an_older_schema_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "nemo.db"
    old = Store(path, migrations=MIGRATIONS[:1])
    assert old.schema_version == 1
    old.save_session("cloud", "s1", task_id="t1", language="zh", now=10)
    old.add_message("s1", "user", "生成日落", ts=11)
    old.close()
    new = Store(path)
    assert new.schema_version == len(MIGRATIONS)
    indexes = {
        r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert "messages_by_session" in indexes
    assert new.last_session("cloud").language == "zh"  # type: ignore[union-attr]
    assert [m.text for m in new.messages("s1")] == ["生成日落"]


def test_reopening_runs_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "nemo.db"
    Store(path).save_session("local", "s1", now=1)
    again = Store(path)  # a second CREATE TABLE would raise
    assert again.last_session("local").session_id == "s1"  # type: ignore[union-attr]


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "nemo.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer nemo-tui"):
        Store(path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nemo.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="Can't open"):
        Store(path)


def test_last_session_per_backend_and_update(tmp_path: Path) -> None:
    store = Store(tmp_path / "nemo.db")
    store.save_session("cloud", "a", task_id="ta", title="sunset", language="en", now=1)
    store.save_session("local", "b", now=2)
    store.save_session("cloud", "c", now=3)
    assert store.last_session("cloud").session_id == "c"  # type: ignore[union-attr]
    store.save_session("cloud", "a", now=4)  # used again: it is the last one, its title kept
    last = store.last_session("cloud")
    assert (last.session_id, last.title, last.task_id, last.created) == ("a", "sunset", "ta", 1)  # type: ignore[union-attr]
    assert [s.session_id for s in store.list_sessions()] == ["a", "c", "b"]
    store.forget_session("a")
    assert store.last_session("cloud").session_id == "c"  # type: ignore[union-attr]
    assert store.last_session("nobody") is None


def test_messages_limit_order_and_search(tmp_path: Path) -> None:
    store = Store(tmp_path / "nemo.db")
    for i in range(5):
        store.add_message("s", "user" if i % 2 == 0 else "assistant", f"line {i} 100%_done", ts=i)
    store.add_message("other", "notice", "Saved /tmp/x.mp4", ts=9)
    assert [m.text[:6] for m in store.messages("s", limit=2)] == ["line 3", "line 4"]
    assert [m.text for m in store.search("Saved")] == ["Saved /tmp/x.mp4"]
    assert len(store.search("%_d")) == 5  # LIKE wildcards in the query are literal
    assert store.search("nothing like this") == []
    with pytest.raises(sqlite3.IntegrityError):
        store.add_message("s", "robot", "x")  # type: ignore[arg-type]


def test_pending_renders_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "nemo.db"
    store = Store(path)
    store.save_render("r1", "s", "cloud", tmp_path / "a.mp4", now=1)
    store.save_render("r2", "s", "cloud", tmp_path / "b.mp4", now=2)
    store.save_render("r3", "s", "local", tmp_path / "c.mp4", now=3)
    store.finish_render("r1", "completed", now=5)
    store.close()
    again = Store(path)
    pending = again.pending_renders("cloud")
    assert [(r.job_id, r.dest) for r in pending] == [("r2", tmp_path / "b.mp4")]
    assert again.render("r1").finished == 5  # type: ignore[union-attr]


def test_threads_share_one_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "nemo.db")
    threads = [
        threading.Thread(target=lambda n=n: [store.add_message("s", "user", f"{n}-{i}") for i in range(50)])
        for n in range(4)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(store.messages("s", limit=1000)) == 200
