"""Long chats: a window of mounted message widgets, the rest kept as data and mounted again when the
person scrolls to the top; a runaway streamed reply split over several Markdown widgets."""

from __future__ import annotations

from ui_scripted import ScriptedConversation, make_app, settle

from nemo_tui.ui.widgets.chat_log import EARLIER_BATCH, MAX_MOUNTED, ChatLog
from nemo_tui.ui.widgets.chat_messages import CHUNK_CHARS, AssistantReply, UserMessage, block_boundary


def mounted(chat: ChatLog) -> list:
    return [w for w in chat.children if isinstance(w, (UserMessage, AssistantReply))]


async def test_only_a_window_is_mounted_and_scrolling_up_brings_earlier_messages_back():
    app = make_app(ScriptedConversation(start=[]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        chat = app.query_one(ChatLog)
        for i in range(100):
            await chat.add_user(f"message {i}")
            await chat.finish_reply(f"reply {i}")
        await pilot.pause()
        assert len(chat.transcript) == 200
        assert len(mounted(chat)) == MAX_MOUNTED
        assert len(chat.earlier) == 200 - MAX_MOUNTED
        assert mounted(chat)[-1].text == "reply 99"

        chat.scroll_home(animate=False, immediate=True)  # reading up: the top fills in by itself
        await pilot.pause(0.1)
        await pilot.pause()
        assert len(mounted(chat)) == MAX_MOUNTED + EARLIER_BATCH
        first = mounted(chat)[0]
        assert (
            isinstance(first, UserMessage)
            and first.message_text == f"message {(200 - MAX_MOUNTED - EARLIER_BATCH) // 2}"
        )
        assert chat.scroll_y > 0  # the view stayed on what the person was reading

        # While they read up there, new output does not unmount anything under their eyes.
        await chat.add_user("new while reading")
        assert len(mounted(chat)) == MAX_MOUNTED + EARLIER_BATCH + 1
        chat.action_follow()
        await pilot.pause()
        await chat.add_user("back at the bottom")
        await pilot.pause()
        assert len(mounted(chat)) == MAX_MOUNTED


def test_block_boundary_never_splits_a_fence_a_list_or_a_quote():
    assert block_boundary("one\n\ntwo", 0) == 5
    assert block_boundary("```\ncode\n\nmore\n```\n\nafter", 0) == len("```\ncode\n\nmore\n```\n\n")
    assert block_boundary("- a\n\n- b\n\n1. c\n\n> d", 0) is None
    assert block_boundary("para\n\n\n\nnext", 0) == len("para\n\n\n\n")


async def test_a_long_streamed_reply_is_chunked_and_shown_whole():
    words = [f"w{i}" for i in range(1500)]
    app = make_app(ScriptedConversation(start=[]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        chat = app.query_one(ChatLog)
        reply = await chat.start_reply()
        for i, word in enumerate(words):
            await chat.append_reply(word + ("\n\n" if i % 200 == 199 else " "))
            if i % 100 == 99:
                await chat.flush()
        await chat.finish_reply("")
        await pilot.pause()
        assert len(reply.chunks) > 1
        assert all(len(chunk.source) <= CHUNK_CHARS + 2000 for chunk in reply.chunks), [
            len(c.source) for c in reply.chunks
        ]
        shown = " ".join(chunk.source for chunk in reply.chunks).split()
        assert shown == words and chat.last_reply().split() == words
