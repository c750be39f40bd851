"""Issue 14 in the TUI, wired in one place: the cost quote before a generation (said in the chat; one
above the confirm-above setting or the balance asks first, and a "no" spends nothing and gives the
message back), the credit ledger (Ctrl+L) and the jobs list (Ctrl+R) with its actions: download a
finished export again, render a failed one again, cancel a running render."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from .screens.confirm import ConfirmScreen
from .strings import t
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput
from .widgets.timeline import TimelineView

if TYPE_CHECKING:
    from ..core.events import CostQuote
    from ..core.jobs import JobView
    from .flow_types import EventStream


async def in_session(conv: Any, session_id: str, flow: Callable[[], EventStream]) -> AsyncIterator[Any]:
    """Open another stored session of this backend, then run `flow` there (nothing more when the
    session could not be opened)."""
    opened = False
    async for event in conv.open_session(session_id):
        opened = opened or getattr(event, "kind", None) == "session_changed"
        yield event
    if opened:
        async for event in flow():
            yield event


class SpendActions:
    """Mixed into NemoApp before AppActions (its check_action comes first)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        app: Any = self
        if action in ("ledger", "jobs"):  # open while a turn runs too: that is when jobs move
            return getattr(app.conversation, "store", None) is not None
        return super().check_action(action, parameters)  # type: ignore[misc]

    def adopt(self, conversation: Any) -> None:
        """The TUI can ask: core holds a quote above the threshold (or the balance) back for a yes."""
        if hasattr(conversation, "can_confirm"):
            conversation.can_confirm = True

    # ---- the quote -------------------------------------------------------------------------------

    async def show_quote(self, event: CostQuote) -> None:
        from ..core.i18n import format_credits

        app: Any = self
        text = event.text
        if event.balance is not None:
            text += " " + t("quote.balance", app.lang, balance=format_credits(event.balance))
        await app.query_one(ChatLog).add_notice(text, "info")
        if event.refused:  # the session's budget: core's warning says why; nothing was sent
            self._give_back(event.payload)
            app.notify(t("quote.back", app.lang), markup=False)
        elif event.confirm:
            self._confirm_quote(event.payload, f"{text}\n\n{event.confirm}")

    def _confirm_quote(self, payload: str, question: str) -> None:
        app: Any = self
        app._quote_open = True
        app._queue.held = True  # what was typed meanwhile waits for the answer: the order is kept

        async def answered(yes: bool | None) -> None:
            app._quote_open = False
            app._queue.held = app._question_open
            conv = app.conversation
            if yes and conv is not None:
                conv.approve(payload)  # this message, once: the quote is spent as said
                factory = lambda: conv.chat(payload)  # noqa: E731 — already in the chat and the history
                if app.busy:  # the turn that quoted has not closed yet: this goes first
                    app._enqueue("", "turn", factory, first=True)
                else:
                    app.run_stream("turn", factory, prompt_text=payload)
                return
            self._give_back(payload)  # "no", or Escape: nothing sent, nothing spent
            await app.query_one(ChatLog).add_notice(t("quote.not_sent", app.lang), "warning")
            if not app.busy:
                await app._run_next_queued()

        app.push_screen(ConfirmScreen(question, lang=app.lang), answered)

    def _give_back(self, text: str) -> None:
        """The message back into the prompt, before anything typed since."""
        app: Any = self
        prompt = app.query_one(PromptInput)
        typed = prompt.text
        prompt.restore(f"{text}\n{typed}" if typed.strip() and text not in typed else text)
        prompt.focus()

    # ---- the ledger and the jobs -----------------------------------------------------------------

    def action_ledger(self) -> None:
        from .screens.ledger import LedgerScreen

        app: Any = self
        if isinstance(app.screen, LedgerScreen):
            app.pop_screen()
            return
        store = getattr(app.conversation, "store", None)
        if store is not None:
            app.push_screen(LedgerScreen(store, app.session_id, lang=app.lang, hint=app.say("ledger.hint")))

    def action_jobs(self) -> None:
        from .screens.jobs import JobsScreen

        app: Any = self
        if isinstance(app.screen, JobsScreen):
            app.pop_screen()
            return
        conv = app.conversation
        store, backend_key = getattr(conv, "store", None), getattr(conv, "backend_key", None)
        if store is not None and backend_key is not None:
            screen = JobsScreen(store, backend_key, session_id=app.session_id, lang=app.lang)
            app.push_screen(screen, self._job_chosen)

    async def _job_chosen(self, choice: tuple[str, JobView] | None) -> None:
        app: Any = self
        conv = app.conversation
        if choice is None or conv is None:
            return
        action, job = choice
        if action == "cancel":
            self._cancel(job.id)
        elif action == "download":
            app.run_stream("export", lambda: conv.download_again(job.id))
        elif job.session_id == app.session_id:  # retry: a new render of the session's draft
            app.run_stream("export", conv.export)
        elif app.busy:
            app.notify(app.say("prompt.busy"), severity="warning", markup=False)
        else:  # another session's export: open that session (as Ctrl+S does), then render it
            await app.query_one(ChatLog).clear_log()
            app.query_one(TimelineView).show_draft(None)
            app.run_stream("export", lambda: in_session(conv, job.session_id, conv.export))

    def _cancel(self, job_id: str) -> None:
        """The render this app waits on stops like Ctrl+G (cancelled on the server, its row closed);
        any other (another process's, one left by a closed app) is cancelled beside the turn."""
        app: Any = self
        conv = app.conversation
        if app.busy and getattr(conv, "waiting_on", None) == job_id:
            conv.stop()
            app.notify(t("jobs.stopping", app.lang, job=job_id), markup=False)
            app._turn.cancel()
            return
        app.run_worker(
            app._apply_stream(lambda: conv.cancel_job(job_id)), group="job-cancel", exit_on_error=False
        )
