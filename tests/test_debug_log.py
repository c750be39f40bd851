"""`--debug` logs go to a file with bearer tokens and token fields redacted, tracebacks included."""

import logging

import pytest

from nemo_tui.logging_setup import enable_debug_logging, redact
from tests.leaks import assert_hidden

SECRET = "tok_3f9c2a7e51b04d8e"


def test_redact_hides_bearer_and_token_fields():
    assert_hidden(
        SECRET,
        redact(f"Authorization: Bearer {SECRET}"),
        redact(f'{{"token": "{SECRET}", "code": 0}}'),
        redact(f"headers={{'authorization': 'Bearer {SECRET}'}}"),
    )
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
    assert_hidden(SECRET, text)
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
    assert_hidden("k3y_SECRET-value", out)
    assert "other" not in out and "'accept': '*/*'" in out


def test_the_leak_check_fails_a_secret_with_one_character_hidden_or_cut_with_one_character_hidden_still_fails() -> (
    None
):
    secret = "tok-SECRET-3f9c1e7a"
    assert_hidden(secret, "Bearer [redacted]", "tok-")
    for leaked in (secret, "tok-SECRET-3f9c1e7*", secret[:9], "…" + secret[-8:]):
        with pytest.raises(AssertionError):
            assert_hidden(secret, leaked)
