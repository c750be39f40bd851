"""Typed settings from the environment (NEMO_BACKEND, NEMO_API_URL or its older name NEMO_API_BASE,
NEMO_WEB_URL, NEMO_CLIENT_ID, NEMO_POLL_INTERVAL_S, NEMO_EXPORT_DIR, NEMO_TOKEN, NEMO_DATA_DIR,
NEMO_CONFIG_DIR, NEMO_CACHE_DIR, NEMO_LANG — the data, config and cache folders move the database,
the credentials and the preview cache, e.g. for tests or several profiles; unset, they follow
platformdirs). NEMO_API_URL, NEMO_WEB_URL and NEMO_CLIENT_ID are the
names the vendor's other NemoVideo tools read, so one environment serves them all.

The token is a `SecretStr`: its repr, str and any validation error show asterisks, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .. import env_vars
from ..dirs import folder, user_cache_dir, user_config_dir, user_data_dir
from ..protocol import DEFAULT_WEB_BASE

DEFAULT_API_BASE = "https://mega-api-prod.nemovideo.ai"


class SettingsError(ValueError):
    """A setting has a value the app can't use; the message says which and what is allowed."""


def default_export_dir() -> Path:
    """The user's videos folder when the platform has one, else the current directory."""
    try:
        videos = Path(platformdirs.user_videos_dir())
    except Exception:  # platformdirs may fail on exotic systems; exporting must still work
        return Path.cwd()
    return videos if str(videos) not in ("", ".") else Path.cwd()


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where previews are cached: NEMO_CACHE_DIR, else the platform's user cache folder."""
    return folder(os.environ if env is None else env, env_vars.CACHE_DIR, user_cache_dir)


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    backend: Literal["cloud", "local", "auto"] = "auto"
    # The language of the app's own words: "auto" follows the person's last message (a session
    # reopens in the language it was left in); "en" / "zh" keep that language whatever is typed.
    lang: Literal["en", "zh", "auto"] = "auto"
    api_base: str = DEFAULT_API_BASE
    web_base: str = DEFAULT_WEB_BASE
    # A stable client id (at most 64 characters) shared with the vendor's other tools; None: the
    # one in ~/.config/nemovideo/client_id when it exists, else our own cached one.
    client_id: str | None = Field(default=None, max_length=64, min_length=1)
    # Overrides every cloud polling interval (render status, state reads after a dropped stream):
    # for tests, and for people who would rather poll often than wait.
    poll_interval_s: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    export_dir: Path = Field(default_factory=default_export_dir)
    data_dir: Path = Field(default_factory=user_data_dir)
    config_dir: Path = Field(default_factory=user_config_dir)
    cache_dir: Path = Field(default_factory=user_cache_dir)
    token: SecretStr | None = None
    # Money (issue 14): ask before a turn quoted above this many credits; refuse turns that would
    # take one session past `session_budget` credits (None: no budget).
    confirm_above: float = Field(default=20.0, ge=0, allow_inf_nan=False)
    session_budget: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    @field_validator("api_base", "web_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("lang", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        # A locale-style value works too (zh_CN.UTF-8, en_US): it was NEMO_LANG's meaning before.
        text = str(value).strip().lower()
        return "zh" if text.startswith("zh") else "en" if text.startswith("en") else text

    @field_validator("export_dir", "data_dir", "config_dir", "cache_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return Path(value).expanduser()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "nemo.db"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read NEMO_* variables (empty ones count as unset); `overrides` (from flags) win."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        used: dict[str, str] = {}
        for field, names in ENV_NAMES.items():
            for var in names:  # the first one set wins (NEMO_API_URL over NEMO_API_BASE)
                raw = (env.get(var) or "").strip()
                if raw:
                    values[field] = raw.lower() if field == "backend" else raw
                    used[field] = var
                    break
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            raise SettingsError(_explain(exc, used)) from None


# Each setting's variables, the preferred name first (their one home: nemo_tui/env_vars.py).
ENV_NAMES = env_vars.SETTINGS


def _explain(exc: ValidationError, used: Mapping[str, str]) -> str:
    """One readable line per bad setting, named by the variable that set it; the offending token
    value is never echoed."""
    lines = []
    for err in exc.errors(include_input=False):
        field = str(err["loc"][0]) if err["loc"] else "settings"
        name = used.get(field) or ENV_NAMES.get(field, (field,))[0]
        if field == "backend":
            name += " (cloud, local or auto)"
        elif field == "lang":
            name += " (en, zh or auto)"
        lines.append(f"{name}: {err['msg']}")
    return "Invalid setting: " + "; ".join(lines)
