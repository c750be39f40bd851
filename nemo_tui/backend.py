"""Picking and connecting the backend — one place for the TUI (`ui/launch.py`) and the headless
commands (`commands/`), so both open the same store, credentials and sessions.

`connect()` is synchronous, for the headless commands: it may probe the cloud (`auto`) and start the
embedded engine (`local`), both blocking. `connect_async()` does the same inside the TUI's event loop
after its first paint: the probe is async, the engine start and the store run in threads. Both end in
`_assemble()`, so sessions keys, data dirs and polling are the same whichever front-end opened them.
Heavy modules (httpx, the engine's numpy/uvicorn) are imported inside them, never at import time, so
`nemo-tui --help` and the TUI's first paint stay fast.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .languages import locale_language

if TYPE_CHECKING:
    from .client.nemo import NemoClient
    from .core.conversation import Conversation
    from .core.settings import Settings
    from .core.store import Store
    from .engine.runner import EngineServer

CLOUD_PROBE_TIMEOUT_S = 3.0
# The engine on this machine renders in seconds: the cloud's cadence would only slow it down. A
# preview takes about a second, so a half-second poll added up to 0.5 s to F5; a status read on
# loopback costs a few ms of CPU, so 10 a second is cheap.
LOOPBACK_RENDER_POLL_S = 0.1


def cloud_answers(base_url: str, timeout_s: float = CLOUD_PROBE_TIMEOUT_S) -> bool:
    """For `--backend auto`: does anything answer HTTP at the cloud's address? (Any status counts.)"""
    import httpx

    try:
        httpx.get(base_url, timeout=timeout_s, follow_redirects=False)
    except httpx.HTTPError:
        return False
    return True


async def cloud_answers_async(base_url: str, timeout_s: float = CLOUD_PROBE_TIMEOUT_S) -> bool:
    """`cloud_answers` without blocking the loop (httpx's import, ~50 ms, runs in a thread too)."""
    httpx = await asyncio.to_thread(importlib.import_module, "httpx")
    try:
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as probe:
            await probe.get(base_url)
    except httpx.HTTPError:
        return False
    return True


def choose_backend(settings: Settings) -> str:
    """ "local" or "cloud": `auto` means the cloud when a token is set or the cloud answers."""
    if settings.backend != "auto":
        return settings.backend
    return "cloud" if settings.token or cloud_answers(settings.api_base) else "local"


def backend_key_for(kind: str, base_url: str, default_api_base: str) -> str:
    """The store's key for sessions: one per backend, so a session is only reopened where it lives.
    A cloud other than the default (NEMO_API_BASE) gets its own key, like its cached token."""
    if kind == "local":
        return "local"
    return "cloud" if base_url == default_api_base else f"cloud@{base_url}"


@dataclass
class Backend:
    """Everything one front-end run needs; close with `await aclose()` in the loop, then `close()`."""

    kind: str  # "local" or "cloud"
    backend_key: str
    base_url: str
    settings: Settings
    client: NemoClient
    store: Store
    conversation: Conversation
    engine: EngineServer | None = None
    # `auto` found no cloud at this address and fell back to the local engine: front-ends say so.
    fell_back_from: str | None = None

    @property
    def local(self) -> bool:
        return self.kind == "local"

    async def aclose(self) -> None:
        await self.client.aclose()

    def close(self) -> None:
        self.store.close()
        if self.engine is not None:
            self.engine.stop()
            self.engine = None


def owner_transport(base_url: str, secret: str):
    """An httpx transport that adds the engine's owner header to requests for `base_url`'s origin only."""
    import httpx

    from .engine.owner import OWNER_HEADER

    origin = urlsplit(base_url)
    want = (origin.scheme, (origin.hostname or "").lower(), origin.port)

    class OwnerTransport(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self._inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            url = request.url
            if (url.scheme, url.host.lower(), url.port) == want:
                request.headers[OWNER_HEADER] = secret
            else:
                request.headers.pop(OWNER_HEADER, None)
            return await self._inner.handle_async_request(request)

        async def aclose(self) -> None:
            await self._inner.aclose()

        def __repr__(self) -> str:  # never the secret
            return f"OwnerTransport({base_url!r})"

    return OwnerTransport()


def engine_for(settings: Settings) -> EngineServer:
    """The embedded engine, not started yet. Under the app's data dir, so NEMO_DATA_DIR moves it too
    (the default is the same folder the engine's own default_data_dir() names)."""
    from .engine.runner import EngineServer

    return EngineServer(settings.data_dir / "engine")


def connect(
    settings: Settings, *, lang: str | None = None, on_recovery: Callable[[str], None] | None = None
) -> Backend:
    """Pick the backend, start the engine when local, open the store, build client + conversation.

    Raises StoreError for an unusable database and RuntimeError when the engine can't start.
    """
    kind = choose_backend(settings)
    engine = engine_for(settings).start() if kind == "local" else None
    fell_back = settings.api_base if settings.backend == "auto" and kind == "local" else None
    return _assemble(settings, kind, engine, lang=lang, on_recovery=on_recovery, fell_back_from=fell_back)


async def connect_async(
    settings: Settings,
    *,
    lang: str | None = None,
    on_recovery: Callable[[str], None] | None = None,
    on_engine: Callable[[EngineServer], None] | None = None,
) -> Backend:
    """`connect()` for a running event loop: nothing here blocks it.

    `on_engine` gets the engine before it starts: a thread can't be interrupted, so if this is
    cancelled mid-start the caller must stop that engine itself (after the loop has closed, when
    the start thread is sure to have finished).
    """
    kind = settings.backend
    if kind == "auto":
        kind = "cloud" if settings.token or await cloud_answers_async(settings.api_base) else "local"
    engine = None
    if kind == "local":
        engine = await asyncio.to_thread(engine_for, settings)  # imports numpy, uvicorn, starlette
        if on_engine is not None:
            on_engine(engine)
        await asyncio.to_thread(engine.start)
    fell_back = settings.api_base if settings.backend == "auto" and kind == "local" else None
    return await asyncio.to_thread(
        _assemble, settings, kind, engine, lang=lang, on_recovery=on_recovery, fell_back_from=fell_back
    )


def _assemble(
    settings: Settings,
    kind: str,
    engine: EngineServer | None,
    *,
    lang: str | None,
    on_recovery: Callable[[str], None] | None,
    fell_back_from: str | None,
) -> Backend:
    """Open the store and build client + conversation for `kind` ("local" with a started engine)."""
    from .client.credentials import CredentialStore
    from .client.nemo import NemoClient
    from .core.conversation import Conversation
    from .core.settings import DEFAULT_API_BASE
    from .core.store import Store
    from .loopback import is_loopback_url

    fixed_lang = settings.lang if settings.lang != "auto" else None
    lang = fixed_lang or lang or locale_language()
    if engine is not None:
        # The engine issues its own anonymous tokens; NEMO_TOKEN is the cloud's and stays with it.
        base_url, token = engine.base_url, ""
    else:
        base_url = settings.api_base
        token = settings.token.get_secret_value() if settings.token else ""
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(settings.db_path)
    except BaseException:
        if engine is not None:
            engine.stop()
        raise
    # NEMO_POLL_INTERVAL_S replaces every polling interval; unset, the cloud gets the vendor's
    # render cadence (the client's default) and the engine on this machine a short fixed one.
    poll_s = settings.poll_interval_s
    if poll_s is None and is_loopback_url(base_url):
        poll_s = LOOPBACK_RENDER_POLL_S
    # Our own engine gets the owner secret on every request to its address (and nowhere else), so
    # the person keeps the owner's powers (loopback URL uploads) that other local accounts lack.
    transport = owner_transport(base_url, engine.owner_secret) if engine is not None else None
    client = NemoClient(
        base_url,
        token=token,
        transport=transport,
        credentials=CredentialStore(settings.config_dir / "credentials.json"),
        # The engine's port changes every run; its tokens live in its data dir.
        credentials_key="local-engine" if kind == "local" else None,
        language=lang,
        poll_interval=poll_s,
        on_recovery=on_recovery,
        # The engine is its own web app: it serves the claim page.
        web_base=engine.base_url if engine is not None else settings.web_base,
        client_id=settings.client_id,
    )
    key = backend_key_for(kind, base_url, DEFAULT_API_BASE)
    conversation = Conversation(
        client,
        store,
        backend_key=key,
        export_dir=settings.export_dir,
        lang=lang,
        local_engine=kind == "local",
        poll_interval_s=settings.poll_interval_s,
        cache_dir=settings.cache_dir,
        fixed_lang=fixed_lang,
    )
    conversation.confirm_above = settings.confirm_above
    conversation.session_budget = settings.session_budget
    return Backend(
        kind=kind,
        backend_key=key,
        base_url=base_url,
        settings=settings,
        client=client,
        store=store,
        conversation=conversation,
        engine=engine,
        fell_back_from=fell_back_from,
    )
