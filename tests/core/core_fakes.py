"""A scripted VideoBackend that plays the cloud's behaviour the local engine doesn't (yet): streams that
drop while the work goes on, questions, state that changes after a reply, renders that fail or are
cancelled. Not a mocked transport: it implements client/api.py's VideoBackend, as NemoClient does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from nemo_tui.protocol import (
    Credits,
    Draft,
    RenderFailed,
    RenderJob,
    SessionInfo,
    SessionState,
    StreamError,
)

SUNSET_DRAFT = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 10000, "m": {"name": "sunset"}}]}]})
SUNSET_WITH_BGM = Draft.from_wire(
    {
        "t": [
            {"tt": 0, "sg": [{"d": 10000, "m": {"name": "sunset"}}]},
            {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Calm Waves", "volume": 40}}]},
        ]
    }
)


class Drop:
    """In a turn script: the stream breaks off here (StreamError), as a lost connection does."""


class Gate:
    """In a turn script: wait here until `backend.release` is set."""


class ScriptedCloud:
    base_url = "https://cloud.invalid"
    language = "en"

    def __init__(
        self,
        *,
        turns: list[list[Any]] | None = None,
        states: list[SessionState] | None = None,
        anonymous: bool = True,
        render_failures: int = 0,
        render_gate: bool = False,
    ) -> None:
        self.session: SessionInfo | None = None
        self.is_anonymous = anonymous
        self.user_id: str | None = "anon_1" if anonymous else "user_1"
        self.turns = list(turns or [])
        # Each state() read returns the next one; the last repeats.
        self.states = list(states or [SessionState()])
        self.state_reads = 0
        self.sent: list[str] = []
        self.render_failures = render_failures
        self.render_gate = render_gate
        self.release = asyncio.Event()
        self.renders: list[str] = []
        self.render_qualities: list[str] = []  # output.quality of each start_render
        self.cancelled: list[str] = []
        self.on_state: Callable[[int], None] | None = None

    async def aclose(self) -> None:
        return None

    async def ensure_token(self) -> None:
        return None

    async def create_session(
        self, first_message: str | None = None, language: str | None = None
    ) -> SessionInfo:
        self.session = SessionInfo(session_id="5529798706024415232", task_id="task_1")
        return self.session

    def use_session(self, session_id: str, task_id: str | None = None) -> None:
        self.session = SessionInfo(session_id=session_id, task_id=task_id)

    async def send_message(self, text: str) -> AsyncIterator[Any]:
        self.sent.append(text)
        script = self.turns.pop(0) if self.turns else []
        for item in script:
            if isinstance(item, Drop):
                raise StreamError("the connection was closed mid-reply")
            if isinstance(item, Gate):
                await self.release.wait()
                continue
            yield item
            await asyncio.sleep(0)

    async def state(self) -> SessionState:
        index = min(self.state_reads, len(self.states) - 1)
        self.state_reads += 1
        if self.on_state is not None:
            self.on_state(self.state_reads)
        return self.states[index]

    async def credits(self) -> Credits:
        return Credits(available=100, total=100)

    async def start_render(self, draft: Draft | None = None, *, quality: str = "high") -> RenderJob:
        self.render_qualities.append(quality)
        job = RenderJob(id=f"render_{len(self.renders) + 1}", status="queued", progress=0.0)
        self.renders.append(job.id)
        return job

    async def render_status(self, job_id: str) -> RenderJob:
        return RenderJob(id=job_id, status="rendering", progress=0.5)

    async def wait_for_render(
        self, job_id: str, on_update: Callable[[RenderJob], None] | None = None
    ) -> RenderJob:
        if on_update is not None:
            on_update(RenderJob(id=job_id, status="rendering", progress=0.3))
        if self.render_failures > 0:
            self.render_failures -= 1
            raise RenderFailed("node fell over")
        if self.render_gate:
            await self.release.wait()
        return RenderJob(id=job_id, status="completed", progress=1.0, url="https://cdn.invalid/x.mp4")

    async def cancel_render(self, job_id: str) -> None:
        self.cancelled.append(job_id)

    async def download(self, url: str, dest: str | Path, progress: Any = None) -> Path:
        raise AssertionError("the conversation downloads renders with download_render")

    async def download_render(self, job: RenderJob, dest: str | Path, progress: Any = None) -> Path:
        raise RenderFailed("no bytes in the fake")

    async def upload_file(self, path: str | Path, progress: Any = None) -> Any:
        raise NotImplementedError

    async def upload_urls(self, urls: list[str]) -> Any:
        raise NotImplementedError

    async def claim_link(self) -> str:
        return "https://nemovideo.com/workspace/claim?ct=clm_abc"


async def until(condition: Callable[[], object], what: str, timeout_s: float = 10.0) -> None:
    """Poll `condition` (every 10 ms) until it holds; fail, saying `what` never happened, at the deadline.
    Waits only as long as needed, so a busy machine is slower, never a false failure."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        assert loop.time() < deadline, f"{what} did not happen within {timeout_s} s"
        await asyncio.sleep(0.01)
