"""Claim links: open a project in a browser without putting the API token in a URL.

`POST /api/auth/claim-token {"task_id","session_id"}` (with the bearer token) answers
`{"claim_token":"clm_…","expires_in":604800}` in the code/data envelope (both dialects), and
`GET /workspace/claim?ct=<claim_token>` answers a small HTML page naming the project: the local
engine is its own "web base". A claim token reaches only the session it was made for, lives
7 days, and is kept in memory (an engine restart forgets it; ask for a new one).
"""

from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .api import BAD_REQUEST, ApiError, authenticate, engine_of, in_thread, json_body, ok, session_of
from .edits import timeline_ms

CLAIM_TTL_S = 7 * 86400


@dataclass
class Claim:
    client_id: str
    session_id: str
    expires_at: float


def _claims(request: Request) -> dict[str, Claim]:
    state = request.app.state
    if not hasattr(state, "claims"):
        state.claims = {}
    return state.claims


def _id(value: object) -> str | None:
    """A task or session id as a string: a string, or a JSON integer (never through float)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value.strip() else None


async def claim_token(request: Request) -> Response:
    client_id = await authenticate(request)
    body = await json_body(request)
    session_id = _id(body.get("session_id")) if isinstance(body, dict) else None
    task_id = _id(body.get("task_id")) if isinstance(body, dict) else None
    if session_id is None:
        raise ApiError(
            BAD_REQUEST, 'Send {"task_id": "<task id>", "session_id": "<session id>"}.', http_status=400
        )
    session = await session_of(request, client_id, session_id)
    if task_id is not None and task_id != session.task_id:
        raise ApiError(1002, f"Session not found: {session_id} does not belong to task {task_id}")
    token = "clm_" + secrets.token_urlsafe(24)
    claims = _claims(request)
    now = time.time()
    for key in [k for k, c in claims.items() if c.expires_at <= now]:
        del claims[key]
    claims[token] = Claim(client_id, session.session_id, now + CLAIM_TTL_S)
    return ok({"claim_token": token, "expires_in": CLAIM_TTL_S})


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>{body}", status_code=status
    )


async def claim_page(request: Request) -> Response:
    token = request.query_params.get("ct", "")
    claim = _claims(request).get(token)
    if claim is None or claim.expires_at <= time.time():
        return _page(
            "Link expired",
            "<h1>This link is not valid</h1><p>It has expired or was never issued. "
            "Ask nemo-tui for a new one (open in browser).</p>",
            status=404,
        )
    engine = engine_of(request)
    session = await in_thread(engine.db().get_session, claim.session_id, claim.client_id)
    if session is None:
        return _page("Project gone", "<h1>This project no longer exists</h1>", status=404)
    clips = sum(len(t.get("sg", [])) for t in session.draft.get("t", []) if t.get("tt", 0) == 0)
    seconds = timeline_ms(session.draft) / 1000
    name = html.escape(session.task_name)
    return _page(
        f"{session.task_name} — nemo-tui local engine",
        f"<h1>{name}</h1><p>Project <code>{html.escape(session.task_id)}</code>, session "
        f"<code>{html.escape(session.session_id)}</code>: {clips} clip{'s' if clips != 1 else ''}, "
        f"{seconds:g} s on the timeline.</p><p>This is the local engine's workspace page; "
        "the project opens in nemo-tui.</p>",
    )
