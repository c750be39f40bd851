"""The fake cloud answers in the vendor's published shapes, verbatim (../shared/CLOUD_FACTS.md), over
real HTTP with plain httpx: token, session, SSE, upload, state, credits, render, cancel, download,
claim links, disconnect recovery, one turn per session, ask_question and post-production."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time

import httpx
import pytest

from tests.engine.engine_helpers import make_test_clip, poll
from tests.fakecloud import FakeCloud, fake_cloud  # noqa: F401 - the fixture
from tests.fakecloud.vendor_http import ATTRIBUTION, Vendor

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
TYPES = {"chunk", "text", "tool_call", "tool_result", "heartbeat", "error"}


@pytest.fixture
def user(fake_cloud):
    client = Vendor(fake_cloud.base_url).sign_in().new_session()
    yield client
    client.close()


def generated(user: Vendor, text: str = "generate a video of a red balloon"):
    stream = user.turn(text)
    assert stream.status == 200 and stream.complete, stream.raw
    return stream


# ---- token, session, credits --------------------------------------------------------------------


def test_anonymous_token_is_the_published_shape(fake_cloud):
    resp = httpx.post(
        f"{fake_cloud.base_url}/api/auth/anonymous-token",
        headers={**ATTRIBUTION, "X-Client-Id": "3f0c5a8e-8a44-4c55-9d0e-2a3f1f9b7c11"},
    )
    body = resp.json()
    assert resp.status_code == 200 and body["code"] == 0
    data = body["data"]
    assert set(data) == {"token", "user_id", "expires_at", "credits"}
    assert data["token"].startswith("nmv_usr_") and data["user_id"].startswith("anon_")
    assert ISO_Z.match(data["expires_at"]) and data["expires_at"] > time.strftime("%Y-%m-%dT%H:%M:%S")
    assert data["credits"] == 100 and isinstance(data["credits"], int)
    assert '"credits":100' in resp.text.replace(" ", "")


def test_session_id_is_a_19_digit_json_number_above_2_53(fake_cloud):
    user = Vendor(fake_cloud.base_url).sign_in()
    resp = user.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "Beach trip"})
    raw = resp.text.replace(" ", "")
    match = re.search(r'"session_id":(\d+)[,}]', raw)
    assert match, raw  # a bare number, not a string
    assert len(match.group(1)) == 19 and int(match.group(1)) > 2**53
    data = resp.json()["data"]
    assert set(data) == {"task_id", "session_id", "user_id"}
    assert data["task_id"].startswith("task_") and data["user_id"] == user.user_id
    # Python reads the number exactly (a float would have lost its last digits).
    assert isinstance(data["session_id"], int) and str(data["session_id"]) == match.group(1)
    # Every route takes the decimal string.
    user.session_id = match.group(1)
    state = user.state_body()
    assert state["code"] == 0 and str(state["data"]["session_id"]) == match.group(1)
    assert re.search(
        r'"session_id":\d{19}[,}]',
        user.get(f"/api/state/nemo_agent/me/{match.group(1)}/latest").text.replace(" ", ""),
    )
    user.close()


def test_credits_keep_the_code_envelope(user):
    body = user.get("/api/credits/balance/simple").json()
    assert body["code"] == 0 and body["data"] == {"available": 100, "frozen": 0, "total": 100}


# ---- the stream ---------------------------------------------------------------------------------


def test_generation_turn_is_type_tagged_with_no_done_event(user):
    stream = generated(user)
    assert stream.events and all(set(e) & {"type"} and e["type"] in TYPES for e in stream.events)
    assert not any(k in e for e in stream.events for k in ("invocationId", "actions", "partial", "author"))
    assert all(isinstance(e["content"], str) for e in stream.of_type("text"))
    # As the vendor's client reads it: the reply streams as `chunk` deltas, then the whole message
    # comes once as `text`.
    chunks = stream.of_type("chunk")
    assert len(chunks) > 1 and all(isinstance(e["text"], str) for e in chunks)
    assert "".join(e["text"] for e in chunks) == stream.text
    calls, results = stream.of_type("tool_call"), stream.of_type("tool_result")
    assert [c["name"] for c in calls] == ["generate_video_with_seedance"]
    assert calls[0]["args"] == {"prompt": "red balloon", "duration": 5}
    assert [r["name"] for r in results] == ["generate_video_with_seedance"]
    assert results[0]["result"]["status"] == "ok"
    assert "red balloon" in stream.text
    # No done/end event: the last event is ordinary content and the stream simply ends.
    assert stream.events[-1]["type"] in ("text", "tool_result")
    assert not any(e["type"] in ("done", "end", "complete") for e in stream.events)
    assert user.credits() == {"available": 95, "frozen": 0, "total": 95}


def test_music_and_edits_use_the_vendors_tool_names(user):
    generated(user)
    stream = generated(user, "add upbeat music, then add a title 'Summer'")
    names = [c["name"] for c in stream.of_type("tool_call")]
    assert names == ["generate_music", "edit_multitrack"]
    assert stream.of_type("tool_call")[1]["args"]["operation"] == "add_text"
    assert [r["name"] for r in stream.of_type("tool_result")] == names


def test_heartbeat_is_a_type_tagged_event_not_a_comment(user, fake_cloud):
    fake_cloud.config.heartbeat_s = 0.1
    fake_cloud.delay_results(0.6)
    stream = generated(user)
    assert {"type": "heartbeat"} in stream.events
    assert 'data: {"type":"heartbeat"}\n\n' in stream.raw and ": ping" not in stream.raw


def test_agent_error_is_a_type_tagged_error_event(user, fake_cloud):
    fake_cloud.faults.agent_error = "the model is overloaded"
    stream = user.turn("generate a video of a red balloon")
    assert stream.events[-1] == {"type": "error", "message": "the model is overloaded"}


def test_a_refused_turn_is_the_code_envelope_with_an_http_status(user, fake_cloud):
    fake_cloud.faults.no_credits = True
    stream = user.turn("generate a video of a red balloon")
    assert stream.status == 403
    (body,) = stream.events
    assert body["code"] == 2001 and set(body) == {"code", "message", "data"}


# ---- upload and state ---------------------------------------------------------------------------


def test_upload_answers_files_with_probed_facts(user, tmp_path):
    clip = tmp_path / "beach.mp4"
    make_test_clip(clip, seconds=1.0, size="64x48")
    with open(clip, "rb") as fh:
        body = user.post(
            f"/api/upload-video/nemo_agent/me/{user.session_id}",
            files={"files": ("beach.mp4", fh, "video/mp4")},
        ).json()
    assert body["code"] == 0 and body["data"]["session_state_applied"] is True
    (item,) = body["data"]["files"]
    assert set(item) == {"filename", "file_type", "cdn_url", "duration", "width", "height", "fps", "hash"}
    assert item["filename"] == "beach.mp4" and item["file_type"] == "video"
    assert isinstance(item["duration"], float) and abs(item["duration"] - 1.0) < 0.2
    assert (item["width"], item["height"], item["fps"]) == (64, 48, 10)
    assert item["hash"] == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert httpx.get(item["cdn_url"]).content == clip.read_bytes()  # no token needed
    (info,) = user.state()["video_infos"]
    assert info["cdn_url"] == item["cdn_url"] and info["filename"] == "beach.mp4"


def test_state_carries_video_infos_generated_media_canvas_and_user_id(user):
    generated(user, "generate a vertical video of a red balloon")
    body = user.state_body()
    data = body["data"]
    assert body["code"] == 0 and data["user_id"] == user.user_id and data["task_id"] == user.task_id
    assert data["task_name"] == "Beach trip"
    state = data["state"]
    assert {"draft", "video_infos", "generated_media", "canvas_config", "video_analyses"} <= set(state)
    assert state["canvas_config"] == {"width": 1080, "height": 1920, "aspect": "9:16"}
    (clip,) = state["generated_media"]
    assert clip["file_type"] == "video" and clip["duration"] == 5.0 and clip["prompt"] == "red balloon"
    assert state["video_infos"] == [clip]
    assert httpx.get(clip["url"]).headers["content-type"] == "video/mp4"
    (segment,) = state["draft"]["t"][0]["sg"]
    assert segment["d"] == 5000 and segment["m"]["source"] == clip["id"]


# ---- disconnect recovery ------------------------------------------------------------------------


def test_a_stream_cut_during_generation_lands_later_and_is_charged_once(user, fake_cloud):
    fake_cloud.set_post_production(None)
    fake_cloud.cut_stream_during_generation(land_after_s=1.5)
    stream = user.turn("generate a video of a red balloon")
    assert not stream.complete
    assert [e["name"] for e in stream.of_type("tool_call")] == ["generate_video_with_seedance"]
    assert not stream.of_type("tool_result")
    fake_cloud.heal()
    before = user.state()
    polls = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        polls.append(user.state())
        if polls[-1] != before:
            break
        time.sleep(0.5)
    assert polls[0] == before and polls[-1] != before and len(polls) >= 3, len(polls)
    assert len(polls[-1]["generated_media"]) == 1 and polls[-1]["draft"]["t"][0]["sg"][0]["d"] == 5000
    time.sleep(0.5)
    assert user.credits() == {"available": 95, "frozen": 0, "total": 95}


def test_two_turns_at_once_on_one_session_both_land_each_charged_once(user, fake_cloud):
    fake_cloud.set_post_production(None)
    fake_cloud.delay_results(0.5)
    streams = []
    threads = [
        threading.Thread(target=lambda t=t: streams.append(user.turn(t)))
        for t in ("generate a video of a red balloon", "generate a video of a blue boat")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(streams) == 2 and all(s.complete and not s.of_type("error") for s in streams)
    state = user.state()
    prompts = [s["m"]["prompt"] for s in state["draft"]["t"][0]["sg"]]
    assert sorted(prompts) == ["blue boat", "red balloon"]
    assert len(state["generated_media"]) == 2
    assert user.credits() == {"available": 90, "frozen": 0, "total": 90}


# ---- ask_question ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, prompt, answer, subject",
    [
        (
            "make a video",
            "What should the video show?",
            "1. What should the video show?: Ocean sunset\n2. How long?: 10 s",
            "ocean sunset",
        ),
        ("做个视频", "视频要展示什么？", "1. 视频要展示什么？: 海上日落\n2. 视频多长？: 10 秒", "海上日落"),
    ],
)
def test_ambiguous_request_asks_then_the_answer_generates(user, text, prompt, answer, subject):
    asked = user.turn(text)
    (call,) = asked.of_type("tool_call")
    assert call["name"] == "ask_question" and not asked.of_type("tool_result")
    questions = call["args"]["questions"]
    assert call["args"]["title"] and questions[0]["id"] == "subject" and questions[0]["prompt"] == prompt
    assert questions[0]["allow_multiple"] is False and len(questions[0]["options"]) == 3
    assert all(set(o) == {"id", "label"} for q in questions for o in q["options"])
    assert [o["id"] for o in questions[1]["options"]] == ["5", "10", "15"]
    assert asked.text == (
        "开始之前，有几个问题："
        if any("\u4e00" <= c <= "\u9fff" for c in text)
        else "A few questions before I start:"
    )
    assert user.credits()["available"] == 100 and user.state()["draft"] == {"t": []}
    done = generated(user, answer)
    (gen,) = done.of_type("tool_call")
    assert gen == {
        "type": "tool_call",
        "name": "generate_video_with_seedance",
        "args": {"prompt": subject, "duration": 10},
    }
    assert user.state()["draft"]["t"][0]["sg"][0]["d"] == 10000
    assert user.credits()["available"] == 90


# ---- post-production ---------------------------------------------------------------------------------


def test_post_production_adds_music_and_a_title_after_the_reply(user, fake_cloud):
    fake_cloud.set_post_production(0.8)
    generated(user)
    right_after = user.state()["draft"]
    assert [t["tt"] for t in right_after["t"]] == [0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(user.state()["draft"]["t"]) < 3:
        time.sleep(0.2)
    draft = user.state()["draft"]
    assert sorted(t["tt"] for t in draft["t"]) == [0, 1, 7]
    title = next(t for t in draft["t"] if t["tt"] == 7)["sg"][0]["m"]
    assert title["text"] == "Red Balloon" and title["role"] == "title"
    assert len(user.state()["generated_media"]) == 2  # the clip and the music
    assert user.credits()["available"] == 95  # post-production is free


# ---- render, cancel, download --------------------------------------------------------------------


def test_render_start_status_and_cdn_output(user, fake_cloud):
    fake_cloud.set_post_production(None)
    generated(user, "generate a 1 second video of a red balloon")
    resp = user.start_render("render_1732540000000")
    assert resp.json() == {
        "success": True,
        "data": {"id": "render_1732540000000", "status": "pending", "progress": 5},
    }
    data = user.wait_render("render_1732540000000")
    assert set(data) == {"id", "status", "progress", "outputUrl", "createdAt", "completedAt", "error"}
    assert data["status"] == "completed" and data["progress"] == 100 and data["error"] is None
    assert ISO_Z.match(data["createdAt"]) and ISO_Z.match(data["completedAt"])
    video = httpx.get(data["outputUrl"])  # the CDN-style URL, fetched without the token
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    body = user.render_status("render_1732540000000").json()
    assert body["success"] is True and set(body) == {"success", "data"}


def test_broken_output_url_and_the_download_fallback(user, fake_cloud):
    fake_cloud.set_post_production(None)
    generated(user, "generate a 1 second video of a red balloon")
    user.start_render("render_fallback")
    data = user.wait_render("render_fallback")
    fake_cloud.faults.break_output_url = 500
    assert httpx.get(data["outputUrl"]).status_code == 500
    fake_cloud.faults.break_output_url = 404
    assert httpx.get(data["outputUrl"]).status_code == 404
    whole = user.get("/api/render/proxy/render_fallback/download")
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    assert whole.content[4:8] == b"ftyp"
    part = user.get("/api/render/proxy/render_fallback/download", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == whole.content[10:20]
    # Without a token, or as another account: refused.
    assert httpx.get(f"{fake_cloud.base_url}/api/render/proxy/render_fallback/download").status_code == 401
    other = Vendor(fake_cloud.base_url).sign_in()
    refused = other.get("/api/render/proxy/render_fallback/download")
    assert refused.status_code == 404 and refused.json()["success"] is False
    other.close()


def test_cancel_stops_a_running_render(user, fake_cloud):
    fake_cloud.set_post_production(None)
    generated(user, "generate a 1 second video of a red balloon")
    fake_cloud.faults.slow_render_s = 5
    user.start_render("render_cancel_me")
    poll(
        lambda: user.render_status("render_cancel_me").json()["data"]["status"],
        lambda status: status == "processing",
        "the render starting",
    )
    other = Vendor(fake_cloud.base_url).sign_in()
    assert other.post("/api/render/proxy/lambda/render_cancel_me/cancel").status_code == 404
    other.close()
    resp = user.post("/api/render/proxy/lambda/render_cancel_me/cancel")
    assert resp.status_code == 200 and resp.json()["success"] is True
    data = resp.json()["data"]
    assert data["status"] == "failed" and data["error"] == "cancelled" and data["outputUrl"] is None
    time.sleep(1.0)
    assert user.render_status("render_cancel_me").json()["data"]["status"] == "failed"
    refused = user.get("/api/render/proxy/render_cancel_me/download")
    assert refused.status_code == 409 and refused.json() == {
        "success": False,
        "error": refused.json()["error"],
    }


def test_render_errors_use_the_success_false_shape(user):
    resp = user.render_status("render_nope")
    assert (
        resp.status_code == 404 and resp.json()["success"] is False and "render_nope" in resp.json()["error"]
    )


# ---- claim links -----------------------------------------------------------------------------------


def test_claim_token_and_the_workspace_page(user, fake_cloud):
    resp = user.post(
        "/api/auth/claim-token", json={"task_id": user.task_id, "session_id": int(user.session_id)}
    )
    body = resp.json()
    assert body["code"] == 0 and set(body["data"]) == {"claim_token", "expires_in"}
    assert body["data"]["claim_token"].startswith("clm_") and body["data"]["expires_in"] == 604800
    assert user.token not in resp.text
    page = httpx.get(f"{fake_cloud.web_url}/workspace/claim", params={"ct": body["data"]["claim_token"]})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Beach trip" in page.text and user.task_id in page.text
    assert httpx.get(f"{fake_cloud.web_url}/workspace/claim", params={"ct": "clm_forged"}).status_code == 404
    other = Vendor(fake_cloud.base_url).sign_in()
    refused = other.post(
        "/api/auth/claim-token", json={"task_id": user.task_id, "session_id": user.session_id}
    )
    assert refused.json()["code"] == 1002
    other.close()


def test_everything_is_json_the_vendor_can_read(user):
    """No answer carries ADK-only keys (`detail`, `media`, ms durations) in the vendor dialect."""
    for path in ("/api/credits/balance/simple", f"/api/state/nemo_agent/me/{user.session_id}/latest"):
        text = user.get(path).text
        assert "duration_ms" not in text and '"media"' not in text
        json.loads(text)


def test_no_credits_binds_the_anonymous_user_id(user, fake_cloud):
    fake_cloud.faults.no_credits = True
    (body,) = user.turn("generate a video of a red balloon").events
    assert body["data"]["bind_id"] == user.user_id
    assert body["data"]["register_url"].endswith(f"/register?bind={user.user_id}")


def test_ids_sent_as_json_numbers_are_accepted(user, fake_cloud):
    fake_cloud.set_post_production(None)
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": int(user.session_id),
        "new_message": {"parts": [{"text": "generate a 1 second video of a red balloon"}]},
    }
    text = user.post("/run_sse", json=body).text
    assert '"generate_video_with_seedance"' in text
    render = {
        "id": "render_numeric",
        "sessionId": int(user.session_id),
        "draft": user.state()["draft"],
        "output": {"format": "mp4", "quality": "high"},
    }
    assert user.post("/api/render/proxy/lambda", json=render).json()["success"] is True
    assert user.wait_render("render_numeric")["status"] == "completed"


def test_a_drop_after_n_events_does_not_stop_the_generation(user, fake_cloud):
    fake_cloud.set_post_production(None)
    fake_cloud.faults.drop_stream_after_events = 1
    fake_cloud.delay_results(0.5)
    stream = user.turn("generate a video of a red balloon")
    assert not stream.complete and len(stream.events) == 1
    fake_cloud.heal()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not user.state()["generated_media"]:
        time.sleep(0.3)
    assert len(user.state()["generated_media"]) == 1
    assert user.credits() == {"available": 95, "frozen": 0, "total": 95}


def test_export_without_attribution_is_402_in_the_success_false_shape(user, fake_cloud):
    fake_cloud.set_post_production(None)
    generated(user, "generate a 1 second video of a red balloon")
    body = {
        "id": "render_no_headers",
        "sessionId": user.session_id,
        "draft": user.state()["draft"],
        "output": {"format": "mp4", "quality": "high"},
    }
    resp = httpx.post(f"{fake_cloud.base_url}/api/render/proxy/lambda", json=body, headers=user.auth)
    assert resp.status_code == 402
    assert (
        resp.json() == {"success": False, "error": resp.json()["error"]}
        and "attribution" in resp.json()["error"]
    )
