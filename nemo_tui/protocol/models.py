"""Auth, session, turn, credits and upload-request bodies (PROTOCOL.md). Tolerant on input, exact on
output. The session state and uploaded media are in state.py, rendering in render.py."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .paths import APP_NAME, USER_ID
from .wire import TOLERANT, ServerText, WireId, epoch_seconds, finite_number

# ---- auth and sessions -------------------------------------------------------------------------


def is_anonymous_user(user_id: str | None) -> bool:
    """`anon_…` marks an anonymous account (CLOUD_FACTS.md)."""
    return bool(user_id) and str(user_id).startswith("anon_")


class AnonymousToken(BaseModel):
    """`{"token":"nmv_usr_…","user_id":"anon_…","expires_at":…,"credits":100}`. `expires_at` comes
    as ISO-8601 text, epoch seconds or epoch milliseconds; it is kept as epoch seconds."""

    model_config = TOLERANT

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

    model_config = TOLERANT

    session_id: WireId = Field(min_length=1)
    task_id: WireId | None = None
    user_id: WireId | None = None  # `anon_…` for an anonymous account


class ClaimToken(BaseModel):
    """`data` of POST /api/auth/claim-token: a one-time link token for the web app."""

    model_config = TOLERANT

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
    model_config = TOLERANT

    text: str | None = None


class NewMessage(BaseModel):
    model_config = TOLERANT

    role: str | None = None
    parts: list[MessagePart]

    @property
    def text(self) -> str:
        return "".join(p.text or "" for p in self.parts)


class RunSseRequest(BaseModel):
    model_config = TOLERANT

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
