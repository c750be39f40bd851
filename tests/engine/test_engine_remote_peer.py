"""What a client that is NOT on this machine may do, when the engine is served with --allow-remote.

The real server on 127.0.0.1 can only ever see loopback peers, so these tests drive the same app
in-process through httpx's ASGI transport, which lets them name the peer address.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from engine_helpers import ATTRIBUTION

from nemo_tui.engine.server import create_app
from tests.conftest import small_engine_config

REMOTE_PEER = ("203.0.113.9", 40000)


@pytest.fixture
async def remote(tmp_path):
    config = small_engine_config(tmp_path / "engine")
    config.host = "0.0.0.0"  # served with --allow-remote on every interface: any Host name reaches it
    app = create_app(config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=REMOTE_PEER)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://engine.example", headers=ATTRIBUTION
        ) as http:
            yield http


async def signed_in(http: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    token = (await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})).json()
    auth = {"Authorization": f"Bearer {token['data']['token']}"}
    session = (await http.post("/api/tasks/me/with-session/nemo_agent", headers=auth, json={})).json()
    return auth, session["data"]["session_id"]


async def test_admin_routes_refuse_a_remote_peer_even_if_it_claims_loopback(remote):
    for claim in ({}, {"X-Forwarded-For": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1"}):
        resp = await remote.post("/_engine/faults", json={"no_credits": True}, headers=claim)
        assert resp.status_code == 403 and "loopback" in resp.json()["message"]
    auth, _ = await signed_in(remote)
    assert (await remote.post("/_engine/credits", json={"credits": 5}, headers=auth)).status_code == 403


async def test_a_remote_peer_cannot_read_local_files_or_loopback_services(remote, tmp_path):
    secret = tmp_path / "holiday.jpg"
    secret.write_bytes(b"\xff\xd8private")
    auth, session_id = await signed_in(remote)
    url = f"/api/upload-video/nemo_agent/me/{session_id}"
    refused = (
        await remote.post(url, headers=auth, json={"urls": [secret.as_uri()], "source_type": "url"})
    ).json()
    assert refused["code"] == 4001 and "upload the file itself" in refused["message"]
    # A loopback URL is only recorded for a remote peer, never fetched from this machine.
    body = (
        await remote.post(
            url, headers=auth, json={"urls": ["http://127.0.0.1:9/admin/dump.mp4"], "source_type": "url"}
        )
    ).json()
    assert body["code"] == 0 and body["data"]["media"][0]["remote"] is True
