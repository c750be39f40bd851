"""Helpers for the client tests: crafted SSE bodies the real engine never produces.

Two ways to serve them: `httpx.MockTransport` when the test needs exact control of how the bytes are
split across reads, and a raw asyncio socket server on 127.0.0.1 when the test needs a real TCP
connection that breaks (a mock cannot drop a socket).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx

from nemo_tui.client.nemo import NemoClient
from nemo_tui.protocol import TurnEvent

SECRET = "tok-SECRET-3f9c1e7a-do-not-show"


def frame(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def text_event(text: str, *, partial: bool = False, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "author": "nemo_agent",
        "invocationId": "e-1",
        **extra,
    }
    if partial:
        event["partial"] = True
    return event


def call_event(call_id: str, name: str, args: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    event: dict[str, Any] = {
        "content": {"parts": [{"functionCall": {"id": call_id, "name": name, "args": args}}], "role": "model"}
    }
    if partial:
        event["partial"] = True
    return event


def response_event(call_id: str, name: str, delta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "content": {
            "parts": [{"functionResponse": {"id": call_id, "name": name, "response": {"status": "ok"}}}],
            "role": "user",
        },
        "actions": {"stateDelta": delta or {}},
    }


def sse_client(
    chunks: Iterable[bytes], *, content_type: str = "text/event-stream", status: int = 200, **kwargs: Any
) -> tuple[NemoClient, list[httpx.Request]]:
    """A NemoClient whose /run_sse answers `chunks`, one network read each."""
    seen: list[httpx.Request] = []
    parts = list(chunks)

    async def body() -> AsyncIterator[bytes]:
        for piece in parts:
            yield piece

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers={"content-type": content_type}, content=body())

    kwargs.setdefault("token", SECRET)
    client = NemoClient("http://sse.test", transport=httpx.MockTransport(handler), **kwargs)
    client.use_session("s-1", "task-1")
    return client, seen


async def collect(client: NemoClient, text: str = "hello there") -> list[TurnEvent]:
    return [event async for event in client.send_message(text)]


class RawServer:
    """Serves fixed bytes on 127.0.0.1, then closes the socket: connection i gets payloads[i]
    (the last one repeats). `heads` keeps each request head, the token masked as <SECRET>."""

    def __init__(self, payloads: bytes | list[bytes]) -> None:
        self.payloads = [payloads] if isinstance(payloads, bytes) else list(payloads)
        self.connections = 0
        self.heads: list[str] = []
        self._server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        payload = self.payloads[min(self.connections, len(self.payloads) - 1)]
        self.connections += 1
        # Read the request head and its Content-Length body, so closing does not reset the socket
        # before the client finished sending.
        head = await reader.readuntil(b"\r\n\r\n")
        # Kept with the token replaced, so a failing assertion never prints it.
        self.heads.append(head.decode("latin-1").replace(SECRET, "<SECRET>"))
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await reader.readexactly(length)
        writer.write(payload)
        await writer.drain()
        writer.close()


class RecordingTransport(httpx.AsyncHTTPTransport):
    """Real HTTP, plus a note of each request's method, path and headers (token masked)."""

    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        self.secret = secret
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if "authorization" in headers:
            headers["authorization"] = "Bearer <masked>"
        self.requests.append((request.method, request.url.path, headers))
        return await super().handle_async_request(request)

    def paths(self) -> list[str]:
        return [f"{method} {path}" for method, path, _ in self.requests]
