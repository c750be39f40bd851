"""The endpoints of PROTOCOL.md, plus file downloads, a register page and the loopback fault switch."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from ..protocol import (
    EXPORT_QUALITY,
    MAX_UPLOAD_BYTES,
    PREVIEW_HEIGHT,
    PREVIEW_QUALITY,
    Draft,
    RenderRequest,
    RunSseRequest,
)
from . import claims, dialect
from .agent import plan_turn
from .api import (
    BAD_REQUEST,
    NOT_FOUND,
    ApiError,
    authenticate,
    base_url,
    engine_of,
    error_response,
    in_thread,
    is_loopback_host,
    json_body,
    loopback_only,
    ok,
    owner_only,
    rate_gate,
    register_url,
    session_of,
)
from .jobs import render_size
from .owner import is_owner
from .sse import SseResponse
from .turns import Turn
from .uploads import MultipartSink, ReceivedFile, UploadRefused, fetch_url, probe_upload, remove_files

# The longest draft the engine renders. Generated clips are at most a minute and a person edits a
# few dozen of them, so an hour is generous; anything longer is a broken or hostile draft that
# would keep ffmpeg busy for days.
MAX_RENDER_MS = 60 * 60 * 1000
ATTRIBUTION = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")
SSE_REFUSAL_STATUS = {1001: 401, 1002: 404, 2001: 403}
# A render id names the output file and sits in its download URL: letters, digits, `_` and `-`
# only (the seed's ids are `render_<ts>`), so an id like `../../x` can never write outside the data dir.
RENDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
CANCELLED = "cancelled"  # the error of a render its account cancelled (status `failed`)


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


def media_wire(media: dict[str, Any], base: str, links=None) -> dict[str, Any]:
    url = (
        f"{base}/files/media/{media['media_id']}/{quote(Path(media['path']).name)}"
        if media.get("path")
        else media.get("remote_url")
    )
    if media.get("path") and links is not None:  # links.Links: an expiring, signed download URL
        url += "?" + links.query(media["media_id"])
    out = {
        "id": media["media_id"],
        "name": media["name"],
        "kind": media["kind"],
        "url": url,
        "duration_ms": media["duration_ms"],
        "size": media["size"],
        "origin": media["origin"],
        "remote": not media.get("path"),
    }
    out.update({k: v for k, v in media["meta"].items() if k in ("prompt", "style", "note", "procedural")})
    return out


async def upload(request: Request) -> Response:
    engine = engine_of(request)
    client_id = await authenticate(request)
    session = await session_of(request, client_id, request.path_params["session_id"])
    folder = engine.config.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    ctype = request.headers.get("content-type", "")
    received: list[ReceivedFile | dict[str, Any]] = []
    try:
        if ctype.startswith("multipart/form-data"):
            received = list(await _receive_multipart(request, folder))
        elif ctype.startswith("application/json"):
            body = await json_body(request)
            urls = body.get("urls") if isinstance(body, dict) else None
            if not urls or not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
                raise ApiError(
                    BAD_REQUEST, 'Send {"urls": ["<url>"], "source_type": "url"}.', http_status=400
                )
            # Reading this machine's files or loopback services is for the person who started the
            # engine only: a client on this machine (an engine served with --allow-remote must not hand
            # them to a remote one) that proves it with the owner secret (another local account can
            # reach the port too). Anyone else uploads the file itself.
            local_peer = is_loopback_host(request.client.host if request.client else "")
            owner = local_peer and is_owner(request.headers, engine.config.owner_secret)
            for url in urls:
                received.append(
                    await fetch_url(
                        url, folder, local=owner, allow_file_urls=engine.config.allow_file_urls and owner
                    )
                )
        else:
            raise ApiError(
                BAD_REQUEST,
                "Send a file as the multipart field `files`, or JSON "
                '{"urls": ["<url>"], "source_type": "url"}.',
                http_status=400,
            )
        # Every file is probed before any is recorded: one bad file in a batch records none of them,
        # so the session never lists media whose file was removed.
        probed = [await _probe(item) for item in received]
    except BaseException as exc:  # refused, malformed, the client gone: nothing received is kept
        with anyio.CancelScope(shield=True):
            await in_thread(remove_files, [item for item in received if isinstance(item, ReceivedFile)])
        if isinstance(exc, UploadRefused):
            raise ApiError(exc.code, exc.message) from None
        raise
    items = [await _record_upload(engine, session.session_id, item, found) for item, found in probed]
    base = base_url(request)
    return ok({"session_id": session.session_id, "media": [media_wire(m, base, engine.links) for m in items]})


async def _receive_multipart(request: Request, folder: Path) -> list[ReceivedFile]:
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 1024 * 1024:
        raise UploadRefused(
            4002, "The upload is larger than 200 MB. Compress it or trim it, then upload again."
        )
    _, params = parse_options_header(request.headers["content-type"])
    boundary = params.get(b"boundary")
    if not boundary:
        raise ApiError(BAD_REQUEST, "The multipart body has no boundary.", http_status=400)
    sink = MultipartSink(folder)
    parser = MultipartParser(boundary, sink.callbacks())
    try:
        async for chunk in request.stream():
            if (
                sink.refused is None
            ):  # once refused, keep reading (so the client hears the answer) but store nothing
                parser.write(chunk)
                await in_thread(sink.flush)
        if sink.refused is None:
            parser.finalize()
    except BaseException as exc:  # malformed, or the client went away mid-body: drop the partial files
        with anyio.CancelScope(shield=True):
            await in_thread(sink.discard)
        if isinstance(exc, MultipartParseError):
            raise ApiError(BAD_REQUEST, f"The multipart body is malformed: {exc}", http_status=400) from None
        raise
    if sink.refused is not None:
        await in_thread(sink.discard)
        raise sink.refused
    if not sink.files:
        raise ApiError(BAD_REQUEST, "No file in the multipart field `files`.", http_status=400)
    return sink.files


async def _probe(
    item: ReceivedFile | dict[str, Any],
) -> tuple[ReceivedFile | dict[str, Any], tuple[str, int | None]]:
    if isinstance(item, dict):
        return item, (item["kind"], None)
    return item, await in_thread(probe_upload, item.path, item.ext, item.name)


async def _record_upload(
    engine, session_id: str, item: ReceivedFile | dict[str, Any], found: tuple[str, int | None]
) -> dict[str, Any]:
    store = engine.db()
    if isinstance(item, dict):
        return await in_thread(
            store.add_media,
            session_id=session_id,
            origin="upload",
            kind=item["kind"],
            name=item["name"],
            path=None,
            remote_url=item["remote_url"],
            meta=item["meta"],
        )
    kind, duration_ms = found
    rel = item.path.relative_to(engine.config.data_dir).as_posix()
    return await in_thread(
        store.add_media,
        session_id=session_id,
        origin="upload",
        kind=kind,
        name=item.name,
        path=rel,
        duration_ms=duration_ms,
        size=item.size or item.path.stat().st_size,
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


def render_wire(job: dict[str, Any], base: str, links=None) -> dict[str, Any]:
    done = job["status"] == "completed"
    error = job["error"]
    url = f"{base}/files/{job['output_path']}" if done else ""
    if done and links is not None:  # links.Links: an expiring, signed download URL
        url += "?" + links.query(Path(job["output_path"]).as_posix())
    return {
        "id": job["render_id"],
        "sessionId": job["session_id"],
        "status": job["status"],
        "progress": job["progress"],
        "overallProgress": job["progress"],
        "done": done,
        "fatalErrorEncountered": job["status"] == "failed",
        "errors": [error] if error else [],
        "error": error,
        "width": job["width"],
        "height": job["height"],
        "output": {"format": "mp4", "url": url} if done else None,
        "createdAt": job["created_at"],
        "updatedAt": job["updated_at"],
    }


async def start_render(request: Request) -> Response:
    engine = engine_of(request)
    client_id = await authenticate(request)
    missing = [h for h in ATTRIBUTION if not request.headers.get(h, "").strip()]
    if missing or engine.faults.block_export:
        why = f" (missing attribution headers: {', '.join(missing)})" if missing else ""
        raise ApiError(402, "Register or upgrade your plan to unlock export." + why, http_status=402)
    try:
        req = RenderRequest.model_validate(numeric_ids(await json_body(request), "sessionId"))
        draft = Draft.from_wire(req.draft)
    except ValidationError as exc:
        raise invalid("render request", exc) from None
    if not RENDER_ID.fullmatch(req.id):
        raise ApiError(
            BAD_REQUEST,
            "The render id may hold only letters, digits, `_` and `-` (at most 128), "
            "like render_1732540000000.",
            http_status=400,
        )
    session = await session_of(request, client_id, req.sessionId)
    if req.output.format.lower() != "mp4":
        raise ApiError(
            BAD_REQUEST, f"Only mp4 export is supported, not {req.output.format}.", http_status=400
        )
    _check_renderable(draft, engine.config.max_draft_segments)
    await _check_sources(engine, client_id, draft)
    # "preview" (this app's addition, see protocol.models): a small, fast encode for the player.
    preview = req.output.quality.lower() == PREVIEW_QUALITY
    cap = engine.config.max_render_height
    if preview:
        cap = min(cap or PREVIEW_HEIGHT, PREVIEW_HEIGHT)
    width, height = render_size(req.draft, cap)
    quality = PREVIEW_QUALITY if preview else EXPORT_QUALITY
    job, created = await in_thread(
        engine.db().create_render, req.id, client_id, session.session_id, req.draft, width, height, quality
    )
    if job is None:
        raise ApiError(
            BAD_REQUEST, f"The render id {req.id} is already taken; send a new one.", http_status=409
        )
    if created:
        engine.runner.submit(job["render_id"])
    return ok(render_wire(job, base_url(request), engine.links))


def _check_renderable(draft: Draft, max_segments: int | None = None) -> None:
    count = sum(len(track.segments) for track in draft.tracks)
    if max_segments is not None and count > max_segments:
        raise ApiError(
            BAD_REQUEST,
            f"The draft has {count:,} segments; exports take at most {max_segments} "
            "(join or remove some pieces before exporting).",
            http_status=400,
        )
    for t_index, track in enumerate(draft.tracks, start=1):
        for s_index, seg in enumerate(track.segments, start=1):
            if seg.duration_ms < 0:
                raise ApiError(
                    BAD_REQUEST,
                    f"Track {t_index}, segment {s_index} has a negative duration "
                    f"({seg.duration_ms} ms): fix it before exporting.",
                    http_status=400,
                )
    if draft.duration_ms <= 0:
        raise ApiError(BAD_REQUEST, "The draft is empty: add a clip before exporting.", http_status=400)
    if draft.duration_ms > MAX_RENDER_MS:
        raise ApiError(
            BAD_REQUEST,
            f"The draft is {draft.duration_ms / 3_600_000:,.1f} hours long; exports are "
            f"at most {MAX_RENDER_MS // 60_000} minutes. Shorten it before exporting.",
            http_status=400,
        )


async def _check_sources(engine, client_id: str, draft: Draft) -> None:
    """Every media a draft names must be this account's own (4004 otherwise, before anything is queued):
    a render must never composite another account's upload or clip into this one's export."""
    seen: set[str] = set()
    for track in draft.tracks:
        for seg in track.segments:
            source = seg.source
            if not source or source in seen:
                continue
            seen.add(source)
            media_id = media_id_of(source)
            if media_id is None:
                continue  # not one of this engine's files: the renderer says it can't be found
            owner = await in_thread(engine.db().media_account, media_id)
            if owner != client_id:
                raise ApiError(
                    NOT_FOUND,
                    f"Unknown media {media_id!r} in the draft: a draft can only use "
                    "media of your own sessions.",
                    http_status=404,
                )


def media_id_of(source: str) -> str | None:
    """The media id a draft's `source` names (an id, or a URL of this engine's /files/media/<id>/…)."""
    from urllib.parse import urlparse

    if "://" in source or source.startswith("/"):
        parts = urlparse(source).path.strip("/").split("/")
        return parts[2] if len(parts) >= 3 and parts[:2] == ["files", "media"] else None
    return source if source.startswith("media_") else None


async def _own_render(request: Request) -> tuple[Any, str, dict[str, Any]]:
    """The engine, the caller's account and its render job named in the path (4004 when the job is
    not this account's)."""
    engine = engine_of(request)
    client_id = await authenticate(request)
    render_id = request.path_params["render_id"]
    job = await in_thread(engine.db().get_render, render_id, client_id)
    if job is None:
        raise ApiError(NOT_FOUND, f"No render job {render_id}.", http_status=404)
    return engine, client_id, job


async def render_status(request: Request) -> Response:
    engine, _, job = await _own_render(request)
    return ok(render_wire(job, base_url(request), engine.links))


def _signed(request: Request, what: str) -> bool:
    links = engine_of(request).links
    q = request.query_params
    return links is not None and links.valid(what, q.get("exp"), q.get("sig"))


async def cancel_render(request: Request) -> Response:
    """Stop the account's own queued or running render: it ends `failed` with the error "cancelled".
    A finished job is answered as it is (cancelling it changes nothing)."""
    engine, client_id, job = await _own_render(request)
    render_id = job["render_id"]
    if job["status"] in ("queued", "rendering"):
        engine.runner.cancel(render_id)
        await in_thread(engine.db().update_render, render_id, status="failed", error=CANCELLED)
        job = await in_thread(engine.db().get_render, render_id, client_id)
    return ok(render_wire(job, base_url(request), engine.links))


async def download_render(request: Request) -> Response:
    """The finished MP4 of the account's own render, with the bearer token (Range works): the fallback
    when the output URL fails."""
    engine, _, job = await _own_render(request)
    render_id = job["render_id"]
    path = engine.config.data_dir / job["output_path"] if job["output_path"] else None
    if job["status"] != "completed" or path is None or not path.is_file():
        raise ApiError(
            409,
            f"The render {render_id} is {job['status']}, not finished: nothing to download yet.",
            http_status=409,
        )
    return FileResponse(path, media_type="video/mp4", filename=f"{render_id}.mp4")


async def media_file(request: Request) -> Response:
    engine = engine_of(request)
    media_id = request.path_params["media_id"]
    media = await in_thread(engine.db().get_media, media_id) if _signed(request, media_id) else None
    if media is None or not media.get("path") or not (engine.config.data_dir / media["path"]).is_file():
        raise ApiError(
            NOT_FOUND,
            "No such media file (or the link has expired: ask for the session state again for a fresh one).",
            http_status=404,
        )
    return FileResponse(engine.config.data_dir / media["path"])


async def render_file(request: Request) -> Response:
    engine = engine_of(request)
    key, name = request.path_params["key"], request.path_params["name"]
    path = engine.config.data_dir / "renders" / key / name
    # Partial outputs are hidden files: only a finished, renamed render is ever served.
    if (
        not key.isalnum()
        or "/" in name
        or name.startswith(".")
        or not path.is_file()
        or not _signed(request, f"renders/{key}/{name}")
    ):
        raise ApiError(
            NOT_FOUND,
            "No such render output (or the link has expired: poll the render again for a fresh one).",
            http_status=404,
        )
    broken = engine.faults.break_output_url
    if broken:  # the CDN URL fails; the authenticated download route still serves the file
        status = broken if 400 <= broken <= 599 else 404
        return Response(f"output URL unavailable ({status})", status_code=status, media_type="text/plain")
    cut = engine.faults.cut_download_at_fraction
    if cut is not None and request.method == "GET" and "range" not in request.headers:
        return CutFileResponse(path, fraction=cut, stall_s=engine.faults.stall_download_s)
    return FileResponse(path, media_type="video/mp4")


class CutFileResponse(Response):
    """The cut_download_at_fraction fault: announce the whole file, send part of it, break off."""

    def __init__(self, path: Path, *, fraction: float, stall_s: float = 0.0) -> None:
        self.status_code = 200
        self.stall_s = stall_s
        self.background = None
        self.path = path
        self.size = path.stat().st_size
        self.keep = int(self.size * min(max(fraction, 0.0), 1.0))
        self.init_headers(
            {"content-type": "video/mp4", "content-length": str(self.size), "accept-ranges": "bytes"}
        )

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        with open(self.path, "rb") as handle:  # noqa: ASYNC230 - a test fault on a tiny render: one read
            head = handle.read(self.keep)
        await send({"type": "http.response.body", "body": head, "more_body": True})
        if self.stall_s > 0:
            await anyio.sleep(self.stall_s)
        # Returning without the last body message makes the server close the connection mid-body.


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
    ("/api/auth/anonymous-token", anonymous_token, ["POST"]),
    ("/api/tasks/me/with-session/nemo_agent", create_session, ["POST"]),
    ("/run_sse", run_sse, ["POST"]),
    ("/api/upload-video/nemo_agent/me/{session_id}", upload, ["POST"]),
    ("/api/credits/balance/simple", credits, ["GET"]),
    ("/api/state/nemo_agent/me/{session_id}/latest", state, ["GET"]),
    ("/api/render/proxy/lambda", start_render, ["POST"]),
    ("/api/render/proxy/lambda/{render_id}", render_status, ["GET"]),
    ("/api/render/proxy/lambda/{render_id}/cancel", cancel_render, ["POST"]),
    ("/api/render/proxy/{render_id}/download", download_render, ["GET", "HEAD"]),
    ("/api/auth/claim-token", claims.claim_token, ["POST"]),
    ("/workspace/claim", claims.claim_page, ["GET"]),
    ("/files/media/{media_id}/{name}", media_file, ["GET", "HEAD"]),
    ("/files/renders/{key}/{name}", render_file, ["GET", "HEAD"]),
    ("/register", register_page, ["GET"]),
    ("/_engine/faults", faults_route, ["GET", "POST"]),
    ("/_engine/credits", grant_credits, ["POST"]),
]
