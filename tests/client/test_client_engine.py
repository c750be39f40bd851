"""The real NemoClient against the real local engine over loopback HTTP: every endpoint, every code.

Faults are switched on the running engine (`engine_server.faults`); waits go through an injected
sleep that records what it was asked, so a 30 s rate-limit wait costs nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import struct
import time
import uuid
import zlib
from pathlib import Path

import pytest
from client_helpers import RecordingTransport
from pydantic import SecretStr

from nemo_tui.backend import owner_transport
from nemo_tui.client.credentials import CredentialStore, StoredCredentials
from nemo_tui.client.nemo import MSG_SESSION_RENEWED, MSG_TOKEN_RENEWED, NemoClient
from nemo_tui.protocol import (
    MAX_UPLOAD_BYTES,
    ExportBlocked,
    FileTooLarge,
    NetworkError,
    NoCredits,
    RateLimited,
    RenderFailed,
    RenderJob,
    TextDelta,
    TokenExpired,
    ToolCall,
    TurnEnd,
    UnsupportedFile,
)

GENERATE = "generate a 2-second video of a sunset over the ocean"


class Clock:
    """An injected sleep: records each wait and returns at once (or after `real_s`)."""

    def __init__(self, real_s: float = 0.0) -> None:
        self.waits: list[float] = []
        self.real_s = real_s

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.real_s:
            await asyncio.sleep(self.real_s)


@pytest.fixture
def store(tmp_path: Path) -> CredentialStore:
    return CredentialStore(tmp_path / "config" / "nemo-tui" / "credentials.json")


def make_client(
    engine, store=None, *, owner: bool = False, **kwargs
) -> tuple[NemoClient, RecordingTransport, Clock, list[str]]:
    # owner: the app's own transport, which proves to its engine that it started it (file:// uploads).
    transport = owner_transport(engine.base_url, engine.owner_secret) if owner else RecordingTransport()
    clock = Clock()
    notices: list[str] = []
    kwargs.setdefault("sleep", clock)
    client = NemoClient(
        engine.base_url,
        credentials=store,
        credentials_key="local",
        transport=transport,
        on_recovery=notices.append,
        **kwargs,
    )
    return client, transport, clock, notices


def png_bytes(width: int, height: int) -> bytes:
    """A valid RGB PNG of noise (incompressible, so its size is close to width*height*3)."""
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 0))
        + chunk(b"IEND", b"")
    )


async def turn(client: NemoClient, text: str) -> list:
    return [event async for event in client.send_message(text)]


# ---- auth, sessions, token cache ------------------------------------------------------------


async def test_first_run_gets_a_token_caches_it_privately_and_the_next_run_reuses_it(engine_server, store):
    client, transport, _, _ = make_client(engine_server, store)
    async with client:
        session = await client.create_session("add a title that says hello")
        assert session.session_id and session.task_id
        assert (await client.credits()).available == 100
    token_call = transport.requests[0]
    assert token_call[:2] == ("POST", "/api/auth/anonymous-token")
    assert uuid.UUID(token_call[2]["x-client-id"]).version == 4
    assert "authorization" not in token_call[2]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    saved = store.load("local")
    assert saved is not None and saved.client_id == token_call[2]["x-client-id"]
    assert saved.expires_at is not None and saved.expires_at > time.time() + 6 * 86400

    again, transport2, _, _ = make_client(engine_server, store)
    async with again:
        assert (await again.credits()).available == 100
    assert transport2.paths() == ["GET /api/credits/balance/simple"]  # no second token


async def test_every_request_carries_the_attribution_headers(engine_server, store, tmp_path):
    client, transport, _, _ = make_client(engine_server, store)
    picture = tmp_path / "p.png"
    picture.write_bytes(png_bytes(8, 8))
    async with client:
        await client.create_session("make a sunset video please")
        await turn(client, "add a title that says hello")
        await client.state()
        await client.credits()
        await client.upload_file(picture)
    assert len(transport.requests) >= 6
    for _method, path, headers in transport.requests:
        assert headers["x-skill-source"] == "sora-video-generation", path
        assert headers["x-skill-version"] and headers["x-skill-platform"] in ("clawhub", "cursor", "unknown")


async def test_an_expired_cached_token_is_not_used(engine_server, store):
    store.save(
        "local",
        StoredCredentials(
            client_id=str(uuid.uuid4()), token=SecretStr("old-token"), expires_at=time.time() - 10
        ),
    )
    client, transport, _, notices = make_client(engine_server, store)
    async with client:
        await client.credits()
    assert transport.paths() == ["POST /api/auth/anonymous-token", "GET /api/credits/balance/simple"]
    assert store.load("local").token != SecretStr("old-token")  # SecretStr: no token in failure output
    assert notices == []  # nothing failed: the stale token was simply never sent


async def test_nemo_token_wins_over_the_cache(engine_server, store, monkeypatch):
    issuer, _, _, _ = make_client(engine_server)
    async with issuer:
        await issuer.ensure_token()
        real = issuer._token.get_secret_value()
    store.save(
        "local",
        StoredCredentials(
            client_id=str(uuid.uuid4()), token=SecretStr("cached-bogus"), expires_at=time.time() + 86400
        ),
    )
    monkeypatch.setenv("NEMO_TOKEN", real)
    client, transport, _, _ = make_client(engine_server, store)
    async with client:
        assert not client.is_anonymous
        assert (await client.credits()).available == 100
    assert transport.paths() == ["GET /api/credits/balance/simple"]


async def test_an_explicit_token_that_expires_cannot_be_renewed(engine_server, store):
    engine_server.faults.expire_tokens = True
    client, transport, _, notices = make_client(engine_server, store, token="given-by-the-user")
    async with client:
        with pytest.raises(TokenExpired) as info:
            await client.credits()
    assert "NEMO_TOKEN" in str(info.value)
    assert "anonymous-token" not in " ".join(transport.paths()) and notices == []


# ---- the error table ----------------------------------------------------------------------


async def test_1001_gets_a_new_token_and_retries_once(engine_server, store):
    client, transport, _, notices = make_client(engine_server, store)
    async with client:
        await client.ensure_token()
        first = client._token
        engine_server.faults.expire_tokens_once = 1
        assert (await client.credits()).total == 100
        assert client._token != first
    assert notices == [MSG_TOKEN_RENEWED]
    assert store.load("local").token == client._token
    assert transport.paths()[-3:] == [
        "GET /api/credits/balance/simple",
        "POST /api/auth/anonymous-token",
        "GET /api/credits/balance/simple",
    ]


async def test_1001_twice_gives_up_with_token_expired(engine_server, store):
    client, transport, _, _ = make_client(engine_server, store)
    async with client:
        await client.ensure_token()
        engine_server.faults.expire_tokens = True
        with pytest.raises(TokenExpired):
            await client.credits()
    assert transport.paths().count("GET /api/credits/balance/simple") == 2


async def test_1002_starts_a_new_session_in_the_same_language_and_retries(engine_server, store):
    client, transport, _, notices = make_client(engine_server, store)
    async with client:
        old = await client.create_session("ajoute une musique douce en arrière-plan")
        assert client.language == "fr"
        engine_server.faults.lose_sessions_once = 1
        state = await client.state()
        assert state.draft.tracks == []
        assert client.session.session_id != old.session_id
        assert client.language == "fr"
    assert notices == [MSG_SESSION_RENEWED]
    paths = transport.paths()
    assert paths[-1] == f"GET /api/state/nemo_agent/me/{client.session.session_id}/latest"
    assert paths[-2] == "POST /api/tasks/me/with-session/nemo_agent"


async def test_1002_on_run_sse_sends_the_message_to_the_new_session(engine_server, store):
    client, transport, _, notices = make_client(engine_server, store)
    async with client:
        await client.create_session("add a title")
        engine_server.faults.lose_sessions_once = 1
        events = await turn(client, "add a title that says Urban Dreams")
        assert isinstance(events[-1], TurnEnd)
        titles = [t for t in (await client.state()).draft.tracks if t.type == 7]
        assert titles, "the edit landed in the new session"
    assert notices == [MSG_SESSION_RENEWED]
    assert transport.paths().count("POST /run_sse") == 2  # refused before any stream byte, then sent


async def test_1002_on_upload_sends_the_file_to_the_new_session(engine_server, store, tmp_path):
    picture = tmp_path / "p.png"
    picture.write_bytes(png_bytes(64, 64))
    client, transport, _, notices = make_client(engine_server, store)
    async with client:
        old = await client.create_session("add a title")
        engine_server.faults.lose_sessions_once = 1
        result = await client.upload_file(picture)
        assert result.media[0].name == "p.png"
        assert client.session.session_id != old.session_id
        assert len((await client.state()).video_infos) == 1
    assert notices == [MSG_SESSION_RENEWED]
    uploads = [p for p in transport.paths() if p.startswith("POST /api/upload-video/")]
    assert uploads == [
        f"POST /api/upload-video/nemo_agent/me/{old.session_id}",
        f"POST /api/upload-video/nemo_agent/me/{client.session.session_id}",
    ]


async def test_two_calls_hit_by_one_expiry_renew_the_token_once(engine_server, store):
    client, transport, clock, _ = make_client(engine_server, store)
    async with client:
        await client.ensure_token()
        engine_server.faults.expire_tokens_once = 1
        first, second = await asyncio.gather(client.credits(), client.credits())
    assert first.available == second.available == 100
    # A second renewal would be refused (one live token per client id) and cost a 30 s wait.
    assert transport.paths().count("POST /api/auth/anonymous-token") == 2 and clock.waits == []


async def test_2001_for_an_anonymous_user_links_registration_with_bind(engine_server, store):
    engine_server.faults.no_credits = True
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        session = await client.create_session(GENERATE)
        with pytest.raises(NoCredits) as info:
            await turn(client, GENERATE)
    error = info.value
    assert error.anonymous
    assert error.registration_link == f"{engine_server.base_url}/register?bind={session.task_id}"
    assert f"?bind={session.task_id}" in error.user_message()


async def test_2001_in_a_session_resumed_by_id_alone_still_links_with_bind(engine_server, store):
    first, _, _, _ = make_client(engine_server, store)
    async with first:
        session = await first.create_session("add a title")
    engine_server.faults.no_credits = True
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        client.use_session(session.session_id)  # what the app does when it reopens the last session
        await client.state()
        assert client.session.task_id == session.task_id  # learnt from the state answer
        with pytest.raises(NoCredits) as info:
            await turn(client, GENERATE)
    assert info.value.bind_id == session.task_id


async def test_2001_for_a_registered_user_says_top_up(engine_server, store):
    issuer, _, _, _ = make_client(engine_server)
    async with issuer:
        await issuer.ensure_token()
        real = issuer._token.get_secret_value()
    engine_server.faults.no_credits = True
    client, _, _, _ = make_client(engine_server, store, token=real)
    async with client:
        with pytest.raises(NoCredits) as info:
            await turn(client, GENERATE)
    assert not info.value.anonymous and "Top up credits" in info.value.user_message()


async def test_4001_a_file_that_is_not_what_its_name_says(engine_server, store, tmp_path):
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"this is not a video" * 100)
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        with pytest.raises(UnsupportedFile) as info:
            await client.upload_file(fake)
    assert "mp4, mov" in info.value.user_message()


async def test_4001_an_unsupported_extension_is_refused_before_sending(engine_server, store, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    client, transport, _, _ = make_client(engine_server, store)
    async with client:
        with pytest.raises(UnsupportedFile):
            await client.upload_file(notes)
    assert transport.requests == []


async def test_4002_the_server_says_too_large(engine_server, store, tmp_path):
    # The client checks sizes of files it sends; a URL upload is sized by the server.
    big = tmp_path / "big.mp4"
    with open(big, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    client, _, _, _ = make_client(engine_server, store, owner=True)
    async with client:
        with pytest.raises(FileTooLarge) as info:
            await client.upload_urls([big.as_uri()])
    assert "200 MB" in info.value.user_message()


async def test_400_missing_client_id_makes_a_new_one_and_retries(engine_server, store):
    # A cache left with an empty client id: the first token request goes without X-Client-Id.
    store.save("local", StoredCredentials(client_id=""))
    client, transport, _, _ = make_client(engine_server, store)
    async with client:
        assert (await client.credits()).available == 100
    paths = transport.paths()
    assert paths[:2] == ["POST /api/auth/anonymous-token"] * 2
    assert "x-client-id" not in transport.requests[0][2]
    new_id = transport.requests[1][2]["x-client-id"]
    assert uuid.UUID(new_id).version == 4
    assert store.load("local").client_id == new_id


async def test_402_export_blocked_is_a_plan_problem(engine_server, store):
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        await client.create_session("add a title")
        await turn(client, "add a title that says hello")
        engine_server.faults.block_export = True
        with pytest.raises(ExportBlocked) as info:
            await client.start_render()
    assert info.value.user_message() == "Register or upgrade your plan to unlock export."


async def test_429_waits_30_seconds_once_then_retries(engine_server, store):
    client, _transport, clock, notices = make_client(engine_server, store)
    async with client:
        await client.ensure_token()
        engine_server.faults.rate_limit_once = 1
        assert (await client.credits()).available == 100
        assert clock.waits == [30.0]
        engine_server.faults.rate_limit_once = 2
        with pytest.raises(RateLimited) as info:
            await client.credits()
        assert clock.waits == [30.0, 30.0]
    assert "30 seconds" in str(info.value)
    assert len(notices) == 2 and "30 s" in notices[0]


async def test_a_closed_port_is_a_network_error_with_a_human_message(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with NemoClient(f"http://127.0.0.1:{port}", token="t") as client:
        with pytest.raises(NetworkError) as info:
            await client.credits()
    assert "Couldn't reach the video service" in str(info.value)
    assert f"127.0.0.1:{port}" in str(info.value)


# ---- a turn on the engine -----------------------------------------------------------------


async def test_a_turn_streams_text_once_runs_tools_and_changes_the_draft(engine_server, store):
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        events = await turn(client, "add a title that says Urban Dreams")
        state = await client.state()
    deltas = "".join(e.text for e in events if isinstance(e, TextDelta))
    end = events[-1]
    assert isinstance(end, TurnEnd) and end.changed_state and end.tool_calls >= 1
    assert end.text == deltas
    # The engine streams partial chunks, then the aggregate: the title is said once, not twice.
    assert deltas.count("Urban Dreams") == 1 and len([e for e in events if isinstance(e, TextDelta)]) > 1
    assert any(isinstance(e, ToolCall) for e in events)
    assert any(t.type == 7 for t in state.draft.tracks)


async def test_heartbeats_arrive_while_the_engine_is_slow(engine_server, store):
    engine_server.config.heartbeat_s = 0.02
    engine_server.faults.slow_stream_s = 0.06
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        events = await turn(client, "add a title that says hi")
    assert any(e.kind == "heartbeat" for e in events) and events[-1].kind == "end"


async def test_an_engine_stream_that_drops_raises_and_the_state_is_still_readable(engine_server, store):
    from nemo_tui.protocol import StreamError

    engine_server.faults.drop_stream_after_events = 2
    client, transport, _, _ = make_client(engine_server, store)
    async with client:
        await client.create_session("add a title")
        with pytest.raises(StreamError):
            await turn(client, "add a title that says hi")
        await client.state()  # what the caller does next
    assert transport.paths().count("POST /run_sse") == 1


async def test_a_malformed_engine_frame_is_reported_and_the_turn_completes(engine_server, store):
    engine_server.faults.malformed_event = True
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        events = await turn(client, "add a title that says hi")
    assert [e.kind for e in events].count("error") == 1 and events[-1].kind == "end"


async def test_an_agent_error_is_one_turn_error(engine_server, store):
    engine_server.faults.agent_error = "render backend unavailable"
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        events = await turn(client, "add a title that says hi")
    errors = [e for e in events if e.kind == "error"]
    assert len(errors) == 1 and "render backend unavailable" in errors[0].message


# ---- upload, render, download ---------------------------------------------------------------


async def test_upload_file_streams_with_progress_and_upload_urls(engine_server, store, tmp_path):
    picture = tmp_path / "noise.png"
    picture.write_bytes(png_bytes(320, 320))  # ~300 KB: more than one chunk
    seen: list[tuple[int, int | None]] = []
    client, _, _, _ = make_client(engine_server, store, owner=True)
    async with client:
        result = await client.upload_file(picture, lambda done, total: seen.append((done, total)))
        by_url = await client.upload_urls([picture.as_uri()])
        state = await client.state()
    size = picture.stat().st_size
    assert result.media[0].name == "noise.png" and result.media[0].size == size
    assert len(seen) >= 2 and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert by_url.media and len(state.video_infos) == 2


async def test_render_poll_download_and_resume(engine_server, store, tmp_path):
    engine_server.faults.slow_render_s = 0.3
    clock = Clock(real_s=0.05)  # records 7 s waits, lets the engine really work 50 ms each
    client, transport, _, _ = make_client(engine_server, store, poll_interval=7.0, sleep=clock)
    updates: list[RenderJob] = []
    async with client:
        await turn(client, "add a title that says Urban Dreams")
        job = await client.start_render()
        assert job.id.startswith("render_")
        done = await client.wait_for_render(job.id, updates.append)
        assert done.status == "completed" and done.url
        assert set(clock.waits) == {7.0}
        assert updates[-1].status == "completed" and len(updates) >= 2

        progress: list[tuple[int, int | None]] = []
        out = await client.download(done.url, tmp_path / "exports", lambda d, t: progress.append((d, t)))
        whole = out.read_bytes()
        assert out.parent == tmp_path / "exports" and out.suffix == ".mp4"
        assert whole[4:8] == b"ftyp" and progress[-1] == (len(whole), len(whole))

        # Stopped after half: the .part holds the first half; the next download asks for the rest.
        resumed = tmp_path / "again.mp4"
        Path(f"{resumed}.part").write_bytes(whole[: len(whole) // 2])
        progress.clear()
        out2 = await client.download(done.url, resumed, lambda d, t: progress.append((d, t)))
        # A .part that is already whole (stopped just before the rename): 416, then kept as is.
        complete = tmp_path / "complete.mp4"
        Path(f"{complete}.part").write_bytes(whole)
        out3 = await client.download(done.url, complete)
    assert out2.read_bytes() == whole and out3.read_bytes() == whole
    assert progress[0] == (len(whole) // 2, len(whole))
    range_headers = [h.get("range") for m, p, h in transport.requests if p.startswith("/files/")]
    assert range_headers == [None, f"bytes={len(whole) // 2}-", f"bytes={len(whole)}-"]


async def test_a_failed_render_says_why(engine_server, store):
    engine_server.faults.fail_render = "encoder exploded"
    client, _, _, _ = make_client(engine_server, store, sleep=Clock(real_s=0.05))
    async with client:
        await turn(client, "add a title that says hi")
        job = await client.start_render()
        with pytest.raises(RenderFailed) as info:
            await client.wait_for_render(job.id)
    assert "encoder exploded" in str(info.value)


# ---- the token stays secret on every path ---------------------------------------------------


async def test_the_token_is_in_no_error_repr_or_log(engine_server, store, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    client, _, _, _ = make_client(engine_server, store)
    errors: list[BaseException] = []
    big = tmp_path / "big.mp4"
    with open(big, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"nope" * 10)

    async def expect_error(coro) -> None:
        try:
            await coro
        except Exception as exc:  # collected and checked below
            errors.append(exc)
        else:
            raise AssertionError("expected an error")

    async with client:
        await client.create_session("add a title")
        token = client._token.get_secret_value()
        faults = engine_server.faults
        faults.expire_tokens = True
        await expect_error(client.credits())
        faults.expire_tokens = False
        faults.rate_limit_once = 2
        await expect_error(client.credits())
        faults.no_credits = True
        await expect_error(turn(client, GENERATE))
        faults.no_credits = False
        await expect_error(client.upload_file(fake))
        await expect_error(client.upload_file(tmp_path / "missing.mp4"))
        await expect_error(client.upload_urls([big.as_uri()]))
        faults.block_export = True
        await expect_error(client.start_render())
        faults.block_export = False
        faults.drop_stream_after_events = 1
        await expect_error(turn(client, "add a title that says hi"))
        faults.drop_stream_after_events = None
        await expect_error(client.render_status("render_nope"))
        texts = [repr(client), str(client)]
    async with NemoClient("http://127.0.0.1:9", token=token) as offline:
        await expect_error(offline.credits())
        texts += [repr(offline)]
    assert len(errors) == 10
    for exc in errors:
        texts += [str(exc), repr(exc), str(getattr(exc, "detail", ""))]
    # Booleans, so a failure cannot print the token itself.
    leaked_in_errors = any(token in text for text in texts)
    leaked_in_log = token in caplog.text
    assert not leaked_in_errors and not leaked_in_log


async def test_the_debug_log_names_method_path_and_status_only(engine_server, store, caplog):
    caplog.set_level(logging.DEBUG, logger="nemo_tui.client")
    client, _, _, _ = make_client(engine_server, store)
    async with client:
        await client.credits()
        engine_server.faults.expire_tokens_once = 1
        await client.credits()
    lines = [r.getMessage() for r in caplog.records if r.name == "nemo_tui.client"]
    assert any(line.startswith("POST /api/auth/anonymous-token -> 200") for line in lines)
    assert any(line.startswith("GET /api/credits/balance/simple -> 200") for line in lines)
    assert "GET /api/credits/balance/simple answered TokenExpired" in lines
    assert not any("bearer" in line.lower() or "authorization" in line.lower() for line in lines)


async def test_a_token_renewed_by_another_instance_is_adopted_not_requested_again(engine_server, store):
    first, _, _, _ = make_client(engine_server, store)
    second, transport, clock, _ = make_client(engine_server, store)
    async with first, second:
        await first.credits()
        await second.credits()  # both hold the cached token
        engine_server.faults.expire_tokens_once = 1
        await first.credits()  # first renews it and writes the cache
        assert (await second.credits()).available == 100
    # second read the renewed token from the cache: no token request, so no 429 and no wait
    assert "POST /api/auth/anonymous-token" not in transport.paths() and clock.waits == []
    assert second._token == first._token
