"""`nemo-tui --local` as the CLI runs it: real settings, store, engine, client, Conversation and app
(the terminal swapped for Textual's headless test driver)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_scripted import screen_text, settle

from nemo_tui.ui import launch
from nemo_tui.ui.app import NemoApp


def test_ui_language_follows_the_locale():
    assert launch.ui_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert launch.ui_language({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert launch.ui_language({}) == "en"


def test_run_app_local_starts_the_engine_connects_and_shuts_everything(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("HOME", "home")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
    seen: dict[str, object] = {}

    async def headless(self: NemoApp, *args, **kwargs) -> None:
        async with self.run_test(size=(100, 30)) as pilot:
            await settle(self, pilot)
            seen["text"] = screen_text(self)
            seen["local"] = self.local
            seen["credits"] = self.query_one("#status").credits

    monkeypatch.setattr(NemoApp, "run_async", headless)
    assert launch.run_app(backend="local", export_dir=tmp_path / "exports") == 0
    assert seen["local"] is True
    assert "Using the local engine" in seen["text"] and "local engine" in seen["text"]
    assert seen["credits"].available == 100
    assert (tmp_path / "data" / "nemo-tui").is_dir()  # the store went to the user data dir
    assert not list(Path.cwd().glob("nemo.db"))  # nothing written to the current directory


def test_bad_settings_are_one_clear_line(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("NEMO_API_BASE", "ftp://nowhere")
    assert launch.run_app(backend="cloud") == 2
    err = capsys.readouterr().err
    assert err.startswith("nemo-tui: ") and "NEMO_API_BASE" in err and "Traceback" not in err
