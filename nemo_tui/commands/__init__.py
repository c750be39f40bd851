"""Headless commands for scripts and SSH: `nemo-tui ask|export|credits|status|upload|sessions|open`.

They drive the same `core.Conversation` as the TUI, over the same store (sessions, chat history,
render jobs), so `nemo-tui ask …` then `nemo-tui export` continue one timeline, and the TUI reopens
it. Exit codes: see `commands/exits.py`. Each command module has `prepare(args) -> body`: checks
that need no backend (a missing file, an empty prompt) run there, before anything is started.
"""

from __future__ import annotations

import argparse
from importlib import import_module

from .parsers import HEADLESS, add_headless_commands

__all__ = ["HEADLESS", "add_headless_commands", "run_command"]

_MODULES = {
    "ask": "ask",
    "export": "export",
    "upload": "upload",
    "credits": "info",
    "status": "info",
    "sessions": "info",
    "open": "links",
    "preview": "preview",
    "replay": "replay",
    "ledger": "ledger",
    "jobs": "jobs",
}


def run_command(args: argparse.Namespace) -> int:
    from .exits import CommandError
    from .output import Output
    from .runtime import run_headless

    out = Output(json_mode=args.json)
    module = import_module(f".{_MODULES[args.command]}", __name__)
    offline = getattr(module, "run_offline", None)
    if offline is not None:  # reads the app's database only: no backend is started
        code = offline(args, out)
        if code is not None:
            return int(code)
    try:
        body = module.prepare(args)
    except CommandError as exc:
        out.error(str(exc))
        return exc.code
    return run_headless(args, body, out=out)
