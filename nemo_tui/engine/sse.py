"""The `/run_sse` response: ADK-style `data: <json>` frames, `: ping` heartbeats, and the faults.

A producer coroutine emits frames into a small buffer; the pump sends them, and sends a `: ping`
comment whenever `heartbeat_s` passes with nothing to send (so proxies keep the line open while a
tool runs). A client disconnect cancels the producer, like ADK cancels the run.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.abc
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..protocol import AdkEvent
from .config import Faults

Emit = Callable[[AdkEvent | dict[str, Any]], Awaitable[None]]
Producer = Callable[[Emit], Awaitable[None]]
PING = b": ping\n\n"
BROKEN_FRAME = b'data: {"content": {"parts": [{"text": "unterminated\n\n'
# Emitted by a turn to make the stream break off abruptly there (the drop_stream_during_generation fault).
CUT_STREAM: dict[str, Any] = {"__cut_stream__": True}
_CUT = b"\x00cut"
# Turns an event into the frames of another dialect (zero, one or more payloads); see dialect.py.
Translate = Callable[[AdkEvent | dict[str, Any]], list[dict[str, Any]]]


def frame(event: AdkEvent | dict[str, Any], translate: Translate | None = None) -> bytes:
    if event is CUT_STREAM:
        return _CUT
    if translate is not None:
        return b"".join(f"data: {json.dumps(p, ensure_ascii=False)}\n\n".encode() for p in translate(event))
    data = event.to_sse_data() if isinstance(event, AdkEvent) else json.dumps(event, ensure_ascii=False)
    return f"data: {data}\n\n".encode()


class SseResponse(Response):
    media_type = "text/event-stream"

    def __init__(
        self,
        producer: Producer,
        *,
        heartbeat_s: float,
        max_s: float,
        faults: Faults,
        translate: Translate | None = None,
        ping: bytes = PING,
    ) -> None:
        # No body attribute and no Content-Length: the response is streamed (chunked), like
        # StreamingResponse sets itself up.
        self.status_code = 200
        self.background = None
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.producer = producer
        self.heartbeat_s = heartbeat_s
        self.max_s = max_s
        self.faults = faults
        self.translate = translate
        self.ping = ping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        frames_in, frames_out = anyio.create_memory_object_stream[bytes](max_buffer_size=64)
        faults = self.faults
        dropped = disconnected = False

        async def emit(event: AdkEvent | dict[str, Any]) -> None:
            if faults.slow_stream_s > 0:
                await anyio.sleep(faults.slow_stream_s)
            data = frame(event, self.translate)
            if data:  # an event another dialect has no frame for sends nothing
                await frames_in.send(data)

        async def produce() -> None:
            async with frames_in:
                try:
                    with anyio.fail_after(self.max_s):
                        await self.producer(emit)
                except TimeoutError:
                    await frames_in.send(
                        frame(
                            AdkEvent.error_payload(
                                "TimeoutError", f"the turn ran past {self.max_s / 60:g} minutes"
                            ),
                            self.translate,
                        )
                    )
                except Exception as exc:  # an agent failure becomes the stream's last event
                    await frames_in.send(
                        frame(AdkEvent.error_payload(type(exc).__name__, str(exc)), self.translate)
                    )

        async def pump() -> None:
            nonlocal dropped
            sent = 0
            malformed = faults.malformed_event
            while True:
                with anyio.move_on_after(self.heartbeat_s) as idle:
                    try:
                        data = await frames_out.receive()
                    except anyio.EndOfStream:
                        return
                if idle.cancelled_caught:
                    await send({"type": "http.response.body", "body": self.ping, "more_body": True})
                    continue
                if data == _CUT:
                    dropped = True
                    return
                await send({"type": "http.response.body", "body": data, "more_body": True})
                sent += 1
                if malformed and sent == 1:
                    malformed = False
                    await send({"type": "http.response.body", "body": BROKEN_FRAME, "more_body": True})
                drop_after = faults.drop_stream_after_events
                if drop_after is not None and sent >= drop_after:
                    dropped = True
                    if faults.drop_stream_mid_event:
                        try:
                            upcoming = await frames_out.receive()
                        except anyio.EndOfStream:
                            return
                        await send(
                            {
                                "type": "http.response.body",
                                "body": upcoming[: len(upcoming) // 2],
                                "more_body": True,
                            }
                        )
                    return

        async def watch_disconnect(group: anyio.abc.TaskGroup) -> None:
            nonlocal disconnected
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected = True
            group.cancel_scope.cancel()

        async def pump_until_gone() -> None:
            nonlocal disconnected
            try:
                await pump()
            except OSError:  # a server that raises when the client went away mid-send (uvicorn just drops)
                disconnected = True

        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        # The OSError is caught inside the group: anyio's task group would wrap it in an ExceptionGroup.
        async with anyio.create_task_group() as group:
            group.start_soon(produce)
            group.start_soon(watch_disconnect, group)
            await pump_until_gone()
            group.cancel_scope.cancel()
        if not dropped and not disconnected:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        # When dropped, returning without the final body message makes the server cut the connection
        # mid-stream: the client sees an abrupt close, not a clean end.
