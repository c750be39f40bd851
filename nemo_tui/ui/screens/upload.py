"""Ctrl+U: ask for a path (with completion) or a URL. The Conversation validates what comes back."""

from __future__ import annotations

import asyncio
import os
from os.path import commonpath
from pathlib import Path
from urllib.parse import unquote, urlparse

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from ..strings import t

MAX_LISTED = 6


def normalise_dropped_path(raw: str) -> str:
    """A dragged-in file arrives as a bracketed paste: quoted, as file://, or with escaped spaces."""
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    if text.startswith("file://"):
        return unquote(urlparse(text).path)
    if text.startswith(("http://", "https://")):
        return text
    if "\\ " in text:
        text = text.replace("\\ ", " ")
    return text


def complete_path(value: str, limit: int = 50) -> list[str]:
    """Entries that complete `value` (dirs end with "/"), sorted, hidden files only when asked for,
    names with control characters never."""
    if not value or value.startswith(("http://", "https://")):
        return []
    expanded = os.path.expanduser(value)
    folder, _, prefix = expanded.rpartition(os.sep)
    base = Path(folder + os.sep if folder or expanded.startswith(os.sep) else ".")
    shown_folder = value[: len(value) - len(prefix)]
    out: list[str] = []
    try:
        with os.scandir(base) as entries:
            for entry in entries:
                if not entry.name.startswith(prefix):
                    continue
                if entry.name.startswith(".") and not prefix.startswith("."):
                    continue
                if not entry.name.isprintable():
                    # ESC, a newline or another control character in a file name would reach the
                    # terminal from the list and from the Input (which draws its value raw); such a
                    # name can't be typed anyway, so it is never offered.
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                out.append(shown_folder + entry.name + ("/" if is_dir else ""))
    except OSError:
        return []
    return sorted(out)[:limit]


class PathSuggester(Suggester):
    """Suggests the first completion; directory listing runs in a thread (it can be a slow mount)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        matches = await asyncio.to_thread(complete_path, value, 1)
        return matches[0] if matches else None


class UploadScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="upload.cancel"),
        Binding("tab", "complete", "Complete", id="upload.complete", priority=True, show=False),
    ]

    def __init__(self, *, lang: str = "en", initial: str = "") -> None:
        super().__init__()
        self.lang = lang
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="upload-box") as box:
            box.border_title = Content(t("upload.title", self.lang))
            yield Input(
                value=self.initial,
                placeholder=t("upload.placeholder", self.lang),
                suggester=PathSuggester(),
                id="upload-path",
            )
            yield Static(id="upload-matches", markup=False)
            yield Static(Content(t("upload.hint", self.lang)), id="upload-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    async def on_input_changed(self, event: Input.Changed) -> None:
        await self._list_matches(event.value)

    async def _list_matches(self, value: str) -> None:
        matches = await asyncio.to_thread(complete_path, normalise_dropped_path(value), MAX_LISTED + 1)
        box = self.query_one("#upload-matches", Static)
        if not value or value.startswith(("http://", "https://")):
            box.update("")
        elif not matches:
            box.update(Content(t("upload.no_matches", self.lang)))
        else:
            lines = matches[:MAX_LISTED] + (["…"] if len(matches) > MAX_LISTED else [])
            box.update(Content("\n".join(lines)))

    async def action_complete(self) -> None:
        field = self.query_one(Input)
        value = normalise_dropped_path(field.value)
        matches = await asyncio.to_thread(complete_path, value)
        if not matches:
            return
        completion = commonpath(matches) if len(matches) > 1 else matches[0]
        if len(completion) > len(value):
            field.value = completion
            field.cursor_position = len(completion)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = normalise_dropped_path(event.value)
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
