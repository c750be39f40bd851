"""Frames of a video file, decoded by the bundled ffmpeg into raw RGB at the size they are shown at.

`FrameSource` streams: one ffmpeg process writes frames to a pipe from a start time on, at a fixed
rate, scaled (aspect kept, black bars) to the player's pixel size; only one frame at a time is in
memory. Seeking starts a new process at `-ss` (fast input seeking, frame-accurate since ffmpeg 2.1).
`grab_frame` decodes a single frame (contact sheets, `--ansi`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..ffmpeg_path import FFmpegNotFound, find_ffmpeg


class DecodeError(Exception):
    """ffmpeg could not be found or could not read the file; str(e) says which, for a person."""


def ffmpeg_exe() -> str:
    """NEMO_FFMPEG wins (a system ffmpeg), else the static build of the imageio-ffmpeg wheel (the
    engine finds its ffmpeg the same way; core may not import the engine)."""
    try:
        return find_ffmpeg()
    except FFmpegNotFound as exc:
        raise DecodeError(str(exc)) from None


def _decode_args(path: Path | str, start_s: float, width: int, height: int, rate: float | None) -> list[str]:
    fit = (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease:flags=area,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black"
    )
    vf = f"fps={rate:g},{fit}" if rate else fit
    # A URL (the filmstrip reads clips where the server keeps them) may use web protocols only, and
    # gives up on a silent server instead of holding the worker.
    remote = ["-protocol_whitelist", "http,https,tcp,tls", "-rw_timeout", "15000000"]
    return [
        ffmpeg_exe(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        *(remote if isinstance(path, str) and "://" in path else []),
        "-ss",
        f"{max(start_s, 0.0):.3f}",
        "-i",
        str(path),
        "-an",
        "-sn",
        "-vf",
        vf,
        "-pix_fmt",
        "rgb24",
        "-f",
        "rawvideo",
        "pipe:1",
    ]


@dataclass(frozen=True)
class Frame:
    time_s: float
    pixels: np.ndarray  # (height, width, 3) uint8, read-only


class FrameSource:
    """Frames of `path` at `rate` per second, `width` x `height` pixels, from `seek(start)` on."""

    def __init__(self, path: Path, width: int, height: int, rate: float) -> None:
        if width < 1 or height < 1 or rate <= 0:
            raise ValueError(f"cannot decode at {width}x{height} and {rate} fps")
        self.path, self.width, self.height, self.rate = Path(path), width, height, rate
        self._proc: asyncio.subprocess.Process | None = None
        self._start_s = 0.0
        self._index = 0

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * 3

    async def seek(self, start_s: float) -> None:
        """The next read() is the frame at `start_s` (a new ffmpeg; the old one is stopped)."""
        await self.close()
        self._start_s, self._index = max(start_s, 0.0), 0
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *_decode_args(self.path, self._start_s, self.width, self.height, self.rate),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                limit=self.frame_bytes * 2,
            )
        except OSError as exc:
            raise DecodeError(f"ffmpeg could not start: {exc.strerror or exc}") from None

    async def read(self) -> Frame | None:
        """The next frame, or None at the end of the video."""
        if self._proc is None:
            await self.seek(self._start_s)
        assert self._proc is not None and self._proc.stdout is not None
        try:
            data = await self._proc.stdout.readexactly(self.frame_bytes)
        except asyncio.IncompleteReadError:
            return None
        time_s = self._start_s + self._index / self.rate
        self._index += 1
        pixels = np.frombuffer(data, dtype=np.uint8).reshape(self.height, self.width, 3)
        return Frame(time_s=time_s, pixels=pixels)

    async def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # Seen through even when the caller is cancelled again (the app closing while a player
        # stops): a process left unwaited is reaped after its loop is gone ("Event loop is closed").
        await asyncio.shield(_stop(proc))


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    # Drain the pipe to its end: with a full buffer asyncio stops reading it, never sees the EOF,
    # and wait() (which waits for the pipe to close too) would hang.
    if proc.stdout is not None:
        with contextlib.suppress(Exception):
            await proc.stdout.read()
    await proc.wait()


def grab_frame(path: Path | str, at_s: float, width: int, height: int) -> np.ndarray:
    """One frame at `at_s` (or the last one before it near the end), width x height RGB. `path` is a
    file, or an http(s) URL as a str."""
    size = width * height * 3
    for start in (at_s, max(at_s - 0.5, 0.0), 0.0):  # the very end may hold no frame to decode
        args = _decode_args(path, start, width, height, None)
        args[-1:-1] = ["-frames:v", "1"]
        try:
            done = subprocess.run(args, capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DecodeError(f"ffmpeg could not decode {Path(path).name}: {exc}") from None
        if len(done.stdout) >= size:
            return np.frombuffer(done.stdout[:size], dtype=np.uint8).reshape(height, width, 3)
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
    raise DecodeError(f"no picture in {Path(path).name}: {error[-1] if error else 'no frames'}")


# ---- posters: a preview's first frame, kept beside it ---------------------------------------------
# Playing a cached preview again waits on nothing but this small file: the first frame is on screen
# before ffmpeg has started (a process spawn, then a seek and a decode), which then takes over.


def load_poster(path: Path) -> np.ndarray | None:
    """The poster kept at `path`, or None when there is none or it is not a picture."""
    try:
        pixels: np.ndarray = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3 or 0 in pixels.shape:
        return None
    return pixels


def fit_poster(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """The poster at width x height: resampled by nearest pixel when the player's size has changed
    since it was kept (shown for a moment, until the decoder's first frame replaces it)."""
    if pixels.shape[:2] != (height, width):
        rows = (np.arange(height) * pixels.shape[0]) // height
        columns = (np.arange(width) * pixels.shape[1]) // width
        pixels = pixels[rows][:, columns]
    return np.ascontiguousarray(pixels)


def write_poster(path: Path, pixels: np.ndarray) -> None:
    """Kept for the next time (written whole or not at all; a cache that cannot be written only
    costs the head start)."""
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as out:
            np.save(out, pixels, allow_pickle=False)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
