"""What is typed before the app is connected, or while a turn runs, is never lost or garbled: it is
queued with words that say what it waits for, sent as its own message once connected, and given back
to the prompt with the reason when connecting fails."""

from __future__ import annotations

import asyncio

from ui_scripted import Hold, ScriptedConversation, make_app, screen_text, settle, until

from nemo_tui.core.conversation import Conversation
from nemo_tui.ui.app import Connected, NemoApp
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.queued import QueuedView


def slow_app(connect) -> NemoApp:
    return NemoApp(
        connect=connect, label_key="app.sub_auto", environ={"USER": "t", "LANG": "en_US.UTF-8"}, animate=False
    )


async def type_and_send(app: NemoApp, pilot, text: str) -> None:
    app.query_one(PromptInput).load_text(text)
    await pilot.press("enter")
    await pilot.pause()


def said(app: NemoApp, role: str) -> list[str]:
    return [text for r, text in app.query_one(ChatLog).transcript if r == role]


async def test_typed_at_first_paint_is_sent_once_connected_each_as_its_own_message(
    engine_conversation: Conversation,
) -> None:
    release = asyncio.Event()

    async def connect() -> Connected:
        await release.wait()  # choosing the backend, starting the engine...
        return Connected(engine_conversation, "local engine", True, label_key="app.sub_local")

    app = slow_app(connect)
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        await pilot.pause()
        assert app.connecting
        await type_and_send(app, pilot, "余额")
        await type_and_send(app, pilot, "状态")
        queued = app.query_one(QueuedView)
        assert queued.texts == ["余额", "状态"]  # two messages, not "余额状态"
        text = screen_text(app)
        assert "will send when connected" in text and "when the current turn ends" not in text
        assert "Still working" not in text
        assert app.query_one(PromptInput).text == ""
        assert said(app, "user") == []  # nothing claims to have been sent yet
        release.set()
        await until(pilot, lambda: not app.busy and not len(app._queue), what="both messages to go out")
        await settle(app, pilot)
        assert said(app, "user") == ["余额", "状态"]
        notices = said(app, "notice:info")
        assert any("积分：可用 100" in n for n in notices), notices  # the credits answer, in Chinese
        assert not queued.display
        assert not [n for n in said(app, "notice:error") if "未连接" in n or "Not connected" in n]


async def test_when_connecting_fails_what_was_typed_comes_back_to_the_prompt_with_the_reason() -> None:
    release = asyncio.Event()

    async def connect() -> Connected:
        await release.wait()
        raise RuntimeError("The local engine did not start on http://127.0.0.1:1")

    app = slow_app(connect)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await type_and_send(app, pilot, "余额")
        await type_and_send(app, pilot, "make it blue")
        release.set()
        await settle(app, pilot)
        assert app.query_one(PromptInput).text == "余额\nmake it blue"
        assert said(app, "user") == []  # never shown as sent
        warnings = said(app, "notice:warning")
        assert any("could not connect (The local engine did not start" in w for w in warnings), warnings
        assert "back in the prompt" in warnings[-1]
        assert not app.query_one(QueuedView).display
        # Typed after the failure: refused, and kept where it was typed.
        app.query_one(PromptInput).load_text("hello")
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(PromptInput).text == "hello" and said(app, "user") == []


async def test_a_message_sent_while_a_turn_runs_says_the_turn_is_running_and_it_is_queued() -> None:
    conv = ScriptedConversation(turns=[[Hold()], []])
    app = make_app(conv)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await type_and_send(app, pilot, "generate a sunset")
        assert app.busy and not app.connecting
        await type_and_send(app, pilot, "add a title")
        text = screen_text(app)
        assert "A turn is running: your message is queued" in text
        assert "Queued — sent when the current turn ends" in text and "1. add a title" in text
        conv.release.set()
        await settle(app, pilot)
        assert [c for c in conv.calls if c[0] == "handle"] == [
            ("handle", "generate a sunset"),
            ("handle", "add a title"),
        ]


async def test_the_send_key_from_config_toml_holds_before_connected(tmp_path, engine_conversation) -> None:
    # An IME user's Enter makes a new line from the first keystroke, not only once connected: the
    # app reads config.toml at first paint (launch.config_file_now finds it by the settings' rule).
    from nemo_tui.ui.launch import config_file_now

    (tmp_path / "config.toml").write_text('send_key = "alt+enter"\n', encoding="utf-8")
    config = config_file_now({"NEMO_CONFIG_DIR": str(tmp_path)})
    assert config == tmp_path / "config.toml"
    release = asyncio.Event()

    async def connect() -> Connected:
        await release.wait()
        return Connected(engine_conversation, "local engine", True, label_key="app.sub_local")

    app = NemoApp(
        connect=connect,
        label_key="app.sub_auto",
        environ={"USER": "t", "LANG": "en_US.UTF-8"},
        animate=False,
        config_file=config,
    )
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        assert app.connecting
        await until(pilot, lambda: "enter" not in app.query_one(PromptInput).send_keys, what="the send key")
        await pilot.press("a", "enter", "b")
        assert app.query_one(PromptInput).text == "a\nb"  # Enter made a new line, nothing queued
        assert app.query_one(QueuedView).texts == []
        release.set()
        await until(pilot, lambda: not app.connecting and not app.busy, what="connected")
