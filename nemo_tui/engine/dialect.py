"""The vendor dialect (`EngineConfig.dialect == "vendor"`): the engine answers only in the shapes the
NemoVideo vendor publishes (../shared/CLOUD_FACTS.md), so a client can be tested against them.

The routes are the ADK routes (`routes.py`) with a wrapper around each JSON answer: the ADK handler
runs first (its checks, faults and errors are the same in both dialects), then the wrapper rebuilds
the answer from the store in the vendor's shape:

- anonymous token: `{"code":0,"message":"ok","data":{"token":"nmv_usr_…","user_id":"anon_…",
  "expires_at":"…Z","credits":100}}`;
- session: `data` `{"task_id":"task_…","session_id":<19-digit JSON number>,"user_id":"anon_…"}`;
- upload: `data` `{"files":[{filename,file_type,cdn_url,duration (s),width,height,fps,hash}],
  "session_state_applied":true}`;
- state: `data` `{session_id,task_id,task_name,user_id,state:{draft,video_infos,generated_media,
  canvas_config:{width,height,aspect},video_analyses}}`;
- render proxy: `{"success":true,"data":{…}}` / `{"success":false,"error":"…"}`, status words
  pending | processing | completed | failed, progress 0–100, `outputUrl`;
- /run_sse: type-tagged events (`text`, `tool_call`, `tool_result`, `error`), `{"type":"heartbeat"}`
  as the keep-alive, and no done event: the end of the stream is the end of the turn.

Session ids are 19-digit decimal strings in the store (above 2^53) and go out as JSON numbers;
Python's json writes big integers exactly, and every route takes the decimal string.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..protocol import AdkEvent, Envelope
from .api import ApiError, engine_of, in_thread
from .config import EngineConfig

TOKEN_PREFIX = "nmv_usr_"
HEARTBEAT = b'data: {"type":"heartbeat"}\n\n'
# The engine's tools under the names the vendor's agent uses (CLOUD_FACTS.md "Named tools").
GENERATION_TOOL = "generate_video_with_seedance"
MUSIC_TOOL = "generate_music"
EDIT_TOOL = "edit_multitrack"
STATUS_WORDS = {"queued": "pending", "rendering": "processing", "completed": "completed", "failed": "failed"}


# ---- ids and small values --------------------------------------------------------------------------


def new_session_id() -> str:
    """A 19-digit decimal id, like the cloud's (10^18 … 2^63-1: always above 2^53)."""
    return str(10**18 + secrets.randbelow(2**63 - 1 - 10**18))


def wire_id(session_id: str) -> int | str:
    return int(session_id) if session_id.isdigit() else session_id


def user_id(client_id: str) -> str:
    """The anonymous user id of an account: stable per client id, `anon_…` like the cloud's."""
    return "anon_" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:24]


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def tool_name(name: str, args: dict[str, Any]) -> str:
    if name in ("generate_video", "regenerate_video"):  # both draw a clip and are charged for it
        return GENERATION_TOOL
    if name == "set_background_music" and args.get("style"):
        return MUSIC_TOOL
    if name == "ask_question":
        return name
    return EDIT_TOOL


def tool_args(name: str, args: dict[str, Any]) -> dict[str, Any]:
    if tool_name(name, args) == EDIT_TOOL:
        return {"operation": name, **args}
    return dict(args)


# ---- the stream --------------------------------------------------------------------------------------


class VendorStream:
    """ADK events -> type-tagged payloads, for one /run_sse response.

    As the vendor's own client reads them: the reply streams as `chunk` deltas (`text`), and each
    whole message follows as one `text` event (`content`), which a client shows once. A tool result
    takes the name its call went out with.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, event: AdkEvent | dict[str, Any]) -> list[dict[str, Any]]:
        data = json.loads(event.to_sse_data()) if isinstance(event, AdkEvent) else event
        if "error" in data and "content" not in data:
            details = data.get("error_details") or {}
            return [{"type": "error", "message": details.get("error_message") or str(data["error"])}]
        out: list[dict[str, Any]] = []
        for part in (data.get("content") or {}).get("parts") or []:
            if "text" in part:
                if data.get("partial"):
                    out.append({"type": "chunk", "text": part["text"]})
                elif part["text"]:
                    out.append({"type": "text", "content": part["text"]})
            elif "functionCall" in part:
                call = part["functionCall"]
                name = tool_name(call["name"], call.get("args") or {})
                self.names[call.get("id", "")] = name
                out.append(
                    {
                        "type": "tool_call",
                        "name": name,
                        "args": tool_args(call["name"], call.get("args") or {}),
                    }
                )
            elif "functionResponse" in part:
                resp = part["functionResponse"]
                name = self.names.get(resp.get("id", ""), tool_name(resp["name"], {}))
                out.append({"type": "tool_result", "name": name, "result": resp.get("response") or {}})
        return out


def stream_options(config: EngineConfig) -> dict[str, Any]:
    """The SseResponse keyword arguments of the configured dialect."""
    if not config.vendor:
        return {}
    return {"translate": VendorStream(), "ping": HEARTBEAT}


# ---- the JSON routes ---------------------------------------------------------------------------------


def _body(resp: Response) -> dict[str, Any]:
    return json.loads(bytes(resp.body))


def code_ok(data: Any) -> JSONResponse:
    return JSONResponse(Envelope.ok(data))


def success(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status)


def failure(err: ApiError) -> JSONResponse:
    status = (
        err.http_status if err.http_status != 200 else {1001: 401, 1002: 404, 4004: 404}.get(err.code, 400)
    )
    return JSONResponse({"success": False, "error": err.message}, status_code=status)


async def _bearer_client(request: Request) -> str:
    """The account of a bearer token the ADK handler has just accepted (no faults consumed twice)."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    check = await in_thread(engine_of(request).db().check_token, token, time.time())
    if check.client_id is None:
        raise ApiError(1001, "Token expired or invalid: get a new anonymous token.")
    return check.client_id


def vendor_token(adk):
    async def handler(request: Request) -> Response:
        resp = await adk(request)
        data = _body(resp)["data"]
        client_id = (
            await in_thread(engine_of(request).db().check_token, data["token"], time.time())
        ).client_id or ""
        return code_ok(
            {
                "token": data["token"],
                "user_id": user_id(client_id),
                "expires_at": iso(data["expires_at"]),
                "credits": number(data["credits"]),
            }
        )

    return handler


def vendor_session(adk):
    async def handler(request: Request) -> Response:
        data = _body(await adk(request))["data"]
        client_id = await _bearer_client(request)
        return code_ok(
            {
                "task_id": data["task_id"],
                "session_id": wire_id(data["session_id"]),
                "user_id": user_id(client_id),
            }
        )

    return handler


def vendor_run_sse(adk):
    async def handler(request: Request) -> Response:
        resp = await adk(request)
        if isinstance(resp, JSONResponse):  # a refusal before the stream: the plain envelope
            body = _body(resp)
            body.pop("detail", None)
            if body.get("code") == 2001 and isinstance(body.get("data"), dict):
                # The cloud binds an anonymous user by its user id: register?bind=<anon_…>.
                anon = user_id(await _bearer_client(request))
                body["data"]["bind_id"] = anon
                body["data"]["register_url"] = f"{body['data']['register_url']}?bind={anon}"
            return JSONResponse(body, status_code=resp.status_code)
        return resp

    return handler


def _facts(path: Path) -> dict[str, Any]:
    """width, height, fps and the SHA-256 of a stored file (a worker thread)."""
    import subprocess

    from .media.ffmpeg import ffmpeg_exe

    width = height = fps = None
    try:
        text = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, timeout=60
        ).stderr.decode("utf-8", "replace")
        video = re.search(r"Stream #0:\d+.*?: Video: ([^\n]*)", text)
        if video:
            size = re.search(r"(\d{2,5})x(\d{2,5})", video.group(1))
            if size:
                width, height = int(size.group(1)), int(size.group(2))
            rate = re.search(r"(\d+(?:\.\d+)?) fps", video.group(1))
            if rate:
                fps = number(float(rate.group(1)))
    except (OSError, subprocess.SubprocessError):
        pass
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {"width": width, "height": height, "fps": fps, "hash": digest.hexdigest()}


def media_item(media: dict[str, Any], url: str | None, facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """One `files[]` / `video_infos[]` / `generated_media[]` element."""
    facts = facts or {}
    meta = media.get("meta") or {}
    duration = media.get("duration_ms")
    item = {
        "id": media["media_id"],
        "filename": media["name"],
        "file_type": media["kind"],
        "cdn_url": url,
        "url": url,
        "duration": duration / 1000 if duration is not None else None,
        "width": facts.get("width", meta.get("width")),
        "height": facts.get("height", meta.get("height")),
        "fps": facts.get("fps"),
        "hash": facts.get("hash"),
        "origin": media["origin"],
    }
    if meta.get("prompt"):
        item["prompt"] = meta["prompt"]
    return item


def vendor_upload(adk):
    async def handler(request: Request) -> Response:
        data = _body(await adk(request))["data"]
        engine = engine_of(request)
        files = []
        for wire in data["media"]:
            media = await in_thread(engine.db().get_media, wire["id"])
            facts = None
            if media.get("path"):
                facts = await anyio.to_thread.run_sync(
                    partial(_facts, engine.config.data_dir / media["path"])
                )
            files.append(
                {
                    k: v
                    for k, v in media_item(media, wire["url"], facts).items()
                    if k in ("filename", "file_type", "cdn_url", "duration", "width", "height", "fps", "hash")
                }
            )
        return code_ok({"files": files, "session_state_applied": True})

    return handler


def canvas_config(draft: dict[str, Any]) -> dict[str, Any]:
    from math import gcd

    from .edits import canvas

    width, height = canvas(draft)
    div = gcd(width, height) or 1
    return {"width": width, "height": height, "aspect": f"{width // div}:{height // div}"}


def vendor_state(adk):
    async def handler(request: Request) -> Response:
        data = _body(await adk(request))["data"]
        engine = engine_of(request)
        client_id = await _bearer_client(request)
        session = await in_thread(engine.db().get_session, data["session_id"], client_id)
        if session is None:
            raise ApiError(1002, f"Session not found: {data['session_id']}")
        media = await in_thread(engine.db().session_media, session.session_id)
        urls = {m["id"]: m["url"] for m in data["state"]["video_infos"] + data["state"]["generated_media"]}
        items = [media_item(m, urls.get(m["media_id"])) for m in media]
        return code_ok(
            {
                "session_id": wire_id(session.session_id),
                "task_id": session.task_id,
                "task_name": session.task_name,
                "user_id": user_id(client_id),
                "state": {
                    "draft": data["state"]["draft"],
                    "video_infos": [i for i in items if i["file_type"] in ("video", "image")],
                    "generated_media": [i for i in items if i["origin"] == "generated"],
                    "canvas_config": canvas_config(session.draft),
                    "video_analyses": [],
                },
            }
        )

    return handler


def render_data(job: dict[str, Any]) -> dict[str, Any]:
    """A render job (the ADK wire form) in the shape the vendor's CLI reads."""
    status = STATUS_WORDS.get(job["status"], job["status"])
    progress = {"pending": 5, "completed": 100}.get(status, min(max(round(job["progress"] * 100), 5), 99))
    if status == "failed":
        progress = round(job["progress"] * 100)
    output = job.get("output") or {}
    done = status == "completed"
    return {
        "id": job["id"],
        "status": status,
        "progress": progress,
        "outputUrl": output.get("url") if done else None,
        "createdAt": iso(job["createdAt"]),
        "completedAt": iso(job["updatedAt"]) if done else None,
        "error": job.get("error"),
    }


def vendor_render(adk, *, started: bool = False):
    async def handler(request: Request) -> Response:
        try:
            job = _body(await adk(request))["data"]
        except ApiError as err:
            return failure(err)
        data = render_data(job)
        if started and data["status"] == "pending":
            data = {"id": data["id"], "status": "pending", "progress": 5}
        return success(data)

    return handler


def vendor_download(adk):
    async def handler(request: Request) -> Response:
        try:
            return await adk(request)
        except ApiError as err:
            return failure(err)

    return handler
