"""Shared pieces of the reliability suite: a Conversation wired to a live engine, and event filters.

What "the person sees" is the Conversation's events (what the TUI renders) plus the client's
`on_recovery` messages (the TUI shows them as notices); `Harness.seen()` joins both, in words.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from nemo_tui.client.credentials import CredentialStore
from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.events import Notice, ReplyFinished
from nemo_tui.core.store import Store

CLIP = "generate a 1-second video of a sunset"


async def collect(flow: AsyncIterator[Any]) -> list[Any]:
    return [event async for event in flow]


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def notices(events: list[Any], level: str | None = None) -> list[str]:
    return [e.text for e in of(events, Notice) if level is None or e.level == level]


def tiny_png(path: Path) -> Path:
    """A real 16x16 PNG made by ffmpeg (the engine probes uploads, so it must be a real image)."""
    import subprocess

    import imageio_ffmpeg

    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=16x16",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
        timeout=30,
    )
    return path


class Clock:
    """An injected sleep: records each wait, returns at once (a 30 s rate-limit wait costs nothing)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@dataclass
class Harness:
    client: NemoClient
    store: Store
    conv: Conversation
    clock: Clock
    recoveries: list[str] = field(default_factory=list)

    def seen(self, events: list[Any]) -> list[str]:
        """Every line of text the person is shown: recovery notes, notices, replies."""
        return [*self.recoveries, *notices(events), *(e.text for e in of(events, ReplyFinished))]

    async def aclose(self) -> None:
        await self.client.aclose()
        self.store.close()


def make_harness(base_url: str, root: Path, *, timeout_s: float = 30.0, **client_kw: Any) -> Harness:
    """A client with its own credentials file and app database under `root`."""
    clock = Clock()
    recoveries: list[str] = []
    client_kw.setdefault("sleep", clock)
    client = NemoClient(
        base_url,
        credentials=CredentialStore(root / "config" / "credentials.json"),
        credentials_key="local",
        poll_interval=0.05,
        on_recovery=recoveries.append,
        timeout_s=timeout_s,
        **client_kw,
    )
    store = Store(root / "data" / "nemo.db")
    # sleep stays the real asyncio.sleep for render polling: the engine renders in real time.
    conv = Conversation(client, store, backend_key="local", export_dir=root / "exports", cwd=root)
    return Harness(client, store, conv, clock, recoveries)


class RecordingTransport(httpx.AsyncHTTPTransport):
    """The real network transport, noting each request's method, path and Range header."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, request.headers.get("range")))
        return await super().handle_async_request(request)


def render_outputs(engine_data_dir: Path) -> list[Path]:
    """The finished MP4s the engine serves (hidden partial files excluded)."""
    return sorted(p for p in (engine_data_dir / "renders").glob("*/*.mp4") if not p.name.startswith("."))
