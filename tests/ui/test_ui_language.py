"""Language that sticks (issue 12, item 4): a session reopens in the language it was left in, the
first Chinese message is already labelled in Chinese, and --lang / NEMO_LANG hold the app's words."""

from __future__ import annotations

from pathlib import Path

from test_ui_connection_state import conversation
from test_ui_engine import notices, send
from ui_scripted import make_app, settle

from nemo_tui.client.nemo import NemoClient
from nemo_tui.engine.runner import EngineServer
from nemo_tui.ui.widgets.chat_log import ChatLog, UserMessage
from nemo_tui.ui.widgets.prompt import PromptInput


def bubble_labels(app) -> list[str]:
    return [str(bubble.border_title) for bubble in app.query_one(ChatLog).query(UserMessage)]


async def test_a_chinese_session_reopens_in_chinese(engine_server: EngineServer, tmp_path: Path) -> None:
    async with NemoClient(engine_server.base_url, poll_interval=0.05) as client:
        app = make_app(conversation(client, tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await send(app, pilot, "status")  # the session is made in English
            await send(app, pilot, "状态")
            assert bubble_labels(app) == ["You", "你"], "the Chinese message is labelled in Chinese"
            assert app.lang == "zh"

    async with NemoClient(engine_server.base_url, poll_interval=0.05) as client:
        reopened = make_app(conversation(client, tmp_path))  # a new start, an English locale
        async with reopened.run_test(size=(120, 40)) as pilot:
            await settle(reopened, pilot)
            assert reopened.lang == "zh"
            assert reopened.query_one(PromptInput).placeholder == make_placeholder("zh")
            assert reopened.query_one(ChatLog).you == "你"
            await send(reopened, pilot, "积分")
            assert bubble_labels(reopened)[-1] == "你"


async def test_a_chosen_language_holds_whatever_is_typed(engine_server: EngineServer, tmp_path: Path) -> None:
    async with NemoClient(engine_server.base_url, poll_interval=0.05) as client:
        app = make_app(conversation(client, tmp_path, "en", fixed_lang="en"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await send(app, pilot, "积分")
            assert app.lang == "en" and bubble_labels(app) == ["You"]
            assert notices(app)[-1].startswith("Credits: ")


def make_placeholder(lang: str) -> str:
    from nemo_tui.ui.strings import t

    return t("prompt.placeholder", lang)
