"""The record beside every export (`<name>.mp4.json`): which session and backend made it, the
prompts of that session's turns, the final draft in wire form, the credits the session spent, the
app's version, and the MP4's size, SHA-256, duration, frame size and track layout — enough to check
the file and to render the same draft again (`nemo-tui replay`)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from .mp4info import Mp4Info

RECORD_KIND = "nemo-tui.export-record"
# A replay renders the same draft again: its length may differ by a frame or so, never more.
DURATION_TOLERANCE_S = 0.15


class ExportRecord(BaseModel):
    kind: Literal["nemo-tui.export-record"] = "nemo-tui.export-record"
    format: int = 1
    created: float
    app_version: str
    session_id: str
    backend: Literal["local", "cloud"]
    backend_key: str
    prompts: list[str] = Field(default_factory=list)
    # The draft in wire form (t/tt/sg/d/m), as it was rendered; None when the app no longer knew it
    # (an export resumed after a restart in another session).
    draft: dict[str, Any] | None = None
    credits_spent: float = 0.0
    file: str
    size_bytes: int
    sha256: str
    duration_s: float
    width: int
    height: int
    tracks: list[str] = Field(default_factory=list)


class RecordError(ValueError):
    """The record can't be read or used; the message says why, in words."""


def record_path(mp4: Path) -> Path:
    return mp4.with_name(mp4.name + ".json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def build_record(
    mp4: Path,
    info: Mp4Info,
    *,
    session_id: str,
    backend_key: str,
    prompts: list[str],
    draft: dict[str, Any] | None,
    credits_spent: float,
    app_version: str,
) -> ExportRecord:
    """Reads the file (size, SHA-256): call it off the event loop."""
    return ExportRecord(
        created=time.time(),
        app_version=app_version,
        session_id=session_id,
        backend="local" if backend_key.startswith("local") else "cloud",
        backend_key=backend_key,
        prompts=prompts,
        draft=draft,
        credits_spent=credits_spent,
        file=mp4.name,
        size_bytes=mp4.stat().st_size,
        sha256=sha256_of(mp4),
        duration_s=round(info.duration_s, 3),
        width=info.width,
        height=info.height,
        tracks=list(info.handlers),
    )


def write_record(record: ExportRecord, path: Path) -> Path:
    """Atomically (a temp file in the same folder, then a rename); returns the path."""
    fd, tmp = tempfile.mkstemp(prefix=".record-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(record.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_record(path: Path) -> ExportRecord:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(f"No record at {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"Can't read the record {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return ExportRecord.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise RecordError(f"{path} is not an export record of nemo-tui ({where}: {first['msg']}).") from None


def mismatches(record: ExportRecord, info: Mp4Info) -> list[str]:
    """How an MP4 differs from the one a record describes, in words: duration, frame size, tracks."""
    problems = []
    if abs(info.duration_s - record.duration_s) > DURATION_TOLERANCE_S:
        problems.append(f"duration {info.duration_s:.2f} s, the record says {record.duration_s:.2f} s")
    if (info.width, info.height) != (record.width, record.height):
        problems.append(f"frame {info.width}x{info.height}, the record says {record.width}x{record.height}")
    if record.tracks and list(info.handlers) != record.tracks:
        problems.append(f"tracks {', '.join(info.handlers)}, the record says {', '.join(record.tracks)}")
    return problems


def move_export(mp4: Path, record: Path | None, target: Path) -> Path | None:
    """Rename an export (and its record, which then names the new file) to `target`, in the same
    folder or another on the same disk; returns the record's new path. Raises OSError."""
    os.replace(mp4, target)
    if record is None or not record.exists():
        return None
    moved = read_record(record).model_copy(update={"file": target.name})
    new_path = write_record(moved, record_path(target))
    if record != new_path:
        record.unlink(missing_ok=True)
    return new_path
