"""The doctor's checks: why something looks wrong on this machine, and exactly how to fix it.

Shared by `nemo-tui doctor [--json]` (commands/doctor.py prints the report) and the TUI's doctor
screen (the command palette), the way `nemo_tui.backend` is shared by both: it sits beside them, above
core and engine, so neither front-end reaches into the other. The checks block (subprocesses, an
engine start, a network probe): the TUI runs them in a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..core.config_toml import CONFIG_FILE
from ..core.settings import Settings, SettingsError
from .machine import (
    check_cjk_font,
    check_cloud,
    check_credentials,
    check_export_dir,
    check_ffmpeg,
    check_local_engine,
    check_private_folders,
)
from .model import Check, DoctorReport
from .terminal import (
    Machine,
    check_colour,
    check_locale,
    check_remote,
    check_send_key,
    check_terminal,
    check_tmux,
    this_machine,
)

__all__ = ["Check", "DoctorReport", "Machine", "run_checks"]


def cache_path(settings: Settings) -> Path:
    from ..core.graphics import CACHE_FILE

    return settings.cache_dir / CACHE_FILE


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
        ("colour", lambda: check_colour(machine, settings.config_dir / CONFIG_FILE, cache_path(settings))),
        ("tmux", lambda: check_tmux(machine)),
        ("remote", lambda: check_remote(machine)),
        ("locale", lambda: check_locale(machine)),
        ("send_key", lambda: check_send_key(machine, settings.config_dir / CONFIG_FILE)),
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
