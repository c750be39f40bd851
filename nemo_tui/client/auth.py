"""Who the client is to the API: the token (NEMO_TOKEN, or an anonymous one cached per backend),
the client id, and the headers that carry them — only to the API host.

The client id (X-Client-Id) is, in order: the `client_id` argument (NEMO_CLIENT_ID); for the cloud,
the id other NemoVideo tools keep in `~/.config/nemovideo/client_id` (read only, and only when it
holds a UUID); the one cached with our token; a new UUID. The token lives in a SecretStr and is
scrubbed from any server text before it can reach an error.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from .. import __version__, env_vars
from ..protocol import AnonymousToken, ServerError, attribution_headers, paths, read_answer
from .credentials import TOKEN_LIFETIME_S, CredentialStore, StoredCredentials, new_client_id
from .http import Call, origin

REDACTED = "[redacted]"
# Where other NemoVideo tools keep their client id (CLOUD_FACTS.md); read, never written.
SHARED_CLIENT_ID_PATH = Path.home() / ".config" / "nemovideo" / "client_id"
_IDENTITY_HEADERS = ("authorization", "x-client-id")


def read_shared_client_id(path: Path) -> str | None:
    """The client id other NemoVideo tools saved at `path`, when it is a UUID; else None."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(200)
    except OSError:
        return None
    try:
        return str(uuid.UUID(raw.decode("ascii").strip()))
    except (UnicodeDecodeError, ValueError):
        return None


class ClientIdentity:
    """The token and client id half of `NemoConnection` (which sends the requests: `_request`)."""

    base_url: str
    user_id: str | None
    _loopback: bool

    def _init_identity(
        self,
        *,
        token: str | None,
        client_id: str | None,
        credentials: CredentialStore | None,
        credentials_key: str,
        shared_client_id_path: Path | None,
        platform: str | None,
    ) -> None:
        """
        token: an explicit token (NEMO_TOKEN); None reads NEMO_TOKEN from the environment, ""
            uses an anonymous token whatever the environment says. When
            set it wins over the cache and is never renewed (a 1001 then raises TokenExpired).
        client_id: the X-Client-Id to use (NEMO_CLIENT_ID); wins over every other source.
        credentials / credentials_key: where the anonymous token, client id and expiry are
            cached and under which slot (default: base_url; the app uses "local" for the engine,
            whose port changes). None keeps them in memory only.
        shared_client_id_path: where other NemoVideo tools keep their client id (read only, used
            for a non-loopback base URL when it holds a UUID); None never reads one.
        platform: X-Skill-Platform override (default: detected from the install path).
        """
        # "" says "no token of the person's": anonymous, NEMO_TOKEN not read (the local engine
        # must never be sent, or be refused for, the cloud token in the environment).
        explicit = (token if token is not None else os.environ.get(env_vars.TOKEN)) or None
        self._explicit_token = explicit is not None
        self._token: SecretStr | None = SecretStr(explicit) if explicit else None
        self._token_expires_at: float | None = None
        self._client_id: str | None = None
        self._explicit_client_id = (client_id or "").strip() or None
        self._shared_client_id_path = shared_client_id_path
        self._store = credentials
        self._store_key = credentials_key
        self._store_loaded = False
        self._attribution = attribution_headers(__version__, platform)
        self._auth_lock = asyncio.Lock()

    async def _request(self, build: Callable[[], Call]) -> Any:
        """Sends a call through the retry and recovery loop: NemoConnection's."""
        raise NotImplementedError

    def _url(self, path_or_url: str) -> str:
        """An API path as a URL on the base: NemoConnection's."""
        raise NotImplementedError

    @property
    def is_anonymous(self) -> bool:
        return not self._explicit_token

    @property
    def client_id(self) -> str | None:
        return self._client_id

    def _same_origin(self, url: str) -> bool:
        return origin(url) == origin(self.base_url)

    def _scrub(self, body: bytes) -> bytes:
        """Remove our token from server text before it can end up in an error message."""
        if self._token is not None:
            secret = self._token.get_secret_value().encode()
            if secret and secret in body:
                body = body.replace(secret, REDACTED.encode())
        return body

    def _scrub_text(self, text: str) -> str:
        """`_scrub` for text already decoded (an agent's error event)."""
        if self._token is not None:
            secret = self._token.get_secret_value()
            if secret and secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def _headers(self, call: Call) -> dict[str, str]:
        headers = dict(self._attribution)
        if not self._same_origin(call.url):
            headers.update(call.headers)
            return headers  # a CDN or other host: attribution only, never the token or client id
        if self._client_id:
            headers["X-Client-Id"] = self._client_id
        if call.auth and self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        headers.update(call.headers)
        return headers

    async def _strip_identity_off_host(self, request: httpx.Request) -> None:
        if not self._same_origin(str(request.url)):
            for name in _IDENTITY_HEADERS:
                request.headers.pop(name, None)

    async def _load_credentials(self) -> None:
        if self._store_loaded:
            return
        self._store_loaded = True
        stored = await asyncio.to_thread(self._store.load, self._store_key) if self._store else None
        if self._client_id is None:
            self._client_id = self._explicit_client_id
        if self._client_id is None and not self._loopback and self._shared_client_id_path is not None:
            self._client_id = await asyncio.to_thread(read_shared_client_id, self._shared_client_id_path)
        if stored is not None:
            self._client_id = self._client_id or stored.client_id
            if not self._explicit_token and self._token is None:
                token = stored.usable_token()
                if token is not None:
                    self._token, self._token_expires_at = token, stored.expires_at
                    self.user_id = self.user_id or stored.user_id
        if self._client_id is None:
            self._client_id = new_client_id()

    async def _adopt_cached_token(self, stale: SecretStr | None) -> bool:
        if self._store is None:
            return False
        stored = await asyncio.to_thread(self._store.load, self._store_key)
        if stored is None:
            return False
        token = stored.usable_token()
        if token is None or (stale is not None and token.get_secret_value() == stale.get_secret_value()):
            return False
        self._token, self._token_expires_at = token, stored.expires_at
        self.user_id = stored.user_id or self.user_id
        return True

    async def _save_credentials(self) -> None:
        if self._store is None or self._client_id is None:
            return
        creds = StoredCredentials(
            client_id=self._client_id,
            token=None if self._explicit_token else self._token,
            expires_at=None if self._explicit_token else self._token_expires_at,
            user_id=None if self._explicit_token else self.user_id,
        )
        await asyncio.to_thread(self._store.save, self._store_key, creds)

    def _token_valid(self) -> bool:
        if self._token is None:
            return False
        if self._explicit_token or self._token_expires_at is None:
            return True
        return self._token_expires_at - 60 > time.time()

    async def ensure_token(self) -> None:
        await self._load_credentials()
        if self._token_valid():
            return
        async with self._auth_lock:
            if not self._token_valid():
                await self._fetch_anonymous_token()

    async def _fetch_anonymous_token(self) -> None:
        """POST /api/auth/anonymous-token with our X-Client-Id; cache the answer. Holds _auth_lock."""
        data = await self._request(lambda: Call("POST", self._url(paths.ANONYMOUS_TOKEN), auth=False))
        if not isinstance(data, dict) or not data.get("token"):
            raise ServerError("the token answer had no token in it")
        issued = read_answer(AnonymousToken, data, "token")
        self.user_id = issued.user_id or self.user_id
        expires = issued.expires_at  # epoch seconds, from ISO text, seconds or milliseconds
        self._token = SecretStr(issued.token)
        self._token_expires_at = expires if expires is not None else time.time() + TOKEN_LIFETIME_S
        await self._save_credentials()

    async def _renew_token(self, token_used: SecretStr | None) -> bool:
        """After a 1001: a new anonymous token (False with NEMO_TOKEN: it is never replaced)."""
        if self._explicit_token:
            return False
        async with self._auth_lock:
            if self._token is token_used:  # nobody in this process renewed it meanwhile
                self._token = None
                # Another app instance sharing the cache may have renewed it already; asking
                # the server again would hit "one token per client id" (429).
                if not await self._adopt_cached_token(token_used):
                    await self._fetch_anonymous_token()
        return True

    async def _renew_client_id(self) -> None:
        """After the service asked for a client id: a new one, cached."""
        self._client_id = new_client_id()
        await self._save_credentials()
