"""Run slow backend work while the conversation keeps talking.

`Pump` runs one coroutine (a render wait, a download, an upload) or drains one async iterator (an
SSE turn) in a task. Whatever it reports through `emit` comes out of `events()` in order; when
nothing visible happened for `every` seconds (measured with the injected clock, checked on each
heartbeat and on a real-time wake-up), a StillWorking comes out. Closing the generator early
(cancellation) cancels the task, which closes the HTTP stream under it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..protocol import Heartbeat
from .events import StillWorking

T = TypeVar("T")
_DONE = object()


class Quiet(BaseModel):
    """Something happened that the person need not see (a heartbeat): check the clock only."""


class Pump(Generic[T]):
    def __init__(self, *, every: float, clock: Callable[[], float], still_text: str) -> None:
        self._every = every
        self._clock = clock
        self._still_text = still_text
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._outcome: tuple[T] | None = None  # (what the work returned,) once it has finished

    @property
    def result(self) -> T:
        """What the work returned (None for an iterator), once `events()` has run to its end."""
        if self._outcome is None:
            raise RuntimeError("the pump's work has not finished")
        return self._outcome[0]

    def emit(self, event: BaseModel) -> None:
        """Thread-unsafe on purpose: called from callbacks that run on the event loop."""
        self._queue.put_nowait(event)

    async def _drain(self, items: AsyncIterable[Any]) -> None:
        async for item in items:
            self._queue.put_nowait(item)

    async def events(self, work: Awaitable[T] | AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Yield what `work` emits (or, for an iterator, its items), then set `result`."""
        coro: Awaitable[Any] = self._drain(work) if isinstance(work, AsyncIterable) else work

        async def run() -> Any:
            try:
                return await coro
            finally:
                self._queue.put_nowait(_DONE)

        task = asyncio.ensure_future(run())
        last_visible = self._clock()
        # Wake up at least this often, so a silent stream (plain ADK sends nothing while a tool
        # runs) still gets its "still working" line.
        wake = max(min(self._every, 30.0), 0.01)
        try:
            while True:
                try:
                    item = await asyncio.wait_for(self._queue.get(), timeout=wake)
                except TimeoutError:
                    item = Quiet()
                if item is _DONE:
                    break
                if not isinstance(item, (Quiet, Heartbeat)):
                    last_visible = self._clock()
                    yield item
                elif self._clock() - last_visible >= self._every:
                    last_visible = self._clock()
                    yield StillWorking(text=self._still_text)
            self._outcome = (task.result(),)  # re-raises what the work raised
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
