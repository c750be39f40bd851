"""The Conversation end to end: real NemoClient ↔ real local engine over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import av
import pytest

from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.events import (
    Activity,
    ConfirmNeeded,
    CreditsUpdated,
    ExportDone,
    Notice,
    Progress,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    SessionChanged,
    StillWorking,
    TimelineUpdated,
    UploadDone,
)
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer
from nemo_tui.protocol import SUPPORTED_FORMATS, ExportBlocked, FileTooLarge, UnsupportedFile

SUNSET = "generate a 2-second video of a sunset"


async def collect(flow: AsyncIterator[Any]) -> list[Any]:
    return [event async for event in flow]


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def errors(events: list[Any]) -> list[str]:
    return [e.text for e in of(events, Notice) if e.level == "error"]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "app" / "nemo.db")


@pytest.fixture
async def client(engine_server: EngineServer) -> AsyncIterator[NemoClient]:
    async with NemoClient(engine_server.base_url, poll_interval=0.05, retry_after_429_s=0.0) as c:
        yield c


@pytest.fixture
def conv(client: NemoClient, store: Store, tmp_path: Path) -> Conversation:
    return Conversation(client, store, backend_key="local", export_dir=tmp_path / "exports", cwd=tmp_path)


async def test_start_then_chat_turn_streams_and_finishes(conv: Conversation, store: Store) -> None:
    start = await collect(conv.start())
    assert next(e.text for e in of(start, Notice)) == "Setting up..."
    assert of(start, CreditsUpdated)[0].credits.available == 100

    events = await collect(conv.handle(SUNSET))
    assert isinstance(events[0], SessionChanged) and not events[0].resumed
    assert isinstance(events[1], ReplyStarted)
    deltas = of(events, ReplyDelta)
    assert len(deltas) > 1  # streamed, not one lump
    finished = of(events, ReplyFinished)
    assert len(finished) == 1 and finished[0].text == "".join(d.text for d in deltas)
    assert "sunset" in finished[0].text
    labels = {a.label for a in of(events, Activity)}
    assert labels == {"Generating video…"}  # words, never the tool's raw name
    timeline = of(events, TimelineUpdated)[-1]
    assert timeline.summary == "Timeline (1 track): 1. Video: sunset (0-2s)"
    assert timeline.changes == 'Added a 2 s video "sunset"; duration 0 s → 2 s.'
    assert of(events, CreditsUpdated)[-1].credits.available < 100
    assert not errors(events)

    history = store.messages(events[0].session_id)
    assert [(m.role, m.text) for m in history] == [("user", SUNSET), ("assistant", finished[0].text)]


async def test_silent_turn_summarises_what_changed(conv: Conversation, engine_server: EngineServer) -> None:
    engine_server.config.silent_turns = "always"
    events = await collect(conv.handle(SUNSET))
    assert of(events, ReplyDelta) == []
    assert of(events, TimelineUpdated)[-1].summary == "Timeline (1 track): 1. Video: sunset (0-2s)"
    finished = of(events, ReplyFinished)
    assert finished[-1].text == 'Done. Added a 2 s video "sunset"; duration 0 s → 2 s.'


async def test_chinese_messages_get_chinese_app_text(conv: Conversation) -> None:
    await collect(conv.handle("生成一个2秒的日落视频"))
    events = await collect(conv.handle("积分"))
    assert of(events, Notice)[-1].text.startswith("积分：可用 ")


async def test_export_writes_a_playable_mp4(conv: Conversation, store: Store, tmp_path: Path) -> None:
    await collect(conv.handle(SUNSET))
    events = await collect(conv.handle("export"))
    assert not errors(events), errors(events)
    done = of(events, ExportDone)[0]
    assert done.path.parent == tmp_path / "exports" and done.path.suffix == ".mp4"
    assert done.size_bytes == done.path.stat().st_size > 0
    assert done.duration_s == pytest.approx(2.0, abs=0.2)
    with av.open(str(done.path)) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (done.width, done.height)
        assert container.duration / 1e6 == pytest.approx(2.0, abs=0.2)
    assert {p.phase for p in of(events, Progress)} >= {"render", "download"}
    assert of(events, Notice)[-1].text.startswith(f"Saved {done.path} (2 s, ")
    # No .part left behind: the MP4 and the record beside it (issue 14), nothing else.
    assert sorted(p.name for p in done.path.parent.iterdir()) == [done.path.name, done.path.name + ".json"]
    assert store.pending_renders("local") == []


async def test_export_of_an_empty_timeline_says_so(conv: Conversation) -> None:
    await collect(conv.handle("status"))  # makes the session, draws nothing
    events = await collect(conv.handle("export"))
    assert [e.text for e in of(events, Notice)] == [
        "Nothing to export yet: the timeline is empty. Describe a video first."
    ]
    assert of(events, ExportDone) == []


async def test_export_blocked_is_a_plan_message(conv: Conversation, engine_server: EngineServer) -> None:
    await collect(conv.handle(SUNSET))
    engine_server.faults.block_export = True
    events = await collect(conv.handle("导出"))
    assert errors(events) == [ExportBlocked().user_message("zh")] == ["请注册或升级套餐以解锁导出。"]


async def test_a_failed_render_is_retried_once_under_a_new_id_then_reported(
    client: NemoClient, store: Store, tmp_path: Path, engine_server: EngineServer
) -> None:
    # The polling cadence is the client's (wait_for_render, tested there); here: progress shows,
    # a `failed` render is retried once with a new id (recorded), and the second failure is said.
    conv = Conversation(client, store, backend_key="local", export_dir=tmp_path)
    await collect(conv.handle(SUNSET))
    engine_server.faults.slow_render_s = 0.4
    engine_server.faults.fail_render = "GPU node fell over"
    events = await collect(conv.export())
    assert errors(events) == ["The export failed on the server. GPU node fell over"]
    assert "The render failed on the server (GPU node fell over); trying once more with a new render." in [
        e.text for e in of(events, Notice)
    ]
    fractions = [p.fraction for p in of(events, Progress) if p.phase == "render"]
    assert len(fractions) >= 3 and max(f or 0 for f in fractions) > 0
    # (render_jobs also lists the turn's generation since issue 14: only the export's rows here)
    rows = {
        r["job_id"]: r["status"]
        for r in store._read("SELECT job_id, status FROM render_jobs WHERE kind = 'export'")
    }
    assert sorted(rows.values()) == ["failed", "retried"] and len(rows) == 2  # two ids, both closed
    assert store.pending_renders("local") == []  # a failed job is not retried forever


async def test_pending_render_is_resumed_on_next_start(
    client: NemoClient, store: Store, tmp_path: Path, engine_server: EngineServer
) -> None:
    first = Conversation(client, store, backend_key="local", export_dir=tmp_path / "exports")
    await collect(first.handle(SUNSET))
    job = await client.start_render()  # as if the app quit right after starting an export
    dest = tmp_path / "exports" / "resumed.mp4"
    store.save_render(job.id, client.session.session_id, "local", dest)  # type: ignore[union-attr]
    again = Conversation(client, store, backend_key="local", export_dir=tmp_path / "exports")
    events = await collect(again.start())
    assert of(events, SessionChanged)[0].resumed
    assert of(events, TimelineUpdated)[0].summary == "Timeline (1 track): 1. Video: sunset (0-2s)"
    assert of(events, ExportDone)[0].path == dest and dest.stat().st_size > 0
    assert store.pending_renders("local") == []


async def test_upload_a_real_file(conv: Conversation, tmp_path: Path) -> None:
    image = tmp_path / "my logo.png"
    with av.open(str(tmp_path / "probe.png"), "w", format="image2") as out:  # a real tiny PNG
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "rgb24"
        import numpy as np

        frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), dtype=np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    (tmp_path / "probe.png").rename(image)
    events = await collect(conv.handle(f"'{image}'"))  # dropped with quotes, as terminals do
    assert not errors(events), errors(events)
    assert of(events, UploadDone)[0].media
    assert of(events, Progress)[-1].fraction == 1.0
    assert of(events, Notice)[-1].level == "success"


async def test_upload_missing_unsupported_and_too_large(conv: Conversation, tmp_path: Path) -> None:
    events = await collect(conv.handle("/tmp/nope-not-here/clip.mp4"))
    assert errors(events) == [
        "There is no file at /tmp/nope-not-here/clip.mp4. Check the path and try again."
    ]
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    events = await collect(conv.upload(notes))
    assert errors(events) == [UnsupportedFile().user_message("en")]
    assert all(fmt in errors(events)[0] for fmt in SUPPORTED_FORMATS)
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as f:  # sparse: 201 MB on paper, nothing on disk
        f.truncate(201 * 1024 * 1024)
    events = await collect(conv.upload(huge))
    assert errors(events) == [FileTooLarge().user_message("en")]
    assert of(events, UploadDone) == []


async def test_upload_without_a_path_explains(conv: Conversation) -> None:
    events = await collect(conv.handle("upload"))
    assert [e.text for e in of(events, Notice)] == ["Which file? Paste its path or drag it into this window."]


async def test_near_miss_asks_first(conv: Conversation) -> None:
    events = await collect(conv.handle("how do I export?"))
    assert [(e.question, e.action) for e in of(events, ConfirmNeeded)] == [("Export now?", "export")]
    assert of(events, Progress) == [] and of(events, ReplyStarted) == []


async def test_declined_confirmation_goes_to_the_agent(conv: Conversation, store: Store) -> None:
    asked = await collect(conv.handle("export settings"))
    assert of(asked, ConfirmNeeded)[0].question == "Export now?"
    events = await collect(conv.chat("export settings"))  # the person said no: it is a chat
    assert of(events, ReplyStarted) and of(events, ReplyFinished)[0].text
    sid = of(asked, SessionChanged)[0].session_id
    assert [m.role for m in store.messages(sid)] == ["user", "assistant"]


async def test_credits(conv: Conversation) -> None:
    events = await collect(conv.handle("balance"))
    assert of(events, CreditsUpdated)[0].credits.available == 100
    assert of(events, Notice)[0].text == "Credits: 100 available, 0 reserved, 100 in total."


async def test_no_credits_shows_the_registration_link(
    conv: Conversation, engine_server: EngineServer
) -> None:
    engine_server.faults.no_credits = True
    events = await collect(conv.handle(SUNSET))
    [message] = errors(events)
    assert message.startswith("You're out of free credits. Register to get more: ")
    assert "bind=" in message


@pytest.mark.parametrize(
    "fault", [{"agent_error": "render backend unavailable"}, {"drop_stream_after_events": 3}]
)
async def test_broken_stream_says_so_and_the_next_message_works(
    conv: Conversation, engine_server: EngineServer, fault: dict[str, Any]
) -> None:
    engine_server.faults.update(fault)
    events = await collect(conv.handle(SUNSET))
    assert errors(events) and errors(events)[0].startswith("The reply stream broke off.")
    assert of(events, TimelineUpdated)  # the state was polled to show what got applied
    warning = [e.text for e in of(events, Notice) if e.level == "warning"]
    assert warning and ("broke off" in warning[0])
    engine_server.faults.reset()
    events = await collect(conv.handle("add a title 'Hello' for 1 second"))
    assert not errors(events) and of(events, ReplyFinished)


async def test_lost_session_is_replaced_and_remembered(
    conv: Conversation, engine_server: EngineServer, store: Store
) -> None:
    first = of(await collect(conv.handle(SUNSET)), SessionChanged)[0].session_id
    engine_server.faults.lose_sessions_once = 1
    events = await collect(conv.handle("add a title 'Hello' for 1 second"))
    assert not errors(events)
    renewed = of(events, SessionChanged)
    assert renewed and renewed[0].session_id != first
    assert store.last_session("local").session_id == renewed[0].session_id  # type: ignore[union-attr]


async def test_expired_tokens_everywhere_is_a_clear_error(
    conv: Conversation, engine_server: EngineServer
) -> None:
    engine_server.faults.expire_tokens = True
    events = await collect(conv.start())
    assert errors(events) == ["Your access token is invalid or expired, and getting a new one failed."]


async def test_rate_limit_is_retried_once(conv: Conversation, engine_server: EngineServer) -> None:
    engine_server.faults.rate_limit_once = 1
    assert not errors(await collect(conv.credits()))
    engine_server.faults.rate_limit_once = 2
    events = await collect(conv.credits())
    assert errors(events) == [
        "The server is rate-limiting this client (one new token per client every 7 days). "
        "Tried again after 30 seconds and it still refused; try again later."
    ]


async def test_still_working_on_a_slow_turn(
    client: NemoClient, store: Store, tmp_path: Path, engine_server: EngineServer
) -> None:
    engine_server.config.heartbeat_s = 0.02
    engine_server.faults.slow_stream_s = 0.3
    ticks = iter(range(0, 10**6, 100))  # each look at the clock is 100 s later
    conv = Conversation(
        client,
        store,
        backend_key="local",
        export_dir=tmp_path,
        still_working_every=120,
        clock=lambda: next(ticks),
    )
    events = await collect(conv.handle(SUNSET))
    still = of(events, StillWorking)
    assert still and still[0].text == "⏳ Still working..."
    assert of(events, ReplyFinished)


async def test_new_session(conv: Conversation, store: Store) -> None:
    first = of(await collect(conv.handle(SUNSET)), SessionChanged)[0].session_id
    events = await collect(conv.new_session())
    second = of(events, SessionChanged)[0].session_id
    assert second != first and store.last_session("local").session_id == second  # type: ignore[union-attr]
    assert of(events, TimelineUpdated)[0].summary == "Timeline is empty."
    assert of(await collect(conv.show_state()), Notice)[0].text == "Timeline is empty."


async def test_start_reopens_the_last_session_or_replaces_a_lost_one(
    client: NemoClient, store: Store, tmp_path: Path, engine_server: EngineServer
) -> None:
    first = Conversation(client, store, backend_key="local", export_dir=tmp_path)
    start = await collect(first.start())
    assert "Ready. Describe the video you want." in [e.text for e in of(start, Notice)]
    sid = of(await collect(first.handle(SUNSET)), SessionChanged)[0].session_id

    reopened = await collect(Conversation(client, store, backend_key="local", export_dir=tmp_path).start())
    assert [(e.session_id, e.resumed) for e in of(reopened, SessionChanged)] == [(sid, True)]
    assert "Reopened your last project." in [e.text for e in of(reopened, Notice)]
    assert of(reopened, TimelineUpdated)[0].summary == "Timeline (1 track): 1. Video: sunset (0-2s)"
    other_backend = await collect(
        Conversation(client, store, backend_key="cloud", export_dir=tmp_path).start()
    )
    assert of(other_backend, SessionChanged) == []  # sessions are per backend

    engine_server.faults.lose_sessions_once = 1
    replaced = await collect(Conversation(client, store, backend_key="local", export_dir=tmp_path).start())
    [changed] = of(replaced, SessionChanged)
    assert changed.session_id != sid and not changed.resumed
    assert of(replaced, TimelineUpdated) == []  # the new session is empty
    assert store.last_session("local").session_id == changed.session_id  # type: ignore[union-attr]


async def test_server_refusing_a_file_shows_the_supported_formats(conv: Conversation, tmp_path: Path) -> None:
    fake = tmp_path / "clip.mp4"  # the right name, but not a video inside: only the server can tell
    fake.write_bytes(b"this is not a video at all" * 40)
    events = await collect(conv.upload(fake))
    assert errors(events) == [UnsupportedFile().user_message("en")]
    assert of(events, UploadDone) == []
