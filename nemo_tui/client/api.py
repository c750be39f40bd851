"""The NemoClient's public surface — written first so every layer can code against it.

The implementation lives in `client/nemo.py` (class `NemoClient` must keep exactly these methods).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Protocol

from ..protocol import Credits, Draft, RenderJob, SessionInfo, SessionState, TurnEvent, UploadResult

# progress(done, total) — total is None when unknown. Called often; must be cheap.
ProgressCallback = Callable[[int, int | None], None]
Sleep = Callable[[float], Awaitable[None]]


class VideoBackend(Protocol):
    base_url: str
    session: SessionInfo | None
    language: str
    # The account behind the token (`anon_…` for an anonymous one) as the server last named it in a
    # token, session or state answer; None until one did. The 2001 bind link needs it.
    user_id: str | None

    @property
    def is_anonymous(
        self,
    ) -> bool: ...  # True when the token came from /api/auth/anonymous-token (not NEMO_TOKEN)
    async def aclose(self) -> None: ...
    async def ensure_token(self) -> None: ...
    async def create_session(
        self, first_message: str | None = None, language: str | None = None
    ) -> SessionInfo: ...
    def use_session(self, session_id: str, task_id: str | None = None) -> None: ...
    def send_message(self, text: str) -> AsyncIterator[TurnEvent]: ...
    async def upload_file(
        self, path: str | Path, progress: ProgressCallback | None = None
    ) -> UploadResult: ...
    async def upload_urls(self, urls: list[str]) -> UploadResult: ...
    async def credits(self) -> Credits: ...
    async def state(self) -> SessionState: ...
    async def start_render(self, draft: Draft | None = None, *, quality: str = ...) -> RenderJob: ...
    async def render_status(self, job_id: str) -> RenderJob: ...
    # Polls with the vendor CLI's cadence (2 s, x1.5, up to 15 s; the client's `poll_interval`,
    # i.e. NEMO_POLL_INTERVAL_S, replaces it), through network errors and 5xx on the same id
    # (NetworkError after `render_max_failures` failed reads in a row); RenderFailed on `failed`;
    # RenderStalled (a RenderFailed) after 5 minutes of polling without any change in status or
    # progress. `start_render` takes a fresh `render_<ms>` id on every call (retry = call again).
    async def wait_for_render(
        self, job_id: str, on_update: Callable[[RenderJob], None] | None = None
    ) -> RenderJob: ...
    # POST /api/render/proxy/lambda/<id>/cancel: the person stopped an export.
    async def cancel_render(self, job_id: str) -> None: ...
    async def download(
        self, url: str, dest: str | Path, progress: ProgressCallback | None = None
    ) -> Path: ...
    # A finished render's file: its output URL (no token to a CDN host), falling back to
    # GET /api/render/proxy/<id>/download (with auth) when that URL fails or is missing.
    async def download_render(
        self, job: RenderJob, dest: str | Path, progress: ProgressCallback | None = None
    ) -> Path: ...
    # "Open in browser": POST /api/auth/claim-token for the current session, then
    # `<web base>/workspace/claim?ct=<claim_token>`. Never the API token in a URL.
    async def claim_link(self) -> str: ...
