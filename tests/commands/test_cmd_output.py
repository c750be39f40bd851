"""What reaches the terminal: colour rules, progress only on a terminal, replies streamed translated."""

from __future__ import annotations

import io

from commands_helpers import Cli

from nemo_tui.commands.output import Output, ReplyPrinter
from nemo_tui.commands.runtime import progress_text
from nemo_tui.core.events import Progress
from nemo_tui.core.gui_phrases import translate
from nemo_tui.core.i18n import t


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_errors_are_red_only_on_a_terminal_without_no_color() -> None:
    tty, pipe = Terminal(), io.StringIO()
    Output(stdout=io.StringIO(), stderr=tty, environ={}).error("boom")
    Output(stdout=io.StringIO(), stderr=pipe, environ={}).error("boom")
    assert "\033[31m" in tty.getvalue()
    assert pipe.getvalue() == "nemo-tui: error: boom\n"
    muted = Terminal()
    Output(stdout=io.StringIO(), stderr=muted, environ={"NO_COLOR": "1"}).error("boom")
    assert muted.getvalue() == "nemo-tui: error: boom\n"


def test_progress_and_notes_go_to_a_terminal_stderr_only() -> None:
    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        out = Output(stdout=io.StringIO(), stderr=stream, environ={"NO_COLOR": "1"})
        out.status(progress_text(Progress(phase="render", fraction=0.5)))
        out.note("Setting up...")
        out.line("result")
    assert "Rendering… 50%" in tty.getvalue() and "Setting up..." in tty.getvalue()
    assert pipe.getvalue() == ""


def test_a_reply_streams_sentence_by_sentence_with_gui_phrases_translated() -> None:
    stdout = io.StringIO()
    printer = ReplyPrinter(Output(stdout=stdout, stderr=io.StringIO()), "en")
    reply = "Your sunset clip is ready. Click the Export button to download it."
    pieces = [reply[i : i + 7] for i in range(0, len(reply), 7)]
    for piece in pieces:
        printer.feed(piece)
    printer.finish(translate(reply, "en").text)
    expected = "Your sunset clip is ready. Run `nemo-tui export` to export your video."
    assert stdout.getvalue() == expected + "\n"  # the seed's GUI phrase became the command to run
    assert stdout.getvalue().startswith("Your sunset clip is ready. ")


def test_first_sentence_is_printed_before_the_reply_ends() -> None:
    stdout = io.StringIO()
    printer = ReplyPrinter(Output(stdout=stdout, stderr=io.StringIO()), "en")
    printer.feed("Generating a 2-second clip. ")
    assert stdout.getvalue() == "Generating a 2-second clip. "
    printer.feed("Almost")
    assert stdout.getvalue() == "Generating a 2-second clip. "
    printer.finish("Generating a 2-second clip. Almost done.")
    assert stdout.getvalue() == "Generating a 2-second clip. Almost done.\n"


def test_piped_output_has_no_escape_sequences(cli: Cli) -> None:
    result = cli.run("ask", "generate a 1-second video of rain")
    bad = cli.run("ask", "--session", "nope", "hi")
    assert result.code == 0 and bad.code == 2
    assert "\033" not in result.out + result.err + bad.out + bad.err


def test_headless_output_names_the_command_never_a_tui_key() -> None:
    """Core says what to do; a script's reader is told the command (or Ctrl+C), not the TUI's keys."""
    from nemo_tui.ui.action_table import ACTIONS, DEFAULT_KEYS

    tui_keys = {DEFAULT_KEYS.shown(a.id) for a in ACTIONS if a.scope == "app" and a.keys}
    for lang, run_export, stop in (
        ("en", "Run `nemo-tui export` to export your video.", "Press Ctrl+C to stop waiting."),
        ("zh", "运行 `nemo-tui export` 导出视频。", "按 Ctrl+C 停止等待。"),
    ):
        stdout, stderr = io.StringIO(), Terminal()
        out = Output(stdout=stdout, stderr=stderr, environ={"NO_COLOR": "1"})
        printer = ReplyPrinter(out, lang)
        reply = "Click the Export button to download it." if lang == "en" else "点击导出按钮下载视频。"
        printer.feed(reply)
        printer.finish(translate(reply, lang).text)
        out.note(t("recover.start", lang, at="12:00:30", wait="30 s", every="1 min", checks=5))
        assert stdout.getvalue() == run_export + "\n"
        assert stderr.getvalue().rstrip().endswith(stop)
        shown = stdout.getvalue() + stderr.getvalue()
        assert [key for key in tui_keys if key in shown] == []
        assert "⟦" not in shown
