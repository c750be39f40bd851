"""Running the engine: `EngineServer` (uvicorn in a daemon thread) and the blocking `serve()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from pathlib import Path

import uvicorn

from ..dirs import user_data_dir
from ..loopback import is_loopback_host
from .config import EngineConfig, Faults
from .owner import OWNER_HEADER, remove_secret, write_secret
from .server import create_app

log = logging.getLogger("nemo_tui.engine.runner")


def default_data_dir() -> Path:
    return user_data_dir() / "engine"


def _uvicorn_config(app, host: str, port: int) -> uvicorn.Config:
    # Short graceful shutdown: an open /run_sse stream must not hold up stop() for long.
    # proxy_headers=False: the client address the loopback-only admin routes check is the socket's
    # peer, never an X-Forwarded-For value (uvicorn trusts that header by default, and from any peer
    # when FORWARDED_ALLOW_IPS=* is set).
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,
        access_log=False,
        proxy_headers=False,
    )


class _Server(uvicorn.Server):
    """uvicorn looks at `should_exit` every 0.1 s; `wake()` (from stop(), in another thread) makes it
    look at once, so stopping an idle engine takes its shutdown alone (each test's engine, each quit)."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):  # on_tick keeps uvicorn's once-a-second bookkeeping
            counter = (counter + 1) % 864000
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    def wake(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed: nothing to wake
                loop.call_soon_threadsafe(wake.set)


class EngineServer:
    """The engine on loopback in a background thread, for tests and `nemo-tui --local`.

    `start()` returns once it accepts connections; `stop()` then `start()` again reopens the same
    data dir (nothing is lost). `faults` is the very object the app reads, so tests flip it live.
    """

    def __init__(
        self, data_dir: Path, *, host: str = "127.0.0.1", port: int = 0, config: EngineConfig | None = None
    ) -> None:
        if not is_loopback_host(host):
            raise ValueError(f"EngineServer listens on loopback only, not {host!r}.")
        self.config = config or EngineConfig(data_dir=Path(data_dir))
        self.config.data_dir = Path(data_dir)
        self.config.host = host
        self.host = host
        self.secret_file: Path | None = None
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        return self.config.faults

    @property
    def owner_secret(self) -> str:
        """This run's owner secret (owner.py), made when the app is built; the app sends it as a header."""
        return self.config.owner_secret

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout_s: float = 20.0) -> EngineServer:
        if self._thread is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]  # port 0 became a free port; keep it across restarts
        app = create_app(self.config)
        try:
            self.secret_file = write_secret(self.port, self.config.owner_secret)
        except (OSError, RuntimeError) as exc:  # the app holds the secret in memory; the file is for tools
            log.warning("could not write the engine's owner secret file: %s", exc)
        server = _Server(_uvicorn_config(app, self.host, self.port))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"nemo-engine:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The local engine did not start on {self.base_url}.")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
        remove_secret(self.secret_file, self.config.owner_secret)
        self.secret_file = None

    def __enter__(self) -> EngineServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    data_dir: Path | None = None,
    *,
    allow_remote: bool = False,
    config: EngineConfig | None = None,
    test_faults: bool = False,
    announce=print,
) -> None:
    """Run the engine in the foreground until interrupted (`nemo-tui serve`).

    It has no real accounts and its admin routes trust loopback, so a non-loopback host is refused
    unless `allow_remote` says the person knows what they are exposing.
    """
    if not is_loopback_host(host) and not allow_remote:
        raise ValueError(
            f"Refusing to listen on {host!r}: the local engine is for loopback only "
            "(pass allow_remote=True / --allow-remote to override)."
        )
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    cfg = config or EngineConfig(data_dir=folder)
    cfg.data_dir = folder
    cfg.host = host
    cfg.test_faults = cfg.test_faults or test_faults
    app = create_app(cfg)
    secret_file = write_secret(port, cfg.owner_secret)
    announce(
        f"nemo-tui engine on http://{'[' + host + ']' if ':' in host else host}:{port} "
        f"(data: {folder}). Owner secret for {OWNER_HEADER}: in {secret_file} (mode 0600)."
        + (" Fault switching is on (--test-faults)." if cfg.test_faults else "")
    )
    try:
        uvicorn.Server(_uvicorn_config(app, host, port)).run()
    finally:
        remove_secret(secret_file, cfg.owner_secret)
