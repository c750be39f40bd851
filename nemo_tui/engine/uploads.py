"""Receiving uploads: multipart streamed to disk chunk by chunk, or JSON URLs.

Checks happen on the server too (the client checks first): the extension must be a supported
format (code 4001) and a file may not pass 200 MB (code 4002). A file that ffmpeg cannot open as
media is refused as unsupported. The engine has no internet: URL uploads are fetched only from
loopback (`http://127.0.0.1…`, `localhost`) or copied from `file://` paths; any other URL is stored
as an honest "remote" item that is listed but cannot be rendered.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import anyio
import httpx

from ..loopback import is_loopback_url
from ..protocol import MAX_UPLOAD_BYTES, SUPPORTED_FORMATS

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

VIDEO_EXTS = {"mp4", "mov", "avi", "webm", "mkv"}
IMAGE_EXTS = {"jpg", "png", "gif", "webp"}
AUDIO_EXTS = {"mp3", "wav", "m4a", "aac"}


class UploadRejected(Exception):
    """The engine's answer to an upload it won't keep: an envelope `code` (4001 unsupported, 4002 too
    large) and the message. Not the client's `UploadRefused`, which stops a file before it is sent."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def kind_of(ext: str) -> str:
    return "video" if ext in VIDEO_EXTS else "image" if ext in IMAGE_EXTS else "audio"


def check_format(name: str) -> str:
    ext = extension(name)
    if ext not in SUPPORTED_FORMATS:
        shown = f".{ext}" if ext else "a file without an extension"
        raise UploadRejected(
            4001,
            f"Unsupported file format ({shown} in {name!r}). "
            f"Supported formats: {', '.join(SUPPORTED_FORMATS)}.",
        )
    return ext


def too_large(name: str) -> UploadRejected:
    return UploadRejected(4002, f"{name!r} is larger than 200 MB. Compress it or trim it, then upload again.")


def safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name.strip() or "upload"
    return "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base)[:120]


@dataclass
class ReceivedFile:
    name: str
    ext: str
    path: Path
    size: int = 0


@dataclass
class MultipartSink:
    """Collects the `files` parts of a multipart body into files under `folder`.

    Parser callbacks only queue bytes; `flush()` (run in a thread) writes them, so the event loop
    never touches the disk and memory holds at most one network chunk.
    """

    folder: Path
    files: list[ReceivedFile] = field(default_factory=list)
    refused: UploadRejected | None = None
    _pending: list[tuple[ReceivedFile, bytes]] = field(default_factory=list)
    _headers: dict[str, str] = field(default_factory=dict)
    _field: str = ""
    _value: str = ""
    _current: ReceivedFile | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: setattr(
                self, "_field", self._field + d[s:e].decode("latin-1")
            ),
            # latin-1 keeps the raw bytes: browsers and httpx send UTF-8 file names unescaped.
            "on_header_value": lambda d, s, e: setattr(
                self, "_value", self._value + d[s:e].decode("latin-1")
            ),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
        }

    def _part_begin(self) -> None:
        self._headers, self._current = {}, None

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = ""

    def _headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        raw = self._headers.get("content-disposition", "").encode("latin-1")
        _, params = parse_options_header(raw)
        field_name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        if field_name != "files" or filename is None or self.refused:
            return
        name = safe_name(filename.decode("utf-8", "replace"))
        try:
            ext = check_format(name)
        except UploadRejected as exc:
            self.refused = exc
            return
        self._current = ReceivedFile(name, ext, self.folder / f"{uuid.uuid4().hex}.{ext}")
        self.files.append(self._current)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        cur = self._current
        if cur is None or self.refused:
            return
        cur.size += end - start
        if cur.size > MAX_UPLOAD_BYTES:
            self.refused = too_large(cur.name)
            return
        self._pending.append((cur, data[start:end]))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for item, chunk in pending:
            with open(item.path, "ab") as fh:
                fh.write(chunk)

    def discard(self) -> None:
        self._pending = []
        remove_files(self.files)


def remove_files(files: list[ReceivedFile]) -> None:
    for item in files:
        item.path.unlink(missing_ok=True)


async def fetch_url(
    url: str, folder: Path, *, allow_file_urls: bool, local: bool = True
) -> ReceivedFile | dict[str, Any]:
    """A fetched file, or a dict describing a remote item that was recorded but not downloaded.

    `local` says the asking client is on this machine; only then are loopback URLs fetched."""
    parsed = urlparse(url)
    name = safe_name(unquote(PurePosixPath(parsed.path).name) or "remote")
    ext = check_format(name)
    target = folder / f"{uuid.uuid4().hex}.{ext}"
    if parsed.scheme == "file" and allow_file_urls:
        source = Path(unquote(parsed.path))
        if not source.is_file():
            raise UploadRejected(4001, f"There is no file at {source}.")
        if source.stat().st_size > MAX_UPLOAD_BYTES:
            raise too_large(name)
        try:
            await anyio.to_thread.run_sync(shutil.copyfile, source, target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return ReceivedFile(name, ext, target, target.stat().st_size)
    if parsed.scheme in ("http", "https") and local and is_loopback_url(url):
        size = 0
        try:
            async with httpx.AsyncClient(timeout=30) as http, http.stream("GET", url) as resp:
                resp.raise_for_status()
                async with await anyio.open_file(target, "wb") as fh:
                    async for chunk in resp.aiter_bytes(256 * 1024):
                        size += len(chunk)
                        if size > MAX_UPLOAD_BYTES:
                            raise too_large(name)
                        await fh.write(chunk)
        except BaseException as exc:  # refused, unreachable, or the upload request cancelled mid-copy
            target.unlink(missing_ok=True)
            if isinstance(exc, httpx.HTTPError):
                raise UploadRejected(4001, f"Couldn't fetch {url}: {type(exc).__name__}.") from None
            raise
        return ReceivedFile(name, ext, target, size)
    if parsed.scheme not in ("http", "https"):
        if parsed.scheme == "file":
            raise UploadRejected(4001, "file:// URLs are not accepted here: upload the file itself.")
        raise UploadRejected(4001, f"Only http(s) URLs can be uploaded, not {parsed.scheme or 'that'}.")
    return {
        "name": name,
        "kind": kind_of(ext),
        "remote_url": url,
        "meta": {
            "remote": True,
            "note": "The local engine works offline: this URL is recorded, "
            "not downloaded, so it can't be used in a render.",
        },
    }


def probe_upload(path: Path, ext: str, name: str) -> tuple[str, int | None]:
    """(kind, duration_ms) from ffmpeg; raises UploadRejected when the file is not readable media."""
    kind = kind_of(ext)
    try:
        from .media.ffmpeg import FFmpegError, probe
    except ImportError:  # the media package is optional at start-up; fall back to the extension
        return kind, None
    try:
        info = probe(path)
    except FFmpegError as exc:
        raise UploadRejected(4001, f"{name} can't be read as {kind}: {exc}") from None
    if info.is_still_image:
        return "image", None
    if not info.has_video and info.has_audio:
        kind = "audio"
    duration = int(info.duration_s * 1000) if info.duration_s else None
    return kind, duration
