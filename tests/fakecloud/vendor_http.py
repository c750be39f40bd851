"""Plain-httpx talk to the fake cloud, the way the vendor's published examples show it (no client layer)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

ATTRIBUTION = {"X-Skill-Source": "nemo-tui-tests", "X-Skill-Version": "0.1.0", "X-Skill-Platform": "linux"}


@dataclass
class VendorStream:
    status: int
    raw: str
    events: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True  # False: the connection broke off mid-stream

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    @property
    def text(self) -> str:
        return "".join(e["content"] for e in self.of_type("text"))


def parse_vendor_sse(raw: str) -> list[dict[str, Any]]:
    """Every block is exactly one `data: <json>` line; anything else fails the test."""
    events = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        assert block.startswith("data: ") and "\n" not in block, f"not a vendor SSE frame: {block!r}"
        events.append(json.loads(block[len("data: ") :]))
    return events


class Vendor:
    """A signed-in anonymous user of the fake cloud: token, one session, raw answers kept."""

    def __init__(self, base_url: str, *, client_id: str | None = None, timeout: float = 60) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout, headers=ATTRIBUTION)
        self.client_id = client_id or str(uuid.uuid4())
        self.token = ""
        self.user_id = ""
        self.session_id = ""  # the decimal string of the 19-digit id
        self.task_id = ""

    def close(self) -> None:
        self.http.close()

    def sign_in(self) -> Vendor:
        body = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": self.client_id}).json()
        self.token, self.user_id = body["data"]["token"], body["data"]["user_id"]
        return self

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def new_session(self) -> Vendor:
        data = self.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "Beach trip"}).json()[
            "data"
        ]
        self.session_id, self.task_id = str(data["session_id"]), data["task_id"]
        return self

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.post(path, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    def turn(self, text: str) -> VendorStream:
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": self.session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        chunks: list[bytes] = []
        complete = True
        with self.http.stream(
            "POST", "/run_sse", json=body, headers={**self.auth, "Accept": "text/event-stream"}
        ) as resp:
            try:
                for chunk in resp.iter_raw():
                    chunks.append(chunk)
            except httpx.HTTPError:  # the server broke the connection off mid-stream
                complete = False
            raw = b"".join(chunks).decode("utf-8", "replace")
            if not resp.headers.get("content-type", "").startswith("text/event-stream"):
                return VendorStream(resp.status_code, raw, [json.loads(raw)] if raw else [], complete)
        # A cut stream may end inside a frame: only whole frames count.
        whole = raw if complete else raw[: raw.rfind("\n\n") + 2]
        return VendorStream(resp.status_code, raw, parse_vendor_sse(whole), complete)

    def state_body(self) -> dict[str, Any]:
        return self.get(f"/api/state/nemo_agent/me/{self.session_id}/latest").json()

    def state(self) -> dict[str, Any]:
        return self.state_body()["data"]["state"]

    def credits(self) -> dict[str, Any]:
        return self.get("/api/credits/balance/simple").json()["data"]

    def start_render(self, render_id: str | None = None) -> httpx.Response:
        body = {
            "id": render_id or f"render_{time.time_ns()}",
            "sessionId": self.session_id,
            "draft": self.state()["draft"],
            "output": {"format": "mp4", "quality": "high"},
        }
        return self.post("/api/render/proxy/lambda", json=body)

    def render_status(self, render_id: str) -> httpx.Response:
        return self.get(f"/api/render/proxy/lambda/{render_id}")

    def wait_render(self, render_id: str, timeout_s: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            data = self.render_status(render_id).json()["data"]
            if data["status"] in ("completed", "failed"):
                return data
            time.sleep(0.1)
        raise AssertionError(f"render {render_id} did not finish")
