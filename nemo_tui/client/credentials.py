"""The cached anonymous token: client id + token + expiry, one slot per backend.

The file is `user_config_dir("nemo-tui")/credentials.json`, mode 0600 in a 0700 folder. It is written
to a temporary file created with 0600 from its first byte, then renamed over the old one, so there is
never a moment where the token sits in a world-readable file or a half-written one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

from pydantic import BaseModel, SecretStr, ValidationError

from ..dirs import user_config_dir

TOKEN_LIFETIME_S = 7 * 24 * 3600  # the seed: anonymous tokens are valid 7 days
# Treat a token this close to its expiry as expired, so a call never starts with a token that dies
# on the way.
EXPIRY_MARGIN_S = 60

log = logging.getLogger("nemo_tui.client")


def default_credentials_path() -> Path:
    return user_config_dir() / "credentials.json"


class StoredCredentials(BaseModel):
    """One slot. `token` is a SecretStr: it never shows in repr, str or logs."""

    client_id: str
    token: SecretStr | None = None
    expires_at: float | None = None
    user_id: str | None = None  # the account behind the token (`anon_…`): the 2001 bind link needs it

    def usable_token(self, now: float | None = None) -> SecretStr | None:
        if self.token is None or not self.token.get_secret_value():
            return None
        now = time.time() if now is None else now
        if self.expires_at is not None and self.expires_at - EXPIRY_MARGIN_S <= now:
            return None
        return self.token

    def to_json(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "token": self.token.get_secret_value() if self.token else None,
            "expires_at": self.expires_at,
            "user_id": self.user_id,
        }


def new_client_id() -> str:
    return str(uuid.uuid4())


class CredentialStore:
    """Reads and writes the credentials file. Blocking, tiny I/O: async callers use a thread."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_credentials_path()

    def __repr__(self) -> str:
        return f"CredentialStore(path={str(self.path)!r})"

    def _read_all(self) -> dict[str, dict[str, object]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # A corrupt or unreadable file costs a new anonymous token, never a crash.
            log.warning("ignoring unreadable credentials file %s (%s)", self.path, type(exc).__name__)
            return {}
        slots = raw.get("slots") if isinstance(raw, dict) else None
        return slots if isinstance(slots, dict) else {}

    def load(self, key: str) -> StoredCredentials | None:
        entry = self._read_all().get(key)
        if not isinstance(entry, dict):
            return None
        try:
            return StoredCredentials.model_validate(entry)
        except ValidationError:
            return None

    def save(self, key: str, creds: StoredCredentials) -> None:
        slots = self._read_all()
        slots[key] = creds.to_json()
        self._write({"version": 1, "slots": slots})

    def forget(self, key: str) -> None:
        slots = self._read_all()
        if slots.pop(key, None) is not None:
            self._write({"version": 1, "slots": slots})

    def _write(self, payload: dict[str, object]) -> None:
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by umask and ignored when it exists
        # mkstemp creates the file O_EXCL with mode 0600 before anything is written into it.
        fd, tmp = tempfile.mkstemp(prefix=".credentials-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
