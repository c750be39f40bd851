"""Render jobs: queued -> rendering -> completed | failed, one at a time in a worker thread.

The renderer writes the output under a hidden temporary name and renames it into place when complete,
so the download URL never serves a half-written file. Each output sits in a folder with a random name,
which makes its URL unguessable (the URL is handed out without a token, like a signed link).
Jobs that were queued or running when the engine stopped are started again on the next start.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from ..protocol import PREVIEW_QUALITY, Draft
from .config import EngineConfig
from .media.proxy import proxy_path
from .store import EngineStore

log = logging.getLogger("nemo_tui.engine.jobs")


class RenderCancelled(Exception):
    """Its account cancelled the job: stop, keep nothing, leave the status the route set."""


PROGRESS_EVERY_S = 0.25


def render_size(draft: dict, max_height: int | None) -> tuple[int, int]:
    from .edits import canvas

    width, height = canvas(draft)
    width, height = min(max(width, 2), 1920), min(max(height, 2), 1920)
    if max_height and height > max_height:
        width, height = int(width * max_height / height), max_height
    return max(2, width // 2 * 2), max(2, height // 2 * 2)


class RenderRunner:
    def __init__(self, store: EngineStore, config: EngineConfig) -> None:
        self.store = store
        self.config = config
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nemo-render")
        self._stopping = False
        self._cancelled: set[str] = set()

    def cancel(self, render_id: str) -> None:
        """Stop a queued or running job (the route marks it failed/"cancelled"): a running ffmpeg is
        killed at its next progress report, and no output is kept."""
        self._cancelled.add(render_id)

    def submit(self, render_id: str) -> None:
        self._pool.submit(self._run, render_id)

    def resume_unfinished(self) -> None:
        for render_id in self.store.unfinished_renders():
            self.store.update_render(render_id, status="queued", progress=0.0)
            self.submit(render_id)

    def shutdown(self) -> None:
        # A render in progress is abandoned, not awaited: its job stays `rendering` in the store
        # and is started again by the next engine on this data dir.
        self._stopping = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def resolve_media(self, source: str, client_id: str | None = None, preview: bool = False) -> Path | None:
        """A draft's `source` (a media id, or a URL of a file on this server) -> its local file.
        With `client_id`, only media of that account's sessions (a render uses its own account's).
        `preview`: a generated clip's proxy when it has one (media/proxy.py); exports never get it."""
        media_id = source
        if "://" in source or source.startswith("/"):
            parts = urlparse(source).path.strip("/").split("/")
            if len(parts) < 3 or parts[:2] != ["files", "media"]:
                return None
            media_id = parts[2]
        media = self.store.get_media(media_id)
        if media is None or not media.get("path"):
            return None
        if client_id is not None and self.store.media_account(media_id) != client_id:
            return None
        path = self.config.data_dir / media["path"]
        if preview and media.get("origin") == "generated":
            small = proxy_path(path)
            if small.is_file():
                return small
        return path if path.is_file() else None

    def _run(self, render_id: str) -> None:
        try:
            self._render(render_id)
        except RenderCancelled:
            return
        except Exception as exc:
            if self._stopping:  # the store is closed under us; the next start resumes the job
                return
            # A bug must still end the job, never leave it `rendering` forever.
            log.exception("render %s crashed", render_id)
            self.store.update_render(render_id, status="failed", error=f"{type(exc).__name__}: {exc}")

    def _render(self, render_id: str) -> None:
        job = self.store.get_render(render_id)
        if job is None or job["status"] in ("completed", "failed"):
            return
        self.store.update_render(render_id, status="rendering", progress=0.0)
        faults = self.config.faults
        if faults.slow_render_s > 0:
            self._crawl(render_id, faults.slow_render_s)
        self._check_cancelled(render_id)
        if faults.fail_render:
            self.store.update_render(render_id, status="failed", error=faults.fail_render)
            return
        from .media.render import PREVIEW_FPS, RenderError, render_draft  # deferred: optional at start-up

        preview = job.get("quality") == PREVIEW_QUALITY

        folder = self.config.data_dir / "renders" / secrets.token_hex(12)
        folder.mkdir(parents=True, exist_ok=True)
        # render_draft writes under a hidden temporary name and renames into place, so `final`
        # only ever exists whole (the download route never serves hidden files either).
        final = folder / f"{render_id}.mp4"
        last = [0.0]

        def on_progress(value: float) -> None:
            self._check_cancelled(render_id)
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                self.store.update_render(render_id, progress=min(max(float(value), 0.0), 0.99))

        try:
            render_draft(
                Draft.from_wire(json.loads(job["draft"])),
                partial(self.resolve_media, client_id=job["client_id"], preview=preview),
                final,
                width=job["width"],
                height=job["height"],
                fps=min(self.config.render_fps, PREVIEW_FPS) if preview else self.config.render_fps,
                on_progress=on_progress,
                preview=preview,
            )
        except BaseException as exc:
            # No empty random-named folder is left behind by a failed (or crashed) render.
            final.unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
            if not isinstance(exc, RenderError):
                raise
            self.store.update_render(render_id, status="failed", error=str(exc) or "render failed")
            return
        if render_id in self._cancelled:  # cancelled as it finished: the job stays cancelled
            final.unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
            return
        self.store.update_render(
            render_id,
            status="completed",
            progress=1.0,
            output_path=os.path.relpath(final, self.config.data_dir),
        )

    def _check_cancelled(self, render_id: str) -> None:
        if render_id in self._cancelled:
            raise RenderCancelled(render_id)

    def _crawl(self, render_id: str, seconds: float) -> None:
        """The slow_render_s fault: visible progress for a while before the real work (a worker thread)."""
        steps = max(int(seconds / 0.1), 1)
        for i in range(steps):
            self._check_cancelled(render_id)
            time.sleep(seconds / steps)
            self.store.update_render(render_id, progress=0.5 * (i + 1) / steps)
