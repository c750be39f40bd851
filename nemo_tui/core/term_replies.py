"""The terminal's answers to the app's graphics queries, taken out of the key stream.

The app asks the terminal three things after its first paint (ui/terminal_io.py sends them):

- the kitty graphics query `ESC _G i=31,s=1,v=1,a=q,t=d,f=24;AAAA ESC \\` (a terminal with the kitty
  graphics protocol answers `ESC _G i=31;OK ESC \\`);
- XTVERSION `ESC [>q` (`ESC P>|kitty(0.35.2) ESC \\`: which terminal it is);
- DA1 `ESC [c` (`ESC [?62;4;22c`; attribute 4 is Sixel). Every terminal answers DA1, and answers in
  order, so once it is in, the other answers are too: it ends the wait.

A reply can arrive late (a slow SSH link) and split over several reads. Textual's input parser would
turn the bytes into key presses (`^_Gi=31;OK` typed into the prompt), so every read passes through a
`ReplyFilter` first: it removes whole replies, holds an unfinished one until the rest arrives, and
gives back everything else untouched. No Textual here; the parser hook is in ui/terminal_io.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

KITTY_ID = 31
KITTY_QUERY = f"\x1b_Gi={KITTY_ID},s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
XTVERSION_QUERY = "\x1b[>q"
DA1_QUERY = "\x1b[c"
QUERIES = KITTY_QUERY + XTVERSION_QUERY + DA1_QUERY

# A reply, whole: an APC graphics answer, a DA1 answer, an XTVERSION answer (DCS >| … ST).
_REPLY = re.compile(r"\x1b_G[^\x1b]{0,256}\x1b\\|\x1b\[\?[\d;]{0,64}c|\x1bP>\|[^\x1b]{0,256}\x1b\\")
# The start of one, at the end of a read (the rest is still on its way).
_PARTIAL = re.compile(
    r"\x1b(?:_(?:G[^\x1b]{0,256}\x1b?)?|\[(?:\?[\d;]{0,64})?|P(?:>(?:\|[^\x1b]{0,256}\x1b?)?)?)?\Z"
)
# Starts no key sequence: held until the reply ends (or LATE_S passes). Shorter starts (a lone ESC,
# `ESC [`) may be a key: held one tick at most.
_UNAMBIGUOUS = ("\x1b_G", "\x1b[?", "\x1bP>|")
LATE_S = 2.0


class ReplyFilter:
    """Feed it every read from the terminal; it returns what is left for the key parser."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._held = ""
        self._held_since = 0.0
        self.replies: list[str] = []  # every reply taken out, in order (read by the app's thread)

    def feed(self, data: str) -> str:
        continuing = bool(self._held)
        text, self._held = self._held + data, ""
        kept: list[str] = []
        position = 0
        for match in _REPLY.finditer(text):
            kept.append(text[position : match.start()])
            self.replies.append(match.group())
            position = match.end()
        rest = text[position:]
        tail = _PARTIAL.search(rest)
        if tail is not None:
            if not (continuing and position == 0 and tail.start() == 0):  # a new start
                self._held_since = self._clock()
            self._held, rest = rest[tail.start() :], rest[: tail.start()]
        else:
            self._held_since = 0.0
        kept.append(rest)
        return "".join(kept)

    def tick(self) -> str:
        """What was held and can wait no longer: a possible key after one tick, an unfinished reply
        after LATE_S (it was no reply, or it is lost: the bytes go on as keys, never silently)."""
        if not self._held:
            return ""
        waited = self._clock() - self._held_since
        if self._held.startswith(_UNAMBIGUOUS) and waited < LATE_S:
            return ""
        return self.tick_all()

    def tick_all(self) -> str:
        """Everything held (the input has ended)."""
        released, self._held, self._held_since = self._held, "", 0.0
        return released


def tmux_wrap(sequence: str) -> str:
    """`sequence` passed through tmux to the terminal outside it (needs `allow-passthrough on`)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def kitty_answered(replies: list[str]) -> bool:
    return any(r.startswith(f"\x1b_Gi={KITTY_ID}") and r.endswith(";OK\x1b\\") for r in replies)


def da1_attributes(replies: list[str]) -> set[str] | None:
    """DA1's attributes (`{"62", "4", "22"}`), None when it has not answered."""
    for reply in replies:
        if reply.startswith("\x1b[?"):
            return set(reply[3:-1].split(";"))
    return None


def terminal_name(replies: list[str]) -> str:
    """XTVERSION's answer (`kitty(0.35.2)`), "" without one."""
    for reply in replies:
        if reply.startswith("\x1bP>|"):
            return reply[4:-2]
    return ""
