"""One entry of the chat: the person's message, an app notice, a "still working" line, and the
assistant's reply (Markdown, streamed in chunks). The log that holds them is chat_log.py.

Nothing from the server is ever parsed as Textual markup: plain lines are `Content(text)` in
`markup=False` widgets and replies go through the Markdown widget (which builds Content from the
Markdown parse, never from markup). Text is sanitised again here, cheaply, so an ESC can never reach
the terminal even if a caller forgot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from ..text import clean

if TYPE_CHECKING:
    from textual.widgets.markdown import Markdown, MarkdownStream

# Textual's MarkdownStream re-parses and re-renders a document's last block on every write, so one
# long streamed block would cost more and more per flush (a 5,000-word paragraph: ~60 ms, felt as
# key lag). Past CHUNK_CHARS a streamed reply continues in a fresh Markdown widget at the next block
# boundary, or past HARD_CHUNK_CHARS at the next space even mid-paragraph (only a runaway paragraph
# gets there, and it then shows one extra paragraph break).
CHUNK_CHARS = 2000
HARD_CHUNK_CHARS = 4000
_NOT_A_BLOCK_START = " \t\n-*+>|0123456789"  # list items, quotes, tables: they continue the block above


class UserMessage(Static):
    def __init__(self, text: str, *, author: str) -> None:
        self.message_text = clean(text)
        super().__init__(Content(self.message_text), markup=False, classes="message user")
        self.border_title = Content(author)


class NoticeLine(Static):
    """An app message; `level` (info/success/warning/error) picks the style."""

    def __init__(self, text: str, level: str = "info") -> None:
        self.message_text = clean(text)
        super().__init__(Content(self.message_text), markup=False, classes=f"notice -{level}")
        self.level = level


class StillWorkingLine(Static):
    def __init__(self, text: str) -> None:
        super().__init__(Content(clean(text)), markup=False, classes="still-working")


def reply_markdown(text: str) -> Markdown:
    """A Markdown widget that never opens a link itself: the app decides (copy over SSH, open when
    local). Textual's Markdown pulls in markdown-it and pygments (~35 ms): imported with the first
    reply, not before the first paint."""
    from textual.widgets import Markdown

    return Markdown(text, open_links=False)


def block_boundary(text: str, start: int) -> int | None:
    """The first index ≥ `start` where a new top-level Markdown block begins and nothing above it
    continues (not inside a ``` fence, not a list item, quote or table row); None when there is none."""
    pos = text.find("\n\n", start)
    while pos != -1:
        after = pos + 2
        while after < len(text) and text[after] == "\n":
            after += 1
        if after < len(text) and text[after] not in _NOT_A_BLOCK_START and text.count("```", 0, pos) % 2 == 0:
            return after
        pos = text.find("\n\n", after)
    return None


class AssistantReply(Vertical):
    """One assistant reply. Deltas are buffered and appended to a MarkdownStream every ~80 ms,
    in chunks of a few thousand characters (see CHUNK_CHARS); the finished reply is shown by one
    update of the full (translated) text, unless it streamed in several chunks and is unchanged."""

    def __init__(self, *, author: str) -> None:
        super().__init__(classes="message assistant")
        self.border_title = Content(author)
        self.markdown = reply_markdown("")
        self._stream: MarkdownStream | None = None
        self._pending: list[str] = []
        self._parts: list[str] = []
        self._chunk_text = ""  # what the newest Markdown widget holds while streaming
        self.chunks = [self.markdown]
        self.finished = False
        self.final_text = ""
        # Hidden until the first text: a turn that edits silently shows no empty box.
        self.display = False

    @classmethod
    def complete(cls, text: str, *, author: str) -> AssistantReply:
        """A reply from an earlier run, shown whole (no streaming)."""
        reply = cls(author=author)
        reply.final_text = clean(text)
        reply.finished = True
        reply.display = bool(reply.final_text.strip())
        reply.markdown = reply_markdown(reply.final_text)
        reply.chunks = [reply.markdown]
        return reply

    def compose(self) -> ComposeResult:
        yield self.markdown

    @property
    def text(self) -> str:
        return self.final_text if self.finished else "".join(self._parts)

    def append(self, delta: str) -> None:
        delta = clean(delta)
        if delta:
            self._pending.append(delta)
            self._parts.append(delta)

    async def flush(self) -> bool:
        """Hand buffered deltas to the stream; True when something was written."""
        if not self._pending or self.finished:
            return False
        chunk = "".join(self._pending)
        self._pending.clear()
        if self._stream is None:
            self.display = True
            self._stream = self.markdown.get_stream(self.markdown)
        stream = self._stream
        text = self._chunk_text + chunk
        if len(text) > CHUNK_CHARS:
            cut = block_boundary(text, max(len(self._chunk_text) - 2, 0))
            if cut is None and len(text) > HARD_CHUNK_CHARS:
                space = text.rfind(" ", len(self._chunk_text))
                cut = space + 1 if space > 0 else None
            if cut is not None and cut >= len(self._chunk_text) > 0:
                await stream.write(text[len(self._chunk_text) : cut])
                stream = await self._next_chunk(stream)
                chunk = text[cut:]
        self._chunk_text += chunk
        if chunk:
            await stream.write(chunk)
        return True

    async def _next_chunk(self, stream: MarkdownStream) -> MarkdownStream:
        await stream.stop()
        widget = reply_markdown("")
        self.chunks.append(widget)
        await self.mount(widget)
        self._stream = stream = widget.get_stream(widget)
        self._chunk_text = ""
        return stream

    async def finish(self, text: str) -> None:
        text = clean(text) or "".join(self._parts)
        keep = len(self.chunks) > 1 and text == "".join(self._parts)
        if keep:
            await self.flush()  # the last deltas, not yet written
        self._pending.clear()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.finished = True
        self.final_text = text
        self.display = bool(text.strip())
        if keep:
            return  # already on screen, chunk by chunk: one big re-render would stall the app
        for extra in self.chunks[1:]:
            await extra.remove()
        self.chunks = [self.markdown]
        await self.markdown.update(text)

    async def abandon(self) -> None:
        self._pending.clear()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.finished = True
