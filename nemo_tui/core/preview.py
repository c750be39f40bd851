"""Previews: a real render of the current draft, small and fast, cached on disk by a hash of the draft.

On the local engine a preview asks for `output.quality: "preview"` (a ≤480 px, x264 ultrafast encode);
on the cloud it is the seed's ordinary free export render. The MP4 goes to the user cache folder
(`NEMO_CACHE_DIR` overrides), named by the draft's hash, so previewing an unchanged draft again is a
file lookup. The folder is bounded (least recently played files go first) and survives restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

from ..protocol import EXPORT_QUALITY, PREVIEW_QUALITY, Draft, NemoError, RenderFailed, RenderJob, TrackType
from .events import Notice, PreviewReady, Progress
from .export_flow import _shielded
from .flow_base import Event, FlowBase, guarded
from .i18n import t
from .jobs import eta_left
from .mp4info import NotMp4, read_mp4_info
from .pump import Pump

PREVIEW_CACHE_BYTES = 300 * 1024 * 1024  # a few hundred previews of short drafts


class PreviewCache:
    """`<folder>/<key>.mp4` files, at most `max_bytes` together; playing one makes it the newest."""

    def __init__(self, folder: Path, max_bytes: int = PREVIEW_CACHE_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    @staticmethod
    def key(draft: Draft, backend_key: str, quality: str) -> str:
        """The same draft on the same backend at the same quality is the same video."""
        wire = json.dumps(draft.to_wire(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(f"{backend_key}\n{quality}\n{wire}".encode()).hexdigest()[:40]

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.mp4"

    @staticmethod
    def poster_for(video: Path) -> Path:
        """The first frame as the player last showed it (core/frames.py), kept beside the video."""
        return video.with_suffix(".poster.npy")

    def get(self, key: str) -> Path | None:
        """The cached preview (marked as just used), or None."""
        path = self.path_for(key)
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def admit(self, key: str) -> None:
        """A new preview arrived at path_for(key): drop the least recently used others over the budget."""
        keep = self.path_for(key)
        entries = []
        for path in self.folder.glob("*.mp4"):
            try:
                st = path.stat()
            except FileNotFoundError:  # another app instance evicted it meanwhile
                continue
            entries.append((st.st_mtime_ns, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            if path != keep:
                path.unlink(missing_ok=True)
                self.poster_for(path).unlink(missing_ok=True)
                total -= size


def time_code(seconds: float) -> str:
    """'01:02.3': minutes, seconds and tenths."""
    tenths = max(round(seconds * 10), 0)
    return f"{tenths // 600:02d}:{tenths // 10 % 60:02d}.{tenths % 10}"


def segment_at(draft: Draft, at_ms: int) -> str:
    """The name of the video segment playing at `at_ms` (the top-most video track wins), or ""."""
    for track in reversed(draft.tracks_of(TrackType.VIDEO)):
        for start_ms, end_ms, seg in track.layout():
            if start_ms <= at_ms < end_ms:
                return seg.name
    return ""


class PreviewFlows(FlowBase):
    @property
    def previews(self) -> PreviewCache:
        return PreviewCache(self.cache_dir / "previews")

    async def _preview(self) -> AsyncIterator[Event]:
        if self.backend.session is None:
            yield Notice(level="warning", text=t("preview.no_session", self.lang))
            return
        before = self._draft
        update, changes = await self._refresh(announce_changes=before is not None)
        if changes:
            yield update
        draft = update.draft
        if not draft.tracks or draft.duration_ms <= 0:
            yield Notice(level="warning", text=t("preview.empty", self.lang))
            return
        # The engine encodes previews small and fast; the cloud knows only its (free) export.
        quality = PREVIEW_QUALITY if self._local else EXPORT_QUALITY
        cache = self.previews
        key = cache.key(draft, self.backend_key, quality)
        hit = await asyncio.to_thread(cache.get, key)
        if hit is not None:
            yield PreviewReady(path=hit, draft=draft, cached=True, poster=cache.poster_for(hit))
            return
        async for event in self._render_preview(draft, key, quality):
            yield event

    preview = guarded(_preview)

    async def _render_preview(self, draft: Draft, key: str, quality: str) -> AsyncIterator[Event]:
        """The render behind a preview: a job in the store like any other (the jobs list, the ETA
        of the next preview), closed however it ends; never resumed by a later start."""
        self._stop_requested = False
        cache = self.previews
        dest = cache.path_for(key)
        job = await self.backend.start_render(draft, quality=quality)
        video_s = draft.duration_ms / 1000
        await self._save_render(job, "preview", dest, draft)
        started, pace = time.time(), await self._db.job_pace(self.backend_key, "preview")
        yield Progress(phase="render", fraction=job.progress)
        pump: Pump[RenderJob] = self._pump()

        def on_update(job: RenderJob) -> None:
            eta = eta_left(started, video_s, job.progress, pace, time.time())
            pump.emit(Progress(phase="render", fraction=job.progress, eta_s=eta))

        self.waiting_on = job.id
        try:
            async for event in pump.events(self.backend.wait_for_render(job.id, on_update)):
                if isinstance(event, Progress) and event.fraction is not None:
                    await self._db.job_progress(job.id, event.fraction)
                yield event
            await asyncio.to_thread(cache.folder.mkdir, parents=True, exist_ok=True)
            path = await self.backend.download_render(pump.result, dest)
            try:
                await asyncio.to_thread(read_mp4_info, path)
            except NotMp4 as exc:
                await asyncio.to_thread(path.unlink, missing_ok=True)  # never cache a broken file
                raise RenderFailed(t("export.bad_file", self.lang, reason=str(exc))) from None
        except NemoError as exc:
            why = getattr(exc, "detail", None) or exc.user_message(self.lang)
            await self._db.finish_job(job.id, "failed", error=why)
            raise
        except (asyncio.CancelledError, GeneratorExit):
            await _shielded(self._stop_preview(job.id))
            raise
        finally:
            self.waiting_on = None
        await self._db.finish_job(job.id, "completed")
        await asyncio.to_thread(cache.admit, key)
        yield PreviewReady(path=path, draft=draft, cached=False, poster=cache.poster_for(path))

    async def _stop_preview(self, job_id: str) -> None:
        """Nobody waits for it any more: cancelled on the server when the person stopped it."""
        if self._stop_requested:
            self._stop_requested = False
            with contextlib.suppress(Exception):
                async with asyncio.timeout(10):
                    await self.backend.cancel_render(job_id)
        await self._db.finish_job(job_id, "cancelled")
