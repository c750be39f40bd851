"""Messages the person sent while a turn was running (or while the app was still connecting).

One turn runs per session at a time (the vendor's rule; the store's turn lock enforces it across
processes). A front-end keeps what is typed meanwhile in a `TurnQueue`, shows it as queued, lets
the person drop entries, and sends the next one when the running turn ends — in order. No Textual,
no I/O: the TUI uses it for messages typed mid-turn and while connecting; anything else that must
wait for the session can too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Generic, TypeVar

T = TypeVar("T")
_ids = count(1)


@dataclass
class Queued(Generic[T]):
    """One waiting entry: `text` is what the person typed ("" for an action, e.g. a confirmed
    export); `item` is whatever the front-end needs to run it."""

    text: str
    item: T
    id: int = field(default_factory=lambda: next(_ids))


class TurnQueue(Generic[T]):
    def __init__(self) -> None:
        self._entries: list[Queued[T]] = []
        # While held (a question is waiting for its answer), nothing is handed out.
        self.held = False

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Queued[T]]:
        return iter(list(self._entries))

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self._entries if e.text]

    def add(self, text: str, item: T) -> Queued[T]:
        entry = Queued(text, item)
        self._entries.append(entry)
        return entry

    def add_first(self, text: str, item: T) -> Queued[T]:
        """Before everything else waiting (an answer to a question the agent is waiting on)."""
        entry = Queued(text, item)
        self._entries.insert(0, entry)
        return entry

    def next(self) -> Queued[T] | None:
        """The entry to run now (removed from the queue), or None when empty or held."""
        if self.held or not self._entries:
            return None
        return self._entries.pop(0)

    def drop_last(self, *, messages_only: bool = True) -> Queued[T] | None:
        """Cancel the most recently queued entry (by default the last typed message)."""
        for index in range(len(self._entries) - 1, -1, -1):
            if self._entries[index].text or not messages_only:
                return self._entries.pop(index)
        return None

    def clear(self) -> list[Queued[T]]:
        dropped, self._entries = self._entries, []
        return dropped
