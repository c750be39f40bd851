"""Typed settings from the environment (NEMO_BACKEND, NEMO_API_BASE, NEMO_EXPORT_DIR, NEMO_TOKEN,
NEMO_DATA_DIR, NEMO_CONFIG_DIR — the last two move the database and the credentials, e.g. for tests
or several profiles; unset, they follow platformdirs).

The token is a `SecretStr`: its repr, str and any validation error show asterisks, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

DEFAULT_API_BASE = "https://mega-api-prod.nemovideo.ai"
APP_DIR_NAME = "nemo-tui"


class SettingsError(ValueError):
    """A setting has a value the app can't use; the message says which and what is allowed."""


def default_export_dir() -> Path:
    """The user's videos folder when the platform has one, else the current directory."""
    try:
        videos = Path(platformdirs.user_videos_dir())
    except Exception:  # platformdirs may fail on exotic systems; exporting must still work
        return Path.cwd()
    return videos if str(videos) not in ("", ".") else Path.cwd()


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    backend: Literal["cloud", "local", "auto"] = "auto"
    api_base: str = DEFAULT_API_BASE
    export_dir: Path = Field(default_factory=default_export_dir)
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_DIR_NAME)))
    config_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_config_dir(APP_DIR_NAME)))
    token: SecretStr | None = None

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("export_dir", "data_dir", "config_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return Path(value).expanduser()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "nemo.db"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Read NEMO_* variables (empty ones count as unset); `overrides` (from flags) win."""
        env = os.environ if env is None else env
        names = {"backend": "NEMO_BACKEND", "api_base": "NEMO_API_BASE",
                 "export_dir": "NEMO_EXPORT_DIR", "token": "NEMO_TOKEN",
                 "data_dir": "NEMO_DATA_DIR", "config_dir": "NEMO_CONFIG_DIR"}
        values: dict[str, object] = {}
        for field, var in names.items():
            raw = (env.get(var) or "").strip()
            if raw:
                values[field] = raw.lower() if field == "backend" else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            raise SettingsError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    """One readable line per bad setting; the offending token value is never echoed."""
    variables = {"backend": "NEMO_BACKEND (cloud, local or auto)", "api_base": "NEMO_API_BASE",
                 "export_dir": "NEMO_EXPORT_DIR", "token": "NEMO_TOKEN",
                 "data_dir": "NEMO_DATA_DIR", "config_dir": "NEMO_CONFIG_DIR"}
    lines = []
    for err in exc.errors(include_input=False):
        field = str(err["loc"][0]) if err["loc"] else "settings"
        lines.append(f"{variables.get(field, field)}: {err['msg']}")
    return "Invalid setting: " + "; ".join(lines)
