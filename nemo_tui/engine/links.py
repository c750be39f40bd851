"""Download links that expire: `?exp=<unix time>&sig=<HMAC>` on every media and render file URL.

The file routes take no token (a link works in curl or a browser, like the cloud's signed storage
URLs), so a link must not work for ever: it carries its expiry and an HMAC of (what it opens, expiry)
under a key kept in the data dir (mode 0600), so links survive an engine restart and can't be forged
or extended. Expiries are rounded to the hour, so the same file keeps the same URL within an hour.
A link is valid for at least `LINK_TTL_S` after it was handed out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

LINK_TTL_S = 24 * 3600
_ROUND_S = 3600


class Links:
    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> Links:
        path = Path(data_dir) / "link.key"
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = b""
        if len(key) < 32:
            key = secrets.token_bytes(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(key)
        return cls(key)

    def _sig(self, what: str, exp: int) -> str:
        return hmac.new(self._key, f"{what}\n{exp}".encode(), hashlib.sha256).hexdigest()[:32]

    def query(self, what: str, now: float | None = None) -> str:
        """`exp=…&sig=…` for the file named `what` (a media id, or `renders/<key>/<name>`)."""
        now = time.time() if now is None else now
        exp = int(math.ceil((now + LINK_TTL_S) / _ROUND_S) * _ROUND_S)
        return urlencode({"exp": exp, "sig": self._sig(what, exp)})

    def valid(self, what: str, exp: str | None, sig: str | None, now: float | None = None) -> bool:
        if not exp or not sig or not exp.isdigit() or len(exp) > 12:
            return False
        now = time.time() if now is None else now
        if int(exp) < now:
            return False
        return hmac.compare_digest(self._sig(what, int(exp)), sig)
