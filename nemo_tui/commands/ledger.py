"""`nemo-tui ledger [--session ID] [--json]`: every turn with the balance before and after it, the
change and what was asked, and the totals. Reads the app's database only: no backend is started."""

from __future__ import annotations

import argparse

from . import exits
from .output import Output
from .records_db import open_store, pick_session, print_report


def run_offline(args: argparse.Namespace, out: Output) -> int:
    from ..core.ledger import ledger_lines, ledger_report

    store = open_store(args, out)
    if store is None:
        return exits.USAGE
    try:
        session = pick_session(store, args.session, out) if args.session else None
        if args.session and session is None:
            return exits.USAGE
        report = ledger_report(store, session)
    finally:
        store.close()
    return print_report(args, out, report, ledger_lines)
