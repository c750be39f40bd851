"""`nemo-tui open`: the project's browser link — a claim token from the service, never the API
token in a URL. Printed on stdout, copied to the terminal's clipboard with OSC 52 (works over SSH,
as Ctrl+Y does in the TUI) and opened with the system browser when one is available here."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from typing import Any

from ..protocol import NemoError
from . import exits
from .exits import CommandError
from .runtime import Body, Context


def osc52(text: str) -> str:
    """The escape sequence that asks the terminal to put `text` on the clipboard."""
    return "\033]52;c;" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "\a"


def copy_to_terminal(text: str) -> bool:
    """Write OSC 52 to the controlling terminal (not stdout: a pipe must get only the link)."""
    try:
        with open("/dev/tty", "w", encoding="utf-8") as tty:
            tty.write(osc52(text))
            tty.flush()
        return True
    except OSError:
        return False


def over_ssh(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_CLIENT") or env.get("SSH_TTY"))


def open_in_browser(url: str) -> bool:
    """Open only where a browser can show it to the person (not on a remote host over SSH)."""
    if over_ssh() or not (
        sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    import webbrowser

    try:
        return webbrowser.open(url)
    except Exception:  # no usable browser: the link is printed and copied anyway
        return False


def prepare(args: argparse.Namespace) -> Body:
    async def body(ctx: Context) -> int:
        await ctx.open_session(args.session, json_events=False)
        if ctx.session_id is None:
            raise CommandError('No project on this backend yet: start one with `nemo-tui ask "generate …"`.')
        try:
            url = await ctx.conversation.claim_link()
        except NemoError as exc:
            ctx.out.error(exc.user_message(ctx.conversation.lang))
            return exits.exit_code_for_error(exc)
        if ctx.out.json:
            ctx.out.line(json.dumps({"url": url}))
        else:
            ctx.out.line(url)
        tty: Any = sys.stderr
        if tty.isatty() and copy_to_terminal(url):
            ctx.out.note("Copied the link to the clipboard (OSC 52).")
        if not args.no_browser and open_in_browser(url):
            ctx.out.note("Opened it in the browser.")
        return exits.OK

    return body
