"""The headless sub-commands' flags and help. Only argparse here: `nemo-tui credits --help` must
not pay for the client, the engine or Textual (the work lives in the sibling modules, imported
when a command runs)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import env_vars
from ..languages import LANGS

BACKENDS = ("cloud", "local", "auto")
HEADLESS = (
    "ask",
    "export",
    "credits",
    "status",
    "upload",
    "sessions",
    "open",
    "preview",
    "replay",
    "ledger",
    "jobs",
)

EXIT_CODES_HELP = """\
exit codes:
  0  ok                 3  auth: token refused             5  network or rate limit (retry later)
  1  server or generic  4  out of credits, or plan (402)  130  interrupted
  2  usage or input: bad flag, unreadable file, unknown session, nothing to export
  6  the agent asked a question (printed); answer it with `nemo-tui ask --answer …`"""

_SHARED = """
The session is the last one used on this backend (shared with the TUI) unless --session says.
Flags before or after the command work alike: --local, --backend cloud|local|auto, --export-dir,
--lang en|zh|auto.
Environment: {environment}, NO_COLOR.
Results go to stdout; errors (one line) and, on a terminal, progress go to stderr.
"""

_EXAMPLES = {
    "preview": """examples:
  nemo-tui preview -o sheet.png         a contact sheet of 8 frames with time codes
  nemo-tui preview --frames 12 --width 1920 --json
  nemo-tui preview --ansi --at 2.5      one frame as coloured text, here in the terminal""",
    "ask": """examples:
  nemo-tui ask --new "generate a 10-second video of a sunset"
  nemo-tui --local ask "add a title 'Golden Hour' for 3 seconds"
  echo "add lo-fi background music at 35%" | nemo-tui ask -
  nemo-tui ask --json "make it 5 seconds" | jq -r 'select(.kind=="reply_finished").text'
  nemo-tui ask "make a video"           the agent may ask first: exit 6, question printed
  nemo-tui ask --answer 1 --answer "2,3"  answer it: one --answer per question, in order
  nemo-tui ask "make a video" --answer ocean   send, and answer a question if one comes""",
    "open": """examples:
  nemo-tui open                         print the project's browser link (and copy/open it)
  nemo-tui open --session 3f2a --json""",
    "export": """examples:
  nemo-tui export                       save to the export dir, print the MP4's path
  nemo-tui export -o sunset.mp4
  nemo-tui export --session 3f2a -o ~/Videos/
  nemo-tui export --resume              after an interrupted export""",
    "credits": """examples:
  nemo-tui credits
  nemo-tui credits --json | jq .available""",
    "status": """examples:
  nemo-tui status                       Timeline (2 tracks): 1. Video: … 2. BGM: …
  nemo-tui status --json > draft.json""",
    "upload": """examples:
  nemo-tui upload ./beach.mp4
  nemo-tui upload https://example.com/clip.mov --json""",
    "doctor": """examples:
  nemo-tui doctor                       one line per check: ok / warn / fail, and the fix
  nemo-tui doctor --json | jq '.checks[] | select(.status != "ok")'""",
    "replay": """examples:
  nemo-tui replay ~/Videos/nemo-20261201-101500.mp4.json
  nemo-tui --local replay sunset.mp4.json -o again.mp4 --json""",
    "ledger": """examples:
  nemo-tui ledger                       every turn: balance before → after, the change, what was asked
  nemo-tui ledger --session 3f2a --json | jq .total_spent""",
    "jobs": """examples:
  nemo-tui jobs                         exports, previews and generations, newest first
  nemo-tui jobs --json | jq '.jobs[] | select(.status != "completed")'
  nemo-tui jobs --download render_17   download a finished export again
  nemo-tui jobs --retry render_17      render a failed export again
  nemo-tui jobs --cancel render_17     stop a running render""",
    "sessions": """examples:
  nemo-tui sessions
  nemo-tui sessions --json | jq -r '.[0].session_id'
  nemo-tui sessions --offline           from the local database only (no durations)""",
}


def requested_backend(args: argparse.Namespace) -> str | None:
    """The backend the flags ask for (`--local` wins over `--backend`), or None to let the settings
    read NEMO_BACKEND. Validated once, by the settings, for the TUI and the headless commands alike."""
    if getattr(args, "local", False):
        return "local"
    return getattr(args, "backend", None)


def add_backend_flags(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """The backend flags, declared once: on the top-level parser, and again after each command
    (`after_command`: SUPPRESS defaults, so a flag given before the command is not reset by the
    sub-parser's default)."""
    unset = argparse.SUPPRESS if after_command else None
    off = argparse.SUPPRESS if after_command else False
    target = parser.add_argument_group("backend") if after_command else parser
    target.add_argument(
        "--backend",
        choices=BACKENDS,
        default=unset,
        help=f"cloud, local or auto (env {env_vars.BACKEND}; default auto: cloud when it answers, else local)",
    )
    target.add_argument(
        "--local",
        action="store_true",
        default=off,
        help="short for --backend local (embedded engine, offline)",
    )
    target.add_argument("--export-dir", type=Path, default=unset, help="where exported MP4s go")
    target.add_argument(
        "--lang",
        choices=(*LANGS, "auto"),
        default=unset,
        help=f"the app's language: en, zh, or auto (env {env_vars.LANG}; default auto: follow what you "
        "type, and reopen a session in its language)",
    )
    target.add_argument(
        "--debug", action="store_true", default=off, help="log HTTP traffic (tokens redacted) to a file"
    )


def shared_flags() -> argparse.ArgumentParser:
    """The top-level backend flags, also accepted after the command."""
    parent = argparse.ArgumentParser(add_help=False)
    add_backend_flags(parent, after_command=True)
    return parent


def _command(
    sub: argparse._SubParsersAction,
    name: str,
    summary: str,
    description: str,
    parent: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        name,
        help=summary,
        description=description + "\n" + _SHARED.format(environment=env_vars.settings_help()),
        parents=[parent],
        epilog=_EXAMPLES[name] + "\n\n" + EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help=_JSON_HELP[name])
    return parser


_JSON_HELP = {
    "ask": "print one JSON object per event (core event models, field `kind`)",
    "export": "print one JSON object per event; the last is `export_done` with the path",
    "upload": "print one JSON object per event; `upload_done` lists the stored media",
    "credits": "print the balance as a JSON object (available, frozen, total)",
    "status": "print the session's draft as JSON (the wire's keys: t, tt, sg, d, m)",
    "sessions": "print a JSON array of sessions",
    "open": 'print {"url": …} instead of the bare link',
    "preview": "print the contact sheet as a JSON object (path, size, times of its frames)",
    "replay": "print one JSON object per event; the last is `replay_result` (matches, problems)",
    "ledger": "print the ledger as one JSON object (entries, session_spent, total_spent)",
    "jobs": "print the jobs as one JSON object (jobs: id, kind, status, progress, eta_s, …)",
    "doctor": "print the report as one JSON object (version, status, checks: id, title, status, detail, fix)",
}


def add_headless_commands(sub: argparse._SubParsersAction) -> None:
    parent = shared_flags()
    ask = _command(
        sub,
        "ask",
        "send one message and print the reply",
        "Send one message to the video agent (generate, edit, add music…) and print its "
        'reply as it streams. Like the TUI, "export", "credits", "status" or a file '
        "path are handled directly.",
        parent,
    )
    ask.add_argument(
        "prompt",
        nargs="?",
        help='the message; "-" reads it from stdin; leave it out '
        "with --answer to answer the question the agent is waiting on",
    )
    which = ask.add_mutually_exclusive_group()
    which.add_argument("--session", metavar="ID", help="continue this session (id or unique prefix)")
    which.add_argument("--new", action="store_true", help="start a new session (an empty timeline)")
    ask.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help='when the message is ambiguous ("don\'t export yet"), take it as the '
        "action it names (without -y it is sent to the agent as a message); and spend what "
        "the quote says without asking",
    )
    ask.add_argument(
        "--max-credits",
        type=float,
        metavar="N",
        help="spend at most N credits on this turn: a quote above N (or unknown) is refused",
    )
    ask.add_argument(
        "--answer",
        action="append",
        metavar="SPEC",
        default=[],
        help="answer the agent's question (exit code 6): one --answer per question, in "
        'order; SPEC is option numbers or labels separated by commas ("1", '
        '"2,3", "Ocean"), anything else is sent as your own words',
    )

    export = _command(
        sub,
        "export",
        "render the timeline and download the MP4",
        "Render the session's timeline to an MP4 (H.264 + AAC), download it, check it, and print its path.",
        parent,
    )
    export.add_argument("--session", metavar="ID", help="export this session (id or unique prefix)")
    how = export.add_mutually_exclusive_group()
    # str, not Path: Path("~/Videos/") drops the trailing slash that says "a folder".
    how.add_argument(
        "-o",
        "--output",
        type=str,
        metavar="PATH",
        help="file to write (replaced if it exists), or a folder: an existing one, or "
        "one ending in / (made if missing)",
    )
    how.add_argument(
        "--resume",
        action="store_true",
        help="finish exports an earlier run left unfinished (Ctrl+C, lost connection) "
        "and print their paths, instead of starting a new one",
    )

    _command(sub, "credits", "show the credit balance", "Show the account's credits.", parent)

    status = _command(
        sub,
        "status",
        "show the session's timeline",
        "Show the session's timeline in one line (or its draft as JSON).",
        parent,
    )
    status.add_argument("--session", metavar="ID", help="show this session (id or unique prefix)")

    upload = _command(
        sub,
        "upload",
        "upload a file or a URL into the session",
        "Upload a local file (mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, "
        "wav, m4a, aac; up to 200 MB) or a link into the session.",
        parent,
    )
    upload.add_argument("item", metavar="PATH|URL", help="a file path or an http(s) link")
    upload.add_argument("--session", metavar="ID", help="upload into this session (id or unique prefix)")

    sessions = _command(
        sub,
        "sessions",
        "list the sessions on this backend",
        "List the sessions on this backend, most recently used first, with their "
        "title, last use and timeline duration.",
        parent,
    )
    sessions.add_argument(
        "--offline", action="store_true", help="don't ask the backend for each timeline's duration"
    )
    sessions.add_argument(
        "--limit", type=int, default=20, metavar="N", help="list at most N sessions (default 20)"
    )

    opener = _command(
        sub,
        "open",
        "open the project in the browser",
        "Ask the service for a claim link to this project (the API token never goes "
        "into a URL), print it, copy it to the terminal's clipboard (OSC 52, works "
        "over SSH) and open it when a browser is available here.",
        parent,
    )
    opener.add_argument("--session", metavar="ID", help="this session (id or unique prefix)")
    opener.add_argument("--no-browser", action="store_true", help="only print and copy the link")

    preview = _command(
        sub,
        "preview",
        "see the draft: a contact sheet PNG, or one frame as text",
        "Render (or reuse, when the draft is unchanged) a quick preview of the session's draft and "
        "write a contact sheet of evenly spaced frames, each labelled with its time code.",
        parent,
    )
    preview.add_argument("--session", metavar="ID", help="preview this session (id or unique prefix)")
    preview.add_argument("-o", "--output", type=str, metavar="PNG", help="where to write the sheet")
    preview.add_argument("--frames", type=int, default=8, metavar="N", help="frames on the sheet (default 8)")
    preview.add_argument(
        "--width", type=int, metavar="PX", help="sheet width in pixels (default 1280); with --ansi, in cells"
    )
    preview.add_argument("--ansi", action="store_true", help="print one frame as half-block text instead")
    preview.add_argument(
        "--at", type=float, metavar="SECONDS", help="with --ansi: the frame's time (default: middle)"
    )
    replay = _command(
        sub,
        "replay",
        "render an export's record again and check it",
        "Render the draft recorded beside an export (`<name>.mp4.json`) again, in a new session on the "
        "chosen backend, and check the new MP4's duration, frame size and tracks against the record.",
        parent,
    )
    replay.add_argument("record", metavar="FILE.json", help="the record written beside an export")
    replay.add_argument("-o", "--output", type=str, metavar="PATH", help="file or folder for the new MP4")

    ledger = _command(
        sub,
        "ledger",
        "what each turn cost: balance before and after",
        "List every turn with the balance before and after it, the change and what was asked, and "
        "the total spent: every session, or one with --session.",
        parent,
    )
    ledger.add_argument("--session", metavar="ID", help="only this session (id or unique prefix)")

    jobs = _command(
        sub,
        "jobs",
        "exports, previews and generations, with progress",
        "List every render (export or preview) and generation the app started, across sessions and "
        "restarts: status, progress, an ETA learned from past jobs, where the file is.",
        parent,
    )
    act = jobs.add_mutually_exclusive_group()
    act.add_argument("--download", metavar="ID", help="download a finished export again")
    act.add_argument("--retry", metavar="ID", help="render a failed (or cancelled) export again")
    act.add_argument("--cancel", metavar="ID", help="cancel a running render (where the backend allows)")
    jobs.add_argument("--limit", type=int, default=30, metavar="N", help="list at most N jobs (default 30)")

    sub.add_parser(
        "doctor",
        help="check the terminal, fonts, ffmpeg, folders and backends",
        description="Check what nemo-tui depends on — terminal (TERM, colour, size), tmux options, "
        "SSH or mosh, UTF-8 locale, CJK font, ffmpeg, export folder, private folders, cloud and "
        "local engine, credentials (never shown) — and say how to fix each problem.\n" + _SHARED,
        parents=[parent],
        epilog=_EXAMPLES["doctor"] + "\n\nexit codes:\n  0  no check failed (warnings allowed)\n"
        "  1  a check failed\n  2  a setting is invalid",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).add_argument("--json", action="store_true", help=_JSON_HELP["doctor"])
