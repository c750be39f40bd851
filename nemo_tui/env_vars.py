"""The NEMO_* environment variables the app reads: each name once. A leaf module (nothing from
nemo_tui, no pydantic), so the entry point, the client, the engine and core's typed settings can
all read the same names.
"""

from __future__ import annotations

BACKEND = "NEMO_BACKEND"
API_URL = "NEMO_API_URL"  # the name the vendor's other tools read; wins over API_BASE
API_BASE = "NEMO_API_BASE"  # the older name, still read
WEB_URL = "NEMO_WEB_URL"
CLIENT_ID = "NEMO_CLIENT_ID"
POLL_INTERVAL_S = "NEMO_POLL_INTERVAL_S"
EXPORT_DIR = "NEMO_EXPORT_DIR"
TOKEN = "NEMO_TOKEN"
DATA_DIR = "NEMO_DATA_DIR"
CONFIG_DIR = "NEMO_CONFIG_DIR"
CACHE_DIR = "NEMO_CACHE_DIR"  # previews (user cache dir by default)
LANG = "NEMO_LANG"  # en, zh or auto: the app's language
GRAPHICS = "NEMO_GRAPHICS"  # auto, kitty, sixel, halfblock or none: how pictures are drawn (core/graphics.py)
CONFIRM_ABOVE = "NEMO_CONFIRM_ABOVE"  # ask before a turn quoted above this many credits (20)
SESSION_BUDGET = "NEMO_SESSION_BUDGET"  # refuse turns that would take a session past this many credits
RUNTIME_DIR = "NEMO_RUNTIME_DIR"  # where the engine's owner secrets go (before XDG_RUNTIME_DIR)

# Each typed setting (core/settings.py) and its variables, the preferred name first.
SETTINGS: dict[str, tuple[str, ...]] = {
    "backend": (BACKEND,),
    "lang": (LANG,),
    "api_base": (API_URL, API_BASE),
    "web_base": (WEB_URL,),
    "client_id": (CLIENT_ID,),
    "poll_interval_s": (POLL_INTERVAL_S,),
    "export_dir": (EXPORT_DIR,),
    "token": (TOKEN,),
    "data_dir": (DATA_DIR,),
    "config_dir": (CONFIG_DIR,),
    "cache_dir": (CACHE_DIR,),
    "confirm_above": (CONFIRM_ABOVE,),
    "session_budget": (SESSION_BUDGET,),
}


def settings_help() -> str:
    """The settings' variables for a --help text: `NEMO_API_URL (or NEMO_API_BASE)`, …"""
    return ", ".join(
        names[0] + (f" (or {', '.join(names[1:])})" if len(names) > 1 else "") for names in SETTINGS.values()
    )
