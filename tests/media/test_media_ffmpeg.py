"""The ffmpeg layer: which binary runs, what the renderer asks of it (ffmpeg 5.1-safe), error text, fonts."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from nemo_tui.engine.media.ffmpeg import FFmpegError, ffmpeg_exe, meaningful_error, probe
from nemo_tui.engine.media.fonts import clear_font_cache, find_font
from nemo_tui.engine.media.render import RenderError, render_draft
from nemo_tui.protocol import Draft


def recording_ffmpeg(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in ffmpeg that writes down each command line, then runs the real one."""
    log = tmp_path / "calls.jsonl"
    script = tmp_path / "ffmpeg-recorder"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"os.execv({ffmpeg_exe()!r}, [{ffmpeg_exe()!r}] + sys.argv[1:])\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def test_the_render_is_one_ffmpeg_run_with_one_inline_graph(
    media: dict[str, Path], tmp_path: Path, monkeypatch
) -> None:
    script, log = recording_ffmpeg(tmp_path)
    monkeypatch.setenv("NEMO_FFMPEG", str(script))
    d = Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": 500, "m": {"source": "sunset"}}, {"d": 500, "m": {"source": "city"}}]},
                {"tt": 7, "sg": [{"d": 500, "m": {"text": "Hi"}}]},
                {"tt": 1, "sg": [{"d": 1000, "m": {"source": "bgm", "volume": 0.35}}]},
            ]
        }
    )
    render_draft(d, media.get, tmp_path / "out.mp4", width=160, height=90)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    renders = [c for c in calls if "-filter_complex" in c]
    assert len(renders) == 1, "one ffmpeg run renders the whole draft"
    args = renders[0]
    assert args.count("-filter_complex") == 1
    graph = args[args.index("-filter_complex") + 1]
    assert "amix=" in graph and "normalize=0" in graph and "drawtext=" in graph and "fontfile=" in graph
    # Distribution ffmpeg 5.1 must understand it: no -vsync (gone in 7), no script files.
    assert "-fps_mode" in args and "-vsync" not in args and "-filter_complex_script" not in args
    output_t = len(args) - 1 - args[::-1].index("-t")  # the last -t is the output's (inputs have theirs)
    assert args[output_t + 1] == "1.000" and "+faststart" in args
    assert (tmp_path / "out.mp4").stat().st_size > 0


def test_nemo_ffmpeg_that_cannot_run_is_said_plainly(
    media: dict[str, Path], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("NEMO_FFMPEG", str(tmp_path / "no-such-ffmpeg"))
    with pytest.raises(RenderError, match=r"NEMO_FFMPEG is set to .*no-such-ffmpeg"):
        render_draft(
            Draft.from_wire({"t": [{"tt": 7, "sg": [{"d": 500, "m": {"text": "x"}}]}]}),
            media.get,
            tmp_path / "out.mp4",
            width=160,
            height=90,
        )
    assert not (tmp_path / "out.mp4").exists()


def test_ffmpeg_noise_is_left_out_of_error_messages() -> None:
    lines = [
        "ffmpeg version 5.1.9 Copyright (c) 2000-2024",
        "  configuration: --enable-gpl",
        "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5581e0c2a3c0] moov atom not found",
        "Error opening input file /tmp/x.mp4.",
        "",
    ]
    assert meaningful_error(lines) == "Error opening input file /tmp/x.mp4."
    assert meaningful_error(lines[:3]) == "moov atom not found"
    assert meaningful_error([]) == "ffmpeg failed without saying why"


def test_probe_reads_media_and_refuses_junk(media: dict[str, Path], tmp_path: Path) -> None:
    clip = probe(media["sunset"])
    assert clip.has_video and not clip.has_audio and not clip.is_still_image
    assert (clip.width, clip.height) == (320, 180) and abs(clip.duration_s - 1.0) < 0.05
    song = probe(media["bgm"])
    assert song.has_audio and not song.has_video
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(FFmpegError, match=r"\S"):
        probe(junk)


def test_a_font_is_found_and_nemo_font_overrides_it(tmp_path: Path, monkeypatch) -> None:
    clear_font_cache()
    font = find_font(cjk=True)
    assert font is not None and font.is_file()
    custom = tmp_path / "mine.ttf"
    custom.write_bytes(font.read_bytes()[:1024])
    monkeypatch.setenv("NEMO_FONT", str(custom))
    clear_font_cache()
    try:
        assert find_font(cjk=True) == custom
    finally:
        monkeypatch.delenv("NEMO_FONT")
        clear_font_cache()
    assert os.environ.get("NEMO_FONT") is None


def test_a_probe_that_hangs_is_stopped_with_a_reason(tmp_path: Path, monkeypatch) -> None:
    """A stuck ffmpeg must end as FFmpegError (which uploads and renders turn into messages), not as
    subprocess's TimeoutExpired escaping as an engine crash."""
    import nemo_tui.engine.media.ffmpeg as ffmpeg_module

    hanging = tmp_path / "hanging-ffmpeg"
    hanging.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    hanging.chmod(hanging.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("NEMO_FFMPEG", str(hanging))
    monkeypatch.setattr(ffmpeg_module, "PROBE_TIMEOUT_S", 0.5)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 64)
    with pytest.raises(FFmpegError, match=r"took over 0\.5 s"):
        probe(clip)
