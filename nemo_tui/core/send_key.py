"""Which key sends a message. Enter by default; people whose input method (a Chinese IME) commits
a candidate with Enter choose Alt+Enter or Ctrl+Enter instead, and Enter then makes a new line.

Set by NEMO_SEND_KEY, else by `send_key` at the top of config.toml (in the config folder). Alt+Enter
arrives as ESC + CR from every terminal and through tmux, so it is the dependable choice; Ctrl+Enter
reaches the app only where the terminal reports it (the kitty keyboard protocol, tmux's
`extended-keys`) — elsewhere it arrives as a plain Enter, or as Ctrl+J. No Textual here: the TUI and
`nemo-tui doctor` both read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .config_toml import CONFIG_FILE, setting

SEND_KEYS = ("enter", "alt+enter", "ctrl+enter")
ENV_VAR = "NEMO_SEND_KEY"
CONFIG_NAME = "send_key"


@dataclass(frozen=True)
class SendKey:
    key: str = "enter"
    source: str = "default"  # ENV_VAR, CONFIG_FILE or "default"
    rejected: str = ""  # a value given that is none of SEND_KEYS (ignored: Enter sends)


def normalise(value: object) -> str | None:
    """ "Alt+Enter", "alt-enter", " ctrl+return " → one of SEND_KEYS; anything else → None."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("-", "+").replace(" ", "").replace("return", "enter")
    return key if key in SEND_KEYS else None


def choose_send_key(environ: Mapping[str, str], configured: object = None) -> SendKey:
    """The environment wins over config.toml; a bad value is reported, and Enter sends."""
    for source, value in ((ENV_VAR, environ.get(ENV_VAR)), (CONFIG_FILE, configured)):
        if value is None or value == "":
            continue
        key = normalise(value)
        return SendKey(source=source, rejected=str(value)) if key is None else SendKey(key, source)
    return SendKey()


def configured_send_key(path: Path) -> object:
    """`send_key` at the top of the config.toml at `path`; None when it is missing or unreadable
    (the app's key configuration reports a broken file)."""
    return setting(path, CONFIG_NAME)
