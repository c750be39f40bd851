"""`nemo-tui ask "…"`: one message through the conversation, the reply streamed to stdout.

When the agent asks a question (its `ask_question` tool), `ask` prints it on stdout and exits 6
(exits.QUESTION) — or answers it at once with `--answer SPEC` (one per question, in order: option
numbers or labels separated by commas, anything else as the person's own words). `ask --answer …`
without a message answers the question the session's agent is waiting on (asked in an earlier run).
With `--json` the question is the `{"kind": "question", …}` event line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ..core.events import (
    ConfirmNeeded,
    Notice,
    QuestionAsked,
    Recovering,
    RecoveryEnded,
    ReplyDelta,
    ReplyFinished,
)
from ..protocol.questions import Question, answer_text
from . import exits
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
        raise CommandError("The message is empty: pass it as an argument, or pipe it in with `ask -`.")
    return text


def answer_from_specs(questions: Sequence[Question], specs: Sequence[str]) -> str:
    """The answer message (the vendor's format) for `--answer` SPECs, one per question in order.

    A SPEC is option numbers and/or option labels (case-insensitive) separated by commas; when any
    part is neither, the whole SPEC is the person's own words for that question. Raises
    CommandError for more SPECs than questions, or several options for a single-choice question.
    """
    if len(specs) > len(questions):
        raise CommandError(
            f"{len(specs)} --answer values for {len(questions)} question(s): give one per question, in order."
        )
    chosen: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    keyed = [q if q.id else q.model_copy(update={"id": f"#{n}"}) for n, q in enumerate(questions, 1)]
    for number, (question, spec) in enumerate(zip(keyed, specs, strict=False), 1):
        spec = spec.strip()
        if not spec:
            continue
        picks: list[str] = []
        for part in (p.strip() for p in spec.split(",")):
            option = _option(question, part)
            if option is None:
                picks = []
                break
            picks.append(option)
        if not picks:
            typed[question.id] = spec
            continue
        if len(picks) > 1 and not question.allow_multiple:
            raise CommandError(f"Question {number} takes one answer; got {len(picks)} ({spec!r}).")
        chosen[question.id] = list(dict.fromkeys(picks))
    return answer_text(keyed, chosen, typed)


def _option(question: Question, part: str) -> str | None:
    """The option id `part` names (its 1-based number or its label), or None."""
    if part.isdigit() and 1 <= int(part) <= len(question.options):
        option = question.options[int(part) - 1]
        return option.id or f"#{part}"
    for index, option in enumerate(question.options, 1):
        if option.label.strip().casefold() == part.casefold():
            return option.id or f"#{index}"
    return None


def print_question(ctx: Context, question: QuestionAsked, lang: str) -> None:
    """The question on stdout (what a script reads), how to answer on stderr."""
    from ..core.conversation import question_text

    ctx.out.line(question_text(question.title, question.questions, lang))
    several = len(question.questions) > 1
    ctx.out.note(
        "Answer with: nemo-tui ask --answer 1"
        + (' --answer "2,3"' if several else "")
        + " (option numbers or labels, or your own words"
        + ("; one --answer per question, in order)" if several else ")")
    )


def prepare(args: argparse.Namespace) -> Body:
    specs: list[str] = list(getattr(args, "answer", None) or [])
    if args.prompt is None and not specs:
        raise CommandError("The message is empty: pass it as an argument, or pipe it in with `ask -`.")
    prompt = read_prompt(args.prompt) if args.prompt is not None else None
    if prompt is None and args.new:
        raise CommandError("--new starts an empty session: there is no question to answer there.")
    limit = getattr(args, "max_credits", None)
    if limit is not None and not (limit >= 0 and limit != float("inf")):
        raise CommandError(f"--max-credits takes a number of credits, 0 or more (got {limit:g}).")

    async def body(ctx: Context) -> int:
        conversation = ctx.conversation
        conversation.can_confirm = True  # a quote that needs a yes ends the command (exit 4)
        conversation.spend_approved = bool(args.yes)  # the quote is said, and spent without asking
        conversation.spend_limit = limit
        if args.new:
            await ctx.new_session(title=(prompt or "")[:80])
        else:
            await ctx.open_session(args.session)
        printer = ReplyPrinter(ctx.out, conversation.lang)
        pending: list[ConfirmNeeded] = []
        asked: list[QuestionAsked] = []
        recovered: list[RecoveryEnded] = []

        broke: list[bool] = []  # the stream broke: what follows is about recovering, not the answer

        def on_event(event: Any) -> None:
            if isinstance(event, Notice) and event.level == "error":
                broke.append(True)
            if isinstance(event, ConfirmNeeded):
                pending.append(event)
            elif isinstance(event, QuestionAsked):
                asked.append(event)
            elif isinstance(event, RecoveryEnded):
                recovered.append(event)
            if ctx.out.json:
                return
            printer.lang = conversation.lang  # follows the language of the message
            if isinstance(event, ReplyDelta):
                printer.feed(event.text)
            elif isinstance(event, ReplyFinished):
                printer.finish(event.text)
            elif isinstance(event, Recovering):
                ctx.out.status(event.text)
            elif isinstance(event, Notice) and event.level in ("info", "success"):
                if broke:
                    ctx.out.note(event.text)  # the recovery's progress: a side remark
                else:
                    ctx.out.line(event.text)  # what export/credits/status/upload said: the answer

        if prompt is None:
            waiting = await conversation.pending_question()
            if waiting is None:
                raise CommandError(
                    'No question is waiting in this session: send a message with `nemo-tui ask "…"` first.'
                )
            outcome = await ctx.drive(
                conversation.answer(answer_from_specs(waiting.questions, specs)), on_event
            )
            specs.clear()
        else:
            outcome = await ctx.drive(conversation.handle(prompt), on_event)
            if pending and outcome.ok:
                confirm = pending[0]
                if args.yes:
                    flow = {
                        "export": conversation.export,
                        "credits": conversation.credits,
                        "state": conversation.show_state,
                    }.get(confirm.action)
                    run = flow() if flow else conversation.upload(confirm.payload)
                else:
                    ctx.out.note(
                        f"{confirm.question} Sent to the agent as a message "
                        f"(ask again with --yes to {confirm.action} instead)."
                    )
                    run = conversation.chat(prompt)
                outcome = await ctx.drive(run, on_event)
        if asked and outcome.ok and specs:
            question, asked[:] = asked[-1], []
            answer = answer_from_specs(question.questions, specs)
            if not ctx.out.json:
                ctx.out.note("Answering: " + answer.replace("\n", " · "))
            outcome = await ctx.drive(conversation.answer(answer), on_event)
        if asked and outcome.ok:
            if not ctx.out.json:
                print_question(ctx, asked[-1], conversation.lang)
            return exits.QUESTION
        if recovered and recovered[-1].found and all(r.found for r in recovered):
            return exits.OK  # the stream dropped, but what it was doing was found and applied
        return outcome.exit_code

    return body
