"""`nemo-tui replay FILE.mp4.json [-o out.mp4]`: render an export's recorded draft again, in a new
session on the chosen backend, and check the new MP4 against the record (duration, frame size,
track layout)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ..core.events import ExportDone, Notice
from ..core.mp4info import read_mp4_info
from ..core.records import ExportRecord, RecordError, mismatches, read_record
from ..protocol import Draft
from . import exits
from .exits import CommandError
from .export import make_private_folder, move_to, split_output
from .runtime import Body, Context


class ReplayResult(BaseModel):
    """The last line of `nemo-tui replay --json`."""

    kind: Literal["replay_result"] = "replay_result"
    path: Path
    record: Path | None
    session_id: str | None
    matches: bool
    problems: list[str]
    duration_s: float
    recorded_duration_s: float


def load(path: Path) -> tuple[ExportRecord, Draft]:
    try:
        record = read_record(path)
    except RecordError as exc:
        raise CommandError(str(exc)) from None
    if not record.draft:
        raise CommandError(f"{path} holds no draft to render (the export was resumed after a restart).")
    try:
        draft = Draft.from_wire(record.draft)
    except ValueError as exc:
        raise CommandError(f"The draft in {path} can't be read: {exc}") from None
    if not draft.tracks:
        raise CommandError(f"The draft in {path} is empty: nothing to render.")
    return record, draft


def prepare(args: argparse.Namespace) -> Body:
    source = Path(args.record).expanduser()
    record, draft = load(source)
    folder, file = split_output(args.output)

    async def body(ctx: Context) -> int:
        if folder is not None:
            make_private_folder(folder)
            ctx.conversation.export_dir = folder
        done: list[ExportDone] = []

        def on_event(event: Any) -> Any:
            if isinstance(event, ExportDone):
                if file is not None:
                    event = move_to(event, file)
                done.append(event)
                return event
            if isinstance(event, Notice) and event.level in ("info", "success"):
                ctx.out.note(event.text)
            return None

        title = f"replay of {record.file}"[:80]
        outcome = await ctx.drive(ctx.conversation.replay(draft, title), on_event)
        if not outcome.ok:
            return outcome.exit_code
        if not done:
            return exits.USAGE
        result = done[-1]
        info = await asyncio.to_thread(read_mp4_info, result.path)
        problems = mismatches(record, info)
        report = ReplayResult(
            path=result.path,
            record=result.record,
            session_id=ctx.session_id,
            matches=not problems,
            problems=problems,
            duration_s=round(info.duration_s, 3),
            recorded_duration_s=record.duration_s,
        )
        if ctx.out.json:
            ctx.out.json_line(report)
        else:
            ctx.out.line(str(result.path))
        if problems:
            ctx.out.error("The replay differs from the record: " + "; ".join(problems) + ".")
            return exits.SERVER
        ctx.out.note(
            f"Same as the record: {info.duration_s:.2f} s, {info.width}x{info.height}, "
            f"tracks {', '.join(info.handlers)}."
        )
        return exits.OK

    return body
