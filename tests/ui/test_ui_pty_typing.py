"""The real app in a pseudo-terminal: keys arriving as a terminal sends them, and a terminal that hangs up.

Pilot posts one key at a time and waits for each; a terminal does not. tmux's `send-keys "text"
Enter`, a paste, or a fast typist over SSH hands the app a message and its Enter in one read, and
the parser turns it into a burst of key events. A priority binding on Enter once ran the send from
the app's queue ahead of the characters still waiting in the prompt's: "make a sunset video please"
went out as "make a sunset vide". These tests write each message and its carriage return in one
`write()` and read back what the app stored as sent.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Escape sequences (CSI, OSC, DCS/APC with their terminators, two-byte ones) between drawn text.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P_][^\x1b]*\x1b\\|\x1b."
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


class RunningApp:
    """`nemo-tui --local` in a 100x30 pseudo-terminal with folders of its own."""

    def __init__(self, tmp: Path, extra_env: dict[str, str] | None = None) -> None:
        self.data = tmp / "data"
        self.ready = tmp / "ready"
        env = {
            **os.environ,
            "NEMO_DATA_DIR": str(self.data),
            "NEMO_CONFIG_DIR": str(tmp / "config"),
            "NEMO_CACHE_DIR": str(tmp / "cache"),
            "NEMO_EXPORT_DIR": str(tmp / "exports"),
            "NEMO_BENCH_READY_FILE": str(self.ready),
            "NEMO_GRAPHICS": "halfblock",  # no query to the (silent) pseudo-terminal
            "TERM": "xterm-256color",
            "LANG": "en_US.UTF-8",
            "COLUMNS": "100",
            "LINES": "30",
            **(extra_env or {}),
        }
        env.pop("TMUX", None)
        env.pop("LC_ALL", None)
        env.pop("NEMO_TOKEN", None)
        self.leader, follower = pty.openpty()
        os.set_blocking(self.leader, False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nemo_tui", "--local"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            cwd=tmp,
            start_new_session=True,
        )
        os.close(follower)
        self.output = bytearray()

    def drawn(self) -> str:
        """Everything the app has drawn so far, its escape sequences taken out."""
        return _ESCAPES.sub("", self.output.decode(errors="replace"))

    def drain(self, seconds: float) -> None:
        """Keep reading the screen output (a full pty buffer would stall the app) for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if select.select([self.leader], [], [], 0.01)[0]:
                with contextlib.suppress(OSError):
                    self.output += os.read(self.leader, 65536)

    def wait_painted(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not (self.ready.exists() and self.ready.read_text()):
            assert self.proc.poll() is None, f"the app exited ({self.proc.returncode}) before painting"
            assert time.monotonic() < deadline, "the app never painted"
            self.drain(0.02)

    def type(self, text: str) -> None:
        """`text` in one write, as tmux send-keys or a paste delivers it."""
        os.write(self.leader, text.encode())

    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of every message the app stored, in order."""
        db = self.data / "nemo.db"
        if not db.exists():
            return []
        with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
            try:
                rows = conn.execute("SELECT role, text FROM messages ORDER BY rowid").fetchall()
            except sqlite3.OperationalError:  # not created yet
                return []
        return [(role, text) for role, text in rows]

    def wait_for(self, done, timeout_s: float = 60.0) -> list[tuple[str, str]]:
        """The stored messages once `done(messages)` holds."""
        deadline = time.monotonic() + timeout_s
        while True:
            messages = self.messages()
            if done(messages):
                return messages
            assert self.proc.poll() is None, f"the app exited ({self.proc.returncode})"
            assert time.monotonic() < deadline, f"gave up waiting; stored: {messages}"
            self.drain(0.1)

    def wait_drawn(self, text: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in self.drawn():
            assert self.proc.poll() is None, f"the app exited ({self.proc.returncode})"
            assert time.monotonic() < deadline, f"{text!r} never drawn"
            self.drain(0.1)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.leader)


@pytest.fixture
def app(tmp_path: Path):
    running = RunningApp(tmp_path)
    try:
        yield running
    finally:
        running.close()


def _user_texts(messages: list[tuple[str, str]]) -> list[str]:
    return [text for role, text in messages if role == "user"]


# The local engine starts everyone at 100 credits; a credits question is answered in the chat (not
# stored as a turn of the conversation: it asks the backend, not the assistant).
CREDITS_ANSWER = "积分：可用 100"


def test_messages_typed_at_first_paint_each_go_out_whole_and_in_order(app: RunningApp) -> None:
    app.wait_painted()
    # At first paint, before the local engine is up: the credits question, then a request typed
    # right after it. Each arrives with its Enter in the same read.
    app.type("余额\r")
    app.drain(0.2)
    app.type("make a sunset video please\r")
    app.wait_drawn(CREDITS_ANSWER)
    messages = app.wait_for(lambda messages: len(_user_texts(messages)) >= 1)
    assert _user_texts(messages) == ["make a sunset video please"]  # its own message, whole


def test_a_burst_after_connecting_is_sent_whole(app: RunningApp) -> None:
    app.wait_painted()
    app.type("余额\r")
    app.wait_drawn(CREDITS_ANSWER)
    # Connected and idle now: a long message and its Enter in one read.
    text = "what can you make with a title and music for a birthday party"
    app.type(text + "\r")
    messages = app.wait_for(lambda messages: len(_user_texts(messages)) >= 1)
    assert _user_texts(messages) == [text]


def test_what_is_typed_before_the_app_starts_is_sent_when_connected(app: RunningApp) -> None:
    # Typed while Python is still starting: the terminal is in the shell's line mode then (Enter
    # arrives as a line feed) and the app's widgets do not exist yet.
    app.type("余额\r")
    app.wait_painted()
    app.wait_drawn(CREDITS_ANSWER)
    app.type("make a sunset video please\r")
    messages = app.wait_for(lambda messages: len(_user_texts(messages)) >= 1)
    assert _user_texts(messages) == ["make a sunset video please"]  # the prompt was left empty


def test_a_terminal_that_hangs_up_closes_the_app_instead_of_spinning(app: RunningApp) -> None:
    # The other end of the terminal closes with no SIGHUP reaching the app (it is not the terminal's
    # session leader here): its input reads end. Textual's own loop would spin at a full core.
    app.wait_painted()
    app.wait_drawn("Ready")
    os.close(app.leader)
    app.leader = os.open(os.devnull, os.O_RDONLY)  # for close()
    started = time.monotonic()
    try:
        code = app.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("the app was still running 10 s after its terminal hung up")
    assert code == 129  # as after a SIGHUP
    assert time.monotonic() - started < 10
