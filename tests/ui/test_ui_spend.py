"""Issue 14 in the TUI, against the real local engine: the cost quote before a generation (a "no"
spends nothing and gives the message back, a "yes" runs the turn), the credit ledger (Ctrl+L) and
the jobs list (Ctrl+R) with its actions."""

from __future__ import annotations

from pathlib import Path

from test_ui_engine import notices, send
from textual.widgets import DataTable
from ui_scripted import ScriptedConversation, make_app, screen_text, settle, shot, until

from nemo_tui.core.events import CostQuote, Notice, ReplyFinished, ReplyStarted
from nemo_tui.engine.runner import EngineServer
from nemo_tui.ui.screens.confirm import ConfirmScreen
from nemo_tui.ui.screens.jobs import JobsScreen
from nemo_tui.ui.screens.ledger import LedgerScreen
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.timeline import TimelineView

CLIP = "generate a 2-second video of a sunset"


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_jobs(app, pilot) -> list[list[str]]:
    """Ctrl+R, once the list has been read: its rows."""
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="the jobs")
    await pilot.pause()
    return rows(app)


async def answer_quote(app, pilot, key: str) -> None:
    await until(
        pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed, what="the quote's dialog"
    )
    await pilot.press(key)
    await settle(app, pilot)


async def test_a_quote_is_shown_a_no_spends_nothing_and_a_yes_runs_the_turn_into_the_ledger(
    engine_conversation, tmp_path: Path
) -> None:
    engine_conversation.confirm_above = 1.0  # a 2-second clip costs 2 credits here: it asks first
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.credits.available == 100

        await send(app, pilot, CLIP)
        assert isinstance(app.screen, ConfirmScreen)
        said = notices(app, "info")[-1]
        assert said.startswith("This will cost about 2 credits") and "Balance: 100 credits." in said
        assert "2 credits" in screen_text(app) and "above your confirm-above limit of 1" in screen_text(app)
        shot(app, "quote-confirm")
        await answer_quote(app, pilot, "n")
        # Nothing was sent or spent: the balance is what it was, the message is back to edit.
        assert app.query_one(PromptInput).text == CLIP
        assert "Not sent, nothing spent." in notices(app, "warning")[-1]
        assert (await engine_conversation.backend.credits()).available == 100
        assert app.credits.available == 100 and app.query_one(TimelineView).draft is None

        app.query_one(PromptInput).load_text("")
        await send(app, pilot, CLIP)
        await answer_quote(app, pilot, "y")
        assert app.query_one(TimelineView).draft.tracks  # the turn ran: a clip on the timeline
        after = (await engine_conversation.backend.credits()).available
        assert after == 98 and app.credits.available == 98

        # Ctrl+L: this session's turn with the balance before → after; its change is the balance's.
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LedgerScreen) and app.screen.report is not None)
        await pilot.pause()
        (row,) = rows(app)
        assert row[1] == CLIP and row[2] == "100 → 98" and float(row[3]) == after - 100
        assert "Spent: 2 in this session, 2 in all sessions." in screen_text(app)
        shot(app, "ledger")
        await pilot.press("escape")
        assert not isinstance(app.screen, LedgerScreen)


async def test_an_unknown_price_is_said_and_a_budget_refusal_gives_the_message_back() -> None:
    unknown = CostQuote(
        seconds=5, text="This generates about 5 s of video; its cost is unknown…", payload="a"
    )
    refused = CostQuote(
        seconds=30, credits=30, text="This will cost about 30 credits.", refused="budget", payload="b"
    )
    conv = ScriptedConversation(
        turns=[
            [ReplyStarted(), unknown, ReplyFinished(text="Done.")],
            [refused, Notice(level="warning", text="Not sent, nothing spent: this session's budget…")],
        ]
    )
    app = make_app(conv, local=False, backend_label="cloud")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, "a")
        assert "its cost is unknown" in screen_text(app) and not isinstance(app.screen, ConfirmScreen)
        await send(app, pilot, "b")
        assert app.query_one(PromptInput).text == "b" and not isinstance(app.screen, ConfirmScreen)
        assert conv.calls[-1] == ("handle", "b")  # sent once, never again by itself


async def test_jobs_list_an_export_as_done_download_it_again_and_cancel_a_running_one(
    engine_conversation, engine_server: EngineServer, tmp_path: Path
) -> None:
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, CLIP)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        first = app.last_export
        assert first is not None and first.exists()

        export, generation = await open_jobs(app, pilot)
        assert export[2] == "export" and export[3] == "completed" and export[4] == first.name
        assert generation[2] == "generation" and generation[3] == "completed" and generation[4]
        assert "d downloads it again" in screen_text(app)
        shot(app, "jobs")
        await pilot.press("d")  # the export's row is the newest, selected first
        await settle(app, pilot)
        again = sorted((tmp_path / "exports").glob("*.mp4"))
        assert len(again) == 2 and again[-1].read_bytes() == first.read_bytes()

        # A running export: cancelled from the list like Ctrl+G (on the engine too), no file.
        engine_server.faults.slow_render_s = 5.0
        await pilot.press("ctrl+e")
        await until(pilot, lambda: engine_conversation.waiting_on is not None, what="the render")
        await open_jobs(app, pilot)
        await until(pilot, lambda: rows(app)[0][3].startswith(("queued", "rendering", "running")))
        assert "c cancels it" in screen_text(app)
        shot(app, "jobs-running")
        await pilot.press("c")
        await settle(app, pilot)
        job = engine_conversation.store.jobs()[0]  # the newest
        assert job.kind == "export" and job.status == "cancelled" and job.finished is not None
        assert len(list((tmp_path / "exports").glob("*.mp4"))) == 2
        status = await engine_conversation.backend.render_status(job.job_id)
        assert status.status == "failed"  # the engine stopped it ("cancelled")


async def test_a_failed_export_of_another_session_is_rendered_again_in_its_session_from_the_jobs_list(
    engine_conversation, engine_server: EngineServer, tmp_path: Path
) -> None:
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, CLIP)
        failed_in = app.session_id
        engine_server.faults.fail_render = "the encoder ran out of disk"
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert app.last_export is None and not list((tmp_path / "exports").glob("*.mp4"))
        engine_server.faults.fail_render = None
        await pilot.press("ctrl+n")  # the failed export's session is not the current one any more
        await settle(app, pilot)
        assert app.session_id != failed_in

        failed = (await open_jobs(app, pilot))[0]
        assert failed[2] == "export" and failed[3].startswith("failed") and "encoder" in failed[3]
        assert "r opens its session and renders it again" in screen_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.session_id == failed_in and app.query_one(TimelineView).draft.tracks
        assert app.last_export is not None and app.last_export.exists()
        assert engine_conversation.store.jobs()[0].status == "completed"
