"""Checks before an upload: each refusal says what is wrong in the person's language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nemo_tui.core.uploads import check_upload
from nemo_tui.protocol import FileTooLarge, UnsupportedFile


def test_a_good_file_relative_to_cwd(tmp_path: Path) -> None:
    (tmp_path / "clip.MP4").write_bytes(b"x" * 10)
    assert check_upload("clip.MP4", cwd=tmp_path) == (tmp_path / "clip.MP4", None)


def test_refusals(tmp_path: Path) -> None:
    (tmp_path / "folder.mp4").mkdir()
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "empty.mov").write_bytes(b"")
    with (tmp_path / "huge.mkv").open("wb") as f:
        f.truncate(200 * 1024 * 1024 + 1)  # one byte over, sparse
    assert check_upload(tmp_path / "gone.mp4") == (
        None,
        f"There is no file at {tmp_path / 'gone.mp4'}. Check the path and try again.",
    )
    assert (
        check_upload(tmp_path / "gone.mp4", "zh")[1] == f"{tmp_path / 'gone.mp4'} 不存在。请检查路径后重试。"
    )
    assert "is a folder" in check_upload(tmp_path / "folder.mp4")[1]  # type: ignore[operator]
    assert check_upload(tmp_path / "notes.txt", "zh")[1] == UnsupportedFile().user_message("zh")
    assert check_upload(tmp_path / "huge.mkv")[1] == FileTooLarge().user_message("en")
    assert "empty (0 bytes)" in check_upload(tmp_path / "empty.mov")[1]  # type: ignore[operator]


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permissions can't be taken away from root (CI runs as root), so the access check is forced.
    locked = tmp_path / "locked.mp3"
    locked.write_bytes(b"x")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert check_upload(locked)[1] == f"Can't read {locked}: permission denied."


def test_nothing_given_asks_which_file(tmp_path: Path) -> None:
    # A blank path used to be read as the current folder ("  is a folder, not a file").
    assert check_upload("  ", cwd=tmp_path) == (
        None,
        "Which file? Paste its path or drag it into this window.",
    )
    assert check_upload("", "zh", cwd=tmp_path)[1] == "要上传哪个文件？粘贴路径或把文件拖进这个窗口。"
