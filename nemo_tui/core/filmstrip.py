"""The timeline's filmstrip: one small picture per video segment, a frame from the middle of its clip.

Where the picture comes from: the clip's own media URL (the session state's `video_infos` /
`generated_media`, which the app reads after every turn anyway), opened by the bundled ffmpeg with an
input seek to the middle. That is the cheapest correct source: no render is needed (a preview render
is a whole-draft encode, and on the cloud a render job, after every edit), ffmpeg reads only the
index and the few packets around the seek point (HTTP range requests), and a picture belongs to its
clip, so an edit that adds a clip decodes one new frame and reuses the others (cached by media id,
not by URL: signed links change on every state read). Titles are not in it; the player shows them.

No Textual here: the timeline widget calls `shots()` and `ShotCache.pixels()` from a worker.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..protocol import Draft, SessionState, TrackType

if TYPE_CHECKING:
    import numpy as np

SHOT_CACHE_ENTRIES = 128  # pictures kept in memory: a few drafts' worth at any tile size


@dataclass(frozen=True)
class Shot:
    """Which picture a video segment shows and where it sits on the timeline."""

    key: str  # the clip's identity (its media id, or its URL without the query)
    url: str
    at_s: float  # where in the clip: the middle of the part the segment plays
    start_ms: int
    end_ms: int


def media_urls(state: SessionState) -> dict[str, str]:
    """Media id -> a URL ffmpeg may open (http or https only: never a local file a server names)."""
    urls: dict[str, str] = {}
    for item in (*state.videos, *state.generated):
        if item.id and item.url and item.url.startswith(("http://", "https://")):
            urls[item.id] = item.url
    return urls


def shots(draft: Draft, urls: dict[str, str]) -> list[Shot]:
    """One Shot per video segment whose clip can be opened, in timeline order."""
    out: list[Shot] = []
    for track in draft.tracks_of(TrackType.VIDEO):
        for start_ms, end_ms, seg in track.layout():
            source = seg.source or ""
            url = urls.get(source)
            key = source
            if url is None and source.startswith(("http://", "https://")):
                url, key = source, source.split("?", 1)[0]
            if url is None or end_ms <= start_ms:
                continue
            out.append(Shot(key, url, (end_ms - start_ms) / 2000, start_ms, end_ms))
    out.sort(key=lambda shot: shot.start_ms)
    return out


class ShotCache:
    """Decoded pictures by (clip, time, size), least recently used dropped first; one per app."""

    def __init__(self, entries: int = SHOT_CACHE_ENTRIES) -> None:
        self._entries = entries
        self._pixels: OrderedDict[tuple[str, float, int, int], np.ndarray | None] = OrderedDict()

    async def pixels(self, shot: Shot, width: int, height: int) -> np.ndarray | None:
        """The picture at width x height RGB, or None when the clip cannot be decoded (remembered:
        a broken clip is not retried on every timeline change)."""
        from .frames import DecodeError, grab_frame

        key = (shot.key, round(shot.at_s, 2), width, height)
        if key in self._pixels:
            self._pixels.move_to_end(key)
            return self._pixels[key]
        try:
            picture = await asyncio.to_thread(grab_frame, shot.url, shot.at_s, width, height)
        except DecodeError:
            picture = None
        self._pixels[key] = picture
        while len(self._pixels) > self._entries:
            self._pixels.popitem(last=False)
        return picture
