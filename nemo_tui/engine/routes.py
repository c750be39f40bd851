"""The route table of PROTOCOL.md's endpoints, and the account and session routes (token, session,
turn, credits, state) with the register page and the loopback admin switches. Uploads and media
files: media_routes.py; renders: render_routes.py."""

from __future__ import annotations

import time
import uuid
from urllib.parse import quote

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..protocol import RunSseRequest, paths
from . import claims, dialect
from .agent import plan_turn
from .api import (
    BAD_REQUEST,
    ApiError,
    authenticate,
    base_url,
    engine_of,
    error_response,
    in_thread,
    invalid,
    json_body,
    loopback_only,
    numeric_ids,
    ok,
    owner_only,
    rate_gate,
    register_url,
    session_of,
)
from .media_routes import media_file, media_wire, upload
from .render_routes import cancel_render, download_render, render_file, render_status, start_render
from .sse import SseResponse
from .turns import Turn

SSE_REFUSAL_STATUS = {1001: 401, 1002: 404, 2001: 403}


async def anonymous_token(request: Request) -> Response:
    rate_gate(request)
    engine = engine_of(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        if engine.faults.require_client_id:
            raise ApiError(
                400,
                "Missing X-Client-Id header: send a client id (a random UUID) to get a token.",
                http_status=400,
            )
        client_id = "anon-" + uuid.uuid4().hex
    if len(client_id) > 128:
        raise ApiError(400, "The X-Client-Id header is too long: send a UUID.", http_status=400)
    now = time.time()
    issued = await in_thread(engine.db().live_token_issued_at, client_id, now)
    if issued is not None:
        raise ApiError(
            429,
            "Rate limit: one token per client id every 7 days, and this client id "
            "already holds a valid token. Keep using it.",
            http_status=429,
        )
    token, expires_at, credits = await in_thread(
        engine.db().issue_token,
        client_id,
        engine.config.token_ttl_s,
        engine.config.initial_credits,
        **({"prefix": dialect.TOKEN_PREFIX} if engine.config.vendor else {}),
    )
    return ok(
        {
            "token": token,
            "expires_at": expires_at,
            "expires_in": engine.config.token_ttl_s,
            "credits": credits,
        }
    )


async def create_session(request: Request) -> Response:
    client_id = await authenticate(request)
    body = await json_body(request) if await request.body() else {}
    if not isinstance(body, dict):
        raise ApiError(
            BAD_REQUEST,
            'The body must be a JSON object like {"task_name": "project", "language": "en"}.',
            http_status=400,
        )
    task_name, language = body.get("task_name", "project"), body.get("language", "en")
    if not isinstance(task_name, str) or not isinstance(language, str) or len(task_name) > 200:
        raise ApiError(BAD_REQUEST, "task_name and language must be short strings.", http_status=400)
    row = await in_thread(
        engine_of(request).db().create_session,
        client_id,
        task_name,
        language or "en",
        dialect.new_session_id() if engine_of(request).config.vendor else None,
    )
    return ok(
        {
            "task_id": row.task_id,
            "session_id": row.session_id,
            "task_name": row.task_name,
            "language": row.language,
        }
    )


async def run_sse(request: Request) -> Response:
    try:
        return await _start_turn(request)
    except ApiError as err:
        return error_response(err, http_status=SSE_REFUSAL_STATUS.get(err.code), detail=True)


async def _start_turn(request: Request) -> Response:
    engine = engine_of(request)
    client_id = await authenticate(request)
    try:
        req = RunSseRequest.model_validate(numeric_ids(await json_body(request), "session_id"))
    except ValidationError as exc:
        raise invalid("/run_sse body", exc) from None
    text = req.new_message.text.strip()
    if not text:
        raise ApiError(BAD_REQUEST, "The message has no text.", http_status=400)
    session = await session_of(request, client_id, req.session_id)
    uploads = await in_thread(engine.db().session_media, session.session_id, "upload")
    plan = plan_turn(
        text,
        session.draft,
        uploads,
        can_undo=bool(session.undo_stack),
        ask_on_ambiguous=engine.config.ask_on_ambiguous,
    )
    if plan.generate_seconds > 0:
        frozen = not engine.faults.no_credits and await in_thread(
            engine.db().freeze_credits, client_id, plan.generate_seconds
        )
        if not frozen:
            available, _ = await in_thread(engine.db().credits, client_id)
            raise ApiError(
                2001,
                f"Not enough credits: {plan.generate_seconds:g} seconds of video cost "
                f"{plan.generate_seconds:g} credits and {available:g} are left.",
                data={"bind_id": session.task_id, "register_url": register_url(request)},
            )
    mode = engine.config.silent_turns
    silent = plan.editing and (
        mode == "always" or (mode == "random" and engine.rng.random() < engine.config.silent_ratio)
    )
    turn = Turn(
        engine.db(),
        engine.config,
        session,
        plan,
        streaming=req.streaming is not False,
        silent=silent,
        rng=engine.rng,
        frozen_credits=plan.generate_seconds,
        text=text,
    )
    # One turn per session at a time; a detached turn outlives its stream (turnhost.py).
    producer = request.app.state.turns.producer(turn, detached=engine.config.turns_detached)
    return SseResponse(
        producer,
        heartbeat_s=engine.config.heartbeat_s,
        max_s=engine.config.max_turn_s,
        faults=engine.faults,
        **dialect.stream_options(engine.config),
    )


async def credits(request: Request) -> Response:
    client_id = await authenticate(request)
    available, frozen = await in_thread(engine_of(request).db().credits, client_id)
    return ok({"available": available, "frozen": frozen, "total": available + frozen})


async def state(request: Request) -> Response:
    engine = engine_of(request)
    client_id = await authenticate(request)
    session = await session_of(request, client_id, request.path_params["session_id"])
    media = await in_thread(engine.db().session_media, session.session_id)
    base = base_url(request)
    return ok(
        {
            "session_id": session.session_id,
            "task_id": session.task_id,
            "state": {
                "draft": session.draft,
                "video_infos": [media_wire(m, base, engine.links) for m in media if m["origin"] == "upload"],
                "generated_media": [
                    media_wire(m, base, engine.links) for m in media if m["origin"] == "generated"
                ],
            },
        }
    )


async def register_page(request: Request) -> Response:
    bind = request.query_params.get("bind", "")
    return HTMLResponse(
        "<!doctype html><title>nemo-tui local engine</title><p>This is the local engine: "
        "it has no accounts to register. Restart it or give this client more credits "
        f"with <code>POST /_engine/credits</code>.</p><p>bind id: {quote(bind)}</p>"
    )


async def faults_route(request: Request) -> Response:
    loopback_only(request)
    if not engine_of(request).config.test_faults:
        raise ApiError(
            403,
            "Fault switching is off: it is for tests (start the engine with "
            "`nemo-tui serve --test-faults` or NEMO_ENGINE_TEST_FAULTS=1).",
            http_status=403,
        )
    owner_only(request, "Switching faults")
    faults = engine_of(request).faults
    if request.method == "POST":
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ApiError(BAD_REQUEST, "Send a JSON object of fault names and values.", http_status=400)
        if body.pop("reset", False):
            faults.reset()
        try:
            unknown = faults.update(body)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ApiError(BAD_REQUEST, f"A fault value is wrong: {exc}.", http_status=400) from None
        if unknown:
            raise ApiError(
                BAD_REQUEST,
                f"Unknown faults: {', '.join(unknown)}. Known: {', '.join(faults.as_dict())}.",
                http_status=400,
            )
    return ok(faults.as_dict())


async def grant_credits(request: Request) -> Response:
    """Loopback admin: add credits to the account of the bearer token (`{"credits": 50}`)."""
    loopback_only(request)
    client_id = await authenticate(request)
    body = await json_body(request)
    amount = body.get("credits") if isinstance(body, dict) else None
    if not isinstance(amount, (int, float)) or amount <= 0:
        raise ApiError(BAD_REQUEST, 'Send {"credits": <a positive number>}.', http_status=400)
    store = engine_of(request).db()
    await in_thread(store.grant_credits, client_id, float(amount))
    available, frozen = await in_thread(store.credits, client_id)
    return ok({"available": available, "frozen": frozen, "total": available + frozen})


async def root(request: Request) -> Response:
    return ok({"engine": "nemo-tui local engine"})


ROUTES = [
    ("/", root, ["GET"]),
    (paths.ANONYMOUS_TOKEN, anonymous_token, ["POST"]),
    (paths.CREATE_SESSION, create_session, ["POST"]),
    (paths.RUN_SSE, run_sse, ["POST"]),
    (paths.UPLOAD, upload, ["POST"]),
    (paths.CREDITS, credits, ["GET"]),
    (paths.STATE, state, ["GET"]),
    (paths.RENDER, start_render, ["POST"]),
    (paths.RENDER_STATUS, render_status, ["GET"]),
    (paths.RENDER_CANCEL, cancel_render, ["POST"]),
    (paths.RENDER_DOWNLOAD, download_render, ["GET", "HEAD"]),
    (paths.CLAIM_TOKEN, claims.claim_token, ["POST"]),
    (paths.CLAIM_PAGE, claims.claim_page, ["GET"]),
    ("/files/media/{media_id}/{name}", media_file, ["GET", "HEAD"]),
    ("/files/renders/{key}/{name}", render_file, ["GET", "HEAD"]),
    ("/register", register_page, ["GET"]),
    ("/_engine/faults", faults_route, ["GET", "POST"]),
    ("/_engine/credits", grant_credits, ["POST"]),
]
