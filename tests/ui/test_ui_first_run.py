"""A first run (no earlier session on this backend) says in one line what the app does, which
backend it is on and what it costs, and offers three example prompts on keys; a later start that
reopens a session does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_connection_state import conversation
from ui_scripted import make_app, screen_text, settle, shot

from nemo_tui.client.nemo import NemoClient
from nemo_tui.ui.startup import EXAMPLES
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput


def infos(app) -> list[str]:
    return [text for role, text in app.query_one(ChatLog).transcript if role == "notice:info"]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_first_run_says_what_it_does_and_costs_and_an_example_is_picked_with_a_key(
    engine_client: NemoClient, tmp_path: Path, lang: str
) -> None:
    app = make_app(conversation(engine_client, tmp_path, lang), lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        shot(app, f"first-run-{lang}")
        text = screen_text(app)
        words = {
            "en": ("Type a video to make", "local engine", "free"),
            "zh": ("输入要做的视频", "本地引擎", "免费"),
        }
        welcome = [n for n in infos(app) if words[lang][0] in n]
        assert len(welcome) == 1 and all(w in welcome[0] for w in words[lang])
        for number, example in enumerate(EXAMPLES[lang], 1):
            assert f"[Alt+{number}] {example}" in text
        await pilot.press("alt+2")
        await pilot.pause()
        assert app.query_one(PromptInput).text == EXAMPLES[lang][1]  # to edit, or send
        assert not app.busy  # picking costs nothing: it is not sent by itself


async def test_the_cloud_says_credits_and_a_start_that_reopens_a_session_has_no_welcome(
    engine_client: NemoClient, tmp_path: Path
) -> None:
    first = make_app(conversation(engine_client, tmp_path), backend_label="cloud", local=False)
    async with first.run_test(size=(100, 30)) as pilot:
        await settle(first, pilot)
        assert any("NemoVideo cloud" in n and "credits" in n for n in infos(first))
        first.query_one(PromptInput).load_text("hello")
        await pilot.press("enter")  # the first message makes the session the next start reopens
        await settle(first, pilot)
    again = make_app(conversation(engine_client, tmp_path))
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(again, pilot)
        assert "Reopened your last project." in [t for _, t in again.query_one(ChatLog).transcript]
        assert not [n for n in infos(again) if "Type a video to make" in n]
        assert "[Alt+1]" not in screen_text(again)
