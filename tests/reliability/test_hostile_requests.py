"""Malformed and hostile requests to every engine endpoint, fuzzed and hand-picked (issue 9):
a refusal in words (4xx, or an envelope code), never a 5xx, and the engine keeps serving."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_tui.engine.runner import EngineServer

FAST = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
JSON_POSTS = [
    "/api/tasks/me/with-session/nemo_agent",
    "/run_sse",
    "/api/render/proxy/lambda",
    "/_engine/faults",
    "/_engine/credits",
    "/api/upload-video/nemo_agent/me/{sid}",
]
HOSTILE_NUMBERS = ["Infinity", "-Infinity", "NaN", "1e400", "-1e999", "1" + "0" * 400, "1e300", "-0"]


class Caller:
    def __init__(self, server: EngineServer) -> None:
        self.server = server
        self.http = httpx.Client(
            base_url=server.base_url,
            timeout=30,
            headers={
                "X-Skill-Source": "sora-video-generation",
                "X-Skill-Version": "0.1.0",
                "X-Skill-Platform": "unknown",
            },
        )
        token = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})
        self.auth = {"Authorization": f"Bearer {token.json()['data']['token']}"}
        self.sid = self.http.post("/api/tasks/me/with-session/nemo_agent", headers=self.auth, json={}).json()[
            "data"
        ]["session_id"]

    def send(self, method: str, path: str, *, owner: bool = False, **kw: Any) -> httpx.Response:
        headers = {**self.auth, **kw.pop("headers", {})}
        if owner:
            headers["X-Nemo-Engine-Secret"] = self.server.owner_secret
        return self.http.request(method, path.format(sid=self.sid), headers=headers, **kw)

    def still_serves(self) -> None:
        assert self.send("GET", "/api/credits/balance/simple").json()["code"] == 0


@pytest.fixture
def caller(engine: EngineServer):
    c = Caller(engine)
    yield c
    c.http.close()


def no_5xx(resp: httpx.Response, what: Any) -> None:
    assert resp.status_code < 500, (what, resp.status_code, resp.text[:300])
    if resp.headers.get("content-type", "").startswith("application/json") and resp.status_code >= 400:
        assert resp.json()["message"], what  # said in words


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "t",
                    "tt",
                    "sg",
                    "d",
                    "m",
                    "start",
                    "width",
                    "font_size",
                    "volume",
                    "id",
                    "sessionId",
                    "draft",
                    "output",
                    "format",
                    "urls",
                    "source_type",
                    "new_message",
                    "parts",
                    "text",
                    "session_id",
                    "credits",
                    "slow_response_s",
                    "fail_render",
                    "reset",
                    "task_name",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@FAST
@given(path=st.sampled_from(JSON_POSTS), body=JSONISH, owner=st.booleans())
def test_any_json_body_to_any_endpoint_is_refused_in_words_never_a_5xx(
    caller: Caller, path: str, body: Any, owner: bool
) -> None:
    raw = json.dumps(body, allow_nan=True)  # NaN/Infinity as a lenient sender writes them
    resp = caller.send("POST", path, owner=owner, content=raw, headers={"Content-Type": "application/json"})
    no_5xx(resp, (path, raw[:200]))


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
def test_hostile_numbers_in_every_field_of_a_render_request(caller: Caller, number: str) -> None:
    for meta_field in ("start", "width", "font_size", "volume", "size", "d"):
        seg = f'{{"d": 1000, "m": {{"text": "t", "{meta_field}": {number}}}}}'
        if meta_field == "d":
            seg = f'{{"d": {number}, "m": {{"text": "t"}}}}'
        raw = (
            '{"id": "render_h%d", "sessionId": "%s", "draft": {"t": [{"tt": 7, "sg": [%s]}]}, '
            '"output": {"format": "mp4"}}' % (time.time_ns(), caller.sid, seg)
        )
        resp = caller.send(
            "POST", "/api/render/proxy/lambda", content=raw, headers={"Content-Type": "application/json"}
        )
        no_5xx(resp, (meta_field, number))
        if resp.json()["code"] == 0:
            job_id = resp.json()["data"]["id"]
            for _ in range(300):
                job = caller.send("GET", f"/api/render/proxy/lambda/{job_id}").json()["data"]
                if job["status"] in ("completed", "failed"):
                    break
                time.sleep(0.1)
            assert "Overflow" not in (job["error"] or "") and "ValueError" not in (job["error"] or ""), job
    for name in (
        "slow_response_s",
        "expire_tokens_once",
        "cut_download_at_fraction",
        "drop_stream_after_events",
    ):
        resp = caller.send(
            "POST",
            "/_engine/faults",
            owner=True,
            content=f'{{"{name}": {number}}}',
            headers={"Content-Type": "application/json"},
        )
        no_5xx(resp, (name, number))
        no_5xx(caller.send("GET", "/_engine/faults", owner=True), ("GET faults after", name, number))
        caller.send("POST", "/_engine/faults", owner=True, json={"reset": True})
    caller.still_serves()


HAND_PICKED: list[tuple[str, str, dict[str, str], bytes]] = [
    # (method, path, headers, body)
    ("POST", "/run_sse", {"Content-Type": "application/json"}, b"[" * 100_000),
    ("POST", "/api/render/proxy/lambda", {"Content-Type": "application/json"}, b'{"a":' * 50_000),
    ("POST", "/run_sse", {"Content-Type": "application/json"}, b"\xff\xfe not json"),
    ("POST", "/run_sse", {"Content-Type": "text/plain"}, b'{"session_id": "x"}'),
    (
        "POST",
        "/_engine/faults",
        {"Content-Type": "text/plain", "Origin": "http://evil.example"},
        b'{"no_credits": true}',
    ),
    ("POST", "/_engine/faults", {"Content-Type": "application/json"}, b'{"no_credits": true}'),  # no secret
    ("GET", "/api/credits/balance/simple", {"Host": "attacker.example"}, b""),
    ("GET", "/api/credits/balance/simple", {"Origin": "null"}, b""),
    (
        "POST",
        "/api/tasks/me/with-session/nemo_agent",
        {"Content-Type": "application/json"},
        b"x" * (5 * 1024 * 1024),
    ),
    (
        "POST",
        "/api/upload-video/nemo_agent/me/{sid}",
        {"Content-Type": "application/json"},
        b'{"urls": ["file:///etc/passwd.mp4"], "source_type": "url"}',
    ),
    (
        "POST",
        "/api/upload-video/nemo_agent/me/{sid}",
        {"Content-Type": "application/json"},
        b'{"urls": ["file:///etc/shadow.png"], "source_type": "url"}',
    ),
    (
        "POST",
        "/api/render/proxy/lambda",
        {"Content-Type": "application/json"},
        json.dumps(
            {
                "id": "render_many",
                "sessionId": "{sid}",
                "output": {"format": "mp4"},
                "draft": {"t": [{"tt": 0, "sg": [{"d": 40, "m": {"source": "media_x"}}] * 10_000}]},
            }
        ).encode(),
    ),
    (
        "POST",
        "/api/render/proxy/lambda",
        {"Content-Type": "application/json"},
        b'{"id": "render_x", "sessionId": "{sid}", "draft": {"t": [{"tt": 0, "sg": [{"d": 1000, "m": '
        b'{"source": "media_0123456789abcdef0123"}}]}]}}',
    ),
    ("GET", "/files/media/media_0123456789abcdef0123/x.mp4?exp=99999999999&sig=00", {}, b""),
    ("GET", "/files/renders/abc/../../engine.sqlite3", {}, b""),
]


@pytest.mark.parametrize("case", range(len(HAND_PICKED)))
def test_hand_picked_hostile_requests_are_refused_in_words(caller: Caller, case: int) -> None:
    method, path, headers, body = HAND_PICKED[case]
    body = body.replace(b"{sid}", caller.sid.encode())
    resp = caller.send(method, path, content=body or None, headers=headers)
    no_5xx(resp, (method, path, body[:80]))
    assert resp.status_code >= 400 or resp.json()["code"] != 0, (path, resp.text[:200])
    caller.still_serves()
