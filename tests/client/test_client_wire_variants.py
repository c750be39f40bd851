"""Server answers the local engine never gives but the cloud (or plain ADK) may: a mock transport.

Each case is a shape PROTOCOL.md says to tolerate; the engine is exact, so only a mock can send it.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from client_helpers import SECRET

from nemo_tui.client.nemo import MSG_SESSION_RENEWED, NemoClient
from nemo_tui.protocol import NetworkError, NoCredits, RenderFailed, ServerError, TextDelta
from tests.leaks import assert_hidden


def client_for(handler, **kwargs) -> NemoClient:
    return NemoClient("http://cloud.test", token=SECRET, transport=httpx.MockTransport(handler), **kwargs)


async def test_2001_without_a_bind_id_binds_the_anonymous_user_id_not_the_task_id():
    # Changed deliberately (issue 15 item 8): the vendor's link binds the `anon_…` user id, on the
    # web app (NEMO_WEB_URL); it used to bind the task id.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/anonymous-token":
            return httpx.Response(200, json={"code": 0, "data": {"token": SECRET, "user_id": "anon_9f2"}})
        if request.url.path.endswith("/with-session/nemo_agent"):
            return httpx.Response(200, json={"code": 0, "data": {"task_id": "task-77", "session_id": "s"}})
        return httpx.Response(200, json={"code": 2001, "msg": "no credits"})

    async with NemoClient(
        "http://cloud.test", transport=httpx.MockTransport(handler), web_base="https://web.example"
    ) as client:
        assert client.is_anonymous
        await client.create_session("make it 8 seconds")
        with pytest.raises(NoCredits) as info:
            await client.credits()
    assert info.value.bind_id == "anon_9f2"
    assert info.value.registration_link == "https://web.example/register?bind=anon_9f2"


async def test_plain_adk_404_session_not_found_on_run_sse_renews_the_session():
    sessions = iter(["s-new"])
    bodies: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/with-session/nemo_agent"):
            data = {"task_id": "t", "session_id": next(sessions)}
            return httpx.Response(200, json={"code": 0, "data": data})
        body = json.loads(request.content)
        bodies.append(body)
        if body["session_id"] == "s-old":
            return httpx.Response(404, json={"detail": "Session not found: s-old"})
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=b'data: {"content": {"parts": [{"text": "ok"}]}}\n\n',
        )

    notices: list[str] = []
    client = client_for(handler, on_recovery=notices.append)
    client.use_session("s-old")
    async with client:
        events = [e async for e in client.send_message("add a title")]
    assert [b["session_id"] for b in bodies] == ["s-old", "s-new"]
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["ok"]
    assert notices == [MSG_SESSION_RENEWED]


async def test_a_server_message_that_echoes_the_token_is_scrubbed(caplog):
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"code": 5000, "message": f"bad header Bearer {SECRET}"})

    async with client_for(handler) as client:
        with pytest.raises(ServerError) as info:
            await client.credits()
    assert_hidden(SECRET, info.value, repr(info.value))
    assert "[redacted]" in str(info.value)
    assert_hidden(SECRET, caplog.text)


async def test_a_json_answer_to_run_sse_is_not_read_as_an_empty_turn():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": 0, "data": {}})

    client = client_for(handler)
    client.use_session("s")
    async with client:
        with pytest.raises(ServerError, match="expected an event stream"):
            [e async for e in client.send_message("hi")]


async def test_remotion_style_render_status_is_understood_and_polled_with_the_clock():
    answers = iter(
        [
            {"overallProgress": 0.25, "done": False},
            {"overallProgress": 0.8, "done": False},
            {"done": False, "fatalErrorEncountered": True, "errors": [{"message": "lambda timed out"}]},
        ]
    )
    waits: list[float] = []

    async def clock(seconds: float) -> None:
        waits.append(seconds)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": 0, "data": next(answers)})

    seen: list[float] = []
    async with client_for(handler, sleep=clock) as client:
        with pytest.raises(RenderFailed, match="lambda timed out"):
            await client.wait_for_render("render_1", lambda job: seen.append(job.progress))
    assert seen == [0.25, 0.8, 0.0]
    # Changed deliberately (issue 15 item 9): the vendor CLI's cadence, 2 s then x1.5, replaced the
    # seed's fixed 30 s; still through the injected clock.
    assert waits == [2.0, 3.0]


async def test_a_repr_never_shows_the_token():
    client = NemoClient("http://cloud.test", token=SECRET)
    assert_hidden(SECRET, repr(client), str(client), repr(vars(client)["_token"]))
    await client.aclose()


async def test_a_server_that_never_answers_is_a_network_error_after_the_timeout():
    import asyncio

    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await release.wait()  # accepts, reads the request, never answers
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with NemoClient(f"http://127.0.0.1:{port}", token=SECRET, timeout_s=0.2) as client:
            with pytest.raises(NetworkError) as info:
                await client.credits()
    finally:
        release.set()
        server.close()
        await server.wait_closed()
    assert "did not answer in time" in str(info.value)
    assert "Couldn't reach the video service" in info.value.user_message()


async def test_nemo_client_has_every_member_of_the_video_backend_surface():
    import inspect

    from nemo_tui.client.api import VideoBackend

    members = [n for n in vars(VideoBackend) if not n.startswith("_")] + list(VideoBackend.__annotations__)
    async with NemoClient("http://cloud.test", token=SECRET) as client:
        for name in members:
            assert hasattr(client, name), name
            wanted = getattr(VideoBackend, name, None)
            if callable(wanted):
                have = inspect.signature(getattr(NemoClient, name))
                assert list(have.parameters) == list(inspect.signature(wanted).parameters), name
                assert inspect.iscoroutinefunction(getattr(NemoClient, name)) == inspect.iscoroutinefunction(
                    wanted
                ), name
    assert inspect.isasyncgenfunction(NemoClient.send_message)
