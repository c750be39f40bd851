"""Ctrl+S, the session list, against the real stack (Conversation → NemoClient → local engine):
past sessions with title, last use and message count; Enter reopens one (its chat and timeline come
back); the search box finds past messages across sessions."""

from __future__ import annotations

from textual.widgets import Input, OptionList
from ui_scripted import make_app, screen_text, settle

from nemo_tui.ui.screens.help import HelpScreen
from nemo_tui.ui.screens.sessions import SessionsScreen, snippet
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.status_bar import StatusBar
from nemo_tui.ui.widgets.timeline import TimelineView

SUNSET = "generate a 1-second video of a sunset"
FOREST = "generate a 1-second video of a forest"


async def send(app, pilot, text: str) -> None:
    prompt = app.query_one(PromptInput)
    prompt.load_text(text)
    prompt.focus()
    await pilot.press("enter")
    await settle(app, pilot)


def options(screen: SessionsScreen) -> list[str]:
    listing = screen.query_one(OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def open_sessions(app, pilot) -> SessionsScreen:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SessionsScreen)
    return app.screen


async def test_session_list_reopens_a_past_session_and_search_finds_its_messages(engine_conversation):
    app = make_app(engine_conversation)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, SUNSET)
        first = app.query_one(StatusBar).session_id
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await send(app, pilot, FOREST)
        second = app.query_one(StatusBar).session_id
        assert first and second and first != second

        # The list: newest first, titled by the first message, with counts; the open one marked.
        screen = await open_sessions(app, pilot)
        rows = options(screen)
        assert len(rows) == 2
        assert rows[0].startswith(FOREST) and "(current)" in rows[0]
        assert rows[1].startswith(SUNSET) and "(current)" not in rows[1]
        assert "2 messages" in rows[1]  # you + the assistant's reply
        assert screen.query_one(Input).has_focus

        # Down, Enter: the sunset session is back, with its chat and its one-clip timeline.
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, SessionsScreen)
        assert app.query_one(StatusBar).session_id == first
        transcript = app.query_one(ChatLog).transcript
        assert ("user", SUNSET) in transcript and ("user", FOREST) not in transcript
        assert len(app.query_one(TimelineView).draft.tracks) == 1
        # The conversation itself moved: the next message goes to the reopened session.
        assert engine_conversation.backend.session.session_id == first

        # Search across sessions: "forest" finds the other session's message; Enter opens it.
        screen = await open_sessions(app, pilot)
        await pilot.press(*"forest")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        hits = options(screen)
        assert hits and all("forest" in hit.lower() for hit in hits)
        assert any(hit.startswith(FOREST) and "You:" in hit for hit in hits)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.query_one(StatusBar).session_id == second

        # Nothing matches: said plainly; Escape closes and changes nothing.
        screen = await open_sessions(app, pilot)
        await pilot.press(*"zebra")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert options(screen) == ["No message contains “zebra”."]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SessionsScreen)
        assert app.query_one(StatusBar).session_id == second

        # Listed in F1 help and in the command palette.
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "Ctrl+S" in screen_text(app)
        await pilot.press("escape")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Switch session / search history" in titles


async def test_session_list_with_no_past_sessions_says_so(engine_conversation):
    app = make_app(engine_conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = await open_sessions(app, pilot)
        assert options(screen) == ["No past sessions on this backend yet."]
        await pilot.press("enter")  # nothing to open: stays, no crash
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)


def test_snippet_shows_the_match_on_one_line():
    text = "intro " * 30 + "the word\nsunset\x1b[31m is here " + "outro " * 30
    piece = snippet(text, "sunset", width=40)
    assert "sunset" in piece and "\n" not in piece and "\x1b" not in piece
    assert piece.startswith("…") and piece.endswith("…") and len(piece) <= 42
    assert snippet("short text", "zzz") == "short text"
