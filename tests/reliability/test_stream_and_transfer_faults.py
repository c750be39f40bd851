"""Broken streams, engine restarts, failed renders, cut downloads, a full disk and a slow server:
what the person is told, what survives, and that the next action works."""

from __future__ import annotations

import asyncio
import builtins
import errno
import time
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    CLIP,
    Harness,
    RecordingTransport,
    collect,
    make_harness,
    notices,
    of,
    render_outputs,
)

import nemo_tui.client.nemo as client_nemo
from nemo_tui.core.events import ExportDone, Progress, ReplyDelta, ReplyFinished, TimelineUpdated
from nemo_tui.engine.runner import EngineServer
from nemo_tui.protocol import NetworkError, RenderFailed

APPLIED = "Timeline (1 track): 1. Video: sunset (0-1s)"


@pytest.fixture
async def harness(engine_server: EngineServer, tmp_path: Path):
    h = make_harness(engine_server.base_url, tmp_path)
    await collect(h.conv.start())
    try:
        yield h
    finally:
        await h.aclose()


async def next_message_works(h: Harness) -> None:
    events = await collect(h.conv.handle("add a title that says hello"))
    assert notices(events, "error") == [], notices(events, "error")
    assert 'Title: "hello"' in of(events, TimelineUpdated)[-1].summary


# ---- the SSE stream --------------------------------------------------------------------------


async def test_stream_dropped_mid_turn_shows_what_got_applied(
    harness: Harness, engine_server: EngineServer
) -> None:
    # The engine's turn: 6 text deltas, the tool call, its result (draft saved), the final text.
    engine_server.faults.drop_stream_after_events = 8
    events = await collect(harness.conv.handle(CLIP))
    shown = "".join(e.text for e in of(events, ReplyDelta))
    assert shown.startswith("Generating a 1-second clip of sunset")
    assert of(events, ReplyFinished)[0].text == shown  # the partial reply stays on screen, once
    assert notices(events, "error")[0].startswith("The reply stream broke off.")
    assert of(events, TimelineUpdated)[-1].summary == APPLIED  # state was polled
    assert notices(events, "warning") == [f"The reply broke off. Here is what got applied so far: {APPLIED}"]
    # The history keeps what the person saw.
    roles = [m.role for m in harness.store.messages(harness.client.session.session_id)]
    assert roles == ["user", "assistant", "notice", "notice"]
    engine_server.faults.reset()
    await next_message_works(harness)


async def test_stream_dropped_before_any_change_says_nothing_changed(
    harness: Harness, engine_server: EngineServer
) -> None:
    engine_server.faults.drop_stream_after_events = 2
    events = await collect(harness.conv.handle(CLIP))
    assert notices(events, "error")[0].startswith("The reply stream broke off.")
    assert notices(events, "warning") == [
        "The reply broke off before anything changed. Send your message again when ready."
    ]
    assert of(events, TimelineUpdated)[-1].summary == "Timeline is empty."
    engine_server.faults.reset()
    await next_message_works(harness)


async def test_stream_dropped_in_the_middle_of_an_event_drops_only_that_event(
    harness: Harness, engine_server: EngineServer
) -> None:
    # Half of the final text event arrives, then the connection breaks.
    engine_server.faults.drop_stream_after_events = 8
    engine_server.faults.drop_stream_mid_event = True
    events = await collect(harness.conv.handle(CLIP))
    assert notices(events, "error")[0].startswith("The reply stream broke off.")
    replies = of(events, ReplyFinished)
    assert len(replies) == 1 and replies[0].text.endswith("not a neural model).")  # no half event shown
    assert notices(events, "warning") == [f"The reply broke off. Here is what got applied so far: {APPLIED}"]
    engine_server.faults.reset()
    await next_message_works(harness)


async def test_engine_restarted_mid_turn(harness: Harness, engine_server: EngineServer) -> None:
    engine_server.faults.slow_stream_s = 0.5  # a turn of ~4.5 s: longer than the 2 s graceful stop
    port = engine_server.port
    flow = harness.conv.handle(CLIP)
    events: list[Any] = []
    async for event in flow:
        events.append(event)
        if isinstance(event, ReplyDelta):
            # Blocking on purpose: the engine goes down and comes back while this loop is frozen,
            # as when a restart is quicker than the app notices. Same data dir, same port.
            engine_server.stop()
            engine_server.faults.reset()
            engine_server.start()
            break
    events += [event async for event in flow]
    assert engine_server.port == port
    assert notices(events, "error")[0].startswith("The reply stream broke off.")
    # Cut while the agent was still talking, before its tool ran: nothing was applied, and it says so.
    assert notices(events, "warning") == [
        "The reply broke off before anything changed. Send your message again when ready."
    ]
    await next_message_works(harness)
    # The session and its timeline survived the restart.
    assert harness.store.last_session("local").session_id == harness.client.session.session_id


async def test_engine_down_then_back_the_app_says_so_and_carries_on(
    harness: Harness, engine_server: EngineServer
) -> None:
    await collect(harness.conv.handle(CLIP))
    engine_server.stop()
    try:
        events = await collect(harness.conv.handle("add a title that says hello"))
        assert notices(events, "error") == [NetworkError().user_message()]
    finally:
        engine_server.start()
    await next_message_works(harness)


# ---- renders and downloads ------------------------------------------------------------------


async def test_engine_restarted_mid_render_resumes_the_job(
    harness: Harness, engine_server: EngineServer, tmp_path: Path
) -> None:
    await collect(harness.conv.handle(CLIP))
    engine_server.faults.slow_render_s = 1.0
    flow = harness.conv.export()
    events: list[Any] = []
    async for event in flow:
        events.append(event)
        if isinstance(event, Progress) and event.phase == "render" and (event.fraction or 0) > 0:
            # Frozen loop again: the app's next poll reaches the restarted engine.
            engine_server.stop()
            assert render_outputs(engine_server.config.data_dir) == []  # it was mid-render
            engine_server.start()
            break
    events += [event async for event in flow]  # no request was in flight: the next poll finds it
    assert notices(events, "error") == []
    [done] = of(events, ExportDone)
    [output] = render_outputs(engine_server.config.data_dir)
    assert done.path.read_bytes() == output.read_bytes()
    assert harness.store.pending_renders("local") == []


async def test_engine_down_during_render_leaves_it_pending_for_the_next_start(
    harness: Harness, engine_server: EngineServer
) -> None:
    await collect(harness.conv.handle(CLIP))
    engine_server.faults.slow_render_s = 1.0
    flow = harness.conv.export()
    events: list[Any] = []
    async for event in flow:
        events.append(event)
        if isinstance(event, Progress) and event.phase == "render":
            engine_server.stop()
            break
    events += [event async for event in flow]
    assert notices(events, "error") == [NetworkError().user_message()]
    [pending] = harness.store.pending_renders("local")
    engine_server.faults.reset()
    engine_server.start()
    again = await collect(harness.conv.start())  # the next start picks it up
    assert f"Resuming an export that was still running ({pending.job_id})." in notices(again)
    [done] = of(again, ExportDone)
    assert done.path == pending.dest and done.size_bytes > 0
    assert harness.store.pending_renders("local") == []


async def test_a_failed_render_says_why_and_the_next_export_works(
    harness: Harness, engine_server: EngineServer, tmp_path: Path
) -> None:
    await collect(harness.conv.handle(CLIP))
    engine_server.faults.fail_render = "the renderer ran out of memory"
    events = await collect(harness.conv.export())
    assert notices(events, "error") == [RenderFailed("the renderer ran out of memory").user_message()]
    assert notices(events, "error")[0] == "The export failed on the server. the renderer ran out of memory"
    assert harness.store.pending_renders("local") == []  # closed as failed, not retried for ever
    assert list((tmp_path / "exports").glob("*")) == []
    engine_server.faults.reset()
    assert of(await collect(harness.conv.export()), ExportDone)


async def test_download_cut_at_half_resumes_with_range_and_is_byte_identical(
    engine_server: EngineServer, tmp_path: Path
) -> None:
    transport = RecordingTransport()
    h = make_harness(engine_server.base_url, tmp_path, transport=transport)
    try:
        await collect(h.conv.start())
        await collect(h.conv.handle(CLIP))
        engine_server.faults.cut_download_at_fraction = 0.5
        events = await collect(h.conv.export())
    finally:
        await h.aclose()
    assert notices(events, "error") == []
    [done] = of(events, ExportDone)
    [output] = render_outputs(engine_server.config.data_dir)
    assert done.path.read_bytes() == output.read_bytes()
    size = output.stat().st_size
    downloads = [(path, rng) for method, path, rng in transport.seen if path.startswith("/files/renders/")]
    assert downloads == [(downloads[0][0], None), (downloads[0][0], f"bytes={size // 2}-")]
    # the MP4 and its record (issue 14), no .part left
    assert sorted(p.name for p in done.path.parent.iterdir()) == [done.path.name, done.path.name + ".json"]
    fractions = [p.done for p in of(events, Progress) if p.phase == "download"]
    assert fractions == sorted(fractions) and fractions[-1] == size


async def test_disk_full_while_downloading_is_clear_and_leaves_nothing(
    harness: Harness, engine_server: EngineServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await collect(harness.conv.handle(CLIP))

    class FullDisk:
        """A file that takes 1 KiB, then the disk is full (as a 1 KiB tmpfs would say)."""

        def __init__(self, handle: Any) -> None:
            self.handle, self.room = handle, 1024

        def write(self, data: bytes) -> int:
            if len(data) > self.room:
                self.handle.write(data[: self.room])
                self.room = 0
                raise OSError(errno.ENOSPC, "No space left on device")
            self.room -= len(data)
            return self.handle.write(data)

        def close(self) -> None:
            self.handle.close()

    # The client opens its .part file through the module's `open`: only that file is affected.
    monkeypatch.setattr(client_nemo, "open", lambda *a, **k: FullDisk(builtins.open(*a, **k)), raising=False)
    events = await collect(harness.conv.export())
    exports = tmp_path / "exports"
    assert notices(events, "error") == [
        f"Couldn't save the video in {exports}: the disk is full. Free some disk space or choose "
        "another export folder, then export again."
    ]
    assert list(exports.iterdir()) == []  # no file under the final name, no .part either
    assert harness.store.pending_renders("local") == []
    monkeypatch.undo()
    assert of(await collect(harness.conv.export()), ExportDone)  # space freed: exporting works


# ---- a slow server ---------------------------------------------------------------------------


async def test_a_slow_server_times_out_with_a_message_never_a_hang(
    engine_server: EngineServer, tmp_path: Path
) -> None:
    h = make_harness(engine_server.base_url, tmp_path, timeout_s=0.3, turn_ceiling_s=0.6)
    try:
        await collect(h.conv.start())
        await collect(h.conv.handle(CLIP))
        engine_server.faults.slow_response_s = 3.0
        started = time.monotonic()
        credits = await collect(h.conv.credits())
        turn = await collect(h.conv.handle("add a title that says hello"))
        elapsed = time.monotonic() - started
    finally:
        engine_server.faults.reset()
        await h.aclose()
    assert notices(credits, "error") == [NetworkError().user_message()]
    assert notices(turn, "error")[0] == "The reply stream broke off. no reply within the 15-minute limit"
    # The turn is never re-sent; its recovery gives up after two unreadable state reads.
    assert "Couldn't read the project twice in a row, so I stopped checking." in notices(turn)
    # Every wait is bounded: credits is a GET, tried 3 times (0.3 s each; the backoff runs on the
    # fake clock); the turn stops at its 0.6 s ceiling; recovery makes two state reads of 3 tries
    # each after waits of 0.1 s and 0.25 s. About 3.7 s in all, and never a hang.
    budget = 3 * 0.3 + 0.6 + 2 * 3 * 0.3 + 0.1 + 0.25
    assert elapsed < budget + 1.5


async def test_a_stream_that_goes_quiet_stops_at_the_ceiling(
    engine_server: EngineServer, tmp_path: Path
) -> None:
    h = make_harness(engine_server.base_url, tmp_path, turn_ceiling_s=0.8)
    try:
        await collect(h.conv.start())
        engine_server.faults.slow_stream_s = 5.0
        started = time.monotonic()
        events = await asyncio.wait_for(collect(h.conv.handle(CLIP)), timeout=10)
        elapsed = time.monotonic() - started
    finally:
        engine_server.faults.reset()
        await h.aclose()
    assert (
        notices(events, "error")[0]
        == "The reply stream broke off. the reply took longer than the 15-minute limit"
    )
    assert elapsed < 4


async def test_a_malformed_frame_is_reported_and_the_rest_of_the_turn_arrives(
    harness: Harness, engine_server: EngineServer
) -> None:
    engine_server.faults.malformed_event = True
    events = await collect(harness.conv.handle(CLIP))
    [error] = notices(events, "error")
    assert error.startswith(
        "The reply stream broke off. The server sent a reply event that could not be read"
    )
    assert of(events, ReplyFinished)[0].text.endswith("not a neural model).")
    assert of(events, TimelineUpdated)[-1].summary == APPLIED


async def test_an_agent_error_is_said_in_words(harness: Harness, engine_server: EngineServer) -> None:
    engine_server.faults.agent_error = "render backend unavailable"
    events = await collect(harness.conv.handle(CLIP))
    assert [n for n in notices(events, "error")] == [
        "The reply stream broke off. The agent failed: RuntimeError: render backend unavailable"
    ]
    engine_server.faults.reset()
    await next_message_works(harness)
