"""What the app checks before uploading a file (the seed: formats, 200 MB), in the person's words.

Pure apart from looking at the file, so the UI can check a dropped file before sending anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..protocol import MAX_UPLOAD_BYTES, SUPPORTED_FORMATS, FileTooLarge, UnsupportedFile
from .i18n import t


def check_upload(raw: str | Path, lang: str = "en", *, cwd: Path | None = None) -> tuple[Path | None, str | None]:
    """(the file to send, None), or (None, the message saying why not)."""
    shown = str(raw)
    try:
        path = Path(raw).expanduser()
    except RuntimeError:  # "~name" with no such user: then it is simply not there
        return None, t("upload.missing", lang, path=shown)
    if not path.is_absolute() and cwd is not None:
        path = cwd / path
    if not path.exists():
        return None, t("upload.missing", lang, path=shown)
    if not path.is_file():
        return None, t("upload.not_file", lang, path=shown)
    if path.suffix.lower().lstrip(".") not in SUPPORTED_FORMATS:
        return None, UnsupportedFile(path.name).user_message(lang)
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return None, FileTooLarge(path.name).user_message(lang)
    if size == 0:
        return None, t("upload.empty", lang, path=shown)
    if not os.access(path, os.R_OK):
        return None, t("upload.unreadable", lang, path=shown)
    return path, None
