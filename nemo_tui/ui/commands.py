"""The command palette's entries: the action table's palette rows (ui/action_table.py), offering
only the ones that make sense now.

The app yields them from Textual's own `get_system_commands` hook (beside Textual's system
commands); this module knows nothing of the app but what `PaletteHost` says.
"""

from __future__ import annotations

from typing import Protocol

from .action_table import ACTIONS, Shows


class PaletteHost(Protocol):
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...


def palette_commands(host: PaletteHost, lang: str) -> list[tuple[str, str, str]]:
    """(title, help, action) for every palette action valid in the host's current state."""
    return [
        (action.title(lang), action.help(lang) if action.help else "", action.run)
        for action in ACTIONS
        if Shows.PALETTE in action.shows and action.title is not None and host.check_action(action.run, ())
    ]
