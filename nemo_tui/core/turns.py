"""One turn with the agent: the session's turn lock (one turn per session, across processes), the
cost note, the streamed reply and what it changed, the agent's questions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from ..protocol import (
    AskQuestion,
    Draft,
    NemoError,
    StreamError,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
)
from .activity import activity_label, is_generation, looks_like_generation, question_text
from .events import (
    Activity,
    CostQuote,
    CreditsUpdated,
    ErrorKind,
    QuestionAsked,
    RecoveryEnded,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    TurnQueued,
    WatchState,
    error_kind,
)
from .flow_base import Event, guarded
from .gui_phrases import translate
from .i18n import t
from .recovery import RecoveryFlows
from .spend import SpendFlows, generated_seconds


class TurnFlows(RecoveryFlows, SpendFlows):
    # ---- the agent's questions --------------------------------------------------------------------
    async def _answer(self, text: str) -> AsyncIterator[Event]:
        """The person's answer to the agent's question (QuestionAsked), in the vendor's format
        (`protocol.questions.answer_text`): kept in the history and sent as the next message,
        never routed (an answer is not a command)."""
        body = text.strip()
        if not body:
            return
        async for event in self._ensure_session(None):
            yield event
        if self._session_id:
            await self._db.add_message(self._session_id, "user", body)
        async for event in self._chat(body):
            yield event

    answer = guarded(_answer)

    async def pending_question(self) -> QuestionAsked | None:
        """The question this session's agent is waiting on (asked in this run or an earlier one)."""
        if not self._session_id:
            return None
        body = await self._db.pending_question(self._session_id)
        if body is None:
            return None
        try:
            return QuestionAsked.model_validate(body)
        except ValueError:
            return None

    # ---- one turn per session --------------------------------------------------------------------
    async def _take_turn(self) -> AsyncIterator[Event]:
        """Wait until this conversation holds the session's turn lock (the store: shared with every
        nemo-tui on this machine); say once that the message waits."""
        sid = self._session_id
        if sid is None:
            return
        said = False
        while True:
            holder = await self._db.try_lock_turn(sid, self._owner, label="turn")
            if holder is None:
                return
            if not said:
                said = True
                who = t("lock.holder", self.lang, pid=holder.pid, host=holder.host)
                yield TurnQueued(holder=who, text=t("lock.waiting", self.lang, holder=who))
            await asyncio.sleep(self.lock_poll_s)

    async def _keep_turn(self, sid: str) -> None:
        """Refresh the lock's heartbeat while the turn runs (a hung process loses it after a while)."""
        while True:
            await asyncio.sleep(20.0)
            await self._db.refresh_lock(sid, self._owner)

    async def _release_turn(self, sid: str | None, keeper: asyncio.Task[None] | None) -> None:
        if keeper is not None:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper
        if sid is not None:
            with contextlib.suppress(Exception):  # the lock goes stale by itself if this fails
                await self._db.unlock_turn(sid, self._owner)

    async def _chat(self, text: str) -> AsyncIterator[Event]:
        # The quote comes first: a refused or unconfirmed message is never sent, and spends nothing.
        balance = await self._balance_before(text)
        allowed: list[Any] = []
        async for event in self._gate(text, balance, allowed):
            yield event
        if not allowed:
            return
        async for event in self._take_turn():
            yield event
        sid = self._session_id
        keeper = asyncio.ensure_future(self._keep_turn(sid)) if sid else None
        quote, shown = allowed[0] if allowed[0] is not None else (None, None)
        entry = await self._open_entry(text, balance, quote)
        before = self._draft
        made: list[float] = []
        try:
            async for event in self._chat_turn(text, made, shown):
                yield event
        except NemoError:
            await self._close_entry(entry, before, sum(made), spent=bool(made))
            raise
        finally:
            await self._release_turn(sid, keeper)
        spent = bool(made) or self._tools_ran
        after = await self._close_entry(entry, before, sum(made), spent=spent)
        if spent:
            yield CreditsUpdated(
                credits=after if after is not None else self._known(await self.backend.credits())
            )

    async def _cost_note(self, text: str) -> AsyncIterator[Event]:
        """On the cloud, before the first generation on an anonymous token: what things cost."""
        if (
            not self._charges
            or not getattr(self.backend, "is_anonymous", False)
            or not looks_like_generation(text)
        ):
            return
        flag = f"cost_note:{self.backend_key}"
        if await self._db.flag(flag):
            return
        await self._db.set_flag(flag)
        yield await self._notice(t("cost.first", self.lang), "warning")  # a heads-up, said once

    async def _chat_turn(
        self, text: str, made: list[float], quote: CostQuote | None = None
    ) -> AsyncIterator[Event]:
        """`quote`: what it costs, said as it starts; `made` gets the seconds of video each
        generation tool was asked for."""
        if self._draft is None:
            self._seen(await self.backend.state())
        if self._session_id:
            await self._db.clear_question(self._session_id)
        async for event in self._cost_note(text):
            yield event
        base_draft = self._draft or Draft()
        base_infos, base_media = list(self._infos or []), list(self._media or [])
        yield ReplyStarted()
        if quote is not None:
            yield quote
        pieces: list[str] = []
        whole: str | None = None
        changed = False
        tools = 0
        generated = False
        failure: NemoError | None = None
        dropped: StreamError | None = None
        asked: AskQuestion | None = None
        pump = self._pump()
        gen_jobs: dict[str, str] = {}
        self._tools_ran = False
        try:
            async for event in pump.events(self.backend.send_message(text)):
                if isinstance(event, TextDelta):
                    pieces.append(event.text)
                    yield ReplyDelta(text=event.text)
                elif isinstance(event, ToolCall):
                    tools += 1
                    if is_generation(event.name) and (event.id is None or event.id not in gen_jobs):
                        made.append(generated_seconds(event.args))
                        await self._generation_started(event.id, event.args, gen_jobs)
                    generated = generated or is_generation(event.name)
                    yield Activity(label=activity_label(event.name, self.lang), running=True)
                elif isinstance(event, ToolResult):
                    changed = True
                    await self._generations_ended(gen_jobs, "completed", event.id)
                    yield Activity(label=activity_label(event.name, self.lang), running=False)
                elif isinstance(event, AskQuestion):
                    asked = event
                elif isinstance(event, TurnError):
                    failure = StreamError(event.message)
                elif isinstance(event, TurnEnd):
                    whole, changed = event.text, changed or event.changed_state
                    tools = max(tools, event.tool_calls)
                else:
                    yield event  # StillWorking
        except StreamError as exc:
            dropped = exc
        except NemoError:
            await self._generations_ended(gen_jobs, "failed")
            yield ReplyFinished(text="")  # refused before any reply (no credits, say)
            raise
        # A generation whose result never came: done if the turn ended well, else failed.
        await self._generations_ended(gen_jobs, "failed" if failure or dropped else "completed")
        self._tools_ran = tools > 0
        renewed = await self._remember_session()
        if renewed:
            yield renewed
        full = whole if whole else "".join(pieces)
        if full:
            translated = translate(full, self.lang)
            yield ReplyFinished(text=translated.text)
            for action in translated.actions:
                yield action
            await self._db.add_message(self._session_id or "", "assistant", translated.text)
        if asked is not None:
            question = QuestionAsked(id=asked.id, title=asked.title, questions=asked.questions)
            if self._session_id:
                await self._db.save_question(self._session_id, question.model_dump(mode="json"))
                await self._db.add_message(
                    self._session_id,
                    "assistant",
                    question_text(question.title, question.questions, self.lang),
                )
            yield question
        if dropped is not None:
            yield await self._notice(dropped.user_message(self.lang), "error", error=error_kind(dropped))
            found = False
            async for event in self._recover(
                text, base_draft, base_infos, base_media, expect_draft=generated
            ):
                found = found or (isinstance(event, RecoveryEnded) and event.found)
                yield event
            if found and generated and self.watch_delays_s:
                # The cut generation landed: the backend may still add its post-production.
                yield WatchState(delays_s=list(self.watch_delays_s))
        elif failure is not None:
            yield await self._notice(
                failure.user_message(self.lang), "error", error=ErrorKind.SERVER
            )  # the agent's error
            update, changes = await self._refresh()
            yield update
            yield await self._notice(
                t("turn.broken", self.lang) + " " + update.summary
                if changes
                else t("turn.broken_nothing", self.lang),
                "warning",
            )
        elif changed or tools or (not full and asked is None):
            update, changes = await self._refresh()
            yield update
            if not full and asked is None:
                summary = (
                    t("turn.no_text", self.lang, changes=changes)
                    if changes
                    else t("turn.no_change", self.lang)
                )
                yield ReplyFinished(text=summary)
                await self._db.add_message(self._session_id or "", "assistant", summary)
            if generated and self.watch_delays_s:
                yield WatchState(delays_s=list(self.watch_delays_s))
