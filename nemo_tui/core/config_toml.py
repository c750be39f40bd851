"""The person's config.toml (in the config folder): the one place that reads it. Its top level holds
settings (`send_key`, core/send_key.py; `graphics`, core/graphics.py), its `[keys]` table the key
remapping (ui/key_config.py, which reports a broken file to the person).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

CONFIG_FILE = "config.toml"


def load(path: Path) -> dict[str, Any]:
    """The whole document. Raises FileNotFoundError, OSError, UnicodeDecodeError or
    tomllib.TOMLDecodeError for the caller that reports them."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def setting(path: Path, name: str) -> object:
    """One top-level value; None when it, or a readable file, is missing (reported elsewhere)."""
    try:
        return load(path).get(name)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
