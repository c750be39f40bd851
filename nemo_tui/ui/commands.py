"""The command palette's entries: the app's actions, offering only the ones that make sense now.

The app yields them from Textual's own `get_system_commands` hook (beside Textual's system
commands); this module knows nothing of the app but what `PaletteHost` says.
"""

from __future__ import annotations

from typing import Protocol

from .strings import t

# (strings key, action) in the order the palette lists them.
PALETTE: tuple[tuple[str, str], ...] = (
    ("export", "export"),
    ("upload", "upload"),
    ("credits", "credits"),
    ("state", "state"),
    ("new", "new_session"),
    ("sessions", "sessions"),
    ("copy", "copy_reply"),
    ("copy_summary", "copy_summary"),
    ("open", "open_export"),
    ("preview", "preview"),  # issue 11
    ("timeline", "focus_timeline"),
    ("stop", "stop"),
    ("help", "help"),
    ("browser", "open_browser"),
    ("drop_queued", "drop_queued"),
    ("question", "question_again"),
)


class PaletteHost(Protocol):
    lang: str

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...


def palette_commands(host: PaletteHost) -> list[tuple[str, str, str]]:
    """(title, help, action) for every command valid in the host's current state."""
    lang = host.lang
    return [
        (t(f"cmd.{key}", lang), t(f"cmd.{key}_help", lang), action)
        for key, action in PALETTE
        if host.check_action(action, ())
    ]
