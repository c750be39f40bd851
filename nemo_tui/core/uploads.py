"""What the app checks before uploading a file (the seed: formats, 200 MB), in the person's words.

The checks themselves are the client's (`client.transfer.checked_upload`, the same ones it runs
before sending); this module only says their refusals in the person's language, so the UI can
check a dropped file before anything is sent.
"""

from __future__ import annotations

from pathlib import Path

from ..client.transfer import UploadRefused, checked_upload
from ..protocol import NemoError
from .i18n import t


def check_upload(
    raw: str | Path, lang: str = "en", *, cwd: Path | None = None
) -> tuple[Path | None, str | None]:
    """(the file to send, None), or (None, the message saying why not). Blocking (stats the file)."""
    try:
        path, _size = checked_upload(raw, cwd=cwd)
    except UploadRefused as exc:
        return None, _refusal(exc, lang)
    except NemoError as exc:  # UnsupportedFile, FileTooLarge: their own words, in both languages
        return None, exc.user_message(lang)
    return path, None


def _refusal(exc: UploadRefused, lang: str) -> str:
    path = exc.shown
    if exc.reason == "missing":
        return t("upload.missing", lang, path=path)
    if exc.reason == "not_file":
        return t("upload.not_file", lang, path=path)
    if exc.reason == "empty":
        return t("upload.empty", lang, path=path)
    if exc.reason == "unreadable":
        return t("upload.unreadable", lang, path=path)
    return t("upload.which", lang)  # "blank": nothing was given
