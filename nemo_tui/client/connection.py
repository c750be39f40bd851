"""The connection under NemoClient: one httpx.AsyncClient, auth, sessions, and recovery.

Recovery lives in one place, `_send`, which every call and the stream opener go through:
a GET that failed in transport (connect error, timeout, dropped connection) or answered 502/503/504
is sent again after a short backoff, three tries at most (a GET is safe to repeat; a POST never is:
it may have started a paid generation);
1001/401 → new anonymous token, retry once (impossible with NEMO_TOKEN → TokenExpired);
1002/404-session → new session in the same language, retry once (session-bound calls only);
HTTP 400 missing client id → new client id, retry once; 429 → wait `retry_after_429_s` through the
injected `sleep`, retry once. Everything else becomes the typed error from `nemo_tui.protocol`.
The token lives in a SecretStr and is scrubbed from any server text before it can reach an error.

Headers: the attribution headers (`X-Skill-*`: source, version, platform — nothing that identifies
the person) go on every request, as the vendor requires. The token and `X-Client-Id` go to the API
host only (downloads from it included): a request to any other host — a render's CDN URL, or a
redirect to one — carries neither, since a file host needs no identity and the server's URLs could
point anywhere.

JSON replies are read with a cap on their decoded size (`max_json_bytes`, checked while inflating),
so a small gzip bomb costs at most that much memory.

The client id (X-Client-Id) is, in order: the `client_id` argument (NEMO_CLIENT_ID); for the cloud,
the id other NemoVideo tools keep in `~/.config/nemovideo/client_id` (read only, and only when it
holds a UUID); the one cached with our token; a new UUID.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
import zlib
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, SecretStr

from .. import __version__
from ..protocol import (
    APP_NAME,
    DEFAULT_WEB_BASE,
    USER_ID,
    AnonymousToken,
    CreateSessionRequest,
    InvalidInput,
    MissingClientId,
    NemoError,
    NetworkError,
    NoCredits,
    RateLimited,
    ServerError,
    SessionInfo,
    SessionNotFound,
    TokenExpired,
    attribution_headers,
    error_for,
    is_anonymous_user,
    read_answer,
    unwrap,
)
from .api import Sleep
from .credentials import TOKEN_LIFETIME_S, CredentialStore, StoredCredentials, new_client_id
from .language import DEFAULT_LANGUAGE, detect_language

log = logging.getLogger("nemo_tui.client")

TURN_CEILING_S = 15 * 60  # the seed: a turn takes at most 15 minutes
REDACTED = "[redacted]"
MAX_JSON_BYTES = 4 * 1024 * 1024  # the largest JSON reply read (decoded): real ones are kilobytes
GET_TRIES = 3  # a GET is sent at most this many times through transport errors and 502/503/504
RETRY_BACKOFF_S = 0.5  # first wait between GET tries; doubles each time
RETRYABLE_STATUS = frozenset({502, 503, 504})
# Where other NemoVideo tools keep their client id (CLOUD_FACTS.md); read, never written.
SHARED_CLIENT_ID_PATH = Path.home() / ".config" / "nemovideo" / "client_id"
_IDENTITY_HEADERS = ("authorization", "x-client-id")

# What `on_recovery` is told (the UI shows it as a notice).
MSG_SESSION_RENEWED = "Session expired — started a new one."
MSG_TOKEN_RENEWED = "Access token expired — got a new one."
MSG_RATE_LIMITED = "The service asked us to slow down — trying again in {s:.0f} s."
MSG_CLIENT_ID_RENEWED = "The service asked for a client id — made a new one."


M = TypeVar("M", bound=BaseModel)


def parse_answer(model: type[M], data: Any, what: str = "", *, required: bool = True) -> M:
    """`protocol.read_answer`: an answer as `model`, or a ServerError in words (never a pydantic
    traceback); a missing answer is an error unless `required` is False."""
    return read_answer(model, data, what, required=required)


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


class _TooLarge(Exception):
    pass


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, decoded, refusing more than `limit` bytes while it is inflated (a gzip bomb
    never gets to expand). gzip and deflate are inflated here; other codings by httpx, with the
    cap checked after each chunk."""
    coding = response.headers.get("content-encoding", "").strip().lower()
    out = bytearray()
    if coding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(47 if coding != "deflate" else zlib.MAX_WBITS)
        async for raw in response.aiter_raw():
            data = raw
            while data:
                try:
                    piece = inflater.decompress(data, limit + 1 - len(out))
                except zlib.error:
                    raise ServerError(
                        "the server sent a compressed reply that is corrupt", http_status=response.status_code
                    ) from None
                out += piece
                if len(out) > limit:
                    raise _TooLarge
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
        return bytes(out)
    async for chunk in response.aiter_bytes():
        out += chunk
        if len(out) > limit:
            raise _TooLarge
    return bytes(out)


@dataclass
class Call:
    """One HTTP request, rebuilt on every attempt so a retry sees the renewed session."""

    method: str
    url: str
    json_body: Any = None
    content: Callable[[], AsyncIterable[bytes]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout | None = None
    auth: bool = True
    session_bound: bool = False
    accept_status: frozenset[int] = frozenset()


class NemoConnection:
    """Transport, credentials and session bookkeeping; `NemoClient` adds the endpoints."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        credentials: CredentialStore | None = None,
        credentials_key: str | None = None,
        poll_interval: float | None = None,
        render_poll_start_s: float = 2.0,
        render_poll_factor: float = 1.5,
        render_poll_max_s: float = 15.0,
        render_stall_s: float = 300.0,
        render_max_failures: int = 5,
        sleep: Sleep = asyncio.sleep,
        retry_after_429_s: float = 30.0,
        platform: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 30.0,
        connect_timeout_s: float = 10.0,
        upload_timeout_s: float = 300.0,
        turn_ceiling_s: float = TURN_CEILING_S,
        language: str = DEFAULT_LANGUAGE,
        on_recovery: Callable[[str], None] | None = None,
        web_base: str = DEFAULT_WEB_BASE,
        client_id: str | None = None,
        shared_client_id_path: Path | None = SHARED_CLIENT_ID_PATH,
        get_tries: int = GET_TRIES,
        retry_backoff_s: float = RETRY_BACKOFF_S,
        max_json_bytes: int = MAX_JSON_BYTES,
    ) -> None:
        """
        base_url: the cloud (`https://mega-api-prod.nemovideo.ai`) or the engine's loopback URL.
        token: an explicit token (NEMO_TOKEN); None reads NEMO_TOKEN from the environment, ""
            uses an anonymous token whatever the environment says. When
            set it wins over the cache and is never renewed (a 1001 then raises TokenExpired).
        credentials / credentials_key: where the anonymous token, client id and expiry are
            cached and under which slot (default: base_url; the app uses "local" for the engine,
            whose port changes). None keeps them in memory only.
        poll_interval: one fixed render polling period that replaces the cadence below
            (NEMO_POLL_INTERVAL_S, or a fast one for the local engine); None uses the cadence.
        render_poll_start_s / render_poll_factor / render_poll_max_s: the vendor CLI's render
            polling cadence: 2 s, then x1.5 each poll, at most 15 s.
        render_stall_s: `wait_for_render` gives up (NetworkError) when a render shows no progress
            (neither its status nor its progress changed) for this long; the clock restarts with
            every change, so a long render that keeps moving is never cut off.
        render_max_failures: consecutive failed status reads (network errors, 5xx) after which
            `wait_for_render` gives up with a NetworkError; the same id is polled until then.
        sleep: the clock used for render polls, GET retries and the 429 wait
            (`retry_after_429_s`) — tests inject one that records instead of waiting.
        platform: X-Skill-Platform override (default: detected from the install path).
        transport: an httpx transport, for tests of wire shapes no real server sends.
        turn_ceiling_s: the most one /run_sse turn may take (the seed: 15 minutes).
        on_recovery: told in words when a session or token was renewed, or a 429 wait began.
        web_base: the web app (NEMO_WEB_URL) that claim and registration links point at.
        client_id: the X-Client-Id to use (NEMO_CLIENT_ID); wins over every other source.
        shared_client_id_path: where other NemoVideo tools keep their client id (read only, used
            for a non-loopback base URL when it holds a UUID); None never reads one.
        get_tries / retry_backoff_s: a GET is sent at most `get_tries` times through transport
            errors and 502/503/504, waiting `retry_backoff_s`, then twice that, between tries.
        max_json_bytes: the largest JSON reply accepted, decoded (a bigger one is a ServerError).
        """
        self.base_url = base_url.rstrip("/")
        # "" says "no token of the person's": anonymous, NEMO_TOKEN not read (the local engine
        # must never be sent, or be refused for, the cloud token in the environment).
        explicit = (token if token is not None else os.environ.get("NEMO_TOKEN")) or None
        self._explicit_token = explicit is not None
        self._token: SecretStr | None = SecretStr(explicit) if explicit else None
        self._token_expires_at: float | None = None
        self._client_id: str | None = None
        self._explicit_client_id = (client_id or "").strip() or None
        self._shared_client_id_path = shared_client_id_path
        self._store = credentials
        self._store_key = credentials_key or self.base_url
        self._store_loaded = False
        self.poll_interval = poll_interval
        self.render_poll_start_s = render_poll_start_s
        self.render_poll_factor = render_poll_factor
        self.render_poll_max_s = render_poll_max_s
        self.render_stall_s = render_stall_s
        self.render_max_failures = render_max_failures
        self._last_render_ms = 0  # the last `render_<ms>` id's milliseconds: ids never repeat
        self.get_tries = max(int(get_tries), 1)
        self.retry_backoff_s = retry_backoff_s
        self.max_json_bytes = max_json_bytes
        self._sleep = sleep
        self.retry_after_429_s = retry_after_429_s
        self._attribution = attribution_headers(__version__, platform)
        self.turn_ceiling_s = turn_ceiling_s
        self.language = language
        self.session: SessionInfo | None = None
        self.user_id: str | None = None  # `anon_…` for an anonymous account; see api.VideoBackend
        self.web_base = web_base.rstrip("/")
        self.on_recovery = on_recovery
        self._timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
        # The stream has no read timeout: tools run silently for minutes; the ceiling bounds it.
        self._stream_timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s, read=None)
        self._upload_timeout = httpx.Timeout(upload_timeout_s, connect=connect_timeout_s)
        self._auth_lock = asyncio.Lock()
        self._session_lock = asyncio.Lock()
        # Proxy settings from the environment must not capture loopback traffic to the engine.
        host = urlsplit(self.base_url).hostname or ""
        self._loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=self._timeout,
            follow_redirects=True,
            trust_env=not self._loopback,
            # Every hop, redirects included: nothing that identifies us leaves for another host.
            event_hooks={"request": [self._strip_identity_off_host]},
        )

    # -- plumbing -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        sid = self.session.session_id if self.session else None
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, session={sid!r}, "
            f"anonymous={self.is_anonymous})"
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_anonymous(self) -> bool:
        return not self._explicit_token

    @property
    def client_id(self) -> str | None:
        return self._client_id

    def _url(self, path_or_url: str) -> str:
        return urljoin(self.base_url + "/", path_or_url)

    def _same_origin(self, url: str) -> bool:
        return _origin(url) == _origin(self.base_url)

    def _session_id(self) -> str:
        if self.session is None:
            raise InvalidInput("No session yet: start one first.")
        return self.session.session_id

    def _notify(self, message: str) -> None:
        if self.on_recovery is not None:
            self.on_recovery(message)

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

    # -- the one place requests go through ------------------------------------------------------
    async def _send(self, build: Callable[[], Call], *, stream: bool = False) -> httpx.Response:
        """Send, map errors, recover once per kind. Returns the response (open when `stream`)."""
        response, _ = await self._exchange(build, stream=stream)
        return response

    async def _exchange(
        self, build: Callable[[], Call], *, stream: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """`_send`, also returning the body read (capped) when not `stream`."""
        recovered: set[type[NemoError]] = set()
        tries = 0  # sends that failed in transport or with 502/503/504 (GETs only repeat those)
        while True:
            call = build()
            if call.auth:
                await self.ensure_token()
            token_used, session_used = self._token, self.session
            repeatable = call.method == "GET" and tries + 1 < self.get_tries
            try:
                response = await self._send_once(call)
            except NetworkError:
                if not repeatable:
                    raise
                tries += 1
                await self._backoff(call, tries, "no answer")
                continue
            try:
                error, body = await self._error_in(response, call, stream)
            except BaseException:
                await response.aclose()
                raise
            if error is None:
                return response, body
            await response.aclose()
            if repeatable and (
                isinstance(error, NetworkError)
                or (isinstance(error, ServerError) and error.http_status in RETRYABLE_STATUS)
            ):
                tries += 1
                await self._backoff(call, tries, f"HTTP {error.http_status}")
                continue
            kind = type(error)
            if kind in recovered or not await self._recover(error, call, token_used, session_used):
                raise self._final(error)
            recovered.add(kind)

    async def _backoff(self, call: Call, tries: int, why: str) -> None:
        wait = self.retry_backoff_s * (2 ** (tries - 1))
        log.debug("%s %s: %s; trying again in %.1f s", call.method, urlsplit(call.url).path, why, wait)
        await self._sleep(wait)

    async def _send_once(self, call: Call) -> httpx.Response:
        """One request on the wire; transport failures as NetworkError (no URL, no token)."""
        request = self._http.build_request(
            call.method,
            call.url,
            json=call.json_body,
            content=call.content() if call.content is not None else None,
            headers=self._headers(call),
            timeout=call.timeout or self._timeout,
        )
        path = urlsplit(call.url).path
        started = time.monotonic()
        try:
            response = await self._http.send(request, stream=True)
        except httpx.TimeoutException:
            log.debug("%s %s -> timeout", call.method, path)
            raise NetworkError(f"{urlsplit(call.url).netloc} did not answer in time") from None
        except httpx.HTTPError as exc:
            log.debug("%s %s -> %s", call.method, path, type(exc).__name__)
            raise NetworkError(
                f"could not reach {urlsplit(call.url).netloc} ({type(exc).__name__})"
            ) from None
        log.debug(
            "%s %s -> %s (%.0f ms)",
            call.method,
            path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response

    async def _error_in(
        self, response: httpx.Response, call: Call, stream: bool
    ) -> tuple[NemoError | None, bytes | None]:
        status = response.status_code
        if status in call.accept_status:
            return None, None
        ctype = response.headers.get("content-type", "")
        if stream and status < 400 and "json" not in ctype:
            return None, None  # an event stream or a file: its body is the caller's
        try:
            body = await read_capped(response, self.max_json_bytes)
        except _TooLarge:
            return ServerError(
                f"its reply was larger than {self.max_json_bytes // (1024 * 1024)} MB, "
                "far more than any real answer; it was not read",
                http_status=status,
            ), None
        except httpx.HTTPError as exc:
            error = NetworkError(f"the connection dropped ({type(exc).__name__})", http_status=status)
            if call.method == "GET":
                return error, None
            raise error from None
        body = self._scrub(body)
        error = error_for(status, body)
        if error is None and stream and status < 400:
            kind = "an event stream" if call.url.endswith("/run_sse") else "a file"
            error = ServerError(f"expected {kind} but got JSON", http_status=status)
        return error, body

    async def _recover(
        self, error: NemoError, call: Call, token_used: SecretStr | None, session_used: SessionInfo | None
    ) -> bool:
        """Fix what the error says is wrong; False when it cannot be fixed here."""
        log.debug("%s %s answered %s", call.method, urlsplit(call.url).path, type(error).__name__)
        if isinstance(error, TokenExpired):
            if not call.auth or self._explicit_token:
                return False
            async with self._auth_lock:
                if self._token is token_used:  # nobody in this process renewed it meanwhile
                    self._token = None
                    # Another app instance sharing the cache may have renewed it already; asking
                    # the server again would hit "one token per client id" (429).
                    if not await self._adopt_cached_token(token_used):
                        await self._fetch_anonymous_token()
            self._notify(MSG_TOKEN_RENEWED)
            return True
        if isinstance(error, SessionNotFound):
            if not call.session_bound:
                return False
            async with self._session_lock:
                if self.session is session_used:
                    await self._new_session(self.language)
            self._notify(MSG_SESSION_RENEWED)
            return True
        if isinstance(error, MissingClientId):
            self._client_id = new_client_id()
            await self._save_credentials()
            self._notify(MSG_CLIENT_ID_RENEWED)
            return True
        if isinstance(error, RateLimited):
            self._notify(MSG_RATE_LIMITED.format(s=self.retry_after_429_s))
            await self._sleep(self.retry_after_429_s)
            return True
        return False

    def _final(self, error: NemoError) -> NemoError:
        if isinstance(error, NoCredits):
            # The server's own link or bind id wins; else <web base>/register?bind=<anon user id>.
            return NoCredits(
                error.detail,
                anonymous=self.is_anonymous or is_anonymous_user(self.user_id),
                bind_id=error.bind_id or self.user_id,
                register_url=error.server_register_url or f"{self.web_base}/register",
                agent_text=error.agent_link,
                http_status=error.http_status,
            )
        if isinstance(error, TokenExpired) and self._explicit_token:
            return TokenExpired(
                "NEMO_TOKEN was refused: set a fresh one, or unset it to use a free anonymous token",
                http_status=error.http_status,
            )
        return error

    async def _request(self, build: Callable[[], Call]) -> Any:
        """The call's answer (`protocol.unwrap`: `data` of either envelope, or the bare body;
        strings cleaned of terminal escapes)."""
        response, body = await self._exchange(build, stream=False)
        return unwrap(response.status_code, body or b"")

    # -- auth and sessions -----------------------------------------------------------------------
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
        token = stored.usable_token() if stored is not None else None
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
        data = await self._request(lambda: Call("POST", self._url("/api/auth/anonymous-token"), auth=False))
        if not isinstance(data, dict) or not data.get("token"):
            raise ServerError("the token answer had no token in it")
        issued = parse_answer(AnonymousToken, data, "token")
        self.user_id = issued.user_id or self.user_id
        expires = issued.expires_at  # epoch seconds, from ISO text, seconds or milliseconds
        self._token = SecretStr(issued.token)
        self._token_expires_at = expires if expires is not None else time.time() + TOKEN_LIFETIME_S
        await self._save_credentials()

    async def create_session(
        self, first_message: str | None = None, language: str | None = None
    ) -> SessionInfo:
        if language is None:
            # langdetect's first call loads its profiles (~175 ms): keep it off the event loop.
            language = (
                await asyncio.to_thread(detect_language, first_message, self.language)
                if first_message
                else self.language
            )
        return await self._new_session(language)

    async def _new_session(self, language: str) -> SessionInfo:
        self.language = language
        body = CreateSessionRequest(language=language).model_dump()
        data = await self._request(
            lambda: Call("POST", self._url(f"/api/tasks/{USER_ID}/with-session/{APP_NAME}"), json_body=body)
        )
        info = parse_answer(SessionInfo, data, "session")
        self.session = info
        self.user_id = info.user_id or self.user_id
        return info

    def use_session(self, session_id: str, task_id: str | None = None) -> None:
        self.session = SessionInfo(session_id=session_id, task_id=task_id)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port
