"""`nemo-tui doctor [--json]`: why something looks wrong, and exactly how to fix it.

It runs every check (nemo_tui/doctor: terminal, tmux, remote session, locale, CJK font, ffmpeg,
folders, backends, credentials) without connecting a session, prints one line per check (ok / warn /
fail, with the fix under each problem) or one JSON `DoctorReport`, and exits 1 when a check failed.
The TUI's doctor screen shows the same report.
"""

from __future__ import annotations

import argparse

from ..core.settings import Settings, SettingsError
from ..doctor import run_checks
from . import exits
from .output import Output


def run_doctor(args: argparse.Namespace, out: Output | None = None) -> int:
    from .parsers import requested_backend

    out = out or Output(json_mode=args.json)
    try:
        settings = Settings.from_env(
            backend=requested_backend(args),
            export_dir=getattr(args, "export_dir", None),
            lang=getattr(args, "lang", None),
        )
    except SettingsError as e:
        out.error(str(e))
        return exits.USAGE
    report = run_checks(settings)
    if out.json:
        out.json_line(report)
    else:
        for line in report.lines():
            out.line(line)
    return exits.SERVER if report.status == "fail" else exits.OK
