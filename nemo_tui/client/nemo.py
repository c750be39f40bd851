"""NemoClient: the NemoVideo API (cloud or local engine) — every endpoint of PROTOCOL.md.

Every request goes through `NemoConnection._send` (connection.py), where errors are mapped and
recovered once. Constructor arguments: see `NemoConnection.__init__`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from ..protocol import (
    EXPORT_QUALITY,
    ClaimToken,
    Credits,
    Draft,
    InvalidInput,
    NemoError,
    NetworkError,
    RenderFailed,
    RenderJob,
    RenderOutput,
    RenderRequest,
    RenderStalled,
    RunSseRequest,
    ServerError,
    SessionState,
    StateResponse,
    StreamError,
    TurnEvent,
    UploadResult,
    UploadUrlsRequest,
    paths,
    read_answer,
)
from .api import ProgressCallback
from .connection import (
    MSG_CLIENT_ID_RENEWED,
    MSG_RATE_LIMITED,
    MSG_SESSION_RENEWED,
    MSG_TOKEN_RENEWED,
    NemoConnection,
)
from .http import Call
from .stream import read_turn
from .transfer import (
    DownloadDropped,
    MultipartFile,
    SaveFailed,
    checked_upload,
    download_target,
    parse_content_range,
    size_on_disk,
    unsatisfied_total,
)

log = logging.getLogger("nemo_tui.client")
RENDER_ID_TRIES = 3

__all__ = [
    "MSG_CLIENT_ID_RENEWED",
    "MSG_RATE_LIMITED",
    "MSG_SESSION_RENEWED",
    "MSG_TOKEN_RENEWED",
    "NemoClient",
]


class NemoClient(NemoConnection):
    """Implements `nemo_tui.client.api.VideoBackend`. Use as `async with NemoClient(...) as c:`."""

    # -- a turn ----------------------------------------------------------------------------------
    async def send_message(self, text: str) -> AsyncIterator[TurnEvent]:
        if not text or not text.strip():
            raise InvalidInput("Type a message to send.")
        if self.session is None:
            await self.create_session(text)
        # The stream has no read timeout, so the ceiling must also cover waiting for its headers:
        # a server that accepts the POST and never answers would otherwise hang the turn for ever.
        deadline = asyncio.get_running_loop().time() + self.turn_ceiling_s
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._send(
                    lambda: Call(
                        "POST",
                        self._url(paths.RUN_SSE),
                        json_body=RunSseRequest.for_text(self._session_id(), text).to_wire(),
                        headers={"Accept": "text/event-stream", "Cache-Control": "no-store"},
                        timeout=self._stream_timeout,
                        session_bound=True,
                    ),
                    stream=True,
                )
        except TimeoutError:
            raise StreamError("no reply within the 15-minute limit") from None
        # From here on bytes may have arrived: whatever happens, this POST is never sent again.
        try:
            ctype = response.headers.get("content-type", "")
            if "text/event-stream" not in ctype:
                raise StreamError(f"expected an event stream, got {ctype or 'no content type'}")
            async for event in read_turn(response, deadline=deadline, scrub=self._scrub_text):
                yield event
        finally:
            await response.aclose()

    # -- media -----------------------------------------------------------------------------------
    def _upload_url(self) -> str:
        return self._url(paths.fill(paths.UPLOAD, session_id=self._session_id()))

    async def upload_file(self, path: str | Path, progress: ProgressCallback | None = None) -> UploadResult:
        file, size = await asyncio.to_thread(checked_upload, path)  # it stats the file
        if self.session is None:
            await self.create_session()
        body = MultipartFile(file, size)

        def build() -> Call:
            return Call(
                "POST",
                self._upload_url(),
                content=lambda: body.body(progress),
                headers=body.headers,
                timeout=self._upload_timeout,
                session_bound=True,
            )

        return read_answer(UploadResult, await self._request(build), "upload")

    async def upload_urls(self, urls: list[str]) -> UploadResult:
        urls = [u.strip() for u in urls if u and u.strip()]
        if not urls:
            raise InvalidInput("No URL was given to upload.")
        # file:// is for the local engine on this machine; the server has the last word on it.
        bad = [u for u in urls if urlsplit(u).scheme not in ("http", "https", "file")]
        if bad:
            raise InvalidInput(f"{bad[0]} is not a link (it should start with https://).")
        if self.session is None:
            await self.create_session()
        body = UploadUrlsRequest(urls=urls).model_dump()
        data = await self._request(
            lambda: Call(
                "POST", self._upload_url(), json_body=body, timeout=self._upload_timeout, session_bound=True
            )
        )
        return read_answer(UploadResult, data, "upload")

    # -- credits, state, render ------------------------------------------------------------------
    async def credits(self) -> Credits:
        data = await self._request(lambda: Call("GET", self._url(paths.CREDITS)))
        return read_answer(Credits, data, "credits")

    async def state(self) -> SessionState:
        data = await self._request(
            lambda: Call(
                "GET",
                self._url(paths.fill(paths.STATE, session_id=self._session_id())),
                session_bound=True,
            )
        )
        answer = read_answer(StateResponse, data, "state")
        if answer.task_id and self.session and not self.session.task_id:
            # A session resumed by id alone learns its task id here (claim links need it).
            self.session.task_id = answer.task_id
        if answer.user_id:
            self.user_id = answer.user_id
        return answer.state

    async def start_render(self, draft: Draft | None = None, *, quality: str = EXPORT_QUALITY) -> RenderJob:
        """POST a render of `draft` (the session's when None); `quality` "preview" only to the engine."""
        if draft is None:
            draft = (await self.state()).draft
        if not draft.tracks:
            raise InvalidInput("The timeline is empty: there is nothing to export yet.")
        # A fresh `render_<ms>` id on every call, even two in the same millisecond: retrying a
        # failed render (the export flow does, once) must not reuse the failed id.
        stamp_ms = max(int(time.time() * 1000), self._last_render_ms + 1)

        def build() -> Call:
            request = RenderRequest(
                id=f"render_{stamp_ms}",
                sessionId=self._session_id(),
                draft=draft.to_wire(),
                output=RenderOutput(quality=quality),
            )
            return Call(
                "POST",
                self._url(paths.RENDER),
                json_body=request.model_dump(mode="json"),
                session_bound=True,
            )

        for attempt in range(RENDER_ID_TRIES):
            self._last_render_ms = stamp_ms
            try:
                data = await self._request(build)
                break
            except ServerError as exc:
                # `render_<ms>` ids are shared by every user of the service: another one can take
                # ours in the same millisecond (HTTP 409). Take the next millisecond and try again.
                if exc.http_status != 409 or attempt == RENDER_ID_TRIES - 1:
                    raise
                stamp_ms = max(int(time.time() * 1000), stamp_ms + 1)
        job = read_answer(RenderJob, data, "render", required=False)
        if not job.id:
            job.id = f"render_{stamp_ms}"
        return job

    async def render_status(self, job_id: str) -> RenderJob:
        data = await self._request(
            lambda: Call("GET", self._url(paths.fill(paths.RENDER_STATUS, render_id=job_id)))
        )
        job = read_answer(RenderJob, data, "render status")
        if not job.id:
            job.id = job_id
        return job

    def render_poll_intervals(self) -> Iterator[float]:
        """The waits between render polls: `poll_interval` every time when set, else the vendor
        CLI's cadence (2 s, x1.5, at most 15 s)."""
        if self.poll_interval is not None:
            while True:
                yield self.poll_interval
        wait = self.render_poll_start_s
        while True:
            yield wait
            wait = min(wait * self.render_poll_factor, self.render_poll_max_s)

    async def wait_for_render(
        self, job_id: str, on_update: Callable[[RenderJob], None] | None = None
    ) -> RenderJob:
        """Poll `job_id` until it completes (returned) or fails (RenderFailed).

        Always the same id: a network error, a 5xx or an unreadable status answer is counted, and
        after `render_max_failures` in a row it is a NetworkError (each read already tried a GET
        three times). The budget is per stall: RenderStalled once neither the status nor the
        progress changed for `render_stall_s` of polling; any change restarts it.
        """
        waits = self.render_poll_intervals()
        failures = 0
        last: tuple[str, float] | None = None
        still_for = 0.0
        while True:
            try:
                job = await self.render_status(job_id)
            except (NetworkError, ServerError) as exc:
                if isinstance(exc, ServerError) and exc.http_status is not None and exc.http_status < 500:
                    raise  # the server knows what it means (404: no such render): not transient
                failures += 1
                if failures >= self.render_max_failures:
                    raise NetworkError(
                        f"lost touch with export {job_id}: {failures} status checks in a row failed "
                        f"({exc.detail or type(exc).__name__})"
                    ) from None
                log.debug(
                    "render status of %s failed (%s); polling the same id again", job_id, type(exc).__name__
                )
            else:
                failures = 0
                if on_update is not None:
                    on_update(job)
                if job.status == "completed":
                    return job
                if job.status == "failed":
                    raise RenderFailed(job.error or "")
                seen = (job.status, round(job.progress, 4))
                if seen != last:
                    last, still_for = seen, 0.0
            if still_for >= self.render_stall_s:
                raise RenderStalled(
                    f"export {job_id} showed no progress for {self.render_stall_s / 60:g} minutes"
                )
            wait = next(waits)
            await self._sleep(wait)
            still_for += wait

    async def cancel_render(self, job_id: str) -> None:
        """POST /api/render/proxy/lambda/<id>/cancel (never repeated). An answer without data is fine."""
        await self._request(
            lambda: Call("POST", self._url(paths.fill(paths.RENDER_CANCEL, render_id=job_id)))
        )

    # -- links -----------------------------------------------------------------------------------
    async def claim_link(self) -> str:
        if self.session is None:
            raise InvalidInput("No project yet: send a message first, then open it in the browser.")
        body = {"task_id": self.session.task_id or "", "session_id": self.session.session_id}
        data = await self._request(lambda: Call("POST", self._url(paths.CLAIM_TOKEN), json_body=body))
        claim = read_answer(ClaimToken, data, "claim")
        return f"{self.web_base}{paths.CLAIM_PAGE}?{urlencode({'ct': claim.claim_token})}"

    # -- download --------------------------------------------------------------------------------
    async def download(self, url: str, dest: str | Path, progress: ProgressCallback | None = None) -> Path:
        """Download to `<dest>.part`, resuming it with Range; rename into place once complete."""
        full_url = self._url(url)
        final = await asyncio.to_thread(download_target, full_url, dest)  # it stats `dest`
        part = final.with_name(final.name + ".part")
        drops = 0
        while True:
            try:
                await asyncio.to_thread(final.parent.mkdir, parents=True, exist_ok=True)
                return await self._download_once(full_url, final, part, progress)
            except OSError as exc:  # this machine's disk, not the network (httpx errors are not OSError)
                # A disk that is full stays full: give its space back rather than keep a .part.
                await asyncio.to_thread(part.unlink, missing_ok=True)
                raise SaveFailed(final.parent, exc) from None
            except DownloadDropped as drop:
                drops += 1
                if drops > 1:
                    raise NetworkError(
                        f"the download broke off twice ({drop}); "
                        f"{part.name} keeps what arrived and the next try resumes from it"
                    ) from None
                log.debug("download dropped (%s); resuming from the bytes on disk", drop)

    async def download_render(
        self, job: RenderJob, dest: str | Path, progress: ProgressCallback | None = None
    ) -> Path:
        """The render's output URL first (a CDN: no token goes there); when it is missing or fails,
        the API's own `GET /api/render/proxy/<id>/download`, with auth."""
        fallback = self._url(paths.fill(paths.RENDER_DOWNLOAD, render_id=job.id))
        if job.url:
            try:
                return await self.download(job.url, dest, progress)
            except SaveFailed:
                raise  # this machine's disk: the other URL would fail the same way
            except NemoError as exc:
                log.debug("render output URL failed (%s); trying the API's download", type(exc).__name__)
        return await self.download(fallback, dest, progress)

    async def _download_once(
        self, url: str, final: Path, part: Path, progress: ProgressCallback | None
    ) -> Path:
        offset = await asyncio.to_thread(size_on_disk, part)
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        response = await self._send(
            lambda: Call(
                "GET", url, headers=headers, auth=self._same_origin(url), accept_status=frozenset({416})
            ),
            stream=True,
        )
        try:
            if response.status_code == 416:
                if unsatisfied_total(response.headers.get("content-range")) == offset:
                    await asyncio.to_thread(os.replace, part, final)  # the .part was complete
                    return final
                await asyncio.to_thread(part.unlink, missing_ok=True)  # no prefix of this file
                raise DownloadDropped("the server refused to resume")
            total: int | None
            span = parse_content_range(response.headers.get("content-range"))
            if response.status_code == 206 and span is not None and span[0] == offset:
                total = span[1]
            else:
                offset = 0  # a full answer (200), or a range we did not ask for
                length = response.headers.get("content-length")
                total = int(length) if length and length.isdigit() else None
            written = await self._write_body(response, part, offset, total, progress)
        finally:
            await response.aclose()
        if total is not None and written != total:
            raise DownloadDropped(f"got {written} of {total} bytes")
        await asyncio.to_thread(os.replace, part, final)
        return final

    async def _write_body(
        self,
        response: httpx.Response,
        part: Path,
        offset: int,
        total: int | None,
        progress: ProgressCallback | None,
    ) -> int:
        handle = await asyncio.to_thread(open, part, "ab" if offset else "wb")
        written = offset
        try:
            if progress is not None:
                progress(written, total)
            # No chunk_size: httpx would hold bytes back, and a drop would lose them instead of
            # leaving them on disk for the resume.
            async for chunk in response.aiter_bytes():
                await asyncio.to_thread(handle.write, chunk)
                written += len(chunk)
                if progress is not None:
                    progress(written, total)
        except httpx.HTTPError as exc:
            raise DownloadDropped(type(exc).__name__) from None
        finally:
            await asyncio.to_thread(handle.close)
        return written
