"""Finding and running ffmpeg: the executable, a progress-reporting runner, probing (fonts: fonts.py).

Command lines built on top of this module stay within what distribution ffmpeg 5.1 understands
(inline `-filter_complex`, `-fps_mode`), because NEMO_FFMPEG may point at one.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ...ffmpeg_path import FFmpegNotFound, find_ffmpeg

# Measured on 2 cores (tests/bench.py): x264 `veryfast` spends ~1.8x the reference's time on these
# moving, full-frame scenes; `superfast` (no mb-tree, diamond search) stays within 1.5x and still looks
# clean at CRF 20. Shared by the clip generator and the renderer.
X264_PRESET = "superfast"
X264_CRF = "20"

# Colour: players decode HD video with the BT.709 matrix (and untagged files are guessed at), so every
# RGB->YUV conversion uses BT.709 limited range explicitly (swscale's default is BT.601: reds shift),
# frames in a filter graph carry it (drawtext converts its colours with it), and files say so.
TO_BT709 = "out_color_matrix=bt709:out_range=tv"
BT709_FRAMES = "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"
BT709_TAGS = [
    "-colorspace",
    "bt709",
    "-color_primaries",
    "bt709",
    "-color_trc",
    "bt709",
    "-color_range",
    "tv",
]


class FFmpegError(Exception):
    """ffmpeg failed; str(e) is its last meaningful stderr line."""


def ffmpeg_exe() -> str:
    """NEMO_FFMPEG wins (a system ffmpeg ≥ 5.1); else the static build shipped by imageio-ffmpeg."""
    try:
        return find_ffmpeg()
    except FFmpegNotFound as exc:
        raise FFmpegError(str(exc)) from None


# Lines ffmpeg prints that say nothing about why it failed.
_NOISE = re.compile(
    r"^(ffmpeg version|built with|configuration:|lib\w+\s+\d|Input #|Output #|Stream #|Stream mapping|"
    r"Metadata:|Duration:|Press \[q\]|\s|Conversion failed!?$|Exiting normally|frame=|size=)"
)


# Lines that only say *that* something failed; a line before them usually says why.
_GENERIC = re.compile(
    r"(Error marking filters|Cannot determine format|Conversion failed|Error while (filtering|processing)|"
    r"Task finished with error|Terminating thread|Error closing|Error sending frames|Nothing was written|"
    r"exit code|Exiting|Error opening output|Error initializing output)",
    re.IGNORECASE,
)


def _clean(line: str) -> str:
    text = re.sub(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*", "", line.strip())
    return re.sub(r"^\[\w+#?\d*(:\d+)?(/\w+)?\s*@?[^\]]*\]\s*", "", text)


def meaningful_error(stderr_lines: list[str] | deque[str]) -> str:
    """The last stderr line that explains a failure, without ffmpeg's `[tag @ 0x…]` prefix."""
    lines = [ln for ln in stderr_lines if ln.strip() and not _NOISE.match(ln)]
    for skip_generic in (True, False):
        for line in reversed(lines):
            text = _clean(line)
            if text and not (skip_generic and _GENERIC.search(text)):
                return text
    return "ffmpeg failed without saying why"


def run_ffmpeg(
    args: list[str],
    *,
    duration_s: float | None = None,
    on_progress: Callable[[float], None] | None = None,
    feed_stdin: Callable[[IO[bytes]], object] | None = None,
    stall_s: float = 120.0,
) -> float:
    """Run `ffmpeg <args>` with `-progress pipe:1`, reporting out_time / duration_s as 0..1.

    `feed_stdin(pipe)` runs in a writer thread (raw frames or samples) and must not close the pipe.
    A run whose output time stops advancing for `stall_s` is stopped (a damaged input can make ffmpeg
    spin without producing anything). Returns the output time reached, in seconds. Raises FFmpegError
    with ffmpeg's reason, or the writer's own exception.
    """
    # -nostdin only when stdin carries no data: ffmpeg would otherwise read keystrokes from it.
    no_stdin = [] if feed_stdin else ["-nostdin"]
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        *no_stdin,
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        *args,
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if feed_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise FFmpegError(f"ffmpeg could not be started: {exc.strerror or exc}") from exc
    stderr_tail: deque[str] = deque(maxlen=40)
    writer_error: list[BaseException] = []
    out_time = [0.0]
    last_advance = [time.monotonic()]
    stalled = threading.Event()
    finished = threading.Event()

    def drain_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            stderr_tail.append(raw.decode("utf-8", "replace").rstrip())

    def write_stdin() -> None:
        assert proc.stdin is not None and feed_stdin is not None
        try:
            feed_stdin(proc.stdin)
        except BrokenPipeError:
            pass  # ffmpeg stopped reading: its own error explains why
        except BaseException as exc:  # surfaced to the caller after ffmpeg is stopped
            writer_error.append(exc)
            proc.kill()
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()

    def watchdog() -> None:
        while not finished.wait(1.0):
            if time.monotonic() - last_advance[0] > stall_s:
                stalled.set()
                proc.kill()
                return

    threads = [
        threading.Thread(target=drain_stderr, daemon=True),
        threading.Thread(target=watchdog, daemon=True),
    ]
    if feed_stdin:
        threads.append(threading.Thread(target=write_stdin, daemon=True))
    for t in threads:
        t.start()
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            # out_time_us; old builds misname microseconds as out_time_ms.
            if key in ("out_time_us", "out_time_ms") and value.isdigit():
                seconds = int(value) / 1e6
                if seconds > out_time[0]:
                    out_time[0] = seconds
                    last_advance[0] = time.monotonic()
                if on_progress and duration_s:
                    on_progress(min(max(seconds / duration_s, 0.0), 1.0))
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        finished.set()
        for t in threads:
            t.join(timeout=10)
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()
    if writer_error:
        raise writer_error[0]
    if stalled.is_set():
        raise FFmpegError(f"ffmpeg made no progress for {stall_s:.0f} s (a damaged input?) and was stopped")
    if proc.returncode != 0:
        raise FFmpegError(meaningful_error(stderr_tail))
    return out_time[0]


@dataclass(frozen=True)
class MediaInfo:
    duration_s: float | None
    has_video: bool
    has_audio: bool
    is_still_image: bool
    width: int | None = None
    height: int | None = None


# Reading 0.2 s of a healthy file takes well under a second; a minute means it is stuck.
PROBE_TIMEOUT_S = 60.0
_IMAGE_DEMUXERS = ("image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe")


def probe(path: Path) -> MediaInfo:
    """What a media file holds, read from `ffmpeg -i` (imageio-ffmpeg ships no ffprobe), after
    decoding its first 0.2 s: a header alone can look fine on a file whose media is missing.

    Raises FFmpegError with a reason when the file cannot be opened or played as media.
    """
    try:
        proc = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-t", "0.2", "-f", "null", "-"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=PROBE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed it; callers expect FFmpegError only
        raise FFmpegError(
            f"reading it took over {PROBE_TIMEOUT_S:g} s and was stopped (a damaged file?)"
        ) from None
    except OSError as exc:
        raise FFmpegError(f"ffmpeg could not be started: {exc.strerror or exc}") from None
    text = proc.stderr.decode("utf-8", "replace")
    if "Input #0" not in text:
        raise FFmpegError(meaningful_error(text.splitlines()))
    if "received no packets" in text or "Output file is empty" in text:
        raise FFmpegError("it holds no frames or sound (the file may be cut short)")
    if proc.returncode != 0:
        raise FFmpegError(meaningful_error(text.splitlines()))
    streams = re.findall(r"Stream #0:\d+.*?: (Video|Audio): ([^\n]*)", text)
    video = [detail for kind, detail in streams if kind == "Video"]
    audio = [detail for kind, detail in streams if kind == "Audio"]
    if not video and not audio:
        raise FFmpegError("it holds no video or audio")
    duration = None
    match = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", text)
    if match:
        h, m, s = match.groups()
        duration = int(h) * 3600 + int(m) * 60 + float(s)
    demuxer = re.search(r"Input #0, ([\w,]+), from", text)
    still = bool(demuxer and demuxer.group(1).split(",")[0] in _IMAGE_DEMUXERS)
    width = height = None
    if video:
        size = re.search(r"(\d{2,5})x(\d{2,5})", video[0])
        if size:
            width, height = int(size.group(1)), int(size.group(2))
    return MediaInfo(duration, bool(video), bool(audio), still, width, height)
