"""The agent's question, queued messages, a dropped stream's recovery and retry, Open in browser and
stopping an export — driven with the keyboard through Pilot, with scripted Conversation events.

Pictures of the question and the queue are saved (SVG) for a person to look at:
`NEMO_UI_SHOTS=DIR pytest tests/ui/test_ui_cloud_flows.py` writes them to DIR.
"""

from __future__ import annotations

import pytest
from ui_scripted import Hold, ScriptedConversation, make_app, screen_text, settle, shot

from nemo_tui.core.events import (
    Notice,
    QuestionAsked,
    Recovering,
    ReplyFinished,
    ReplyStarted,
    SuggestedAction,
    TurnQueued,
)
from nemo_tui.protocol import Question, QuestionOption
from nemo_tui.ui.screens.question import QuestionScreen
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.queued import QueuedView

QUESTIONS = [
    Question(
        id="subject",
        prompt="What should the video show?",
        options=[
            QuestionOption(id="a", label="Ocean waves"),
            QuestionOption(id="b", label="A city at night"),
            QuestionOption(id="c", label="[bold]Mountains[/]"),
        ],
    ),
    Question(
        id="mood",
        prompt="Which moods?",
        allow_multiple=True,
        options=[
            QuestionOption(id="d", label="Calm"),
            QuestionOption(id="e", label="Epic"),
            QuestionOption(id="f", label="Dreamy"),
        ],
    ),
]
QUESTIONS_ZH = [
    Question(
        id="subject",
        prompt="视频要展示什么？",
        options=[QuestionOption(id="a", label="海浪"), QuestionOption(id="b", label="夜晚的城市")],
    ),
    Question(
        id="mood",
        prompt="哪些氛围？",
        allow_multiple=True,
        options=[QuestionOption(id="d", label="平静"), QuestionOption(id="e", label="史诗")],
    ),
]


def asking_turn(questions=QUESTIONS, title: str = "A few details before I start") -> list:
    return [ReplyStarted(), ReplyFinished(text=""), QuestionAsked(id="q1", title=title, questions=questions)]


async def send(pilot, text: str) -> None:
    await pilot.press(*text, "enter")


# ---- the question ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_question_is_answered_with_number_keys_space_and_enter(size: tuple[int, int]) -> None:
    conv = ScriptedConversation(turns=[asking_turn(), [ReplyFinished(text="Making calm, epic ocean waves.")]])
    app = make_app(conv)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await send(pilot, "make a video")
        await settle(app, pilot)
        assert isinstance(app.screen, QuestionScreen)
        text = screen_text(app)
        assert "A few details before I start" in text and "Question 1 of 2" in text
        assert "1. ( ) Ocean waves" in text and "3. ( ) [bold]Mountains[/]" in text  # server text, no markup
        await pilot.press("1")
        await pilot.pause()
        assert "1. (•) Ocean waves" in screen_text(app)
        shot(app, f"question-en-{size[0]}x{size[1]}")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Question 2 of 2" in text and "Which moods? (pick one or more)" in text
        await pilot.press("1", "down", "space", "3", "3")  # toggle Calm, Epic; Dreamy on and off
        await pilot.pause()
        assert "[x] Calm" in screen_text(app) and "[ ] Dreamy" in screen_text(app)
        shot(app, f"question-multi-en-{size[0]}x{size[1]}")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuestionScreen)
    answer = "1. What should the video show?: Ocean waves\n2. Which moods?: Calm, Epic"
    assert conv.calls[-1] == ("answer", answer)


async def test_question_takes_a_typed_answer_and_esc_skips() -> None:
    conv = ScriptedConversation(turns=[asking_turn(QUESTIONS[:1]), [], asking_turn(QUESTIONS[:1])])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await send(pilot, "make a video")
        await settle(app, pilot)
        await pilot.press("tab", *"a lighthouse 1900", "enter")  # digits are text in the box
        await settle(app, pilot)
        assert conv.calls[-1] == ("answer", "1. What should the video show?: a lighthouse 1900")
        await send(pilot, "make another")
        await settle(app, pilot)
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuestionScreen)
        assert "Skipped the question." in screen_text(app)
        assert conv.calls[-1] == ("handle", "make another")  # nothing sent for the skipped question
        await pilot.press("alt+a")  # the question again, on a key
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("2", "enter")
        await settle(app, pilot)
        assert conv.calls[-1] == ("answer", "1. What should the video show?: A city at night")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_question_in_chinese(size: tuple[int, int]) -> None:
    conv = ScriptedConversation(turns=[asking_turn(QUESTIONS_ZH, "开始之前的几个问题")])
    app = make_app(conv, lang="zh")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await send(pilot, "做个视频")
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert "开始之前的几个问题" in text and "第 1 个问题，共 2 个" in text and "(•) 夜晚的城市" in text
        assert "Esc 跳过" in text
        shot(app, f"question-zh-{size[0]}x{size[1]}")
        await pilot.press("escape")
        await settle(app, pilot)


# ---- queued messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang,size", [("en", (120, 40)), ("en", (80, 24)), ("zh", (120, 40)), ("zh", (80, 24))]
)
async def test_messages_typed_during_a_turn_are_queued_droppable_and_sent_in_order(
    lang: str, size: tuple[int, int]
) -> None:
    conv = ScriptedConversation(
        turns=[
            [ReplyStarted(), Hold(), ReplyFinished(text="First done.")],
            [ReplyFinished(text="Second done.")],
            [ReplyFinished(text="Third done.")],
        ]
    )
    app = make_app(conv, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await send(pilot, "generate a sunset")
        await pilot.pause(0.1)
        assert app.busy
        await send(pilot, "make it 5 seconds")
        await send(pilot, "add a title")
        await send(pilot, "add music")
        await pilot.pause()
        view = app.query_one(QueuedView)
        assert view.texts == ["make it 5 seconds", "add a title", "add music"]
        text = screen_text(app)
        assert "Queued — sent when the current turn ends" in text or "排队中" in text
        assert "3. add music" in text
        shot(app, f"queued-{lang}-{size[0]}x{size[1]}")
        await pilot.press("alt+x")  # the last one comes back into the (empty) prompt
        await pilot.pause()
        assert view.texts == ["make it 5 seconds", "add a title"]
        assert app.query_one(PromptInput).text == "add music"
        app.query_one(PromptInput).clear()
        await pilot.press("alt+x")
        await pilot.pause()
        assert view.texts == ["make it 5 seconds"]
        conv.release.set()
        await settle(app, pilot)
        assert not view.display
        assert [c for c in conv.calls if c[0] == "handle"] == [
            ("handle", "generate a sunset"),
            ("handle", "make it 5 seconds"),
        ]
        assert "Second done." in screen_text(app)


async def test_typed_while_connecting_is_queued_and_sent_once_connected() -> None:
    conv = ScriptedConversation(
        start=[Notice(text="Setting up..."), Hold()], turns=[[ReplyFinished(text="Hi.")]]
    )
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        await send(pilot, "a sunset please")
        await pilot.pause()
        assert app.query_one(QueuedView).texts == ["a sunset please"]
        assert ("handle", "a sunset please") not in conv.calls
        conv.release.set()
        await settle(app, pilot)
        assert ("handle", "a sunset please") in conv.calls and "Hi." in screen_text(app)


# ---- a dropped stream ------------------------------------------------------------------------------


async def test_recovery_shows_the_next_check_and_retry_is_a_key_press() -> None:
    conv = ScriptedConversation(
        turns=[
            [
                Notice(level="error", text="The reply stream broke off. the connection was closed"),
                Recovering(check=1, checks=5, wait_s=30.0, at="22:51:30", text="…"),
                Hold(),
                Notice(
                    level="warning",
                    text="The reply broke off before anything changed. Send your message again when ready.",
                ),
                SuggestedAction(action="retry", label="Send it again", payload="generate a sunset"),
            ],
            [ReplyFinished(text="Generating now.")],
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        await send(pilot, "generate a sunset")
        await pilot.pause(0.1)
        assert "next check at 22:51:30 (1/5) · Ctrl+G stops" in screen_text(app)
        conv.release.set()
        await settle(app, pilot)
        assert "[R] Send it again" in screen_text(app)
        assert [c for c in conv.calls if c[0] == "handle"] == [("handle", "generate a sunset")]  # not re-sent
        await pilot.press("alt+r")
        await settle(app, pilot)
        assert [c for c in conv.calls if c[0] == "handle"] == [("handle", "generate a sunset")] * 2


async def test_a_turn_waiting_for_another_process_says_so() -> None:
    conv = ScriptedConversation(
        turns=[
            [
                TurnQueued(
                    holder="nemo-tui, process 42 on box",
                    text="Another turn is running in this session (nemo-tui, "
                    "process 42 on box); your message waits for it to finish.",
                ),
                Hold(),
            ]
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await send(pilot, "add a title")
        await pilot.pause(0.1)
        assert "your message waits for it to finish" in screen_text(app)
        conv.release.set()
        await settle(app, pilot)


# ---- links, stopping an export ------------------------------------------------------------------------


async def test_open_in_browser_over_ssh_copies_the_claim_link() -> None:
    conv = ScriptedConversation()
    app = make_app(conv, environ={"USER": "t", "SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"})
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        app.action_open_browser()
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert copied == ["https://nemovideo.com/workspace/claim?ct=clm_123"]
        assert "Copied the project's browser link" in screen_text(app)


async def test_ctrl_g_during_an_export_asks_the_conversation_to_cancel_the_render() -> None:
    conv = ScriptedConversation(export=[Notice(text="Exporting your video…"), Hold()])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await pilot.pause(0.1)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert ("stop", "") in conv.calls
        assert conv.calls.index(("stop", "")) > conv.calls.index(("export", ""))
