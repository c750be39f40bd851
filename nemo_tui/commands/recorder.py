"""A pass-through VideoBackend that remembers the typed errors the client raised.

The Conversation turns every NemoError into an error Notice (so the TUI never crashes); a script
needs the error's *class* for its exit code. Wrapping the client keeps the conversation unchanged:
whatever reaches the conversation as an exception is noted here on its way through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..client.api import ProgressCallback, VideoBackend
from ..protocol import (
    EXPORT_QUALITY,
    Credits,
    Draft,
    NemoError,
    RenderJob,
    SessionInfo,
    SessionState,
    TurnEvent,
    UploadResult,
)


class ErrorRecorder:
    """Implements `VideoBackend` by delegating to `inner`; `errors` lists what it raised."""

    def __init__(self, inner: VideoBackend) -> None:
        self.inner = inner
        self.errors: list[NemoError] = []

    @property
    def last_error(self) -> NemoError | None:
        return self.errors[-1] if self.errors else None

    # Attributes the conversation reads live on the real client.
    @property
    def base_url(self) -> str:
        return self.inner.base_url

    @property
    def session(self) -> SessionInfo | None:
        return self.inner.session

    @property
    def language(self) -> str:
        return self.inner.language

    @language.setter
    def language(self, value: str) -> None:
        self.inner.language = value

    @property
    def is_anonymous(self) -> bool:
        return self.inner.is_anonymous

    async def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            return await method(*args)
        except NemoError as exc:
            self.errors.append(exc)
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def ensure_token(self) -> None:
        await self._call(self.inner.ensure_token)

    async def create_session(
        self, first_message: str | None = None, language: str | None = None
    ) -> SessionInfo:
        return await self._call(self.inner.create_session, first_message, language)

    def use_session(self, session_id: str, task_id: str | None = None) -> None:
        self.inner.use_session(session_id, task_id)

    async def send_message(self, text: str) -> AsyncIterator[TurnEvent]:
        stream = self.inner.send_message(text)
        try:
            async for event in stream:
                yield event
        except NemoError as exc:
            self.errors.append(exc)
            raise
        finally:
            await stream.aclose()  # type: ignore[attr-defined]

    async def upload_file(self, path: str | Path, progress: ProgressCallback | None = None) -> UploadResult:
        return await self._call(self.inner.upload_file, path, progress)

    async def upload_urls(self, urls: list[str]) -> UploadResult:
        return await self._call(self.inner.upload_urls, urls)

    async def credits(self) -> Credits:
        return await self._call(self.inner.credits)

    async def state(self) -> SessionState:
        return await self._call(self.inner.state)

    async def start_render(self, draft: Draft | None = None, *, quality: str = EXPORT_QUALITY) -> RenderJob:
        return await self._call(partial(self.inner.start_render, quality=quality), draft)

    async def render_status(self, job_id: str) -> RenderJob:
        return await self._call(self.inner.render_status, job_id)

    async def wait_for_render(
        self, job_id: str, on_update: Callable[[RenderJob], None] | None = None
    ) -> RenderJob:
        return await self._call(self.inner.wait_for_render, job_id, on_update)

    async def download(self, url: str, dest: str | Path, progress: ProgressCallback | None = None) -> Path:
        return await self._call(self.inner.download, url, dest, progress)

    async def cancel_render(self, job_id: str) -> None:
        await self._call(self.inner.cancel_render, job_id)

    async def download_render(
        self, job: RenderJob, dest: str | Path, progress: ProgressCallback | None = None
    ) -> Path:
        return await self._call(self.inner.download_render, job, dest, progress)

    async def claim_link(self) -> str:
        return await self._call(self.inner.claim_link)

    @property
    def user_id(self) -> str | None:
        return getattr(self.inner, "user_id", None)
