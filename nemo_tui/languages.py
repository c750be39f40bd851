"""The app's two languages, and the one rule that picks between them.

A leaf module (stdlib only, nothing from nemo_tui) so every layer can import it: protocol (the
errors' words), core (the app's messages), ui (its strings) and the entry points (the locale) —
and so the TUI's first paint does not wait for pydantic, which importing `nemo_tui.protocol` loads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS = ("en", "zh")
# Read in this order; the first one set decides (NEMO_LANG lets a person override the locale).
LOCALE_VARIABLES = ("NEMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def norm_lang(lang: str | None) -> str:
    """ "zh", "zh-cn", "zh-Hans", "ZH", "zh_CN.UTF-8" → "zh"; everything else → "en"."""
    return "zh" if (lang or "").strip().lower().startswith("zh") else "en"


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """The person's language for the app's own words, from the locale (zh_CN.UTF-8 → "zh")."""
    env = os.environ if environ is None else environ
    for var in LOCALE_VARIABLES:
        value = (env.get(var) or "").strip()
        if value and value.lower() != "auto":  # NEMO_LANG=auto: the locale decides
            return norm_lang(value)
    return "en"
