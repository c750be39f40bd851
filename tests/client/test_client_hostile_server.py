"""A small hostile server on 127.0.0.1 against the real client (issue 9, items 10, 12, 13).

Raw sockets, so the bytes (gzip bombs, escape sequences) are exactly what an attacker would send.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib

import pytest
from client_helpers import SECRET

from nemo_tui.client.nemo import NemoClient
from nemo_tui.protocol import NemoError, NoCredits, RateLimited, ServerError

ESCAPES = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;owned\x07\x9b31m"


def http(status: str, body: bytes, **headers: str) -> bytes:
    head = {"content-type": "application/json", "content-length": str(len(body)), **headers}
    lines = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in head.items())
    return f"HTTP/1.1 {status}\r\n{lines}connection: close\r\n\r\n".encode() + body


def bomb(decoded_mb: int) -> bytes:
    """A gzip of `{"code":0,"data":{"available":1,"pad":"000…"}}` that inflates to `decoded_mb` MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [compressor.compress(b'{"code":0,"data":{"available":1,"pad":"')]
    block = b"0" * (1024 * 1024)
    for _ in range(decoded_mb):
        out.append(compressor.compress(block))
    out.append(compressor.compress(b'"}}'))
    out.append(compressor.flush())
    return b"".join(out)


async def test_a_gzip_bomb_is_refused_without_inflating_it(raw_server):
    body = bomb(300)
    assert len(body) < 400 * 1024  # ~300 KB on the wire
    payload = http("200 OK", body, content_encoding="gzip")
    async with raw_server(payload) as server:
        async with NemoClient(server.url, token=SECRET, get_tries=1) as client:
            tracemalloc.start()
            try:
                with pytest.raises(ServerError) as info:
                    await client.credits()
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert "larger than 4 MB" in str(info.value)
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


async def test_a_plain_huge_reply_is_refused_too(raw_server):
    body = b'{"code":0,"data":{"available":1,"pad":"' + b"0" * (6 * 1024 * 1024) + b'"}}'
    async with raw_server(http("200 OK", body)) as server:
        async with NemoClient(server.url, token=SECRET, get_tries=1) as client:
            with pytest.raises(ServerError, match="larger than 4 MB"):
                await client.credits()


async def test_a_small_gzip_reply_still_reads(raw_server):
    body = gzip.compress(json.dumps({"code": 0, "data": {"available": 42}}).encode())
    async with raw_server(http("200 OK", body, content_encoding="gzip")) as server:
        async with NemoClient(server.url, token=SECRET) as client:
            assert (await client.credits()).available == 42


async def test_a_corrupt_gzip_reply_is_a_clear_error(raw_server):
    async with raw_server(
        http("200 OK", b"\x1f\x8b\x08\x00garbage-not-deflate", content_encoding="gzip")
    ) as server:
        async with NemoClient(server.url, token=SECRET, get_tries=1) as client:
            with pytest.raises(ServerError, match="corrupt"):
                await client.credits()


def printed(error: NemoError) -> list[str]:
    """Everything a layer might print of an error."""
    texts = [str(error), repr(error), error.user_message("en"), error.user_message("zh"), error.detail]
    if isinstance(error, NoCredits):
        texts += [error.registration_link or "", error.bind_id or "", error.register_url]
    return texts


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        ("500 Internal Server Error", {"code": 5000, "message": f"oops{ESCAPES}"}, ServerError),
        ("200 OK", {"code": 7777, "msg": f"odd{ESCAPES}"}, ServerError),
        ("200 OK", {"success": False, "error": f"nope{ESCAPES}"}, ServerError),
        (
            "200 OK",
            {
                "code": 2001,
                "message": f"no credits{ESCAPES}",
                "data": {
                    "register_url": f"https://evil.test/register{ESCAPES}",
                    "bind_id": f"anon_x{ESCAPES}",
                },
            },
            NoCredits,
        ),
    ],
)
async def test_escape_sequences_in_server_errors_never_reach_the_terminal(raw_server, status, body, kind):
    async with raw_server(http(status, json.dumps(body).encode())) as server:
        async with NemoClient(server.url, token=SECRET, get_tries=1) as client:
            with pytest.raises(kind) as info:
                await client.credits()
    for text in printed(info.value):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, text


async def test_a_refused_token_request_with_escapes_is_cleaned(raw_server):
    refusal = http(
        "429 Too Many Requests", json.dumps({"code": 429, "message": f"slow{ESCAPES} down"}).encode()
    )
    waits: list[float] = []

    async def clock(seconds: float) -> None:
        waits.append(seconds)

    async with raw_server(refusal) as server:
        async with NemoClient(server.url, token="", sleep=clock, shared_client_id_path=None) as client:
            with pytest.raises(RateLimited) as info:
                await client.credits()
    assert waits == [30.0]
    for text in printed(info.value):
        assert "\x1b" not in text and "\x07" not in text
    assert "slow down" in str(info.value)


async def test_code_zero_without_data_is_not_zero_credits(raw_server):
    async with raw_server(http("200 OK", b'{"code":0,"message":"ok"}')) as server:
        async with NemoClient(server.url, token=SECRET) as client:
            with pytest.raises(ServerError) as info:
                await client.credits()
    assert "credits answer had no data" in str(info.value)


async def test_a_compressed_event_stream_that_never_ends_an_event_is_cut_at_32_mb(raw_server):
    from nemo_tui.protocol import StreamError

    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(b'data: {"content": {"parts": [{"text": "')]
    parts += [compressor.compress(b"x" * (1024 * 1024)) for _ in range(80)]
    parts.append(compressor.flush())
    body = b"".join(parts)
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
    )
    async with raw_server(head + body) as server:
        async with NemoClient(server.url, token=SECRET) as client:
            client.use_session("s-1")
            with pytest.raises(StreamError, match="larger than 32 MB"):
                [e async for e in client.send_message("hi")]
