"""`nemo-tui jobs [--json]`: every export, preview and generation the app started, across sessions
and restarts, newest first, with status, progress and an ETA learned from past jobs. The list reads
the app's database only; `--download`, `--retry` and `--cancel` act on one job through the backend."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from ..core.events import ExportDone, Notice
from . import exits
from .exits import CommandError
from .output import Output
from .records_db import open_store, print_report
from .runtime import Body, Context


def run_offline(args: argparse.Namespace, out: Output) -> int | None:
    """The list; None when an action was asked for (it needs the backend: `prepare`)."""
    if args.download or args.retry or args.cancel:
        return None
    from ..core.jobs import job_lines, jobs_report

    if args.limit < 1:
        out.error("--limit takes a number of jobs, 1 or more.")
        return exits.USAGE
    store = open_store(args, out)
    if store is None:
        return exits.USAGE
    try:
        report = jobs_report(store, limit=args.limit)
    finally:
        store.close()
    return print_report(args, out, report, job_lines)


def prepare(args: argparse.Namespace) -> Body:
    wanted = args.download or args.retry or args.cancel

    async def body(ctx: Context) -> int:
        record = await asyncio.to_thread(ctx.store.render, wanted)
        if record is None or record.backend_key != ctx.backend.backend_key:
            raise CommandError(
                f"No job {wanted!r} on this backend ({ctx.backend.kind}); `nemo-tui jobs` lists them."
            )
        conversation = ctx.conversation

        def on_event(event: Any) -> None:
            if isinstance(event, ExportDone) and not ctx.out.json:
                ctx.out.line(str(event.path))
            elif isinstance(event, Notice) and event.level in ("info", "success"):
                ctx.out.note(event.text)

        if args.cancel:
            if record.kind == "generation":
                raise CommandError("A generation can't be cancelled on this backend; it ends with its turn.")
            if record.finished is not None:
                raise CommandError(f"Job {wanted} has already ended ({record.status}).")
            outcome = await ctx.drive(conversation.cancel_job(wanted), on_event)
            return outcome.exit_code
        if record.kind != "export":
            raise CommandError(f"Job {wanted} is a {record.kind}: only exports can be downloaded or retried.")
        if args.download:
            if record.status != "completed":
                raise CommandError(f"Job {wanted} has no finished file to download ({record.status}).")
            outcome = await ctx.drive(conversation.download_again(wanted), on_event)
            return outcome.exit_code
        if record.status not in ("failed", "cancelled"):
            raise CommandError(f"Job {wanted} did not fail ({record.status}): nothing to retry.")
        await ctx.open_session(record.session_id, json_events=False)
        outcome = await ctx.drive(conversation.export(), on_event)
        return outcome.exit_code

    return body
