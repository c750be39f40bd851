"""Exports: render jobs, their statuses and progress, the 402 rules, and Range downloads."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import av
import pytest
from engine_helpers import Api

CURL_WALK = Path(__file__).with_name("curl_walk.sh")


@pytest.fixture
def api(engine_server):
    client = Api(engine_server.base_url).sign_in().new_session()
    yield client
    client.close()


@pytest.fixture
def edited(api):
    api.turn("generate a 2 second video of a sunset over the sea")
    api.turn("add a title 'Golden hour' for the first 1 seconds in yellow at the top")
    return api


def test_render_runs_to_completed_and_downloads_with_range(edited, engine_server):
    credits_before = edited.credits()
    resp = edited.start_render(render_id="render_1")
    job = resp.json()["data"]
    assert resp.json()["code"] == 0 and job["id"] == "render_1" and job["status"] == "queued"
    assert job["output"] is None
    done = edited.wait_render("render_1")
    assert done["status"] == "completed" and done["progress"] == 1 and done["done"] is True
    progress = [j["progress"] for j in done["seen"]]
    assert progress == sorted(progress) and all(0 <= p <= 1 for p in progress)
    assert {j["status"] for j in done["seen"]} <= {"queued", "rendering", "completed"}
    assert edited.credits() == credits_before  # export is free

    url = done["output"]["url"]
    assert url.startswith(engine_server.base_url + "/files/renders/")
    whole = edited.http.get(url)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    part = edited.http.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    assert part.content == whole.content[100:200]
    tail = edited.http.get(url, headers={"Range": f"bytes={len(whole.content) - 10}-"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]

    with av.open(io.BytesIO(whole.content)) as container:
        video = container.streams.video[0]
        assert (video.width, video.height) == (256, 144)
        assert abs(float(container.duration) / 1e6 - 2.0) < 0.3


def test_vertical_draft_renders_vertical(api):
    api.turn("make it vertical")
    api.turn("generate a 1 second video of rain")
    api.start_render(render_id="render_v")
    done = api.wait_render("render_v")
    assert (done["width"], done["height"]) == (80, 144)


def test_export_without_attribution_headers_answers_402(edited):
    edited.http.headers.pop("X-Skill-Platform")
    resp = edited.start_render()
    assert resp.status_code == 402 and resp.json()["code"] == 402
    assert "Register or upgrade your plan to unlock export." in resp.json()["message"]
    assert "X-Skill-Platform" in resp.json()["message"]


def test_block_export_fault_answers_402(edited, engine_server):
    engine_server.faults.block_export = True
    resp = edited.start_render()
    assert resp.status_code == 402 and resp.json()["code"] == 402


def test_fail_render_ends_failed_with_the_reason(edited, engine_server):
    engine_server.faults.fail_render = "GPU node lost"
    edited.start_render(render_id="render_f")
    done = edited.wait_render("render_f")
    assert done["status"] == "failed" and done["error"] == "GPU node lost"
    assert done["fatalErrorEncountered"] is True and done["errors"] == ["GPU node lost"]
    assert done["output"] is None


def test_no_output_url_until_the_file_is_complete(edited, engine_server):
    engine_server.faults.slow_render_s = 0.6
    edited.start_render(render_id="render_s")
    done = edited.wait_render("render_s")
    rendering = [j for j in done["seen"] if j["status"] == "rendering"]
    assert rendering and all(j["output"] is None for j in rendering)
    assert any(0 < j["progress"] < 1 for j in rendering)
    folder = Path(engine_server.config.data_dir, done["output"]["url"].split("/files/", 1)[1]).parent
    assert [p.name for p in folder.iterdir()] == ["render_s.mp4"]  # the temporary file was renamed


def test_bad_render_requests(edited):
    assert edited.start_render(draft={"t": []}).json()["code"] == 4000
    edited.session_id = "nope"
    assert edited.start_render(draft={"t": [{"tt": 0, "sg": [{"d": 1000, "m": {}}]}]}).json()["code"] == 1002
    missing = edited.get("/api/render/proxy/lambda/render_unknown")
    assert missing.status_code == 404 and "render_unknown" in missing.json()["message"]


def test_another_account_cannot_see_a_render(edited, engine_server):
    edited.start_render(render_id="render_private")
    edited.wait_render("render_private")
    other = Api(engine_server.base_url).sign_in()
    assert other.get("/api/render/proxy/lambda/render_private").status_code == 404


def test_unfinished_render_resumes_after_a_restart(edited, engine_server):
    engine_server.faults.fail_render = "stopped before it could run"
    engine_server.faults.slow_render_s = 1.0
    edited.start_render(render_id="render_r")
    engine_server.stop()
    engine_server.faults.reset()
    engine_server.start()
    assert edited.wait_render("render_r")["status"] == "completed"


def test_curl_walk_of_the_whole_flow(engine_server, tmp_path):
    out = tmp_path / "walk.mp4"
    env = {**os.environ, "BASE": engine_server.base_url, "OUT": str(out), "POLL_S": "0.2"}
    result = subprocess.run(["bash", str(CURL_WALK)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "render render_" in result.stdout and ": completed" in result.stdout
    assert "nemo_local_" not in result.stdout + result.stderr  # the token is never printed
    with av.open(str(out)) as container:
        assert container.streams.video[0].height == 144


def test_a_render_id_cannot_climb_out_of_the_data_dir(edited, engine_server):
    data_dir = engine_server.config.data_dir
    resp = edited.start_render(render_id="../../../escaped")
    assert resp.status_code == 400 and "render id" in resp.json()["message"]
    assert not list(data_dir.parent.rglob("*escaped*"))


def test_a_failed_render_leaves_nothing_in_the_renders_folder(api, engine_server):
    # Not a media id (an unknown `media_…` id is refused before queueing: 4004), so the job itself fails.
    draft = {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "ghost", "source": "ghost-clip"}}]}]}
    api.start_render(draft=draft, render_id="render_ghost")
    done = api.wait_render("render_ghost")
    assert done["status"] == "failed" and "ghost" in done["error"]
    renders = engine_server.config.data_dir / "renders"
    assert not renders.exists() or list(renders.iterdir()) == []
