"""`nemo-tui` as the CLI runs it: real settings, store, engine, client, Conversation and app (the
terminal swapped for Textual's headless test driver), all built by `nemo_tui.backend` like the
headless commands; and the app painting before anything connects."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from ui_scripted import ScriptedConversation, screen_text, settle

from nemo_tui.backend import backend_key_for
from nemo_tui.core.settings import DEFAULT_API_BASE
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer
from nemo_tui.ui import launch
from nemo_tui.ui.app import Connected, NemoApp
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.status_bar import StatusBar


def test_ui_language_follows_the_locale(tmp_path: Path):
    data = {"NEMO_DATA_DIR": str(tmp_path)}  # no language spoken here before
    assert launch.ui_language({**data, "LANG": "zh_CN.UTF-8"}) == "zh"
    assert launch.ui_language({**data, "LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert launch.ui_language(data) == "en"


def test_the_app_starts_in_the_language_it_last_spoke(tmp_path: Path):
    environ = {"NEMO_DATA_DIR": str(tmp_path / "data"), "LANG": "en_US.UTF-8"}
    launch.remember_language("zh", environ)  # a Chinese session, quit
    assert launch.ui_language(environ) == "zh"  # "正在连接…" at first paint, not "Setting up..."
    launch.remember_language("en", environ)
    assert launch.ui_language(environ) == "en"
    (tmp_path / "data" / launch.LANGUAGE_FILE).write_text("klingon", encoding="utf-8")
    assert launch.ui_language(environ) == "en"  # not a language it speaks: the locale's


def test_an_unwritable_data_folder_costs_only_the_remembered_language(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    launch.remember_language("zh", {"NEMO_DATA_DIR": str(blocker / "data")})  # no exception


@pytest.fixture
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("HOME", "home")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for var in ("NEMO_TOKEN", "NEMO_API_BASE", "NEMO_DATA_DIR", "NEMO_CONFIG_DIR", "NEMO_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def run_headless(
    monkeypatch: pytest.MonkeyPatch, seen: dict[str, object], message: str | None = None
) -> None:
    """Make run_app drive the app with Pilot; what was on screen lands in `seen`."""

    async def headless(self: NemoApp, *args, **kwargs) -> None:
        async with self.run_test(size=(110, 30)) as pilot:
            for _ in range(500):  # connecting (engine start) then start(), or closing at once
                await pilot.pause(0.02)
                if self.return_code is not None or (self.conversation is not None and not self.busy):
                    break
            if self.return_code is not None:
                return
            await settle(self, pilot)
            if message:
                self.query_one(PromptInput).load_text(message)
                await pilot.press("enter")
                await settle(self, pilot)
            seen["text"] = screen_text(self)
            seen["transcript"] = list(self.query_one(ChatLog).transcript)
            seen["status"] = self.query_one(StatusBar)

    monkeypatch.setattr(NemoApp, "run_async", headless)


def test_run_app_local_starts_the_engine_connects_and_shuts_everything(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch
):
    seen: dict[str, object] = {}
    run_headless(monkeypatch, seen, message="generate a 1-second video of a sunset")
    assert launch.run_app(backend="local", export_dir=user_dirs / "exports") == 0
    status = seen["status"]
    assert status.local is True and status.backend_label == "local engine"
    assert "Using the local engine" in seen["text"] and "local engine" in seen["text"]
    assert status.credits.available < 100  # the turn generated a clip, which costs credits
    data = user_dirs / "data" / "nemo-tui"
    assert (data / "engine").is_dir()  # the engine's files live where the headless commands put them
    store = Store(data / "nemo.db")
    try:
        assert [s.backend_key for s in store.list_sessions()] == ["local"]
    finally:
        store.close()
    assert not list(Path.cwd().glob("nemo.db"))  # nothing written to the current directory


def test_custom_cloud_address_gets_its_own_session_key(
    user_dirs: Path, engine_server: EngineServer, monkeypatch: pytest.MonkeyPatch
):
    # The engine speaks the cloud's contract: point NEMO_API_BASE at it and ask for the cloud.
    monkeypatch.setenv("NEMO_API_BASE", engine_server.base_url)
    seen: dict[str, object] = {}
    run_headless(monkeypatch, seen, message="generate a 1-second video of a sunset")
    assert launch.run_app(backend="cloud", export_dir=user_dirs / "exports") == 0
    assert seen["status"].local is False and seen["status"].backend_label == "cloud"
    store = Store(user_dirs / "data" / "nemo-tui" / "nemo.db")
    try:
        keys = [s.backend_key for s in store.list_sessions()]
    finally:
        store.close()
    assert keys == [f"cloud@{engine_server.base_url}"]
    assert keys == [backend_key_for("cloud", engine_server.base_url, DEFAULT_API_BASE)]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_auto_says_plainly_when_it_fell_back_to_the_local_engine(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch
):
    url = f"http://127.0.0.1:{_closed_port()}"  # nothing listens: the probe is refused at once
    monkeypatch.setenv("NEMO_API_BASE", url)
    seen: dict[str, object] = {}
    run_headless(monkeypatch, seen)
    assert launch.run_app(backend="auto", export_dir=user_dirs / "exports") == 0
    status = seen["status"]
    assert status.local is True and status.backend_label == "local engine (cloud unreachable)"
    assert "local engine (cloud unreachable)" in seen["text"]  # in the footer's status line
    first_two = seen["transcript"][:2]
    assert first_two[0] == ("notice:info", "Setting up...")
    role, text = first_two[1]
    assert role == "notice:warning" and url in text and "did not answer" in text and "local engine" in text


def test_bad_settings_close_the_app_with_one_clear_line(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.setenv("NEMO_API_BASE", "ftp://nowhere")
    run_headless(monkeypatch, {})
    assert launch.run_app(backend="cloud") == 2
    err = capsys.readouterr().err
    assert err.startswith("nemo-tui: ") and "NEMO_API_BASE" in err and "Traceback" not in err


async def test_first_paint_shows_setting_up_and_keys_before_anything_connects():
    release = asyncio.Event()
    conversation = ScriptedConversation()

    async def connect() -> Connected:
        await release.wait()  # the engine starting, the cloud probe...
        return Connected(conversation, "local engine", True)

    app = NemoApp(connect=connect, backend_label="choosing backend…", environ={"USER": "t"}, animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Setting up..." in text and "choosing backend…" in text and "connecting" in text
        assert "Quit" in text and "Help" in text  # the footer's keys
        assert conversation.calls == [] and app.busy
        await pilot.press("ctrl+e")  # nothing to export yet: refused, no crash
        release.set()
        await settle(app, pilot)
        assert conversation.calls == [("start", "")]
        transcript = app.query_one(ChatLog).transcript
        assert [text for _, text in transcript].count("Setting up...") == 1
        assert app.query_one(StatusBar).backend_label == "local engine"
        assert app.query_one(StatusBar).connection == "connected"


async def test_a_connection_that_fails_is_said_in_the_chat():
    async def connect() -> Connected:
        raise RuntimeError("The local engine did not start on http://127.0.0.1:1")

    app = NemoApp(
        connect=connect, backend_label="local engine", local=True, environ={"USER": "t"}, animate=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        errors = [text for role, text in app.query_one(ChatLog).transcript if role == "notice:error"]
        assert errors and "did not start" in errors[0] and "start nemo-tui again" in errors[0]
        assert app.query_one(StatusBar).connection == "error"
        app.query_one(PromptInput).load_text("hello")
        await pilot.press("enter")  # no backend: a clear refusal, not a crash
        await pilot.pause()
        assert app.conversation is None and not app.busy


def test_quitting_while_the_engine_starts_leaves_no_engine_running(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch
):
    import threading

    from nemo_tui import backend

    in_start, release, started = threading.Event(), threading.Event(), []
    real_engine_for = backend.engine_for

    def slow_engine(settings):
        """The real engine, whose start waits until the person has quit (a slow disk, say)."""
        engine = real_engine_for(settings)
        real_start = engine.start

        def start(*args, **kwargs):
            in_start.set()
            release.wait(5)
            started.append(real_start(*args, **kwargs))
            return started[-1]

        engine.start = start
        return engine

    monkeypatch.setattr(backend, "engine_for", slow_engine)

    async def quit_while_starting(self: NemoApp, *args, **kwargs) -> None:
        async with self.run_test(size=(100, 30)) as pilot:
            while not in_start.is_set():
                await pilot.pause(0.01)
            self.exit()
            threading.Timer(0.2, release.set).start()

    monkeypatch.setattr(NemoApp, "run_async", quit_while_starting)
    assert launch.run_app(backend="local", export_dir=user_dirs / "exports") == 0
    assert started  # the engine did come up after the app had closed...
    # ...and run_app, which waited for that thread, stopped it.
    assert not [t for t in threading.enumerate() if t.name.startswith("nemo-engine:")]


def test_ctrl_q_mid_turn_quits_at_once_and_stops_the_engine(user_dirs: Path, monkeypatch: pytest.MonkeyPatch):
    import threading
    import time

    from nemo_tui import backend

    engines: list[EngineServer] = []
    real_engine_for = backend.engine_for

    def slow_engine(settings):
        """The real engine, kept at hand to slow its reply stream once the app is up."""
        engine = real_engine_for(settings)
        engines.append(engine)
        return engine

    monkeypatch.setattr(backend, "engine_for", slow_engine)
    seen: dict[str, object] = {}

    async def quit_mid_turn(self: NemoApp, *args, **kwargs) -> None:
        async with self.run_test(size=(110, 30)) as pilot:
            while self.conversation is None or self.busy:  # connecting and start() also stream
                await pilot.pause(0.02)
            engines[0].faults.slow_stream_s = 2.0  # reply events 2 s apart: a turn still running
            self.query_one(PromptInput).load_text("generate a 1-second video of a sunset")
            await pilot.press("enter")
            await pilot.pause(0.3)
            seen["busy"] = self.busy
            seen["asked"] = time.monotonic()
            await pilot.press("ctrl+q")
        seen["closed"] = time.monotonic()

    monkeypatch.setattr(NemoApp, "run_async", quit_mid_turn)
    assert launch.run_app(backend="local", export_dir=user_dirs / "exports") == 0
    assert seen["busy"] is True  # Ctrl+Q came while the turn was streaming
    assert seen["closed"] - seen["asked"] < 1.5  # without waiting for the next 2 s event
    assert not [t for t in threading.enumerate() if t.name.startswith("nemo-engine:")]
