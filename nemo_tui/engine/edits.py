"""Pure edits on a wire draft (`{"t": [...], "m": {...}}`): each returns a new draft and a tool response.

The engine keeps drafts as wire dicts so keys it does not know survive every edit untouched.
Track types follow the contract: 0 video, 1 audio, 7 text. Times are milliseconds.
"""

from __future__ import annotations

import copy
from typing import Any

from ..protocol import Draft, TrackType

ASPECTS: dict[str, tuple[int, int]] = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}
DEFAULT_CANVAS = ASPECTS["16:9"]

Edit = tuple[dict[str, Any], dict[str, Any]]


def short_name(text: str, limit: int = 40) -> str:
    """A segment name from a prompt: whole words up to `limit` characters, an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def canvas(draft: dict[str, Any]) -> tuple[int, int]:
    meta = draft.get("m") or {}
    try:
        return int(meta["width"]), int(meta["height"])
    except (KeyError, TypeError, ValueError):
        return DEFAULT_CANVAS


def timeline_ms(draft: dict[str, Any]) -> int:
    return Draft.from_wire(draft).duration_ms


def video_end_ms(draft: dict[str, Any]) -> int:
    model = Draft.from_wire(draft)
    return max((t.end_ms for t in model.tracks_of(TrackType.VIDEO)), default=0)


def _tracks(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return draft.setdefault("t", [])


def _first_track(draft: dict[str, Any], kind: int, *, front: bool = False) -> dict[str, Any]:
    for track in _tracks(draft):
        if track.get("tt", 0) == kind:
            return track
    track = {"tt": kind, "sg": []}
    if front:
        _tracks(draft).insert(0, track)
    else:
        _tracks(draft).append(track)
    return track


def set_aspect_ratio(draft: dict[str, Any], ratio: str) -> Edit:
    new = copy.deepcopy(draft)
    width, height = ASPECTS[ratio]
    new.setdefault("m", {}).update({"width": width, "height": height})
    return new, {"status": "ok", "aspect_ratio": ratio, "width": width, "height": height}


# Generated music is mastered to about -16 LUFS (media/loudness.py) and a volume is a gain on that. In
# a session whose clips are all generated (they are silent) music added without a volume plays at that
# level; once a video is uploaded, which may carry speech, it sits under it at the level the cloud
# gives background music.
MUSIC_ALONE_VOLUME = 1.0
MUSIC_UNDER_SOUND_VOLUME = 0.3


def default_music_volume(uploads: list[dict[str, Any]] | None) -> float:
    """The volume for music added without one: see MUSIC_ALONE_VOLUME."""
    has_sound = any(m.get("kind") == "video" for m in uploads or [])
    return MUSIC_UNDER_SOUND_VOLUME if has_sound else MUSIC_ALONE_VOLUME


def add_video_segment(
    draft: dict[str, Any],
    *,
    source: str,
    name: str,
    duration_ms: int,
    prompt: str | None = None,
    kind: str = "video",
    extra: dict[str, Any] | None = None,
) -> Edit:
    """Append a clip (generated or uploaded) to the main video track."""
    new = copy.deepcopy(draft)
    covered_ms = video_end_ms(new)
    meta = new.setdefault("m", {})
    if "width" not in meta or "height" not in meta:
        meta.update({"width": DEFAULT_CANVAS[0], "height": DEFAULT_CANVAS[1]})
    meta.setdefault("fps", 30)
    seg_meta: dict[str, Any] = {"name": name, "source": source}
    if prompt:
        seg_meta["prompt"] = prompt
    if kind == "image":
        seg_meta["kind"] = "image"
    seg_meta.update(extra or {})
    _first_track(new, TrackType.VIDEO, front=True)["sg"].append({"d": int(duration_ms), "m": seg_meta})
    _extend_music(new, covered_ms, video_end_ms(new))
    return new, {
        "status": "ok",
        "source": source,
        "duration_ms": int(duration_ms),
        "timeline_ms": timeline_ms(new),
    }


def music_volume(draft: dict[str, Any]) -> float | None:
    """The volume (0-1) of the first music segment, if there is music with one."""
    for track in Draft.from_wire(draft).tracks_of(TrackType.AUDIO):
        for seg in track.segments:
            if seg.volume is not None:
                return seg.volume
    return None


def _extend_music(draft: dict[str, Any], covered_ms: int, video_ms: int) -> None:
    """Music that played under the whole video keeps doing so when the video grows: its last segment
    is lengthened (the renderer loops the track, and generated music loops seamlessly). Music that
    stopped earlier on purpose is left alone."""
    for track in _tracks(draft):
        if track.get("tt") != TrackType.AUDIO or not track.get("sg"):
            continue
        start, end, _ = Draft.from_wire({"t": [track]}).tracks[0].layout()[-1]
        if end >= covered_ms > 0 and end < video_ms:
            track["sg"][-1]["d"] = video_ms - start


def set_background_music(
    draft: dict[str, Any], *, source: str | None, style: str | None, volume: float, duration_ms: int
) -> Edit:
    """One BGM track: replaces any audio track. `source` None keeps the current music (volume change)."""
    new = copy.deepcopy(draft)
    old = next((t for t in _tracks(new) if t.get("tt") == TrackType.AUDIO and t.get("sg")), None)
    if source is None and old is not None:
        for seg in old["sg"]:
            seg.setdefault("m", {})["volume"] = volume
        return new, {"status": "ok", "volume": volume, "changed": "volume"}
    new["t"] = [t for t in _tracks(new) if t.get("tt") != TrackType.AUDIO]
    name = f"{style_label(style)} music" if style else "Background music"
    seg = {"d": int(duration_ms), "m": {"name": name, "source": source, "style": style, "volume": volume}}
    new["t"].append({"tt": int(TrackType.AUDIO), "sg": [seg]})
    return new, {
        "status": "ok",
        "style": style,
        "volume": volume,
        "duration_ms": int(duration_ms),
        "replaced": old is not None,
    }


def style_label(style: str | None) -> str:
    return {"lofi": "Lo-fi"}.get(style or "", (style or "").capitalize())


def remove_tracks(draft: dict[str, Any], *, kind: int | None = None, index: int | None = None) -> Edit:
    """Remove every track of a kind, or the track at a 1-based position."""
    new = copy.deepcopy(draft)
    tracks = _tracks(new)
    if index is not None:
        keep = [t for i, t in enumerate(tracks, start=1) if i != index]
    else:
        keep = [t for t in tracks if t.get("tt", 0) != kind]
    removed = len(tracks) - len(keep)
    new["t"] = keep
    return new, {"status": "ok" if removed else "nothing_to_remove", "removed_tracks": removed}


def add_text(
    draft: dict[str, Any], *, text: str, start_ms: int, duration_ms: int, position: str, color: str, role: str
) -> Edit:
    new = copy.deepcopy(draft)
    seg = {
        "d": int(duration_ms),
        "m": {
            "name": text,
            "text": text,
            "start": int(start_ms),
            "position": position,
            "color": color,
            "role": role,
        },
    }
    _first_track(new, TrackType.TEXT)["sg"].append(seg)
    return new, {"status": "ok", "text": text, "start_ms": int(start_ms), "duration_ms": int(duration_ms)}


def set_duration(draft: dict[str, Any], target_ms: int) -> Edit:
    """Cut every track at `target_ms`: later segments go, the one crossing it is shortened."""
    new = copy.deepcopy(draft)
    for track in _tracks(new):
        kept = []
        cursor = 0
        for seg in track.get("sg", []):
            meta = seg.get("m") or {}
            start = int(meta["start"]) if isinstance(meta.get("start"), (int, float)) else cursor
            end = start + int(seg.get("d", 0))
            cursor = end
            if start >= target_ms:
                continue
            if end > target_ms:
                seg["d"] = target_ms - start
            kept.append(seg)
        track["sg"] = kept
    new["t"] = [t for t in _tracks(new) if t.get("sg")]
    return new, {"status": "ok", "duration_ms": timeline_ms(new)}
