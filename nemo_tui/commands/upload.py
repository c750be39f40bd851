"""`nemo-tui upload PATH|URL`: put a file or a link into the session."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.events import Notice, UploadDone
from ..core.uploads import check_upload
from ..languages import locale_language
from ..protocol import MediaItem
from .exits import CommandError
from .runtime import Body, Context


def checked_item(raw: str) -> str:
    """A link as given, or the absolute path of a file that passes the seed's checks."""
    item = raw.strip()
    if not item:
        raise CommandError("Give a file path or an https:// link to upload.")
    if item.lower().startswith(("http://", "https://")):
        return item
    path, problem = check_upload(item, locale_language())
    if problem or path is None:
        raise CommandError(problem or f"Can't upload {item}.")
    return str(path.absolute())


def prepare(args: argparse.Namespace) -> Body:
    item = checked_item(args.item)

    async def body(ctx: Context) -> int:
        await ctx.open_session(args.session)
        media: list[MediaItem] = []

        def on_event(event: Any) -> None:
            if isinstance(event, UploadDone):
                media.extend(event.media)
            elif isinstance(event, Notice) and event.level in ("info", "success"):
                ctx.out.note(event.text)

        outcome = await ctx.drive(ctx.conversation.upload(item), on_event)
        if outcome.ok and not ctx.out.json:
            for entry in media:  # one line each: id<TAB>name, for `cut -f1`
                ctx.out.line(f"{entry.id}\t{entry.name}")
        return outcome.exit_code

    return body
