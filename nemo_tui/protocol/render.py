"""Rendering: the export request, and a render job's status in any of the namings servers use
(the seed's words, or Remotion Lambda-like `overallProgress` / `done` / `errors`)."""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, Field, model_validator

from .draft import Draft
from .wire import TOLERANT, ServerText, WireId, loose_number

RenderStatusName = Literal["queued", "rendering", "completed", "failed"]


# `output.quality`: the seed sends "high". "preview" is this app's addition (not in the seed): the
# local engine answers it with a small, fast encode (at most PREVIEW_HEIGHT tall, x264 ultrafast) for
# the in-terminal player; the cloud is only ever sent "high".
EXPORT_QUALITY = "high"
PREVIEW_QUALITY = "preview"
PREVIEW_HEIGHT = 480


class RenderOutput(BaseModel):
    model_config = TOLERANT

    format: str = "mp4"
    quality: str = EXPORT_QUALITY


class RenderRequest(BaseModel):
    model_config = TOLERANT

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

    model_config = TOLERANT

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
    fraction = loose_number(v.get("overallProgress"))
    if fraction is None:
        fraction = loose_number(v.get("progress"))
        if fraction is None:
            fraction = loose_number(v.get("percent"))
            fraction = fraction / 100.0 if fraction is not None else None
        elif fraction > 1.0:
            fraction /= 100.0
    return min(max(fraction or 0.0, 0.0), 1.0)
