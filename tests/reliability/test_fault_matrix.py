"""Every seed error code at every endpoint where it can occur, through the Conversation (what the
TUI renders), against the live engine with its faults switched on. The README's Reliability table lists the same rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import CLIP, Harness, collect, make_harness, notices, of, tiny_png

from nemo_tui.backend import owner_transport
from nemo_tui.client.credentials import StoredCredentials
from nemo_tui.client.nemo import (
    MSG_CLIENT_ID_RENEWED,
    MSG_RATE_LIMITED,
    MSG_SESSION_RENEWED,
    MSG_TOKEN_RENEWED,
)
from nemo_tui.core.events import (
    CreditsUpdated,
    ExportDone,
    ReplyFinished,
    SessionChanged,
    TimelineUpdated,
    UploadDone,
)
from nemo_tui.engine.runner import EngineServer
from nemo_tui.protocol import (
    MAX_UPLOAD_BYTES,
    ExportBlocked,
    FileTooLarge,
    NoCredits,
    RateLimited,
    TokenExpired,
    UnsupportedFile,
)

Flow = Callable[[Harness, Path], AsyncIterator[Any]]

# One action per endpoint, and the event that proves it worked.
ENDPOINTS: dict[str, tuple[Flow, Callable[[list[Any]], bool]]] = {
    "credits": (
        lambda h, _: h.conv.credits(),
        lambda ev: any(n.startswith("Credits: ") for n in notices(ev)),
    ),
    "state": (lambda h, _: h.conv.show_state(), lambda ev: bool(of(ev, TimelineUpdated))),
    "run_sse": (
        lambda h, _: h.conv.handle("add a title that says hello"),
        lambda ev: bool(of(ev, ReplyFinished)) and any("hello" in t.summary for t in of(ev, TimelineUpdated)),
    ),
    "upload": (
        lambda h, tmp: h.conv.upload(str(tiny_png(tmp / "red.png"))),
        lambda ev: bool(of(ev, UploadDone)),
    ),
    "render": (lambda h, _: h.conv.export(), lambda ev: bool(of(ev, ExportDone))),
}
SESSION_SCOPED = ["state", "run_sse", "upload", "render"]


@pytest.fixture
async def harness(engine: EngineServer, tmp_path: Path) -> AsyncIterator[Harness]:
    """A person with a token, a session and a 1-second clip on the timeline."""
    h = make_harness(engine.base_url, tmp_path)
    await collect(h.conv.start())
    setup = await collect(h.conv.handle(CLIP))
    assert not notices(setup, "error"), notices(setup, "error")
    try:
        yield h
    finally:
        await h.aclose()


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_1001_once_renews_the_token_and_the_action_still_works(
    harness: Harness, engine: EngineServer, endpoint: str, tmp_path: Path
) -> None:
    flow, worked = ENDPOINTS[endpoint]
    engine.faults.expire_tokens_once = 1
    events = await collect(flow(harness, tmp_path))
    assert worked(events), harness.seen(events)
    assert harness.recoveries == [MSG_TOKEN_RENEWED]
    assert notices(events, "error") == []


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_1001_every_time_ends_in_one_clear_message(
    harness: Harness, engine: EngineServer, endpoint: str, tmp_path: Path
) -> None:
    flow, worked = ENDPOINTS[endpoint]
    engine.faults.expire_tokens = True
    events = await collect(flow(harness, tmp_path))
    assert not worked(events)
    assert notices(events, "error") == [TokenExpired().user_message()]
    assert harness.recoveries == [MSG_TOKEN_RENEWED]  # it tried once, then said so


@pytest.mark.parametrize("endpoint", SESSION_SCOPED)
async def test_1002_starts_a_new_session_and_the_app_switches_to_it(
    harness: Harness, engine: EngineServer, endpoint: str, tmp_path: Path
) -> None:
    flow, worked = ENDPOINTS[endpoint]
    old = harness.client.session.session_id
    engine.faults.lose_sessions_once = 1
    events = await collect(flow(harness, tmp_path))
    assert harness.recoveries == [MSG_SESSION_RENEWED]
    assert notices(events, "error") == []
    new = harness.client.session.session_id
    assert new != old
    assert [e.session_id for e in of(events, SessionChanged)] == [new]
    # The next start reopens the live session, not the one the server lost.
    assert harness.store.last_session("local").session_id == new
    if endpoint == "render":  # the lost session took its timeline with it: nothing to export
        assert notices(events, "warning")[-1].startswith("Nothing to export yet")
    else:
        assert worked(events), harness.seen(events)


async def test_2001_no_credits_links_registration_with_the_bind_id(
    harness: Harness, engine: EngineServer
) -> None:
    engine.faults.no_credits = True
    events = await collect(harness.conv.handle("generate a 2-second video of a forest"))
    task_id = harness.client.session.task_id
    link = f"{engine.base_url}/register?bind={task_id}"
    expected = NoCredits(anonymous=True, bind_id=task_id, register_url=f"{engine.base_url}/register")
    assert notices(events, "error") == [expected.user_message()]
    assert link in notices(events, "error")[0]
    state = await collect(harness.conv.show_state())
    assert "forest" not in of(state, TimelineUpdated)[0].summary  # nothing was generated


async def test_4001_a_file_that_is_not_what_its_name_says(
    harness: Harness, engine: EngineServer, tmp_path: Path
) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"not a video at all " * 200)
    uploads = engine.config.data_dir / "uploads"
    before = set(uploads.glob("*"))
    events = await collect(harness.conv.upload(str(fake)))
    assert notices(events, "error") == [UnsupportedFile().user_message()]
    assert "mp4, mov, avi" in notices(events, "error")[0]
    assert of(events, UploadDone) == []
    assert set(uploads.glob("*")) == before  # the refused bytes are not kept on the server


async def test_4001_an_unsupported_extension_is_refused_before_sending(
    harness: Harness, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    events = await collect(harness.conv.upload(str(notes)))
    assert notices(events, "error") == [UnsupportedFile().user_message()]


async def test_4002_too_large_is_refused_by_the_app_and_by_the_server(
    harness: Harness, engine: EngineServer, tmp_path: Path
) -> None:
    big = tmp_path / "big.mp4"
    with open(big, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no 200 MB written
    events = await collect(harness.conv.upload(str(big)))
    assert notices(events, "error") == [FileTooLarge().user_message()]
    # A URL upload is sized by the server: the engine answers 4002 itself (file:// URLs are the
    # engine owner's: this client sends the owner secret, as the app does to its own engine).
    owner = make_harness(
        engine.base_url, tmp_path / "owner", transport=owner_transport(engine.base_url, engine.owner_secret)
    )
    try:
        with pytest.raises(FileTooLarge) as info:
            await owner.client.upload_urls([big.as_uri()])
    finally:
        await owner.aclose()
    assert info.value.user_message() == FileTooLarge().user_message()
    assert "200 MB" in info.value.user_message()


async def test_400_missing_client_id_gets_a_new_one_and_starts(engine: EngineServer, tmp_path: Path) -> None:
    h = make_harness(engine.base_url, tmp_path)
    h.client._store.save("local", StoredCredentials(client_id=""))  # a cache with an empty client id
    try:
        events = await collect(h.conv.start())
    finally:
        await h.aclose()
    assert h.recoveries == [MSG_CLIENT_ID_RENEWED]
    assert notices(events, "error") == []
    assert of(events, CreditsUpdated)[0].credits.available == 100


async def test_402_export_blocked_is_a_plan_message_and_leaves_nothing(
    harness: Harness, engine: EngineServer, tmp_path: Path
) -> None:
    engine.faults.block_export = True
    events = await collect(harness.conv.export())
    assert notices(events, "error") == [ExportBlocked().user_message()]
    assert "credit" not in notices(events, "error")[0].lower()  # a plan problem, not credits
    assert harness.store.pending_renders("local") == []
    assert not (tmp_path / "exports").exists() or list((tmp_path / "exports").iterdir()) == []


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_429_once_waits_30_seconds_and_retries(
    harness: Harness, engine: EngineServer, endpoint: str, tmp_path: Path
) -> None:
    flow, worked = ENDPOINTS[endpoint]
    engine.faults.rate_limit_once = 1
    events = await collect(flow(harness, tmp_path))
    assert worked(events), harness.seen(events)
    # One 30 s wait for the 429. Render polling is the client's now (wait_for_render, on the same
    # injected clock, at most 15 s apart): those short waits may be recorded beside it.
    assert [w for w in harness.clock.waits if w >= 30.0] == [30.0]
    assert all(w <= 15.0 for w in harness.clock.waits if w != 30.0)
    assert harness.recoveries == [MSG_RATE_LIMITED.format(s=30.0)]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_429_twice_gives_up_with_a_clear_message(
    harness: Harness, engine: EngineServer, endpoint: str, tmp_path: Path
) -> None:
    flow, worked = ENDPOINTS[endpoint]
    engine.faults.rate_limit_once = 2
    events = await collect(flow(harness, tmp_path))
    assert not worked(events)
    assert notices(events, "error") == [RateLimited().user_message()]
    assert harness.clock.waits == [30.0]


@pytest.mark.parametrize("times", [1, 2])
async def test_429_on_the_token_request_at_start(engine: EngineServer, tmp_path: Path, times: int) -> None:
    h = make_harness(engine.base_url, tmp_path)
    engine.faults.rate_limit_once = times
    try:
        events = await collect(h.conv.start())
    finally:
        await h.aclose()
    assert h.clock.waits == [30.0]
    if times == 1:
        assert notices(events, "error") == [] and of(events, CreditsUpdated)[0].credits.available == 100
    else:
        assert notices(events, "error") == [RateLimited().user_message()]
