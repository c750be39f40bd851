"""Preview benchmark: `python -m tests.bench_preview [--json]` (issue 11's figures; not a unit test).

halfblock   one 120x80 px frame of a real preview → ▀ Segments (median and worst over 60 decoded
            frames, the renderer's caches as a playing video leaves them). Target ≤ 5 ms.
f5_first    the real app on the real local engine (default quality: 1080p clips scaled, 30 fps)
            with a 10 s draft of two clips, a title and music: F5 → first frame on screen
            (render + download + first decode). Target ≤ 1.5 s. f5_again: the unchanged draft,
            from the cache. Target ≤ 0.3 s.
playback    frames drawn per second at 120x40 cells, first frame to last of the 10 s (the preview
            has 15 a second: 150 frames, fewer when frames are skipped); key latency: `.` pressed
            every 100 ms while playing, press → its handler; RSS growth over the playback, then
            over a minute of it (--loops more plays of the 10 s; rss_last_loops_mb: growth from the
            end of the first of those to the end of the last: 0 when memory is flat).
            Targets ≥ 15 fps, < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"halfblock_ms": 5.0, "f5_first_s": 1.5, "f5_again_s": 0.3, "fps": 15.0, "key_latency_ms": 50.0}
DRAFT = (
    "generate a 5-second video of a sunset over the sea",
    "generate a 5-second video of a city at night",
    "add a title 'Urban Dreams' for the first 3 seconds",
    "add some calm music",
)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


async def _halfblock(video: Path) -> dict[str, float]:
    from nemo_tui.core.frames import FrameSource
    from nemo_tui.core.halfblock import HalfBlockRenderer

    source, renderer, times = FrameSource(video, 120, 80, 15), HalfBlockRenderer(), []
    await source.seek(0)
    while len(times) < 60 and (frame := await source.read()) is not None:
        started = time.perf_counter()
        renderer.lines(frame.pixels)
        times.append((time.perf_counter() - started) * 1000)
    await source.close()
    return {"halfblock_ms": statistics.median(times), "halfblock_worst_ms": max(times)}


async def _app(root: Path, loops: int = 5) -> dict[str, float]:
    from nemo_tui.backend import LOOPBACK_RENDER_POLL_S
    from nemo_tui.client.nemo import NemoClient
    from nemo_tui.core.conversation import Conversation
    from nemo_tui.core.store import Store
    from nemo_tui.engine.runner import EngineServer
    from nemo_tui.ui.app import NemoApp
    from nemo_tui.ui.screens.player import PlayerScreen
    from nemo_tui.ui.widgets.frame_view import FrameView
    from nemo_tui.ui.widgets.prompt import PromptInput

    engine = EngineServer(root / "engine").start()
    try:
        # The poll cadence the app gives its own engine (backend.py), so F5 is timed as people get it.
        async with NemoClient(engine.base_url, poll_interval=LOOPBACK_RENDER_POLL_S) as client:
            conv = Conversation(
                client,
                Store(root / "nemo.db"),
                backend_key="local",
                export_dir=root,
                cache_dir=root / "cache",
            )
            app = NemoApp(conv, backend_label="local engine", local=True, environ={"USER": "bench"})
            async with app.run_test(size=(120, 42)) as pilot:

                async def until(condition, timeout_s: float = 120.0) -> None:
                    deadline = time.monotonic() + timeout_s
                    while not condition():
                        if time.monotonic() > deadline:
                            raise RuntimeError("timed out")
                        await asyncio.sleep(0.005)

                await until(lambda: not app.busy)
                for text in DRAFT:
                    app.query_one(PromptInput).load_text(text)
                    await pilot.press("enter")
                    await pilot.pause()
                    await until(lambda: not app.busy)

                def shown() -> int:
                    screen = app.screen
                    return screen.query_one(FrameView).frames_shown if isinstance(screen, PlayerScreen) else 0

                # When a frame reaches the view (its refresh follows within the same loop turn):
                # timed there, not when Pilot's press() returns (it also waits for the app to idle).
                presented: list[float] = []
                class_present = FrameView.present

                async def stamped_present(view, pixels) -> None:
                    await class_present(view, pixels)
                    presented.append(time.perf_counter())

                FrameView.present = stamped_present  # type: ignore[method-assign]
                out: dict[str, float] = {}
                for name in ("f5_first_s", "f5_again_s"):
                    presented.clear()
                    started = time.perf_counter()
                    await pilot.press("f5")
                    await until(lambda: shown() >= 1)
                    out[name] = presented[0] - started
                    if name == "f5_first_s":
                        await pilot.press("escape")
                        await until(lambda: not isinstance(app.screen, PlayerScreen) and not app.busy)
                FrameView.present = class_present  # type: ignore[method-assign]
                player = app.screen
                assert isinstance(player, PlayerScreen)
                rss_before, latencies = _rss_mb(), []
                original = player.action_step
                pressed = [0.0]

                def timed_step(frames: int) -> None:
                    latencies.append((time.perf_counter() - pressed[0]) * 1000)
                    player.playing = True  # `.` pauses; the benchmark keeps it playing

                player.action_step = timed_step  # type: ignore[method-assign]
                # When each frame reached the screen: the rate is frames over the time between the
                # first and the last (the polling loop's own tail after the video ends is not playback).
                view, drawn_at = player.query_one(FrameView), []
                present = view.present

                async def timed_present(pixels) -> None:
                    await present(pixels)
                    drawn_at.append(time.perf_counter())

                view.present = timed_present  # type: ignore[method-assign]
                started = time.perf_counter()
                while player.playing and time.perf_counter() - started < 15:
                    pressed[0] = time.perf_counter()
                    await pilot.press("full_stop")
                    await asyncio.sleep(0.1)
                player.action_step = original  # type: ignore[method-assign]
                out["fps"] = (len(drawn_at) - 1) / (drawn_at[-1] - drawn_at[0])
                out["frames_drawn"] = len(drawn_at)
                out["key_latency_ms"] = max(latencies)
                out["rss_growth_mb"] = _rss_mb() - rss_before
                # A minute of playing: the 10 s preview five more times from the start (Space at the
                # end starts it over), RSS after each; flat means the last ones add nothing.
                after_each = []
                for _ in range(loops):
                    await pilot.press("space")
                    await until(lambda: player.playing)
                    await until(lambda: not player.playing, timeout_s=30)
                    after_each.append(_rss_mb())
                if after_each:
                    out["rss_minute_mb"] = after_each[-1] - rss_before
                    out["rss_last_loops_mb"] = after_each[-1] - after_each[0]
                out["video"] = str(player.path)
                return out
    finally:
        engine.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--loops", type=int, default=5, help="plays of the preview after the timed one (memory over a minute)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nemo-bench-preview-") as tmp:
        results = asyncio.run(_app(Path(tmp), args.loops))
        results.update(asyncio.run(_halfblock(Path(str(results.pop("video"))))))
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            target = TARGETS.get(key)
            print(f"{key:20} {value:8.3f}" + (f"   target {target}" if target else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
