"""The token never reaches the screen, logs, tracebacks, the app's database, exported files or the
engine's data dir: a full session with `--debug` logging on, then every artefact is searched.

Failures report booleans and file names, never the matched text, so a leak cannot print the token.
"""

from __future__ import annotations

import logging
import os
import stat
import traceback
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import CLIP, collect, make_harness, of, tiny_png

from nemo_tui.backend import owner_transport
from nemo_tui.core.events import ExportDone
from nemo_tui.engine.runner import EngineServer
from nemo_tui.logging_setup import enable_debug_logging


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


@pytest.fixture
def debug_log(tmp_path: Path):
    """`--debug`: nemo_tui's loggers write to a file; removed again so other tests stay quiet."""
    path = enable_debug_logging(tmp_path / "logs" / "debug.log")
    yield path
    for name in ("nemo_tui", "httpx", "httpcore"):
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "baseFilename", None) == str(path)]:
            logger.removeHandler(handler)
            handler.close()
    logging.getLogger("nemo_tui").setLevel(logging.NOTSET)


async def test_a_full_session_leaks_the_token_nowhere(
    engine_server: EngineServer,
    tmp_path: Path,
    debug_log: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    app = tmp_path / "app"
    # The app's own transport: it sends the engine's owner secret, which must not leak either.
    h = make_harness(
        engine_server.base_url,
        app,
        transport=owner_transport(engine_server.base_url, engine_server.owner_secret),
    )
    tokens: list[str] = []
    fetch = h.client._fetch_anonymous_token

    async def fetch_and_remember() -> None:  # every token this session ever holds
        await fetch()
        tokens.append(h.client._token.get_secret_value())

    h.client._fetch_anonymous_token = fetch_and_remember  # type: ignore[method-assign]
    events: list[Any] = []
    raised: list[BaseException] = []
    faults = engine_server.faults
    try:
        events += await collect(h.conv.start())
        events += await collect(h.conv.handle(CLIP))
        events += await collect(h.conv.upload(str(tiny_png(tmp_path / "logo.png"))))
        events += await collect(h.conv.handle("add a title that says the end"))
        events += await collect(h.conv.export())
        assert of(events, ExportDone)
        # Errors, with the faults that make them.
        for name, value in [
            ("expire_tokens_once", 1),
            ("lose_sessions_once", 1),
            ("no_credits", True),
            ("block_export", True),
            ("rate_limit_once", 2),
            ("fail_render", "boom"),
            ("drop_stream_after_events", 3),
            ("malformed_event", True),
            ("agent_error", "RuntimeError: the agent fell over"),
            ("expire_tokens", True),
        ]:
            setattr(faults, name, value)
            events += await collect(h.conv.handle("generate a 1-second video of the sea"))
            events += await collect(h.conv.export())
            try:
                await h.client.credits()
            except Exception as exc:  # kept: its str, repr and traceback are searched below
                raised.append(exc)
            faults.reset()
        engine_server.stop()  # and a network error
        events += await collect(h.conv.credits())
        engine_server.start()
        screen = [repr(e) for e in events] + [repr(h.client), str(h.client), repr(h.client._store)]
    finally:
        await h.aclose()
    assert len(tokens) >= 2 and all(len(t) > 20 for t in tokens)  # renewals happened: several to find
    assert raised  # some of those calls failed: their texts are searched too
    for exc in raised:
        screen += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    out, err = capfd.readouterr()

    blobs: dict[str, bytes] = {
        "screen": "\n".join(screen).encode(),
        "stdout": out.encode(),
        "stderr": err.encode(),
        "pytest log capture": caplog.text.encode(),
    }
    credentials = app / "config" / "credentials.json"
    # The engine's data dir includes its database (it keeps token hashes only) and its media.
    for path in files_under(app, tmp_path / "logs", engine_server.config.data_dir):
        if path != credentials:  # the one place the token is meant to be
            blobs[str(path.relative_to(tmp_path))] = path.read_bytes()
    names = set(blobs)
    assert {"logs/debug.log", "app/data/nemo.db"} <= names
    assert any(n.startswith("engine/") and "engine.sqlite3" in n for n in names)
    assert any(n.startswith("app/exports/") and n.endswith(".mp4") for n in names)
    assert len(Path(debug_log).read_text().splitlines()) > 50  # the debug log really logged the session
    leaks = sorted(name for name, blob in blobs.items() if any(t.encode() in blob for t in tokens))
    assert leaks == []
    secret = engine_server.owner_secret.encode()
    assert len(secret) > 20 and sorted(name for name, blob in blobs.items() if secret in blob) == []

    # The credentials file holds the token, private to this user.
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(credentials.parent).st_mode) == 0o700
    assert tokens[-1].encode() in credentials.read_bytes()  # it is where the token is kept
