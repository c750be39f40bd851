"""What the person does to the app: the prompt, suggestions, confirmations, links, and the actions
behind the keys and the command palette. Mixed into `NemoApp` (ui/app.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual import on, work
from textual.app import SystemCommand
from textual.screen import Screen

from .action_table import ActionKeys
from .chat_flow import ChatFlow
from .commands import palette_commands
from .environment import Terminal, system_opener
from .flow_types import Flow, answer_flow
from .messages import LinkActivated, PromptSubmitted, SuggestionChosen
from .screens.confirm import ConfirmScreen
from .screens.help import HelpScreen
from .screens.upload import UploadScreen
from .strings import describe_error, t
from .text import clean
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput
from .widgets.timeline import TimelineView

if TYPE_CHECKING:
    from ..core.events import ConfirmNeeded

WEB_SCHEMES = ("http", "https")  # the only links a click opens (see _link)


class AppActions(ChatFlow):
    terminal: Terminal
    local: bool
    action_keys: ActionKeys
    _reapers: set[asyncio.Task[int]]  # players started with Ctrl+O, until they exit

    @property
    def timeline_summary(self) -> str:  # NemoApp's
        raise NotImplementedError

    # ---- input -----------------------------------------------------------------------------------

    @on(PromptSubmitted)
    async def _submitted(self, event: PromptSubmitted) -> None:
        text = event.text
        if self._question is not None and not self._question_open:
            self._question = None  # typed instead of answering: the message is the answer
        if self.conversation is None and not self.busy and not self.connecting:
            # Connecting failed: nothing would ever send it. Keep it where it was typed.
            self.query_one(PromptInput).restore(text)
            self.notify(self.say("app.not_connected"), severity="error", markup=False)
            return
        if self.busy or self.connecting or self._question_open or len(self._queue):
            # One turn per session: it waits for the running one (or for connecting), in order.
            self._enqueue(text, "turn", lambda conversation: conversation.handle(text))
            self.notify(self.say("queue.connecting" if self.connecting else "queue.added"), markup=False)
            return
        await self.query_one(ChatLog).add_user(event.text)
        self.query_one(ChatLog).action_follow()
        self.run_stream("turn", lambda conversation: conversation.handle(text), prompt_text=text)

    @on(SuggestionChosen)
    def _suggestion(self, event: SuggestionChosen) -> None:
        self._run_suggestion(event.action, event.payload)

    def _run_suggestion(self, action: str, payload: str) -> None:
        if action == "export":
            self.action_export()
        elif action in ("state", "timeline"):
            self.run_stream("state", lambda conversation: conversation.show_state())
            if action == "timeline":
                self.action_focus_timeline()
        elif action == "credits":
            self.run_stream("credits", lambda conversation: conversation.credits())
        elif action.startswith("example") and payload:  # a first run's example: edit or send it
            prompt = self.query_one(PromptInput)
            prompt.restore(payload)
            prompt.focus()
        elif action in ("send", "retry") and payload:
            # "retry": the person chose to send again a message whose stream dropped.
            self.post_message(PromptSubmitted(payload))

    def action_suggestion(self, action: str) -> None:
        pending = self.query_one(ChatLog).pending_suggestions
        if action in pending:
            self._run_suggestion(action, pending[action][1])

    # ---- the agent's question (ui/screens/question.py) ------------------------------------------------------------------

    def _show_question(self) -> None:
        from .screens.question import QuestionScreen

        question = self._question
        if question is None or self._question_open:
            return
        self._question_open = True
        self._queue.held = True

        async def answered(answer: str | None) -> None:
            self._question_open = False
            self._queue.held = False
            chat = self.query_one(ChatLog)
            if not answer:
                await chat.add_notice(t("question.skipped", self.lang), "info")
                if not self.busy:
                    await self._run_next_queued()
                return
            self._question = None
            reply = answer_flow(answer)
            if self.busy:  # the turn that asked has not closed yet: the answer goes first
                self._enqueue(answer, "turn", reply, first=True)
                return
            await chat.add_user(answer)
            chat.action_follow()
            self.run_stream("turn", reply, prompt_text=answer)

        self.push_screen(QuestionScreen(question.title, question.questions, lang=self.lang), answered)

    def action_question_again(self) -> None:
        if self._question is not None:
            self._show_question()

    def _ask(self, event: ConfirmNeeded) -> None:
        original = self._turn_prompt  # the message that raised the question

        def answered(yes: bool | None) -> None:
            if yes is None:  # closed with Escape: do nothing at all
                return
            if yes:
                flow = self._flow_for(event.action, event.payload)
            elif original and hasattr(self.conversation, "chat"):
                # "No" means it wasn't a command after all: it goes to the agent as a message.
                flow = self._chat_flow(original)
            else:
                return
            if self.busy:  # the question came mid-turn: run right after it
                self._enqueue("", event.action, flow)
            else:
                self.run_stream(event.action, flow)

        self.push_screen(ConfirmScreen(event.question, lang=self.lang), answered)

    @staticmethod
    def _chat_flow(text: str) -> Flow:
        return lambda conversation: conversation.chat(text)

    @staticmethod
    def _flow_for(action: str, payload: str) -> Flow:
        if action == "export":
            return lambda conversation: conversation.export()
        if action == "upload":
            return lambda conversation: conversation.upload(payload)
        if action == "credits":
            return lambda conversation: conversation.credits()
        if action == "preview":
            return lambda conversation: conversation.preview()
        return lambda conversation: conversation.show_state()

    @on(LinkActivated)
    def _link(self, event: LinkActivated) -> None:
        # Over SSH a browser would open on the remote machine, and with no display it would be a
        # console browser taking over this terminal: copy the link instead. A link that isn't a web
        # address (file:, a custom scheme) came from the server and would start whatever handler
        # the system has for it: copied, never opened.
        if self.terminal.over_ssh:
            self.copy_to_clipboard(event.href)
            self.notify(t("copy.link", self.lang, url=event.href), markup=False)
        elif urlsplit(event.href).scheme.lower() not in WEB_SCHEMES:
            self.copy_to_clipboard(event.href)
            self.notify(t("copy.link_not_web", self.lang, url=event.href), markup=False)
        elif self.terminal.no_display:
            self.copy_to_clipboard(event.href)
            self.notify(t("copy.link_no_display", self.lang, url=event.href), markup=False)
        else:
            self.notify(t("open.link", self.lang, url=event.href), markup=False)
            self._open_in_browser(event.href)

    @work(thread=True, exit_on_error=False, group="open-link")
    def _open_in_browser(self, url: str) -> None:
        """webbrowser blocks: its first use runs `xdg-settings` to find the browser, then starts it."""
        self.open_url(url)

    # ---- actions ---------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: Textual's system commands, then the app's actions valid now."""
        yield from super().get_system_commands(screen)
        for title, help_text, action in palette_commands(self, self.lang):
            yield SystemCommand(title, help_text, partial(self.run_action, action))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export", "upload", "new_session", "credits", "state", "sessions"):
            return not self.busy and self.conversation is not None
        if action == "stop":
            return self.busy
        if action == "drop_queued":
            return bool(self._queue.texts)
        if action == "question_again":
            return self._question is not None and not self._question_open
        if action == "open_browser":
            return self.conversation is not None and hasattr(self.conversation, "claim_link")
        if action == "copy_reply":
            if not self.screen_stack:
                return False
            chats = self.query(ChatLog)
            return bool(chats) and chats.first().last_reply() is not None
        if action == "open_export":
            return self.last_export is not None
        if action == "copy_summary":
            return bool(self.timeline_summary)
        return True

    def action_export(self) -> None:
        self.run_stream("export", lambda conversation: conversation.export())

    def action_upload(self) -> None:
        if self.busy:
            self.notify(self.say("prompt.busy"), severity="warning", markup=False)
            return

        def chosen(target: str | None) -> None:
            if target:
                self.run_stream("upload", lambda conversation: conversation.upload(target))

        self.push_screen(UploadScreen(lang=self.lang), chosen)

    def action_credits(self) -> None:
        self.run_stream("credits", lambda conversation: conversation.credits())

    def action_state(self) -> None:
        self.run_stream("state", lambda conversation: conversation.show_state())

    async def action_new_session(self) -> None:
        if self.busy:
            self.notify(self.say("prompt.busy"), severity="warning", markup=False)
            return
        await self.query_one(ChatLog).clear_log()
        self.query_one(TimelineView).show_draft(None)
        self.run_stream("new_session", lambda conversation: conversation.new_session())

    def action_sessions(self) -> None:
        """Ctrl+S: past sessions of this backend and a search over past messages."""
        from .screens.sessions import SessionsScreen

        if self.busy:
            self.notify(self.say("prompt.busy"), severity="warning", markup=False)
            return
        if isinstance(self.screen, SessionsScreen):
            return
        store = getattr(self.conversation, "store", None)
        backend_key = getattr(self.conversation, "backend_key", None)
        if store is None or backend_key is None:
            return
        current = self.session_id

        async def chosen(session_id: str | None) -> None:
            if not session_id or session_id == current or self.busy:
                return
            await self.query_one(ChatLog).clear_log()
            self.query_one(TimelineView).show_draft(None)
            self.run_stream("open_session", lambda conversation: conversation.open_session(session_id))

        self.push_screen(
            SessionsScreen(store, backend_key, current=current, lang=self.lang, fill_keys=self.fill_keys),
            chosen,
        )

    def action_focus_timeline(self) -> None:
        self.query_one(TimelineView).focus()

    def action_follow_chat(self) -> None:
        self.query_one(ChatLog).action_follow()

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    def action_copy_reply(self) -> None:
        text = self.query_one(ChatLog).last_reply()
        if text is None:
            self.notify(t("copy.nothing", self.lang), markup=False)
            return
        self.copy_to_clipboard(text)
        self.notify(t("copy.reply", self.lang, chars=len(text)), markup=False)

    def action_copy_summary(self) -> None:
        self.query_one(TimelineView).action_copy_summary()

    def action_stop(self) -> None:
        if self._turn is not None:
            if self._turn_kind == "export":
                # The person stopped the export: the render is cancelled on the server too.
                stop = getattr(self.conversation, "stop", None)
                if stop is not None:
                    stop()
                self.notify(t("export.stopping", self.lang), markup=False)
            self._turn.cancel()

    def action_open_browser(self) -> None:
        """Palette: "Open in browser" — a claim link for this project (never the API token)."""
        self._open_project()

    @work(exclusive=True, group="claim-link", exit_on_error=False)
    async def _open_project(self) -> None:
        chat = self.query_one(ChatLog)
        claim_link = getattr(self.conversation, "claim_link", None)
        if claim_link is None:  # the palette offers the action only where there is one
            return
        try:
            url = await claim_link()
        except Exception as exc:  # NemoError: said in words; anything else must not crash the app
            await chat.add_notice(describe_error(exc, self.lang), "error")
            return
        url = clean(url)
        self.copy_to_clipboard(url)
        if self.terminal.over_ssh:
            await chat.add_notice(t("link.copied", self.lang, url=url), "info")
        elif self.terminal.no_display or system_opener() is None:
            await chat.add_notice(t("link.copied_only", self.lang, url=url), "info")
        else:
            await chat.add_notice(t("link.opening", self.lang, url=url), "info")
            self._open_in_browser(url)

    def action_doctor(self) -> None:
        """Palette: the same checks as `nemo-tui doctor`, in a box (they run in its thread worker).
        The app's own engine already runs: starting a throwaway one would prove nothing more."""
        from ..doctor import run_checks
        from .screens.doctor import DoctorScreen

        if isinstance(self.screen, DoctorScreen):
            return
        skip = frozenset({"local_engine"} if self.local else ())
        self.push_screen(DoctorScreen(partial(run_checks, skip=skip), lang=self.lang))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.action_keys, lang=self.lang, cloud=not self.local))

    async def action_open_export(self) -> None:
        path = self.last_export
        chat = self.query_one(ChatLog)
        if path is None:
            await chat.add_notice(self.say("export.none"), "info")
            return
        if self.terminal.over_ssh:
            await chat.add_notice(t("export.ssh", self.lang, path=str(path), host=self.terminal.host), "info")
            return
        opener = system_opener()
        if opener is None:
            await chat.add_notice(t("export.no_player", self.lang, path=str(path)), "warning")
            return
        try:
            process = await asyncio.create_subprocess_exec(
                *opener,
                str(path),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        except OSError as exc:  # an action that raises would close the app: say it in the chat instead
            await chat.add_notice(
                t("export.open_failed", self.lang, path=str(path), detail=exc.strerror or type(exc).__name__),
                "warning",
            )
            return
        self.notify(t("export.opening", self.lang, name=clean(path.name)), markup=False)
        # Reap it in the background so no zombie is left. The loop keeps only a weak reference to a
        # task, so hold it until it is done.
        reaper = asyncio.create_task(process.wait())
        self._reapers.add(reaper)
        reaper.add_done_callback(self._reapers.discard)
