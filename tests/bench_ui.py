"""TUI benchmark: `python -m tests.bench_ui [--json] [--repeat N] [--strict]`.

  cold_start  process start → first paint (the app's on_ready) of `nemo-tui --local`, in a real
              pseudo-terminal, against a bare Textual hello-world app measured in the same run.
              Target: ≤ 0.5 s and ≤ 2× the hello-world. Median of --repeat runs (default 5).
  stream      5,000 ReplyDelta events streamed into the real app, flat out (bursts of 20 back to
              back) and paced (20 every 10 ms, a fast model), while a key is pressed every 5 ms;
              latency = press → the key's handler running; loop stall = how late the presser
              itself woke (a key typed then waited that long too). Target: both < 50 ms, every
              delta in the reply and its last word on screen.
  memory      a 1,000-message conversation (500 turns of you + reply) put through the app:
              mounted message widgets (capped), Python heap (tracemalloc) and process RSS growth.

The first paint is stamped by the app itself (NEMO_BENCH_READY_FILE, wall clock) and the hello-world
by the same hook, so both include interpreter start-up, imports and Textual's first layout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"cold_start_s": 0.5, "cold_start_ratio": 2.0, "key_latency_ms": 50.0}

HELLO_WORLD = """
import os, time
from textual.app import App
from textual.widgets import Footer, Label

class Hello(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]
    def compose(self):
        yield Label("Hello, world")
        yield Footer()
    def on_ready(self):
        with open(os.environ["NEMO_BENCH_READY_FILE"], "w") as f:
            f.write(repr(time.time()))

Hello().run()
"""


def _first_paint(argv: list[str], env: dict[str, str], timeout_s: float = 20.0) -> float:
    """Seconds from spawning `argv` in a 100x30 pseudo-terminal to the stamp its on_ready writes."""
    with tempfile.TemporaryDirectory() as tmp:
        stamp = Path(tmp) / "ready"
        env = {
            **env,
            "NEMO_BENCH_READY_FILE": str(stamp),
            "TERM": "xterm-256color",
            "COLUMNS": "100",
            "LINES": "30",
        }
        leader, follower = pty.openpty()
        os.set_blocking(leader, False)
        started = time.time()
        proc = subprocess.Popen(
            argv, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=tmp, start_new_session=True
        )
        os.close(follower)
        try:
            deadline = started + timeout_s
            while not stamp.exists() or not stamp.read_text():
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"{argv[-1]!r} never painted (exit {proc.returncode})")
                # Keep the terminal drained: a full pty buffer would stall the app's writes.
                if select.select([leader], [], [], 0.005)[0]:
                    with contextlib.suppress(OSError):
                        os.read(leader, 65536)
            return float(stamp.read_text()) - started
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            os.close(leader)


def bench_cold_start(repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HOME": home,
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_CONFIG_HOME": f"{home}/config",
            "NEMO_EXPORT_DIR": f"{home}/exports",
            "LANG": "en_US.UTF-8",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("NEMO_TOKEN", None)
        hello, app = [], []
        for _ in range(repeat):  # interleaved, so a busy moment hits both alike
            hello.append(_first_paint([sys.executable, "-c", HELLO_WORLD], env))
            app.append(_first_paint([sys.executable, "-m", "nemo_tui", "--local"], env))
    h, a = statistics.median(hello), statistics.median(app)
    return {
        "hello_world_s": round(h, 3),
        "app_s": round(a, 3),
        "ratio": round(a / h, 2),
        "app_max_s": round(max(app), 3),
    }


# ---- streaming -------------------------------------------------------------------------------------


class _StreamingConversation:
    """Yields one reply of `deltas` ReplyDelta events in network-sized bursts (`burst` deltas, then
    the loop gets a turn: what httpx-sse hands over per read), `pause_s` between bursts."""

    def __init__(self, deltas: int, *, burst: int = 20, pause_s: float = 0.0) -> None:
        self.deltas = deltas
        self.burst = burst
        self.pause_s = pause_s
        self.store = None

    async def start(self):
        return
        yield

    async def handle(self, text: str):
        from nemo_tui.core.events import ReplyDelta, ReplyFinished, ReplyStarted

        yield ReplyStarted()
        for i in range(self.deltas):
            yield ReplyDelta(text=f"w{i} ")
            if i % self.burst == self.burst - 1:
                await asyncio.sleep(self.pause_s)
        yield ReplyFinished(text="")

    async def _nothing(self, *args):
        return
        yield

    chat = export = upload = credits = show_state = new_session = _nothing


async def _stream(deltas: int, *, pause_s: float) -> dict[str, object]:
    """Press F9 every 5 ms while the reply streams; the latency is press → handler."""
    from textual import events
    from textual.binding import Binding

    from nemo_tui.ui.app import NemoApp
    from nemo_tui.ui.messages import PromptSubmitted

    latencies: list[float] = []
    pressed_at = [0.0]

    class Probe(NemoApp):
        BINDINGS = [*NemoApp.BINDINGS, Binding("f9", "probe", "probe", show=False, priority=True)]

        def action_probe(self) -> None:
            latencies.append(time.perf_counter() - pressed_at[0])

    app = Probe(
        _StreamingConversation(deltas, pause_s=pause_s),
        backend_label="bench",
        local=True,
        environ={"USER": "bench"},
        animate=False,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        started = time.perf_counter()
        app.post_message(PromptSubmitted("go"))
        await asyncio.sleep(0.005)
        stalls: list[float] = []
        while app.busy:
            # What the terminal driver does with a key: post it to the app's queue.
            pressed_at[0] = time.perf_counter()
            app.post_message(events.Key("f9", None))
            await asyncio.sleep(0.005)
            # A key that arrived while the loop was busy elsewhere waited this long as well.
            stalls.append(time.perf_counter() - pressed_at[0] - 0.005)
        elapsed = time.perf_counter() - started
        await pilot.pause(0.2)
        screen = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        reply = app.query_one("ChatLog").last_reply() or ""
    lat = sorted(latencies)
    return {
        "deltas": deltas,
        "stream_s": round(elapsed, 2),
        "presses": len(lat),
        "all_rendered": reply.split() == [f"w{i}" for i in range(deltas)] and f"w{deltas - 1}" in screen,
        "key_max_ms": round(lat[-1] * 1000, 1) if lat else -1.0,
        "key_p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1) if lat else -1.0,
        "loop_stall_max_ms": round(max(stalls, default=0.0) * 1000, 1),
    }


# ---- memory ----------------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _memory(messages: int) -> dict[str, float]:
    from nemo_tui.ui.app import NemoApp
    from nemo_tui.ui.widgets.chat_log import ChatLog

    reply = (
        "Done! I made a **10-second** city timelapse with a sunset, added *Lo-fi* music at 35% "
        'and the title "Urban Dreams". '
    ) * 3
    app = NemoApp(
        _StreamingConversation(0), backend_label="bench", local=True, environ={"USER": "bench"}, animate=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        chat = app.query_one(ChatLog)
        rss_before = _rss_mb()
        tracemalloc.start()
        for i in range(messages // 2):
            await chat.add_user(f"message {i}: make the title bigger and add a fade")
            await chat.finish_reply(reply)
        await pilot.pause()
        gc.collect()  # what is still alive, not what is waiting for the collector
        heap_now, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = _rss_mb()
        mounted = len(chat.children)
        kept = len(chat.transcript)
    return {
        "messages": messages,
        "kept_as_data": kept,
        "mounted_widgets": mounted,
        "heap_mb": round(heap_now / 2**20, 1),
        "heap_peak_mb": round(heap_peak / 2**20, 1),
        "rss_growth_mb": round(rss_after - rss_before, 1),
        "rss_mb": round(rss_after, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_ui", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=5, help="cold-start runs (median kept)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--only", choices=("cold_start", "stream", "memory"), action="append")
    args = parser.parse_args(argv)
    only = set(args.only or ("cold_start", "stream", "memory"))
    results: dict[str, dict] = {}
    if "cold_start" in only:
        results["cold_start"] = bench_cold_start(args.repeat)
    if "stream" in only:
        # Flat out (bursts back to back) and at a fast model's pace (~2,000 deltas/s).
        results["stream"] = asyncio.run(_stream(5000, pause_s=0.0))
        results["stream_paced"] = asyncio.run(_stream(5000, pause_s=0.01))
    if "memory" in only:
        results["memory"] = asyncio.run(_memory(1000))
    missed = []
    if "cold_start" in results:
        c = results["cold_start"]
        if c["app_s"] > TARGETS["cold_start_s"] or c["ratio"] > TARGETS["cold_start_ratio"]:
            missed.append("cold_start")
    for name in ("stream", "stream_paced"):
        s = results.get(name)
        if s and (
            max(s["key_max_ms"], s["loop_stall_max_ms"]) > TARGETS["key_latency_ms"]
            or not s["all_rendered"]
            or not s["presses"]
        ):
            missed.append(name)
    if args.json:
        print(json.dumps({"results": results, "targets": TARGETS, "missed": missed}, indent=2))
    else:
        print(f"{'benchmark':<12} {'figure':<16} {'value':>10}")
        for name, figures in results.items():
            for key, value in figures.items():
                print(f"{name:<12} {key:<16} {value!s:>10}")
        print("targets: first paint <= 0.5 s and <= 2x hello-world; key latency < 50 ms while streaming")
        print("missed: " + (", ".join(missed) if missed else "none"))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
