"""The /run_sse stream: exact ADK framing, deltas then aggregate, tool events, heartbeats, faults."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from engine_helpers import Api, run_body


@pytest.fixture
def api(engine_server):
    client = Api(engine_server.base_url).sign_in().new_session()
    yield client
    client.close()


def test_stream_is_data_lines_with_blank_line_separators(api):
    stream = api.turn("make it vertical")
    assert stream.status == 200
    # Every event is exactly `data: <json>` then a blank line; no `event:`/`id:` fields.
    assert stream.raw.endswith("\n\n")
    for block in stream.raw.strip("\n").split("\n\n"):
        assert block.startswith("data: ") and "\n" not in block
        event = json.loads(block[len("data: ") :])
        assert event["author"] == "nemo_agent" and event["invocationId"].startswith("e-")
        assert {"stateDelta", "artifactDelta", "requestedAuthConfigs", "requestedToolConfirmations"} <= set(
            event["actions"]
        )
        assert isinstance(event["timestamp"], float) and event["id"]


def test_partial_deltas_then_one_aggregate_with_the_whole_text(api):
    stream = api.turn("add a title 'Urban Dreams' for the first 3 seconds in yellow at the top")
    partials = stream.texts(partial=True)
    finals = stream.texts(partial=False)
    assert len(partials) > 1
    assert finals == ["".join(partials)]
    assert "Urban Dreams" in finals[0]
    # The aggregate is the last event, after the tool's events.
    assert stream.events[-1]["content"]["parts"][0]["text"] == finals[0]
    assert "partial" not in stream.events[-1]


def test_function_call_and_response_carry_the_new_draft(api):
    stream = api.turn("add a title 'Urban Dreams' for the first 3 seconds in yellow at the top")
    (call,) = stream.calls()
    ((response, delta),) = stream.responses()
    assert call["name"] == "add_text" and response["name"] == "add_text" and response["id"] == call["id"]
    assert call["args"]["text"] == "Urban Dreams"
    call_event = next(e for e in stream.events if "functionCall" in e["content"]["parts"][0])
    response_event = next(e for e in stream.events if "functionResponse" in e["content"]["parts"][0])
    assert call_event["content"]["role"] == "model" and response_event["content"]["role"] == "user"
    assert delta["draft"] == api.draft()
    (segment,) = delta["draft"]["t"][0]["sg"]
    assert delta["draft"]["t"][0]["tt"] == 7
    assert segment == {
        "d": 3000,
        "m": {
            "name": "Urban Dreams",
            "text": "Urban Dreams",
            "start": 0,
            "position": "top",
            "color": "yellow",
            "role": "title",
        },
    }


def test_without_streaming_only_whole_events_arrive(api):
    stream = api.turn("make it square", streaming=False)
    assert stream.texts(partial=True) == []
    assert len(stream.texts(partial=False)) == 1
    assert all("partial" not in e for e in stream.events)


def test_heartbeats_flow_while_work_is_slow(api, engine_server):
    engine_server.config.heartbeat_s = 0.05
    engine_server.faults.slow_stream_s = 0.2
    stream = api.turn("make it vertical")
    assert ": ping" in stream.comments
    assert len(stream.comments) >= 3
    assert api.draft()["m"]["height"] == 1920


def test_agent_error_ends_the_stream_with_an_error_event(api, engine_server):
    engine_server.faults.agent_error = "render backend unavailable"
    stream = api.turn("make it vertical")
    last = stream.events[-1]
    assert last["error"] == "RuntimeError: render backend unavailable"
    assert last["error_details"]["error_type"] == "RuntimeError"
    assert last["error_details"]["error_message"] == "render backend unavailable"
    assert stream.calls() == []
    assert api.draft() == {"t": []}


def test_drop_stream_cuts_the_connection_without_a_clean_end(api, engine_server):
    engine_server.faults.drop_stream_after_events = 2
    frames = []
    with pytest.raises(httpx.RemoteProtocolError):
        with api.http.stream(
            "POST", "/run_sse", json=run_body(api.session_id, "make it vertical"), headers=api.auth
        ) as resp:
            for line in resp.iter_lines():
                if line.startswith("data: "):
                    frames.append(line)
    assert len(frames) == 2


def test_malformed_event_is_one_frame_that_is_not_json(api, engine_server):
    engine_server.faults.malformed_event = True
    stream_raw = api.http.post(
        "/run_sse", json=run_body(api.session_id, "make it vertical"), headers=api.auth
    ).text
    bad = []
    for block in stream_raw.strip("\n").split("\n\n"):
        try:
            json.loads(block[len("data: ") :])
        except ValueError:
            bad.append(block)
    assert len(bad) == 1
    assert api.draft()["m"]["width"] == 1080  # the turn still ran to the end


def test_missing_session_is_refused_before_the_stream(api):
    api.session_id = "no-such-session"
    resp = api.http.post("/run_sse", json=run_body("no-such-session", "hello"), headers=api.auth)
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["code"] == 1002 and "Session not found" in body["detail"]


def test_bad_token_is_refused_before_the_stream(api):
    resp = api.http.post(
        "/run_sse", json=run_body(api.session_id, "hello"), headers={"Authorization": "Bearer nope"}
    )
    assert resp.status_code == 401 and resp.json()["code"] == 1001


def test_body_without_text_is_a_clear_400(api):
    resp = api.http.post("/run_sse", json={"session_id": api.session_id}, headers=api.auth)
    assert resp.status_code == 400 and "new_message" in resp.json()["message"]


def test_silent_turns_send_tool_events_but_no_text(api, engine_server):
    engine_server.config.silent_turns = "always"
    stream = api.turn("make it vertical")
    assert stream.texts(partial=True) == [] and stream.texts(partial=False) == []
    assert [c["name"] for c in stream.calls()] == ["set_aspect_ratio"]
    assert api.draft()["m"]["height"] == 1920
    # A turn that edits nothing still answers in words, even in "always" mode.
    assert api.turn("what's the weather like?").texts(partial=False)


def test_random_silent_turns_are_about_a_third(api, engine_server):
    engine_server.config.silent_turns = "random"
    silent = 0
    for i in range(30):
        stream = api.turn("make it vertical" if i % 2 else "make it square", streaming=False)
        silent += not stream.texts(partial=False)
    assert 4 <= silent <= 16


def test_no_credits_answers_2001_with_the_bind_id(api, engine_server):
    engine_server.faults.no_credits = True
    resp = api.http.post(
        "/run_sse", json=run_body(api.session_id, "generate a 5 second video of rain"), headers=api.auth
    )
    body = resp.json()
    assert resp.status_code == 403 and body["code"] == 2001
    assert body["data"]["bind_id"] == api.task_id
    assert body["data"]["register_url"] == f"{engine_server.base_url}/register"
    # Edits that generate nothing cost nothing and still work.
    assert api.turn("make it vertical").status == 200


def test_heartbeats_flow_while_a_clip_is_generated(api, engine_server):
    engine_server.config.heartbeat_s = 0.02
    stream = api.turn("generate a 2 second video of snow in the mountains")
    call_at = stream.raw.index('"functionCall"')
    response_at = stream.raw.index('"functionResponse"')
    assert ": ping\n\n" in stream.raw[call_at:response_at]


def test_a_client_disconnect_cancels_the_turn_and_refunds_its_credits(api, engine_server):
    engine_server.faults.slow_stream_s = 0.2
    with api.http.stream(
        "POST",
        "/run_sse",
        json=run_body(api.session_id, "generate a 4 second video of a storm"),
        headers=api.auth,
    ) as resp:
        for line in resp.iter_lines():
            if line.startswith("data: "):
                break  # leave after the first event; closing the response drops the connection
    deadline = time.monotonic() + 5
    while api.credits()["frozen"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.credits() == {"available": 100, "frozen": 0, "total": 100}
    time.sleep(1.5)  # longer than the rest of the turn would have taken
    assert api.draft() == {"t": []}


def test_leaving_while_a_clip_is_generated_keeps_no_file_and_charges_nothing(api, engine_server):
    media = engine_server.config.data_dir / "media"
    with api.http.stream(
        "POST",
        "/run_sse",
        json=run_body(api.session_id, "generate a 10 second video of a storm"),
        headers=api.auth,
    ) as resp:
        for line in resp.iter_lines():
            if '"functionCall"' in line:
                break  # generation has just started; closing the response drops the connection
    deadline = time.monotonic() + 15
    while (
        api.credits()["frozen"] or (media.exists() and list(media.iterdir()))
    ) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.credits() == {"available": 100, "frozen": 0, "total": 100}
    assert list(media.iterdir()) == []
    assert api.state()["generated_media"] == [] and api.draft() == {"t": []}


async def test_a_send_that_fails_because_the_client_left_ends_the_turn_quietly():
    """Some ASGI servers raise OSError on a send to a closed connection (uvicorn drops it silently):
    the response must end without an error escaping, and the turn must be cancelled."""
    import anyio

    from nemo_tui.engine.config import Faults
    from nemo_tui.engine.sse import SseResponse

    cancelled = anyio.Event()

    async def producer(emit):
        await emit({"content": {"parts": [{"text": "hi"}]}})
        try:
            await anyio.sleep(30)
        finally:
            cancelled.set()

    async def receive():
        await anyio.sleep(60)
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body":
            raise ConnectionResetError("peer went away")

    response = SseResponse(producer, heartbeat_s=15, max_s=60, faults=Faults())
    with anyio.fail_after(5):
        await response({"type": "http"}, receive, send)
    assert cancelled.is_set()
