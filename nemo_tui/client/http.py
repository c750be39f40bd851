"""One HTTP exchange's parts, below retries and recovery (connection.py): the request as data
(`Call`), a body reader with a cap on its decoded size, and the origin test that keeps identity
headers on the API host."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..protocol import ServerError

MAX_JSON_BYTES = 4 * 1024 * 1024  # the largest JSON reply read (decoded): real ones are kilobytes


class ReplyTooLarge(Exception):
    """A reply's body passed the cap while it was read (never read whole)."""


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
                    raise ReplyTooLarge
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
        return bytes(out)
    async for chunk in response.aiter_bytes():
        out += chunk
        if len(out) > limit:
            raise ReplyTooLarge
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


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port
