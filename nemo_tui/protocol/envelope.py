"""The JSON envelopes and their error mapping (no I/O).

Two envelopes are published (CLOUD_FACTS.md): `{"code": 0, "message": …, "data": {…}}` on most
endpoints, and `{"success": true, "data": {…}}` / `{"success": false, "error": …}` on the render
proxy. The rule (the vendor CLI's): `code` ≠ 0 is an error with `message`; `success: false` is an
error with `error`; otherwise the answer is `data`, or the whole body when it has no `data`.

Every string taken from the server here is cleaned of terminal escapes (sanitize_text).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
from .sanitize import NestedTooDeep, sanitize_deep, sanitize_text


class Envelope(BaseModel):
    """Tolerant: `msg` is accepted for `message`; a body without `code` counts as success."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    code: int = 0
    message: str = Field(default="", validation_alias="message")
    data: Any = None

    @classmethod
    def parse(cls, body: Any) -> Envelope:
        if not isinstance(body, dict):
            return cls(code=0, data=body)
        msg = _text(body.get("message", body.get("msg", "")))
        code = body.get("code", 0)
        if isinstance(code, bool) or code is None:
            code = 0 if code in (None, False) else -1
        try:
            code = int(code)
        except (TypeError, ValueError, OverflowError):
            code = -1
        if code == 0 and body.get("success") is False:
            # `{"success": false, "error": …}`: the error text under `error` (or `message`).
            error = body.get("error")
            if isinstance(error, dict):
                inner_code = error.get("code")
                msg = _text(error.get("message", error.get("msg", ""))) or msg
                if isinstance(inner_code, int) and not isinstance(inner_code, bool) and inner_code:
                    code = inner_code
            elif error is not None:
                msg = _text(error) or msg
            if code == 0:
                code = -1
        return cls(code=code, message=msg, data=body.get("data"))

    @staticmethod
    def is_envelope(body: Any) -> bool:
        return isinstance(body, dict) and any(k in body for k in ("code", "success", "data"))

    @staticmethod
    def ok(data: Any = None, message: str = "ok") -> dict[str, Any]:
        return {"code": 0, "message": message, "data": data}

    @staticmethod
    def error(code: int, message: str, data: Any = None) -> dict[str, Any]:
        return {"code": code, "message": message, "data": data}


def _text(value: Any) -> str:
    if value is None:
        return ""
    return sanitize_text(value if isinstance(value, str) else str(value))


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(sanitize_text(text).split())
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
    if env is not None and env.code == -1 and body.get("success") is False and http_status >= 400:
        env = Envelope(code=0, message=env.message, data=env.data)  # the HTTP status says what it is
    if env is not None and env.code != 0:
        return _from_code(env.code, env, http_status)
    if http_status < 400:
        if env is None and body_bytes and body is None:
            return ServerError("the server sent a reply that is not JSON", http_status=http_status)
        return None
    detail = ""
    if env is not None:
        detail = env.message or _text((body or {}).get("detail", "") or "")
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
        bind = data.get("bind_id", data.get("user_id"))
        register = data.get("register_url", data.get("registerUrl"))
        return NoCredits(
            detail,
            bind_id=_text(bind) if isinstance(bind, (str, int)) and not isinstance(bind, bool) else None,
            register_url=_text(register) if isinstance(register, str) else None,
            # the agent's own words may carry the link (the message before it is shortened)
            agent_text=env.message,
            http_status=http_status,
        )
    if code in (400, 402, 429):
        return {400: MissingClientId, 402: ExportBlocked, 429: RateLimited}[code](
            detail, http_status=http_status
        )
    cls = ERRORS_BY_CODE.get(code)
    if cls is not None:
        return cls(detail, http_status=http_status)
    if code == -1:  # `success: false`, or a code that is not a number
        return ServerError(detail or "the request failed", http_status=http_status)
    return ServerError(f"code {code}" + (f": {detail}" if detail else ""), http_status=http_status)


def unwrap(http_status: int, body_bytes: bytes) -> Any:
    """The answer of a successful reply, or raise the typed error.

    `data` of either envelope; the whole body when it carries no `data` key (a bare answer, or
    `{"success": true, "id": …}`); None when an envelope says `data` is null or leaves it out
    (`{"code": 0}`) — callers that need an answer say so (`read_answer`). Strings come back cleaned
    of terminal escapes; JSON nested absurdly deep is a ServerError.
    """
    err = error_for(http_status, body_bytes)
    if err is not None:
        raise err
    if not body_bytes:
        return None
    body = json.loads(body_bytes)
    if isinstance(body, dict) and "data" in body:
        answer = body["data"]
    elif isinstance(body, dict) and "code" in body:
        answer = None  # `{"code": 0, "message": "ok"}`: an envelope with nothing in it
    elif isinstance(body, dict) and "success" in body:
        answer = {k: v for k, v in body.items() if k not in ("success", "error", "message")} or None
    else:
        answer = body
    try:
        return sanitize_deep(answer)
    except NestedTooDeep as exc:
        raise ServerError(
            f"the server sent a reply that cannot be read ({exc})", http_status=http_status
        ) from None


M = TypeVar("M", bound=BaseModel)


def read_answer(model: type[M], data: Any, what: str = "", *, required: bool = True) -> M:
    """An answer (`unwrap`'s result) as `model`, or a ServerError in words, never a traceback.

    `what` names the answer for the person ("credits", "state"). With `required`, a missing answer
    (None) is an error: a reply that says nothing is unreadable, not "0 credits" or an empty
    timeline. Without it, None reads as an empty object.
    """
    name = f"the {what} answer" if what else "its answer"
    if data is None:
        if required:
            raise ServerError(f"{name} had no data in it")
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "the reply"
        if first.get("type") == "missing":
            raise ServerError(f"{name} could not be read ({where} is missing)") from None
        raise ServerError(f"{name} could not be read ({where}: {first['msg']})") from None


__all__ = ["Envelope", "SessionNotFound", "TokenExpired", "error_for", "read_answer", "unwrap"]
