"""`nemo-tui doctor`: each check with its condition faked (a stand-in tmux or ffmpeg on PATH, an
empty fontconfig, an unwritable folder, a closed port for the cloud), and the --json report."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from nemo_tui.cli import main
from nemo_tui.core.settings import Settings
from nemo_tui.doctor import machine as doctor_machine
from nemo_tui.doctor import terminal as doctor_terminal
from nemo_tui.doctor.model import DoctorReport
from nemo_tui.doctor.terminal import Machine
from nemo_tui.engine.media import fonts
from nemo_tui.engine.runner import EngineServer

TOKEN = "tok-very-secret-1234567890"


def machine(size: tuple[int, int] | None = (120, 40), ancestors: tuple[str, ...] = (), **env: str) -> Machine:
    return Machine({"PATH": os.environ["PATH"], **env}, size, ancestors)


def settings(tmp_path: Path, **overrides) -> Settings:
    values = dict(export_dir=tmp_path / "exports", data_dir=tmp_path / "data", config_dir=tmp_path / "config")
    return Settings(**{**values, **overrides})


def stand_in(folder: Path, name: str, script: str) -> Path:
    """A program on PATH that runs `script` (Python) with its arguments in sys.argv."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport sys\n{script}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def closed_port() -> Iterator[str]:
    """A loopback address where nothing listens (bound, never accepting): connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


# ---- terminal, colour, tmux, remote, locale ------------------------------------------------------
def test_terminal_without_term_fails_and_a_small_one_warns() -> None:
    dumb = doctor_terminal.check_terminal(machine(TERM="dumb"))
    assert dumb.status == "fail" and "TERM" in dumb.fix
    small = doctor_terminal.check_terminal(machine(size=(60, 20), TERM="xterm-256color"))
    assert small.status == "warn" and "60×20" in small.detail and "80" in small.fix
    fine = doctor_terminal.check_terminal(machine(TERM="xterm-256color"))
    assert fine.status == "ok" and "120×40" in fine.detail


def test_colour_without_truecolor_warns_and_names_the_image_protocol() -> None:
    plain = doctor_terminal.check_colour(machine(TERM="xterm-256color"))
    assert plain.status == "warn" and "COLORTERM=truecolor" in plain.fix and "half-block" in plain.detail
    kitty = doctor_terminal.check_colour(machine(TERM="xterm-kitty", COLORTERM="truecolor"))
    assert kitty.status == "ok" and "kitty" in kitty.detail


def test_colour_names_the_graphics_the_terminal_answered_or_the_override(tmp_path: Path) -> None:
    from nemo_tui.core import graphics

    cache, config = tmp_path / "graphics.json", tmp_path / "config.toml"
    here = machine(TERM="xterm-256color", COLORTERM="truecolor")
    assert "until the app has asked" in doctor_terminal.check_colour(here, config, cache).detail
    graphics.remember(here.environ, "sixel", cache)
    assert "Sixel" in doctor_terminal.check_colour(here, config, cache).detail
    config.write_text('graphics = "none"\n', encoding="utf-8")
    assert "config.toml says none" in doctor_terminal.check_colour(here, config, cache).detail
    forced = machine(TERM="xterm-256color", COLORTERM="truecolor", NEMO_GRAPHICS="kitty")
    assert "NEMO_GRAPHICS says kitty" in doctor_terminal.check_colour(forced, config, cache).detail


TMUX = """
options = {"allow-passthrough": "off", "set-clipboard": "external", "extended-keys": "on"}
if sys.argv[1:] == ["-V"]:
    print("tmux 3.4")
elif sys.argv[1:3] == ["show", "-gv"] and sys.argv[3] in options:
    print(OVERRIDE.get(sys.argv[3], options[sys.argv[3]]))
else:
    print("invalid option: " + sys.argv[-1], file=sys.stderr); sys.exit(1)
"""


def test_tmux_without_passthrough_warns_with_the_setting_that_fixes_it(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, "tmux", "OVERRIDE = {}\n" + TMUX)
    inside = machine(TMUX="/tmp/tmux-0/default,1,0", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    check = doctor_terminal.check_tmux(inside)
    assert check.status == "warn" and "tmux 3.4" in check.detail and "allow-passthrough off" in check.detail
    assert check.fix.startswith("tmux set -g allow-passthrough on") and "set-clipboard" not in check.fix
    stand_in(bin_dir, "tmux", "OVERRIDE = {'allow-passthrough': 'on'}\n" + TMUX)
    assert doctor_terminal.check_tmux(inside).status == "ok"
    assert doctor_terminal.check_tmux(machine()).detail == "not inside tmux"


def test_an_old_tmux_without_the_options_is_told_to_upgrade(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, "tmux", "print('tmux 3.0a') if sys.argv[1:] == ['-V'] else sys.exit(1)")
    check = doctor_terminal.check_tmux(machine(TMUX="x", PATH=str(bin_dir)))
    assert check.status == "warn" and "no allow-passthrough" in check.detail and "3.3" in check.fix


def test_mosh_warns_about_images_and_ssh_is_named() -> None:
    mosh = doctor_terminal.check_remote(machine(ancestors=("bash", "mosh-server")))
    assert mosh.status == "warn" and "half-block" in mosh.detail and "ssh" in mosh.fix
    ssh = doctor_terminal.check_remote(machine(SSH_CONNECTION="10.0.0.2 50000 10.0.0.1 22"))
    assert ssh.status == "ok" and "SSH from 10.0.0.2" in ssh.detail


def test_a_locale_that_is_not_utf8_warns() -> None:
    posix = doctor_terminal.check_locale(machine(LANG="C"))
    assert posix.status == "warn" and "LANG=C" in posix.detail and "UTF-8" in posix.fix
    assert doctor_terminal.check_locale(machine(LANG="C", LC_ALL="zh_CN.UTF-8")).status == "ok"


def test_the_send_key_is_reported_with_where_it_was_set_and_ctrl_enter_warns(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    default = doctor_terminal.check_send_key(machine(), config)
    assert (
        default.status == "ok" and default.detail.startswith("Enter sends") and "alt+enter" in default.detail
    )
    config.write_text('send_key = "Alt+Enter"\n', encoding="utf-8")
    alt = doctor_terminal.check_send_key(machine(), config)
    assert alt.status == "ok" and alt.detail.startswith("Alt+Enter sends") and "config.toml" in alt.detail
    # The environment wins over the file; Ctrl+Enter in tmux may arrive as a plain Enter.
    ctrl = doctor_terminal.check_send_key(
        machine(NEMO_SEND_KEY="ctrl+enter", TMUX="x", TERM="screen"), config
    )
    assert ctrl.status == "warn" and "NEMO_SEND_KEY" in ctrl.detail and 'send_key = "alt+enter"' in ctrl.fix
    kitty = doctor_terminal.check_send_key(machine(NEMO_SEND_KEY="ctrl+enter", TERM="xterm-kitty"), config)
    assert kitty.status == "ok"
    bad = doctor_terminal.check_send_key(machine(NEMO_SEND_KEY="space"), config)
    assert bad.status == "warn" and "'space'" in bad.detail and "Enter sends" in bad.detail


# ---- font, ffmpeg --------------------------------------------------------------------------------
def test_no_cjk_font_fails_and_the_bundled_face_is_named(bare_font_machine, monkeypatch) -> None:
    bundled = doctor_machine.check_cjk_font()
    assert bundled.status == "ok" and "Noto Sans CJK SC" in bundled.detail and "face 2" in bundled.detail
    monkeypatch.setattr(fonts, "bundled_cjk_file", lambda: None)
    fonts.clear_font_cache()
    missing = doctor_machine.check_cjk_font()
    assert missing.status == "fail" and "NEMO_FONT" in missing.fix and "boxes" in missing.detail


def test_an_ffmpeg_without_libx264_or_missing_fails(tmp_path: Path, monkeypatch) -> None:
    fake = stand_in(
        tmp_path / "bin",
        "ffmpeg",
        "print('ffmpeg version 4.4.2' if '-version' in sys.argv else ' V..... libopenh264  OpenH264\\n T.. drawtext')",
    )
    monkeypatch.setenv("NEMO_FFMPEG", str(fake))
    check = doctor_machine.check_ffmpeg()
    assert check.status == "fail" and "version 4.4.2" in check.detail and "no libx264" in check.detail
    monkeypatch.setenv("NEMO_FFMPEG", str(tmp_path / "nowhere"))
    assert (
        doctor_machine.check_ffmpeg().status == "fail" and "NEMO_FFMPEG" in doctor_machine.check_ffmpeg().fix
    )
    monkeypatch.delenv("NEMO_FFMPEG")
    assert doctor_machine.check_ffmpeg().status == "ok"


# ---- folders -------------------------------------------------------------------------------------
def test_an_unwritable_export_folder_fails(tmp_path: Path, monkeypatch) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    bad = doctor_machine.check_export_dir(settings(tmp_path, export_dir=a_file / "videos"))
    assert bad.status == "fail" and "NEMO_EXPORT_DIR" in bad.fix
    good = doctor_machine.check_export_dir(settings(tmp_path))
    assert good.status == "ok" and "GB free" in good.detail and "made on the first export" in good.detail
    almost_full = SimpleNamespace(total=10 << 30, used=(10 << 30) - (100 << 20), free=100 << 20)
    monkeypatch.setattr(doctor_machine.shutil, "disk_usage", lambda _: almost_full)
    low = doctor_machine.check_export_dir(settings(tmp_path))
    assert low.status == "warn" and "0.1 GB free" in low.detail and "free some disk space" in low.fix


def test_folders_others_can_read_warn_with_chmod(tmp_path: Path) -> None:
    s = settings(tmp_path)
    s.config_dir.mkdir(mode=0o755)
    os.chmod(s.config_dir, 0o755)
    (s.config_dir / "credentials.json").write_text("{}")
    os.chmod(s.config_dir / "credentials.json", 0o644)
    loose = doctor_machine.check_private_folders(s)
    assert loose.status == "warn"
    assert (
        f"chmod 700 {s.config_dir}" in loose.fix
        and f"chmod 600 {s.config_dir / 'credentials.json'}" in loose.fix
    )
    os.chmod(s.config_dir, 0o700)
    os.chmod(s.config_dir / "credentials.json", 0o600)
    assert doctor_machine.check_private_folders(s).status == "ok"


# ---- backends, credentials -----------------------------------------------------------------------
def test_an_unreachable_cloud_warns_and_fails_when_it_is_the_backend(
    tmp_path: Path, closed_port: str
) -> None:
    auto = doctor_machine.check_cloud(settings(tmp_path, api_base=closed_port))
    assert auto.status == "warn" and closed_port in auto.detail and "--local" in auto.fix
    assert (
        doctor_machine.check_cloud(settings(tmp_path, api_base=closed_port, backend="cloud")).status == "fail"
    )


def test_a_reachable_cloud_says_how_fast(tmp_path: Path, engine_server: EngineServer) -> None:
    check = doctor_machine.check_cloud(settings(tmp_path, api_base=engine_server.base_url))
    assert check.status == "ok" and check.detail.endswith(" ms") and "answered in" in check.detail


def test_the_local_engine_starts_or_says_why_not(monkeypatch) -> None:
    assert doctor_machine.check_local_engine().status == "ok"

    def refuse(self, timeout_s: float = 20.0):
        raise RuntimeError("The local engine did not start on http://127.0.0.1:1.")

    monkeypatch.setattr(EngineServer, "start", refuse)
    broken = doctor_machine.check_local_engine()
    assert broken.status == "fail" and "did not start" in broken.detail and broken.fix


def test_credentials_are_reported_present_never_shown(tmp_path: Path) -> None:
    from pydantic import SecretStr

    present = doctor_machine.check_credentials(settings(tmp_path, token=SecretStr(TOKEN)))
    assert present.status == "ok" and "credentials present" in present.detail
    assert TOKEN not in present.model_dump_json()
    none_yet = doctor_machine.check_credentials(settings(tmp_path))
    assert none_yet.status == "ok" and "fetched on first use" in none_yet.detail


# ---- the command ---------------------------------------------------------------------------------
def test_doctor_json_validates_and_never_shows_the_token(
    tmp_path: Path, monkeypatch, capsys, closed_port
) -> None:
    monkeypatch.setenv("NEMO_API_URL", closed_port)  # never the real cloud
    monkeypatch.setenv("NEMO_TOKEN", TOKEN)
    for name, folder in (
        ("NEMO_EXPORT_DIR", "exports"),
        ("NEMO_DATA_DIR", "data"),
        ("NEMO_CONFIG_DIR", "config"),
    ):
        monkeypatch.setenv(name, str(tmp_path / folder))
    code = main(["doctor", "--json"])
    out = capsys.readouterr()
    report = DoctorReport.model_validate_json(out.out)
    ids = [c.id for c in report.checks]
    assert ids == [
        "terminal",
        "colour",
        "tmux",
        "remote",
        "locale",
        "send_key",
        "cjk_font",
        "ffmpeg",
        "export_dir",
        "folders",
        "cloud",
        "local_engine",
        "credentials",
    ]
    assert report.check("cloud").status == "warn" and report.check("credentials").detail.startswith(
        "credentials present"
    )
    assert code == (1 if report.status == "fail" else 0)
    assert TOKEN not in out.out + out.err
    assert all(c.fix for c in report.checks if c.status != "ok"), "every problem says how to fix it"


def test_doctor_text_puts_the_fix_under_each_problem(
    tmp_path: Path, monkeypatch, capsys, closed_port
) -> None:
    monkeypatch.setenv("NEMO_API_URL", closed_port)
    monkeypatch.setenv("NEMO_EXPORT_DIR", str(tmp_path / "exports"))
    main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    cloud = next(i for i, line in enumerate(lines) if line.startswith("warn") and "Cloud" in line)
    assert lines[cloud + 1].strip().startswith("fix: check the network")
    assert not any("\033[" in line for line in lines), "plain text in a pipe"
