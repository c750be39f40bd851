"""The connection under NemoClient: one httpx.AsyncClient, sessions, and recovery (who the client
is — token, client id, identity headers — is auth.py's `ClientIdentity`).

Recovery lives in one place, `_send`, which every call and the stream opener go through:
a GET that failed in transport (connect error, timeout, dropped connection) or answered 502/503/504
is sent again after a short backoff, three tries at most (a GET is safe to repeat; a POST never is:
it may have started a paid generation);
1001/401 → new anonymous token, retry once (impossible with NEMO_TOKEN → TokenExpired);
1002/404-session → new session in the same language, retry once (session-bound calls only);
HTTP 400 missing client id → new client id, retry once; 429 → wait `retry_after_429_s` through the
injected `sleep`, retry once. Everything else becomes the typed error from `nemo_tui.protocol`.

Headers: the attribution headers (`X-Skill-*`: source, version, platform — nothing that identifies
the person) go on every request, as the vendor requires. The token and `X-Client-Id` go to the API
host only (downloads from it included): a request to any other host — a render's CDN URL, or a
redirect to one — carries neither, since a file host needs no identity and the server's URLs could
point anywhere.

JSON replies are read with a cap on their decoded size (`max_json_bytes`, checked while inflating),
so a small gzip bomb costs at most that much memory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import SecretStr

from ..loopback import is_loopback_host
from ..protocol import (
    DEFAULT_WEB_BASE,
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
    error_for,
    is_anonymous_user,
    paths,
    read_answer,
    unwrap,
)
from .api import Sleep
from .auth import SHARED_CLIENT_ID_PATH, ClientIdentity
from .credentials import CredentialStore
from .http import MAX_JSON_BYTES, Call, ReplyTooLarge, read_capped
from .language import DEFAULT_LANGUAGE, detect_language

log = logging.getLogger("nemo_tui.client")

TURN_CEILING_S = 15 * 60  # the seed: a turn takes at most 15 minutes
GET_TRIES = 3  # a GET is sent at most this many times through transport errors and 502/503/504
RETRY_BACKOFF_S = 0.5  # first wait between GET tries; doubles each time
RETRYABLE_STATUS = frozenset({502, 503, 504})

# What `on_recovery` is told (the UI shows it as a notice).
MSG_SESSION_RENEWED = "Session expired — started a new one."
MSG_TOKEN_RENEWED = "Access token expired — got a new one."
MSG_RATE_LIMITED = "The service asked us to slow down — trying again in {s:.0f} s."
MSG_CLIENT_ID_RENEWED = "The service asked for a client id — made a new one."


class NemoConnection(ClientIdentity):
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
        token, credentials, credentials_key, client_id, shared_client_id_path, platform: who the
            client is (auth.ClientIdentity._init_identity).
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
        transport: an httpx transport, for tests of wire shapes no real server sends.
        turn_ceiling_s: the most one /run_sse turn may take (the seed: 15 minutes).
        on_recovery: told in words when a session or token was renewed, or a 429 wait began.
        web_base: the web app (NEMO_WEB_URL) that claim and registration links point at.
        get_tries / retry_backoff_s: a GET is sent at most `get_tries` times through transport
            errors and 502/503/504, waiting `retry_backoff_s`, then twice that, between tries.
        max_json_bytes: the largest JSON reply accepted, decoded (a bigger one is a ServerError).
        """
        self.base_url = base_url.rstrip("/")
        self._init_identity(
            token=token,
            client_id=client_id,
            credentials=credentials,
            credentials_key=credentials_key or self.base_url,
            shared_client_id_path=shared_client_id_path,
            platform=platform,
        )
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
        self._session_lock = asyncio.Lock()
        # Proxy settings from the environment must not capture loopback traffic to the engine.
        host = urlsplit(self.base_url).hostname or ""
        self._loopback = is_loopback_host(host)
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

    def _url(self, path_or_url: str) -> str:
        return urljoin(self.base_url + "/", path_or_url)

    def _session_id(self) -> str:
        if self.session is None:
            raise InvalidInput("No session yet: start one first.")
        return self.session.session_id

    def _notify(self, message: str) -> None:
        if self.on_recovery is not None:
            self.on_recovery(message)

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
        except ReplyTooLarge:
            return ServerError(
                f"its reply was larger than {self.max_json_bytes // (1024 * 1024)} MB, "
                "far more than any real answer; it was not read",
                http_status=status,
            ), None
        except httpx.HTTPError as exc:
            dropped = NetworkError(f"the connection dropped ({type(exc).__name__})", http_status=status)
            if call.method == "GET":
                return dropped, None
            raise dropped from None
        body = self._scrub(body)
        error = error_for(status, body)
        if error is None and stream and status < 400:
            kind = "an event stream" if call.url.endswith(paths.RUN_SSE) else "a file"
            error = ServerError(f"expected {kind} but got JSON", http_status=status)
        return error, body

    async def _recover(
        self, error: NemoError, call: Call, token_used: SecretStr | None, session_used: SessionInfo | None
    ) -> bool:
        """Fix what the error says is wrong; False when it cannot be fixed here."""
        log.debug("%s %s answered %s", call.method, urlsplit(call.url).path, type(error).__name__)
        if isinstance(error, TokenExpired):
            if not call.auth or not await self._renew_token(token_used):
                return False
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
            await self._renew_client_id()
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
        data = await self._request(lambda: Call("POST", self._url(paths.CREATE_SESSION), json_body=body))
        info = read_answer(SessionInfo, data, "session")
        self.session = info
        self.user_id = info.user_id or self.user_id
        return info

    def use_session(self, session_id: str, task_id: str | None = None) -> None:
        self.session = SessionInfo(session_id=session_id, task_id=task_id)
