"""Cloud behaviours in the default (ADK) dialect: one turn per session, ask_question, detached turns,
post-production, render cancel and download fallback, claim links."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from engine_helpers import Api, poll, run_body

from nemo_tui.engine.runner import EngineServer
from tests.conftest import small_engine_config


@pytest.fixture
def api(engine_server):
    client = Api(engine_server.base_url).sign_in().new_session()
    yield client
    client.close()


def video_segments(api: Api) -> list[dict]:
    tracks = [t for t in api.draft()["t"] if t["tt"] == 0]
    return tracks[0]["sg"] if tracks else []


def cut_turn(api: Api, text: str) -> list[str]:
    """A turn whose stream the engine breaks off: the frames that arrived before the cut."""
    frames: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError):
        with api.http.stream(
            "POST", "/run_sse", json=run_body(api.session_id, text), headers=api.auth
        ) as resp:
            for line in resp.iter_lines():
                if line.startswith("data: "):
                    frames.append(line)
    return frames


# ---- one turn per session (issue 9 item 4) ----------------------------------------------------------


def test_two_turns_at_once_keep_both_clips_and_charge_each_once(api, engine_server):
    engine_server.faults.generation_delay_s = 0.4  # the first turn is still generating when the second comes
    streams = []
    threads = [
        threading.Thread(target=lambda t=t: streams.append(api.turn(t)))
        for t in ("generate a 2 second video of a red balloon", "generate a 3 second video of a blue boat")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(streams) == 2 and all(s.status == 200 and len(s.calls()) == 1 for s in streams)
    segments = video_segments(api)
    assert sorted((s["m"]["prompt"], s["d"]) for s in segments) == [
        ("blue boat", 3000),
        ("red balloon", 2000),
    ]
    assert len(api.state()["generated_media"]) == 2
    # The second turn planned against the draft the first one left: its stateDelta holds both clips.
    last_delta = max((s.responses()[0][1]["draft"] for s in streams), key=lambda d: len(d["t"][0]["sg"]))
    assert len(last_delta["t"][0]["sg"]) == 2
    assert api.credits() == {"available": 95, "frozen": 0, "total": 95}


def test_a_waiting_turn_refunds_when_its_client_leaves(api, engine_server):
    engine_server.faults.generation_delay_s = 1.0
    first = threading.Thread(target=api.turn, args=("generate a 2 second video of a red balloon",))
    first.start()
    poll(
        api.credits, lambda c: c["frozen"] > 0, "the first turn reserving its credits"
    )  # it holds the session
    # The second turn waits for the session; its client gives up before it starts.
    with pytest.raises(httpx.ReadTimeout):
        api.http.post(
            "/run_sse",
            json=run_body(api.session_id, "generate a 3 second video of a blue boat"),
            headers=api.auth,
            timeout=httpx.Timeout(60, read=0.3),
        )
    first.join(60)
    time.sleep(0.5)
    assert [s["m"]["prompt"] for s in video_segments(api)] == ["red balloon"]
    assert api.credits() == {"available": 98, "frozen": 0, "total": 98}


# ---- ask_question ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, answer, subject, label",
    [
        (
            "generate a video",
            "1. What should the video show?: City at night\n2. How long?: 15 s",
            "city at night",
            "City at night",
        ),
        ("生成视频", "1. 视频要展示什么？: 雨中的森林\n2. 视频多长？: 5 秒", "雨中的森林", "雨中的森林"),
    ],
)
def test_ambiguous_request_asks_with_a_function_call(api, text, answer, subject, label):
    asked = api.turn(text)
    (call,) = asked.calls()
    assert call["name"] == "ask_question" and not asked.responses()
    args = call["args"]
    assert [q["id"] for q in args["questions"]] == ["subject", "duration"]
    assert label in [o["label"] for o in args["questions"][0]["options"]]
    assert asked.texts(partial=False)[0] == (
        "开始之前，有几个问题："
        if any("\u4e00" <= c <= "\u9fff" for c in text)
        else "A few questions before I start:"
    )
    assert api.draft() == {"t": []} and api.credits()["available"] == 100
    done = api.turn(answer)
    (gen,) = done.calls()
    seconds = 15 if "15" in answer else 5
    assert gen["name"] == "generate_video" and gen["args"] == {"prompt": subject, "duration": seconds}
    assert video_segments(api)[0]["d"] == seconds * 1000
    assert api.credits()["available"] == 100 - seconds


def test_a_request_with_a_length_but_no_subject_asks_only_what_to_show(api):
    (call,) = api.turn("make a 10 second video").calls()
    assert [q["id"] for q in call["args"]["questions"]] == ["subject"]
    (gen,) = api.turn("1. What should the video show?: Ocean sunset").calls()
    assert gen["args"] == {"prompt": "ocean sunset", "duration": 5}


def test_a_request_with_a_subject_does_not_ask(api):
    (call,) = api.turn("make a video of a lighthouse at dawn").calls()
    assert call["name"] == "generate_video" and call["args"]["prompt"] == "lighthouse at dawn"


# ---- detached turns and post-production in the ADK dialect ---------------------------------------------


def test_a_detached_turn_survives_its_stream_and_is_charged_once(api, engine_server):
    engine_server.config.detach_turns = True
    engine_server.faults.drop_stream_during_generation = True
    engine_server.faults.generation_delay_s = 1.0
    frames = cut_turn(api, "generate a 2 second video of a red balloon")
    assert any("functionCall" in f for f in frames) and not any("functionResponse" in f for f in frames)
    engine_server.faults.reset()
    assert api.draft() == {"t": []}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not video_segments(api):
        time.sleep(0.2)
    assert [s["m"]["prompt"] for s in video_segments(api)] == ["red balloon"]
    assert api.credits() == {"available": 98, "frozen": 0, "total": 98}


def test_an_attached_turn_cut_during_generation_is_refunded(api, engine_server):
    engine_server.faults.drop_stream_during_generation = True
    cut_turn(api, "generate a 2 second video of a red balloon")
    engine_server.faults.reset()
    time.sleep(1.5)
    assert api.draft() == {"t": []} and api.credits() == {"available": 100, "frozen": 0, "total": 100}


def test_a_detached_turn_stopped_by_shutdown_refunds(tmp_path):
    data = tmp_path / "engine"
    config = small_engine_config(data)
    config.detach_turns = True
    server = EngineServer(data, config=config).start()
    api = Api(server.base_url).sign_in().new_session()
    server.faults.drop_stream_during_generation = True
    server.faults.generation_delay_s = 30
    cut_turn(api, "generate a 2 second video of a red balloon")
    assert api.credits()["frozen"] == 2
    server.stop()
    server.faults.reset()
    server.start()
    try:
        assert api.credits() == {"available": 100, "frozen": 0, "total": 100}
        assert api.draft() == {"t": []}
    finally:
        api.close()
        server.stop()


def test_post_production_in_the_adk_dialect(api, engine_server):
    engine_server.config.post_production_s = 0.5
    api.turn("generate a 2 second video of a paper boat")
    assert [t["tt"] for t in api.draft()["t"]] == [0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(api.draft()["t"]) < 3:
        time.sleep(0.2)
    draft = api.draft()
    assert sorted(t["tt"] for t in draft["t"]) == [0, 1, 7]
    assert next(t for t in draft["t"] if t["tt"] == 7)["sg"][0]["m"]["text"] == "Paper Boat"
    # The person can take it back: one undo removes what the backend added.
    api.turn("undo")
    assert [t["tt"] for t in api.draft()["t"]] == [0]


def test_no_post_production_by_default(api):
    api.turn("generate a 1 second video of a paper boat")
    time.sleep(1.0)
    assert [t["tt"] for t in api.draft()["t"]] == [0]


# ---- render cancel and download ----------------------------------------------------------------------


@pytest.fixture
def rendered(api):
    api.turn("generate a 1 second video of a sunset over the sea")
    resp = api.start_render(render_id="render_adk_1")
    assert resp.json()["code"] == 0
    assert api.wait_render("render_adk_1")["status"] == "completed"
    return api


def test_download_fallback_in_the_adk_dialect(rendered, engine_server):
    job = rendered.get("/api/render/proxy/lambda/render_adk_1").json()["data"]
    engine_server.faults.break_output_url = 404
    assert httpx.get(job["output"]["url"]).status_code == 404
    whole = rendered.get("/api/render/proxy/render_adk_1/download")
    assert whole.status_code == 200 and whole.content[4:8] == b"ftyp"
    part = rendered.get("/api/render/proxy/render_adk_1/download", headers={"Range": "bytes=0-7"})
    assert part.status_code == 206 and part.content == whole.content[:8]
    engine_server.faults.break_output_url = 0
    assert httpx.get(job["output"]["url"]).content == whole.content


def test_cancel_in_the_adk_dialect(api, engine_server):
    api.turn("generate a 1 second video of a sunset over the sea")
    engine_server.faults.slow_render_s = 5
    api.start_render(render_id="render_adk_cancel")
    poll(
        lambda: api.get("/api/render/proxy/lambda/render_adk_cancel").json()["data"]["status"],
        lambda status: status == "rendering",
        "the render starting",
    )
    body = api.post("/api/render/proxy/lambda/render_adk_cancel/cancel").json()
    assert body["code"] == 0 and body["data"]["status"] == "failed" and body["data"]["error"] == "cancelled"
    time.sleep(0.5)
    job = api.get("/api/render/proxy/lambda/render_adk_cancel").json()["data"]
    assert job["status"] == "failed" and job["error"] == "cancelled" and job["output"] is None
    assert api.get("/api/render/proxy/render_adk_cancel/download").status_code == 409
    # The engine is free again: the next export runs.
    engine_server.faults.reset()
    api.start_render(render_id="render_adk_after")
    assert api.wait_render("render_adk_after")["status"] == "completed"
    # Nothing of the cancelled job is left in the renders folder.
    outputs = list((engine_server.config.data_dir / "renders").rglob("*.mp4"))
    assert [p.name for p in outputs] == ["render_adk_after.mp4"]


def test_cancel_a_queued_render_and_only_your_own(api, engine_server):
    api.turn("generate a 1 second video of a sunset over the sea")
    engine_server.faults.slow_render_s = 2
    api.start_render(render_id="render_first")
    api.start_render(render_id="render_queued")
    other = Api(engine_server.base_url).sign_in()
    assert other.post("/api/render/proxy/lambda/render_queued/cancel").status_code == 404
    other.close()
    body = api.post("/api/render/proxy/lambda/render_queued/cancel").json()
    assert body["data"]["status"] == "failed" and body["data"]["error"] == "cancelled"
    assert api.wait_render("render_first")["status"] == "completed"
    assert api.get("/api/render/proxy/lambda/render_queued").json()["data"]["error"] == "cancelled"


# ---- claim links -------------------------------------------------------------------------------------


def test_claim_token_in_the_code_envelope_and_its_page(api, engine_server):
    body = api.post(
        "/api/auth/claim-token", json={"task_id": api.task_id, "session_id": api.session_id}
    ).json()
    assert body["code"] == 0 and body["data"]["claim_token"].startswith("clm_")
    assert body["data"]["expires_in"] == 604800
    page = httpx.get(f"{engine_server.base_url}/workspace/claim", params={"ct": body["data"]["claim_token"]})
    assert page.status_code == 200 and "project" in page.text and api.task_id in page.text
    assert api.token not in page.text
    missing = api.post("/api/auth/claim-token", json={"task_id": api.task_id}).json()
    assert missing["code"] == 4000
    assert (
        httpx.post(
            f"{engine_server.base_url}/api/auth/claim-token", json={"session_id": api.session_id}
        ).json()["code"]
        == 1001
    )


def test_claim_page_escapes_the_project_name(engine_server):
    api = Api(engine_server.base_url).sign_in()
    data = api.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "<script>x</script>"}).json()[
        "data"
    ]
    ct = api.post(
        "/api/auth/claim-token", json={"task_id": data["task_id"], "session_id": data["session_id"]}
    ).json()["data"]["claim_token"]
    page = httpx.get(f"{engine_server.base_url}/workspace/claim", params={"ct": ct}).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    api.close()
