"""Pure edits on single items of a wire draft: one title, one clip, the music.

An item is addressed as (kind, index): the track type (0 video, 1 audio, 7 text) and the 0-based
position among all segments of that type, in track order. Addressing by type rather than by track
position keeps a plan valid when an earlier call of the same turn removed a track of another type.
Each function returns (new draft, tool response) like `edits.py`, and never changes its input.

Segment metadata keys written here (unknown keys pass through the wire untouched, PROTOCOL.md):
`color`, `position`, `font_size`, `start`, `text` on titles; `speed`, `offset` (ms into the source
where the clip starts), `source_ms` (how much source there is), `fade_in` / `fade_out` (ms) on clips
and music; `volume` on music. The renderer reads them all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Edit = tuple[dict[str, Any], dict[str, Any]]
Ref = tuple[int, int]  # (kind, index)

MIN_SPEED, MAX_SPEED = 0.25, 4.0
MIN_CLIP_MS = 100


def segments(draft: dict[str, Any], kind: int) -> list[dict[str, Any]]:
    """Every segment of one type, in track order (the list `index` counts in)."""
    return [seg for t in draft.get("t", []) if t.get("tt", 0) == kind for seg in t.get("sg", [])]


def _slot(draft: dict[str, Any], kind: int, index: int) -> tuple[dict[str, Any], int]:
    """The track holding item `index` of `kind`, and the item's position in it."""
    n = index
    for track in draft.get("t", []):
        if track.get("tt", 0) != kind:
            continue
        count = len(track.get("sg", []))
        if 0 <= n < count:
            return track, n
        n -= count
    raise IndexError(f"no item {index} of type {kind}")


def _clip_track(draft: dict[str, Any], kind: int) -> dict[str, Any]:
    """Reordering happens inside one track: the first of the type (the main video track)."""
    return next(t for t in draft.get("t", []) if t.get("tt", 0) == kind)


def fit_music(draft: dict[str, Any]) -> None:
    """Music that covered the video keeps covering it when clips change length (the renderer loops
    it); music deliberately shorter than the video is left alone. In place, on a copy."""
    video = [s for s in segments(draft, 0) if "start" not in (s.get("m") or {})]
    end = sum(int(s.get("d", 0)) for s in video)
    for track in draft.get("t", []):
        if track.get("tt") == 1 and len(track.get("sg", [])) == 1 and end > 0:
            track["sg"][0]["d"] = end


def update(draft: dict[str, Any], kind: int, index: int, changes: dict[str, Any]) -> Edit:
    """Set metadata keys (`d` for the duration) on one item; a None value removes the key."""
    new = copy.deepcopy(draft)
    track, pos = _slot(new, kind, index)
    seg = track["sg"][pos]
    meta = seg.setdefault("m", {})
    for key, value in changes.items():
        if key == "d":
            seg["d"] = max(int(value), MIN_CLIP_MS)
        elif value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    if "text" in changes:
        meta["name"] = changes["text"]
    if kind == 0:
        fit_music(new)
    return new, {"status": "ok", "kind": kind, "index": index, "changed": sorted(changes)}


def delete(draft: dict[str, Any], kind: int, index: int) -> Edit:
    new = copy.deepcopy(draft)
    track, pos = _slot(new, kind, index)
    removed = track["sg"].pop(pos)
    new["t"] = [t for t in new.get("t", []) if t.get("sg")]
    if kind == 0:
        fit_music(new)
    return new, {"status": "ok", "removed": (removed.get("m") or {}).get("name", "")}


def move(draft: dict[str, Any], kind: int, index: int, to: int) -> Edit:
    """Take item `index` out and put it back so that it ends at position `to` (0-based)."""
    new = copy.deepcopy(draft)
    sg = _clip_track(new, kind)["sg"]
    item = sg.pop(index)
    sg.insert(max(0, min(to, len(sg))), item)
    return new, {"status": "ok", "order": [(s.get("m") or {}).get("name", "") for s in sg]}


def swap(draft: dict[str, Any], kind: int, a: int, b: int) -> Edit:
    new = copy.deepcopy(draft)
    sg = _clip_track(new, kind)["sg"]
    sg[a], sg[b] = sg[b], sg[a]
    if kind == 7:  # placed items (titles) trade places on the timeline too, not just in the list
        ma, mb = sg[a].setdefault("m", {}), sg[b].setdefault("m", {})
        if "start" in ma and "start" in mb:
            ma["start"], mb["start"] = mb["start"], ma["start"]
    return new, {"status": "ok", "order": [(s.get("m") or {}).get("name", "") for s in sg]}


def reorder(draft: dict[str, Any], kind: int, order: list[int]) -> Edit:
    """Put the items of the type's first track in `order` (a permutation of their indexes)."""
    new = copy.deepcopy(draft)
    track = _clip_track(new, kind)
    track["sg"] = [track["sg"][i] for i in order]
    return new, {"status": "ok", "order": [(s.get("m") or {}).get("name", "") for s in track["sg"]]}


def duplicate(draft: dict[str, Any], kind: int, index: int) -> Edit:
    """A copy right after the original."""
    new = copy.deepcopy(draft)
    track, pos = _slot(new, kind, index)
    track["sg"].insert(pos + 1, copy.deepcopy(track["sg"][pos]))
    if kind == 0:
        fit_music(new)
    return new, {"status": "ok", "index": index + 1}


def _source_ms(meta: dict[str, Any], d: int) -> int:
    """How much source a clip has: recorded on its first cut, else its length (generated clips and
    uploads are added whole at normal speed)."""
    speed = float(meta.get("speed") or 1.0)
    return int(meta.get("source_ms") or (int(meta.get("offset") or 0) + d * speed))


def split(draft: dict[str, Any], kind: int, index: int, at_ms: int) -> Edit:
    """Two items where there was one; the second starts `at_ms` into the first (its source offset
    moves on by that much, at the clip's speed)."""
    new = copy.deepcopy(draft)
    track, pos = _slot(new, kind, index)
    first = track["sg"][pos]
    meta = first.setdefault("m", {})
    d = int(first.get("d", 0))
    meta["source_ms"] = _source_ms(meta, d)
    second = copy.deepcopy(first)
    first["d"], second["d"] = at_ms, d - at_ms
    speed = float(meta.get("speed") or 1.0)
    second["m"]["offset"] = int(meta.get("offset") or 0) + round(at_ms * speed)
    if "start" in meta:
        second["m"]["start"] = int(meta["start"]) + at_ms
    first["m"].pop("fade_out", None)
    second["m"].pop("fade_in", None)
    track["sg"].insert(pos + 1, second)
    return new, {"status": "ok", "durations_ms": [at_ms, d - at_ms]}


def trim(draft: dict[str, Any], kind: int, index: int, *, keep_ms: int, from_start: bool) -> Edit:
    """Keep `keep_ms` of the item: its end is cut, or (`from_start`) its beginning."""
    new = copy.deepcopy(draft)
    track, pos = _slot(new, kind, index)
    seg = track["sg"][pos]
    meta = seg.setdefault("m", {})
    d = int(seg.get("d", 0))
    meta["source_ms"] = _source_ms(meta, d)
    if from_start:
        cut = d - keep_ms
        meta["offset"] = int(meta.get("offset") or 0) + round(cut * float(meta.get("speed") or 1.0))
        if "start" in meta:
            meta["start"] = int(meta["start"]) + cut
    seg["d"] = max(keep_ms, MIN_CLIP_MS)
    if kind == 0:
        fit_music(new)
    return new, {"status": "ok", "duration_ms": seg["d"]}


def max_length_ms(draft: dict[str, Any], kind: int, index: int) -> int:
    """The longest an item can be made at its speed without running out of source."""
    seg = segments(draft, kind)[index]
    meta = seg.get("m") or {}
    if kind != 0 or meta.get("kind") == "image":
        return 10**9
    speed = float(meta.get("speed") or 1.0)
    return int((_source_ms(meta, int(seg.get("d", 0))) - int(meta.get("offset") or 0)) / speed)


def set_speed(draft: dict[str, Any], kind: int, index: int, speed: float) -> Edit:
    """Play a clip faster or slower: the same source, so its length changes by the ratio."""
    new = copy.deepcopy(draft)
    track, pos = _slot(new, kind, index)
    seg = track["sg"][pos]
    meta = seg.setdefault("m", {})
    speed = min(max(speed, MIN_SPEED), MAX_SPEED)
    old = float(meta.get("speed") or 1.0)
    d = int(seg.get("d", 0))
    meta["source_ms"] = _source_ms(meta, d)
    seg["d"] = max(round(d * old / speed), MIN_CLIP_MS)
    if speed == 1.0:
        meta.pop("speed", None)
    else:
        meta["speed"] = speed
    fit_music(new)
    return new, {"status": "ok", "speed": speed, "duration_ms": seg["d"]}


# What a clip's metadata says about its source: a regenerated clip gets all of them anew.
SOURCE_KEYS = (
    "source",
    "name",
    "prompt",
    "speed",
    "offset",
    "source_ms",
    "kind",
    "procedural",
    "scene",
    "matched",
)


def regenerate(
    draft: dict[str, Any],
    index: int,
    *,
    source: str,
    name: str,
    prompt: str,
    extra: dict[str, Any] | None = None,
) -> Edit:
    """Clip `index` with new media in its slot: the same length and place (and fades), a new source
    drawn whole at normal speed. Not in TOOLS: the media comes from a generation (turns.py)."""
    new = copy.deepcopy(draft)
    track, pos = _slot(new, 0, index)
    seg = track["sg"][pos]
    kept = {k: v for k, v in (seg.get("m") or {}).items() if k not in SOURCE_KEYS}
    seg["m"] = {"name": name, "source": source, "prompt": prompt, **kept, **(extra or {})}
    return new, {"status": "ok", "index": index, "duration_ms": int(seg.get("d", 0)), "source": source}


TOOLS: dict[str, Callable[..., Edit]] = {
    "update_item": update,
    "delete_item": delete,
    "move_item": move,
    "swap_items": swap,
    "reorder_items": reorder,
    "duplicate_item": duplicate,
    "split_item": split,
    "trim_item": trim,
    "set_speed": set_speed,
}


def apply(draft: dict[str, Any], name: str, args: dict[str, Any]) -> Edit:
    """Run the named item tool with its call arguments."""
    return TOOLS[name](draft, **args)
