"""Reading one `/run_sse` turn: bytes → SSE fields → ADK or type-tagged events → typed TurnEvents.

Two dialects arrive on the same stream (CLOUD_FACTS.md), told apart per event: ADK's serialized
`Event` (`content` is an object with `parts`), and the vendor's type-tagged events (`type` is a
string): `{"type":"text","content"|"text":…}` (a whole message; `chunk`/`token`/`delta`, or `text`
with `partial: true`, are pieces of one), `{"type":"tool_call","name"|"tool"|"tool_name":…,
"args":{…}}`, `{"type":"tool_result",…,"result":{…}}`, `{"type":"heartbeat"}`, `{"type":"error",
"message"|"error":…}`; `done` and the WebSocket-era status types (`thinking_start`, `status`, …)
carry nothing to show. There is no done event in either: the end of the stream is completion.

The bytes are split into events by `sse.SseParser`.

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
- AskQuestion: a tool call named `ask_question` whose args hold questions (protocol.questions):
  shown as a question, not as a ToolCall, and the TurnEnd says `asked`.
- A message that starts "I encountered a temporary issue" after something was already said is
  dropped (the cloud appends it after normal replies); alone, it is shown.
- TurnEnd: always last after a clean close: the whole text as shown, whether state changed, how
  many tool calls ran, and whether the turn ended on a question.
- A connection that drops, or a close in the middle of an event, raises StreamError instead of
  TurnEnd: the caller then polls the session state (never re-sends the POST).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import httpx
from httpx_sse import ServerSentEvent
from pydantic import ValidationError

from ..protocol import (
    ASK_QUESTION_TOOL,
    AdkEvent,
    AskQuestion,
    Heartbeat,
    StreamError,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
    TurnEvent,
    parse_question_set,
    sanitize_text,
)
from ..protocol.sanitize import sanitize_deep
from .sse import Comment, SseParser


def _snippet(text: str, limit: int = 80) -> str:
    text = sanitize_text(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The cloud appends this after normal replies (CLOUD_FACTS.md): dropped when something was said.
_TEMPORARY_ISSUE = "i encountered a temporary issue"

# Type-tagged event names, by what they mean.
_TYPED_MESSAGE = frozenset({"text", "message", "answer", "final", "final_answer", "assistant"})
_TYPED_PIECE = frozenset({"chunk", "token", "delta", "text_delta", "partial"})
_TYPED_CALL = frozenset({"tool_call", "toolcall", "tool_start", "toolcall_start", "function_call"})
_TYPED_RESULT = frozenset({"tool_result", "tool_end", "toolcall_end", "function_result", "tool_response"})
_TYPED_ERROR = frozenset({"error", "fatal", "failed"})


def _first(raw: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = raw.get(key)
        if value is not None and value != "":
            return value
    return None


def _error_words(value: Any) -> str:
    if isinstance(value, dict):
        value = _first(value, "message", "error", "msg", "detail") or json.dumps(value)[:300]
    return str(value) if value is not None else "unknown error"


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
        self._asked = False
        self._pending_error: tuple[str, str | None] | None = None
        self._held: str | None = None  # a message that may turn out to be the "temporary issue"
        self._dropping = False  # inside a dropped "temporary issue" message

    @property
    def text(self) -> str:
        return "".join(self._shown)

    def handle(self, item: ServerSentEvent | Comment) -> list[TurnEvent]:
        if isinstance(item, Comment):
            return [Heartbeat()]
        return self.data(item.data)

    def data(self, data: str) -> list[TurnEvent]:
        if not data.strip() or data.strip() == "[DONE]":
            return [Heartbeat()]
        try:
            raw = json.loads(data)
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            if isinstance(raw.get("type"), str) and not isinstance(raw.get("content"), dict):
                return self._typed(raw)
            event = AdkEvent.model_validate(raw)
            return self._event(event)
        # ValueError covers NestedTooDeep; RecursionError: nested past any sense — unreadable too.
        except (ValueError, ValidationError, RecursionError):
            return self._unreadable(data)

    def _unreadable(self, data: str) -> list[TurnEvent]:
        return [
            *self._flush_error(),
            TurnError(
                message=f"The server sent a reply event that could not be read: {_snippet(self._scrub(data))!r}",
                error_type="MalformedEvent",
            ),
        ]

    def finish(self) -> list[TurnEvent]:
        return [
            *self._flush_error(),
            *self._release(),
            TurnEnd(
                text=self.text,
                changed_state=self._changed,
                tool_calls=self._tool_calls,
                asked=self._asked,
            ),
        ]

    # -- one type-tagged event ----------------------------------------------------------------
    def _typed(self, raw: dict[str, Any]) -> list[TurnEvent]:
        kind = raw["type"].strip().lower()
        out: list[TurnEvent] = [] if kind in _TYPED_ERROR else self._flush_error()
        if kind in _TYPED_MESSAGE or kind in _TYPED_PIECE:
            text = _first(raw, "content", "text", "delta")
            if isinstance(text, str) and text:
                out += self._text_piece(text, partial=kind in _TYPED_PIECE or raw.get("partial") is True)
            return out
        if kind in _TYPED_CALL:
            args = _first(raw, "args", "arguments", "parameters", "input")
            if isinstance(args, str):
                try:
                    args = json.loads(args)
                except ValueError:
                    args = {"input": args}
            name = _first(raw, "name", "tool", "tool_name")
            call_id = _first(raw, "id", "call_id", "tool_call_id")
            return out + self._call(
                None if call_id is None else str(call_id),
                str(name or "tool"),
                args if isinstance(args, dict) else {},
            )
        if kind in _TYPED_RESULT:
            name = _first(raw, "name", "tool", "tool_name")
            call_id = _first(raw, "id", "call_id", "tool_call_id")
            delta = _first(raw, "state_delta", "stateDelta")
            return out + self._result(
                None if call_id is None else str(call_id),
                str(name or "tool"),
                _first(raw, "result", "response", "output"),
                delta if isinstance(delta, dict) else {},
            )
        if kind in _TYPED_ERROR:
            words = _error_words(_first(raw, "message", "error", "content", "detail"))
            error_type = raw.get("error_type") or raw.get("code")
            self._pending_error = None
            return [
                TurnError(
                    message=f"The agent failed: {_snippet(self._scrub(words), 300)}",
                    error_type=sanitize_text(str(error_type)) if error_type else None,
                )
            ]
        # heartbeat, done, thinking_*, status, warming_up and any future kind: alive, nothing to show
        return [*out, Heartbeat()]

    # -- one ADK event -------------------------------------------------------------------------
    def _event(self, event: AdkEvent) -> list[TurnEvent]:
        out: list[TurnEvent] = []
        if event.error:
            # The final `{"error": ...}`; it absorbs an errorCode/errorMessage event just before it.
            details = event.error_details or {}
            pending_type = self._pending_error[1] if self._pending_error else None
            self._pending_error = None
            error_type = details.get("error_type") or pending_type
            out.append(
                TurnError(
                    message=f"The agent failed: {_snippet(self._scrub(event.error), 300)}",
                    error_type=sanitize_text(str(error_type)) if error_type else None,
                )
            )
        else:
            out += self._flush_error()
        if event.actions is not None and event.actions.state_delta:
            self._changed = True
        if event.text or event.partial:
            out += self._text_piece(event.text, partial=bool(event.partial))
        if not event.partial:
            for call in event.function_calls:
                out += self._call(call.id, call.name, call.args)
        delta = event.actions.state_delta if event.actions is not None else {}
        for response in event.function_responses:
            out += self._result(response.id, response.name, response.response, delta)
        if not event.error and (event.error_code or event.error_message):
            # ADK 2.x: held until the next event, which is normally the `{"error": ...}` one.
            self._pending_error = (event.failure or "unknown error", event.error_code)
        return out

    def _flush_error(self) -> list[TurnEvent]:
        if self._pending_error is None:
            return []
        message, code = self._pending_error
        self._pending_error = None
        return [
            TurnError(
                message=f"The agent failed: {_snippet(self._scrub(message), 300)}",
                error_type=sanitize_text(code) if code else None,
            )
        ]

    # -- text ----------------------------------------------------------------------------------
    def _text_piece(self, raw: str, *, partial: bool) -> list[TurnEvent]:
        """A partial chunk, or a whole message (which may be the aggregate of the chunks before)."""
        if partial:
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
            return self._emit(raw[len(streamed) :], new_message=False)
        return self._emit(raw, new_message=True)

    def _emit(self, raw: str, *, new_message: bool) -> list[TurnEvent]:
        text = sanitize_text(raw)
        if not text:
            return []
        out: list[TurnEvent] = []
        if new_message:
            out += self._release()
            self._dropping = False
            if self._shown:
                self._held = ""  # something was said: this message may be the trailing notice
        if self._dropping:
            return out
        if self._held is not None:
            self._held += text
            probe = self._held.lstrip().lower()
            if probe.startswith(_TEMPORARY_ISSUE):
                self._held, self._dropping = None, True
                return out
            if _TEMPORARY_ISSUE.startswith(probe):
                return out  # could still be it: wait for more
            return out + self._release()
        return out + self._show(text, new_message=new_message)

    def _release(self) -> list[TurnEvent]:
        """Show a held message (it turned out not to be the notice, or the stream ended)."""
        held, self._held = self._held, None
        return self._show(held, new_message=True) if held else []

    def _show(self, text: str, *, new_message: bool) -> list[TurnEvent]:
        if new_message and self._shown and not self.text.endswith("\n"):
            text = "\n\n" + text  # a separate reply message: keep it a separate paragraph
        self._shown.append(text)
        return [TextDelta(text=text)]

    # -- tools ---------------------------------------------------------------------------------
    def _call(self, call_id: str | None, name: str, args: dict[str, Any]) -> list[TurnEvent]:
        if call_id is not None:
            if call_id in self._call_ids:
                return []
            self._call_ids.add(call_id)
        name = sanitize_text(name)
        args = sanitize_deep(args)
        if name == ASK_QUESTION_TOOL:
            asked = parse_question_set(args)
            if asked is not None:
                self._asked = True
                return [
                    *self._release(),
                    AskQuestion(id=call_id, title=asked.title, questions=asked.questions),
                ]
        self._asked = False  # work after a question: the turn did not end on it
        self._tool_calls += 1
        return [ToolCall(id=call_id, name=name, args=args)]

    def _result(
        self, result_id: str | None, name: str, response: Any, delta: dict[str, Any]
    ) -> list[TurnEvent]:
        if result_id is not None:
            if result_id in self._result_ids:
                return []
            self._result_ids.add(result_id)
        name = sanitize_text(name)
        if name == ASK_QUESTION_TOOL:
            return []  # the question was shown; its "result" is the person's answer, still to come
        self._changed = True
        return [
            ToolResult(
                id=result_id, name=name, response=sanitize_deep(response), state_delta=sanitize_deep(delta)
            )
        ]


async def read_turn(
    response: httpx.Response, *, deadline: float, scrub: Callable[[str], str] | None = None
) -> AsyncIterator[TurnEvent]:
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
                raise StreamError(f"the connection dropped mid-reply ({type(exc).__name__})") from None
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
        if isinstance(chunks, AsyncGenerator):  # httpx's aiter_bytes is one; its type says iterator
            await chunks.aclose()
