"""Upload and download helpers with no HTTP of their own: checks, multipart body, file names.

Kept apart from `nemo.py` so the client reads as the protocol and these read as file handling.
"""

from __future__ import annotations

import asyncio
import errno
import mimetypes
import os
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..languages import norm_lang
from ..protocol import (
    MAX_UPLOAD_BYTES,
    SUPPORTED_FORMATS,
    FileTooLarge,
    InvalidInput,
    NemoError,
    UnsupportedFile,
)

CHUNK_BYTES = 256 * 1024
DEFAULT_DOWNLOAD_NAME = "nemo-export.mp4"

ProgressCallback = Callable[[int, int | None], None]


class UploadRefused(InvalidInput):
    """A local file that can't be sent, found before a byte goes out. `reason` names the check
    ("blank", "missing", "not_file", "empty", "unreadable") so the app can say it in the person's
    language (core/uploads.py); `shown` is the path as the person gave it."""

    _ENGLISH = {
        "blank": "No file was given to upload.",
        "missing": "There is no file at {path}. Check the path and try again.",
        "not_file": "{path} is a folder, not a file. Choose a file inside it to upload.",
        "empty": "{path} is empty (0 bytes); there is nothing to upload.",
        "unreadable": "Can't read {path}: permission denied.",
    }

    def __init__(self, reason: str, shown: str) -> None:
        self.reason = reason
        self.shown = shown
        super().__init__(self._ENGLISH[reason].format(path=shown))


def checked_upload(path: str | Path, *, cwd: Path | None = None) -> tuple[Path, int]:
    """The file to upload and its size, or a clear error before a byte is sent.

    The one place the seed's upload rules (formats, 200 MB) and the local checks live: the client
    calls it before sending, the app (core/uploads.py) before it says "Uploading…". A relative
    path is taken from `cwd` when given. Blocking (it stats the file): call it off the event loop.
    """
    raw = str(path).strip()
    if not raw:
        raise UploadRefused("blank", raw)
    try:
        file = Path(raw).expanduser()
    except RuntimeError:  # "~name" with no such user: then it is simply not there
        raise UploadRefused("missing", raw) from None
    if not file.is_absolute() and cwd is not None:
        file = cwd / file
    if not file.exists():
        raise UploadRefused("missing", raw)
    if not file.is_file():
        raise UploadRefused("not_file", raw)
    ext = file.suffix.lower().lstrip(".")
    if ext not in SUPPORTED_FORMATS:
        raise UnsupportedFile(file.name)
    size = file.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise FileTooLarge(f"{file.name} is {size / (1024 * 1024):.0f} MB")
    if size == 0:
        raise UploadRefused("empty", raw)
    if not os.access(file, os.R_OK):
        raise UploadRefused("unreadable", raw)
    return file, size


def _quote_filename(name: str) -> str:
    # HTML5 form encoding: the name goes out as UTF-8 with quotes, CR and LF percent-encoded.
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass
class MultipartFile:
    """A one-file `multipart/form-data` body streamed from disk in chunks, with progress."""

    path: Path
    size: int
    field: str = "files"

    def __post_init__(self) -> None:
        self.boundary = uuid.uuid4().hex
        ctype = mimetypes.guess_type(self.path.name)[0] or "application/octet-stream"
        self._head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{self.field}"; '
            f'filename="{_quote_filename(self.path.name)}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode("ascii")

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": f"multipart/form-data; boundary={self.boundary}",
            "Content-Length": str(len(self._head) + self.size + len(self._tail)),
        }

    async def body(self, progress: ProgressCallback | None) -> AsyncIterator[bytes]:
        yield self._head
        sent = 0
        handle = await asyncio.to_thread(open, self.path, "rb")
        try:
            while sent < self.size:
                chunk = await asyncio.to_thread(handle.read, min(CHUNK_BYTES, self.size - sent))
                if not chunk:
                    raise InvalidInput(f"{self.path.name} got shorter while it was being uploaded.")
                yield chunk
                # The next chunk is asked for once this one went out: report it as sent.
                sent += len(chunk)
                if progress is not None:
                    progress(sent, self.size)
        finally:
            await asyncio.to_thread(handle.close)
        yield self._tail


# Why a write failed, in English and Chinese.
_WHY = {
    errno.ENOSPC: ("the disk is full", "磁盘已满"),
    errno.EDQUOT: ("the disk quota is used up", "磁盘配额已用完"),
    errno.EACCES: ("permission denied", "没有写入权限"),
    errno.EPERM: ("permission denied", "没有写入权限"),
    errno.EROFS: ("the disk is read-only", "磁盘是只读的"),
}


class SaveFailed(NemoError):
    """A download that could not be written on this machine. The partial file is removed."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        self.folder = folder
        self.why = _WHY.get(exc.errno or 0, (exc.strerror or type(exc).__name__,) * 2)
        super().__init__(exc.strerror or type(exc).__name__)

    def user_message(self, lang: str = "en") -> str:
        if norm_lang(lang) == "zh":
            return (
                f"无法把视频保存到 {self.folder}：{self.why[1]}。"
                "请释放磁盘空间或换一个导出文件夹，然后重新导出。"
            )
        return (
            f"Couldn't save the video in {self.folder}: {self.why[0]}. Free some disk space or "
            "choose another export folder, then export again."
        )


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_download_name(url: str) -> str:
    """A file name from a server URL that cannot leave the folder it is put in."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = _UNSAFE_NAME.sub("_", name).strip().lstrip(".")
    if not name or name in (".", ".."):
        return DEFAULT_DOWNLOAD_NAME
    if "." not in name:
        name += ".mp4"
    return name[:200]


def download_target(url: str, dest: str | Path) -> Path:
    """Where the file goes: `dest` itself, or a safe name inside it when it is a folder.

    A folder is one that exists, a path ending in a separator, or a path that does not exist yet
    and has no extension (an exports folder still to be created; files always have one).
    """
    try:
        target = Path(dest).expanduser()
    except RuntimeError:  # "~name" with no such user: a folder literally named so
        target = Path(dest)
    is_folder = (
        target.is_dir() or str(dest).endswith(("/", "\\")) or (not target.exists() and not target.suffix)
    )
    if is_folder:
        folder = target
        final = folder / safe_download_name(url)
        if final.resolve().parent != folder.resolve():  # belt and braces after sanitising
            final = folder / DEFAULT_DOWNLOAD_NAME
        return final
    return target


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


def parse_content_range(value: str | None) -> tuple[int, int | None] | None:
    """`bytes 100-199/1000` → (100, 1000); total None when `*`."""
    match = _CONTENT_RANGE.match(value or "")
    if not match:
        return None
    total = None if match.group(3) == "*" else int(match.group(3))
    return int(match.group(1)), total


_UNSATISFIED = re.compile(r"bytes\s+\*/(\d+)", re.IGNORECASE)


def unsatisfied_total(value: str | None) -> int | None:
    """The size in a 416's `bytes */1000`, or None."""
    match = _UNSATISFIED.match(value or "")
    return int(match.group(1)) if match else None


def size_on_disk(path: Path) -> int:
    """What a previous try left in `path` (0 when nothing)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class DownloadDropped(Exception):
    """A download that broke off; the bytes on disk stay for the resume."""
