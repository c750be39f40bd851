"""Two `nemo-tui ask` processes on the same session: the second waits for the first turn to end
(the store's per-session turn lock), says so on stderr, then runs. Real processes, real engine."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from commands_helpers import CLEARED, ROOT, Cli

from nemo_tui.commands import exits
from nemo_tui.engine.runner import EngineServer

SUNSET = "generate a 1-second video of a sunset"


def _locked(db: Path) -> bool:
    if not db.exists():
        return False
    with closing(sqlite3.connect(db, timeout=1)) as conn:
        try:
            return bool(conn.execute("SELECT session_id FROM turn_locks").fetchall())
        except sqlite3.OperationalError:  # the schema is not there yet
            return False


def test_a_second_ask_on_the_same_session_waits_and_says_so(cli: Cli, engine_server: EngineServer) -> None:
    assert cli.call("ask", SUNSET).code == 0  # the session both will continue
    engine_server.faults.slow_stream_s = 0.4  # a turn of a few seconds
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(cli.env())
    argv = [sys.executable, "-m", "nemo_tui", "--backend", "cloud", "ask"]
    first = subprocess.Popen(
        [*argv, "add a title that says one"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _locked(cli.db_path):
            assert time.monotonic() < deadline and first.poll() is None, "the first turn never started"
            time.sleep(0.05)
        second = subprocess.run(
            [*argv, "add a title that says two"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        _first_out, first_err = first.communicate(timeout=60)
    finally:
        first.kill()
    assert first.returncode == exits.OK, first_err
    assert second.returncode == exits.OK, second.stderr
    assert "Another turn is running in this session" in second.stderr
    assert "your message waits for it to finish" in second.stderr
    engine_server.faults.reset()
    status = cli.call("status")
    assert 'Title: "one"' in status.out and '"two"' in status.out  # both ran, one after the other
    assert not _locked(cli.db_path)  # released
