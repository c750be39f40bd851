"""The timeline's filmstrip, driven by Pilot against the real local engine: after a generation each
video segment has its own picture (a frame from the middle of its clip) above the track bars, drawn
in half-block cells; `NEMO_UI_SHOTS=DIR` saves the timeline (SVG) for a person to look at."""

from __future__ import annotations

import os

import numpy as np
from test_ui_engine import send
from test_ui_player import until
from ui_scripted import make_app, screen_text, settle

from nemo_tui.protocol import TrackType
from nemo_tui.ui.widgets.timeline import TimelineView


async def test_each_video_segment_gets_its_own_picture(engine_conversation):
    app = make_app(engine_conversation)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(app, pilot)
        timeline = app.query_one(TimelineView)
        await send(app, pilot, "generate a 2-second video of a sunset over the sea")
        await until(pilot, lambda: len(timeline.film) == 1, "the first clip's picture")
        await send(app, pilot, "add a 2-second video of a snowy city at night")
        draft = timeline.draft
        assert draft is not None
        segments = sum(len(track.segments) for track in draft.tracks_of(TrackType.VIDEO))
        assert segments == 2
        await until(pilot, lambda: len(timeline.film) == segments, "one picture per segment")

        (first_tile, first), (second_tile, second) = timeline.film
        assert first_tile.column < second_tile.column  # each at its own segment's place
        assert first.std() > 3 and second.std() > 3  # pictures, not blank tiles
        assert np.abs(first.astype(int) - second.astype(int)).mean() > 10  # two different clips
        await pilot.pause()
        assert "▀" in screen_text(app)
        folder = os.environ.get("NEMO_UI_SHOTS")
        if folder:
            app.save_screenshot(filename="timeline_filmstrip.svg", path=folder)
