"""Tokens, client ids, rate limits, token faults, credits and who may reach which session."""

from __future__ import annotations

import time
import uuid

import httpx
from engine_helpers import Api, poll


def test_anonymous_token_needs_a_client_id(engine_server):
    resp = httpx.post(f"{engine_server.base_url}/api/auth/anonymous-token")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == 400 and "X-Client-Id" in body["message"]


def test_new_token_has_100_credits_and_a_7_day_expiry(engine_server):
    before = time.time()
    resp = httpx.post(
        f"{engine_server.base_url}/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())}
    )
    data = resp.json()["data"]
    assert resp.status_code == 200 and resp.json()["code"] == 0
    assert data["credits"] == 100
    assert abs(data["expires_at"] - (before + 7 * 86400)) < 5
    api = Api(engine_server.base_url)
    api.token = data["token"]
    assert api.credits() == {"available": 100, "frozen": 0, "total": 100}


def test_second_token_for_the_same_client_is_rate_limited(engine_server):
    api = Api(engine_server.base_url).sign_in()
    again = httpx.post(
        f"{engine_server.base_url}/api/auth/anonymous-token", headers={"X-Client-Id": api.client_id}
    )
    assert again.status_code == 429
    assert again.json()["code"] == 429 and "7 days" in again.json()["message"]
    # Another client id is not affected.
    Api(engine_server.base_url).sign_in()


def test_a_client_may_get_a_new_token_once_its_token_expired(engine_server):
    engine_server.config.token_ttl_s = 1.0  # long enough to open a session on a busy machine
    api = Api(engine_server.base_url).sign_in().new_session()
    old_token = api.token
    expired = poll(
        lambda: api.get("/api/credits/balance/simple").json(),
        lambda body: body["code"] != 0,
        "the token expiring",
    )
    assert expired["code"] == 1001 and "expired" in expired["message"].lower()
    engine_server.config.token_ttl_s = 3600
    api.sign_in()
    assert api.token != old_token
    # Same client id, same account: its session is still there.
    assert api.get(f"/api/state/nemo_agent/me/{api.session_id}/latest").json()["code"] == 0


def test_expire_tokens_once_answers_1001_then_the_client_can_reauth(engine_server):
    api = Api(engine_server.base_url).sign_in().new_session()
    engine_server.faults.expire_tokens_once = 1
    first = api.get("/api/credits/balance/simple")
    assert first.json()["code"] == 1001
    # The faulted token is really invalid now, and re-issuing for this client is allowed.
    assert api.get("/api/credits/balance/simple").json()["code"] == 1001
    api.sign_in()
    assert api.get("/api/credits/balance/simple").json()["code"] == 0
    assert api.draft() == {"t": []}


def test_expire_tokens_refuses_every_authed_request(engine_server):
    api = Api(engine_server.base_url).sign_in()
    engine_server.faults.expire_tokens = True
    for _ in range(2):
        assert api.get("/api/credits/balance/simple").json()["code"] == 1001
        api.sign_in()
        assert api.post("/api/tasks/me/with-session/nemo_agent", json={}).json()["code"] == 1001


def test_unknown_or_missing_token_answers_1001_without_echoing_it(engine_server):
    secret = "nemo_local_this-is-not-a-real-token"
    resp = httpx.get(
        f"{engine_server.base_url}/api/credits/balance/simple", headers={"Authorization": f"Bearer {secret}"}
    )
    assert resp.json()["code"] == 1001
    assert secret not in resp.text
    missing = httpx.get(f"{engine_server.base_url}/api/credits/balance/simple")
    assert missing.json()["code"] == 1001 and "Authorization" in missing.json()["message"]


def test_rate_limit_fault_answers_429_with_the_envelope(engine_server):
    api = Api(engine_server.base_url).sign_in()
    engine_server.faults.rate_limit_once = 2
    for _ in range(2):
        resp = api.get("/api/credits/balance/simple")
        assert resp.status_code == 429 and resp.json()["code"] == 429
    assert api.get("/api/credits/balance/simple").status_code == 200


def test_a_token_reaches_only_its_own_sessions(engine_server):
    alice = Api(engine_server.base_url).sign_in().new_session()
    bob = Api(engine_server.base_url).sign_in()
    bob.session_id = alice.session_id
    resp = bob.get(f"/api/state/nemo_agent/me/{alice.session_id}/latest").json()
    assert resp["code"] == 1002
    stream = bob.turn("make it vertical")
    assert stream.status == 404 and '"code":1002' in stream.raw.replace(" ", "")
    assert alice.draft() == {"t": []}


def test_lose_sessions_once_answers_1002_then_the_session_is_back(engine_server):
    api = Api(engine_server.base_url).sign_in().new_session()
    engine_server.faults.lose_sessions_once = 1
    lost = api.get(f"/api/state/nemo_agent/me/{api.session_id}/latest").json()
    assert lost["code"] == 1002 and api.session_id in lost["message"]
    assert api.get(f"/api/state/nemo_agent/me/{api.session_id}/latest").json()["code"] == 0


def test_client_id_not_required_when_the_fault_switch_says_so(engine_server):
    engine_server.faults.require_client_id = False
    resp = httpx.post(f"{engine_server.base_url}/api/auth/anonymous-token")
    assert resp.status_code == 200 and resp.json()["data"]["token"]


def test_fault_switch_over_http(engine_server):
    url = f"{engine_server.base_url}/_engine/faults"
    owner = {"X-Nemo-Engine-Secret": engine_server.owner_secret}  # faults need the owner's proof
    resp = httpx.post(url, json={"block_export": True, "expire_tokens_once": 2}, headers=owner)
    assert resp.json()["data"]["block_export"] is True
    assert engine_server.faults.expire_tokens_once == 2
    bad = httpx.post(url, json={"no_such_fault": 1}, headers=owner)
    assert bad.status_code == 400 and "no_such_fault" in bad.json()["message"]
    httpx.post(url, json={"reset": True}, headers=owner)
    assert engine_server.faults.block_export is False and engine_server.faults.expire_tokens_once == 0


def test_unknown_endpoint_answers_the_envelope(engine_server):
    resp = httpx.get(f"{engine_server.base_url}/api/nope")
    assert resp.status_code == 404 and resp.json()["code"] == 404
