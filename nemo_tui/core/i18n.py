"""The app's own messages, in English and Chinese. Server text never comes through here.

`t(key, lang, **fmt)` picks the language (anything starting with "zh" is Chinese, the rest English)
and fills `{placeholders}`. Errors from the wire use the typed exceptions' `user_message(lang)`.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # -- setup ------------------------------------------------------------------------------
    "setup": {"en": "Setting up...", "zh": "正在连接…"},
    "setup.local": {
        "en": "Using the local engine: videos are made on this computer, procedurally (no AI model).",
        "zh": "正在使用本地引擎：视频在本机以程序化方式生成（不是 AI 模型）。",
    },
    "setup.resumed": {"en": "Reopened your last project.", "zh": "已重新打开上次的项目。"},
    "setup.ready": {"en": "Ready. Describe the video you want.", "zh": "准备就绪。描述你想要的视频吧。"},
    "session.new": {"en": "Started a new project.", "zh": "已新建项目。"},
    # -- turns ------------------------------------------------------------------------------
    "still_working": {"en": "⏳ Still working...", "zh": "⏳ 仍在处理…"},
    "turn.no_text": {"en": "Done. {changes}", "zh": "完成。{changes}"},
    "turn.no_change": {
        "en": "The reply was empty and the timeline did not change.",
        "zh": "回复为空，时间线没有变化。",
    },
    "turn.broken": {
        "en": "The reply broke off. Here is what got applied so far:",
        "zh": "回复中断了。以下是目前已应用的内容：",
    },
    "turn.broken_nothing": {
        "en": "The reply broke off before anything changed. Send your message again when ready.",
        "zh": "回复在任何改动之前就中断了。准备好后请重新发送。",
    },
    # -- activity labels for tools (never the raw tool name) --------------------------------
    "activity.generate": {"en": "Generating video…", "zh": "正在生成视频…"},
    "activity.music": {"en": "Adding music…", "zh": "正在添加音乐…"},
    "activity.text": {"en": "Adding text…", "zh": "正在添加文字…"},
    "activity.edit": {"en": "Editing the timeline…", "zh": "正在编辑时间线…"},
    "activity.remove": {"en": "Removing from the timeline…", "zh": "正在从时间线移除…"},
    "activity.read": {"en": "Looking at the project…", "zh": "正在查看项目…"},
    "activity.render": {"en": "Rendering…", "zh": "正在渲染…"},
    "activity.working": {"en": "Working…", "zh": "处理中…"},
    # -- timeline, credits ------------------------------------------------------------------
    "timeline.empty": {"en": "Timeline is empty.", "zh": "时间线为空。"},
    "credits.line": {
        "en": "Credits: {available} available, {frozen} reserved, {total} in total.",
        "zh": "积分：可用 {available}，冻结 {frozen}，共 {total}。",
    },
    # -- export -----------------------------------------------------------------------------
    "export.empty": {
        "en": "Nothing to export yet: the timeline is empty. Describe a video first.",
        "zh": "还没有可导出的内容：时间线为空。请先描述一个视频。",
    },
    "export.starting": {"en": "Exporting your video…", "zh": "正在导出视频…"},
    "export.downloading": {"en": "Downloading the MP4…", "zh": "正在下载 MP4…"},
    "export.done": {
        "en": "Saved {path} ({duration}, {size}, {width}x{height}).",
        "zh": "已保存 {path}（{duration}，{size}，{width}x{height}）。",
    },
    "export.bad_file": {
        "en": "The downloaded file is not a playable MP4 ({reason}). Try exporting again.",
        "zh": "下载的文件不是可播放的 MP4（{reason}）。请重新导出。",
    },
    "export.no_url": {
        "en": "The render finished but the server gave no download link.",
        "zh": "渲染完成，但服务器没有提供下载链接。",
    },
    "export.resuming": {
        "en": "Resuming an export that was still running ({job}).",
        "zh": "继续之前未完成的导出（{job}）。",
    },
    "export.no_session": {
        "en": "There is no project to export yet. Describe a video first.",
        "zh": "还没有可导出的项目。请先描述一个视频。",
    },
    # -- upload -----------------------------------------------------------------------------
    "upload.which": {
        "en": "Which file? Paste its path or drag it into this window.",
        "zh": "要上传哪个文件？粘贴路径或把文件拖进这个窗口。",
    },
    "upload.missing": {
        "en": "There is no file at {path}. Check the path and try again.",
        "zh": "{path} 不存在。请检查路径后重试。",
    },
    "upload.not_file": {
        "en": "{path} is a folder, not a file. Pick a file inside it.",
        "zh": "{path} 是文件夹，不是文件。请选择其中的文件。",
    },
    "upload.unreadable": {
        "en": "Can't read {path}: permission denied.",
        "zh": "无法读取 {path}：没有权限。",
    },
    "upload.empty": {
        "en": "{path} is empty (0 bytes); there is nothing to upload.",
        "zh": "{path} 是空文件（0 字节），没有可上传的内容。",
    },
    "upload.sending": {"en": "Uploading {name}…", "zh": "正在上传 {name}…"},
    "upload.done": {
        "en": "Uploaded {names}. It's in your project now; tell me what to do with it.",
        "zh": "已上传 {names}，已加入项目。告诉我要怎么用它。",
    },
    # -- confirmations (the router was not sure) --------------------------------------------
    "confirm.export": {"en": "Export now?", "zh": "现在导出吗？"},
    "confirm.credits": {"en": "Show your credits?", "zh": "查看积分吗？"},
    "confirm.state": {"en": "Show the timeline?", "zh": "查看时间线吗？"},
    "confirm.upload": {"en": "Upload {names}?", "zh": "上传 {names} 吗？"},
    # -- GUI phrases rewritten into what this app can do ------------------------------------
    "gui.export": {"en": "Press Ctrl+E to export your video.", "zh": "按 Ctrl+E 导出视频。"},
    "gui.export.label": {"en": "Export", "zh": "导出"},
    "gui.state": {
        "en": "Type “status” to see the project's state.",
        "zh": "输入“状态”查看项目状态。",
    },
    "gui.state.label": {"en": "Show project state", "zh": "查看项目状态"},
    "gui.timeline": {
        "en": "The timeline panel shows your tracks; type “show tracks” for a summary.",
        "zh": "时间线面板会显示你的轨道；输入“状态”查看摘要。",
    },
    "gui.timeline.label": {"en": "Show tracks", "zh": "查看轨道"},
    "gui.credits": {"en": "Type “credits” to see your balance.", "zh": "输入“积分”查看余额。"},
    "gui.credits.label": {"en": "Show credits", "zh": "查看积分"},
    "gui.send": {"en": "Just say “{payload}” and I'll do it.", "zh": "直接说“{payload}”，我来完成。"},
    "gui.upload": {
        "en": "Paste a file's path or drag the file into this window to upload it.",
        "zh": "粘贴文件路径，或把文件拖进这个窗口即可上传。",
    },
    # -- errors -----------------------------------------------------------------------------
    "error.unexpected": {
        "en": "Something unexpected went wrong: {detail}",
        "zh": "发生了意外错误：{detail}",
    },
}

LANGS = ("en", "zh")


def norm_lang(lang: str | None) -> str:
    """"zh", "zh-cn", "zh-Hans" → "zh"; everything else → "en".

    The same rule as `protocol.norm_lang` (the errors' words), restated here on purpose: importing
    `nemo_tui.protocol` loads pydantic, which the TUI's first paint (ui/app.py imports this module)
    must not wait for. tests/core/test_core_i18n.py checks that the two agree."""
    return "zh" if (lang or "").lower().startswith("zh") else "en"


def t(key: str, lang: str | None = "en", **fmt: object) -> str:
    """The message `key` in `lang`, with `fmt` filled in. An unknown key is a programming error."""
    template = MESSAGES[key][norm_lang(lang)]
    return template.format(**fmt) if fmt else template


def format_seconds(seconds: float, lang: str | None = "en") -> str:
    """10 → "10 s", 2.5 → "2.5 s" (Chinese: "10 秒")."""
    value = f"{round(seconds, 1):.1f}".rstrip("0").rstrip(".")
    return f"{value} 秒" if norm_lang(lang) == "zh" else f"{value} s"


def format_size(size_bytes: int) -> str:
    """Bytes in the largest unit that keeps a number ≥ 1 (1,536 → "1.5 KB")."""
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
