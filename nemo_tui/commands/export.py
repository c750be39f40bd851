"""`nemo-tui export [-o PATH]`: render the session's timeline, download and check the MP4."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..core.events import ExportDone, Notice
from ..core.records import RecordError, move_export
from . import exits
from .exits import CommandError
from .runtime import Body, Context


def split_output(output: str | Path | None) -> tuple[Path | None, Path | None]:
    """(folder to export into, file to rename the result to) for `-o`.

    A trailing slash or an existing folder means "save inside this folder" (`-o ~/Videos/`, the
    --help example, when ~/Videos does not exist yet: it is made, never a file named `Videos`).
    `output` is the text as typed: a Path would already have dropped the trailing slash."""
    if output is None:
        return None, None
    raw = str(output)
    target = Path(raw).expanduser()
    if raw.endswith(("/", os.sep)) or target.is_dir():
        return target.absolute(), None
    target = target.absolute()
    if target.exists() and not target.is_file():
        raise CommandError(f"Can't write the MP4 to {output}: it exists and is not a file.")
    return target.parent, target


def make_private_folder(folder: Path) -> None:
    """`folder` and any missing parents, each new one 0700 (exports are the person's own)."""
    missing: list[Path] = []
    cur = folder
    while not cur.exists() and cur != cur.parent:
        missing.append(cur)
        cur = cur.parent
    try:
        for path in reversed(missing):
            path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise CommandError(f"Can't create the folder {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise CommandError(f"Can't save into {folder}: it exists and is not a folder.")


def move_to(event: ExportDone, file: Path) -> ExportDone:
    """The export (and its record) renamed to what `-o` asked for."""
    try:
        record = move_export(event.path, event.record, file)  # same folder: an atomic rename
    except (OSError, RecordError) as exc:
        raise CommandError(
            f"Exported to {event.path} but couldn't move it to {file}: {getattr(exc, 'strerror', None) or exc}",
            exits.SERVER,
        ) from None
    return event.model_copy(update={"path": file, "record": record})


def resume_body() -> Body:
    async def body(ctx: Context) -> int:
        paths: list[Path] = []

        def on_event(event: Any) -> None:
            if isinstance(event, ExportDone):
                paths.append(event.path)
            elif isinstance(event, Notice) and event.level in ("info", "success"):
                ctx.out.note(event.text)

        outcome = await ctx.drive(ctx.conversation.resume_pending(), on_event)
        if not ctx.out.json:
            for path in paths:
                ctx.out.line(str(path))
        if outcome.ok and not paths:
            ctx.out.note("No unfinished exports.")
        return outcome.exit_code

    return body


def prepare(args: argparse.Namespace) -> Body:
    if args.resume:
        if args.session:
            raise CommandError("--resume finishes every unfinished export; it takes no --session.")
        return resume_body()
    folder, file = split_output(args.output)

    async def body(ctx: Context) -> int:
        await ctx.open_session(args.session)
        if ctx.session_id is None:
            raise CommandError(
                "Nothing to export yet: no session on this backend. "
                'Start one with `nemo-tui ask "generate …"`.'
            )
        if folder is not None:
            make_private_folder(folder)
            ctx.conversation.export_dir = folder
        done: list[ExportDone] = []
        moved: dict[str, str] = {}  # the conversation's file name → the -o name, for its report

        def on_event(event: Any) -> Any:
            if isinstance(event, ExportDone):
                if file is not None:
                    moved[str(event.path)] = str(file)
                    event = move_to(event, file)
                done.append(event)
                return event
            if isinstance(event, Notice) and event.level in ("info", "success"):
                for before, after in moved.items():
                    event = event.model_copy(update={"text": event.text.replace(before, after)})
                ctx.out.note(event.text)
                return event
            return None

        outcome = await ctx.drive(ctx.conversation.export(), on_event)
        if not outcome.ok:
            return outcome.exit_code
        if not done:
            return exits.USAGE  # nothing to export: the warning saying so is already on stderr
        if not ctx.out.json:
            ctx.out.line(str(done[-1].path))
        return exits.OK

    return body
