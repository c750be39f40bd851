"""What every engine route shares: the running `Engine`, the API error and envelope answers, the
bearer-token and session checks, the guards (loopback, owner secret, rate fault), the JSON body reader,
and `in_thread` for blocking calls. Routes (routes.py, media_routes.py, render_routes.py, dialect.py, claims.py) import from here;
server.py only builds the Starlette app from them, so no route module imports the app's module.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import anyio
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..loopback import is_loopback_host
from ..protocol import Envelope
from .config import EngineConfig
from .guard import BadJson, parse_json
from .jobs import RenderRunner
from .store import EngineSession, EngineStore


class ApiError(Exception):
    def __init__(self, code: int, message: str, *, http_status: int = 200, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.http_status, self.data = code, message, http_status, data


BAD_REQUEST = 4000  # a malformed body (not a seed code; clients show the message)
NOT_FOUND = 4004


@dataclass
class Engine:
    config: EngineConfig
    rng: random.Random
    store: EngineStore | None = None
    runner: RenderRunner | None = None
    links: Any = None  # links.Links: expiring download URLs (made at start)

    @property
    def faults(self):
        return self.config.faults

    def db(self) -> EngineStore:
        assert self.store is not None, "the engine is not started"
        return self.store

    def renders(self) -> RenderRunner:
        assert self.runner is not None, "the engine is not started"
        return self.runner


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


async def in_thread(fn, *args, **kwargs):
    """Run a blocking call (a store query, a file probe) in a worker thread: sqlite3 and disk I/O
    never block the event loop."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))


def ok(data: Any) -> JSONResponse:
    return JSONResponse(Envelope.ok(data))


def error_response(err: ApiError, *, http_status: int | None = None, detail: bool = False) -> JSONResponse:
    body = Envelope.error(err.code, err.message, err.data)
    if detail:
        body["detail"] = err.message
    return JSONResponse(body, status_code=http_status or err.http_status)


def base_url(request: Request) -> str:
    """This engine's own address, from the listening socket (never the Host header: DNS rebinding)."""
    server = request.scope.get("server")
    host, port = (server[0], server[1]) if server else (engine_of(request).config.host, None)
    host = f"[{host}]" if ":" in str(host) else str(host)
    return f"http://{host}" + (f":{port}" if port else "")


def register_url(request: Request) -> str:
    return engine_of(request).config.register_url or f"{base_url(request)}/register"


# ---- guards shared by the routes -----------------------------------------------------------------


def loopback_only(request: Request) -> None:
    """Admin routes answer only a client whose socket peer is loopback (the server reads no proxy headers)."""
    if not is_loopback_host(request.client.host if request.client else ""):
        raise ApiError(403, "The engine's admin routes answer only on loopback.", http_status=403)


def owner_only(request: Request, what: str) -> None:
    """403 unless the request carries the owner secret (owner.py): loopback is not "the same person"."""
    from .owner import OWNER_HEADER, is_owner

    if not is_owner(request.headers, engine_of(request).config.owner_secret):
        raise ApiError(
            403,
            f"{what} needs proof that you started this engine: send the {OWNER_HEADER} "
            "header with the secret from its 0600 file (see the README's Security section).",
            http_status=403,
        )


def rate_gate(request: Request) -> None:
    faults = engine_of(request).faults
    if faults.rate_limit_once > 0:
        faults.rate_limit_once -= 1
        raise ApiError(429, "Too many requests: slow down and try again in 30 seconds.", http_status=429)


async def authenticate(request: Request) -> str:
    """The account id of the request's bearer token, or ApiError 1001."""
    rate_gate(request)
    engine = engine_of(request)
    if engine.faults.slow_response_s > 0:
        await anyio.sleep(engine.faults.slow_response_s)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            1001,
            "Missing token: send `Authorization: Bearer <token>` (get one from /api/auth/anonymous-token).",
        )
    faults = engine.faults
    if faults.expire_tokens or faults.expire_tokens_once > 0:
        if faults.expire_tokens_once > 0:
            faults.expire_tokens_once -= 1
        # The fault invalidates the token for real, so the client may get a new one at once.
        await in_thread(engine.db().revoke_token, token)
        raise ApiError(1001, "Token expired or invalid: get a new anonymous token.")

    check = await in_thread(engine.db().check_token, token, time.time())
    if check.client_id is None:
        reason = {"expired": "Token expired (tokens last 7 days)", "revoked": "Token no longer valid"}.get(
            check.reason, "Unknown token"
        )
        raise ApiError(1001, f"{reason}: get a new anonymous token.")
    return check.client_id


async def session_of(request: Request, client_id: str, session_id: str) -> EngineSession:
    engine = engine_of(request)
    if engine.faults.lose_sessions_once > 0:
        engine.faults.lose_sessions_once -= 1
        raise ApiError(1002, f"Session not found: {session_id}")
    row = await in_thread(engine.db().get_session, session_id, client_id)
    if row is None:
        raise ApiError(1002, f"Session not found: {session_id}")
    return row


async def json_body(request: Request) -> Any:
    try:
        return parse_json(await request.body())
    except BadJson as exc:
        raise ApiError(BAD_REQUEST, str(exc), http_status=400) from None


def invalid(what: str, exc: ValidationError) -> ApiError:
    """A 400 naming the first thing wrong with a request body, and where."""
    first = exc.errors()[0]
    return ApiError(
        BAD_REQUEST, f"Invalid {what}: {first['msg']} at {'.'.join(map(str, first['loc']))}.", http_status=400
    )


def numeric_ids(body: Any, *keys: str) -> Any:
    """A session id sent as a JSON integer (the cloud's 19-digit ids) is read as its decimal string."""
    if isinstance(body, dict):
        for key in keys:
            if type(body.get(key)) is int:
                body[key] = str(body[key])
    return body


def signed_link(request: Request, what: str) -> bool:
    """The request carries a valid, unexpired signature for `what` (links.Links)."""
    links = engine_of(request).links
    q = request.query_params
    return links is not None and links.valid(what, q.get("exp"), q.get("sig"))
