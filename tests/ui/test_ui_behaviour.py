"""What a person sees and can do, with scripted Conversation events (precise states on demand).

The same flows against the real local engine are in test_ui_engine.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ui_scripted import (
    THREE_TRACKS,
    THREE_TRACKS_SUMMARY,
    Fail,
    Hold,
    ScriptedConversation,
    make_app,
    screen_text,
    settle,
    timeline_turn,
)

from nemo_tui.core.events import (
    Activity,
    ConfirmNeeded,
    ExportDone,
    Notice,
    Progress,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    StillWorking,
    TimelineUpdated,
)
from nemo_tui.protocol import NoCredits
from nemo_tui.ui.screens.confirm import ANSWER_DELAY_S, ConfirmScreen
from nemo_tui.ui.screens.help import HelpScreen
from nemo_tui.ui.screens.upload import UploadScreen, complete_path, normalise_dropped_path
from nemo_tui.ui.widgets.chat_log import ChatLog, NewOutputHint
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.status_bar import StatusBar
from nemo_tui.ui.widgets.timeline import TimelineView
from nemo_tui.ui.widgets.transfer import TransferProgress

INJECTIONS = ["[bold red]alarm[/]", "path [/tmp/x]", "[/", "[@click=app.quit]quit[/]", "\x1b[2Jwiped"]


async def test_startup_says_setting_up_and_local_engine_in_chat_and_footer():
    app = make_app(ScriptedConversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Setting up..." in text
        assert "Using the local engine" in text
        status = app.query_one(StatusBar)
        assert status.connection == "connected"
        assert "local engine" in text and "Session sess-012" in text
        assert "Credits 100 available · 0 frozen · 100 total" in text
        assert app.conversation.calls == [("start", "")]  # start() itself resumes old renders


async def test_reply_streams_before_it_finishes_and_finishes_once():
    conv = ScriptedConversation(
        turns=[
            [
                ReplyStarted(),
                ReplyDelta(text="Making a **sunset** "),
                ReplyDelta(text="over the sea"),
                Hold(),
                ReplyDelta(text="."),
                ReplyFinished(text="Making a **sunset** over the sea. Done."),
            ]
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"sunset", "enter")
        await pilot.pause(0.25)  # more than one flush interval
        assert "Making a sunset over the sea" in screen_text(app)
        assert app.busy
        conv.release.set()
        await settle(app, pilot)
        chat = app.query_one(ChatLog)
        assert chat.last_reply() == "Making a **sunset** over the sea. Done."
        assert screen_text(app).count("Making a sunset over the sea") == 1
        assert "Done." in screen_text(app)


async def test_server_text_with_markup_and_escapes_is_shown_literally():
    turn = [ReplyStarted(), *(ReplyDelta(text=f"{bad}\n\n") for bad in INJECTIONS), ReplyFinished(text="")]
    conv = ScriptedConversation(
        turns=[
            turn,
            [
                Notice(level="error", text="bad file [/tmp/a] [bold]x"),
                StillWorking(text="[@click=app.quit]w"),
                Activity(label="[red]tool[/]"),
                Hold(),
            ],
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"hi", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        for literal in ("[bold red]alarm[/]", "path [/tmp/x]", "[@click=app.quit]quit[/]"):
            assert literal in text
        # The clear-screen sequence is dropped (never reaches the terminal); the words around it stay.
        assert "wiped" in text and "\x1b" not in text
        await pilot.press(*"again", "enter")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "bad file [/tmp/a] [bold]x" in text
        assert "[@click=app.quit]w" in text
        assert "[red]tool[/]" in text
        conv.release.set()
        await settle(app, pilot)
        assert app.is_running  # nothing above was taken as an action or crashed the app


async def test_enter_sends_ctrl_j_and_alt_enter_add_lines_and_up_recalls():
    conv = ScriptedConversation(turns=[[], []])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        prompt = app.query_one(PromptInput)
        await pilot.press(*"one", "ctrl+j", *"two", "alt+enter", *"three")
        assert prompt.text == "one\ntwo\nthree"
        await pilot.press("enter")
        await settle(app, pilot)
        assert conv.calls[-1] == ("handle", "one\ntwo\nthree")
        assert prompt.text == ""
        await pilot.press(*"second", "enter")
        await settle(app, pilot)
        await pilot.press("up")
        assert prompt.text == "second"
        await pilot.press("up")
        assert prompt.text == "one\ntwo\nthree"
        await pilot.press("down")  # the cursor is on the last line of the recalled text
        assert prompt.text == "second"
        await pilot.press("down")
        assert prompt.text == ""
        await pilot.press("escape")  # a lone Escape changes nothing
        assert app.is_running and prompt.text == ""


async def test_no_text_turn_refreshes_timeline_and_summary_is_copyable():
    conv = ScriptedConversation(
        turns=[
            [
                ReplyStarted(),
                ReplyFinished(text=""),
                TimelineUpdated(draft=THREE_TRACKS, summary=THREE_TRACKS_SUMMARY),
                Notice(text="Done. " + THREE_TRACKS_SUMMARY),
            ]
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"add music", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "city timelapse 6s" in text and "Lo-fi 10s 35%" in text and '"Urban Dreams" 3s' in text
        assert "Done. Timeline (3 tracks)" in text
        assert app.query_one(ChatLog).last_reply() is None  # the empty reply left no empty box
        await pilot.press("ctrl+t")
        assert app.focused is app.query_one(TimelineView)
        await pilot.press("y")
        assert app.clipboard == THREE_TRACKS_SUMMARY
        await pilot.press("escape")
        assert app.focused is app.query_one(PromptInput)


async def test_timeline_rows_are_proportional_with_ascii_fallback():
    app = make_app(
        ScriptedConversation(start=[TimelineUpdated(draft=THREE_TRACKS, summary="s")]),
        environ={"NEMO_ASCII": "1"},
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        rows = [line for line in screen_text(app).splitlines() if "|" in line or "V Video" in line]
        video = next(r for r in rows if "V Video 1" in r)
        # 6 s of 10 s: the second block starts about 60 % into the bar.
        first, second = video.index("|city"), video.index("|sunset")
        bar_end = video.rindex("│")  # the timeline's right border
        assert abs((second - first) / (bar_end - first) - 0.6) < 0.05
        assert "🎬" not in screen_text(app)


async def test_export_shows_progress_then_path_and_ctrl_o_over_ssh_says_where(tmp_path: Path):
    out = tmp_path / "nemo_export.mp4"
    conv = ScriptedConversation(
        export=[
            Progress(phase="render", fraction=0.4),
            Hold(),
            Progress(phase="download", done=512, total=1024),
            ExportDone(path=out, duration_s=3.0, size_bytes=2_500_000, width=1280, height=720),
            Notice(level="success", text=f"Saved {out} (3 s, 2.4 MB, 1280x720)."),
        ]
    )
    app = make_app(conv, environ={"USER": "ann", "SSH_CONNECTION": "1 2 3 4", "NEMO_HOSTNAME": "box"})
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(app, pilot)
        assert "ann@box" in screen_text(app)
        await pilot.press("ctrl+e")
        await pilot.pause(0.1)
        progress = app.query_one(TransferProgress)
        assert progress.display and progress.phase == "render"
        assert "Rendering" in screen_text(app)
        assert app.check_action("export", ()) is False  # not offered twice while running
        conv.release.set()
        await settle(app, pilot)
        assert not progress.display
        text = screen_text(app)
        assert f"Saved {out} (3 s, 2.4 MB, 1280x720)." in text
        assert text.index("Press Ctrl+O to play it.") > text.index("Saved")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "connected over SSH" in screen_text(app) and "on box" in screen_text(app)


async def ask_to_export(app, pilot) -> None:
    """Type an unsure export request: the confirm dialog opens."""
    await settle(app, pilot)
    await pilot.press(*"export later maybe", "enter")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)


async def test_confirm_needed_runs_the_action_on_yes_and_sends_the_message_on_no():
    conv = ScriptedConversation(
        turns=[
            [ConfirmNeeded(question="Export now? [y/n]", action="export")],
            [ReplyStarted(), ReplyFinished(text="OK, not exporting yet.")],  # "no": sent as a message
            [ConfirmNeeded(question="Export now?", action="export")],
            [ConfirmNeeded(question="Export now?", action="export")],
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask_to_export(app, pilot)
        assert "Export now? [y/n]" in screen_text(app)
        await pilot.pause(ANSWER_DELAY_S + 0.05)  # keys before then are typing, not answers
        await pilot.press("n")
        await settle(app, pilot)
        assert ("export", "") not in conv.calls
        assert conv.calls[-1] == ("chat", "export later maybe")
        assert "OK, not exporting yet." in screen_text(app)
        await pilot.press(*"export?", "enter")
        await pilot.pause()
        await pilot.press("escape")  # closes the question; neither exports nor sends anything
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert conv.calls[-1] == ("handle", "export?")
        await pilot.press(*"export!", "enter")
        await pilot.pause(ANSWER_DELAY_S + 0.05)
        await pilot.press("y")
        await settle(app, pilot)
        assert ("export", "") in conv.calls


async def test_suggested_action_runs_on_alt_letter_not_on_typing():
    conv = ScriptedConversation(turns=[timeline_turn()])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"city", "enter")
        await settle(app, pilot)
        assert "[E] Export now" in screen_text(app)
        await pilot.press("e")  # typing an "e" in the prompt is just an "e"
        assert app.query_one(PromptInput).text == "e" and ("export", "") not in conv.calls
        await pilot.press("alt+e")
        await settle(app, pilot)
        assert ("export", "") in conv.calls


async def test_copy_last_reply_says_what_was_copied():
    conv = ScriptedConversation(turns=[timeline_turn()])
    app = make_app(conv)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.check_action("copy_reply", ()) is False
        await pilot.press(*"city", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.clipboard.startswith("Done! I made a **10-second** city timelapse")
        assert any("Copied the last reply" in n.message for n in app._notifications)


async def test_stop_removes_partial_reply_and_gives_the_prompt_back():
    conv = ScriptedConversation(turns=[[ReplyStarted(), ReplyDelta(text="half a rep"), Hold()]])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"make it longer", "enter")
        await pilot.pause(0.2)
        assert "half a rep" in screen_text(app)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert "half a rep" not in screen_text(app)
        assert app.query_one(PromptInput).text == "make it longer"
        assert "Stopped. Your message is back in the prompt." in screen_text(app)


async def test_a_failing_turn_becomes_a_message_in_the_persons_language():
    err = NoCredits(anonymous=True, bind_id="abc", register_url="http://127.0.0.1:9/register")
    conv = ScriptedConversation(turns=[[Activity(label="Generating video…"), Fail(err)]])
    app = make_app(conv, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"hi", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "积分已用完" in text and "bind=abc" in text
        assert app.is_running and not app.query_one("#activity").display


async def test_chat_follows_the_tail_only_while_at_the_bottom():
    many = [Notice(text=f"line {i}") for i in range(30)]
    conv = ScriptedConversation(turns=[many, [Hold(), *many]])
    app = make_app(conv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = app.query_one(ChatLog)
        await pilot.press(*"x", "enter")
        await settle(app, pilot)
        assert chat.max_scroll_y - chat.scroll_y <= 2
        await pilot.press(*"y", "enter")  # sending jumps to the bottom; then the person scrolls up
        await pilot.pause()
        chat.scroll_to(y=0, animate=False)
        await pilot.pause()
        conv.release.set()
        await settle(app, pilot)
        assert chat.scroll_y == 0  # reading further up: not dragged down
        assert app.query_one(NewOutputHint).display
        assert "new output (Ctrl+End)" in screen_text(app)
        await pilot.press("ctrl+end")  # from the prompt, where End moves the cursor
        await pilot.pause()
        assert chat.max_scroll_y - chat.scroll_y <= 2
        assert not app.query_one(NewOutputHint).display


async def click_a_link(environ: dict[str, str]) -> tuple[str, list[str]]:
    """A reply with a link, clicked: (what the clipboard holds, the URLs handed to a browser)."""
    conv = ScriptedConversation(
        turns=[[ReplyStarted(), ReplyFinished(text="See [the docs](https://example.com/d)")]]
    )
    app = make_app(conv, environ=environ)
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"docs", "enter")
        await settle(app, pilot)
        from textual.widgets import Markdown

        app.query_one(ChatLog).query_one(Markdown).post_message(
            Markdown.LinkClicked(app.query_one(ChatLog).query_one(Markdown), "https://example.com/d")
        )
        await pilot.pause()
        await app.workers.wait_for_complete()
        return app.clipboard, opened


async def test_links_are_copied_over_ssh_not_opened():
    clipboard, opened = await click_a_link({"USER": "a", "SSH_CONNECTION": "1"})
    assert clipboard == "https://example.com/d" and opened == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY decides only on Linux/BSD")
async def test_links_are_copied_with_no_display_and_opened_with_one():
    clipboard, opened = await click_a_link({"USER": "a", "LANG": "en_US.UTF-8"})  # no DISPLAY
    assert clipboard == "https://example.com/d" and opened == []
    clipboard, opened = await click_a_link({"USER": "a", "WAYLAND_DISPLAY": "wayland-0"})
    assert opened == ["https://example.com/d"]


async def test_upload_prompt_completes_paths_and_sends_the_choice(tmp_path: Path):
    (tmp_path / "holiday clip.mp4").write_bytes(b"x")
    (tmp_path / "notes.txt").write_bytes(b"x")
    conv = ScriptedConversation(upload=[Notice(level="success", text="Uploaded holiday clip.mp4.")])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert isinstance(app.screen, UploadScreen)
        await pilot.press(*f"{tmp_path}/ho", "tab")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert conv.calls[-1] == ("upload", f"{tmp_path}/holiday clip.mp4")
        assert "Uploaded holiday clip.mp4." in screen_text(app)
        await pilot.press("ctrl+u")
        await pilot.pause()
        await pilot.press("escape")  # Escape closes the prompt and uploads nothing
        await pilot.pause()
        assert not isinstance(app.screen, UploadScreen) and conv.calls[-1][0] == "upload"
        assert len([c for c in conv.calls if c[0] == "upload"]) == 1


def test_dropped_paths_are_unwrapped(tmp_path: Path):
    assert normalise_dropped_path("'/tmp/my clip.mp4'") == "/tmp/my clip.mp4"
    assert normalise_dropped_path("file:///tmp/my%20clip.mp4") == "/tmp/my clip.mp4"
    assert normalise_dropped_path("/tmp/my\\ clip.mp4 ") == "/tmp/my clip.mp4"
    (tmp_path / "a.mp4").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").write_bytes(b"")
    assert complete_path(f"{tmp_path}/") == [f"{tmp_path}/a.mp4", f"{tmp_path}/sub/"]


async def test_help_and_palette_speak_chinese_and_offer_only_valid_commands():
    app = make_app(ScriptedConversation(), lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "描述一个视频" in screen_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "导出" in screen_text(app) and "退出" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "导出视频" in titles
        assert "复制上一条回复" not in titles  # nothing to copy yet
        assert "播放上次导出" not in titles and "停止当前请求" not in titles


async def test_two_thousand_deltas_are_batched_not_rerendered_each(monkeypatch):
    from textual.widgets import Markdown

    words = [f"w{i} " for i in range(2000)]
    conv = ScriptedConversation(
        turns=[
            [ReplyStarted(), *(ReplyDelta(text=w) for w in words), ReplyFinished(text="".join(words).strip())]
        ]
    )
    appends = 0
    original = Markdown.append

    def counting_append(self, markdown: str):
        nonlocal appends
        appends += 1
        return original(self, markdown)

    monkeypatch.setattr(Markdown, "append", counting_append)
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"go", "enter")
        await settle(app, pilot)
        assert app.query_one(ChatLog).last_reply() == "".join(words).strip()
        assert appends < 100  # one append per ~80 ms flush, not one per delta
        assert "w1999" in screen_text(app)


async def test_sixteen_colour_terminal_gets_the_ansi_theme_and_stays_readable():
    app = make_app(ScriptedConversation(turns=[timeline_turn()]), environ={"TERM": "linux", "USER": "u"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "ansi-dark"
        await pilot.press(*"city", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "city timelapse 6s" in text and "[E] Export now" in text
    truecolour = make_app(
        ScriptedConversation(), environ={"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    )
    assert truecolour.theme != "ansi-dark"


async def test_activity_shows_words_and_elapsed_time_never_the_tool():
    now = [100.0]
    conv = ScriptedConversation(turns=[[Activity(label="Adding music…"), Hold(), Activity(running=False)]])
    app = make_app(conv, clock=lambda: now[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"add music", "enter")
        await pilot.pause()
        now[0] += 75
        app.query_one("#activity").refresh()
        await pilot.pause()
        assert "Adding music…  1m15s" in screen_text(app)
        conv.release.set()
        await settle(app, pilot)
        assert not app.query_one("#activity").display


async def test_keys_typed_as_the_confirm_dialog_appears_are_not_answers(monkeypatch):
    """Typing "yes, and add music" when the dialog pops up must not confirm with its first letter."""
    # Longer than the real delay: Pilot's keys can be slower than a person's on a busy machine.
    delay = 2.0
    monkeypatch.setattr("nemo_tui.ui.screens.confirm.ANSWER_DELAY_S", delay)
    conv = ScriptedConversation(turns=[[ConfirmNeeded(question="Export now?", action="export")]])
    app = make_app(conv)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask_to_export(app, pilot)
        assert "y yes · n no · Esc close" in screen_text(app), "it says which keys answer it"
        await pilot.press(*"yes", "enter")  # still typing: neither a yes nor Enter on "No"
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and ("export", "") not in conv.calls
        await pilot.pause(delay + 0.05)
        await pilot.press("y")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen) and ("export", "") in conv.calls
