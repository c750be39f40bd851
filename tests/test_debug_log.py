"""`--debug` logs go to a file with bearer tokens and token fields redacted, tracebacks included."""

import logging

from nemo_tui.logging_setup import enable_debug_logging, redact

SECRET = "tok_3f9c2a7e51b04d8e"


def test_redact_hides_bearer_and_token_fields():
    assert SECRET not in redact(f"Authorization: Bearer {SECRET}")
    assert SECRET not in redact(f'{{"token": "{SECRET}", "code": 0}}')
    assert SECRET not in redact(f"headers={{'authorization': 'Bearer {SECRET}'}}")
    assert redact("GET /api/credits/balance/simple 200") == "GET /api/credits/balance/simple 200"


def test_debug_log_redacts_messages_and_tracebacks(tmp_path):
    path = enable_debug_logging(tmp_path / "debug.log")
    log = logging.getLogger("nemo_tui.client")
    log.debug("sending %s", {"Authorization": f"Bearer {SECRET}"})
    try:
        raise RuntimeError(f"server said token={SECRET}")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger("nemo_tui").handlers:
        handler.flush()
    text = path.read_text()
    assert "request failed" in text and "RuntimeError" in text and "Traceback" in text
    assert SECRET not in text
    root = logging.getLogger("nemo_tui")
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", "") == str(path):
            root.removeHandler(handler)
            for name in ("httpx", "httpcore"):
                logging.getLogger(name).removeHandler(handler)
            handler.close()


def test_the_engine_owner_secret_header_is_redacted() -> None:
    from nemo_tui.logging_setup import redact

    line = "headers={'X-Nemo-Engine-Secret': 'k3y_SECRET-value', 'accept': '*/*'} x-nemo-engine-secret: other"
    out = redact(line)
    assert "k3y_SECRET-value" not in out and "other" not in out and "'accept': '*/*'" in out
