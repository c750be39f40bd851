"""Check a downloaded export really is an MP4, and read its duration and frame size.

A tiny ISO-BMFF box reader instead of ffprobe (imageio-ffmpeg ships no ffprobe, PyAV is only a test
dependency, and parsing `ffmpeg -i` text is brittle): `ftyp` first, then `moov` → `mvhd`
(timescale, duration) and each `trak` → `tkhd` (width, height, 16.16 fixed point) with its
`mdia/hdlr` handler (`vide`). `mdat` must exist and hold bytes. Works with `moov` before or after
`mdat` (with or without +faststart); reads only box headers and `moov`, never the media data.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_MAX_MOOV = 64 * 1024 * 1024  # a moov this large is not an export of this app's sizes


class NotMp4(ValueError):
    """The file is not a playable MP4; the message says what is missing."""


@dataclass(frozen=True)
class Mp4Info:
    duration_s: float
    width: int
    height: int
    # Each track's handler in file order ("vide", "soun"…): the export's track layout.
    handlers: tuple[str, ...] = ()


def _box_header(head: bytes, pos: int, end: int) -> tuple[bytes, int, int]:
    """(type, payload start, box end) of the box whose first 8–16 bytes are `head`, at `pos`."""
    size, kind = struct.unpack_from(">I4s", head, 0)
    header = 8
    if size == 1:
        if len(head) < 16 or pos + 16 > end:
            raise NotMp4("a box header is cut off")
        size = struct.unpack_from(">Q", head, 8)[0]
        header = 16
    elif size == 0:  # "to the end of the enclosing space"
        size = end - pos
    if size < header or pos + size > end:
        raise NotMp4(f"the {kind.decode('latin-1')!r} box is cut off (the file is truncated)")
    return kind, pos + header, pos + size


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        kind, payload, pos = _box_header(data[pos : pos + 16], pos, end)
        yield kind, payload, pos


def _top_level(f: BinaryIO, file_size: int) -> Iterator[tuple[bytes, int, int]]:
    """The same walk over a file's top-level boxes, reading only their headers."""
    pos = 0
    while pos + 8 <= file_size:
        f.seek(pos)
        kind, payload, pos = _box_header(f.read(16), pos, file_size)
        yield kind, payload, pos


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for k, s, e in _boxes(data, start, end):
        if k == kind:
            return s, e
    return None


def _track_video_size(moov: bytes, start: int, end: int) -> tuple[int, int] | None:
    tkhd = _child(moov, start, end, b"tkhd")
    mdia = _child(moov, start, end, b"mdia")
    hdlr = _child(moov, *mdia, b"hdlr") if mdia else None
    if not tkhd or not hdlr or moov[hdlr[0] + 8 : hdlr[0] + 12] != b"vide":
        return None
    _s, e = tkhd
    # width and height are the last 8 bytes of tkhd in both versions
    width, height = struct.unpack_from(">II", moov, e - 8)
    return width >> 16, height >> 16


def read_mp4_info(path: str | Path) -> Mp4Info:
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise NotMp4("the file is empty")
    moov: bytes | None = None
    mdat_bytes = 0
    with path.open("rb") as f:
        if f.read(8)[4:8] != b"ftyp":
            raise NotMp4("it does not start like an MP4 (no ftyp box)")
        for kind, start, end in _top_level(f, size):
            if kind == b"moov":
                if end - start > _MAX_MOOV:
                    raise NotMp4("its index (moov box) is implausibly large")
                f.seek(start)
                moov = f.read(end - start)
            elif kind == b"mdat":
                mdat_bytes += end - start
    if moov is None:
        raise NotMp4("it has no index (moov box); the download may be incomplete")
    if mdat_bytes == 0:
        raise NotMp4("it holds no media data")
    mvhd = _child(moov, 0, len(moov), b"mvhd")
    if mvhd is None:
        raise NotMp4("it has no movie header (mvhd box)")
    s, _ = mvhd
    if moov[s] == 1:
        timescale, duration = struct.unpack_from(">IQ", moov, s + 20)
    else:
        timescale, duration = struct.unpack_from(">II", moov, s + 12)
    if timescale == 0:
        raise NotMp4("its movie header has no timescale")
    sizes = [_track_video_size(moov, ts, te) for k, ts, te in _boxes(moov) if k == b"trak"]
    video = [wh for wh in sizes if wh and wh[0] > 0 and wh[1] > 0]
    if not video:
        raise NotMp4("it has no video track")
    width, height = video[0]
    handlers = tuple(_handler(moov, ts, te) for k, ts, te in _boxes(moov) if k == b"trak")
    return Mp4Info(duration_s=duration / timescale, width=width, height=height, handlers=handlers)


def _handler(moov: bytes, start: int, end: int) -> str:
    mdia = _child(moov, start, end, b"mdia")
    hdlr = _child(moov, *mdia, b"hdlr") if mdia else None
    return moov[hdlr[0] + 8 : hdlr[0] + 12].decode("latin-1") if hdlr else "?"
