"""Reading one `/run_sse` turn: bytes → SSE fields → ADK events → typed TurnEvents.

Why not `httpx_sse.EventSource.aiter_sse()`: it drops comment lines (the engine's `: ping` heartbeats)
and, in 0.4.3, loses the first event when the body starts with a byte-order mark (tested in
tests/client/test_sse_parsing.py). The field rules are the same (WHATWG event-stream), and events
come out as `httpx_sse.ServerSentEvent`.

Semantics of the TurnEvents produced (DESIGN.md / PROTOCOL.md):
- TextDelta: text to append, already sanitised. `partial: true` chunks come out as they arrive; the
  following non-partial aggregate is not repeated (only a tail it adds beyond the chunks is). A
  non-partial text with no chunks before it comes out whole.
- ToolCall: once per call id (partial previews of a call are skipped; the final one counts).
- ToolResult: once per response id, with the event's stateDelta.
- Heartbeat: a comment line or an event with empty data.
- TurnError: the agent failed (ADK 2.x errorCode/errorMessage + the `{"error":...}` that follows make
  ONE TurnError), or one frame could not be read (not JSON). Reading goes on after it: a garbled
  frame should not cost the rest of the reply, and an agent error is followed by the close anyway.
- TurnEnd: always last after a clean close: the whole text as shown, whether state changed, and
  how many tool calls ran.
- A connection that drops, or a close in the middle of an event, raises StreamError instead of
  TurnEnd: the caller then polls the session state (never re-sends the POST).
"""

from __future__ import annotations

import asyncio
import codecs
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from httpx_sse import ServerSentEvent
from pydantic import ValidationError

from ..protocol import (
    AdkEvent,
    Heartbeat,
    StreamError,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
    TurnEvent,
    sanitize_text,
)
from ..protocol.sanitize import MAX_NESTING, NestedTooDeep, sanitize_deep  # noqa: F401 (re-exported)

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Comment:
    """A `:` line: the server saying it is still there."""


COMMENT = Comment()


class SseParser:
    """Incremental event-stream parser: feed it bytes as they arrive, in any split.

    Decodes UTF-8 with a leading BOM removed, splits on CRLF / CR / LF (a CR at the end of one read
    may pair with an LF at the start of the next), and keeps an unfinished line as a list of pieces
    so a 10 MB event arriving in thousands of reads costs linear time.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._line_parts: list[str] = []
        self._held_cr = False
        self._data: list[str] = []
        self._event = ""

    def feed(self, chunk: bytes) -> list[ServerSentEvent | Comment]:
        return self._take(self._decoder.decode(chunk))

    def close(self) -> tuple[list[ServerSentEvent | Comment], bool]:
        """Flush at end of stream. Returns (items, cut): `cut` when it ended inside an event."""
        items = self._take(self._decoder.decode(b"", final=True))
        if self._held_cr:
            self._held_cr = False
            items += self._line("".join(self._line_parts))
            self._line_parts = []
        cut = bool(self._line_parts) or bool(self._data)
        return items, cut

    def _take(self, text: str) -> list[ServerSentEvent | Comment]:
        if self._held_cr:
            text = "\r" + text
            self._held_cr = False
        if text.endswith("\r"):
            self._held_cr = True
            text = text[:-1]
        if not text:
            return []
        pieces = _NEWLINE.split(text)
        if len(pieces) == 1:
            self._line_parts.append(pieces[0])
            return []
        first = "".join(self._line_parts) + pieces[0]
        rest = pieces[-1]
        self._line_parts = [rest] if rest else []
        items: list[ServerSentEvent | Comment] = []
        for line in [first, *pieces[1:-1]]:
            items += self._line(line)
        return items

    def _line(self, line: str) -> list[ServerSentEvent | Comment]:
        if not line:
            if not self._data:
                self._event = ""
                return []
            event = ServerSentEvent(event=self._event, data="\n".join(self._data))
            self._data, self._event = [], ""
            return [event]
        if line.startswith(":"):
            return [COMMENT]
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        # id / retry / unknown fields: nothing to do for a one-shot turn stream.
        return []


def _snippet(text: str, limit: int = 80) -> str:
    text = sanitize_text(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TurnAssembler:
    """Turns SSE items into TurnEvents, keeping the state that de-duplication needs.

    `scrub` removes our token from server text that error messages quote (a failing tool may echo
    its request, Authorization and all); it runs before the text is shortened, so a long token
    cannot survive as a cut-off prefix."""

    def __init__(self, scrub: Callable[[str], str] | None = None) -> None:
        self._scrub = scrub or (lambda text: text)
        self._shown: list[str] = []
        self._partials: list[str] = []  # raw text of partial chunks since the last aggregate
        self._call_ids: set[str] = set()
        self._result_ids: set[str] = set()
        self._tool_calls = 0
        self._changed = False
        self._pending_error: tuple[str, str | None] | None = None

    @property
    def text(self) -> str:
        return "".join(self._shown)

    def handle(self, item: ServerSentEvent | Comment) -> list[TurnEvent]:
        if isinstance(item, Comment):
            return [Heartbeat()]
        return self.data(item.data)

    def data(self, data: str) -> list[TurnEvent]:
        if not data.strip():
            return [Heartbeat()]
        try:
            raw = json.loads(data)
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            event = AdkEvent.model_validate(raw)
        except (ValueError, ValidationError, RecursionError):  # nested past any sense: unreadable too
            return self._unreadable(data)
        try:
            return self._event(event)
        except NestedTooDeep:
            return self._unreadable(data)

    def _unreadable(self, data: str) -> list[TurnEvent]:
        return [*self._flush_error(), TurnError(
            message=f"The server sent a reply event that could not be read: {_snippet(self._scrub(data))!r}",
            error_type="MalformedEvent",
        )]

    def finish(self) -> list[TurnEvent]:
        return [*self._flush_error(), TurnEnd(
            text=self.text, changed_state=self._changed, tool_calls=self._tool_calls,
        )]

    # -- one ADK event -------------------------------------------------------------------------
    def _event(self, event: AdkEvent) -> list[TurnEvent]:
        out: list[TurnEvent] = []
        if event.error:
            # The final `{"error": ...}`; it absorbs an errorCode/errorMessage event just before it.
            details = event.error_details or {}
            pending_type = self._pending_error[1] if self._pending_error else None
            self._pending_error = None
            error_type = details.get("error_type") or pending_type
            out.append(TurnError(message=f"The agent failed: {_snippet(self._scrub(event.error), 300)}",
                                 error_type=sanitize_text(str(error_type)) if error_type else None))
        else:
            out += self._flush_error()
        if event.actions is not None and event.actions.state_delta:
            self._changed = True
        out += self._text(event)
        if not event.partial:
            out += self._calls(event)
        out += self._results(event)
        if not event.error and (event.error_code or event.error_message):
            # ADK 2.x: held until the next event, which is normally the `{"error": ...}` one.
            self._pending_error = (event.failure or "unknown error", event.error_code)
        return out

    def _flush_error(self) -> list[TurnEvent]:
        if self._pending_error is None:
            return []
        message, code = self._pending_error
        self._pending_error = None
        return [TurnError(message=f"The agent failed: {_snippet(self._scrub(message), 300)}",
                          error_type=sanitize_text(code) if code else None)]

    def _emit(self, raw: str, *, new_message: bool) -> list[TurnEvent]:
        text = sanitize_text(raw)
        if not text:
            return []
        if new_message and self._shown and not self.text.endswith("\n"):
            text = "\n\n" + text  # a separate reply message: keep it a separate paragraph
        self._shown.append(text)
        return [TextDelta(text=text)]

    def _text(self, event: AdkEvent) -> list[TurnEvent]:
        raw = event.text
        if event.partial:
            starting = not self._partials
            if raw:
                self._partials.append(raw)
            return self._emit(raw, new_message=starting) if raw else []
        if not raw:
            return []
        if not self._partials:
            return self._emit(raw, new_message=True)
        streamed = "".join(self._partials)
        self._partials = []
        if raw == streamed or streamed.startswith(raw) or raw.strip() == streamed.strip():
            return []  # the aggregate of what was already shown
        if raw.startswith(streamed):
            return self._emit(raw[len(streamed):], new_message=False)
        return self._emit(raw, new_message=True)

    def _calls(self, event: AdkEvent) -> list[TurnEvent]:
        out: list[TurnEvent] = []
        for call in event.function_calls:
            if call.id is not None:
                if call.id in self._call_ids:
                    continue
                self._call_ids.add(call.id)
            self._tool_calls += 1
            out.append(ToolCall(id=call.id, name=sanitize_text(call.name),
                                args=sanitize_deep(call.args)))
        return out

    def _results(self, event: AdkEvent) -> list[TurnEvent]:
        out: list[TurnEvent] = []
        delta = event.actions.state_delta if event.actions is not None else {}
        for response in event.function_responses:
            if response.id is not None:
                if response.id in self._result_ids:
                    continue
                self._result_ids.add(response.id)
            self._changed = True
            out.append(ToolResult(id=response.id, name=sanitize_text(response.name),
                                  response=sanitize_deep(response.response),
                                  state_delta=sanitize_deep(delta)))
        return out


async def read_turn(response: httpx.Response, *, deadline: float,
                    scrub: Callable[[str], str] | None = None) -> AsyncIterator[TurnEvent]:
    """TurnEvents from an open `/run_sse` response until it closes; `deadline` is loop time;
    `scrub` see TurnAssembler."""
    parser = SseParser()
    assembler = TurnAssembler(scrub)
    chunks = response.aiter_bytes()
    try:
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                break
            except TimeoutError:
                raise StreamError("the reply took longer than the 15-minute limit") from None
            except httpx.HTTPError as exc:
                raise StreamError(
                    f"the connection dropped mid-reply ({type(exc).__name__})"
                ) from None
            for item in parser.feed(chunk):
                for turn_event in assembler.handle(item):
                    yield turn_event
        items, cut = parser.close()
        for item in items:
            for turn_event in assembler.handle(item):
                yield turn_event
        if cut:
            raise StreamError("the stream ended in the middle of an event")
        for turn_event in assembler.finish():
            yield turn_event
    finally:
        await chunks.aclose()
