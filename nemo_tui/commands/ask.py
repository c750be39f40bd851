"""`nemo-tui ask "…"`: one message through the conversation, the reply streamed to stdout."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.events import ConfirmNeeded, Notice, ReplyDelta, ReplyFinished
from .exits import CommandError
from .output import ReplyPrinter
from .runtime import Body, Context


def read_prompt(raw: str) -> str:
    """The message from the argument, or all of stdin for "-"."""
    if raw == "-":
        try:
            raw = sys.stdin.read()
        except UnicodeDecodeError:
            raise CommandError("The message on stdin is not valid text in this locale's encoding.") from None
    text = raw.strip()
    if not text:
        raise CommandError('The message is empty: pass it as an argument, or pipe it in with `ask -`.')
    return text


def prepare(args: argparse.Namespace) -> Body:
    prompt = read_prompt(args.prompt)

    async def body(ctx: Context) -> int:
        conversation = ctx.conversation
        if args.new:
            await ctx.new_session(title=prompt[:80])
        else:
            await ctx.open_session(args.session)
        printer = ReplyPrinter(ctx.out, conversation.lang)
        pending: list[ConfirmNeeded] = []

        def on_event(event: Any) -> None:
            if isinstance(event, ConfirmNeeded):
                pending.append(event)
            if ctx.out.json:
                return
            printer.lang = conversation.lang  # follows the language of the message
            if isinstance(event, ReplyDelta):
                printer.feed(event.text)
            elif isinstance(event, ReplyFinished):
                printer.finish(event.text)
            elif isinstance(event, Notice) and event.level in ("info", "success"):
                ctx.out.line(event.text)  # what export/credits/status/upload said: the answer

        outcome = await ctx.drive(conversation.handle(prompt), on_event)
        if pending and outcome.ok:
            confirm = pending[0]
            if args.yes:
                flow = {"export": conversation.export, "credits": conversation.credits,
                        "state": conversation.show_state}.get(confirm.action)
                run = flow() if flow else conversation.upload(confirm.payload)
            else:
                ctx.out.note(f"{confirm.question} Sent to the agent as a message "
                             f"(ask again with --yes to {confirm.action} instead).")
                run = conversation.chat(prompt)
            outcome = await ctx.drive(run, on_event)
        return outcome.exit_code

    return body
