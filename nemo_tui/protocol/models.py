"""Request and response bodies of every endpoint (PROTOCOL.md). Tolerant on input, exact on output."""

from __future__ import annotations

import math
import time
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .draft import Draft
from .wire import ServerText, WireId, epoch_seconds, finite_number

APP_NAME = "nemo_agent"
USER_ID = "me"

_TOLERANT = ConfigDict(extra="allow", populate_by_name=True)


# ---- auth and sessions -------------------------------------------------------------------------


def is_anonymous_user(user_id: str | None) -> bool:
    """`anon_…` marks an anonymous account (CLOUD_FACTS.md)."""
    return bool(user_id) and str(user_id).startswith("anon_")


class AnonymousToken(BaseModel):
    """`{"token":"nmv_usr_…","user_id":"anon_…","expires_at":…,"credits":100}`. `expires_at` comes
    as ISO-8601 text, epoch seconds or epoch milliseconds; it is kept as epoch seconds."""

    model_config = _TOLERANT

    token: str = Field(repr=False, min_length=1)
    expires_at: float | None = None
    credits: float | None = None
    user_id: WireId | None = None  # `anon_…`

    @field_validator("expires_at", mode="before")
    @classmethod
    def _any_time(cls, value: Any) -> float | None:
        return epoch_seconds(value)

    @field_validator("credits", mode="before")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        try:
            return finite_number(value)
        except ValueError:
            return None


class CreateSessionRequest(BaseModel):
    task_name: str = "project"
    language: str = "en"


class SessionInfo(BaseModel):
    """`{"task_id":"task_…","session_id":"5529798706024415232","user_id":"anon_…"}`: ids are
    strings whatever their JSON type (a 19-digit number is read exactly)."""

    model_config = _TOLERANT

    session_id: WireId = Field(min_length=1)
    task_id: WireId | None = None
    user_id: WireId | None = None  # `anon_…` for an anonymous account


class ClaimToken(BaseModel):
    """`data` of POST /api/auth/claim-token: a one-time link token for the web app."""

    model_config = _TOLERANT

    claim_token: ServerText = Field(repr=False, min_length=1)
    expires_in: float | None = None

    @field_validator("expires_in", mode="before")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        try:
            return finite_number(value)
        except ValueError:
            return None


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
    def for_text(cls, session_id: str, text: str) -> RunSseRequest:
        return cls(session_id=session_id, new_message=NewMessage(parts=[MessagePart(text=text)]))

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# ---- credits, upload, state ---------------------------------------------------------------------


class Credits(BaseModel):
    """`available` is required: an answer without it is unreadable, never "0 credits"."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, allow_inf_nan=False)

    available: float
    frozen: float = 0
    total: float = 0

    @model_validator(mode="before")
    @classmethod
    def _total_defaults(cls, value: Any) -> Any:
        if (
            isinstance(value, dict)
            and "total" not in value
            and isinstance(value.get("available"), (int, float))
        ):
            value = dict(value)
            frozen = value.get("frozen", 0)
            value["total"] = value["available"] + (frozen if isinstance(frozen, (int, float)) else 0)
        return value


class UploadUrlsRequest(BaseModel):
    urls: list[str]
    source_type: Literal["url"] = "url"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


class MediaItem(BaseModel):
    """A stored upload or generated clip. The engine's shape (`id`, `name`, `url`, `kind`,
    `duration_ms`, `size`) and the cloud's upload answer (`filename`, `file_type`, `cdn_url`,
    `duration` in seconds, `width`, `height`, `fps`, `hash`) alike; no source documents the
    elements of `video_infos`/`generated_media`, so any of these names is read, none required."""

    model_config = _TOLERANT

    id: WireId = Field(default="", validation_alias=AliasChoices("id", "media_id", "file_id", "mediaId"))
    name: ServerText = Field(
        default="", validation_alias=AliasChoices("name", "file_name", "filename", "fileName", "title")
    )
    url: ServerText | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "url", "cdn_url", "cdnUrl", "file_url", "fileUrl", "video_url", "videoUrl", "src"
        ),
    )
    kind: ServerText | None = Field(
        default=None, validation_alias=AliasChoices("kind", "type", "media_type", "file_type", "fileType")
    )
    duration_ms: int | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _durations_and_numbers(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        v = dict(value)
        ms = _number(v.get("duration_ms"))
        if ms is None:
            seconds = _number(v.get("duration"))  # the cloud: seconds, a float
            ms = seconds * 1000 if seconds is not None else None
        v["duration_ms"] = max(round(ms), 0) if ms is not None and ms < 1e15 else None
        for key in ("size", "width", "height"):
            number = _number(v.get(key))
            v[key] = int(number) if number is not None and 0 <= number < 1e18 else None
        if v.get("hash") and not any(v.get(k) for k in ("id", "media_id", "file_id", "mediaId")):
            v["id"] = v["hash"]
        return v

    @classmethod
    def tolerant_list(cls, items: Any) -> list[MediaItem]:
        """Each element that reads as a MediaItem; the others left out (never an error)."""
        out: list[MediaItem] = []
        for item in items if isinstance(items, list) else []:
            try:
                out.append(cls.model_validate(item))
            except ValidationError:
                continue
        return out


class UploadResult(BaseModel):
    """The engine's `{"media": [...]}` and the cloud's `{"files": [...], "session_state_applied": true}`."""

    model_config = _TOLERANT

    media: list[MediaItem] = Field(
        default_factory=list, validation_alias=AliasChoices("media", "files", "items")
    )
    session_state_applied: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_bare_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"media": value}
        return value


class CanvasConfig(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, allow_inf_nan=False)

    width: int | None = None
    height: int | None = None
    aspect: ServerText | None = Field(
        default=None, validation_alias=AliasChoices("aspect", "aspect_ratio", "aspectRatio", "ratio")
    )

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        v = dict(value)
        for key in ("width", "height"):
            number = _number(v.get(key))
            v[key] = int(number) if number is not None and 0 < number < 1e9 else None
        return v


class SessionState(BaseModel):
    """`state` of a state answer: `draft`, `video_infos` (uploaded and generated videos),
    `generated_media`, `canvas_config`, `video_analyses`. The lists stay as the server sent them
    (elements are undocumented); `videos` / `generated` read them as MediaItems."""

    model_config = _TOLERANT

    draft: Draft = Field(default_factory=Draft)
    video_infos: list[Any] = Field(default_factory=list)
    generated_media: list[Any] = Field(default_factory=list)
    canvas_config: CanvasConfig | None = None
    video_analyses: list[Any] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _tolerate_nulls(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = dict(value)
            for key in ("video_infos", "generated_media", "video_analyses"):
                item = value.get(key)
                if item is None:
                    value.pop(key, None)
                elif isinstance(item, dict):  # keyed by id instead of a list
                    value[key] = list(item.values())
                elif not isinstance(item, list):
                    value.pop(key, None)
            if not value.get("draft"):
                value.pop("draft", None)
            if not isinstance(value.get("canvas_config"), dict):
                value.pop("canvas_config", None)
        return value

    @property
    def videos(self) -> list[MediaItem]:
        return MediaItem.tolerant_list(self.video_infos)

    @property
    def generated(self) -> list[MediaItem]:
        return MediaItem.tolerant_list(self.generated_media)


class StateResponse(BaseModel):
    """`data` of GET /api/state/nemo_agent/me/<sid>/latest: `session_id`, `task_id`, `task_name`,
    (`user_id`) and the state under `state`. An answer without a state is unreadable (never an
    empty timeline); one that puts `draft` at the top is read as the state itself."""

    model_config = _TOLERANT

    state: SessionState
    session_id: WireId | None = None
    task_id: WireId | None = None
    task_name: ServerText | None = None
    user_id: WireId | None = None

    @model_validator(mode="before")
    @classmethod
    def _state_at_top(cls, value: Any) -> Any:
        if isinstance(value, dict) and "state" not in value and "draft" in value:
            return {**value, "state": value}
        if isinstance(value, dict) and value.get("state") is None and "state" in value:
            value = {k: v for k, v in value.items() if k != "state"}
        return value


# ---- rendering ---------------------------------------------------------------------------------

RenderStatusName = Literal["queued", "rendering", "completed", "failed"]


# `output.quality`: the seed sends "high". "preview" is this app's addition (not in the seed): the
# local engine answers it with a small, fast encode (at most PREVIEW_HEIGHT tall, x264 ultrafast) for
# the in-terminal player; the cloud is only ever sent "high".
EXPORT_QUALITY = "high"
PREVIEW_QUALITY = "preview"
PREVIEW_HEIGHT = 480


class RenderOutput(BaseModel):
    model_config = _TOLERANT

    format: str = "mp4"
    quality: str = EXPORT_QUALITY


class RenderRequest(BaseModel):
    model_config = _TOLERANT

    id: str
    sessionId: str
    draft: dict[str, Any]
    output: RenderOutput = Field(default_factory=RenderOutput)

    @classmethod
    def new(cls, session_id: str, draft: Draft, *, now: float | None = None) -> RenderRequest:
        stamp = int((now if now is not None else time.time()) * 1000)
        return cls(id=f"render_{stamp}", sessionId=session_id, draft=draft.to_wire())


_DONE_WORDS = ("completed", "complete", "done", "succeeded", "success", "finished")
_FAILED_WORDS = ("failed", "failure", "error", "fatal", "cancelled", "canceled", "aborted")
_RUNNING_WORDS = ("rendering", "processing", "running", "in_progress", "progress", "started")
_WAITING_WORDS = ("", "queued", "pending", "waiting", "created", "submitted")
_URL_KEYS = ("url", "outputUrl", "output_url", "outputFile", "output_file", "downloadUrl", "download_url")


def _first_text(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _error_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _first_text(value.get("message"), value.get("error"), value.get("msg")) or None
    if isinstance(value, list) and value:
        return _error_text(value[0])
    return None


class RenderJob(BaseModel):
    """Render status in every published shape (CLOUD_FACTS.md):
    (1) `{"taskId", "status", "progress": 100, "output": {"url", "duration", "size"}}`;
    (2) `{"id", "status", "progress", "outputUrl", "createdAt", "completedAt"}` (the `success/data`
    envelope is taken off by `unwrap`; a body still wrapped in `data` is read too);
    (3) top-level `status` + `output.url`; and the Remotion-Lambda-like naming (`renderId`,
    `overallProgress` 0–1, `done`, `errors`, `fatalErrorEncountered`).

    Status words: pending → queued, processing → rendering. Progress 0–100 or 0–1 (as 0–1).
    No status word but some progress is *rendering*. `completed` counts only with a URL to fetch:
    without one it is still rendering (the vendor CLI's rule). `failed` keeps its error text."""

    model_config = _TOLERANT

    id: WireId = Field(default="", validation_alias=AliasChoices("id", "render_id", "renderId", "taskId"))
    status: RenderStatusName = "queued"
    progress: float = 0.0
    url: ServerText | None = None
    error: ServerText | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        v = dict(value)
        inner = v.get("data")
        if isinstance(inner, dict) and not any(k in v for k in ("status", "id", "renderId", "taskId")):
            v = {**v, **inner}  # `{"success": true, "data": {...}}` not unwrapped by the caller
        output = v.get("output")
        url = _first_text(
            *(v.get(k) for k in _URL_KEYS),
            output.get("url") if isinstance(output, dict) else None,
            output if isinstance(output, str) else None,
        )
        raw = str(v.get("status") or v.get("state") or "").strip().lower()
        fatal = v.get("fatalErrorEncountered") is True
        progress = _progress(v)
        if raw in _FAILED_WORDS or fatal:
            status = "failed"
        elif raw in _DONE_WORDS or (not raw and v.get("done") is True):
            status = "completed" if url else "rendering"
        elif raw in _RUNNING_WORDS:
            status = "rendering"
        elif raw in _WAITING_WORDS:
            status = "rendering" if progress > 0 and not raw else "queued"
        else:
            status = "rendering"  # an unknown word: still going, as far as anyone can tell
        v["status"] = status
        v["progress"] = 1.0 if status == "completed" else min(progress, 0.99)
        v["url"] = url
        if status == "failed":
            error = (
                _error_text(v.get("error")) or _error_text(v.get("errors")) or _first_text(v.get("message"))
            )
            if not error and raw in ("cancelled", "canceled", "aborted"):
                error = "the render was cancelled"
            v["error"] = error or "render failed"
        else:
            v["error"] = _error_text(v.get("error"))
        return v

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")


def _progress(v: dict[str, Any]) -> float:
    """`overallProgress` is 0–1; `progress`/`percent` 0–100 or 0–1 (more than 1 is a percentage)."""
    fraction = _number(v.get("overallProgress"))
    if fraction is None:
        fraction = _number(v.get("progress"))
        if fraction is None:
            fraction = _number(v.get("percent"))
            fraction = fraction / 100.0 if fraction is not None else None
        elif fraction > 1.0:
            fraction /= 100.0
    return min(max(fraction or 0.0, 0.0), 1.0)
