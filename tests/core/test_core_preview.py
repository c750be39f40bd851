"""Previews: a real render of the draft on the local engine, cached by the draft's hash, bounded."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.events import Notice, PreviewReady, Progress
from nemo_tui.core.frames import fit_poster, load_poster, write_poster
from nemo_tui.core.jobs import jobs_report
from nemo_tui.core.mp4info import read_mp4_info
from nemo_tui.core.preview import PreviewCache, segment_at
from nemo_tui.core.router import IntentKind, route
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer
from nemo_tui.protocol import Draft


async def collect(flow: AsyncIterator[Any]) -> list[Any]:
    return [event async for event in flow]


@pytest.fixture
async def conv(engine_server: EngineServer, tmp_path: Path) -> AsyncIterator[Conversation]:
    async with NemoClient(engine_server.base_url, poll_interval=0.05) as client:
        yield Conversation(
            client,
            Store(tmp_path / "app" / "nemo.db"),
            backend_key="local",
            export_dir=tmp_path / "exports",
            cache_dir=tmp_path / "cache",
        )


async def test_preview_renders_once_then_reuses_the_cached_file(conv: Conversation, tmp_path: Path) -> None:
    await collect(conv.handle("generate a 1 second video of a sunset over the sea"))
    first = await collect(conv.handle("preview"))
    ready = [e for e in first if isinstance(e, PreviewReady)]
    assert len(ready) == 1 and not ready[0].cached, first
    assert any(isinstance(e, Progress) and e.phase == "render" for e in first)
    path = ready[0].path
    assert path.parent == tmp_path / "cache" / "previews" and read_mp4_info(path).duration_s > 0.5
    assert ready[0].draft.tracks
    assert b"cabac=0" in path.read_bytes()  # the engine's fast preview encode (x264 ultrafast), not an export
    # The preview's render is a job in the jobs list, finished, naming its file; never resumed.
    previews = [j for j in jobs_report(conv.store).jobs if j.kind == "preview"]
    assert [(j.status, j.running, j.path, j.progress) for j in previews] == [("completed", False, path, 1.0)]
    assert previews[0].video_s == pytest.approx(1.0) and conv.waiting_on is None
    assert conv.store.pending_renders("local") == []

    started = time.monotonic()
    again = [e for e in await collect(conv.preview()) if isinstance(e, PreviewReady)]
    assert again[0].cached and again[0].path == path
    assert len([j for j in jobs_report(conv.store).jobs if j.kind == "preview"]) == 1  # no render: no job
    assert time.monotonic() - started < 1.0

    # A changed draft is a different preview.
    await collect(conv.handle("add a title 'Hello' for the first 1 seconds"))
    changed = [e for e in await collect(conv.handle("预览")) if isinstance(e, PreviewReady)]
    assert not changed[0].cached and changed[0].path != path


async def test_preview_of_nothing_says_so(conv: Conversation) -> None:
    events = await collect(conv.preview())
    assert [e.level for e in events if isinstance(e, Notice)] == ["warning"]
    assert not [e for e in events if isinstance(e, PreviewReady)]


def _mp4(folder: Path, name: str, size: int, age_s: float) -> Path:
    path = folder / f"{name}.mp4"
    path.write_bytes(b"\0" * size)
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_the_cache_drops_the_least_recently_played_over_its_budget(tmp_path: Path) -> None:
    cache = PreviewCache(tmp_path, max_bytes=2500)
    old, played, newer = _mp4(tmp_path, "old", 1000, 30), _mp4(tmp_path, "played", 1000, 20), None
    write_poster(cache.poster_for(old), np.zeros((4, 6, 3), np.uint8))
    assert cache.get("played") == played  # playing it makes it the newest
    newer = _mp4(tmp_path, "newer", 1000, 10)
    _mp4(tmp_path, "new", 1000, 0)
    cache.admit("new")
    assert sorted(p.name for p in tmp_path.glob("*.mp4")) == ["new.mp4", "played.mp4"]
    assert not old.exists() and not newer.exists()
    assert not cache.poster_for(old).exists()  # its first frame goes with it
    assert cache.get("old") is None


def test_a_kept_first_frame_fits_the_player_and_a_bad_one_is_none(tmp_path: Path) -> None:
    poster = tmp_path / "k.poster.npy"
    assert load_poster(poster) is None  # never kept
    picture = np.arange(4 * 8 * 3, dtype=np.uint8).reshape(4, 8, 3)
    write_poster(poster, picture)
    kept = load_poster(poster)
    assert kept is not None and np.array_equal(fit_poster(kept, 8, 4), picture)
    half = fit_poster(kept, 4, 2)  # the terminal got smaller since: every other pixel
    assert np.array_equal(half, picture[::2, ::2])
    poster.write_bytes(b"not numpy")
    assert load_poster(poster) is None
    write_poster(poster, np.zeros((4, 8), np.float32))  # not a picture
    assert load_poster(poster) is None
    assert not list(tmp_path.glob("*.part"))


def test_the_key_follows_the_draft_backend_and_quality() -> None:
    a = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "sea"}}]}]})
    b = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 2000, "m": {"name": "sea"}}]}]})
    keys = {
        PreviewCache.key(a, "local", "preview"),
        PreviewCache.key(b, "local", "preview"),
        PreviewCache.key(a, "cloud", "preview"),
        PreviewCache.key(a, "local", "high"),
    }
    assert len(keys) == 4 and PreviewCache.key(a, "local", "preview") == PreviewCache.key(
        a, "local", "preview"
    )


def test_segment_at_names_what_plays() -> None:
    draft = Draft.from_wire(
        {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "sea"}}, {"d": 1000, "m": {"name": "city"}}]}]}
    )
    assert [segment_at(draft, ms) for ms in (0, 999, 1000, 1999, 2000)] == ["sea", "sea", "city", "city", ""]


@pytest.mark.parametrize("text", ["preview", "play it", "预览", "播放", "please preview the video"])
def test_typed_preview_intents(text: str) -> None:
    assert route(text).kind is IntentKind.PREVIEW and route(text).confidence == "sure"


@pytest.mark.parametrize("text", ["don't preview yet", "add music and preview", "播放音乐"])
def test_preview_words_in_other_requests_go_to_the_agent(text: str) -> None:
    assert route(text).kind is IntentKind.CHAT
