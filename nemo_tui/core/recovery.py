"""After a dropped stream: read the session's state on the vendor's cadence and never send the
message again; between turns, look for what the backend added on its own (two-stage generation)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from ..protocol import Draft, NetworkError, SessionState
from .events import Notice, Recovering, RecoveryEnded, SuggestedAction, TimelineUpdated, error_kind
from .flow_base import Event, FlowBase, guarded
from .i18n import format_wait, t
from .summary import describe_additions, describe_changes, describe_media_changes, timeline_summary


class RecoveryFlows(FlowBase):
    # ---- a dropped stream: read the state on the vendor's cadence, never send again ------------
    def _state_moved(self, state: SessionState, draft: Draft, infos: list[Any], media: list[Any]) -> bool:
        return (
            state.draft.to_wire() != draft.to_wire()
            or list(state.video_infos) != infos
            or list(state.generated_media) != media
        )

    async def _recover(
        self, text: str, draft: Draft, infos: list[Any], media: list[Any], *, expect_draft: bool = False
    ) -> AsyncIterator[Event]:
        """`expect_draft`: the turn was generating, so its clip goes onto the timeline too."""
        checks, first, every = self.recovery_checks, self.recovery_first_s, self.recovery_every_s
        at = time.strftime("%H:%M:%S", time.localtime(time.time() + first))
        yield Notice(
            text=t(
                "recover.start",
                self.lang,
                at=at,
                wait=format_wait(first, self.lang),
                every=format_wait(every, self.lang),
                checks=checks,
            )
        )
        last: SessionState | None = None
        failures = 0
        for check in range(1, checks + 1):
            wait = first if check == 1 else every
            at = time.strftime("%H:%M:%S", time.localtime(time.time() + wait))
            yield Recovering(
                check=check,
                checks=checks,
                wait_s=wait,
                at=at,
                text=t("recover.waiting", self.lang, at=at, check=check, checks=checks),
            )
            await self._sleep(wait)
            try:
                state = await self.backend.state()
            except NetworkError as exc:
                failures += 1
                if failures >= 2:
                    yield Notice(level="info", text=t("recover.unreachable", self.lang))
                    yield await self._notice(exc.user_message(self.lang), "error", error=error_kind(exc))
                    break
                continue
            failures = 0
            last = state
            renewed = await self._remember_session()
            if renewed:  # the server lost the session: nothing there can change any more
                yield renewed
                break
            if self._state_moved(state, draft, infos, media):
                self._seen(state)
                changes = describe_changes(draft, state.draft, self.lang)
                update = TimelineUpdated(
                    draft=state.draft, summary=timeline_summary(state.draft, self.lang), changes=changes
                )
                yield update
                said = [
                    x
                    for x in (
                        changes,
                        describe_media_changes(infos, list(state.video_infos), self.lang),
                        describe_media_changes(media, list(state.generated_media), self.lang, videos=False),
                    )
                    if x
                ]
                if said:
                    joined = "; ".join(x.rstrip("。.") for x in said)  # one sentence, not "… 5 s.; 1 new …"
                    yield Notice(text=t("recover.found", self.lang, changes=joined))
                if expect_draft and state.draft.to_wire() == draft.to_wire():
                    # The service lists a generated clip before it puts it on the timeline: keep
                    # reading on the same cadence until the draft follows, so the clip the person
                    # asked for is not later taken for something the service added on its own.
                    async for event in self._await_placement(draft, state, checks - check, every):
                        if isinstance(event, TimelineUpdated):
                            update = event
                        yield event
                yield await self._notice(t("turn.broken", self.lang) + " " + update.summary, "warning")
                yield RecoveryEnded(found=True)
                return
        else:
            total = format_wait(first + every * (checks - 1), self.lang)
            yield Notice(text=t("recover.gave_up", self.lang, checks=checks, total=total))
        if last is not None:
            self._seen(last)
            yield TimelineUpdated(draft=last.draft, summary=timeline_summary(last.draft, self.lang))
        yield await self._notice(t("turn.broken_nothing", self.lang), "warning")
        yield SuggestedAction(action="retry", label=t("recover.retry", self.lang), payload=text)
        yield RecoveryEnded(found=False)

    async def _await_placement(
        self, draft: Draft, state: SessionState, reads: int, every: float
    ) -> AsyncIterator[Event]:
        for _ in range(reads):
            await self._sleep(every)
            try:
                later = await self.backend.state()
            except NetworkError:
                return
            if later.draft.to_wire() != state.draft.to_wire():
                self._seen(later)
                changes = describe_changes(draft, later.draft, self.lang)
                yield TimelineUpdated(
                    draft=later.draft, summary=timeline_summary(later.draft, self.lang), changes=changes
                )
                if changes:
                    yield Notice(text=t("recover.placed", self.lang, changes=changes.rstrip("。.")))
                return

    # ---- two-stage generation ------------------------------------------------------------------
    async def _check_for_additions(self) -> AsyncIterator[Event]:
        """One state read, between turns: the backend may have added music, a title or effects
        after its reply. Yields nothing when nothing changed."""
        if self.backend.session is None or self._draft is None:
            return
        before = self._draft
        update, changes = await self._refresh()
        if not changes:
            return
        yield update
        line = describe_additions(before, update.draft, self.lang) or t(
            "added.changed", self.lang, changes=changes
        )
        yield await self._notice(line)

    check_for_additions = guarded(_check_for_additions)
