"""The seed's intent table, English and Chinese, with the near misses that must not act."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_tui.core.router import IntentKind, route

E, C, S, U, CHAT = (
    IntentKind.EXPORT,
    IntentKind.CREDITS,
    IntentKind.STATE,
    IntentKind.UPLOAD,
    IntentKind.CHAT,
)

# (message, kind, confidence). Confidence "ask" means the UI must confirm before acting.
TABLE: list[tuple[str, IntentKind, str]] = [
    # export: the seed's triggers and short imperatives act at once
    ("export", E, "sure"),
    ("Export!", E, "sure"),
    ("export 1080p MP4", E, "sure"),
    ("please export the video", E, "sure"),
    ("download", E, "sure"),
    ("download it now", E, "sure"),
    ("send me the video", E, "sure"),
    ("Send me the MP4 please", E, "sure"),
    ("导出", E, "sure"),
    ("导出视频", E, "sure"),
    ("帮我导出视频", E, "sure"),
    ("导出 1080p MP4", E, "sure"),
    ("下载视频", E, "sure"),
    ("我想导出", E, "sure"),
    ("把这个导出来", E, "sure"),
    # export near misses
    ("don't export yet", CHAT, "sure"),
    ("do not export", CHAT, "sure"),
    ("export settings later", CHAT, "sure"),
    ("不要导出", CHAT, "sure"),
    ("先不导出", CHAT, "sure"),
    ("暂时不要导出", CHAT, "sure"),
    ("别导出了", CHAT, "sure"),
    ("不用导出", CHAT, "sure"),
    ("等一下再导出", CHAT, "sure"),
    ("稍后导出", CHAT, "sure"),
    ("不用上传了", CHAT, "sure"),
    ("等一下再查积分", CHAT, "sure"),
    ("how do I export?", E, "ask"),
    ("怎么导出？", E, "ask"),
    ("如何导出？", E, "ask"),
    ("怎样导出视频", E, "ask"),
    ("咋导出", E, "ask"),
    ("如何查积分", C, "ask"),
    ("export settings", E, "ask"),
    ("what does export do?", CHAT, "sure"),
    ("the exported file looks bad", CHAT, "sure"),
    ("add music and export", CHAT, "sure"),
    ("加背景音乐然后导出", CHAT, "sure"),
    ("download music for the background", CHAT, "sure"),
    ("I want to export it later after we fix the sunset colours", CHAT, "sure"),
    # credits
    ("credits", C, "sure"),
    ("balance", C, "sure"),
    ("what's my balance?", C, "sure"),
    ("how many credits do I have left", C, "sure"),
    ("积分", C, "sure"),
    ("余额", C, "sure"),
    ("我的积分还有多少？", C, "sure"),
    ("查询余额", C, "sure"),
    ("deposit balance", C, "ask"),
    ("balance the audio levels", CHAT, "sure"),
    ("add end credits with my name", CHAT, "sure"),
    # state
    ("status", S, "sure"),
    ("show tracks", S, "sure"),
    ("show me the timeline", S, "sure"),
    ("what's the status?", S, "sure"),
    ("状态", S, "sure"),
    ("查看状态", S, "sure"),
    ("what's my status in life", CHAT, "sure"),
    # upload without a file explains how to send one
    ("upload", U, "sure"),
    ("上传", U, "sure"),
    ("upload a video", U, "sure"),
    ("upload my music later", CHAT, "sure"),
    ("the upload failed yesterday and now it works fine again", CHAT, "sure"),
    # everything else goes to the agent
    ("generate a 10-second video of a sunset over the ocean with waves crashing", CHAT, "sure"),
    ("生成一个10秒的日落视频", CHAT, "sure"),
    ("make the title bigger", CHAT, "sure"),
    ("/help", CHAT, "sure"),
    ("", CHAT, "sure"),
]


@pytest.mark.parametrize(("message", "kind", "confidence"), TABLE)
def test_intent_table(message: str, kind: IntentKind, confidence: str, tmp_path: Path) -> None:
    intent = route(message, cwd=tmp_path)
    assert (intent.kind, intent.confidence) == (kind, confidence), message
    assert intent.text == message
    if confidence == "ask":
        assert intent.question  # the UI needs words to ask with
    else:
        assert intent.question is None


def test_table_is_large_and_bilingual() -> None:
    assert len(TABLE) >= 40
    chinese = [m for m, _, _ in TABLE if any("\u4e00" <= ch <= "\u9fff" for ch in m)]
    assert len(chinese) >= 15


def test_ask_questions_are_in_the_message_language(tmp_path: Path) -> None:
    assert route("how do I export?", cwd=tmp_path).question == "Export now?"
    for how in ("怎么导出？", "如何导出？", "怎样导出视频", "咋导出"):
        assert route(how, cwd=tmp_path).question == "现在导出吗？", how


# ---- files: typed, pasted, dropped -------------------------------------------------------------


@pytest.fixture
def media(tmp_path: Path) -> dict[str, Path]:
    files = {
        "plain": tmp_path / "clip.mp4",
        "spaced": tmp_path / "my summer clip.mov",
        "quote": tmp_path / "it's here.png",
        "music": tmp_path / "song.mp3",
    }
    for path in files.values():
        path.write_bytes(b"x")
    return files


def test_plain_path(media: dict[str, Path], tmp_path: Path) -> None:
    intent = route(str(media["plain"]), cwd=tmp_path)
    assert (intent.kind, intent.paths, intent.confidence) == (U, [media["plain"]], "sure")


@pytest.mark.parametrize(
    "form",
    [
        "'{p}'",
        '"{p}"',
        "{p}",
        "{esc}",
        "file://{uri}",
        "  {esc}  \n",
    ],
)
def test_pasted_or_dropped_path_with_spaces(form: str, media: dict[str, Path], tmp_path: Path) -> None:
    path = media["spaced"]
    text = form.format(p=path, esc=str(path).replace(" ", "\\ "), uri=str(path).replace(" ", "%20"))
    intent = route(text, cwd=tmp_path)
    assert intent.kind is U and intent.paths == [path], text


def test_path_with_apostrophe_pasted_bare(media: dict[str, Path], tmp_path: Path) -> None:
    assert route(str(media["quote"]), cwd=tmp_path).paths == [media["quote"]]


def test_several_dropped_files(media: dict[str, Path], tmp_path: Path) -> None:
    text = f"'{media['spaced']}' {media['plain']}\n{media['music']!s}"
    intent = route(text, cwd=tmp_path)
    assert intent.kind is U
    assert intent.paths == [media["spaced"], media["plain"], media["music"]]


def test_relative_path_resolves_against_cwd(media: dict[str, Path], tmp_path: Path) -> None:
    assert route("clip.mp4", cwd=tmp_path).paths == [media["plain"]]
    assert route("./clip.mp4", cwd=tmp_path).paths == [tmp_path / "clip.mp4"]


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Videos").mkdir()
    (tmp_path / "Videos" / "clip.mov").write_bytes(b"x")
    intent = route("~/Videos/clip.mov", cwd=Path("/"))
    assert intent.kind is U and intent.paths == [tmp_path / "Videos" / "clip.mov"]


@pytest.mark.parametrize("text", ["upload {p}", "上传 {p}", "Upload: '{p}'", "上传{p}"])
def test_upload_keyword_with_a_path(text: str, media: dict[str, Path], tmp_path: Path) -> None:
    intent = route(text.format(p=media["music"]), cwd=tmp_path)
    assert (intent.kind, intent.paths, intent.confidence) == (U, [media["music"]], "sure")


@pytest.mark.parametrize(
    "text", ["/tmp/nope-does-not-exist.mp4", "~/Videos/nope-missing.mov", "missing.mp4", "/tmp/no such dir/x"]
)
def test_missing_path_still_goes_to_upload(text: str, tmp_path: Path) -> None:
    intent = route(text, cwd=tmp_path)
    assert intent.kind is U and len(intent.paths) >= 1
    assert not intent.paths[0].exists()


@pytest.mark.parametrize("text", ["https://example.com/clip.mp4", "upload https://example.com/a.mov"])
def test_url_is_an_upload(text: str, tmp_path: Path) -> None:
    intent = route(text, cwd=tmp_path)
    assert (intent.kind, intent.paths, intent.confidence) == (U, [], "sure")
    assert intent.urls == [text.split()[-1]]


def test_url_inside_a_request_is_chat(tmp_path: Path) -> None:
    assert route("make something like https://example.com/ref", cwd=tmp_path).kind is CHAT


def test_existing_file_inside_a_longer_message_asks(media: dict[str, Path], tmp_path: Path) -> None:
    intent = route(f"use {media['music']} as the background music", cwd=tmp_path)
    assert (intent.kind, intent.confidence, intent.paths) == (U, "ask", [media["music"]])
    assert intent.question == "Upload song.mp3?"


def test_several_missing_paths_stay_separate(tmp_path: Path) -> None:
    intent = route("/tmp/nope-a.mp4 /tmp/nope-b.mov", cwd=tmp_path)
    assert intent.paths == [Path("/tmp/nope-a.mp4"), Path("/tmp/nope-b.mov")]
