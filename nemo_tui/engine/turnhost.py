"""Turns the engine owns: one turn per session at a time, turns that outlive their stream, and the
backend's own post-production after a generation.

`TurnHost` lives for the app's lifetime (opened in the lifespan). It holds

- a lock per session: a turn plans, generates and saves its draft under it, so two turns on one
  session run one after the other and the second sees the first one's clip (issue 9 item 4);
- a task group for detached turns (`EngineConfig.turns_detached`): the turn runs there and its
  events are relayed to the stream while someone listens; a stream that closes (client gone, or a
  drop fault) stops the relay, never the turn. Its clip lands in state and is charged once;
- post-production (`EngineConfig.post_production_s`): after a turn that generated a clip, the
  engine adds background music and a title on its own, like the cloud's second stage.

Shutting the engine down cancels the tasks; a cancelled turn refunds what it had reserved.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
from starlette.applications import Starlette

from ..protocol import AdkEvent
from . import lexicon as lx
from .agent import Call, Plan
from .edits import MUSIC_UNDER_SOUND_VOLUME, timeline_ms
from .sse import Emit, Producer
from .turns import Turn

log = logging.getLogger("nemo_tui.engine.turnhost")


class TurnHost:
    def __init__(self, max_turn_s: float) -> None:
        self.max_turn_s = max_turn_s
        self._locks: dict[str, anyio.Lock] = {}
        # Plain asyncio tasks rather than a task group held open across the lifespan: the lifespan's
        # start and end may run in different tasks (an ASGI test transport does that).
        # Each runs in its own anyio cancel scope, so closing cancels it the anyio way and the
        # shielded refund in Turn.run still happens.
        self._tasks: dict[asyncio.Task[None], anyio.CancelScope] = {}
        self._closed = False

    def spawn(self, fn: Callable[..., Awaitable[None]], *args: Any) -> None:
        if self._closed:
            return
        scope = anyio.CancelScope()

        async def hosted() -> None:
            with scope:
                await fn(*args)

        task = asyncio.get_running_loop().create_task(hosted())
        self._tasks[task] = scope
        task.add_done_callback(lambda t: self._tasks.pop(t, None))

    async def close(self) -> None:
        """Cancel what still runs and wait for it (a cancelled turn refunds its reservation)."""
        self._closed = True
        tasks = list(self._tasks.items())
        for _, scope in tasks:
            scope.cancel()
        if tasks:
            await asyncio.gather(*(task for task, _ in tasks), return_exceptions=True)

    def lock_for(self, session_id: str) -> anyio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = self._locks[session_id] = anyio.Lock()
        return lock

    def producer(self, turn: Turn, *, detached: bool) -> Producer:
        """The SSE producer for `turn`. Detached: the turn starts now as the engine's own task and the
        producer only relays its events; attached: the producer is the turn (a disconnect cancels it)."""
        turn.lock = self.lock_for(turn.session.session_id)
        if not detached:

            async def attached(emit: Emit) -> None:
                await turn.run(emit)
                self.after_turn(turn)

            return attached

        events_in, events_out = anyio.create_memory_object_stream[Any](max_buffer_size=math.inf)

        def feed(event: Any) -> None:
            # nobody listens any more: the turn goes on regardless
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                events_in.send_nowait(event)

        async def run_detached() -> None:
            async def emit(event: Any) -> None:
                feed(event)

            with events_in:
                try:
                    with anyio.fail_after(self.max_turn_s):
                        await turn.run(emit)
                except TimeoutError:
                    feed(
                        AdkEvent.error_payload(
                            "TimeoutError", f"the turn ran past {self.max_turn_s / 60:g} minutes"
                        )
                    )
                    return
                except Exception as exc:
                    log.exception("detached turn failed")
                    feed(AdkEvent.error_payload(type(exc).__name__, str(exc)))
                    return
            self.after_turn(turn)

        self.spawn(run_detached)

        async def relay(emit: Emit) -> None:
            with events_out:
                async for event in events_out:
                    await emit(event)

        return relay

    def after_turn(self, turn: Turn) -> None:
        delay = turn.config.post_production_s
        if delay is not None and turn.generated:
            self.spawn(self._post_production, turn, float(delay))

    async def _post_production(self, turn: Turn, delay_s: float) -> None:
        """The cloud's second stage: BGM under the whole timeline and a title over the first seconds."""
        try:
            await anyio.sleep(delay_s)
            lock = self.lock_for(turn.session.session_id)
            async with lock:
                fresh = await turn._db(
                    turn.store.get_session, turn.session.session_id, turn.session.client_id
                )
                if fresh is None:
                    return
                tracks = fresh.draft.get("t", [])
                calls: list[Call] = []
                if not any(t.get("tt") == 1 for t in tracks):
                    seconds = (timeline_ms(fresh.draft) / 1000) or 5.0
                    calls.append(
                        Call(
                            "set_background_music",
                            {
                                "style": lx.DEFAULT_STYLE,
                                "volume": MUSIC_UNDER_SOUND_VOLUME,
                                "duration": seconds,
                            },
                        )
                    )
                if not any(t.get("tt") == 7 for t in tracks):
                    title = post_production_title(turn.generated[-1])
                    calls.append(
                        Call(
                            "add_text",
                            {
                                "text": title,
                                "start_ms": 0,
                                "duration_ms": 3000,
                                "position": "center",
                                "color": "white",
                                "role": "title",
                            },
                        )
                    )
                if not calls:
                    return
                stage = Turn(
                    turn.store,
                    turn.config,
                    fresh,
                    Plan(calls=calls, language=fresh.language),
                    streaming=False,
                    silent=True,
                    rng=turn.rng,
                )

                async def discard(event: Any) -> None:
                    return None

                await stage._run(discard)
        except Exception:
            log.exception("post-production failed")


def post_production_title(prompt: str) -> str:
    words = prompt.strip() or "My video"
    return words if lx.has_cjk(words) else " ".join(w[:1].upper() + w[1:] for w in words.split())


@contextlib.asynccontextmanager
async def hosting(app: Starlette) -> AsyncIterator[TurnHost]:
    """Open the app's TurnHost for the lifespan; on the way out its tasks are cancelled (and awaited)."""
    host = TurnHost(app.state.engine.config.max_turn_s)
    app.state.turns = host
    try:
        yield host
    finally:
        await host.close()
