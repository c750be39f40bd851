"""The real client against a fake cloud that speaks only the vendor's published shapes (MockTransport).

No engine serves these shapes yet; each test drives NemoClient over httpx the way the cloud would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from client_helpers import SECRET, frame

from nemo_tui.client.nemo import NemoClient
from nemo_tui.protocol import (
    AskQuestion,
    NetworkError,
    NoCredits,
    RenderFailed,
    RenderJob,
    RenderStalled,
    ServerError,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
)
from tests.leaks import assert_hidden

SESSION_ID = 5529798706024415232  # sent as a JSON number, above 2^53
CDN = "https://static1.nemovideo.test"


class Clock:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class FakeCloud:
    """Routes by path; `routes` maps "METHOD /path" to a function of the request. Every request is
    kept as (method, url, headers) with the token masked."""

    def __init__(self, routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> None:
        self.routes = routes
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        headers = {k.lower(): v.replace(SECRET, "<SECRET>") for k, v in request.headers.items()}
        self.seen.append((request.method, str(request.url).replace(SECRET, "<SECRET>"), headers))
        key = f"{request.method} {request.url.path}"
        handler = self.routes.get(key) or self.routes.get(f"{request.method} {request.url.host}")
        if handler is None:
            return httpx.Response(404, json={"detail": f"no route {key}"})
        return handler(request)

    def paths(self) -> list[str]:
        return [f"{m} {httpx.URL(u).path}" for m, u, _ in self.seen]


def ok(data: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json={"code": 0, "message": "ok", "data": data})


TOKEN_ROUTE = {
    "POST /api/auth/anonymous-token": ok(
        {"token": SECRET, "user_id": "anon_abc123", "expires_at": "2099-03-18T00:00:00Z", "credits": 100}
    )
}
SESSION_ROUTE = {
    "POST /api/tasks/me/with-session/nemo_agent": lambda r: httpx.Response(
        200,
        content=b'{"code":0,"data":{"task_id":"task_xxx","session_id":%d,"user_id":"anon_abc123"}}'
        % SESSION_ID,
        headers={"content-type": "application/json"},
    )
}


def client_for(cloud: FakeCloud, **kwargs: Any) -> NemoClient:
    kwargs.setdefault("sleep", Clock())
    kwargs.setdefault("shared_client_id_path", None)
    return NemoClient(
        "https://api.nemovideo.test",
        token=kwargs.pop("token", ""),
        transport=httpx.MockTransport(cloud),
        **kwargs,
    )


def sse(*events: Any) -> Callable[[httpx.Request], httpx.Response]:
    body = b"".join(e if isinstance(e, bytes) else frame(e) for e in events)
    return lambda request: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)


async def turn(client: NemoClient, text: str = "make a video of a sunset") -> list[Any]:
    return [event async for event in client.send_message(text)]


# ---- a session in the vendor's shapes ------------------------------------------------------------


async def test_token_session_state_and_credits_in_the_vendors_shapes():
    state = {
        "session_id": str(SESSION_ID),
        "task_id": "task_xxx",
        "task_name": "p",
        "user_id": "anon_abc123",
        "state": {
            "draft": {"t": [{"tt": 0, "sg": [{"d": 10000, "m": {"title": "Sunset"}}]}]},
            "video_infos": [{"cdn_url": f"{CDN}/v.mp4", "duration": 10.0}],
            "generated_media": [],
            "canvas_config": {"width": 1920, "height": 1080},
        },
    }
    cloud = FakeCloud(
        {
            **TOKEN_ROUTE,
            **SESSION_ROUTE,
            f"GET /api/state/nemo_agent/me/{SESSION_ID}/latest": ok(state),
            "GET /api/credits/balance/simple": ok({"available": 100, "frozen": 0, "total": 100}),
        }
    )
    async with client_for(cloud) as client:
        info = await client.create_session("a sunset", language="en")
        assert info.session_id == str(SESSION_ID)
        assert client.user_id == "anon_abc123"
        got = await client.state()
        credits = await client.credits()
        expires = client._token_expires_at
    assert got.draft.duration_ms == 10000 and got.videos[0].url == f"{CDN}/v.mp4"
    assert got.canvas_config is not None and got.canvas_config.height == 1080
    assert credits.available == 100
    assert expires is not None and expires > 4_000_000_000  # 2099, read from the ISO text
    # every request carried the attribution headers, the API ones the client id too
    assert all(h.get("x-skill-source") == "sora-video-generation" for _, _, h in cloud.seen)
    assert all(h.get("x-client-id") for _, _, h in cloud.seen)


@pytest.mark.parametrize(
    "body", [b'{"code":0,"message":"ok"}', b'{"code":0,"data":null}', b'{"code":0,"data":{}}']
)
async def test_credits_without_data_are_an_error_not_zero(body: bytes):
    cloud = FakeCloud(
        {
            "GET /api/credits/balance/simple": lambda r: httpx.Response(
                200, content=body, headers={"content-type": "application/json"}
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        with pytest.raises(ServerError) as info:
            await client.credits()
    assert "credits answer" in str(info.value)


async def test_a_state_without_state_is_an_error_not_an_empty_timeline():
    cloud = FakeCloud({"GET /api/state/nemo_agent/me/s-1/latest": ok({"session_id": "s-1"})})
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        with pytest.raises(ServerError, match="state answer"):
            await client.state()


async def test_upload_answer_with_files(tmp_path: Path):
    clip = tmp_path / "video.mp4"
    clip.write_bytes(b"\x00" * 1000)
    cloud = FakeCloud(
        {
            "POST /api/upload-video/nemo_agent/me/s-1": ok(
                {
                    "files": [
                        {
                            "filename": "video.mp4",
                            "file_type": "video",
                            "cdn_url": f"{CDN}/x/video.mp4",
                            "duration": 30.5,
                            "width": 1920,
                            "height": 1080,
                            "fps": 30,
                            "hash": "abc123",
                        }
                    ],
                    "session_state_applied": True,
                }
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        result = await client.upload_file(clip)
    [media] = result.media
    assert (media.name, media.url, media.duration_ms) == ("video.mp4", f"{CDN}/x/video.mp4", 30500)


# ---- type-tagged SSE -----------------------------------------------------------------------------


async def test_the_published_type_tagged_stream_reads_as_a_turn():
    cloud = FakeCloud(
        {
            "POST /run_sse": sse(
                {"type": "text", "content": "I'll generate your video now..."},
                {"type": "tool_call", "name": "generate_video_with_seedance", "args": {"prompt": "sunset"}},
                {"type": "heartbeat"},
                b"data:\n\n",
                b": keep-alive\n\n",
                {"type": "tool_result", "name": "generate_video_with_seedance", "result": {"status": "ok"}},
                {"type": "text", "text": "Here is your sunset clip."},
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    kinds = [e.kind for e in events]
    assert kinds == ["text", "tool_call", "heartbeat", "heartbeat", "heartbeat", "tool_result", "text", "end"]
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.name == "generate_video_with_seedance" and call.args == {"prompt": "sunset"}
    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.response == {"status": "ok"}
    end = events[-1]
    assert isinstance(end, TurnEnd)
    assert end.text == "I'll generate your video now...\n\nHere is your sunset clip."
    assert end.tool_calls == 1 and end.changed_state and not end.asked


@pytest.mark.parametrize("key", ["name", "tool", "tool_name"])
async def test_the_tool_name_under_any_published_key(key: str):
    cloud = FakeCloud({"POST /run_sse": sse({"type": "tool_call", key: "edit_multitrack", "args": {"a": 1}})})
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["edit_multitrack"]


async def test_chunks_then_their_whole_message_show_once_and_errors_say_what_failed():
    cloud = FakeCloud(
        {
            "POST /run_sse": sse(
                {"type": "chunk", "text": "Gener"},
                {"type": "chunk", "text": "ating"},
                {"type": "text", "content": "Generating"},
                {"type": "error", "message": "generation backend unavailable"},
                {"type": "done"},
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Generating"
    [error] = [e for e in events if isinstance(e, TurnError)]
    assert error.message == "The agent failed: generation backend unavailable"
    assert isinstance(events[-1], TurnEnd)


async def test_a_trailing_temporary_issue_after_a_reply_is_dropped_but_alone_it_is_shown():
    notice = "I encountered a temporary issue. Please try again."
    cloud = FakeCloud(
        {
            "POST /run_sse": sse(
                {"type": "text", "content": "Your title is added."}, {"type": "text", "content": notice}
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert events[-1].text == "Your title is added."
    assert notice not in "".join(e.text for e in events if isinstance(e, TextDelta))

    cloud.routes["POST /run_sse"] = sse({"type": "text", "content": notice})
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert events[-1].text == notice


async def test_the_notice_streamed_in_adk_partials_after_a_reply_is_dropped_too():
    from client_helpers import text_event

    pieces = ["I enc", "ountered a temp", "orary issue."]
    cloud = FakeCloud(
        {
            "POST /run_sse": sse(
                text_event("Done: the clip is 8 seconds."),
                *[text_event(p, partial=True) for p in pieces],
                text_event("".join(pieces)),
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Done: the clip is 8 seconds."]
    # a reply that only starts like it is shown whole, once
    cloud.routes["POST /run_sse"] = sse(
        text_event("Hi."),
        text_event("I enc", partial=True),
        text_event("oded it.", partial=True),
        text_event("I encoded it."),
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert events[-1].text == "Hi.\n\nI encoded it."


QUESTION_ARGS = {
    "title": "Before I start",
    "questions": [
        {
            "id": "q1",
            "prompt": "Which style\x1b[2J?",
            "allow_multiple": False,
            "options": [{"id": "a", "label": "Cinematic"}, {"id": "b", "label": "Anime\x07"}],
        }
    ],
}


@pytest.mark.parametrize("dialect", ["typed", "adk"])
async def test_ask_question_in_either_dialect_is_a_question_and_ends_the_turn_asking(dialect: str):
    from client_helpers import call_event, response_event

    if dialect == "typed":
        events_sent = [
            {"type": "text", "content": "A quick question first."},
            {"type": "tool_call", "tool_name": "ask_question", "args": QUESTION_ARGS},
        ]
    else:
        events_sent = [
            call_event("fc-1", "ask_question", QUESTION_ARGS, partial=True),
            call_event("fc-1", "ask_question", QUESTION_ARGS),
            response_event("fc-1", "ask_question"),
        ]
    cloud = FakeCloud({"POST /run_sse": sse(*events_sent)})
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client, "make a video")
    [asked] = [e for e in events if isinstance(e, AskQuestion)]
    assert not any(isinstance(e, ToolCall) for e in events)
    assert asked.title == "Before I start"
    question = asked.questions[0]
    assert question.prompt == "Which style?" and [o.label for o in question.options] == ["Cinematic", "Anime"]
    end = events[-1]
    assert isinstance(end, TurnEnd) and end.asked and end.tool_calls == 0 and not end.changed_state


async def test_ask_question_with_unreadable_args_stays_a_tool_call():
    cloud = FakeCloud({"POST /run_sse": sse({"type": "tool_call", "name": "ask_question", "args": {"x": 1}})})
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        events = await turn(client)
    assert [e.kind for e in events] == ["tool_call", "end"] and not events[-1].asked


# ---- render --------------------------------------------------------------------------------------


def render_route(answers: list[Any]) -> Callable[[httpx.Request], httpx.Response]:
    """Answers in order (the last repeats): a dict is the `data` of a success envelope, an int an
    HTTP status, an exception class a transport failure."""
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, type) and issubclass(item, Exception):
            raise item("boom", request=request)
        if isinstance(item, int):
            return httpx.Response(item, text="bad gateway")
        return httpx.Response(200, json={"success": True, "data": item})

    return handler


async def test_render_polls_by_the_vendor_cadence_and_the_same_id_through_failures():
    url = f"{CDN}/render-result/render_1.mp4"
    cloud = FakeCloud(
        {
            "GET /api/render/proxy/lambda/render_1": render_route(
                [
                    {"id": "render_1", "status": "pending", "progress": 5},
                    httpx.ConnectError,
                    httpx.ConnectError,
                    httpx.ConnectError,  # one failed read (3 tries)
                    502,
                    502,
                    502,  # another
                    {"id": "render_1", "status": "processing", "progress": 40},
                    {"id": "render_1", "status": "processing", "progress": 80},
                    {"id": "render_1", "status": "completed", "progress": 100},  # no URL yet: not done
                    {"id": "render_1", "status": "completed", "progress": 100, "outputUrl": url},
                ]
            )
        }
    )
    clock = Clock()
    updates: list[RenderJob] = []
    async with client_for(cloud, token=SECRET, sleep=clock) as client:
        job = await client.wait_for_render("render_1", updates.append)
    assert job.status == "completed" and job.url == url
    assert set(cloud.paths()) == {"GET /api/render/proxy/lambda/render_1"}
    polls = [w for w in clock.waits if w >= 2]
    assert polls == [2.0, 3.0, 4.5, 6.75, 10.125, 15.0]
    assert [w for w in clock.waits if w < 2] == [0.5, 1.0, 0.5, 1.0]  # the GET retries inside
    assert [round(u.progress, 2) for u in updates] == [0.05, 0.4, 0.8, 0.99, 1.0]


async def test_one_poll_interval_replaces_the_cadence():
    cloud = FakeCloud(
        {
            "GET /api/render/proxy/lambda/r": render_route(
                [{"id": "r", "status": "processing", "progress": p} for p in (10, 20, 30)]
                + [{"id": "r", "status": "completed", "outputUrl": f"{CDN}/r.mp4"}]
            )
        }
    )
    clock = Clock()
    async with client_for(cloud, token=SECRET, sleep=clock, poll_interval=0.25) as client:
        await client.wait_for_render("r")
    assert clock.waits == [0.25, 0.25, 0.25]


async def test_a_render_whose_status_cannot_be_read_gives_up_after_the_failure_budget():
    cloud = FakeCloud({"GET /api/render/proxy/lambda/r": render_route([500])})
    async with client_for(cloud, token=SECRET, render_max_failures=4, get_tries=1) as client:
        with pytest.raises(NetworkError, match="4 status checks in a row failed"):
            await client.wait_for_render("r")
    assert len(cloud.seen) == 4
    assert_hidden(SECRET, cloud.seen)


async def test_a_render_that_stops_moving_is_given_up_after_the_stall_budget():
    cloud = FakeCloud(
        {
            "GET /api/render/proxy/lambda/r": render_route(
                [{"id": "r", "status": "processing", "progress": 30}]
            )
        }
    )
    clock = Clock()
    async with client_for(cloud, token=SECRET, sleep=clock) as client:
        with pytest.raises(RenderStalled, match="no progress for 5 minutes"):
            await client.wait_for_render("r")
    assert 300 <= sum(clock.waits) < 320


async def test_a_failed_render_raises_with_its_error_and_an_unknown_id_is_not_polled_for_ever():
    cloud = FakeCloud(
        {
            "GET /api/render/proxy/lambda/r": render_route(
                [{"id": "r", "status": "failed", "error": "Lambda timed out"}]
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        with pytest.raises(RenderFailed, match="Lambda timed out"):
            await client.wait_for_render("r")
    cloud.routes["GET /api/render/proxy/lambda/r"] = lambda r: httpx.Response(
        404, json={"success": False, "error": "render not found"}
    )
    async with client_for(cloud, token=SECRET) as client:
        with pytest.raises(ServerError, match="render not found"):
            await client.wait_for_render("r")


async def test_start_render_takes_a_fresh_id_every_call_and_posts_are_never_repeated():
    draft = {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "a"}}]}]}
    bodies: list[dict[str, Any]] = []

    def start(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(
            200, json={"success": True, "data": {"id": bodies[-1]["id"], "status": "pending", "progress": 5}}
        )

    cloud = FakeCloud({"POST /api/render/proxy/lambda": start})
    from nemo_tui.protocol import Draft

    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        first = await client.start_render(Draft.from_wire(draft))
        second = await client.start_render(Draft.from_wire(draft))
        assert first.status == "queued" and first.progress == 0.05
        cloud.routes["POST /api/render/proxy/lambda"] = lambda r: httpx.Response(502, text="bad gateway")
        with pytest.raises(ServerError):
            await client.start_render(Draft.from_wire(draft))
    assert first.id != second.id and all(b["id"].startswith("render_") for b in bodies)
    assert cloud.paths().count("POST /api/render/proxy/lambda") == 3  # the 502 one went once


async def test_gets_retry_transport_errors_three_tries_at_most():
    cloud = FakeCloud({"GET /api/credits/balance/simple": render_route([httpx.ReadTimeout])})
    async with client_for(cloud, token=SECRET) as client:
        with pytest.raises(NetworkError):
            await client.credits()
    assert len(cloud.seen) == 3
    cloud = FakeCloud(
        {"GET /api/credits/balance/simple": render_route([httpx.RemoteProtocolError, 503, {"available": 7}])}
    )
    async with client_for(cloud, token=SECRET) as client:
        assert (await client.credits()).available == 7


async def test_a_run_sse_post_that_fails_in_transport_is_not_repeated():
    cloud = FakeCloud(
        {
            "POST /run_sse": render_route([httpx.ConnectError]),
            "POST /api/render/proxy/lambda/r/cancel": render_route([httpx.ReadTimeout]),
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        client.use_session("s-1")
        with pytest.raises(NetworkError):
            await turn(client)
        with pytest.raises(NetworkError):
            await client.cancel_render("r")
    assert cloud.paths() == ["POST /run_sse", "POST /api/render/proxy/lambda/r/cancel"]


async def test_cancel_render_posts_to_the_cancel_path():
    cloud = FakeCloud(
        {
            "POST /api/render/proxy/lambda/render_9/cancel": lambda r: httpx.Response(
                200, json={"success": True}
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        assert await client.cancel_render("render_9") is None
    [(method, _, headers)] = cloud.seen
    assert method == "POST" and headers["authorization"] == "Bearer <SECRET>"


# ---- downloads: no identity to a CDN, the API's fallback with auth --------------------------------


async def test_download_render_from_the_cdn_without_token_or_client_id(tmp_path: Path):
    cloud = FakeCloud(
        {
            "GET static1.nemovideo.test": lambda r: httpx.Response(
                200, content=b"MP4DATA", headers={"content-type": "video/mp4"}
            )
        }
    )
    job = RenderJob(id="render_1", status="completed", url=f"{CDN}/render-result/render_1.mp4")
    async with client_for(cloud, token=SECRET, client_id="1b4e28ba-2fa1-4d2b-883f-0016d3cca427") as client:
        out = await client.download_render(job, tmp_path / "out.mp4")
    assert out.read_bytes() == b"MP4DATA"
    [(_, url, headers)] = cloud.seen
    assert url.startswith(CDN)
    assert "authorization" not in headers and "x-client-id" not in headers
    assert headers["x-skill-source"] == "sora-video-generation"  # attribution goes everywhere


async def test_download_render_falls_back_to_the_api_with_auth(tmp_path: Path):
    cloud = FakeCloud(
        {
            "GET static1.nemovideo.test": lambda r: httpx.Response(403, text="expired"),
            "GET /api/render/proxy/render_1/download": lambda r: httpx.Response(
                200, content=b"FROMAPI", headers={"content-type": "video/mp4"}
            ),
        }
    )
    job = RenderJob(id="render_1", status="completed", url=f"{CDN}/render-result/render_1.mp4")
    async with client_for(cloud, token=SECRET) as client:
        out = await client.download_render(job, tmp_path / "out.mp4")
        missing = await client.download_render(
            RenderJob(id="render_1", status="completed"), tmp_path / "again.mp4"
        )
    assert out.read_bytes() == b"FROMAPI" and missing.read_bytes() == b"FROMAPI"
    api = [h for _, u, h in cloud.seen if "/download" in u]
    assert len(api) == 2 and all(h["authorization"] == "Bearer <SECRET>" and h["x-client-id"] for h in api)
    cdn = [h for _, u, h in cloud.seen if u.startswith(CDN)]
    assert cdn and all("authorization" not in h for h in cdn)


async def test_a_redirect_from_the_api_to_a_cdn_drops_the_token_and_client_id(tmp_path: Path):
    cloud = FakeCloud(
        {
            "GET /api/render/proxy/render_1/download": lambda r: httpx.Response(
                302, headers={"location": f"{CDN}/render-result/render_1.mp4"}
            ),
            "GET static1.nemovideo.test": lambda r: httpx.Response(200, content=b"X"),
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        await client.download_render(RenderJob(id="render_1", status="completed"), tmp_path / "o.mp4")
    first, second = cloud.seen
    assert "authorization" in first[2] and "x-client-id" in first[2]
    assert "authorization" not in second[2] and "x-client-id" not in second[2]


# ---- links ---------------------------------------------------------------------------------------


async def test_claim_link_goes_to_the_web_base_and_never_carries_the_api_token():
    bodies: list[dict[str, Any]] = []

    def claim(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(
            200, json={"code": 0, "data": {"claim_token": "clm_a+b/c", "expires_in": 604800}}
        )

    cloud = FakeCloud({**TOKEN_ROUTE, **SESSION_ROUTE, "POST /api/auth/claim-token": claim})
    async with client_for(cloud, web_base="https://web.nemovideo.test/") as client:
        await client.create_session("hi", language="en")
        link = await client.claim_link()
    assert link == "https://web.nemovideo.test/workspace/claim?ct=clm_a%2Bb%2Fc"
    assert bodies == [{"task_id": "task_xxx", "session_id": str(SESSION_ID)}]
    assert_hidden(SECRET, link)


async def test_claim_link_without_a_session_says_so():
    from nemo_tui.protocol import InvalidInput

    async with client_for(FakeCloud({}), token=SECRET) as client:
        with pytest.raises(InvalidInput):
            await client.claim_link()


async def test_2001_links_bind_the_anon_user_id_from_the_token_answer_on_the_web_base():
    cloud = FakeCloud(
        {
            **TOKEN_ROUTE,
            "GET /api/credits/balance/simple": lambda r: httpx.Response(
                200, json={"code": 2001, "message": "Insufficient credits"}
            ),
        }
    )
    async with client_for(cloud) as client:
        with pytest.raises(NoCredits) as info:
            await client.credits()
    assert info.value.registration_link == "https://nemovideo.com/register?bind=anon_abc123"
    assert "register?bind=anon_abc123" in info.value.user_message()


async def test_2001_with_the_agents_own_link_shows_that_link():
    link = "https://nemovideo.com/register?bind=anon_from_agent"
    cloud = FakeCloud(
        {
            **TOKEN_ROUTE,
            "GET /api/credits/balance/simple": lambda r: httpx.Response(
                200, json={"code": 2001, "message": f"You're out of credits. Sign up: {link}"}
            ),
        }
    )
    async with client_for(cloud) as client:
        with pytest.raises(NoCredits) as info:
            await client.credits()
    assert info.value.registration_link == link


async def test_2001_for_a_registered_token_says_top_up():
    cloud = FakeCloud(
        {
            "GET /api/credits/balance/simple": lambda r: httpx.Response(
                200, json={"code": 2001, "message": "Insufficient credits"}
            )
        }
    )
    async with client_for(cloud, token=SECRET) as client:
        with pytest.raises(NoCredits) as info:
            await client.credits()
    assert info.value.registration_link is None and "Top up" in info.value.user_message()


# ---- the client id -------------------------------------------------------------------------------


def token_cloud() -> FakeCloud:
    return FakeCloud({**TOKEN_ROUTE, "GET /api/credits/balance/simple": ok({"available": 1})})


async def sent_client_id(tmp_path: Path, **kwargs: Any) -> str:
    from nemo_tui.client.credentials import CredentialStore

    cloud = token_cloud()
    store = CredentialStore(tmp_path / "creds.json")
    async with client_for(cloud, credentials=store, **kwargs) as client:
        await client.credits()
    ids = {h["x-client-id"] for _, _, h in cloud.seen}
    assert len(ids) == 1
    return ids.pop()


async def test_client_id_from_the_setting_wins(tmp_path: Path):
    shared = tmp_path / "client_id"
    shared.write_text(str(uuid.uuid4()))
    assert (
        await sent_client_id(tmp_path, client_id="my-id-from-env", shared_client_id_path=shared)
        == "my-id-from-env"
    )


async def test_client_id_shared_with_other_nemovideo_tools_is_reused_read_only(tmp_path: Path):
    shared = tmp_path / "nemovideo" / "client_id"
    shared.parent.mkdir()
    value = str(uuid.uuid4())
    shared.write_text(value + "\n")
    shared.chmod(0o400)
    assert await sent_client_id(tmp_path, shared_client_id_path=shared) == value
    assert shared.read_text() == value + "\n"


@pytest.mark.parametrize("content", ["not-a-uuid", "", "x" * 500])
async def test_a_shared_file_without_a_uuid_is_ignored(tmp_path: Path, content: str):
    shared = tmp_path / "client_id"
    shared.write_text(content)
    got = await sent_client_id(tmp_path, shared_client_id_path=shared)
    assert got != content and uuid.UUID(got)
    # the id we made is cached with our token, and used next time
    assert await sent_client_id(tmp_path, shared_client_id_path=shared) == got


async def test_the_local_engine_never_gets_the_shared_cloud_client_id(tmp_path: Path):
    shared = tmp_path / "client_id"
    shared.write_text(str(uuid.uuid4()))
    cloud = token_cloud()
    async with NemoClient(
        "http://127.0.0.1:9", token="", transport=httpx.MockTransport(cloud), shared_client_id_path=shared
    ) as client:
        await client.credits()
    assert {h["x-client-id"] for _, _, h in cloud.seen} != {shared.read_text()}


async def test_the_anon_user_id_is_cached_with_the_token_for_the_next_run(tmp_path: Path):
    from nemo_tui.client.credentials import CredentialStore

    store = CredentialStore(tmp_path / "creds.json")
    cloud = FakeCloud({**TOKEN_ROUTE, "GET /api/credits/balance/simple": ok({"available": 5})})
    async with client_for(cloud, credentials=store) as client:
        await client.credits()
    cloud.routes["GET /api/credits/balance/simple"] = lambda r: httpx.Response(
        200, json={"code": 2001, "message": "Insufficient credits"}
    )
    async with client_for(cloud, credentials=store) as later:
        with pytest.raises(NoCredits) as info:
            await later.credits()
        assert later.user_id == "anon_abc123"
    assert info.value.registration_link == "https://nemovideo.com/register?bind=anon_abc123"
    assert cloud.paths().count("POST /api/auth/anonymous-token") == 1
