"""Request and response bodies of every endpoint (PROTOCOL.md). Tolerant on input, exact on output."""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from .draft import Draft

APP_NAME = "nemo_agent"
USER_ID = "me"

_TOLERANT = ConfigDict(extra="allow", populate_by_name=True)


# ---- auth and sessions -------------------------------------------------------------------------

class AnonymousToken(BaseModel):
    model_config = _TOLERANT

    token: str = Field(repr=False)
    # Seconds since the epoch; the seed says tokens last 7 days, servers may say so exactly.
    expires_at: float | None = None
    credits: int | None = None
    user_id: str | None = None  # `anon_…`


class CreateSessionRequest(BaseModel):
    task_name: str = "project"
    language: str = "en"


class SessionInfo(BaseModel):
    model_config = _TOLERANT

    session_id: str
    task_id: str | None = None
    user_id: str | None = None  # `anon_…` for an anonymous account


class ClaimToken(BaseModel):
    """`data` of POST /api/auth/claim-token: a one-time link token for the web app."""

    model_config = _TOLERANT

    claim_token: str = Field(repr=False)
    expires_in: float | None = None


# ---- turns -------------------------------------------------------------------------------------

class MessagePart(BaseModel):
    model_config = _TOLERANT

    text: str | None = None


class NewMessage(BaseModel):
    model_config = _TOLERANT

    role: str | None = None
    parts: list[MessagePart]

    @property
    def text(self) -> str:
        return "".join(p.text or "" for p in self.parts)


class RunSseRequest(BaseModel):
    model_config = _TOLERANT

    app_name: str = APP_NAME
    user_id: str = USER_ID
    session_id: str
    new_message: NewMessage
    streaming: bool | None = None

    @classmethod
    def for_text(cls, session_id: str, text: str) -> "RunSseRequest":
        return cls(session_id=session_id, new_message=NewMessage(parts=[MessagePart(text=text)]))

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# ---- credits, upload, state ---------------------------------------------------------------------

class Credits(BaseModel):
    model_config = _TOLERANT

    available: float = 0
    frozen: float = 0
    total: float = 0


class UploadUrlsRequest(BaseModel):
    urls: list[str]
    source_type: Literal["url"] = "url"


class MediaItem(BaseModel):
    """A stored upload or generated clip *(inferred shape)*."""

    model_config = _TOLERANT

    id: str = Field(default="", validation_alias=AliasChoices("id", "media_id", "file_id"))
    name: str = Field(default="", validation_alias=AliasChoices("name", "file_name", "filename"))
    url: str | None = None
    kind: str | None = Field(default=None, validation_alias=AliasChoices("kind", "type", "media_type"))
    duration_ms: int | None = None
    size: int | None = None


class UploadResult(BaseModel):
    model_config = _TOLERANT

    media: list[MediaItem] = Field(
        default_factory=list, validation_alias=AliasChoices("media", "files", "items")
    )

    @model_validator(mode="before")
    @classmethod
    def _accept_bare_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"media": value}
        return value


class SessionState(BaseModel):
    model_config = _TOLERANT

    draft: Draft = Field(default_factory=Draft)
    video_infos: list[Any] = Field(default_factory=list)
    generated_media: list[Any] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _tolerate_nulls(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = dict(value)
            for key in ("video_infos", "generated_media"):
                if value.get(key) is None:
                    value.pop(key, None)
            if not value.get("draft"):
                value.pop("draft", None)
        return value


class StateResponse(BaseModel):
    """`data` of GET /api/state/nemo_agent/me/<sid>/latest: the state sits under `state`."""

    model_config = _TOLERANT

    state: SessionState = Field(default_factory=SessionState)


# ---- rendering ---------------------------------------------------------------------------------

RenderStatusName = Literal["queued", "rendering", "completed", "failed"]


class RenderOutput(BaseModel):
    model_config = _TOLERANT

    format: str = "mp4"
    quality: str = "high"


class RenderRequest(BaseModel):
    model_config = _TOLERANT

    id: str
    sessionId: str
    draft: dict[str, Any]
    output: RenderOutput = Field(default_factory=RenderOutput)

    @classmethod
    def new(cls, session_id: str, draft: Draft, *, now: float | None = None) -> "RenderRequest":
        stamp = int((now if now is not None else time.time()) * 1000)
        return cls(id=f"render_{stamp}", sessionId=session_id, draft=draft.to_wire())


class RenderJob(BaseModel):
    """Render status, tolerant of the Remotion-Lambda-like naming (`overallProgress`, `done`,
    `errors`, `fatalErrorEncountered`) as well as the plain one (`status`, `progress`, `error`)."""

    model_config = _TOLERANT

    id: str = Field(default="", validation_alias=AliasChoices("id", "render_id", "renderId"))
    status: RenderStatusName = "queued"
    progress: float = 0.0
    url: str | None = None
    error: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        v = dict(value)
        raw = str(v.get("status") or "").lower()
        errors = v.get("errors") or []
        fatal = bool(v.get("fatalErrorEncountered"))
        if raw in ("failed", "error", "fatal") or fatal:
            status = "failed"
        elif raw in ("completed", "complete", "done", "succeeded", "success") or v.get("done") is True:
            status = "completed"
        elif raw in ("rendering", "processing", "running", "in_progress", "progress"):
            status = "rendering"
        else:
            status = "queued" if raw in ("", "queued", "pending", "waiting") else "rendering"
        v["status"] = status
        progress = v.get("progress", v.get("overallProgress", 0.0))
        try:
            progress = float(progress or 0.0)
        except (TypeError, ValueError):
            progress = 0.0
        if progress > 1.0:  # a percentage
            progress /= 100.0
        v["progress"] = 1.0 if status == "completed" else min(max(progress, 0.0), 1.0)
        output = v.get("output")
        if isinstance(output, dict) and not v.get("url"):
            v["url"] = output.get("url")
        elif isinstance(output, str) and not v.get("url"):
            v["url"] = output
        if v.get("outputFile") and not v.get("url"):
            v["url"] = v["outputFile"]
        if status == "failed" and not v.get("error"):
            if errors:
                first = errors[0]
                v["error"] = str(first.get("message", first) if isinstance(first, dict) else first)
            else:
                v["error"] = str(v.get("message") or "render failed")
        return v

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")
