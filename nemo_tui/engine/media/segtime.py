"""Time on a clip or music segment for the renderer: its playback speed (`m.speed`), where it starts
in its source (`m.offset`, ms) and its fades (`m.fade_in` / `m.fade_out`, ms), as ffmpeg filters."""

from __future__ import annotations

import math

from nemo_tui.protocol import Segment


def atempo(speed: float) -> str:
    """atempo filters for a speed (each takes 0.5–2, so 4x is two of them); empty at 1x."""
    parts = []
    while speed > 2.0:
        parts.append(2.0)
        speed /= 2.0
    while speed < 0.5:
        parts.append(0.5)
        speed /= 0.5
    if abs(speed - 1.0) > 1e-6:
        parts.append(speed)
    return "".join(f"atempo={p:.6g}," for p in parts)


def speed(seg: Segment) -> float:
    """A clip's playback speed (`m.speed`), kept within what the edits allow."""
    try:
        value = float(seg.metadata.get("speed") or 1.0)
    except (TypeError, ValueError):
        return 1.0
    return min(max(value, 0.25), 4.0) if math.isfinite(value) else 1.0


def seconds_of(seg: Segment, key: str) -> float:
    """A non-negative time in seconds from a metadata key in ms (`offset`, `fade_in`, `fade_out`)."""
    try:
        value = float(seg.metadata.get(key) or 0) / 1000
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def fades(seg: Segment, duration_s: float, audio: bool) -> str:
    """Fade filters (`,fade=…` / `,afade=…`) for a segment's `fade_in` / `fade_out`, each at most
    half of it."""
    name = "afade" if audio else "fade"
    out = ""
    if (fin := min(seconds_of(seg, "fade_in"), duration_s / 2)) > 0:
        out += f",{name}=t=in:st=0:d={fin:.3f}"
    if (fout := min(seconds_of(seg, "fade_out"), duration_s / 2)) > 0:
        out += f",{name}=t=out:st={duration_s - fout:.3f}:d={fout:.3f}"
    return out


# Music comes in and goes out gently rather than starting and stopping mid-bar: these unless the
# segment sets its own fades; each takes at most a quarter of the segment.
MUSIC_FADE_IN_S = 1.0
MUSIC_FADE_OUT_S = 2.0


def music_fades(seg: Segment, duration_s: float) -> str:
    """An audio-track (music) segment's fades: its own `fade_in` / `fade_out` when it has them,
    else a short fade in and a longer fade out."""
    meta = seg.metadata
    if "fade_in" in meta or "fade_out" in meta:
        return fades(seg, duration_s, audio=True)
    fade_in = min(MUSIC_FADE_IN_S, duration_s / 4)
    fade_out = min(MUSIC_FADE_OUT_S, duration_s / 4)
    return (
        f",afade=t=in:st=0:d={fade_in:.3f}:curve=qsin"
        f",afade=t=out:st={duration_s - fade_out:.3f}:d={fade_out:.3f}:curve=qsin"
    )
