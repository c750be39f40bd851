"""Running one `/run_sse` turn: the agent's plan becomes ADK events, draft edits and media.

Event order follows PROTOCOL.md: the reply's text as `partial` deltas, then each tool as a
functionCall event and a functionResponse event whose `actions.stateDelta.draft` holds the new
draft (wire keys), then one non-partial event with the whole text. A silent turn sends only the
tool events. The draft is saved after every tool, so a stream that breaks leaves the state as far
as it got; the draft from before the turn goes on the undo stack once.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel

from ..protocol import AdkEvent
from . import edits, edits_items
from .agent import Call, Plan, plan_turn
from .api import in_thread
from .config import EngineConfig
from .media.proxy import proxy_path
from .sse import CUT_STREAM, Emit
from .store import EngineSession, EngineStore

# Generation is CPU-heavy: one clip or track at a time, in a worker thread.
GENERATION_SLOTS = anyio.CapacityLimiter(1)
GENERATING = ("generate_video", "regenerate_video")  # the tools that draw a clip, charged by its seconds


def text_chunks(text: str) -> list[str]:
    """Deltas the way a model streams them: a few words (or CJK characters) at a time."""
    if not text:
        return []
    pieces = (
        re.findall(r"\S+\s*|\s+", text) if " " in text else [text[i : i + 6] for i in range(0, len(text), 6)]
    )
    return ["".join(pieces[i : i + 3]) for i in range(0, len(pieces), 3)]


def generation_size(width: int, height: int, max_height: int) -> tuple[int, int]:
    """Procedural clips are drawn at reduced size (even numbers, for yuv420p): at most `max_height`
    pixels on the short side, so a portrait clip is as sharp as a landscape one."""
    scale = min(1.0, max_height / min(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


@dataclass
class Turn:
    store: EngineStore
    config: EngineConfig
    session: EngineSession
    plan: Plan
    streaming: bool
    silent: bool
    rng: random.Random
    frozen_credits: float = 0.0
    # One turn per session at a time: the session's lock, held from planning to the last tool. A turn
    # that waited for it plans again from the message `text` against the draft the other turn left.
    lock: anyio.Lock | None = None
    text: str = ""
    generated: list[str] = field(default_factory=list)  # prompts of the clips this turn added

    async def run(self, emit: Emit) -> None:
        try:
            if self.lock is None:
                await self._run(emit)
            else:
                async with self.lock:
                    if await self._replan(emit):
                        await self._run(emit)
        finally:
            if self.frozen_credits > 0:  # the turn failed or was cut off before generating it all
                # Shielded: a client disconnect cancels the turn, and the refund must still happen.
                with anyio.CancelScope(shield=True):
                    await self._db(
                        self.store.settle_credits, self.session.client_id, self.frozen_credits, spent=False
                    )
                self.frozen_credits = 0.0

    async def _replan(self, emit: Emit) -> bool:
        """Under the session's lock: when another turn changed the draft since this one was planned,
        plan again against it and re-reserve the credits. False when the balance no longer covers it."""
        fresh = await self._db(self.store.get_session, self.session.session_id, self.session.client_id)
        if fresh is None:
            return True
        self.session = fresh
        if not self.text:
            return True
        # Always planned again here, even when nothing changed: only now are the undo and redo
        # stacks read, which say how many steps there are and what "it" (the last edit) is.
        uploads = await self._db(self.store.session_media, fresh.session_id, "upload")
        plan = plan_turn(
            self.text,
            fresh.draft,
            uploads,
            can_undo=bool(fresh.undo_stack),
            ask_on_ambiguous=self.config.ask_on_ambiguous,
            undo_depth=len(fresh.undo_stack),
            redo_depth=len(fresh.redo_stack),
            previous=fresh.undo_stack[-1] if fresh.undo_stack else None,
        )
        more = plan.generate_seconds - self.frozen_credits
        if more > 0 and not await self._db(self.store.freeze_credits, self.session.client_id, more):
            await emit(
                AdkEvent.error_payload(
                    "NotEnoughCredits",
                    f"Not enough credits: {plan.generate_seconds:g} "
                    f"seconds of video cost {plan.generate_seconds:g} credits.",
                )
            )
            return False
        if more < 0:
            await self._db(self.store.settle_credits, self.session.client_id, -more, spent=False)
        self.frozen_credits = plan.generate_seconds
        self.plan = plan
        return True

    async def _run(self, emit: Emit) -> None:
        invocation = "e-" + uuid.uuid4().hex
        reply = self.plan.notice if self.silent else self.plan.reply
        if reply and self.streaming:
            for chunk in text_chunks(reply):
                await emit(AdkEvent.text_event(invocation, chunk, partial=True))
        if self.plan.question is not None:  # ask_question: the agent stops and asks; nothing is done
            await emit(
                AdkEvent.call_event(
                    invocation, "fc-" + uuid.uuid4().hex[:12], "ask_question", self.plan.question
                )
            )
            if reply:
                await emit(AdkEvent.text_event(invocation, reply))
            return
        if self.config.faults.agent_error:
            await emit(AdkEvent.error_payload("RuntimeError", self.config.faults.agent_error))
            return
        draft = self.session.draft
        before_turn: dict[str, Any] | None = draft
        for call in self.plan.calls:
            call_id = "fc-" + uuid.uuid4().hex[:12]
            await emit(AdkEvent.call_event(invocation, call_id, call.name, call.args))
            if call.name in GENERATING and self.config.faults.drop_stream_during_generation:
                await emit(CUT_STREAM)
            new_draft, response, history = await self._tool(call, draft)
            delta: dict[str, Any] = {}
            if new_draft is not None and new_draft != draft:
                if history:  # "undo" or "redo": move between the stacks, push nothing new
                    await self._db(
                        self.store.save_draft,
                        self.session.session_id,
                        new_draft,
                        undoable_from=None,
                        pop_undo=history == "undo",
                        pop_redo=history == "redo",
                    )
                else:
                    await self._db(
                        self.store.save_draft, self.session.session_id, new_draft, undoable_from=before_turn
                    )
                    before_turn = None
                draft = new_draft
                delta = {"draft": draft}
            await emit(AdkEvent.response_event(invocation, call_id, call.name, response, state_delta=delta))
        if reply:
            await emit(AdkEvent.text_event(invocation, reply))

    _db = staticmethod(in_thread)  # store calls run in a worker thread, as everywhere in the engine

    async def _tool(
        self, call: Call, draft: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, dict[str, Any], str]:
        """(new draft or None, the tool's response, "undo" / "redo" / "" for an edit)."""
        args = call.args
        if call.name in edits_items.TOOLS:
            return (*edits_items.apply(draft, call.name, args), "")
        if call.name == "set_aspect_ratio":
            return (*edits.set_aspect_ratio(draft, args["ratio"]), "")
        if call.name == "generate_video":
            return (*await self._generate_video(draft, args["prompt"], float(args["duration"])), "")
        if call.name == "regenerate_video":
            return (
                *await self._regenerate_video(
                    draft, int(args["index"]), args["prompt"], float(args["duration"])
                ),
                "",
            )
        if call.name == "set_background_music":
            return (*await self._music(draft, args.get("style"), float(args["volume"])), "")
        if call.name == "remove_background_music":
            return (*edits.remove_tracks(draft, kind=1), "")
        if call.name == "add_text":
            return (*edits.add_text(draft, **args), "")
        if call.name == "set_duration":
            return (*edits.set_duration(draft, int(float(args["seconds"]) * 1000)), "")
        if call.name == "remove_track":
            return (*edits.remove_tracks(draft, kind=args.get("kind"), index=args.get("index")), "")
        if call.name == "use_upload":
            media = await self._db(self.store.get_media, args["media_id"])
            if media is None:
                return None, {"status": "error", "message": "that upload is gone"}, ""
            return (
                *edits.add_video_segment(
                    draft,
                    source=media["media_id"],
                    name=media["name"],
                    duration_ms=media["duration_ms"] or 5000,
                    kind=media["kind"],
                ),
                "",
            )
        if call.name in ("undo", "redo"):
            fresh = await self._db(self.store.get_session, self.session.session_id, self.session.client_id)
            stack = None if fresh is None else fresh.undo_stack if call.name == "undo" else fresh.redo_stack
            if not stack:
                return None, {"status": f"nothing_to_{call.name}"}, ""
            return stack[-1], {"status": "ok"}, call.name
        raise RuntimeError(f"unknown tool {call.name}")

    def _media_path(self, media_id: str, ext: str) -> Path:
        # The generators write under a hidden name and rename when done, so this path is only ever whole.
        folder = self.config.data_dir / "media"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{media_id}.{ext}"

    async def _record(
        self, path: Path, job, *, charge: float = 0.0, delay_s: float = 0.0, **media: Any
    ) -> None:
        """Run a generator job in a worker thread, then record its file as this session's media and
        charge `charge` frozen credits for it.

        A turn cancelled while the thread runs (the client left) lets the thread finish, then removes
        its file and charges nothing (run() refunds). Once recording starts it is shielded, so a clip
        is either listed and paid for, or gone and refunded; never one without the other.
        """
        recorded = False
        try:
            meta = await anyio.to_thread.run_sync(job, limiter=GENERATION_SLOTS)
            if delay_s > 0:  # the generation_delay_s fault: the result lands in state later
                await anyio.sleep(delay_s)
            await anyio.lowlevel.checkpoint_if_cancelled()
            media["meta"] = {**media.get("meta", {}), **(meta if isinstance(meta, dict) else {})}
            with anyio.CancelScope(shield=True):
                await self._db(
                    self.store.add_media,
                    session_id=self.session.session_id,
                    origin="generated",
                    path=f"media/{path.name}",
                    size=path.stat().st_size,
                    **media,
                )
                recorded = True
                if charge:
                    await self._db(self.store.settle_credits, self.session.client_id, charge, spent=True)
                    self.frozen_credits -= charge
        finally:
            if not recorded:
                path.unlink(missing_ok=True)
                proxy_path(path).unlink(missing_ok=True)

    async def _draw_clip(
        self, draft: dict[str, Any], prompt: str, seconds: float
    ) -> tuple[str, dict[str, Any]]:
        """Generate a clip (a new seed each time), record it as media and charge `seconds` credits:
        its media id and the segment metadata that says what it really is."""
        from .media.scenes import generate_clip  # deferred: the server starts without the media stack
        from .media.vocabulary import parse_prompt

        width, height = generation_size(*edits.canvas(draft), self.config.max_generate_height)
        media_id = "media_" + uuid.uuid4().hex[:20]
        path = self._media_path(media_id, "mp4")
        job = partial(
            generate_clip,
            prompt,
            seconds,
            width,
            height,
            path,
            seed=self.rng.randrange(2**31),
            fps=self.config.generate_fps,
            proxy=True,  # the small copy preview renders decode (media/proxy.py)
        )
        await self._record(
            path,
            job,
            kind="video",
            name=prompt[:80],
            duration_ms=int(seconds * 1000),
            meta={"prompt": prompt, "width": width, "height": height},
            media_id=media_id,
            charge=seconds,
            delay_s=self.config.faults.generation_delay_s,
        )
        self.generated.append(prompt)
        spec = parse_prompt(prompt)
        # What the clip really is: procedural, and the scene elements the prompt matched.
        return media_id, {"procedural": True, "scene": spec.names(), "matched": list(spec.matched)}

    async def _generate_video(self, draft: dict[str, Any], prompt: str, seconds: float):
        media_id, extra = await self._draw_clip(draft, prompt, seconds)
        new, response = edits.add_video_segment(
            draft,
            source=media_id,
            name=edits.short_name(prompt),
            duration_ms=int(seconds * 1000),
            prompt=prompt,
            extra=extra,
        )
        response.update({"media_id": media_id, "procedural": True})
        return new, response

    async def _regenerate_video(self, draft: dict[str, Any], index: int, prompt: str, seconds: float):
        """A new clip in the slot of clip `index`: the same length and place, charged like any clip."""
        if not 0 <= index < len(edits_items.segments(draft, 0)):
            return None, {"status": "error", "message": f"there is no clip {index + 1}"}
        media_id, extra = await self._draw_clip(draft, prompt, seconds)
        new, response = edits_items.regenerate(
            draft, index, source=media_id, name=edits.short_name(prompt), prompt=prompt, extra=extra
        )
        response.update({"media_id": media_id, "procedural": True, "prompt": prompt})
        return new, response

    async def _music(self, draft: dict[str, Any], style: str | None, volume: float):
        if style is None:
            return edits.set_background_music(draft, source=None, style=None, volume=volume, duration_ms=0)
        from .media.music import generate_music  # deferred, as above

        seconds = (edits.timeline_ms(draft) / 1000) or 10.0
        media_id = "media_" + uuid.uuid4().hex[:20]
        path = self._media_path(media_id, "m4a")
        job = partial(generate_music, style, seconds, path, seed=self.rng.randrange(2**31))
        await self._record(
            path,
            job,
            kind="audio",
            name=f"{style} music",
            duration_ms=int(seconds * 1000),
            meta={"style": style},
            media_id=media_id,
        )
        new, response = edits.set_background_music(
            draft, source=media_id, style=style, volume=volume, duration_ms=int(seconds * 1000)
        )
        response["media_id"] = media_id
        return new, response
