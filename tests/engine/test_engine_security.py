"""The engine on a shared machine, tried as an attacker would (issue 9), over real loopback HTTP.

Another local account can reach the port, a web page can reach it through the browser (DNS rebinding,
cross-site "simple requests"), and anyone can send it absurd bodies: none of them reads the person's
files, switches faults, uses another account's media, or gets a 500.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from engine_helpers import Api, make_test_clip, owner, upload_file

from nemo_tui.engine.config import EngineConfig
from nemo_tui.engine.links import Links
from nemo_tui.engine.owner import read_secret, secret_path
from nemo_tui.engine.runner import EngineServer
from tests.conftest import small_engine_config


@pytest.fixture
def api(engine_server):
    client = Api(engine_server.base_url).sign_in().new_session()
    yield client
    client.close()


def upload_url(api: Api) -> str:
    return f"/api/upload-video/nemo_agent/me/{api.session_id}"


def raw_request(
    server: EngineServer, head: str, body: bytes = b"", *, timeout: float = 20
) -> tuple[int, bytes]:
    """One HTTP/1.1 request over a plain socket (headers exactly as given); (status, raw reply)."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        reply = b""
        while b"\r\n\r\n" not in reply or (b"}" not in reply and b"0\r\n\r\n" not in reply):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1]), reply


# ---- 1. another local account cannot read the person's files --------------------------------------


def test_a_file_url_upload_without_the_owner_secret_copies_nothing(api, engine_server, tmp_path):
    private = tmp_path / "home" / "Videos" / "private.mp4"
    private.parent.mkdir(parents=True)
    make_test_clip(private, seconds=1.0)
    body = api.post(upload_url(api), json={"urls": [private.as_uri()], "source_type": "url"}).json()
    assert body["code"] == 4001 and "upload the file itself" in body["message"]
    uploads = engine_server.config.data_dir / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert api.state()["video_infos"] == []
    # A wrong secret is no better than none.
    wrong = api.post(
        upload_url(api),
        json={"urls": [private.as_uri()], "source_type": "url"},
        headers={"X-Nemo-Engine-Secret": "guess"},
    ).json()
    assert wrong["code"] == 4001
    # The person who started the engine (who has the secret) still can.
    mine = api.post(
        upload_url(api), json={"urls": [private.as_uri()], "source_type": "url"}, headers=owner(engine_server)
    ).json()
    assert mine["code"] == 0 and mine["data"]["media"][0]["size"] == private.stat().st_size


def test_a_loopback_url_is_only_fetched_for_the_owner(api, engine_server, tmp_path):
    clip = tmp_path / "first.mp4"
    make_test_clip(clip, seconds=1.0)
    served = upload_file(api, clip).json()["data"]["media"][0]["url"]
    body = api.post(upload_url(api), json={"urls": [served], "source_type": "url"}).json()
    assert body["code"] == 0 and body["data"]["media"][0]["remote"] is True  # recorded, not fetched


def test_the_owner_secret_file_is_private_and_gone_after_stop(tmp_path):
    server = EngineServer(tmp_path / "engine", config=small_engine_config(tmp_path / "engine")).start()
    try:
        path = secret_path(server.port)
        assert path.is_file() and read_secret(server.port) == server.owner_secret
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert len(server.owner_secret) >= 32
    finally:
        server.stop()
    assert not path.exists()


# ---- 2. DNS rebinding ----------------------------------------------------------------------------


def test_a_foreign_host_name_is_refused(api, engine_server):
    for host in (f"attacker.example:{engine_server.port}", "attacker.example", "127.0.0.1.evil.example"):
        resp = api.http.get("/api/credits/balance/simple", headers={**api.auth, "Host": host})
        assert resp.status_code == 421 and "address it was started on" in resp.json()["message"], host
    for host in (f"127.0.0.1:{engine_server.port}", f"localhost:{engine_server.port}", "localhost"):
        assert (
            api.http.get("/api/credits/balance/simple", headers={**api.auth, "Host": host}).status_code == 200
        )


def test_a_foreign_origin_is_refused(api, engine_server):
    for origin in ("http://evil.example", "null", f"http://attacker.example:{engine_server.port}"):
        resp = api.http.get("/api/credits/balance/simple", headers={**api.auth, "Origin": origin})
        assert resp.status_code == 403 and "Cross-site" in resp.json()["message"], origin
    same = {"Origin": f"http://127.0.0.1:{engine_server.port}"}
    assert api.http.get("/api/credits/balance/simple", headers={**api.auth, **same}).status_code == 200


def test_urls_handed_out_are_built_from_the_engine_address_not_the_host_header(api, engine_server, tmp_path):
    clip = tmp_path / "a.mp4"
    make_test_clip(clip, seconds=1.0)
    upload_file(api, clip)
    state = api.http.get(
        f"/api/state/nemo_agent/me/{api.session_id}/latest",
        headers={**api.auth, "Host": f"localhost:{engine_server.port}"},
    ).json()
    url = state["data"]["state"]["video_infos"][0]["url"]
    assert url.startswith(f"{engine_server.base_url}/files/media/")


# ---- 3. cross-site fault switching ---------------------------------------------------------------


def test_a_browser_simple_request_cannot_switch_faults(engine_server):
    url = f"{engine_server.base_url}/_engine/faults"
    simple = {"Content-Type": "text/plain", "Origin": "http://evil.example"}
    resp = httpx.post(url, content=json.dumps({"fail_render": "pwned"}), headers=simple)
    assert resp.status_code == 403
    # Without the Origin (a page can't remove it, but say it could): the content type is refused.
    resp = httpx.post(
        url,
        content=json.dumps({"fail_render": "pwned"}),
        headers={"Content-Type": "text/plain", **owner(engine_server)},
    )
    assert resp.status_code == 415
    # JSON without the owner secret: refused too.
    resp = httpx.post(url, json={"fail_render": "pwned"})
    assert resp.status_code == 403 and "X-Nemo-Engine-Secret" in resp.json()["message"]
    assert engine_server.owner_secret not in resp.text
    assert engine_server.faults.fail_render is None
    assert httpx.post(url, json={"fail_render": "test"}, headers=owner(engine_server)).status_code == 200
    assert engine_server.faults.fail_render == "test"


def test_fault_switching_is_off_unless_started_for_tests(tmp_path):
    config = small_engine_config(tmp_path / "engine")
    config.test_faults = False
    with EngineServer(tmp_path / "engine", config=config) as server:
        resp = httpx.post(
            f"{server.base_url}/_engine/faults", json={"no_credits": True}, headers=owner(server)
        )
        assert resp.status_code == 403 and "--test-faults" in resp.json()["message"]
        assert server.faults.no_credits is False


def test_the_test_faults_switch_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("NEMO_ENGINE_TEST_FAULTS", raising=False)
    assert EngineConfig(data_dir=tmp_path).test_faults is False
    monkeypatch.setenv("NEMO_ENGINE_TEST_FAULTS", "1")
    assert EngineConfig(data_dir=tmp_path).test_faults is True


def test_json_endpoints_refuse_other_content_types(api):
    body = json.dumps({"task_name": "project", "language": "en"})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        resp = api.post(
            "/api/tasks/me/with-session/nemo_agent", content=body, headers={"Content-Type": ctype}
        )
        assert resp.status_code == 415 and "application/json" in resp.json()["message"], ctype
    ok = api.post(
        "/api/tasks/me/with-session/nemo_agent",
        content=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.json()["code"] == 0


# ---- 5. another account's media in my export -----------------------------------------------------


def test_a_render_cannot_use_another_accounts_media(api, engine_server, tmp_path):
    clip = tmp_path / "alice-private.mp4"
    make_test_clip(clip, seconds=1.0)
    alice_media = upload_file(api, clip).json()["data"]["media"][0]
    mallory = Api(engine_server.base_url).sign_in().new_session()
    try:
        for source in (alice_media["id"], alice_media["url"].split("?")[0]):
            draft = {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "stolen", "source": source}}]}]}
            resp = mallory.start_render(draft=draft)
            assert resp.json()["code"] == 4004 and "your own sessions" in resp.json()["message"], source
        assert not (engine_server.config.data_dir / "renders").exists()  # nothing was queued
        # Alice herself renders it fine.
        mine = {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "mine", "source": alice_media["id"]}}]}]}
        assert api.start_render(draft=mine).json()["code"] == 0
    finally:
        mallory.close()


def test_download_links_are_signed_and_expire(api, engine_server, tmp_path):
    clip = tmp_path / "a.mp4"
    make_test_clip(clip, seconds=1.0)
    url = upload_file(api, clip).json()["data"]["media"][0]["url"]
    assert "exp=" in url and "sig=" in url
    assert httpx.get(url).content == clip.read_bytes()  # the link works without a token
    bare = url.split("?")[0]
    assert httpx.get(bare).status_code == 404
    forged = url.replace("exp=", "exp=9")  # a later expiry with the old signature
    assert httpx.get(forged).status_code == 404
    # The same link, a day and more later, has expired.
    links = Links.for_data_dir(engine_server.config.data_dir)
    query = dict(p.split("=") for p in url.split("?")[1].split("&"))
    media_id = url.split("/files/media/")[1].split("/")[0]
    assert links.valid(media_id, query["exp"], query["sig"])
    assert not links.valid(media_id, query["exp"], query["sig"], now=time.time() + 26 * 3600)
    # Render outputs too.
    draft = {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "a", "source": media_id}}]}]}
    job_id = api.start_render(draft=draft).json()["data"]["id"]
    done = api.wait_render(job_id)
    out = done["output"]["url"]
    assert "sig=" in out and httpx.get(out).status_code == 200
    assert httpx.get(out.split("?")[0]).status_code == 404


# ---- 6. unbounded bodies -------------------------------------------------------------------------


def test_a_huge_json_body_is_refused_before_it_is_read(api, engine_server):
    head = (
        f"POST /api/tasks/me/with-session/nemo_agent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {api.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {150 * 1024 * 1024}"
    )
    status, reply = raw_request(engine_server, head, b'{"task_name": "')
    assert status == 413 and b"larger than 4 MB" in reply


def test_a_huge_chunked_json_body_is_cut_off_at_the_cap(api, engine_server):
    chunk = b"x" * (1024 * 1024)
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6)) + b"0\r\n\r\n"
    head = (
        f"POST /run_sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {api.token}\r\n"
        f"Content-Type: application/json\r\nTransfer-Encoding: chunked"
    )
    try:
        status, _ = raw_request(engine_server, head, body)
    except ConnectionResetError:  # the engine may close before reading the rest: equally refused
        status = 413
    assert status == 413
    assert api.turn("hello").status == 200  # and it still serves


# ---- 7. drafts that hold the render worker -------------------------------------------------------


def test_a_draft_of_hundreds_of_tiny_segments_is_refused(api, engine_server):
    draft = {"t": [{"tt": 0, "sg": [{"d": 40, "m": {"name": f"p{i}", "source": "x"}} for i in range(400)]}]}
    resp = api.start_render(draft=draft)
    assert resp.status_code == 400
    assert "400 segments" in resp.json()["message"] and "at most 300" in resp.json()["message"]


def test_a_clip_used_in_many_segments_is_probed_once(tmp_path, monkeypatch):
    from nemo_tui.engine.media import render
    from nemo_tui.protocol import Draft

    clip = tmp_path / "a.mp4"
    make_test_clip(clip, seconds=1.0)
    calls: list[Path] = []
    real = render.probe
    monkeypatch.setattr(render, "probe", lambda path: calls.append(path) or real(path))
    render._probe_cached.cache_clear()
    draft = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 100, "m": {"source": "a"}} for _ in range(30)]}]})
    render.render_draft(draft, {"a": clip}.get, tmp_path / "out.mp4", width=64, height=48, fps=10)
    assert (tmp_path / "out.mp4").is_file() and calls == [clip]


# ---- 8. non-finite numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e999", "1" + "0" * 400])
@pytest.mark.parametrize("field", ["start", "width", "font_size", "volume"])
def test_non_finite_numbers_in_a_draft_answer_400_naming_the_field(api, field, number):
    raw = (
        '{"id": "render_nf_%d", "sessionId": "%s", "output": {"format": "mp4"}, "draft": '
        '{"t": [{"tt": 7, "sg": [{"d": 1000, "m": {"text": "hi", "%s": %s}}]}]}}'
        % (time.time_ns(), api.session_id, field, number)
    )
    resp = api.post("/api/render/proxy/lambda", content=raw, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text
    assert f"draft.t.0.sg.0.m.{field}" in resp.json()["message"]


@pytest.mark.parametrize(
    "values",
    [
        {"slow_response_s": "NaN"},
        {"slow_response_s": "1e400"},
        {"expire_tokens_once": "Infinity"},
        {"expire_tokens_once": "1e300"},
        {"cut_download_at_fraction": "2.5"},
        {"slow_render_s": "-1"},
        {"rate_limit_once": "1.5"},
        {"block_export": '"yes"'},
    ],
)
def test_absurd_fault_values_answer_400_and_the_faults_still_read(engine_server, values):
    url = f"{engine_server.base_url}/_engine/faults"
    ((name, raw),) = values.items()
    resp = httpx.post(
        url,
        content=f'{{"{name}": {raw}}}',
        headers={"Content-Type": "application/json", **owner(engine_server)},
    )
    assert resp.status_code == 400 and name in resp.json()["message"], resp.text
    after = httpx.get(url, headers=owner(engine_server))
    assert (
        after.status_code == 200 and after.json()["data"] == EngineConfig(data_dir=Path(".")).faults.as_dict()
    )


def test_large_but_finite_numbers_never_fail_a_job_with_an_overflow(api, tmp_path):
    clip = tmp_path / "a.mp4"
    make_test_clip(clip, seconds=1.0)
    media_id = upload_file(api, clip).json()["data"]["media"][0]["id"]
    for meta in (
        {"start": 1e300},
        {"width": 1e300},
        {"font_size": 1e300, "text": "big"},
        {"volume": 1e300},
        {"start": -1e300},
    ):
        draft = {
            "t": [
                {"tt": 0, "sg": [{"d": 1000, "m": {"name": "a", "source": media_id}}]},
                {"tt": 7, "sg": [{"d": 1000, "m": {"text": "t", **meta}}]},
            ]
        }
        resp = api.start_render(draft=draft)
        assert resp.status_code in (200, 400), resp.text
        if resp.json()["code"] == 0:
            job = api.wait_render(resp.json()["data"]["id"])
            assert "Overflow" not in (job["error"] or ""), meta


# ---- 9. kill -9 leaves no garbage ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.slow
def test_kill_9_mid_render_and_mid_upload_leaves_nothing_after_the_restart(tmp_path):
    data = tmp_path / "engine"
    port = free_port()
    env = {**os.environ, "NEMO_ENGINE_TEST_FAULTS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "serve", "--port", str(port), "--data-dir", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base), 30, "the engine to start")
        # `nemo-tui serve` wrote its owner secret where the person's tools find it; faults are on
        # (NEMO_ENGINE_TEST_FAULTS) and answer that secret only.
        secret = read_secret(port)
        assert secret and stat.S_IMODE(secret_path(port).stat().st_mode) == 0o600
        assert (
            httpx.get(f"{base}/_engine/faults", headers={"X-Nemo-Engine-Secret": secret}).status_code == 200
        )
        assert httpx.get(f"{base}/_engine/faults").status_code == 403
        api = Api(base).sign_in().new_session()
        clip = tmp_path / "clip.mp4"
        make_test_clip(clip, seconds=2.0, size="320x240")
        media_id = upload_file(api, clip).json()["data"]["media"][0]["id"]
        kept = files_under(data / "uploads")
        # A long full-size render: killed while its .part is being written.
        draft = {"t": [{"tt": 0, "sg": [{"d": 30000, "m": {"name": "long", "source": media_id}}]}]}
        job_id = api.start_render(draft=draft).json()["data"]["id"]
        wait_for(lambda: any(p.name.endswith(".part") for p in files_under(data / "renders")), 60, "a .part")
        # An upload cut off half-way: the engine has written part of it.
        half = clip.read_bytes()[: clip.stat().st_size // 2]
        head = (
            f"POST /api/upload-video/nemo_agent/me/{api.session_id} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {api.token}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {clip.stat().st_size * 2}\r\n\r\n"
        )
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(
            head.encode() + b'--b\r\nContent-Disposition: form-data; name="files"; '
            b'filename="cut.mp4"\r\nContent-Type: video/mp4\r\n\r\n' + half
        )
        wait_for(lambda: len(files_under(data / "uploads")) > len(kept), 20, "the partial upload on disk")
        proc.kill()  # kill -9
        proc.wait(10)
        sock.close()
        api.close()
        killed_parts = [p for p in files_under(data / "renders") if p.name.endswith(".part")]
        assert killed_parts
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    leftover = [p for p in files_under(data / "uploads") if p not in kept]
    assert leftover, "the killed upload left a partial file (what the sweep must remove)"
    with EngineServer(data, config=small_engine_config(data)):
        assert files_under(data / "uploads") == kept  # the partial upload is gone, the real one stays
        assert not [
            p for p in killed_parts if p.exists() or p.parent.exists()
        ]  # the resumed job starts afresh
        wait_for(lambda: _render_done(data, job_id), 120, "the resumed render")
    outputs = files_under(data / "renders")
    assert len(outputs) == 1 and outputs[0].name == f"{job_id}.mp4"  # no other folder or partial left


def _answers(base: str) -> bool:
    try:
        return httpx.get(base, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _render_done(data: Path, job_id: str) -> bool:
    import sqlite3

    with sqlite3.connect(data / "engine.sqlite3") as db:
        row = db.execute("SELECT status FROM renders WHERE render_id=?", (job_id,)).fetchone()
    return row is not None and row[0] in ("completed", "failed")


async def test_the_app_sends_the_owner_secret_to_its_own_engine_only(engine_server, tmp_path):
    """backend.py gives the app's client a transport that proves ownership to the engine it started,
    and to no other address (here: the same engine named `localhost`, a different origin)."""
    from nemo_tui.backend import owner_transport
    from nemo_tui.client.nemo import NemoClient
    from nemo_tui.protocol import UnsupportedFile

    clip = tmp_path / "mine.mp4"
    make_test_clip(clip, seconds=1.0)
    async with NemoClient(
        engine_server.base_url,
        token="",
        credentials=None,
        transport=owner_transport(engine_server.base_url, engine_server.owner_secret),
    ) as app:
        result = await app.upload_urls([clip.as_uri()])
        assert result.media[0].size == clip.stat().st_size
    other = f"http://localhost:{engine_server.port}"
    async with NemoClient(
        other,
        token="",
        credentials=None,
        transport=owner_transport(engine_server.base_url, engine_server.owner_secret),
    ) as elsewhere:
        with pytest.raises(UnsupportedFile):
            await elsewhere.upload_urls([clip.as_uri()])


async def test_the_local_backend_the_app_connects_to_is_its_owner(tmp_path):
    """`nemo-tui --local` (backend.connect): the app's client proves ownership to its embedded engine,
    so a file:// upload works for the person, and for nobody without the secret."""
    import asyncio

    from nemo_tui.backend import connect
    from nemo_tui.core.settings import Settings

    clip = tmp_path / "mine.mp4"
    make_test_clip(clip, seconds=1.0)
    settings = Settings(
        backend="local",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
        export_dir=tmp_path / "exports",
    )
    backend = await asyncio.to_thread(connect, settings, lang="en")
    try:
        assert backend.engine is not None and backend.engine.owner_secret
        result = await backend.client.upload_urls([clip.as_uri()])
        assert result.media[0].size == clip.stat().st_size
        stranger = Api(backend.engine.base_url).sign_in().new_session()
        refused = stranger.post(
            upload_url(stranger), json={"urls": [clip.as_uri()], "source_type": "url"}
        ).json()
        stranger.close()
        assert refused["code"] == 4001
    finally:
        await backend.aclose()
        await asyncio.to_thread(backend.close)
