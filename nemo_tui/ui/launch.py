"""`nemo-tui` without a sub-command: read the settings, paint the app, connect behind it.

Everything is built by `nemo_tui.backend` (`connect_async`), the same code as the headless commands,
so both use the same session keys, engine data dir, credentials and render polling. The app paints
first ("Setting up..." and the footer); reading the settings (pydantic), choosing the backend (the
`auto` probe), starting the engine (numpy, uvicorn) and opening the store happen in its first worker.
A bad NEMO_* value closes the app at once and is one clear line on stderr (exit status 2).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..backend import Backend
    from ..core.settings import Settings
    from ..engine.runner import EngineServer


LANGUAGE_FILE = "language"  # in the data folder: the language the app last spoke ("en" or "zh")


def language_file(environ: Mapping[str, str] | None = None) -> Path:
    from .. import env_vars
    from ..dirs import folder, user_data_dir

    return (
        folder(os.environ if environ is None else environ, env_vars.DATA_DIR, user_data_dir) / LANGUAGE_FILE
    )


def ui_language(environ: Mapping[str, str] | None = None) -> str:
    """The person's language for the app's own words at first paint: the language the app last
    spoke (a Chinese session reopens in Chinese from its first word, not after connecting), else
    the locale (zh_CN.UTF-8 → "zh")."""
    from ..languages import LANGS, locale_language

    environ = os.environ if environ is None else environ
    try:
        last = language_file(environ).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        last = ""
    return last if last in LANGS else locale_language(environ)


def remember_language(lang: str, environ: Mapping[str, str] | None = None) -> None:
    """Kept for the next start; a folder that cannot be written only costs that."""
    path = language_file(environ)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(lang, encoding="utf-8")
    except OSError:
        pass


def _warm_up() -> None:
    # Imported in the warm-up thread: langdetect's profiles are not the first paint's business.
    from ..client.language import warm_up

    warm_up()


def _read_settings(backend: str, export_dir: Path | None, lang: str | None = None) -> Settings:
    from ..core.settings import Settings

    return Settings.from_env(backend=backend, export_dir=export_dir, lang=lang)


def config_file_now(environ: Mapping[str, str] | None = None) -> Path:
    """config.toml's path before the settings are read (they are read after the first paint), by
    the settings' own rule: NEMO_CONFIG_DIR, else the platform's config folder. Keys, the send key
    and the graphics setting then hold from the first keystroke, not from "connected"."""
    from .. import env_vars
    from ..core.config_toml import CONFIG_FILE
    from ..dirs import folder, user_config_dir

    return (
        folder(os.environ if environ is None else environ, env_vars.CONFIG_DIR, user_config_dir) / CONFIG_FILE
    )


class _BadSettings(Exception):
    """The settings can't be used; the app is closing and run_app prints why."""


def run_app(*, backend: str = "auto", export_dir: Path | None = None, lang_choice: str | None = None) -> int:
    from ..backend import connect_async
    from ..languages import LANGS
    from .app import Connected, NemoApp
    from .key_config import CONFIG_FILE
    from .strings import t

    # --lang en|zh paints in that language at once; auto (or none) starts from the language the
    # app last spoke (else the locale) and follows the reopened session's language once connected.
    chosen = lang_choice if lang_choice in LANGS else None
    lang = chosen or ui_language()
    opened: list[Backend] = []
    engines: list[EngineServer] = []  # started, or starting when the person quit
    bad_settings: list[str] = []

    async def connect() -> Connected:
        try:
            settings = await asyncio.to_thread(_read_settings, backend, export_dir, lang_choice)
        except ValueError as exc:  # SettingsError: one readable line, the token never echoed
            bad_settings.append(str(exc))
            app.exit(return_code=2)
            raise _BadSettings(str(exc)) from None
        built = await connect_async(
            settings, lang=lang, on_recovery=app.show_recovery, on_engine=engines.append
        )
        opened.append(built)
        # Read at first paint already (config_file_now); again only if the settings moved it.
        config_file = (
            None if settings.config_dir / CONFIG_FILE == early_config else settings.config_dir / CONFIG_FILE
        )
        if built.fell_back_from:
            return Connected(
                built.conversation,
                t("app.sub_fallback", lang),
                True,
                notice=t("app.fell_back", lang, url=built.fell_back_from),
                label_key="app.sub_fallback",
                config_file=config_file,
            )
        label_key = "app.sub_local" if built.local else "app.sub_cloud"
        return Connected(
            built.conversation, t(label_key, lang), built.local, label_key=label_key, config_file=config_file
        )

    first_label = {"local": "app.sub_local", "cloud": "app.sub_cloud"}.get(backend, "app.sub_auto")
    # The reopened session's chat (and Up history) comes back through the app's SessionChanged.
    early_config = config_file_now()
    app = NemoApp(
        connect=connect,
        label_key=first_label,
        local=backend == "local",
        lang=lang,
        warm_up=_warm_up,
        config_file=early_config,
    )

    async def main() -> None:
        try:
            await app.run_async()
        finally:
            if chosen is None:  # a one-off --lang is not the person's language
                remember_language(app.lang)
            for built in opened:
                await built.aclose()

    try:
        asyncio.run(main())
    finally:
        # asyncio.run has waited for its threads, so an engine start cut short by quitting is over.
        for built in opened:
            built.close()
        for engine in engines:
            engine.stop()
    if bad_settings:
        print(f"nemo-tui: {bad_settings[0]}", file=sys.stderr)
        return 2
    return app.return_code or 0
