"""What reaches the terminal: colour rules, progress only on a terminal, replies streamed translated."""

from __future__ import annotations

import io

from commands_helpers import Cli

from nemo_tui.commands.output import Output, ReplyPrinter
from nemo_tui.commands.runtime import progress_text
from nemo_tui.core.events import Progress
from nemo_tui.core.gui_phrases import translate


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
    expected = translate(reply, "en").text
    assert "Export button" not in expected  # the seed's GUI phrase became something to run
    assert stdout.getvalue() == expected + "\n"
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
