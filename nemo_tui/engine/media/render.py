"""The draft renderer: a draft becomes ONE ffmpeg run with ONE inline -filter_complex.

Video segments are trimmed, looped or padded to their duration, fitted into the frame (aspect kept,
black bars), normalised to the frame rate and concatenated, with black where the track has gaps; images
are shown for their duration; text tracks become drawtext overlays; audio (music and the clips' own
sound) is delayed to its place and mixed at each segment's volume. The output is H.264 yuv420p + AAC with
+faststart, exactly the draft's duration, written to a temporary file and renamed into place.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from nemo_tui.protocol import Draft, Segment, TrackType

from .ffmpeg import (
    BT709_FRAMES,
    BT709_TAGS,
    TO_BT709,
    X264_CRF,
    X264_PRESET,
    FFmpegError,
    MediaInfo,
    ffmpeg_exe,
    probe,
    run_ffmpeg,
)
from .fonts import font_for, missing_glyphs
from .segtime import atempo as _atempo
from .segtime import fades as _fades
from .segtime import music_fades
from .segtime import seconds_of as _ms
from .segtime import speed as _speed
from .text import drawtext_filters, shown_between

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
# Preview renders are watched once in a terminal at a few hundred pixels: the fastest x264 preset
# (no B-frames, no lookahead) and a CRF that keeps titles readable at that size.
PREVIEW_PRESET = "ultrafast"
PREVIEW_CRF = "26"
# The in-terminal player shows 15 frames a second (ui/screens/player.py): encoding more is wasted.
PREVIEW_FPS = 15
# Decoding the 1080p clips is most of a preview's time: skipping the H.264 deblocking filter saves
# about a quarter of it (measured: 1.9 -> 1.45 CPU s for the benchmark's 10 s draft), and its blocking
# artefacts vanish when the picture is scaled down to preview size.
PREVIEW_DECODE = ["-skip_loop_filter", "all", "-flags2", "fast"]
# ffmpeg's AAC encoder searches its quantisers in two loops by default, about a third of a preview's
# CPU time for 10 s of music (0.4 s); its fast coder takes under half that, for sound nobody in a
# terminal hears (the player is silent) and a cached file that still plays anywhere.
PREVIEW_AAC = ["-aac_coder", "fast"]


class RenderError(Exception):
    """An export that cannot be made; str(e) is the reason, for a person."""


class _Graph:
    def __init__(self, width: int, height: int, fps: int, decode: list[str] | None = None):
        self.w, self.h, self.fps = width, height, fps
        self.decode = decode or []  # input options for every video clip (PREVIEW_DECODE)
        # Clips are stored at 540 rows and scaled once: lanczos keeps that detail in an export; a
        # preview is scaled down to a terminal's size, where bilinear is as good and cheaper.
        self.scaler = "bilinear" if decode else "lanczos"
        self.inputs: list[list[str]] = []
        self.chains: list[str] = []
        self.audio: list[str] = []
        self._labels = 0

    def label(self, prefix: str) -> str:
        self._labels += 1
        return f"{prefix}{self._labels}"

    def add_input(self, args: list[str]) -> int:
        self.inputs.append(args)
        return len(self.inputs) - 1

    def fit(self, source: str, duration_s: float, speed: float = 1.0, fades: str = "") -> str:
        """A stream made exactly duration_s long at the output size, rate and pixel format, played
        at `speed`, with `fades` (a filter chain from `_fades`) at its ends."""
        out = self.label("v")
        w, h = self.w, self.h
        self.chains.append(
            f"[{source}]setpts=(PTS-STARTPTS)/{speed:.6g},fps={self.fps},"
            f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags={self.scaler}:"
            f"{TO_BT709},format=yuv420p,{BT709_FRAMES},"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,"
            f"tpad=stop_mode=clone:stop_duration={duration_s:.3f},trim=duration={duration_s:.3f},"
            f"setpts=PTS-STARTPTS{fades}[{out}]"
        )
        return out

    def black(self, duration_s: float) -> str:
        out = self.label("gap")
        self.chains.append(
            f"color=c=black:s={self.w}x{self.h}:r={self.fps}:d={duration_s:.3f},format=yuv420p,"
            f"{BT709_FRAMES},setsar=1[{out}]"
        )
        return out

    def add_audio(
        self,
        source: str,
        start_s: float,
        duration_s: float,
        volume: float,
        speed: float = 1.0,
        fades: str = "",
    ) -> None:
        out = self.label("a")
        delay = round(start_s * 1000)
        self.chains.append(
            f"[{source}]asetpts=PTS-STARTPTS,aresample=44100,{_atempo(speed)}"
            f"aformat=sample_fmts=fltp:sample_rates=44100:channel_layouts=stereo,"
            f"atrim=duration={duration_s:.3f}{fades},volume={volume:.4f},adelay={delay}|{delay}[{out}]"
        )
        self.audio.append(out)


def _describe(seg: Segment, kind: str, index: int) -> str:
    name = seg.name or seg.source or f"#{index + 1}"
    return f"{kind} '{name}'"


def _media(
    seg: Segment, kind: str, index: int, resolve_media: Callable[[str], Path | None]
) -> tuple[Path, MediaInfo]:
    what = _describe(seg, kind, index)
    source = seg.source
    if not source:
        raise RenderError(f"{what} has no source media")
    try:
        path = resolve_media(source)
    except Exception as exc:  # the resolver's own failure, said plainly
        raise RenderError(f"{what} could not be found: {exc}") from exc
    if path is None:
        raise RenderError(f"{what} could not be found (unknown media {source!r})")
    path = Path(path)
    if not path.is_file():
        raise RenderError(f"{what} could not be found: {path.name} does not exist")
    try:
        info = _probe_once(path)
    except FFmpegError as exc:
        raise RenderError(f"{what} could not be read: {exc}") from exc
    except OSError as exc:
        raise RenderError(f"{what} could not be read: {exc}") from exc
    return path, info


def _probe_once(path: Path) -> MediaInfo:
    """`probe`, once per file version: a draft that uses one clip in 300 pieces probes it once."""
    st = path.stat()
    return _probe_cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=512)
def _probe_cached(path: str, mtime_ns: int, size: int) -> MediaInfo:
    return probe(Path(path))


def _loops(info: MediaInfo, needed_s: float) -> list[str]:
    """Just enough repeats of a short clip to fill its segment. Never `-stream_loop -1`: a file whose
    header reads but whose media is missing would make ffmpeg loop over nothing forever."""
    if not info.duration_s or info.duration_s >= needed_s:
        return []
    return ["-stream_loop", str(min(math.ceil(needed_s / info.duration_s), 10_000))]


def _volume(seg: Segment) -> float:
    vol = seg.volume
    return 1.0 if vol is None else min(vol, 4.0)


def _build(
    draft: Draft, resolve_media, width: int, height: int, fps: int, workdir: Path, preview: bool = False
) -> tuple[_Graph, float]:
    total_s = draft.duration_ms / 1000
    g = _Graph(width, height, fps, PREVIEW_DECODE if preview else None)
    base = _video(g, draft, resolve_media, total_s)
    base = _titles(g, draft, base, workdir)
    g.chains.append(f"[{base}]null[vout]")
    _audio(g, draft, resolve_media, total_s)
    return g, total_s


def _video(g: _Graph, draft: Draft, resolve_media, total_s: float) -> str:
    """The picture: the first video track in order (black in its gaps), later tracks laid over it."""
    fps = g.fps
    base: str | None = None
    for track_no, track in enumerate(draft.tracks_of(TrackType.VIDEO)):
        pieces: list[str] = []
        cursor = 0.0
        for index, (start_ms, end_ms, seg) in enumerate(sorted(track.layout(), key=lambda item: item[0])):
            if end_ms <= start_ms:
                continue
            start, dur = start_ms / 1000, (end_ms - start_ms) / 1000
            if track_no == 0 and start > cursor + 1e-3:
                pieces.append(g.black(start - cursor))
            elif track_no == 0 and start < cursor:
                start = cursor  # an overlap on the main track plays after what is already there
            path, info = _media(seg, "clip", index, resolve_media)
            if not info.has_video:
                raise RenderError(f"{_describe(seg, 'clip', index)} has no picture (is it an audio file?)")
            still = info.is_still_image or path.suffix.lower() in IMAGE_SUFFIXES
            speed = 1.0 if still else _speed(seg)
            if still:
                i = g.add_input(["-loop", "1", "-framerate", str(fps), "-t", f"{dur:.3f}", "-i", str(path)])
            else:
                # A cut clip starts `offset` into its source and uses dur x speed seconds of it.
                offset, used = _ms(seg, "offset"), dur * speed
                seek = ["-ss", f"{offset:.3f}"] if offset else []
                i = g.add_input(
                    [*_loops(info, used + offset), *seek, "-t", f"{used:.3f}", *g.decode, "-i", str(path)]
                )
            piece = g.fit(f"{i}:v", dur, speed, _fades(seg, dur, audio=False))
            if info.has_audio and not still:
                g.add_audio(f"{i}:a", start, dur, _volume(seg), speed, _fades(seg, dur, audio=True))
            if track_no == 0:
                pieces.append(piece)
                cursor = start + dur
            else:  # upper video tracks cover the picture below while they play
                moved = g.label("o")
                g.chains.append(f"[{piece}]setpts=PTS+{start:.3f}/TB[{moved}]")
                pieces.append(f"{moved}@{start:.3f}@{start + dur:.3f}")
        if track_no == 0:
            if total_s > cursor + 1e-3:
                pieces.append(g.black(total_s - cursor))
            base = _concat(g, pieces)
        else:
            base = base or _concat(g, [g.black(total_s)])
            for item in pieces:
                label, a, b = item.split("@")
                out = g.label("ov")
                g.chains.append(
                    f"[{base}][{label}]overlay=eof_action=pass:enable='{shown_between(float(a), float(b))}'[{out}]"
                )
                base = out
    return base if base is not None else g.black(total_s)


def _titles(g: _Graph, draft: Draft, base: str, workdir: Path) -> str:
    """Text segments drawn over the picture while they last."""
    width, height = g.w, g.h
    for track_no, track in enumerate(draft.tracks_of(TrackType.TEXT)):
        for index, (start_ms, end_ms, seg) in enumerate(track.layout()):
            text = seg.text if seg.text is not None else seg.metadata.get("title") or ""
            if end_ms <= start_ms or not str(text).strip():
                continue
            # Per title: a Latin title keeps its Latin face, a Chinese one gets a CJK face.
            font = font_for(str(text))
            if missing := missing_glyphs(font, str(text)):
                log.warning(
                    "no font with glyphs for %r: they will show as boxes; set NEMO_FONT to a "
                    ".ttf/.ttc/.otf that has them",
                    missing[:20],
                )
            m = seg.metadata
            for f in drawtext_filters(
                str(text),
                start_s=start_ms / 1000,
                end_s=end_ms / 1000,
                width=width,
                height=height,
                position=m.get("position"),
                colour=m.get("color") or m.get("colour"),
                style=m.get("style"),
                size=m.get("font_size") or m.get("size"),
                font=font.path if font else None,
                workdir=workdir,
                tag=f"t{track_no}-{index}",
            ):
                out = g.label("txt")
                g.chains.append(f"[{base}]{f}[{out}]")
                base = out
    return base


def _audio(g: _Graph, draft: Draft, resolve_media, total_s: float) -> None:
    """Music and sound tracks added to the clips' own sound, each at its volume, into [aout]."""
    for track in draft.tracks_of(TrackType.AUDIO):
        for index, (start_ms, end_ms, seg) in enumerate(track.layout()):
            if end_ms <= start_ms:
                continue
            path, info = _media(seg, "audio", index, resolve_media)
            if not info.has_audio:
                raise RenderError(f"{_describe(seg, 'audio', index)} has no sound in it")
            dur = (end_ms - start_ms) / 1000
            # Music loops to fill its segment (generated tracks loop seamlessly).
            i = g.add_input([*_loops(info, dur), "-t", f"{dur:.3f}", "-i", str(path)])
            g.add_audio(f"{i}:a", start_ms / 1000, dur, _volume(seg), fades=music_fades(seg, dur))
    if not g.audio:
        g.chains.append(f"anullsrc=r=44100:cl=stereo,atrim=duration={total_s:.3f}[aout]")
    else:  # amix even for one input: the same graph shape and levels (normalize=0) every time
        joined = "".join(f"[{a}]" for a in g.audio)
        g.chains.append(f"{joined}amix=inputs={len(g.audio)}:duration=longest:normalize=0,apad[aout]")


def _concat(g: _Graph, pieces: list[str]) -> str:
    if len(pieces) == 1:
        return pieces[0]
    out = g.label("base")
    g.chains.append("".join(f"[{p}]" for p in pieces) + f"concat=n={len(pieces)}:v=1:a=0[{out}]")
    return out


def render_draft(
    draft: Draft,
    resolve_media: Callable[[str], Path | None],
    out_path: Path,
    *,
    width: int,
    height: int,
    fps: int = 30,
    on_progress: Callable[[float], None] | None = None,
    preview: bool = False,
) -> None:
    """Render `draft` to an MP4 at out_path; RenderError (and no file at out_path) when it cannot.
    `preview`: a quick look, not a deliverable: x264 ultrafast at a lower quality, smaller sound."""
    if not draft.tracks or draft.duration_ms <= 0:
        raise RenderError("the draft is empty: add a clip, some text or music before exporting")
    if width <= 0 or height <= 0 or fps <= 0:
        raise RenderError(f"cannot export at {width}x{height} and {fps} fps")
    width, height = width - width % 2, height - height % 2  # H.264 4:2:0 needs even sizes
    try:
        ffmpeg_exe()
    except FFmpegError as exc:
        raise RenderError(f"the export cannot run: {exc}") from exc
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.stem}.", suffix=".part", dir=out_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix="nemo-render-") as work:
            graph, total_s = _build(draft, resolve_media, width, height, fps, Path(work), preview)
            args = ["-y"]
            for input_args in graph.inputs:
                args += input_args
            args += [
                "-filter_complex",
                ";".join(graph.chains),
                "-map",
                "[vout]",
                "-map",
                "[aout]",
                "-c:v",
                "libx264",
                "-preset",
                PREVIEW_PRESET if preview else X264_PRESET,
                "-crf",
                PREVIEW_CRF if preview else X264_CRF,
                "-pix_fmt",
                "yuv420p",
                *BT709_TAGS,
                "-r",
                str(fps),
                "-fps_mode",
                "cfr",
                "-c:a",
                "aac",
                *(PREVIEW_AAC if preview else []),
                "-b:a",
                "96k" if preview else "160k",
                "-ar",
                "44100",
                "-ac",
                "2",
                "-t",
                f"{total_s:.3f}",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
                str(tmp),
            ]
            try:
                reached = run_ffmpeg(args, duration_s=total_s, on_progress=on_progress, stall_s=60)
            except FFmpegError as exc:
                raise RenderError(f"the export failed: {exc}") from exc
            if reached < total_s - 2.0 / fps:
                raise RenderError(
                    f"the export stopped at {reached:.1f} s of {total_s:.1f} s: a clip may be empty or damaged"
                )
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if on_progress:
        on_progress(1.0)
