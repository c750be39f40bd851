"""Plain-httpx helpers for talking to the live engine in tests (no client layer involved)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

ATTRIBUTION = {
    "X-Skill-Source": "sora-video-generation",
    "X-Skill-Version": "0.1.0",
    "X-Skill-Platform": "unknown",
}


OWNER_HEADER = "X-Nemo-Engine-Secret"


def owner(engine_server) -> dict[str, str]:
    """The header that proves the caller started the engine (file:// uploads, fault switching)."""
    return {OWNER_HEADER: engine_server.owner_secret}


def run_body(session_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
        **extra,
    }


@dataclass
class Stream:
    """One /run_sse reply, kept raw and parsed."""

    status: int
    raw: str
    frames: list[str] = field(default_factory=list)  # each `data:` payload, unparsed
    comments: list[str] = field(default_factory=list)  # `: ping` lines

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(f) for f in self.frames]

    def texts(self, *, partial: bool) -> list[str]:
        return [
            e["content"]["parts"][0]["text"]
            for e in self.events
            if "content" in e and "text" in e["content"]["parts"][0] and bool(e.get("partial")) == partial
        ]

    def calls(self) -> list[dict[str, Any]]:
        return [
            p["functionCall"]
            for e in self.events
            if "content" in e
            for p in e["content"]["parts"]
            if "functionCall" in p
        ]

    def responses(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(functionResponse, stateDelta) pairs."""
        return [
            (p["functionResponse"], e["actions"]["stateDelta"])
            for e in self.events
            if "content" in e
            for p in e["content"]["parts"]
            if "functionResponse" in p
        ]


def parse_sse(raw: str) -> Stream:
    stream = Stream(status=200, raw=raw)
    for block in raw.split("\n\n"):
        if not block:
            continue
        for line in block.split("\n"):
            if line.startswith("data: "):
                stream.frames.append(line[len("data: ") :])
            elif line.startswith(":"):
                stream.comments.append(line)
            else:
                raise AssertionError(f"unexpected SSE line {line!r}")
    return stream


class Api:
    """A signed-in test user: token, one session, and shortcuts for every endpoint."""

    def __init__(self, base_url: str, *, client_id: str | None = None, timeout: float = 60) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout, headers=ATTRIBUTION)
        self.client_id = client_id or str(uuid.uuid4())
        self.token = ""
        self.session_id = ""
        self.task_id = ""

    def close(self) -> None:
        self.http.close()

    def sign_in(self) -> Api:
        resp = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": self.client_id})
        assert resp.status_code == 200 and resp.json()["code"] == 0, resp.text
        self.token = resp.json()["data"]["token"]
        return self

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def new_session(self, language: str = "en") -> Api:
        data = self.post(
            "/api/tasks/me/with-session/nemo_agent", json={"task_name": "project", "language": language}
        ).json()
        assert data["code"] == 0, data
        self.session_id, self.task_id = data["data"]["session_id"], data["data"]["task_id"]
        return self

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.post(path, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    def turn(self, text: str, **extra: Any) -> Stream:
        with self.http.stream(
            "POST",
            "/run_sse",
            json=run_body(self.session_id, text, **extra),
            headers={**self.auth, "Accept": "text/event-stream"},
        ) as resp:
            raw = resp.read().decode("utf-8")
            if resp.headers.get("content-type", "").startswith("text/event-stream"):
                stream = parse_sse(raw)
                stream.status = resp.status_code
                return stream
            return Stream(status=resp.status_code, raw=raw)

    def state(self) -> dict[str, Any]:
        body = self.get(f"/api/state/nemo_agent/me/{self.session_id}/latest").json()
        assert body["code"] == 0, body
        return body["data"]["state"]

    def draft(self) -> dict[str, Any]:
        return self.state()["draft"]

    def credits(self) -> dict[str, Any]:
        return self.get("/api/credits/balance/simple").json()["data"]

    def start_render(
        self,
        draft: dict[str, Any] | None = None,
        render_id: str | None = None,
        headers: dict[str, str] | None = None,
        quality: str = "high",
    ) -> httpx.Response:
        body = {
            "id": render_id or f"render_{time.time_ns()}",
            "sessionId": self.session_id,
            "draft": self.draft() if draft is None else draft,
            "output": {"format": "mp4", "quality": quality},
        }
        return self.post("/api/render/proxy/lambda", json=body, headers=headers or {})

    def wait_render(self, render_id: str, timeout_s: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        seen: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            job = self.get(f"/api/render/proxy/lambda/{render_id}").json()["data"]
            seen.append(job)
            if job["status"] in ("completed", "failed"):
                job["seen"] = seen
                return job
            time.sleep(0.1)
        raise AssertionError(f"render {render_id} did not finish: {seen[-1:]}")


def poll(fetch, until, what: str, timeout_s: float = 10.0, every_s: float = 0.05):
    """`fetch()` again and again until `until(value)` holds, then return the value; fail at the
    deadline, saying `what` never happened (instead of a fixed sleep that is too short on a busy
    machine and too long everywhere else)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = fetch()
        if until(value):
            return value
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout_s} s (last: {value!r})"
        time.sleep(every_s)


def only_track(draft: dict[str, Any], kind: int) -> dict[str, Any]:
    tracks = [t for t in draft.get("t", []) if t["tt"] == kind]
    assert len(tracks) == 1, draft
    return tracks[0]


def make_test_clip(path, seconds: float = 1.0, size: str = "64x48") -> None:
    """A real little MP4 (ffmpeg's test pattern) to upload."""
    import subprocess

    import imageio_ffmpeg

    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size={size}:rate=10",
            "-t",
            str(seconds),
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )


def upload_file(api: Api, path, name: str | None = None) -> httpx.Response:
    with open(path, "rb") as fh:
        return api.post(
            f"/api/upload-video/nemo_agent/me/{api.session_id}",
            files={"files": (name or path.name, fh, "application/octet-stream")},
        )
