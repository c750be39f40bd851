"""Export: render the draft, wait for it, download it atomically, check it; and resume the renders
a previous run left pending. Every render is in the store before it is waited on."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

from .. import __version__
from ..protocol import Draft, NemoError, NetworkError, RenderFailed, RenderJob
from .events import ExportDone, Notice, Progress
from .flow_base import Event, FlowBase, guarded, log
from .i18n import format_seconds, format_size, t
from .jobs import eta_left
from .mp4info import Mp4Info, NotMp4, read_mp4_info
from .pump import Pump
from .records import build_record, record_path, write_record
from .summary import describe_additions


class ExportFlows(FlowBase):
    # ---- export --------------------------------------------------------------------------------
    def _export_path(self, folder: Path | None = None) -> Path:
        folder = self.export_dir if folder is None else folder
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = folder / f"nemo-{stamp}.mp4"
        n = 2
        while path.exists() or path.with_name(path.name + ".part").exists():
            path = folder / f"nemo-{stamp}-{n}.mp4"
            n += 1
        return path

    async def _export(self) -> AsyncIterator[Event]:
        self._stop_requested = False
        if self.backend.session is None:
            yield Notice(level="warning", text=t("export.no_session", self.lang))
            return
        # The state can change after a turn ends (two-stage generation): read it again, and say
        # what changed since the person last saw it before rendering that.
        before = self._draft
        update, changes = await self._refresh(announce_changes=before is not None)
        if changes and before is not None:
            yield update
            line = describe_additions(before, update.draft, self.lang) or t(
                "added.changed", self.lang, changes=changes
            )
            yield await self._notice(line)
        if not update.draft.tracks:
            yield await self._notice(t("export.empty", self.lang), "warning")
            return
        async for event in self._render_export(update.draft):
            yield event

    export = guarded(_export)

    async def _render_export(self, draft: Draft) -> AsyncIterator[Event]:
        starting = t("export.starting", self.lang)
        yield Notice(text=f"{starting} {t('cost.export_free', self.lang)}" if self._charges else starting)
        job = await self.backend.start_render(draft)
        await asyncio.to_thread(self.export_dir.mkdir, parents=True, exist_ok=True)
        dest = await asyncio.to_thread(self._export_path)  # it looks at the disk
        await self._save_render(job, "export", dest, draft)
        yield Progress(phase="render", fraction=job.progress)
        async for event in self._finish_render(job.id, dest, draft):
            yield event

    async def _replay(self, draft: Draft, title: str) -> AsyncIterator[Event]:
        """Render a recorded draft again, in a new session of this backend (`nemo-tui replay`)."""
        self._stop_requested = False
        if not draft.tracks:
            yield await self._notice(t("export.empty", self.lang), "warning")
            return
        await self.backend.create_session(None, language=self.language)
        self._session_id = None  # the session before stays in the store's list
        changed = await self._remember_session(title=title)
        if changed:
            yield changed
        self._draft = draft
        async for event in self._render_export(draft):
            yield event

    replay = guarded(_replay)

    async def _download_again(self, job_id: str) -> AsyncIterator[Event]:
        """A finished export's file again (`nemo-tui jobs --download`): beside the old name when
        that file is still there."""
        row = await self._db.render(job_id)
        if row is None:
            return
        dest = row.dest
        if await asyncio.to_thread(dest.exists):
            dest = await asyncio.to_thread(self._export_path, dest.parent)
        async for event in self._finish_render(job_id, dest, None, row.session_id):
            yield event

    download_again = guarded(_download_again)

    async def _cancel_job(self, job_id: str) -> AsyncIterator[Event]:
        """Stop a running render on the server (`nemo-tui jobs --cancel`) and close its row."""
        await self.backend.cancel_render(job_id)
        await self._db.finish_job(job_id, "cancelled")
        yield await self._notice(t("export.cancelled", self.lang))

    cancel_job = guarded(_cancel_job)

    async def _finish_render(
        self, job_id: str, dest: Path, draft: Draft | None = None, session_id: str | None = None
    ) -> AsyncIterator[Event]:
        """Wait for the render (the client polls: one cadence, in one place), retry a failed one
        once under a new id, download it (the client falls back to the API's download when the
        output URL fails), check it, record it. The render's row is closed whatever happens
        except a lost connection or an interruption that was not stop() (the next start resumes
        it); stop() cancels the render on the server and closes the row as cancelled."""
        downloading = False
        row = await self._db.render(job_id)
        started, length = (row.started, row.video_s) if row is not None else (time.time(), None)
        pace = await self._db.job_pace(self.backend_key, row.kind if row is not None else "export")
        try:
            retried = False
            while True:
                self.waiting_on = job_id
                render: Pump[RenderJob] = self._pump()

                def on_update(job: RenderJob, pump: Pump[RenderJob] = render) -> None:
                    eta = eta_left(started, length, job.progress, pace, time.time())
                    pump.emit(Progress(phase="render", fraction=job.progress, eta_s=eta))

                try:
                    async for event in render.events(self.backend.wait_for_render(job_id, on_update)):
                        if isinstance(event, Progress) and event.fraction is not None:
                            await self._db.job_progress(job_id, event.fraction)
                        yield event
                except RenderFailed as exc:
                    if retried:
                        raise
                    retried = True
                    yield await self._notice(
                        t("export.retrying", self.lang, reason=getattr(exc, "detail", None) or "?")
                    )
                    if draft is None:
                        draft = (await self.backend.state()).draft
                    new_job = await self.backend.start_render(draft)
                    await self._db.replace_render(job_id, new_job.id)
                    job_id = new_job.id
                    yield Progress(phase="render", fraction=new_job.progress)
                    continue
                break
            job = render.result
            yield Notice(text=t("export.downloading", self.lang))
            downloading = True
            download: Pump[Path] = self._pump()
            on_bytes = _byte_progress(download, "download")
            async for event in download.events(self.backend.download_render(job, dest, on_bytes)):
                yield event
            path = download.result
            try:
                info = await asyncio.to_thread(read_mp4_info, path)
            except NotMp4 as exc:
                raise RenderFailed(t("export.bad_file", self.lang, reason=str(exc))) from None
            size = (await asyncio.to_thread(os.stat, path)).st_size
            record = await self._write_record(path, info, draft, session_id)
        except NemoError as exc:
            if not _transient(exc):
                # Why, in the jobs list: the server's reason, else the error's own words.
                why = getattr(exc, "detail", None) or exc.user_message(self.lang)
                await self._db.finish_job(job_id, "failed", error=why)
            raise
        except (asyncio.CancelledError, GeneratorExit):
            if self._stop_requested:
                self._stop_requested = False
                await _shielded(self._cancel_render(job_id, rendering=not downloading))
            raise
        finally:
            self.waiting_on = None
        await self._db.finish_render(job_id, "completed")
        yield ExportDone(
            path=path,
            duration_s=info.duration_s,
            size_bytes=size,
            width=info.width,
            height=info.height,
            record=record,
        )
        yield await self._notice(
            t(
                "export.done",
                self.lang,
                path=path,
                duration=format_seconds(info.duration_s, self.lang),
                size=format_size(size),
                width=info.width,
                height=info.height,
            ),
            "success",
        )

    async def _write_record(
        self, path: Path, info: Mp4Info, draft: Draft | None, session_id: str | None
    ) -> Path | None:
        """The record beside the export (core/records.py); a failure to write it is logged and
        said nowhere else: the MP4 itself is safe."""
        sid = session_id or self._session_id or ""
        prompts = [m.text for m in await self._db.messages(sid, 1000) if m.role == "user"]
        spent = await self._db.session_spent(sid)
        try:
            record = await asyncio.to_thread(
                build_record,
                path,
                info,
                session_id=sid,
                backend_key=self.backend_key,
                prompts=prompts,
                draft=draft.to_wire() if draft is not None else None,
                credits_spent=spent,
                app_version=__version__,
            )
            return await asyncio.to_thread(write_record, record, record_path(path))
        except OSError as exc:
            log.warning("couldn't write the export's record: %r", exc)
            return None

    async def _cancel_render(self, job_id: str, *, rendering: bool) -> None:
        """The person stopped the export: cancel the render (best effort, bounded) and close its row."""
        if rendering:
            try:
                async with asyncio.timeout(10):
                    await self.backend.cancel_render(job_id)
            except Exception as exc:  # the server may have finished it already, or be unreachable
                log.debug("render cancel failed: %r", exc)
        await self._db.finish_render(job_id, "cancelled")
        if self._session_id:
            await self._db.add_message(self._session_id, "notice", t("export.cancelled", self.lang))

    async def _resume_pending(self) -> AsyncIterator[Event]:
        self._stop_requested = False
        for record in await self._db.pending_renders(self.backend_key):
            yield Notice(text=t("export.resuming", self.lang, job=record.job_id))
            # One failed job must not stop the others: report it and go on.
            draft = self._draft if record.session_id == self._session_id else None
            finish = self._finish_render(record.job_id, record.dest, draft, record.session_id)
            async for event in self._guard(finish):
                yield event

    resume_pending = guarded(_resume_pending)


def _byte_progress(
    pump: Pump[Any], phase: Literal["upload", "download"]
) -> Callable[[int, int | None], None]:
    """The client's progress(done, total) callback, as Progress events out of `pump`."""

    def on_bytes(done: int, total: int | None) -> None:
        pump.emit(Progress(phase=phase, done=done, total=total, fraction=(done / total) if total else None))

    return on_bytes


async def _shielded(work: Awaitable[None]) -> None:
    """Run clean-up to its end even though the flow around it is being cancelled."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(task), 15)


def _transient(exc: NemoError) -> bool:
    """A lost connection: keep the render pending so the next start picks it up."""
    return isinstance(exc, NetworkError)
