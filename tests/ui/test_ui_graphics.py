"""Graphics detection in the running app, against a fake terminal behind Textual's real key parser:
the terminal's answers (on time, late, or never) never reach the prompt; a kitty answer gives kitty
and is remembered, so the next start asks nothing; tmux without passthrough asks nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from ui_scripted import ScriptedConversation, make_app, settle, until

from nemo_tui.core.term_replies import QUERIES
from nemo_tui.ui.messages import TerminalReplied
from nemo_tui.ui.terminal_io import ReplyAwareParser
from nemo_tui.ui.widgets.frame_view import FrameView
from nemo_tui.ui.widgets.prompt import PromptInput

KITTY_OK = "\x1b_Gi=31;OK\x1b\\"
DA1 = "\x1b[?62;22c"


class FakeTerminal:
    """What the app writes, and bytes typed or answered into it through the driver's parser."""

    def __init__(self, answer: str = "") -> None:
        self.parser = ReplyAwareParser()
        self.written: list[str] = []
        self.answer = answer
        self.app = None

    def write(self, data: str) -> None:
        self.written.append(data)
        if self.answer and QUERIES in data:
            self.app.call_later(self.send, self.answer)

    def send(self, data: str) -> None:
        for message in [*self.parser.feed(data), *self.parser.tick()]:
            message.set_sender(self.app)
            self.app.post_message(message)


def graphics_app(tmp_path: Path, terminal: FakeTerminal | None, **env: str):
    environ = {"USER": "tester", "LANG": "en_US.UTF-8", "NEMO_CACHE_DIR": str(tmp_path), **env}
    app = make_app(ScriptedConversation(), environ=environ)
    app.reply_timeout_s = 0.2
    if terminal is not None:
        terminal.app = app
        app.terminal_write = terminal.write
    return app


async def decided(app, pilot):
    """The app's graphics choice, once its probe after the first paint has made it."""
    await settle(app, pilot)
    await until(pilot, lambda: app.graphics_choice is not None, what="the graphics choice")
    return app.graphics_choice


def prompt_text(app) -> str:
    return app.query_one(PromptInput).text


def test_textual_alone_would_type_a_late_answer_into_the_prompt() -> None:
    keys = [m for m in XTermParser().feed(KITTY_OK + "x") if hasattr(m, "key")]
    assert len(keys) > 3  # why the app's driver uses ReplyAwareParser
    messages = list(ReplyAwareParser().feed(KITTY_OK + "x"))
    assert [m.key for m in messages if hasattr(m, "key")] == ["x"]
    assert [m.replies for m in messages if isinstance(m, TerminalReplied)] == [[KITTY_OK]]


def test_enter_typed_before_the_app_took_the_terminal_is_enter_and_ctrl_j_after_it_is_not() -> None:
    # In the shell's line mode Enter reaches the app as "\n" (Ctrl+J's code): only the bytes that
    # were waiting when the app started are read that way. "余额\n" is 7 bytes of UTF-8.
    parser = ReplyAwareParser(typeahead=len("余额\n".encode()))
    keys = [m.key for part in ("余", "额\nab", "\n") for m in parser.feed(part) if hasattr(m, "key")]
    assert keys == ["余", "额", "enter", "a", "b", "ctrl+j"]


async def test_no_answer_in_time_gives_half_blocks_and_a_late_answer_types_nothing(tmp_path: Path) -> None:
    terminal = FakeTerminal()
    app = graphics_app(tmp_path, terminal, TERM="xterm-256color")
    async with app.run_test(size=(80, 30)) as pilot:
        choice = await decided(app, pilot)
        assert terminal.written == [QUERIES]
        assert choice.source == "no answer" and app.terminal.graphics == "halfblock"
        # The answers come after the timeout, split over reads as on a slow link, between keys.
        for part in ("h", KITTY_OK[:5], KITTY_OK[5:] + "i", DA1[:4], DA1[4:]):
            terminal.send(part)
            await pilot.pause()
        assert prompt_text(app) == "hi"
        assert app.terminal.graphics == "halfblock"
    assert not (tmp_path / "graphics.json").exists()  # no answer: asked again next start


async def start(tmp_path: Path, **env: str) -> tuple[object, FakeTerminal, str]:
    """One start of the app on a terminal that answers kitty: (the choice, the terminal, the prompt)."""
    terminal = FakeTerminal(answer=KITTY_OK + DA1)
    app = graphics_app(tmp_path, terminal, **env)
    async with app.run_test(size=(80, 30)) as pilot:
        return await decided(app, pilot), terminal, prompt_text(app)


async def test_a_kitty_answer_gives_kitty_and_the_next_start_asks_nothing(tmp_path: Path) -> None:
    kitty = {"TERM": "xterm-kitty", "COLORTERM": "truecolor"}
    choice, terminal, typed = await start(tmp_path, **kitty)
    assert (choice.mode, choice.source, typed) == ("kitty", "query", "")
    assert terminal.written == [QUERIES]
    choice, terminal, _ = await start(tmp_path, **kitty)
    assert (choice.mode, choice.source, terminal.written) == ("kitty", "cache", [])


async def test_tmux_without_passthrough_asks_nothing(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "tmux").write_text(f"#!{sys.executable}\nprint('off')\n", encoding="utf-8")
    (bin_dir / "tmux").chmod(0o755)
    choice, terminal, _ = await start(tmp_path, TERM="tmux-256color", TMUX="/tmp/t,1,0", PATH=str(bin_dir))
    assert (choice.mode, choice.source, terminal.written) == ("halfblock", "tmux", [])


async def test_graphics_none_in_config_toml_turns_the_pictures_off(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('graphics = "none"\n', encoding="utf-8")
    app = graphics_app(tmp_path, None)
    app._config_file = config
    async with app.run_test(size=(80, 30)) as pilot:
        choice = await decided(app, pilot)
        assert app.terminal.graphics == "none" and choice.source == "config.toml"
        assert not app.query_one("#timeline").pictures


class OneFrame(App[None]):
    def __init__(self, write) -> None:
        super().__init__()
        self.write = write

    def compose(self) -> ComposeResult:
        yield FrameView(kitty_write=self.write)


async def test_a_kitty_frame_goes_to_the_terminal_and_the_view_draws_placeholders() -> None:
    written: list[str] = []
    app = OneFrame(written.append)
    async with app.run_test(size=(20, 6)) as pilot:
        view = app.query_one(FrameView)
        width, height = view.pixel_size
        assert (width, height) == (20 * 4, 6 * 8)
        view.show(np.full((height, width, 3), 200, dtype=np.uint8))
        await pilot.pause()
        assert written[-1].startswith("\x1b_Ga=t,f=24,o=z,s=80,v=48,") and "a=p,U=1" in written[-1]
        assert view.render_line(0).text.count("\U0010eeee") == 20
    assert written[-1].startswith("\x1b_Ga=d,d=I")  # freed when the view goes
