"""Failures: one clear line on stderr and the exit code of their class (commands/exits.py)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from commands_helpers import CLEARED, ROOT, Cli

from nemo_tui.commands import exits
from nemo_tui.engine.runner import EngineServer
from tests.leaks import assert_hidden

SUNSET = "generate a 2-second video of a sunset"


def one_error(result, code: int) -> str:
    assert result.code == code, (result.code, result.err)
    (line,) = result.err_lines
    assert line.startswith("nemo-tui: error: ")
    return line


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_usage_and_input_errors_exit_2(cli: Cli, tmp_path: Path) -> None:
    assert "nemo-tui sessions" in one_error(cli.call("status", "--session", "nope"), exits.USAGE)
    assert "message is empty" in one_error(cli.call("ask", "   "), exits.USAGE)
    assert "no file at" in one_error(cli.call("upload", str(tmp_path / "missing.mp4")), exits.USAGE)
    # The same check inside a conversation flow (a path typed as the message): its notice's kind
    # picks the exit code.
    assert "no file at" in one_error(cli.call("ask", str(tmp_path / "missing.mp4")), exits.USAGE)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert "Supported formats: mp4" in one_error(cli.call("upload", str(notes)), exits.USAGE)
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as f:  # sparse: 201 MB on paper, nothing on disk
        f.truncate(201 * 1024 * 1024)
    assert "200 MB" in one_error(cli.call("upload", str(huge)), exits.USAGE)
    cli.extra["NEMO_BACKEND"] = "sideways"
    assert "NEMO_BACKEND" in one_error(cli.call("credits", backend=False), exits.USAGE)


def test_every_kind_of_failure_has_its_documented_exit_code() -> None:
    from nemo_tui.core.events import ErrorKind
    from nemo_tui.protocol import NetworkError, StreamError

    assert set(exits.EXIT_CODES) == set(ErrorKind)  # a new kind must be given a code
    assert exits.exit_code_for(ErrorKind.RATE_LIMITED) == exits.NETWORK == 5
    assert exits.exit_code_for(ErrorKind.STREAM) == exits.SERVER == 1  # the message may have run
    assert exits.exit_code_for(None) == exits.SERVER
    assert exits.exit_code_for_error(NetworkError("down")) == exits.NETWORK
    assert exits.exit_code_for_error(StreamError("dropped")) == exits.SERVER
    assert exits.exit_code_for_error(ValueError("a bug")) == exits.SERVER


def test_empty_stdin_prompt_exits_2_in_a_real_pipe(cli: Cli) -> None:
    assert "message is empty" in one_error(cli.run("ask", "-", stdin="\n"), exits.USAGE)


def test_export_with_nothing_to_export_exits_2(cli: Cli) -> None:
    assert "Nothing to export yet" in one_error(cli.call("export"), exits.USAGE)
    assert cli.call("ask", "hello there").code == 0  # a session, but an empty timeline
    empty = cli.call("export")
    assert empty.code == exits.USAGE and empty.out == ""
    assert "warning:" in empty.err and not list(cli.export_dir.glob("*.mp4"))


def test_unreachable_service_exits_5(cli: Cli) -> None:
    cli.extra["NEMO_API_BASE"] = f"http://127.0.0.1:{closed_port()}"
    assert "Couldn't reach" in one_error(cli.call("credits"), exits.NETWORK)
    assert "Couldn't reach" in one_error(cli.call("ask", SUNSET), exits.NETWORK)


def test_refused_token_exits_3_and_is_never_printed(cli: Cli) -> None:
    secret = "tok-THIS-MUST-NOT-LEAK-1234"
    cli.extra["NEMO_TOKEN"] = secret
    for result in (cli.call("credits"), cli.run("ask", "--json", SUNSET)):
        one_error(result, exits.AUTH)
        assert_hidden(secret, result.out, result.err)


def test_out_of_credits_and_blocked_export_exit_4(cli: Cli, engine_server: EngineServer) -> None:
    engine_server.faults.no_credits = True
    line = one_error(cli.call("ask", SUNSET), exits.CREDITS)
    assert "credits" in line and "register" in line.lower()
    engine_server.faults.no_credits = False
    assert cli.call("ask", SUNSET).code == 0
    engine_server.faults.block_export = True
    assert "Register or upgrade your plan" in one_error(cli.call("export"), exits.CREDITS)


@pytest.mark.parametrize("fault", ["agent_error", "fail_render"])
def test_server_side_failures_exit_1(cli: Cli, engine_server: EngineServer, fault: str) -> None:
    if fault == "agent_error":
        engine_server.faults.agent_error = "the planner fell over"
        result = cli.call("ask", SUNSET)
    else:
        assert cli.call("ask", SUNSET).code == 0
        engine_server.faults.fail_render = "the encoder fell over"
        result = cli.call("export")
    assert result.code == exits.SERVER, result.err
    assert "fell over" in result.err and result.err.startswith("nemo-tui: error: ")


def test_ctrl_c_mid_turn_exits_130_with_one_line(cli: Cli, engine_server: EngineServer) -> None:
    """SIGINT while the reply is still coming: the turn is cancelled, the connection closed."""
    engine_server.faults.slow_stream_s = 5.0
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(cli.env())
    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "--backend", "cloud", "ask", SUNSET],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        # The person's message is saved just before the turn is sent: from then on it is mid-turn.
        deadline = time.monotonic() + 30
        while not _user_message_saved(cli.db_path):
            assert time.monotonic() < deadline and proc.poll() is None, "the turn never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == exits.INTERRUPTED, err
    assert err.strip() == "nemo-tui: error: Interrupted."


def _user_message_saved(db: Path) -> bool:
    return bool(_rows(db, "SELECT id FROM messages WHERE role = 'user'"))


def test_an_interrupted_export_is_finished_by_export_resume(cli: Cli, engine_server: EngineServer) -> None:
    assert cli.call("ask", SUNSET).code == 0
    engine_server.faults.slow_render_s = 2.0
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(cli.env())
    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "--backend", "cloud", "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _rows(cli.db_path, "SELECT dest FROM render_jobs WHERE finished IS NULL"):
            assert time.monotonic() < deadline and proc.poll() is None, "the render never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == exits.INTERRUPTED
    ((dest,),) = _rows(cli.db_path, "SELECT dest FROM render_jobs WHERE finished IS NULL")
    assert not Path(dest).exists()

    resumed = cli.call("export", "--resume")
    assert resumed.code == 0, resumed.err
    assert resumed.out == f"{dest}\n" and Path(dest).stat().st_size > 0
    again = cli.call("export", "--resume")
    assert again.code == 0 and again.out == ""  # nothing left pending


def _rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    with closing(sqlite3.connect(db, timeout=1)) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # the schema is not there yet
            return []


def test_a_cloud_token_in_the_environment_does_not_break_the_local_engine(cli: Cli) -> None:
    # NEMO_TOKEN is the cloud's: the embedded engine gets its own anonymous token instead of
    # being sent (and refusing) the person's cloud token.
    secret = "tok-CLOUD-ONLY-5678"
    cli.extra["NEMO_TOKEN"] = secret
    result = cli.call("--local", "credits", backend=False)
    assert result.code == exits.OK, result.err
    assert result.out.startswith("Credits: 100 available")
    assert_hidden(secret, result.out, result.err)


def test_every_exit_code_is_in_the_commands_help_and_no_other() -> None:
    # The codes live in commands/exits.py; the --help epilog (kept import-light for a fast --help)
    # spells them out: the two must not drift apart.
    import re

    from nemo_tui.commands import exits, parsers

    codes = {value for name, value in vars(exits).items() if name.isupper() and isinstance(value, int)}
    listed = {int(n) for n in re.findall(r"(?:^|\s)(\d{1,3})  \S", parsers.EXIT_CODES_HELP)}
    assert listed == codes
