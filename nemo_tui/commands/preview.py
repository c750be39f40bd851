"""`nemo-tui preview`: render (or reuse) the preview of the session's draft, then write a contact
sheet PNG (`-o`), or print one frame as half-block text with 24-bit colour (`--ansi [--at S]`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any

from ..core.events import Notice, PreviewReady
from . import exits
from .exits import CommandError
from .runtime import Body, Context


def prepare(args: argparse.Namespace) -> Body:
    if not 1 <= args.frames <= 64:
        raise CommandError(f"--frames must be between 1 and 64, not {args.frames}.")
    if args.width is not None and not 16 <= args.width <= 4096:
        raise CommandError(f"--width must be between 16 and 4096 pixels, not {args.width}.")
    if args.at is not None and args.at < 0:
        raise CommandError(f"--at must be a time in seconds from the start, not {args.at}.")
    if args.ansi and args.output:
        raise CommandError("--ansi prints to the terminal; it takes no -o.")

    async def body(ctx: Context) -> int:
        await ctx.open_session(args.session)
        if ctx.session_id is None:
            raise CommandError(
                'Nothing to preview yet: no session on this backend. Start one with `nemo-tui ask "generate …"`.'
            )
        ready: list[PreviewReady] = []

        def on_event(event: Any) -> Any:
            if isinstance(event, PreviewReady):
                ready.append(event)
            elif isinstance(event, Notice) and event.level in ("info", "success"):
                ctx.out.note(event.text)
            return None

        outcome = await ctx.drive(ctx.conversation.preview(), on_event)
        if not outcome.ok:
            return outcome.exit_code
        if not ready:
            return exits.USAGE  # nothing to preview: the warning saying so is already on stderr
        video = ready[-1].path
        if args.ansi:
            return await asyncio.to_thread(_print_ansi, ctx, video, args.at, args.width)
        target = Path(args.output).expanduser() if args.output else _default_sheet(ctx)
        return await asyncio.to_thread(_write_sheet, ctx, video, target, args.frames, args.width or 1280)

    return body


def _default_sheet(ctx: Context) -> Path:
    return Path(ctx.conversation.export_dir) / f"nemo-preview-{time.strftime('%Y%m%d-%H%M%S')}.png"


def _write_sheet(ctx: Context, video: Path, target: Path, frames: int, width: int) -> int:
    from ..core.contact_sheet import contact_sheet, png_bytes
    from ..core.frames import DecodeError

    try:
        sheet, times = contact_sheet(video, frames, width)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        part.write_bytes(png_bytes(sheet))
        part.replace(target)
    except DecodeError as exc:
        raise CommandError(f"Could not read the preview: {exc}", exits.SERVER) from None
    except OSError as exc:
        raise CommandError(f"Can't write {target}: {exc.strerror or exc}") from None
    if ctx.out.json:
        sheet_info = {
            "kind": "contact_sheet",
            "path": str(target),
            "preview": str(video),
            "width": sheet.shape[1],
            "height": sheet.shape[0],
            "times": [round(t, 3) for t in times],
        }
        print(json.dumps(sheet_info), flush=True)
    else:
        ctx.out.line(str(target))
    return exits.OK


def _print_ansi(ctx: Context, video: Path, at: float | None, width: int | None) -> int:
    from ..core.frames import DecodeError, grab_frame
    from ..core.halfblock import ansi_lines
    from ..core.mp4info import read_mp4_info

    info = read_mp4_info(video)
    cells = width or min(shutil.get_terminal_size((80, 24)).columns, 160)
    height = max(round(cells * info.height / max(info.width, 1) / 2) * 2, 2)
    when = info.duration_s / 2 if at is None else min(at, info.duration_s)
    try:
        frame = grab_frame(video, when, cells, height)
    except DecodeError as exc:
        raise CommandError(f"Could not read the preview: {exc}", exits.SERVER) from None
    for line in ansi_lines(frame):
        ctx.out.line(line)
    return exits.OK
