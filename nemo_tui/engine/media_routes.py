"""Media routes: uploads (a multipart file, or JSON URLs fetched by the engine), the media's wire
form in answers, and the signed file download."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..loopback import is_loopback_host
from ..protocol import MAX_UPLOAD_BYTES
from .api import (
    BAD_REQUEST,
    NOT_FOUND,
    ApiError,
    authenticate,
    base_url,
    engine_of,
    in_thread,
    json_body,
    ok,
    session_of,
    signed_link,
)
from .owner import is_owner
from .uploads import MultipartSink, ReceivedFile, UploadRejected, fetch_url, probe_upload, remove_files


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
        if isinstance(exc, UploadRejected):
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
        raise UploadRejected(
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


async def media_file(request: Request) -> Response:
    engine = engine_of(request)
    media_id = request.path_params["media_id"]
    media = await in_thread(engine.db().get_media, media_id) if signed_link(request, media_id) else None
    if media is None or not media.get("path") or not (engine.config.data_dir / media["path"]).is_file():
        raise ApiError(
            NOT_FOUND,
            "No such media file (or the link has expired: ask for the session state again for a fresh one).",
            http_status=404,
        )
    return FileResponse(engine.config.data_dir / media["path"])
