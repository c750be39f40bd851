"""The engine's front door: checks every request passes before any route runs.

- **Host** (DNS rebinding): a web page whose name was rebound to 127.0.0.1 still sends its own name in
  `Host`. Only the address the engine was started on, `127.0.0.1` (any 127.x), `localhost` and `[::1]`
  are answered; anything else gets 421. (Starlette's TrustedHostMiddleware cuts `[::1]:port` at the first
  colon, so the check is done here.) The URLs the engine hands out are built from the listening socket,
  never from the Host header (`api.base_url`).
- **Origin** (cross-site requests): browsers name the page that sent a request; any Origin that is not
  one of those hosts is refused with 403. The app and curl send none.
- **Content type**: a body sent to a JSON endpoint must say `application/json` (415 otherwise), so a
  browser "simple request" (`text/plain`, no preflight) is never read as JSON. The upload route
  takes `multipart/form-data` or JSON and answers anything else itself.
- **Body size**: a JSON body is read at most `max_json_bytes` (a few MB) before anything parses it
  (413 past that, whether announced by Content-Length or not); multipart uploads keep their own
  streamed 200 MB limit.

`parse_json` is the one JSON reader of the routes: non-finite numbers (`NaN`, `Infinity`, `1e400`) and
integers past float range are refused with a 400 that names the field, and nesting too deep for the
parser is a 400, not a crash.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..loopback import is_loopback_host
from ..protocol import Envelope, paths

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _host_name(value: str) -> str:
    """`127.0.0.1:8765` -> `127.0.0.1`, `[::1]:8765` -> `::1`, `LocalHost.` -> `localhost`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def trusted_host(name: str, configured: str) -> bool:
    return name in ("localhost", _host_name(configured)) or is_loopback_host(name)


def any_host(configured: str) -> bool:
    """An engine served on all interfaces (`--allow-remote` with 0.0.0.0) can't know its names."""
    return _host_name(configured) in ("0.0.0.0", "::", "")


class EngineGuard:
    """ASGI middleware: Host, Origin, content type and body cap (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, config) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _drain(receive)
            await refusal(scope, receive, send)
            return
        if self._capped(scope, headers):
            declared = headers.get("content-length", "").strip()
            over = declared.isdigit() and int(declared) > self.config.max_json_bytes
            body, over = (b"", True) if over else await _read_capped(receive, self.config.max_json_bytes)
            if over:
                await _answer(
                    413,
                    f"The request body is larger than {self.config.max_json_bytes // (1024 * 1024)} MB; "
                    "JSON requests are small.",
                )(scope, receive, send)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> JSONResponse | None:
        configured = self.config.host
        open_host = any_host(configured)
        host = headers.get("host")
        if host is not None and not open_host and not trusted_host(_host_name(host), configured):
            return _answer(
                421,
                "This engine answers only to the address it was started on "
                "(127.0.0.1, localhost or [::1]), not to another host name.",
            )
        origin = headers.get("origin")
        if origin is not None and not open_host:
            parts = urlsplit(origin) if origin != "null" else None
            if (
                parts is None
                or parts.scheme not in ("http", "https")
                or not parts.hostname
                or not trusted_host(parts.hostname.lower(), configured)
            ):
                return _answer(
                    403, "Cross-site requests are refused: a web page can't drive the local engine."
                )
        method = scope.get("method", "GET")
        if method in BODY_METHODS and _has_body(headers):
            ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            json_type = ctype == "application/json" or (
                ctype.startswith("application/") and ctype.endswith("+json")
            )
            # The upload route reads multipart or JSON itself and explains anything else.
            upload = scope.get("path", "").startswith(paths.UPLOAD_PREFIX)
            if not json_type and not upload:
                what = ctype or "no content type"
                return _answer(415, f"Send JSON with `Content-Type: application/json` (got {what}).")
        return None

    def _capped(self, scope: Scope, headers: dict[str, str]) -> bool:
        if scope.get("method", "GET") not in BODY_METHODS or not _has_body(headers):
            return False
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return ctype != "multipart/form-data"


def _has_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length", "").strip()
    if length:
        return length != "0"
    return "transfer-encoding" in headers


def _answer(status: int, message: str) -> JSONResponse:
    return JSONResponse(Envelope.error(status, message), status_code=status)


async def _drain(receive: Receive, limit: int = 1024 * 1024) -> None:
    """Read (and drop) a small refused body, so the client hears the answer instead of a reset."""
    seen = 0
    while seen <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _read_capped(receive: Receive, cap: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the client's disconnect, as usual

    return replay


# ---- reading JSON -------------------------------------------------------------------------------

# Integers beyond this can't become a float (OverflowError downstream); no field needs them.
MAX_ABS_NUMBER = 1e308


class BadJson(ValueError):
    """A body that is not usable JSON; str(e) says why (and where, for a bad number)."""


def parse_json(body: bytes) -> Any:
    try:
        value = json.loads(body)
    except RecursionError:
        raise BadJson("The request body is nested too deeply.") from None
    except ValueError:
        raise BadJson("The request body must be JSON.") from None
    where = bad_number(value)
    if where is not None:
        raise BadJson(f"Invalid number at {where}: numbers must be finite (no NaN, Infinity or 1e400).")
    return value


def bad_number(value: Any) -> str | None:
    """The dotted path of the first non-finite or out-of-range number in `value`, or None."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return _dotted(path)
        elif isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > MAX_ABS_NUMBER:
                return _dotted(path)
        elif isinstance(item, dict):
            stack.extend((v, (*path, str(k))) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((v, (*path, str(i))) for i, v in reversed(list(enumerate(item))))
    return None


def _dotted(path: Iterable[str]) -> str:
    return ".".join(path) or "the top level"
