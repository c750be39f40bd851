"""A whole cloud session in the TUI, keyboard only (Pilot), against the fake cloud over real HTTP
(issue 15's acceptance): "make a video" brings up the agent's question, `1` + Enter answers it, the
stream is cut mid-generation and the app recovers from state without re-sending (one charge), the
backend's own additions are reported, Ctrl+E exports through the API's download fallback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))  # ui_scripted

from ui_scripted import make_app, screen_text, settle

from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.store import Store
from nemo_tui.ui.screens.question import QuestionScreen
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput
from tests.fakecloud import FakeCloud


def _notices(app, level: str | None = None) -> list[str]:
    return [
        text
        for role, text in app.query_one(ChatLog).transcript
        if role.startswith("notice") and (level is None or role == f"notice:{level}")
    ]


def _shot(app, name: str) -> None:
    """`NEMO_UI_SHOTS=DIR` saves what the screen shows (SVG) for a person to look at."""
    folder = os.environ.get("NEMO_UI_SHOTS")
    if folder:
        app.save_screenshot(filename=f"{name}.svg", path=folder)


async def _type(app, pilot, text: str) -> None:
    prompt = app.query_one(PromptInput)
    prompt.load_text(text)
    prompt.focus()
    await pilot.press("enter")


async def test_question_cut_recovery_and_export_in_the_tui(fake_cloud: FakeCloud, tmp_path: Path) -> None:
    async with NemoClient(
        fake_cloud.base_url, token="", web_base=fake_cloud.web_url, poll_interval=0.1, retry_after_429_s=0.0
    ) as client:
        store = Store(tmp_path / "app" / "nemo.db")
        conversation = Conversation(
            client,
            store,
            backend_key="cloud",
            export_dir=tmp_path / "exports",
            cwd=tmp_path,
            local_engine=False,
            poll_interval_s=0.3,
        )
        app = make_app(conversation, backend_label="cloud")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            start = (await client.credits()).available

            await _type(app, pilot, "make a video")
            await settle(app, pilot)
            assert isinstance(app.screen, QuestionScreen)
            assert "What should the video show?" in screen_text(app)
            _shot(app, "cloud-question")

            fake_cloud.cut_stream_during_generation(land_after_s=0.8)
            await pilot.press("1", "enter")  # Ocean sunset
            await pilot.pause()
            if isinstance(app.screen, QuestionScreen):  # a second question (length): take its first
                await pilot.press("1", "enter")
            await settle(app, pilot)
            fake_cloud.heal()

            said = "\n".join(_notices(app))
            assert "Your message is not sent again" in said, said
            assert "Found what the service did" in said, said
            assert "ocean" in screen_text(app).lower()  # the timeline shows the clip
            spent = start - (await client.credits()).available
            assert 0 < spent <= 15  # charged once

            # Two-stage generation: the backend adds music and a title on its own after the reply.
            await pilot.pause(2.5)
            await settle(app, pilot)
            # The backend adds music, then a title (one line, or one per step when a look falls
            # between them); the clip the person asked for is never among them.
            added = " ".join(n for n in _notices(app) if n.startswith("The service added"))
            assert "music" in added and "title" in added and "remove the music" in added, _notices(app)
            assert "a clip" not in added, _notices(app)
            assert "Audio" in screen_text(app) or "BGM" in screen_text(app)
            _shot(app, "cloud-recovered")

            fake_cloud.faults.break_output_url = 404
            await pilot.press("ctrl+e")
            await settle(app, pilot)
            [mp4] = list((tmp_path / "exports").glob("*.mp4"))
            with av.open(str(mp4)) as container:
                assert container.streams.video[0].codec_context.name == "h264"
            assert any(str(mp4) in text for text in _notices(app, "success"))
            assert start - (await client.credits()).available == spent
