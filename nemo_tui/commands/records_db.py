"""The app's database for the commands that only read it (`ledger`, `jobs`): opened from the
settings (NEMO_DATA_DIR moves it), with a session picked by id or unique prefix."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from .output import Output

if TYPE_CHECKING:
    from ..core.store import Store

R = TypeVar("R", bound=BaseModel)


def open_store(args: argparse.Namespace, out: Output) -> Store | None:
    from ..core.settings import Settings, SettingsError
    from ..core.store import Store, StoreError

    try:
        settings = Settings.from_env(export_dir=getattr(args, "export_dir", None))
        return Store(settings.db_path)
    except (SettingsError, StoreError) as exc:
        out.error(str(exc))
        return None


def pick_session(store: Store, wanted: str, out: Output) -> str | None:
    """A stored session id (any backend; one the ledger or jobs name counts too) by id or prefix."""
    known = {r.session_id for r in store.list_sessions()}
    known |= {e.session_id for e in store.ledger()}
    matches = [s for s in known if s == wanted] or sorted(s for s in known if s.startswith(wanted))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        out.error(f"No session {wanted!r}; `nemo-tui sessions` lists them.")
    else:
        out.error(f"{wanted!r} matches {len(matches)} sessions; give more of the id.")
    return None


def print_report(
    args: argparse.Namespace, out: Output, report: R, lines: Callable[[R, str], list[str]]
) -> int:
    """One JSON object with --json, else the report's lines (in --lang's language); exit 0."""
    if out.json:
        out.json_line(report)
        return 0
    lang = "zh" if (getattr(args, "lang", None) or "").startswith("zh") else "en"
    for line in lines(report, lang):
        out.line(line)
    return 0
