"""StillWorking while the backend is silent, and cancellation closing the work under it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from nemo_tui.core.events import StillWorking
from nemo_tui.core.pump import Pump
from nemo_tui.protocol import Heartbeat, TextDelta


async def test_a_silent_stream_still_gets_still_working() -> None:
    async def silent() -> AsyncIterator[TextDelta]:
        await asyncio.sleep(0.25)  # plain ADK sends nothing at all while a tool runs
        yield TextDelta(text="done")

    pump: Pump[None] = Pump(
        every=0.05, clock=asyncio.get_running_loop().time, still_text="⏳ Still working..."
    )
    events = [e async for e in pump.events(silent())]
    assert isinstance(events[0], StillWorking) and events[-1] == TextDelta(text="done")
    assert 2 <= sum(isinstance(e, StillWorking) for e in events) <= 6


async def test_heartbeats_are_not_shown_but_visible_output_resets_the_clock() -> None:
    now = [0.0]

    async def stream() -> AsyncIterator[object]:
        for step in (50, 80, 0, 50, 80):  # the clock moves; 0 marks a text delta
            await asyncio.sleep(0.01)  # let the conversation look at each event as it comes
            now[0] += step or 10
            yield Heartbeat() if step else TextDelta(text="x")

    pump: Pump[None] = Pump(every=120, clock=lambda: now[0], still_text="still")
    kinds = [type(e).__name__ for e in [e async for e in pump.events(stream())]]
    # 130 s of heartbeats → one StillWorking; the delta restarts the count; 130 s more → another.
    assert kinds == ["StillWorking", "TextDelta", "StillWorking"]


async def test_result_and_errors_of_a_coroutine() -> None:
    async def work(pump: Pump[int]) -> int:
        pump.emit(TextDelta(text="half"))
        return 42

    pump: Pump[int] = Pump(every=60, clock=lambda: 0.0, still_text="")
    assert [e async for e in pump.events(work(pump))] == [TextDelta(text="half")]
    assert pump.result == 42

    async def boom() -> int:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        [e async for e in Pump(every=60, clock=lambda: 0.0, still_text="").events(boom())]


async def test_closing_early_cancels_the_work() -> None:
    cancelled = asyncio.Event()

    async def endless() -> AsyncIterator[TextDelta]:
        try:
            while True:
                yield TextDelta(text="x")
                await asyncio.sleep(0.01)
        finally:
            cancelled.set()

    events = Pump(every=60, clock=lambda: 0.0, still_text="").events(endless())
    assert await events.__anext__() == TextDelta(text="x")
    await events.aclose()
    await asyncio.wait_for(cancelled.wait(), 1)
