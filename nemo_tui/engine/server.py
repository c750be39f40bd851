"""The local engine's HTTP app: the cloud's endpoints, envelope, codes and statuses on loopback.

Envelope errors on JSON endpoints answer HTTP 200 with `code` ≠ 0, like the cloud; the statuses
the seed names (400 missing client id, 402 export blocked, 429 rate limit) are real HTTP statuses
carrying the same envelope. `/run_sse` refuses *before* its stream with a non-2xx status (401 for
1001, 404 for 1002, 403 for 2001) and the envelope plus an ADK-style `detail`, so a client that
calls `raise_for_status()` never reads a refusal as a stream.

A token reaches only its own account's sessions: another account's session id answers 1002,
exactly like a session that does not exist (nothing reveals that it exists).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..protocol import Envelope
from . import dialect
from .api import ApiError, Engine, error_response
from .config import EngineConfig
from .jobs import RenderRunner
from .store import EngineStore

Handler = Callable[[Request], Awaitable[Response]]

# ---- the app ------------------------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = {
        404: f"No such endpoint: {request.method} {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(exc.status_code, str(exc.detail))
    return JSONResponse(Envelope.error(exc.status_code, message), status_code=exc.status_code)


async def _crash(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(Envelope.error(500, f"The engine failed: {type(exc).__name__}"), status_code=500)


def route_table(
    adk_routes: list[tuple[str, Any, list[str]]], config: EngineConfig
) -> list[tuple[str, Any, list[str]]]:
    """The routes the configured dialect serves: the ADK table, each JSON answer wrapped in vendor
    (built here, where both dialects are known: dialect.py does not import the routes)."""
    if not config.vendor:
        return adk_routes
    from . import media_routes, render_routes, routes

    wrap: dict[Handler, Callable[[Handler], Handler]] = {
        routes.anonymous_token: dialect.vendor_token,
        routes.create_session: dialect.vendor_session,
        routes.run_sse: dialect.vendor_run_sse,
        media_routes.upload: dialect.vendor_upload,
        routes.state: dialect.vendor_state,
        render_routes.start_render: partial(dialect.vendor_render, started=True),
        render_routes.render_status: dialect.vendor_render,
        render_routes.cancel_render: dialect.vendor_render,
        render_routes.download_render: dialect.vendor_download,
    }
    return [(path, wrap[fn](fn) if fn in wrap else fn, methods) for path, fn, methods in adk_routes]


def create_app(config: EngineConfig) -> Starlette:
    from . import routes, turnhost
    from .guard import EngineGuard
    from .owner import new_secret

    config.owner_secret = config.owner_secret or new_secret()
    engine = Engine(config=config, rng=random.Random(config.seed))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        engine.store = await anyio.to_thread.run_sync(EngineStore, config.data_dir)
        from .links import Links
        from .sweep import sweep

        engine.links = await anyio.to_thread.run_sync(Links.for_data_dir, config.data_dir)
        data_lock = await anyio.to_thread.run_sync(sweep, config.data_dir, engine.store)
        engine.runner = RenderRunner(engine.store, config)
        await anyio.to_thread.run_sync(engine.runner.resume_unfinished)
        try:
            async with turnhost.hosting(app):  # turns and post-production owned by the engine
                yield
        finally:
            engine.runner.shutdown()
            engine.store.close()
            data_lock.close()

    app = Starlette(
        routes=[Route(path, fn, methods=methods) for path, fn, methods in route_table(routes.ROUTES, config)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _crash},
        middleware=[Middleware(EngineGuard, config=config)],
        lifespan=lifespan,
    )
    app.state.engine = engine
    return app
