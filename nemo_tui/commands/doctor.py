"""`nemo-tui doctor [--json]`: why something looks wrong, and exactly how to fix it.

It runs every check (terminal, tmux, remote session, locale, CJK font, ffmpeg, folders, backends,
credentials) without connecting a session, prints one line per check (ok / warn / fail, with the fix
under each problem) or one JSON `DoctorReport`, and exits 1 when a check failed. The TUI's doctor
screen shows the same report (`run_checks`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..core.settings import Settings, SettingsError
from . import exits
from .doctor_machine import (
    check_cjk_font,
    check_cloud,
    check_credentials,
    check_export_dir,
    check_ffmpeg,
    check_local_engine,
    check_private_folders,
)
from .doctor_model import Check, DoctorReport
from .doctor_terminal import (
    Machine,
    check_colour,
    check_locale,
    check_remote,
    check_terminal,
    check_tmux,
    this_machine,
)
from .output import Output


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nemo-tui")
    except PackageNotFoundError:
        return "unknown"


def run_checks(
    settings: Settings | None = None, machine: Machine | None = None, *, skip: frozenset[str] = frozenset()
) -> DoctorReport:
    """Every check, in the order a person reads them (blocking: ~1-3 s; the TUI runs it in a thread).
    `skip` leaves checks out by id ("local_engine" when the app already runs one)."""
    machine = machine or this_machine()
    checks: list[Check] = []
    if settings is None:
        try:
            settings = Settings.from_env(machine.environ)
        except SettingsError as e:
            checks.append(Check.fail("settings", "Settings", str(e), "fix or unset the variable named"))
            settings = Settings()
    plan: list[tuple[str, Callable[[], Check]]] = [
        ("terminal", lambda: check_terminal(machine)),
        ("colour", lambda: check_colour(machine)),
        ("tmux", lambda: check_tmux(machine)),
        ("remote", lambda: check_remote(machine)),
        ("locale", lambda: check_locale(machine)),
        ("cjk_font", check_cjk_font),
        ("ffmpeg", check_ffmpeg),
        ("export_dir", lambda: check_export_dir(settings)),
        ("folders", lambda: check_private_folders(settings)),
        ("cloud", lambda: check_cloud(settings)),
        ("local_engine", check_local_engine),
        ("credentials", lambda: check_credentials(settings)),
    ]
    for id, check in plan:
        if id in skip:
            continue
        try:
            checks.append(check())
        except Exception as e:  # a check that breaks is itself a finding, never a traceback
            checks.append(
                Check.fail(id, id, f"the check itself failed: {type(e).__name__}: {e}", "report this")
            )
    return DoctorReport.of(_version(), checks)


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
