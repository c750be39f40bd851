"""The event-stream parser under `/run_sse`: bytes, in any split, to `ServerSentEvent`s and comments.

Why not `httpx_sse.EventSource.aiter_sse()`: it drops comment lines (the engine's `: ping` heartbeats)
and, in 0.4.3, loses the first event when the body starts with a byte-order mark (tested in
tests/client/test_client_sse.py). The field rules are the same (WHATWG event-stream), and events
come out as `httpx_sse.ServerSentEvent`.
"""

from __future__ import annotations

import codecs
import re

from httpx_sse import ServerSentEvent

from ..protocol import StreamError

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Comment:
    """A `:` line: the server saying it is still there."""


COMMENT = Comment()


# One event bigger than this is refused (StreamError): real ones are kilobytes, the largest test
# sends 10 MB; a compressed stream must not inflate without bound into memory.
MAX_EVENT_CHARS = 32 * 1024 * 1024


class SseParser:
    """Incremental event-stream parser: feed it bytes as they arrive, in any split.

    Decodes UTF-8 with a leading BOM removed, splits on CRLF / CR / LF (a CR at the end of one read
    may pair with an LF at the start of the next), and keeps an unfinished line as a list of pieces
    so a 10 MB event arriving in thousands of reads costs linear time.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._line_parts: list[str] = []
        self._held_cr = False
        self._data: list[str] = []
        self._event = ""
        self._line_chars = 0  # characters of the unfinished line
        self._data_chars = 0  # characters of the data lines of the event being read

    def feed(self, chunk: bytes) -> list[ServerSentEvent | Comment]:
        return self._take(self._decoder.decode(chunk))

    def close(self) -> tuple[list[ServerSentEvent | Comment], bool]:
        """Flush at end of stream. Returns (items, cut): `cut` when it ended inside an event."""
        items = self._take(self._decoder.decode(b"", final=True))
        if self._held_cr:
            self._held_cr = False
            items += self._line("".join(self._line_parts))
            self._line_parts = []
        cut = bool(self._line_parts) or bool(self._data)
        return items, cut

    def _take(self, text: str) -> list[ServerSentEvent | Comment]:
        if self._held_cr:
            text = "\r" + text
            self._held_cr = False
        if text.endswith("\r"):
            self._held_cr = True
            text = text[:-1]
        if not text:
            return []
        pieces = _NEWLINE.split(text)
        if len(pieces) == 1:
            self._line_parts.append(pieces[0])
            self._line_chars += len(pieces[0])
            self._check()
            return []
        first = "".join(self._line_parts) + pieces[0]
        rest = pieces[-1]
        self._line_parts = [rest] if rest else []
        self._line_chars = len(rest)
        items: list[ServerSentEvent | Comment] = []
        for line in [first, *pieces[1:-1]]:
            items += self._line(line)
        self._check()
        return items

    def _check(self) -> None:
        if self._line_chars + self._data_chars > MAX_EVENT_CHARS:
            raise StreamError(
                f"the server sent one reply event larger than {MAX_EVENT_CHARS // (1024 * 1024)} MB"
            )

    def _line(self, line: str) -> list[ServerSentEvent | Comment]:
        if not line:
            if not self._data:
                self._event = ""
                return []
            event = ServerSentEvent(event=self._event, data="\n".join(self._data))
            self._data, self._event, self._data_chars = [], "", 0
            return [event]
        if line.startswith(":"):
            return [COMMENT]
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._data_chars += len(value) + 1
            self._check()
        elif name == "event":
            self._event = value
        # id / retry / unknown fields: nothing to do for a one-shot turn stream.
        return []
