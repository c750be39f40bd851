"""Text the app did not write — file names on the person's disk, session titles and past messages from
the store, links in replies — reaches the screen literally and can neither plant an action, break
the layout nor write escape sequences to the terminal. And the ways out stay safe: Ctrl+Q mid-turn
closes the turn's stream, a player that can't start is a message, not a crash."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, Markdown, OptionList
from ui_scripted import THREE_TRACKS, ScriptedConversation, make_app, screen_text, settle

from nemo_tui.core.events import ExportDone, ReplyFinished, ReplyStarted, TimelineUpdated
from nemo_tui.core.store import Store
from nemo_tui.ui import actions as actions_module
from nemo_tui.ui.screens.sessions import SessionsScreen
from nemo_tui.ui.screens.upload import UploadScreen
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput

MARKUP_NAMES = ["[bold]x.mp4", "[@click=app.quit]y.mp4", "[link=z]w[.mp4"]
CONTROL_NAMES = ["e\x1b]0;PWN\x07.mp4", "two\nlines.mp4", "c1\x9bchar.mp4"]


def click_actions(app) -> list[str]:
    """Every `@click` action planted anywhere on the screen."""
    return [
        str(segment.style.meta["@click"])
        for strip in app.screen._compositor.render_strips()
        for segment in strip
        if segment.style is not None and "@click" in segment.style.meta
    ]


def drawn(app) -> str:
    """Every character sent to the terminal for the current screen, escape sequences included."""
    return "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)


async def test_upload_lists_markup_file_names_literally_and_never_offers_control_characters(
    tmp_path: Path, monkeypatch
):
    for name in MARKUP_NAMES + CONTROL_NAMES:
        (tmp_path / name).write_bytes(b"x")
    monkeypatch.chdir(tmp_path)  # short relative paths: the whole name fits in the box
    conv = ScriptedConversation()
    app = make_app(conv)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert isinstance(app.screen, UploadScreen)
        field = app.screen.query_one(Input)
        field.value = "./"
        await pilot.pause(0.2)
        text = screen_text(app)
        for name in MARKUP_NAMES:
            assert f"./{name}" in text
        assert "PWN" not in text and "lines.mp4" not in text and "char.mp4" not in text
        assert "\x1b" not in drawn(app) and "\x9b" not in drawn(app)
        assert click_actions(app) == []

        field.value = "./e"  # only the ESC name starts so: no suggestion, no completion
        await pilot.pause(0.2)
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == "./e" and "\x1b" not in drawn(app)
        assert "No matching files." in screen_text(app)

        field.value = "./[@"
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == "./[@click=app.quit]y.mp4"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        assert conv.calls[-1] == ("upload", "./[@click=app.quit]y.mp4")


class StoreConversation(ScriptedConversation):
    """What the session list needs of a Conversation: its store and backend key."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.backend_key = "local"


async def test_session_titles_and_search_hits_with_markup_and_escapes_are_shown_literally(tmp_path: Path):
    store = Store(tmp_path / "nemo.db")
    try:
        store.save_session("local", "sess-a", title="[/ broke [@click=app.quit]here\x1b[2J", now=100.0)
        store.add_message("sess-a", "user", "find me [bold]now[/] \x1b]52;c;aGk=\x07ok")
        app = make_app(StoreConversation(store))
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            assert "[/ broke [@click=app.quit]here" in screen_text(app)
            assert "\x1b" not in drawn(app) and click_actions(app) == []

            await pilot.press(*"find")
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "find me [bold]now[/]" in screen_text(app)
            assert "\x1b" not in drawn(app) and click_actions(app) == []
    finally:
        store.close()


async def test_an_unreadable_store_is_said_in_the_session_list(tmp_path: Path):
    store = Store(tmp_path / "nemo.db")
    store.save_session("local", "sess-a", title="sunset")
    app = make_app(StoreConversation(store))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        store.close()  # every read now fails, as a deleted or locked database would
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert len(shown) == 1 and shown[0].startswith("Could not read past sessions: ")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, SessionsScreen)


async def test_a_link_that_is_not_a_web_address_is_copied_never_opened():
    conv = ScriptedConversation(turns=[[ReplyStarted(), ReplyFinished(text="See [it](file:///etc/passwd)")]])
    # Local, not over SSH, with a display: web links open, this one must not.
    app = make_app(conv, environ={"USER": "tester", "LANG": "en_US.UTF-8", "DISPLAY": ":0"})
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press(*"it", "enter")
        await settle(app, pilot)
        markdown = app.query_one(ChatLog).query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "file:///etc/passwd"))
        await pilot.pause()
        assert opened == [] and app.clipboard == "file:///etc/passwd"
        assert "not a web address" in screen_text(app)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.com/d"))
        await pilot.pause()
        await app.workers.wait_for_complete()  # the browser starts from a thread (webbrowser blocks)
        assert opened == ["https://example.com/d"]


async def test_a_copied_timeline_summary_is_said_without_its_escape_sequences():
    summary = "Timeline (3 tracks): \x1b]0;PWN\x07 city [bold]timelapse[/]"
    app = make_app(ScriptedConversation(turns=[[TimelineUpdated(draft=THREE_TRACKS, summary=summary)]]))
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press(*"go", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+t", "y")
        await pilot.pause(0.2)
        assert app.clipboard == "Timeline (3 tracks):  city [bold]timelapse[/]"  # the whole sequence goes
        assert "city [bold]timelapse[/]" in screen_text(app)  # in the toast, literally
        assert "\x1b" not in drawn(app) and "PWN" not in drawn(app)


async def test_ctrl_q_mid_turn_quits_and_closes_the_turns_stream():
    closed: list[str] = []

    class EndlessTurn(ScriptedConversation):
        def handle(self, text: str):
            async def stream():
                try:
                    yield ReplyStarted()
                    await asyncio.Event().wait()  # a turn that never ends by itself
                finally:
                    closed.append(text)

            return stream()

    app = make_app(EndlessTurn())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")  # even with a screen over the chat
        app.query_one(PromptInput).load_text("make a video")
        await pilot.pause()
        await pilot.press("escape")
        app.query_one(PromptInput).focus()
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.busy
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running
    assert closed == ["make a video"]


async def test_a_player_that_cannot_start_is_a_message_not_a_crash(tmp_path: Path, monkeypatch):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"x")
    monkeypatch.setattr(actions_module, "system_opener", lambda: [str(tmp_path / "no-such-player")])
    app = make_app(
        ScriptedConversation(
            export=[ExportDone(path=video, duration_s=1.0, size_bytes=1, width=16, height=16)]
        )
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.is_running
        role, text = app.query_one(ChatLog).transcript[-1]
        assert role == "notice:warning" and "Could not start the system player" in text and str(video) in text


def test_every_key_binding_has_an_id_so_people_can_remap_it():
    import inspect

    from textual.binding import Binding
    from textual.dom import DOMNode

    import nemo_tui.ui.app
    import nemo_tui.ui.screens.confirm
    import nemo_tui.ui.screens.help
    import nemo_tui.ui.screens.sessions
    import nemo_tui.ui.screens.upload
    import nemo_tui.ui.widgets.chat_log
    import nemo_tui.ui.widgets.chat_messages
    import nemo_tui.ui.widgets.prompt
    import nemo_tui.ui.widgets.timeline

    modules = [
        nemo_tui.ui.app,
        nemo_tui.ui.screens.confirm,
        nemo_tui.ui.screens.help,
        nemo_tui.ui.screens.sessions,
        nemo_tui.ui.screens.upload,
        nemo_tui.ui.widgets.chat_log,
        nemo_tui.ui.widgets.chat_messages,
        nemo_tui.ui.widgets.prompt,
        nemo_tui.ui.widgets.timeline,
    ]
    ours = [
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DOMNode) and cls.__module__ == module.__name__
    ]
    bindings = [(cls.__name__, b) for cls in ours for b in cls.__dict__.get("BINDINGS", [])]
    assert len(bindings) > 20
    assert [(name, b.key) for name, b in bindings if not isinstance(b, Binding) or not b.id] == []
    ids = [b.id for _, b in bindings]
    assert len(ids) == len(set(ids))
