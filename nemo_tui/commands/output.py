"""Where headless output goes: results on stdout, everything else on stderr.

stdout carries only what a script wants (the reply, a path, a summary, or JSON); errors and warnings
are one line each on stderr, always; progress, activity and tips go to stderr only when it is a
terminal (a pipe or a log file gets no spinner noise). Colour only on a terminal, never with
NO_COLOR set (https://no-color.org) or TERM=dumb.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

from pydantic import BaseModel

from ..core.i18n import fill_key_refs

PROG = "nemo-tui"
# What core's key references (core/i18n.py) become here: a command has no TUI keys, so it says the
# command that does the same, or the terminal's own interrupt.
HEADLESS_HOW: dict[str, dict[str, str]] = {
    "export": {"en": f"Run `{PROG} export`", "zh": f"运行 `{PROG} export`"},
    "stop": {"en": "Press Ctrl+C", "zh": "按 Ctrl+C"},
}


def headless_how(action: str, lang: str) -> str:
    return HEADLESS_HOW.get(action, {}).get(lang) or HEADLESS_HOW.get(action, {}).get("en") or action


_RED, _YELLOW, _DIM, _RESET = "\033[31m", "\033[33m", "\033[2m", "\033[0m"
# A sentence is finished once its end mark is followed by whitespace (or it is a CJK end mark).
_SENTENCE_END = re.compile(r"(?:[.!?]+[ \t]+|[。！？]+|\n)")


def wants_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return False


class Output:
    def __init__(
        self,
        *,
        json_mode: bool = False,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.json = json_mode
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.live = _isatty(self.stderr)
        self._colour_err = wants_colour(self.stderr, environ)
        self._status_shown = False

    # ---- stdout --------------------------------------------------------------------------------
    def write(self, text: str) -> None:
        self._clear_status()
        self.stdout.write(fill_key_refs(text, headless_how))
        self.stdout.flush()

    def line(self, text: str) -> None:
        self.write(text + "\n")

    def json_line(self, model: BaseModel) -> None:
        self.line(model.model_dump_json())

    # ---- stderr --------------------------------------------------------------------------------
    def _err(self, text: str) -> None:
        self._clear_status()
        self.stderr.write(fill_key_refs(text, headless_how) + "\n")
        self.stderr.flush()

    def _paint(self, colour: str, text: str) -> str:
        return f"{colour}{text}{_RESET}" if self._colour_err else text

    def error(self, text: str) -> None:
        """One line, always (scripts log stderr): `nemo-tui: error: …`."""
        self._err(f"{PROG}: {self._paint(_RED, 'error:')} {_one_line(text)}")

    def warning(self, text: str) -> None:
        self._err(f"{PROG}: {self._paint(_YELLOW, 'warning:')} {_one_line(text)}")

    def note(self, text: str) -> None:
        """A side remark (setup, tips): only when stderr is a terminal."""
        if self.live:
            self._err(self._paint(_DIM, text))

    def status(self, text: str) -> None:
        """A progress line that the next one overwrites: only when stderr is a terminal."""
        if not self.live:
            return
        self.stderr.write("\r\033[K" + self._paint(_DIM, _one_line(fill_key_refs(text, headless_how))))
        self.stderr.flush()
        self._status_shown = True

    def _clear_status(self) -> None:
        if self._status_shown:
            self.stderr.write("\r\033[K")
            self.stderr.flush()
            self._status_shown = False

    def finish(self) -> None:
        self._clear_status()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ReplyPrinter:
    """Streams a reply to stdout sentence by sentence, GUI phrases already translated.

    The conversation's deltas are the server's raw words; its ReplyFinished holds the translated
    whole. Translating each finished sentence as it completes gives the same text as translating
    the whole (the rewrite is per sentence), so a script reading stdout sees what the TUI shows.
    """

    def __init__(self, out: Output, lang: str) -> None:
        from ..core.gui_phrases import translate

        self._translate = translate
        self.out = out
        self.lang = lang
        self._raw = ""
        self._printed = ""

    def feed(self, delta: str) -> None:
        self._raw += delta
        ends = list(_SENTENCE_END.finditer(self._raw))
        if not ends:
            return
        done = self._translate(self._raw[: ends[-1].end()], self.lang).text
        if done.startswith(self._printed) and len(done) > len(self._printed):
            self.out.write(done[len(self._printed) :])
            self._printed = done

    def finish(self, text: str) -> None:
        """The whole (translated) reply: print what is not on screen yet."""
        if not text:
            return
        if self._printed and not text.startswith(self._printed):
            self.out.write("\n")  # the rare rewrite that changed a sentence already shown
            self._printed = ""
        rest = text[len(self._printed) :]
        self.out.write(rest + ("" if rest.endswith("\n") else "\n"))
        self._raw = self._printed = ""
