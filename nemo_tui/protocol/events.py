"""ADK events as they arrive on `/run_sse`, and the typed events the client hands upward.

`AdkEvent` is the wire (camelCase, unknown fields ignored, ADK 1.x and 2.x error shapes).
`TurnEvent` is what the rest of the app sees: text deltas, tool calls/results, heartbeats, errors, end.
The engine builds its events with the `AdkEvent.*` constructors so both sides share one shape.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .questions import Question

_CAMEL = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)


class FunctionCall(BaseModel):
    model_config = _CAMEL

    id: str | None = None
    name: str = ""
    args: dict[str, Any] = Field(default_factory=dict)


class FunctionResponse(BaseModel):
    model_config = _CAMEL

    id: str | None = None
    name: str = ""
    response: Any = None


class Part(BaseModel):
    model_config = _CAMEL

    text: str | None = None
    thought: bool | None = None
    function_call: FunctionCall | None = Field(default=None, alias="functionCall")
    function_response: FunctionResponse | None = Field(default=None, alias="functionResponse")


class Content(BaseModel):
    model_config = _CAMEL

    parts: list[Part] = Field(default_factory=list)
    role: str | None = None


class Actions(BaseModel):
    model_config = _CAMEL

    state_delta: dict[str, Any] = Field(default_factory=dict, alias="stateDelta")
    artifact_delta: dict[str, Any] = Field(default_factory=dict, alias="artifactDelta")
    requested_auth_configs: dict[str, Any] = Field(default_factory=dict, alias="requestedAuthConfigs")
    requested_tool_confirmations: dict[str, Any] = Field(
        default_factory=dict, alias="requestedToolConfirmations"
    )


class AdkEvent(BaseModel):
    model_config = _CAMEL

    content: Content | None = None
    partial: bool | None = None
    invocation_id: str | None = Field(default=None, alias="invocationId")
    author: str | None = None
    actions: Actions | None = None
    id: str | None = None
    timestamp: float | None = None
    turn_complete: bool | None = Field(default=None, alias="turnComplete")
    # ADK 2.x first sends errorCode/errorMessage; every version ends with `error` (+ `error_details`).
    error_code: str | None = Field(default=None, alias="errorCode")
    error_message: str | None = Field(default=None, alias="errorMessage")
    error: str | None = None
    error_details: dict[str, Any] | None = None

    # -- reading -----------------------------------------------------------------------------
    @property
    def text(self) -> str:
        if not self.content:
            return ""
        return "".join(p.text for p in self.content.parts if p.text and not p.thought)

    @property
    def function_calls(self) -> list[FunctionCall]:
        return [p.function_call for p in (self.content.parts if self.content else []) if p.function_call]

    @property
    def function_responses(self) -> list[FunctionResponse]:
        return [
            p.function_response for p in (self.content.parts if self.content else []) if p.function_response
        ]

    @property
    def failure(self) -> str | None:
        if self.error:
            return self.error
        if self.error_code or self.error_message:
            return ": ".join(x for x in (self.error_code, self.error_message) if x)
        return None

    # -- building (the engine's side) ---------------------------------------------------------
    @classmethod
    def _make(cls, invocation_id: str, *, author: str = "nemo_agent", **fields: Any) -> AdkEvent:
        return cls(
            invocation_id=invocation_id,
            author=author,
            actions=fields.pop("actions", None) or Actions(),
            id=uuid.uuid4().hex,
            timestamp=time.time(),
            **fields,
        )

    @classmethod
    def text_event(cls, invocation_id: str, text: str, *, partial: bool = False) -> AdkEvent:
        return cls._make(
            invocation_id,
            content=Content(parts=[Part(text=text)], role="model"),
            partial=True if partial else None,
        )

    @classmethod
    def call_event(cls, invocation_id: str, call_id: str, name: str, args: dict[str, Any]) -> AdkEvent:
        return cls._make(
            invocation_id,
            content=Content(
                parts=[Part(function_call=FunctionCall(id=call_id, name=name, args=args))], role="model"
            ),
        )

    @classmethod
    def response_event(
        cls,
        invocation_id: str,
        call_id: str,
        name: str,
        response: Any,
        state_delta: dict[str, Any] | None = None,
    ) -> AdkEvent:
        return cls._make(
            invocation_id,
            content=Content(
                parts=[Part(function_response=FunctionResponse(id=call_id, name=name, response=response))],
                role="user",
            ),
            actions=Actions(state_delta=state_delta or {}),
        )

    @staticmethod
    def error_payload(error_type: str, message: str) -> dict[str, Any]:
        return {
            "error": f"{error_type}: {message}",
            "error_details": {"error_type": error_type, "error_message": message, "timestamp": time.time()},
        }

    def to_sse_data(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)


# ---- typed events for the app ----------------------------------------------------------------


class TextDelta(BaseModel):
    kind: Literal["text"] = "text"
    text: str


class ToolCall(BaseModel):
    kind: Literal["tool_call"] = "tool_call"
    id: str | None = None
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class ToolResult(BaseModel):
    kind: Literal["tool_result"] = "tool_result"
    id: str | None = None
    name: str
    response: Any = None
    state_delta: dict[str, Any] = Field(default_factory=dict)


class Heartbeat(BaseModel):
    kind: Literal["heartbeat"] = "heartbeat"


class TurnError(BaseModel):
    """The agent failed mid-stream (`{"error": ...}`), or the stream could not be read."""

    kind: Literal["error"] = "error"
    message: str
    error_type: str | None = None


class AskQuestion(BaseModel):
    """The agent stopped to ask (its `ask_question` tool): show the questions, send the answer
    (protocol.questions.answer_text) as the next message. Not also reported as a ToolCall."""

    kind: Literal["question"] = "question"
    id: str | None = None
    title: str = ""
    questions: list[Question]


class TurnEnd(BaseModel):
    """The stream closed. `text` is the whole reply as shown; `changed_state` says a tool ran."""

    kind: Literal["end"] = "end"
    text: str = ""
    changed_state: bool = False
    tool_calls: int = 0
    asked: bool = False  # the turn ended on an AskQuestion: waiting for the person's answer


TurnEvent = Annotated[
    TextDelta | ToolCall | ToolResult | AskQuestion | Heartbeat | TurnError | TurnEnd,
    Field(discriminator="kind"),
]
turn_event_adapter: TypeAdapter[Any] = TypeAdapter(TurnEvent)
