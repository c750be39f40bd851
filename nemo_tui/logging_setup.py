"""`--debug` logging: to a file in the user log dir (never the terminal the TUI draws on), redacted."""

from __future__ import annotations

import logging
import re
from pathlib import Path

_BEARER = re.compile(r"(?i)(bearer\s+|authorization['\"]?\s*[:=]\s*['\"]?(?:bearer\s+)?)[^\s'\",}]+")
_TOKEN_FIELD = re.compile(r"(?i)(['\"]?token['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+")
# The local engine's owner secret header (engine/owner.py), should a header ever be logged.
_OWNER_SECRET = re.compile(r"(?i)(x-nemo-engine-secret['\"]?\s*[:=,]\s*['\"]?)[^\s'\",})]+")


def redact(text: str) -> str:
    """Hide bearer tokens and `token` fields, whatever shape the log line has."""
    return _OWNER_SECRET.sub(
        r"\1[redacted]", _TOKEN_FIELD.sub(r"\1[redacted]", _BEARER.sub(r"\1[redacted]", text))
    )


class RedactingFilter(logging.Filter):
    _format = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        # Tracebacks carry exception texts and locals' reprs: format them here, redacted, so the
        # handler's formatter never renders the raw ones.
        if record.exc_info:
            record.exc_text = redact(self._format.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def enable_debug_logging(path: Path | None = None) -> Path:
    if path is None:
        from .dirs import user_log_dir

        path = user_log_dir() / "debug.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger("nemo_tui")
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    # httpx logs request lines at INFO; its headers never reach the log, but keep it redacted too.
    for name in ("httpx", "httpcore"):
        other = logging.getLogger(name)
        other.setLevel(logging.INFO)
        other.addHandler(handler)
    return path
