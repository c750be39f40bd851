"""`nemo-tui` with no command: the backend choice is checked once, by the settings, so a bad
NEMO_BACKEND is exit status 2 with one line on stderr in the TUI too (the headless commands'
case is in tests/commands/test_cmd_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_tui import cli
from nemo_tui.ui.app import NemoApp


@pytest.fixture
def headless_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the app under Textual's test driver instead of the terminal."""
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("HOME", "home")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    async def headless(self: NemoApp, *args, **kwargs) -> None:
        async with self.run_test(size=(80, 24)) as pilot:
            for _ in range(250):  # the first worker reads the settings and closes the app
                await pilot.pause(0.02)
                if self.return_code is not None:
                    return

    monkeypatch.setattr(NemoApp, "run_async", headless)


@pytest.mark.parametrize("value", ["sideways", "Mars "])
def test_a_bad_nemo_backend_closes_the_tui_with_status_2(value: str, headless_app, monkeypatch, capsys):
    monkeypatch.setenv("NEMO_BACKEND", value)
    assert cli.main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "nemo-tui: Invalid setting: NEMO_BACKEND (cloud, local or auto)"
    )


def test_the_flags_win_over_nemo_backend_and_it_is_read_case_blind():
    parser = cli._parser()
    env = {"NEMO_BACKEND": " Local "}
    assert cli.first_backend(parser.parse_args([]), env) == "local"
    assert cli.first_backend(parser.parse_args(["--backend", "cloud"]), env) == "cloud"
    assert cli.first_backend(parser.parse_args(["--local"]), {"NEMO_BACKEND": "cloud"}) == "local"
    assert cli.first_backend(parser.parse_args([]), {}) == "auto"


def test_lang_is_a_flag_of_the_tui_and_of_every_headless_command(capsys):
    parser = cli._parser()
    assert parser.parse_args(["--lang", "zh"]).lang == "zh"
    assert parser.parse_args(["credits", "--lang", "en"]).lang == "en"
    assert parser.parse_args(["--lang", "zh", "status"]).lang == "zh", "before the command too"
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["--lang", "fr"])
    assert exit_.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err
