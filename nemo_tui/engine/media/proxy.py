"""Preview proxies: a small copy of each generated clip, kept beside it, that preview renders decode
instead of the clip (exports never do).

A clip `media/<id>.mp4` has its proxy at `media/<id>.proxy.mp4`, written by the generator in the
same ffmpeg run (scenes.py). Uploads have none: a preview uses the original. This module stays free of
the media stack (numpy, ffmpeg) so the engine's start-up sweep can name proxies without loading it.
"""

from __future__ import annotations

from pathlib import Path

# Short side of a proxy: half the stored clip's 540 rows. A 9:16 project's preview (270x480) is
# exactly this size; a 16:9 one (852x480) scales it up, which the terminal's player cannot tell apart
# at its own size (120x80 px in half-blocks).
PROXY_ROWS = 270
# x264 ultrafast (no CABAC, no deblocking, no B-frames): measured for 10 s at 480x270 beside a 960x540
# clip, it adds 0.25-0.45 s of ffmpeg CPU to the generation (superfast with fastdecode: 0.6-1.0 s) and
# decodes in 0.1 s against the clip's 0.3-0.35 s (superfast's proxy: the same), for a file of about
# 1 MB (superfast's: 0.43 MB; the clip's 2.3 MB). CRF 23 is plenty at preview size.
PROXY_X264 = ["-preset", "ultrafast", "-crf", "23"]
PROXY_SUFFIX = ".proxy.mp4"


def proxy_path(clip: Path | str) -> Path:
    """Where the proxy of `clip` lives (whether or not it exists)."""
    clip = Path(clip)
    return clip.with_name(clip.stem + PROXY_SUFFIX)


def proxy_size(width: int, height: int) -> tuple[int, int] | None:
    """The proxy's (even) size for a clip of width x height; None when the clip is small already."""
    short = min(width, height)
    if short <= PROXY_ROWS:
        return None
    factor = short / PROXY_ROWS
    return max(2, round(width / factor / 2) * 2), max(2, round(height / factor / 2) * 2)
