"""Starting the engine: loopback only, free ports, the register page and the loopback admin routes."""

from __future__ import annotations

import httpx
import pytest
from engine_helpers import Api

from nemo_tui.engine.runner import EngineServer, serve


def test_serve_refuses_a_non_loopback_host(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        serve(host="0.0.0.0", port=0, data_dir=tmp_path)


def test_engine_server_refuses_a_non_loopback_host(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        EngineServer(tmp_path, host="192.168.1.10")


def test_port_zero_picks_a_free_port_and_keeps_it_across_restarts(engine_server):
    port = engine_server.port
    assert port > 0 and engine_server.base_url == f"http://127.0.0.1:{port}"
    engine_server.stop()
    engine_server.start()
    assert engine_server.port == port
    assert httpx.get(engine_server.base_url + "/").json()["code"] == 0


def test_register_page_and_credit_grant_recover_from_2001(engine_server):
    engine_server.config.initial_credits = 2
    api = Api(engine_server.base_url).sign_in().new_session()
    api.turn("generate a 2 second video of waves")
    refused = api.http.post(
        "/run_sse",
        headers=api.auth,
        json={
            "session_id": api.session_id,
            "new_message": {"parts": [{"text": "generate a 5 second video of rain"}]},
        },
    )
    register = refused.json()["data"]["register_url"]
    page = httpx.get(register, params={"bind": refused.json()["data"]["bind_id"]})
    assert page.status_code == 200 and "local engine" in page.text and api.task_id in page.text
    granted = api.post("/_engine/credits", json={"credits": 10}).json()["data"]
    assert granted["available"] == 10
    assert api.turn("generate a 1 second video of rain").status == 200


def test_admin_routes_read_the_socket_peer_not_x_forwarded_for(engine_server, monkeypatch):
    """A forwarded-for header says nothing about who is connected: a loopback peer is served whatever
    it claims, so a remote peer could not borrow 127.0.0.1 by claiming it either."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    engine_server.stop()
    engine_server.start()  # a fresh uvicorn config, built while the environment trusts every proxy
    resp = httpx.get(
        f"{engine_server.base_url}/_engine/faults",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Nemo-Engine-Secret": engine_server.owner_secret},
    )
    assert resp.status_code == 200 and resp.json()["code"] == 0
