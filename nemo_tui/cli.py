"""`nemo-tui`: parse flags, pick the backend, start the TUI or a headless command.

Imports stay inside the functions that need them: `nemo-tui --help` and the TUI's first paint must
not pay for the engine (numpy, uvicorn) or the client (httpx) up front.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path

BACKENDS = ("cloud", "local", "auto")
LANGS = ("en", "zh", "auto")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nemo-tui",
        description="Chat-style terminal app for AI video generation.",
        epilog=(
            "examples:\n"
            "  nemo-tui --local              run on the embedded local engine (offline)\n"
            "  nemo-tui --backend cloud      talk to the NemoVideo cloud API\n"
            "  nemo-tui serve --port 8765    run only the local engine's HTTP server\n"
            '  nemo-tui ask "generate a 10-second video of a sunset"   one turn, no TUI\n'
            "  nemo-tui export -o sunset.mp4                            render + download\n"
            "  nemo-tui doctor               why something looks wrong, and how to fix it\n"
            "\nheadless commands (ask, export, credits, status, upload, sessions) print results on\n"
            "stdout for scripts; `nemo-tui COMMAND --help` shows each one's flags and exit codes.\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="cloud, local or auto (env NEMO_BACKEND; default auto: cloud when it answers, else local)",
    )
    parser.add_argument("--local", action="store_true", help="short for --backend local")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="the app's language: en, zh, or auto (env NEMO_LANG; default auto: follow what you type, "
        "and reopen a session in its language)",
    )
    parser.add_argument("--export-dir", type=Path, default=None, help="where exported MP4s go")
    parser.add_argument("--debug", action="store_true", help="log HTTP traffic (tokens redacted) to a file")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser(
        "serve",
        help="run the local engine's HTTP server",
        description="Run the local engine (the NemoVideo contract, offline) on a loopback port.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument(
        "--data-dir", type=Path, default=None, help="where the engine keeps its database and media"
    )
    serve.add_argument(
        "--test-faults",
        action="store_true",
        help="allow POST /_engine/faults (for tests; needs the owner secret)",
    )
    from .commands.parsers import add_headless_commands  # argparse only: keeps --help fast

    add_headless_commands(sub)
    return parser


def first_backend(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str:
    """The backend the TUI names on its first paint, before the settings are read: the flags, else
    NEMO_BACKEND as written. Not validated here: the settings check it in the app's first worker, and a
    bad value closes the app with exit status 2, like the headless commands."""
    from .commands.parsers import requested_backend

    environ = os.environ if environ is None else environ
    return requested_backend(args) or environ.get("NEMO_BACKEND", "").strip().lower() or "auto"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from .engine.runner import serve

        with contextlib.suppress(KeyboardInterrupt):
            serve(
                host=args.host,
                port=args.port,
                data_dir=args.data_dir,
                test_faults=args.test_faults,
                announce=lambda line: print(line, file=sys.stderr, flush=True),
            )
        return 0
    if args.command == "doctor":  # checks the backends itself: nothing is connected first
        from .commands.doctor import run_doctor

        return run_doctor(args)
    from .commands.parsers import HEADLESS

    if args.command in HEADLESS:
        from .commands import run_command

        return run_command(args)
    backend = first_backend(args)
    if args.debug:
        from .logging_setup import enable_debug_logging

        print(f"nemo-tui: debug log at {enable_debug_logging()}", file=sys.stderr)
    from .ui.launch import run_app

    return run_app(backend=backend, export_dir=args.export_dir, lang_choice=args.lang)


if __name__ == "__main__":
    raise SystemExit(main())
