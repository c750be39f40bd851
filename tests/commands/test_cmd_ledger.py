"""Cost quotes before spending and the credit ledger (issue 14), against the local engine."""

from __future__ import annotations

import json

from commands_helpers import Cli
from pydantic import TypeAdapter

from nemo_tui.core.events import ConversationEvent, CostQuote
from nemo_tui.core.ledger import LedgerReport
from nemo_tui.protocol import Credits

EVENTS = TypeAdapter(ConversationEvent)


def _available(cli: Cli) -> float:
    result = cli.call("credits", "--json")
    assert result.code == 0, result.err
    return Credits.model_validate_json(result.out).available


def _quotes(out: str) -> list[CostQuote]:
    return [e for e in (EVENTS.validate_json(line) for line in out.splitlines()) if isinstance(e, CostQuote)]


def test_the_ledgers_changes_add_up_to_the_engines_balance_change(cli: Cli) -> None:
    start = _available(cli)
    first = cli.call("ask", "--new", "--json", "generate a 2-second video of a sunset")
    assert first.code == 0, first.err
    # Nothing measured yet on this backend: the price is said to be unknown, honestly.
    (unknown,) = _quotes(first.out)
    assert unknown.credits is None and "unknown" in unknown.text
    second = cli.call("ask", "--json", "generate a 3-second video of the sea")
    assert second.code == 0, second.err
    (learned,) = _quotes(second.out)  # learned from the first turn: 2 credits for 2 s
    assert learned.rate == 1.0 and learned.credits == 3.0 and "about 3 credits" in learned.text
    assert cli.call("ask", "add a title 'Golden Hour'").code == 0
    end = _available(cli)
    assert end == start - 5

    result = cli.call("ledger", "--json")
    assert result.code == 0, result.err
    report = LedgerReport.model_validate_json(result.out)
    assert [e.asked for e in report.entries] == [
        "generate a 2-second video of a sunset",
        "generate a 3-second video of the sea",
        "add a title 'Golden Hour'",
    ]
    assert sum(e.change or 0 for e in report.entries) == end - start == report.total_change
    assert [e.change for e in report.entries] == [-2, -3, 0] and report.total_spent == 5
    assert report.entries[0].before == start and report.entries[-1].after == end

    text = cli.call("ledger", "--session", report.entries[0].session_id[:6])
    assert text.code == 0 and "100 → 98" in text.out and "Spent: 5 in this session, 5 in all" in text.out


def test_a_quote_above_the_threshold_is_refused_and_spends_nothing(cli: Cli) -> None:
    assert cli.call("ask", "--new", "generate a 2-second video of a sunset").code == 0  # the rate: 1/s
    before = _available(cli)
    refused = cli.call("ask", "generate a 30-second video of the sea")
    assert refused.code == 4
    assert "Not sent, nothing spent. This will cost about 30 credits" in refused.err
    assert "above your confirm-above limit of 20" in refused.err and refused.out == ""
    capped = cli.call("ask", "--max-credits", "10", "--json", "generate a 30-second video of the sea")
    assert capped.code == 4 and "--max-credits limit of 10" in _quotes(capped.out)[0].confirm
    assert _available(cli) == before
    ledger = LedgerReport.model_validate_json(cli.call("ledger", "--json").out)
    assert len(ledger.entries) == 1  # refused turns never reached the engine

    sent = cli.call("ask", "--yes", "generate a 30-second video of the sea")
    assert sent.code == 0, sent.err
    assert _available(cli) == before - 30


def test_the_session_budget_refuses_a_turn_that_would_cross_it(cli: Cli) -> None:
    cli.extra["NEMO_SESSION_BUDGET"] = "3"
    assert cli.call("ask", "--new", "generate a 2-second video of a sunset").code == 0
    before = _available(cli)
    refused = cli.call("ask", "--yes", "generate a 2-second video of the sea")
    assert refused.code == 4
    assert "this session's budget is 3 credits, 2 are spent" in refused.err
    assert _available(cli) == before


def test_the_local_engines_rate_is_known_from_the_first_turn(cli: Cli) -> None:
    cli.extra["NEMO_CONFIRM_ABOVE"] = "5"
    result = cli.call("--local", "ask", "--json", "generate a 10-second video of a sunset", backend=False)
    assert result.code == 4
    (quote,) = _quotes(result.out)
    assert quote.credits == 10.0 and quote.confirm and "above your confirm-above limit of 5" in quote.confirm
    credits = cli.call("--local", "credits", "--json", backend=False)
    assert json.loads(credits.out)["available"] == 100  # nothing was spent
