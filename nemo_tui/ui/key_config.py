"""The person's keys: the `[keys]` table of `<config dir>/config.toml` (the config dir is
`Settings.config_dir`: NEMO_CONFIG_DIR, else the platform's user config folder).

    [keys]
    export = "ctrl+x"              # an action id of ui/action_table.py → a key
    stop = ["ctrl+g", "f12"]       # or several keys
    "hints.export" = "x"           # a hint's letter (when the hints have focus)

and, above it, `send_key = "alt+enter"` (or "ctrl+enter") for people typing with an IME that commits
with Enter (core/send_key.py; NEMO_SEND_KEY wins over it).

Every entry is checked; a bad one (an unknown action, a key Textual can't name, a plain letter for an
app-wide action, a key another action already has) is described in `problems` and left out — the
app says so and keeps running with the rest. A file that isn't TOML is one problem, never a crash.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..core import config_toml
from ..core.config_toml import CONFIG_FILE
from ..core.send_key import CONFIG_NAME
from .action_table import ACTIONS, BY_ID, NAMED_KEYS, REMAPPABLE, ActionKeys, key_name
from .strings import t

__all__ = ["CONFIG_FILE", "KeyConfig", "read_key_config"]
MODIFIERS = frozenset({"ctrl", "alt", "shift", "meta", "super", "hyper"})


@dataclass
class KeyConfig:
    keymap: dict[str, str] = field(default_factory=dict)  # binding id → keys, for App.set_keymap
    problems: list[str] = field(default_factory=list)  # in the person's language, one per bad entry
    send_key: object = None  # the file's `send_key`, as written (core/send_key.py checks it)


def _valid_key(key: str) -> bool:
    *modifiers, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return False
    return (len(base) == 1 and base.isprintable()) or base in NAMED_KEYS or _is_character_name(base)


def _is_character_name(name: str) -> bool:
    import unicodedata

    try:
        return unicodedata.lookup(name.replace("_", " ").upper()).isprintable()
    except KeyError:
        return False


def _types_into_prompt(key: str) -> bool:
    """An app-wide key is a priority binding: without Ctrl/Alt/Meta (or a function key) it would
    be taken from the prompt while the person types."""
    *modifiers, base = key.split("+")
    function_key = base[0] == "f" and base[1:].isdigit()
    return not function_key and not (set(modifiers) - {"shift"})


def _keys_of(value: object) -> list[str] | None:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(k, str) for k in items):
        return None
    keys = [_normalised(k.strip()) for item in items for k in item.split(",")]
    return keys if all(keys) else None


def _normalised(key: str) -> str:
    """ "Ctrl+X" → "ctrl+x"; a bare character keeps its case ("E" is shift+e in Textual)."""
    *modifiers, base = key.split("+")
    return "+".join([*(m.lower() for m in modifiers), base if len(base) == 1 else base.lower()])


def read_key_config(path: Path, lang: str = "en") -> KeyConfig:
    """The `[keys]` of `path` (a missing file: no remapping, no problem)."""
    config = KeyConfig()
    try:
        document = config_toml.load(path)
    except FileNotFoundError:
        return config
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(t("keys.not_toml", lang, path=str(path), detail=str(exc)))
        return config
    except (OSError, UnicodeDecodeError) as exc:
        config.problems.append(t("keys.unreadable", lang, path=str(path), detail=str(exc)))
        return config
    config.send_key = document.get(CONFIG_NAME)
    table = document.get("keys", {})
    if not isinstance(table, dict):
        config.problems.append(t("keys.not_table", lang, path=str(path)))
        return config
    known = ", ".join(a.id for a in ACTIONS if a.keys and a.scope in REMAPPABLE)
    for action_id, value in table.items():
        action = BY_ID.get(action_id)
        if action is None or not action.keys or action.scope not in REMAPPABLE:
            config.problems.append(t("keys.unknown", lang, path=str(path), id=action_id, known=known))
            continue
        keys = _keys_of(value)
        bad = [k for k in keys or [] if not _valid_key(k)]
        if keys is None or bad:
            shown = bad[0] if bad else repr(value)
            config.problems.append(t("keys.bad_key", lang, path=str(path), id=action_id, shortcut=shown))
            continue
        if action.scope == "app" and any(_types_into_prompt(k) for k in keys):
            config.problems.append(t("keys.plain", lang, path=str(path), id=action_id, shortcut=keys[0]))
            continue
        config.keymap[action_id] = ",".join(keys)
    _drop_clashes(config, path, lang)
    return config


def _drop_clashes(config: KeyConfig, path: Path, lang: str) -> None:
    """Two actions of one scope on one key: the remapped one is refused (the other keeps it)."""
    for action_id in list(config.keymap):
        scope = BY_ID[action_id].scope
        in_force = ActionKeys({k: v for k, v in config.keymap.items() if k != action_id})
        taken = {
            key: other.id
            for other in ACTIONS
            if other.scope == scope and other.id != action_id and other.keys
            for key in in_force.keys(other.id).split(",")
        }
        clash = next((k for k in config.keymap[action_id].split(",") if k in taken), None)
        if clash is not None:
            del config.keymap[action_id]
            config.problems.append(
                t(
                    "keys.taken",
                    lang,
                    path=str(path),
                    id=action_id,
                    shortcut=key_name(clash),
                    other=taken[clash],
                )
            )
