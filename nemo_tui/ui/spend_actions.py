"""Issue 14 in the TUI, wired in one place: the cost quote before a generation (said in the chat; one
above the confirm-above setting or the balance asks first, and a "no" spends nothing and gives the
message back), the credit ledger (Ctrl+L) and the jobs list (Ctrl+R) with its actions: download a
finished export again, render a failed one again, cancel a running render."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from .actions import AppActions
from .flow_types import Flow
from .screens.confirm import ConfirmScreen
from .strings import t
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput
from .widgets.timeline import TimelineView

if TYPE_CHECKING:
    from ..core.events import CostQuote
    from ..core.jobs import JobView
    from .flow_types import ConversationLike, EventStream


async def in_session(
    conv: ConversationLike, session_id: str, flow: Callable[[], EventStream]
) -> AsyncIterator[Any]:
    """Open another stored session of this backend, then run `flow` there (nothing more when the
    session could not be opened)."""
    opened = False
    async for event in conv.open_session(session_id):
        opened = opened or getattr(event, "kind", None) == "session_changed"
        yield event
    if opened:
        async for event in flow():
            yield event


class SpendActions(AppActions):
    """Mixed into NemoApp before AppActions (its check_action comes first)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("ledger", "jobs"):  # open while a turn runs too: that is when jobs move
            return getattr(self.conversation, "store", None) is not None
        return super().check_action(action, parameters)

    def adopt(self, conversation: Any) -> None:
        """The TUI can ask: core holds a quote above the threshold (or the balance) back for a yes."""
        if hasattr(conversation, "can_confirm"):
            conversation.can_confirm = True

    # ---- the quote -------------------------------------------------------------------------------

    async def show_quote(self, event: CostQuote) -> None:
        from ..core.i18n import format_credits

        text = event.text
        if event.balance is not None:
            text += " " + t("quote.balance", self.lang, balance=format_credits(event.balance))
        await self.query_one(ChatLog).add_notice(text, "info")
        if event.refused:  # the session's budget: core's warning says why; nothing was sent
            self._give_back(event.payload)
            self.notify(t("quote.back", self.lang), markup=False)
        elif event.confirm:
            self._confirm_quote(event.payload, f"{text}\n\n{event.confirm}")

    def _confirm_quote(self, payload: str, question: str) -> None:
        self._quote_open = True
        self._queue.held = True  # what was typed meanwhile waits for the answer: the order is kept

        async def answered(yes: bool | None) -> None:
            self._quote_open = False
            self._queue.held = self._question_open
            conv = self.conversation
            if yes and conv is not None:
                conv.approve(payload)  # this message, once: the quote is spent as said
                # already in the chat and the history: sent as it is, not handled as a new message
                factory: Flow = lambda conversation: conversation.chat(payload)  # noqa: E731
                if self.busy:  # the turn that quoted has not closed yet: this goes first
                    self._enqueue("", "turn", factory, first=True)
                else:
                    self.run_stream("turn", factory, prompt_text=payload)
                return
            self._give_back(payload)  # "no", or Escape: nothing sent, nothing spent
            await self.query_one(ChatLog).add_notice(t("quote.not_sent", self.lang), "warning")
            if not self.busy:
                await self._run_next_queued()

        self.push_screen(ConfirmScreen(question, lang=self.lang), answered)

    def _give_back(self, text: str) -> None:
        """The message back into the prompt, before anything typed since."""
        prompt = self.query_one(PromptInput)
        typed = prompt.text
        prompt.restore(f"{text}\n{typed}" if typed.strip() and text not in typed else text)
        prompt.focus()

    # ---- the ledger and the jobs -----------------------------------------------------------------

    def action_ledger(self) -> None:
        from .screens.ledger import LedgerScreen

        if isinstance(self.screen, LedgerScreen):
            self.pop_screen()
            return
        store = getattr(self.conversation, "store", None)
        if store is not None:
            self.push_screen(
                LedgerScreen(store, self.session_id, lang=self.lang, hint=self.say("ledger.hint"))
            )

    def action_jobs(self) -> None:
        from .screens.jobs import JobsScreen

        if isinstance(self.screen, JobsScreen):
            self.pop_screen()
            return
        conv = self.conversation
        store, backend_key = getattr(conv, "store", None), getattr(conv, "backend_key", None)
        if store is not None and backend_key is not None:
            screen = JobsScreen(store, backend_key, session_id=self.session_id, lang=self.lang)
            self.push_screen(screen, self._job_chosen)

    async def _job_chosen(self, choice: tuple[str, JobView] | None) -> None:
        conv = self.conversation
        if choice is None or conv is None:
            return
        action, job = choice
        if action == "cancel":
            self._cancel(job.id)
        elif action == "download":
            self.run_stream("export", lambda conversation: conversation.download_again(job.id))
        elif job.session_id == self.session_id:  # retry: a new render of the session's draft
            self.run_stream("export", lambda conversation: conversation.export())
        elif self.busy:
            self.notify(self.say("prompt.busy"), severity="warning", markup=False)
        else:  # another session's export: open that session (as Ctrl+S does), then render it
            await self.query_one(ChatLog).clear_log()
            self.query_one(TimelineView).show_draft(None)
            self.run_stream(
                "export", lambda conversation: in_session(conversation, job.session_id, conversation.export)
            )

    def _cancel(self, job_id: str) -> None:
        """The render this app waits on stops like Ctrl+G (cancelled on the server, its row closed);
        any other (another process's, one left by a closed app) is cancelled beside the turn."""
        conv = self.conversation
        if conv is None:
            return
        if self.busy and self._turn is not None and getattr(conv, "waiting_on", None) == job_id:
            conv.stop()
            self.notify(t("jobs.stopping", self.lang, job=job_id), markup=False)
            self._turn.cancel()
            return
        self.run_worker(
            self._apply_stream(lambda: conv.cancel_job(job_id)), group="job-cancel", exit_on_error=False
        )
