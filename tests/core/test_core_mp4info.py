"""The MP4 check used after every export, against files ffmpeg really wrote (and PyAV's reading)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import imageio_ffmpeg
import pytest

from nemo_tui.core.mp4info import NotMp4, read_mp4_info


def encode(dest: Path, *, seconds: float, size: str, faststart: bool) -> Path:
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size={size}:rate=10:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:duration={seconds}",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
    ]
    if faststart:
        cmd += ["-movflags", "+faststart"]
    subprocess.run([*cmd, str(dest)], check=True)
    return dest


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("mp4")
    return {
        "fast": encode(d / "fast.mp4", seconds=2, size="96x64", faststart=True),
        "tail": encode(d / "tail.mp4", seconds=1.5, size="64x112", faststart=False),
    }


@pytest.mark.parametrize("name", ["fast", "tail"])
def test_matches_what_pyav_reads(clips: dict[str, Path], name: str) -> None:
    info = read_mp4_info(clips[name])
    with av.open(str(clips[name])) as container:
        stream = container.streams.video[0]
        expected = (stream.codec_context.width, stream.codec_context.height)
        duration = container.duration / 1_000_000
    assert (info.width, info.height) == expected
    assert info.duration_s == pytest.approx(duration, abs=0.1)


def test_known_values(clips: dict[str, Path]) -> None:
    info = read_mp4_info(clips["fast"])
    assert (info.width, info.height) == (96, 64)
    assert info.duration_s == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"<html>503 Service Unavailable</html>" * 3, "does not start like an MP4"),
    ],
)
def test_not_an_mp4(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    with pytest.raises(NotMp4, match=reason):
        read_mp4_info(bad)


def test_truncated_download_is_caught(clips: dict[str, Path], tmp_path: Path) -> None:
    data = clips["tail"].read_bytes()  # moov at the end: a cut file has none
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(NotMp4, match=r"truncated|no index"):
        read_mp4_info(cut)
