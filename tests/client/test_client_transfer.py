"""Upload checks before sending, download names, and a download that drops mid-way.

The drop needs a socket that dies after half the body, which the local engine never does: a raw
server on 127.0.0.1 serves it. Everything the engine can serve is tested in test_client_engine.py.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import httpx
import pytest
from client_helpers import SECRET

from nemo_tui.client.nemo import NemoClient
from nemo_tui.client.transfer import checked_upload, download_target, safe_download_name
from nemo_tui.protocol import MAX_UPLOAD_BYTES, FileTooLarge, InvalidInput, NetworkError, UnsupportedFile
from tests.leaks import assert_hidden


def test_a_typo_in_the_path_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        checked_upload(tmp_path / "holiday.mpp4")
    assert str(tmp_path / "holiday.mpp4") in info.value.user_message()
    assert "no file" in info.value.user_message().lower()


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="folder"):
        checked_upload(tmp_path)


def test_an_unsupported_extension_lists_the_formats(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hi")
    with pytest.raises(UnsupportedFile) as info:
        checked_upload(notes)
    assert "mp4" in info.value.user_message() and "notes.txt" in str(info.value)


def test_over_200_mb_is_refused_before_sending(tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    with open(big, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no 200 MB written to disk
    with pytest.raises(FileTooLarge) as info:
        checked_upload(big)
    assert "compress" in info.value.user_message().lower()


def test_exactly_200_mb_and_upper_case_extensions_pass(tmp_path: Path) -> None:
    edge = tmp_path / "EDGE.MP4"
    with open(edge, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES)
    assert checked_upload(edge) == (edge, MAX_UPLOAD_BYTES)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://h/files/render_1.mp4", "render_1.mp4"),
        ("http://h/files/..%2F..%2Fetc%2Fpasswd", "_.._etc_passwd"),
        ("http://h/files/%2e%2e", "nemo-export.mp4"),
        ("http://h/", "nemo-export.mp4"),
        ("http://h/a/.bashrc", "bashrc.mp4"),
        ("http://h/a/x%00y.mp4?sig=1", "x_y.mp4"),
    ],
)
def test_server_names_cannot_leave_the_folder(tmp_path: Path, url: str, name: str) -> None:
    assert safe_download_name(url) == name
    target = download_target(url, tmp_path)
    assert target.parent == tmp_path


def test_a_file_destination_is_used_as_given(tmp_path: Path) -> None:
    assert download_target("http://h/x.mp4", tmp_path / "mine.mp4") == tmp_path / "mine.mp4"


def _response(status: str, headers: dict[str, str], body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"connection: close\r\n\r\n" + body


async def test_a_drop_mid_download_resumes_once_from_the_bytes_on_disk(raw_server, tmp_path: Path):
    data = os.urandom(300_000)
    half = 120_000
    first = _response("200 OK", {"content-length": str(len(data))}, data[:half])  # then the drop
    second = _response(
        "206 Partial Content",
        {
            "content-length": str(len(data) - half),
            "content-range": f"bytes {half}-{len(data) - 1}/{len(data)}",
        },
        data[half:],
    )
    seen: list[tuple[int, int | None]] = []
    async with raw_server([first, second]) as server:
        async with NemoClient(server.url, token=SECRET) as client:
            out = await client.download("/media/out.mp4", tmp_path, lambda d, t: seen.append((d, t)))
        assert f"range: bytes={half}-" in server.heads[1].lower()
        # The token goes to the API's own host only, and this is it.
        assert "authorization: bearer <secret>" in server.heads[0].lower()
    assert out == tmp_path / "out.mp4"
    assert out.read_bytes() == data
    assert not (tmp_path / "out.mp4.part").exists()
    assert seen[-1] == (len(data), len(data))
    assert all(b[0] >= a[0] for a, b in itertools.pairwise(seen))  # progress never goes back


async def test_two_drops_keep_the_part_file_and_say_so(raw_server, tmp_path: Path):
    data = os.urandom(50_000)
    cut = _response("200 OK", {"content-length": str(len(data))}, data[:10_000])
    cut_again = _response(
        "206 Partial Content",
        {
            "content-length": str(len(data) - 10_000),
            "content-range": f"bytes 10000-{len(data) - 1}/{len(data)}",
        },
        data[10_000:20_000],
    )
    async with raw_server([cut, cut_again]) as server:
        async with NemoClient(server.url, token=SECRET) as client:
            with pytest.raises(NetworkError) as info:
                await client.download(f"{server.url}/r.mp4", tmp_path / "r.mp4")
    part = tmp_path / "r.mp4.part"
    assert part.read_bytes() == data[:20_000]
    assert "resumes" in str(info.value)
    assert_hidden(SECRET, info.value, repr(info.value))
    assert not (tmp_path / "r.mp4").exists()


async def test_no_token_is_sent_to_another_host(raw_server, tmp_path: Path):
    payload = _response("200 OK", {"content-length": "3"}, b"abc")
    async with raw_server(payload) as server:
        # The API is elsewhere; the file is on this server (like a cloud storage link).
        async with NemoClient("http://127.0.0.1:9", token=SECRET) as client:
            await client.download(f"{server.url}/f.mp4", tmp_path / "f.mp4")
        assert "authorization" not in server.heads[0].lower()
        assert "x-skill-source: sora-video-generation" in server.heads[0].lower()
    assert (tmp_path / "f.mp4").read_bytes() == b"abc"


def test_a_folder_that_does_not_exist_yet_is_a_folder(tmp_path: Path) -> None:
    assert download_target("http://h/r_1.mp4", tmp_path / "exports") == tmp_path / "exports" / "r_1.mp4"
    assert download_target("http://h/r_1.mp4", tmp_path / "clip.mp4") == tmp_path / "clip.mp4"


def test_an_unreadable_file_is_refused_before_sending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The client used to find this out only when opening the file mid-request (a raw OSError).
    # Permissions can't be taken away from root (CI runs as root), so the access check is forced.
    locked = tmp_path / "locked.mp4"
    locked.write_bytes(b"x")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(InvalidInput) as info:
        checked_upload(locked)
    assert info.value.user_message() == f"Can't read {locked}: permission denied."


def test_a_relative_path_is_taken_from_the_given_folder(tmp_path: Path) -> None:
    (tmp_path / "clip.mov").write_bytes(b"x" * 3)
    assert checked_upload("clip.mov", cwd=tmp_path) == (tmp_path / "clip.mov", 3)
    with pytest.raises(InvalidInput, match="No file was given"):
        checked_upload("   ", cwd=tmp_path)


MP4 = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 4


def short_206_server(sizes: list[int], seen: list[str | None]) -> httpx.MockTransport:
    """Answers every GET with a 206 that promises the rest of MP4 (Content-Range to its end) but sends
    only the next `sizes` bytes: a well-framed, short body, which httpx reads as complete."""

    def handler(request: httpx.Request) -> httpx.Response:
        asked = request.headers.get("range")
        seen.append(asked)
        start = int(asked.removeprefix("bytes=").rstrip("-")) if asked else 0
        body = MP4[start : start + sizes[min(len(seen), len(sizes)) - 1]]
        return httpx.Response(
            206,
            content=body,
            headers={
                "content-type": "video/mp4",
                "content-range": f"bytes {start}-{len(MP4) - 1}/{len(MP4)}",
            },
        )

    return httpx.MockTransport(handler)


async def test_a_short_206_is_not_saved_as_complete_and_the_resume_finishes_it(tmp_path: Path) -> None:
    seen: list[str | None] = []
    transport = short_206_server([400, len(MP4)], seen)
    async with NemoClient("http://cdn.test", token=SECRET, transport=transport) as client:
        path = await client.download("/files/renders/k/clip.mp4", tmp_path)
    assert path == tmp_path / "clip.mp4" and path.read_bytes() == MP4
    assert seen == [None, "bytes=400-"]  # the short answer was resumed where it stopped
    assert not (tmp_path / "clip.mp4.part").exists()


async def test_a_206_that_stays_short_never_becomes_the_file(tmp_path: Path) -> None:
    seen: list[str | None] = []
    transport = short_206_server([400, 200], seen)
    async with NemoClient("http://cdn.test", token=SECRET, transport=transport) as client:
        with pytest.raises(NetworkError, match="broke off twice"):
            await client.download("/files/renders/k/clip.mp4", tmp_path)
    assert not (tmp_path / "clip.mp4").exists()  # never renamed into place while short
    assert (tmp_path / "clip.mp4.part").read_bytes() == MP4[:600]  # kept for the next try
    assert seen == [None, "bytes=400-"]
