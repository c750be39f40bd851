"""The engine under load, on loopback: 20 sessions streaming turns at once and 5 renders at once.
Every turn completes, nothing crosses between sessions, memory stays bounded, a token reaches only
its own sessions."""

from __future__ import annotations

import asyncio
import gc
import resource
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability_helpers import Harness, collect, make_harness, notices, of

from nemo_tui.core.events import ExportDone, ReplyDelta, ReplyFinished, TimelineUpdated
from nemo_tui.engine.runner import EngineServer
from nemo_tui.loopback import is_loopback_host

SESSIONS = 20
RENDERS = 5
SUBJECTS = ["sunset", "ocean", "city", "rain", "snow", "stars", "fire", "forest", "desert", "mountains"]
# Growth of this process's RSS allowed across the load (the engine runs in it too). Measured on a
# warmed-up process at about 10-30 MB: 20 httpx clients with their pools and SSL contexts (~1 MB each),
# 20 app databases, the engine's per-request buffers. A leak of per-event or per-turn buffers over
# 40 streamed turns and 5 downloads would pass this only if it were under ~2 MB a turn.
RSS_GROWTH_LIMIT = 100 * 1024 * 1024


def rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize()
    except OSError:  # not Linux: the peak is an upper bound of the current size
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def word(i: int) -> str:
    return f"marker{i:02d}x"


async def session_work(h: Harness, i: int) -> list[Any]:
    events = await collect(h.conv.start())
    events += await collect(h.conv.handle(f"add a title that says {word(i)}"))
    events += await collect(h.conv.handle(f"generate a 1-second video of {SUBJECTS[i % len(SUBJECTS)]}"))
    return events


async def test_20_sessions_streaming_and_5_renders_at_once(
    engine_server: EngineServer, tmp_path: Path
) -> None:
    assert is_loopback_host(engine_server.host)
    with pytest.raises(ValueError):
        EngineServer(tmp_path / "x", host="0.0.0.0")  # the engine never listens beyond loopback

    warm = make_harness(engine_server.base_url, tmp_path / "warm")  # imports, ffmpeg, langdetect
    await session_work(warm, 99)
    assert of(await collect(warm.conv.export()), ExportDone)
    await warm.aclose()
    gc.collect()
    rss_before = rss_bytes()

    started = time.monotonic()
    harnesses = [make_harness(engine_server.base_url, tmp_path / f"s{i}") for i in range(SESSIONS)]
    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(session_work(h, i) for i, h in enumerate(harnesses))), timeout=60
        )
        exports = await asyncio.wait_for(
            asyncio.gather(*(collect(h.conv.export()) for h in harnesses[:RENDERS])), timeout=60
        )
        states = await asyncio.gather(*(collect(h.conv.show_state()) for h in harnesses))
    finally:
        await asyncio.gather(*(h.aclose() for h in harnesses))
    elapsed = time.monotonic() - started

    words = {word(i) for i in range(SESSIONS)}
    for i, events in enumerate(results):
        assert notices(events, "error") == [], (i, notices(events, "error"))
        replies = [r.text for r in of(events, ReplyFinished)]
        assert len(replies) == 2  # every turn completed
        # The streamed deltas rebuild exactly the replies: nothing lost, nothing from elsewhere.
        assert "".join(d.text for d in of(events, ReplyDelta)) == "".join(replies)
        assert word(i) in replies[0] and SUBJECTS[i % len(SUBJECTS)] in replies[1]
        assert not any(w in "".join(replies) for w in words - {word(i)})
        summary = of(states[i], TimelineUpdated)[-1].summary
        assert word(i) in summary and not any(w in summary for w in words - {word(i)})
    sessions = {h.client.session.session_id for h in harnesses}
    assert len(sessions) == SESSIONS
    for events in exports:
        assert len(of(events, ExportDone)) == 1, notices(events)
        [done] = of(events, ExportDone)
        assert done.size_bytes > 0 and done.duration_s == pytest.approx(3.0, abs=0.3)
    assert len({of(e, ExportDone)[0].path for e in exports}) == RENDERS
    assert elapsed < 60

    del results, exports, states, harnesses
    gc.collect()
    growth = rss_bytes() - rss_before
    print(f"RSS growth under load: {growth / 2**20:.1f} MB")
    assert growth < RSS_GROWTH_LIMIT, f"RSS grew {growth / 2**20:.0f} MB"


async def test_a_token_reaches_only_its_own_sessions(engine_server: EngineServer, tmp_path: Path) -> None:
    alice, bob = (make_harness(engine_server.base_url, tmp_path / n) for n in ("alice", "bob"))
    try:
        await collect(bob.conv.start())
        await collect(bob.conv.handle("add a title that says private"))
        bob_render = of(await collect(bob.conv.export()), ExportDone)
        assert bob_render
        await collect(alice.conv.start())
        await collect(alice.conv.handle("add a title that says mine"))
        bob_sid = bob.client.session.session_id
        alice_token = alice.client._token.get_secret_value()
        with sqlite3.connect(bob.store.path) as db:
            [(bob_job_id,)] = db.execute("SELECT job_id FROM render_jobs WHERE kind = 'export'").fetchall()
    finally:
        await alice.aclose()
        await bob.aclose()
    run = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": bob_sid,
        "new_message": {"parts": [{"text": "remove the title"}]},
    }
    render = {"id": "render_steal", "sessionId": bob_sid, "draft": {"t": [{"tt": 7, "sg": [{"d": 1000}]}]}}
    attempts = [
        ("GET", f"/api/state/nemo_agent/me/{bob_sid}/latest", None),
        ("POST", "/run_sse", run),
        ("POST", f"/api/upload-video/nemo_agent/me/{bob_sid}", {"urls": ["https://example.com/a.mp4"]}),
        ("POST", "/api/render/proxy/lambda", render),
        ("GET", f"/api/render/proxy/lambda/{bob_job_id}", None),
    ]
    headers = {
        "X-Skill-Source": "sora-video-generation",
        "X-Skill-Version": "1",
        "X-Skill-Platform": "unknown",
    }
    async with httpx.AsyncClient(base_url=engine_server.base_url, trust_env=False) as raw:
        for who, auth in [
            ("alice", f"Bearer {alice_token}"),
            ("nobody", None),
            ("forger", "Bearer nemo_local_x"),
        ]:
            for method, path, body in attempts:
                sent = {**headers, **({"Authorization": auth} if auth else {})}
                answer = await raw.request(method, path, json=body, headers=sent)
                code = answer.json()["code"]
                expected = {"alice": {1002, 4004}, "nobody": {1001}, "forger": {1001}}[who]
                assert code in expected, (who, method, path, answer.status_code, code)
                assert "private" not in answer.text
    # Bob's timeline is untouched by all of that.
    bob_again = make_harness(engine_server.base_url, tmp_path / "bob")
    try:
        state = await collect(bob_again.conv.start())
    finally:
        await bob_again.aclose()
    assert 'Title: "private"' in of(state, TimelineUpdated)[0].summary


async def test_two_people_exporting_in_the_same_millisecond_both_get_their_video(
    engine_server: EngineServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    import nemo_tui.client.nemo as client_nemo

    a, b = (make_harness(engine_server.base_url, tmp_path / n) for n in ("a", "b"))
    try:
        for h, text in ((a, "add a title that says first"), (b, "add a title that says second")):
            await collect(h.conv.start())
            await collect(h.conv.handle(text))
        # Both clients see the same clock: both ask for the same `render_<ms>` id.
        monkeypatch.setattr(client_nemo, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0))
        first = await collect(a.conv.export())
        second = await collect(b.conv.export())
        pending = [h.store.pending_renders("local") for h in (a, b)]
    finally:
        await a.aclose()
        await b.aclose()
    assert notices(first, "error") == [] and notices(second, "error") == []
    assert of(first, ExportDone) and of(second, ExportDone)
    assert pending == [[], []]
