"""`nemo-tui` without a sub-command: build the backend, the Conversation and the app, then run it.

The engine (numpy, uvicorn) and the client (httpx) are imported here, after the flags are parsed;
the app's own start-up I/O (token, session, credits) happens inside it, after the first paint.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

CLOUD_PROBE_TIMEOUT_S = 3.0


def ui_language(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """The person's language for the app's own words, from the locale (zh_CN.UTF-8 → "zh")."""
    env = os.environ if environ is None else environ
    for var in ("NEMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = (env.get(var) or "").strip().lower()
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"


def cloud_answers(base_url: str, timeout_s: float = CLOUD_PROBE_TIMEOUT_S) -> bool:
    """For `--backend auto`: does anything answer HTTP at the cloud's address? (Any status counts.)"""
    import httpx

    try:
        httpx.get(base_url, timeout=timeout_s, follow_redirects=False)
    except httpx.HTTPError:
        return False
    return True


def run_app(*, backend: str = "auto", export_dir: Path | None = None) -> int:
    from ..client.credentials import CredentialStore
    from ..client.language import warm_up
    from ..client.nemo import NemoClient
    from ..core.conversation import Conversation
    from ..core.settings import Settings, SettingsError
    from ..core.store import Store
    from .app import NemoApp
    from .strings import t

    try:
        settings = Settings.from_env(backend=backend, export_dir=export_dir)
    except SettingsError as exc:
        print(f"nemo-tui: {exc}", file=sys.stderr)
        return 2
    lang = ui_language()
    chosen = settings.backend
    if chosen == "auto":
        chosen = "cloud" if settings.token or cloud_answers(settings.api_base) else "local"

    engine = None
    if chosen == "local":
        from ..engine.runner import EngineServer, default_data_dir

        try:
            engine = EngineServer(default_data_dir()).start()
        except (RuntimeError, OSError) as exc:
            print(f"nemo-tui: the local engine did not start: {exc}", file=sys.stderr)
            return 1
        base_url = engine.base_url
        token = None
    else:
        base_url = settings.api_base
        token = settings.token.get_secret_value() if settings.token else None

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_path)
    client = NemoClient(base_url, token=token,
                        credentials=CredentialStore(),
                        # The engine's port changes every run; its tokens live in its data dir.
                        credentials_key="local-engine" if chosen == "local" else None,
                        language=lang)
    backend_key = "local" if chosen == "local" else "cloud"
    conversation = Conversation(client, store, backend_key=backend_key,
                                export_dir=settings.export_dir, lang=lang,
                                local_engine=chosen == "local")
    label = t("app.sub_local" if chosen == "local" else "app.sub_cloud", lang)
    # The reopened session's chat (and Up history) comes back through the app's SessionChanged.
    app = NemoApp(conversation, backend_label=label, local=chosen == "local", lang=lang, warm_up=warm_up)
    client.on_recovery = app.show_recovery

    async def main() -> None:
        try:
            await app.run_async()
        finally:
            await client.aclose()

    try:
        asyncio.run(main())
    finally:
        store.close()
        if engine is not None:
            engine.stop()
    return app.return_code or 0

