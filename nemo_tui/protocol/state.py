"""The session state (`GET /api/state/…/latest`) and the media an upload stored (PROTOCOL.md).
Tolerant on input: numbers may come as text, names under several keys."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .draft import Draft
from .wire import TOLERANT, ServerText, WireId, loose_number


class MediaItem(BaseModel):
    """A stored upload or generated clip. The engine's shape (`id`, `name`, `url`, `kind`,
    `duration_ms`, `size`) and the cloud's upload answer (`filename`, `file_type`, `cdn_url`,
    `duration` in seconds, `width`, `height`, `fps`, `hash`) alike; no source documents the
    elements of `video_infos`/`generated_media`, so any of these names is read, none required."""

    model_config = TOLERANT

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
        ms = loose_number(v.get("duration_ms"))
        if ms is None:
            seconds = loose_number(v.get("duration"))  # the cloud: seconds, a float
            ms = seconds * 1000 if seconds is not None else None
        v["duration_ms"] = max(round(ms), 0) if ms is not None and ms < 1e15 else None
        for key in ("size", "width", "height"):
            number = loose_number(v.get(key))
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

    model_config = TOLERANT

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
            number = loose_number(v.get(key))
            v[key] = int(number) if number is not None and 0 < number < 1e9 else None
        return v


class SessionState(BaseModel):
    """`state` of a state answer: `draft`, `video_infos` (uploaded and generated videos),
    `generated_media`, `canvas_config`, `video_analyses`. The lists stay as the server sent them
    (elements are undocumented); `videos` / `generated` read them as MediaItems."""

    model_config = TOLERANT

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

    model_config = TOLERANT

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
