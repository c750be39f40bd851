"""Backend text that talks about buttons becomes something this app can do, on one key."""

from __future__ import annotations

import pytest

from nemo_tui.core.gui_phrases import translate
from nemo_tui.core.i18n import key_ref

# Core names no key: the export rewrite holds a reference the TUI fills with its key ("Press Ctrl+E")
# and headless commands with their command.
EXPORT_EN = key_ref("export", "en")
EXPORT_ZH = key_ref("export", "zh")

# (backend text, lang, expected text, expected [(action, payload)])
TABLE = [
    (
        "Click the Export button to download your video.",
        "en",
        f"{EXPORT_EN} to export your video.",
        [("export", "")],
    ),
    (
        "Your video is ready! Click Export to save it.",
        "en",
        f"Your video is ready! {EXPORT_EN} to export your video.",
        [("export", "")],
    ),
    ("视频已生成。点击导出按钮下载视频。", "zh", f"视频已生成。{EXPORT_ZH} 导出视频。", [("export", "")]),
    (
        "You can preview it in the timeline.",
        "en",
        "The timeline panel shows your tracks; type “show tracks” for a summary.",
        [("timeline", "")],
    ),
    ("请在时间线中预览效果。", "zh", "时间线面板会显示你的轨道；输入“状态”查看摘要。", [("timeline", "")]),
    (
        "Drag the music onto the timeline.",
        "en",
        "Just say “add the music to the timeline” and I'll do it.",
        [("send", "add the music to the timeline")],
    ),
    ("把音乐拖到时间线上。", "zh", "直接说“把音乐加到时间线”，我来完成。", [("send", "把音乐加到时间线")]),
    (
        "Open the Media panel to see your clips.",
        "en",
        "Type “status” to see the project's state.",
        [("state", "")],
    ),
    ("打开积分页面查看余额。", "zh", "输入“积分”查看余额。", [("credits", "")]),
    ("Click the Generate button.", "en", "Just say “generate” and I'll do it.", [("send", "generate")]),
    ("点击“生成”。", "zh", "直接说“生成”，我来完成。", [("send", "生成")]),
    (
        "Click the Upload button to add your footage.",
        "en",
        "Paste a file's path or drag the file into this window to upload it.",
        [],
    ),
    ("Done! You can export it now.", "en", "Done! You can export it now.", [("export", "")]),
    # Text without GUI references is untouched, including words that only look like them.
    (
        "A sunset over the open ocean, then a drop of rain.",
        "en",
        "A sunset over the open ocean, then a drop of rain.",
        [],
    ),
    (
        "The clip is 1.5 s long. Next I'll add music.",
        "en",
        "The clip is 1.5 s long. Next I'll add music.",
        [],
    ),
    ("已添加背景音乐。", "zh", "已添加背景音乐。", []),
]


@pytest.mark.parametrize(("text", "lang", "expected", "actions"), TABLE)
def test_gui_phrase_table(text: str, lang: str, expected: str, actions: list[tuple[str, str]]) -> None:
    result = translate(text, lang)
    assert result.text == expected
    assert [(a.action, a.payload) for a in result.actions] == actions
    assert all(a.label for a in result.actions)


def test_multiline_reply_keeps_other_lines_and_bullets() -> None:
    text = "Here is your plan:\n- Click the Export button.\n- Enjoy the sunset.\n"
    result = translate(text, "en")
    assert result.text == f"Here is your plan:\n- {EXPORT_EN} to export your video.\n- Enjoy the sunset.\n"


def test_same_action_offered_once() -> None:
    result = translate("Click Export. Then press the export button again.", "en")
    assert result.text.count(EXPORT_EN) == 1
    assert [a.action for a in result.actions] == ["export"]
