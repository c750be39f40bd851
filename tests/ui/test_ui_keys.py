"""One action table (ui/action_table.py) behind every key, label and hint; keys remapped from
`config.toml`'s [keys] table do what they say, and the help screen and hints name them."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App
from ui_scripted import ScriptedConversation, make_app, screen_text, settle, until

from nemo_tui.core.events import ReplyFinished, ReplyStarted, SuggestedAction
from nemo_tui.core.i18n import key_ref
from nemo_tui.ui import strings
from nemo_tui.ui.action_table import ACTIONS, BY_ID, Shows
from nemo_tui.ui.app import NemoApp
from nemo_tui.ui.key_config import read_key_config
from nemo_tui.ui.screens.help import HelpScreen
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput


def notices(app, level: str) -> list[str]:
    return [text for role, text in app.query_one(ChatLog).transcript if role == f"notice:{level}"]


def config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


async def test_export_remapped_in_config_runs_on_its_new_key_and_help_says_so(tmp_path: Path) -> None:
    conv = ScriptedConversation(
        turns=[
            [ReplyStarted(), ReplyFinished(text=f"Ready. {key_ref('export', 'en')} to export your video.")]
        ]
    )
    app = make_app(conv, config_file=config(tmp_path, '[keys]\nexport = "f6"\n'))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        assert notices(app, "warning") == []
        await pilot.press("ctrl+e")  # the old key does nothing now
        await settle(app, pilot)
        assert ("export", "") not in conv.calls
        await pilot.press("f6")
        await settle(app, pilot)
        assert ("export", "") in conv.calls
        assert "f6 Export" in screen_text(app)  # the footer names the new key
        await pilot.press(*"go", "enter")
        await settle(app, pilot)
        assert app.query_one(ChatLog).last_reply() == "Ready. Press F6 to export your video."
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        assert re.search(r"F6 +Export", help_text) and "Ctrl+E" not in help_text


async def test_bad_entries_are_reported_and_ignored_while_the_good_ones_apply(tmp_path: Path) -> None:
    body = (
        "[keys]\n"
        'stop = "ctrl+k"\n'  # good
        'launch_rockets = "ctrl+r"\n'  # no such action
        'upload = "ctrl+nosuchkey"\n'  # not a key
        'copy_reply = "x"\n'  # would be typed into the prompt
        'new_session = "ctrl+e"\n'  # export has it
    )
    app = make_app(ScriptedConversation(), config_file=config(tmp_path, body))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        said = notices(app, "warning")
        assert len(said) == 4, said
        assert "launch_rockets" in said[0] and "not an action" in said[0]
        assert "ctrl+nosuchkey" in said[1] and "is not a key" in said[1]
        assert "copy_reply" in said[2] and "typed into the prompt" in said[2]
        assert "new_session" in said[3] and "Ctrl+E is already the key of export" in said[3]
        assert app.action_keys.keys("stop") == "ctrl+k"
        assert app.action_keys.keys("upload") == "ctrl+u"  # the bad entry left the default
        assert app.action_keys.keys("new_session") == "ctrl+n"
        app.query_one("#prompt").load_text("xy")
        await pilot.press("ctrl+n")  # still the new-session key
        await settle(app, pilot)
        assert ("new_session", "") in app.conversation.calls


def test_a_file_that_is_not_toml_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    result = read_key_config(config(tmp_path, "[keys\nexport = "), "zh")
    assert result.keymap == {} and len(result.problems) == 1 and "不是有效的 TOML" in result.problems[0]
    assert read_key_config(tmp_path / "missing.toml").problems == []


async def test_a_remapped_hint_letter_is_what_the_hint_shows(tmp_path: Path) -> None:
    conv = ScriptedConversation(turns=[[SuggestedAction(action="export", label="Export now")]])
    app = make_app(conv, config_file=config(tmp_path, '[keys]\n"hints.export" = "x"\n'))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"go", "enter")
        await settle(app, pilot)
        assert "[X] Export now" in screen_text(app)


async def test_palette_and_help_list_the_actions_of_the_table() -> None:
    app = make_app(ScriptedConversation(), local=False, backend_label="cloud")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        # Everything the table puts in the palette, when all of it is valid at once.
        app.check_action = lambda action, parameters: True  # type: ignore[method-assign]
        ours = {c.title for c in app.get_system_commands(app.screen)} - {
            c.title for c in App.get_system_commands(app, app.screen)
        }
        assert ours == {a.title.en for a in ACTIONS if Shows.PALETTE in a.shows and a.title}
        await pilot.press("f1")
        await pilot.pause()
        listed = app.screen.rows  # type: ignore[attr-defined]
        expected = [a for a in ACTIONS if Shows.HELP in a.shows]
        labels = [a.label.en + (" (Timeline)" if a.scope == "timeline" else "") for a in expected if a.label]
        assert [what for _, what in listed] == labels
        assert ("Ctrl+J / Alt+Enter", "New line") in listed and ("Ctrl+S", "Sessions") in listed


def test_the_app_binds_the_table_and_every_key_in_the_strings_is_an_action() -> None:
    bound = {b.id: b.key for b in NemoApp.BINDINGS}  # type: ignore[union-attr]
    assert bound == {a.id: a.keys for a in ACTIONS if a.scope == "app" and a.keys}
    named = set()
    for texts in strings.STRINGS.values():
        for text in texts.values():
            named |= set(re.findall(r"\{keys\[([\w.]+)\]\}", text))
    assert named and named <= set(BY_ID)
    assert strings.missing_in("zh") == set()


async def test_ime_send_key_alt_enter_sends_and_enter_makes_a_new_line() -> None:
    conv = ScriptedConversation(turns=[[ReplyStarted(), ReplyFinished(text="Done.")]])
    app = make_app(conv, environ={"USER": "tester", "LANG": "en_US.UTF-8", "NEMO_SEND_KEY": "alt+enter"})
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        assert "Alt+Enter sends · Enter new line" in screen_text(app)  # the placeholder says so
        await pilot.press(*"sunset", "enter", *"waves")  # Enter commits an IME candidate: a new line
        await settle(app, pilot)
        assert [c for c in conv.calls if c[0] == "handle"] == []
        assert app.query_one(PromptInput).text == "sunset\nwaves"
        await pilot.press("alt+enter")
        await settle(app, pilot)
        assert ("handle", "sunset\nwaves") in conv.calls and app.query_one(PromptInput).text == ""
        await pilot.press("f1")
        await pilot.pause()
        listed = app.screen.rows  # type: ignore[attr-defined]
        assert ("Alt+Enter", "Send") in listed and ("Enter / Ctrl+J", "New line") in listed
        tips = str(app.screen.query_one("#help-tips").render())
        assert 'send_key = "alt+enter"' in tips and "kitty keyboard protocol" in tips and "doctor" in tips


async def test_send_key_from_config_toml_and_a_bad_one_is_said(tmp_path: Path) -> None:
    conv = ScriptedConversation(turns=[[ReplyFinished(text="One.")], [ReplyFinished(text="Two.")]])
    app = make_app(conv, config_file=config(tmp_path, 'send_key = "ctrl+enter"\n'))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", "enter", "b", "alt+enter", "c")
        assert app.query_one(PromptInput).text == "a\nb\nc"
        await pilot.press("ctrl+enter")
        await settle(app, pilot)
        await pilot.press("d", "ctrl+j")  # what many terminals send for Ctrl+Enter
        await settle(app, pilot)
        assert [c for c in conv.calls if c[0] == "handle"] == [("handle", "a\nb\nc"), ("handle", "d")]
    bad = make_app(ScriptedConversation(), config_file=config(tmp_path, 'send_key = "space"\n'))
    async with bad.run_test(size=(110, 30)) as pilot:
        await settle(bad, pilot)
        await until(pilot, lambda: notices(bad, "warning"), what="the warning")
        assert notices(bad, "warning") == [
            'config.toml: send_key = “space” is not "enter", "alt+enter" or "ctrl+enter"; Enter sends.'
        ]
        await pilot.press("x", "enter")
        await settle(bad, pilot)
        assert ("handle", "x") in bad.conversation.calls
