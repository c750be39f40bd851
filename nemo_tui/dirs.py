"""Where the app keeps its files on this machine: the one place that names its folders (platformdirs
decides per system). NEMO_DATA_DIR and NEMO_CONFIG_DIR move them through the typed settings
(core/settings.py), which start from these defaults.

A leaf module (platformdirs only, imported when asked): the engine, the client and core all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

APP_DIR_NAME = "nemo-tui"


def user_data_dir() -> Path:
    """The app's database, and the embedded engine's state under `engine/`."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DIR_NAME))


def user_config_dir() -> Path:
    """The cached credentials, and the engine's owner secrets under `run/` (without a runtime dir)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_DIR_NAME))


def user_cache_dir() -> Path:
    """Rendered previews (core/preview.py): safe to delete, rebuilt on demand."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_DIR_NAME))


def user_log_dir() -> Path:
    """The `--debug` HTTP log."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_DIR_NAME))


def folder(environ: Mapping[str, str], variable: str, default: Callable[[], Path]) -> Path:
    """A folder a NEMO_* variable moves: its value (~ expanded) when set, else `default()` — the
    rule the typed settings follow, for the places that need a folder before they are read."""
    raw = (environ.get(variable) or "").strip()
    return Path(raw).expanduser() if raw else default()
