"""kill -9 during a render and during a download: the next start resumes the export, and the
history, session and database are intact (the app's Store is SQLite in WAL mode)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from reliability_helpers import CLIP, collect, make_harness, notices, of, render_outputs

from nemo_tui.core.events import ExportDone, SessionChanged, TimelineUpdated
from nemo_tui.engine.runner import EngineServer

HERE = Path(__file__).parent
REPO = HERE.parent.parent


def read_db(path: Path, sql: str) -> list[tuple]:
    """A separate read-only connection, as another process would have."""
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return []
    finally:
        conn.close()


async def run_and_kill(engine: EngineServer, root: Path, ready: Callable[[], bool]) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)])}
    env.pop("NEMO_TOKEN", None)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HERE / "headless_export.py"),
        engine.base_url,
        str(root),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(30):
            while not ready():
                assert child.returncode is None, await child.communicate()
                await asyncio.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        out, _err = await child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert b"export done" not in out, "the export finished before the kill"


async def resume_in_a_new_process_and_check(engine: EngineServer, root: Path) -> ExportDone:
    db = root / "data" / "nemo.db"
    assert read_db(db, "PRAGMA integrity_check") == [("ok",)]
    [(session_id,)] = read_db(db, "SELECT session_id FROM sessions")
    history = read_db(db, "SELECT role, text FROM messages ORDER BY id")
    assert history[0] == ("user", CLIP) and history[1][0] == "assistant" and "sunset" in history[1][1]
    [(job_id, dest)] = read_db(
        db, "SELECT job_id, dest FROM render_jobs WHERE kind = 'export' AND finished IS NULL"
    )

    engine.faults.reset()
    h = make_harness(engine.base_url, root)  # this test's process: a new one, same files
    try:
        events = await collect(h.conv.start())
        messages = [(m.role, m.text) for m in h.store.messages(session_id)]
    finally:
        await h.aclose()
    assert notices(events, "error") == []
    assert [(e.session_id, e.resumed) for e in of(events, SessionChanged)] == [(session_id, True)]
    assert "Video: sunset" in of(events, TimelineUpdated)[0].summary
    assert f"Resuming an export that was still running ({job_id})." in notices(events)
    [done] = of(events, ExportDone)
    assert str(done.path) == dest
    [output] = render_outputs(engine.config.data_dir)
    assert done.path.read_bytes() == output.read_bytes()
    # the MP4 and its record (issue 14), no .part left
    assert sorted(p.name for p in done.path.parent.iterdir()) == [done.path.name, done.path.name + ".json"]
    assert messages[:2] == history[:2]  # the chat history came through intact
    assert read_db(db, "SELECT count(*) FROM render_jobs WHERE finished IS NULL") == [(0,)]
    assert read_db(db, "PRAGMA integrity_check") == [("ok",)]
    return done


async def test_kill_9_during_the_render_then_the_next_start_downloads_it(
    engine_server: EngineServer, tmp_path: Path
) -> None:
    engine_server.faults.slow_render_s = 1.5
    db = tmp_path / "data" / "nemo.db"
    await run_and_kill(
        engine_server,
        tmp_path,
        lambda: bool(read_db(db, "SELECT 1 FROM render_jobs WHERE kind = 'export' AND finished IS NULL")),
    )
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").iterdir())
    await resume_in_a_new_process_and_check(engine_server, tmp_path)


async def test_kill_9_during_the_download_then_the_next_start_resumes_from_the_part_file(
    engine_server: EngineServer, tmp_path: Path
) -> None:
    # The download sends half the file, then stalls: the child is killed with a .part on disk.
    engine_server.faults.cut_download_at_fraction = 0.5
    engine_server.faults.stall_download_s = 30
    exports = tmp_path / "exports"
    parts: list[Path] = []

    def part_written() -> bool:
        parts[:] = [p for p in exports.glob("*.part") if p.stat().st_size > 0] if exports.exists() else []
        return bool(parts)

    await run_and_kill(engine_server, tmp_path, part_written)
    [part] = parts
    assert [p.name for p in exports.iterdir()] == [part.name]  # nothing under the final name
    half = part.stat().st_size
    done = await resume_in_a_new_process_and_check(engine_server, tmp_path)
    assert done.path.name + ".part" == part.name and done.size_bytes > half
