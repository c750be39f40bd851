"""The JSON envelope `{"code": 0, "message": "ok", "data": {...}}` and its error mapping (no I/O)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import (
    ERRORS_BY_CODE,
    ExportBlocked,
    MissingClientId,
    NemoError,
    NoCredits,
    RateLimited,
    ServerError,
    SessionNotFound,
    TokenExpired,
)


class Envelope(BaseModel):
    """Tolerant: `msg` is accepted for `message`; a body without `code` counts as success."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    code: int = 0
    message: str = Field(default="", validation_alias="message")
    data: Any = None

    @classmethod
    def parse(cls, body: Any) -> "Envelope":
        if not isinstance(body, dict):
            return cls(code=0, data=body)
        msg = body.get("message", body.get("msg", ""))
        code = body.get("code", 0)
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = -1
        return cls(code=code, message=str(msg or ""), data=body.get("data"))

    @staticmethod
    def ok(data: Any = None, message: str = "ok") -> dict[str, Any]:
        return {"code": 0, "message": message, "data": data}

    @staticmethod
    def error(code: int, message: str, data: Any = None) -> dict[str, Any]:
        return {"code": code, "message": message, "data": data}


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_for(http_status: int, body_bytes: bytes | str | None) -> NemoError | None:
    """Map an HTTP status plus body to the typed error it means, or None when it is a success.

    Envelope codes win over the HTTP status (the cloud answers 200 with `code` ≠ 0).
    """
    body: Any = None
    if body_bytes:
        try:
            body = json.loads(body_bytes)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
            body = None
    env = Envelope.parse(body) if isinstance(body, dict) else None
    if env is not None and env.code != 0:
        return _from_code(env.code, env, http_status)
    if http_status < 400:
        if env is None and body_bytes and body is None:
            return ServerError("the server sent a reply that is not JSON", http_status=http_status)
        return None
    detail = ""
    if env is not None:
        detail = env.message or str((body or {}).get("detail", "") or "")
    elif body_bytes:
        detail = body_bytes.decode("utf-8", "replace") if isinstance(body_bytes, bytes) else body_bytes
    detail = _short(detail)
    if http_status == 400 and "client" in detail.lower():
        return MissingClientId(detail, http_status=400)
    if http_status == 401:
        return TokenExpired(detail, http_status=401)
    if http_status == 402:
        return ExportBlocked(detail, http_status=402)
    if http_status == 404 and "session" in detail.lower():
        return SessionNotFound(detail, http_status=404)
    if http_status == 429:
        return RateLimited(detail, http_status=429)
    return ServerError(f"HTTP {http_status}" + (f": {detail}" if detail else ""), http_status=http_status)


def _from_code(code: int, env: Envelope, http_status: int) -> NemoError:
    detail = _short(env.message)
    if code == 2001:
        data = env.data if isinstance(env.data, dict) else {}
        return NoCredits(
            detail,
            bind_id=data.get("bind_id"),
            register_url=data.get("register_url"),
            http_status=http_status,
        )
    if code in (400, 402, 429):
        return {400: MissingClientId, 402: ExportBlocked, 429: RateLimited}[code](
            detail, http_status=http_status
        )
    cls = ERRORS_BY_CODE.get(code)
    if cls is not None:
        return cls(detail, http_status=http_status)
    return ServerError(f"code {code}" + (f": {detail}" if detail else ""), http_status=http_status)


def unwrap(http_status: int, body_bytes: bytes) -> Any:
    """Return `data` of a successful envelope or raise the typed error."""
    err = error_for(http_status, body_bytes)
    if err is not None:
        raise err
    if not body_bytes:
        return None
    body = json.loads(body_bytes)
    return Envelope.parse(body).data if isinstance(body, dict) and ("code" in body or "data" in body) else body


__all__ = ["Envelope", "error_for", "unwrap", "TokenExpired", "SessionNotFound"]
