"""Render routes: start an export, its status, cancel it, and download the MP4 (with the token, or
through the signed output URL a finished job names)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anyio
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..protocol import (
    ATTRIBUTION_HEADERS,
    EXPORT_QUALITY,
    PREVIEW_HEIGHT,
    PREVIEW_QUALITY,
    Draft,
    RenderRequest,
)
from .api import (
    BAD_REQUEST,
    NOT_FOUND,
    ApiError,
    authenticate,
    base_url,
    engine_of,
    in_thread,
    invalid,
    json_body,
    numeric_ids,
    ok,
    session_of,
    signed_link,
)
from .jobs import render_size

# The longest draft the engine renders. Generated clips are at most a minute and a person edits a
# few dozen of them, so an hour is generous; anything longer is a broken or hostile draft that
# would keep ffmpeg busy for days.
MAX_RENDER_MS = 60 * 60 * 1000
# A render id names the output file and sits in its download URL: letters, digits, `_` and `-`
# only (the seed's ids are `render_<ts>`), so an id like `../../x` can never write outside the data dir.
RENDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
CANCELLED = "cancelled"  # the error of a render its account cancelled (status `failed`)


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
    missing = [h for h in ATTRIBUTION_HEADERS if not request.headers.get(h, "").strip()]
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
    # "preview" (this app's addition, see protocol.render): a small, fast encode for the player.
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
        engine.renders().submit(job["render_id"])
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


async def cancel_render(request: Request) -> Response:
    """Stop the account's own queued or running render: it ends `failed` with the error "cancelled".
    A finished job is answered as it is (cancelling it changes nothing)."""
    engine, client_id, job = await _own_render(request)
    render_id = job["render_id"]
    if job["status"] in ("queued", "rendering"):
        engine.renders().cancel(render_id)
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
        or not signed_link(request, f"renders/{key}/{name}")
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
