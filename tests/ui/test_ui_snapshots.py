"""Pictures of the app in fixed states, at fixed sizes (update with `--snapshot-update`, then LOOK).

Deterministic by construction: scripted events, a fixed clock, no spinner animation or cursor blink,
no SSH (so no user@host), no version string on screen.
"""

from __future__ import annotations

from ui_scripted import Fail, Hold, ScriptedConversation, make_app, settle, timeline_turn

from nemo_tui.core.events import Activity, Notice, Progress
from nemo_tui.protocol import NoCredits


def _send(text: str):
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*text, "enter")
        await settle(pilot.app, pilot)

    return run_before


async def _started(pilot) -> None:
    await settle(pilot.app, pilot)


def test_snapshot_empty_start(snap_compare):
    assert snap_compare(make_app(ScriptedConversation()), terminal_size=(100, 30), run_before=_started)


def test_snapshot_conversation_with_three_track_timeline(snap_compare):
    app = make_app(ScriptedConversation(turns=[timeline_turn()]))
    assert snap_compare(app, terminal_size=(110, 34), run_before=_send("a city timelapse with lo-fi music"))


def test_snapshot_export_in_progress(snap_compare):
    conv = ScriptedConversation(
        turns=[timeline_turn()],
        export=[
            Notice(text="Exporting your video…"),
            Activity(label="Rendering…"),
            Progress(phase="render", fraction=0.4),
            Hold(),
        ],
    )

    async def run_before(pilot) -> None:
        await _send("city")(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause(0.2)

    app = make_app(conv)
    try:
        assert snap_compare(app, terminal_size=(110, 34), run_before=run_before)
    finally:
        conv.release.set()


def test_snapshot_error_state(snap_compare):
    err = NoCredits(anonymous=True, bind_id="c0ffee", register_url="https://nemovideo.ai/register")
    conv = ScriptedConversation(turns=[[Activity(label="Generating video…"), Fail(err)]])
    assert snap_compare(make_app(conv), terminal_size=(100, 30), run_before=_send("a sunset"))


def test_snapshot_small_terminal_80x24(snap_compare):
    app = make_app(ScriptedConversation(turns=[timeline_turn()]))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_send("a city timelapse"))
