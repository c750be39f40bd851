"""The app's own messages, in English and Chinese. Server text never comes through here.

`t(key, lang, **fmt)` picks the language (anything starting with "zh" is Chinese, the rest English)
and fills `{placeholders}`. Errors from the wire use the typed exceptions' `user_message(lang)`.

Core never names a key: the TUI binds them (and the person may remap them) and headless commands
have none. Where a message tells the person how to do something, `{key_export}` / `{key_stop}`
stands at the start of a clause and becomes a key reference (`⟦export:en⟧`); whoever shows the text
fills it with `fill_key_refs` — the TUI with "Press Ctrl+E", `nemo-tui ask` with "Run nemo-tui export".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..languages import norm_lang
from .i18n_costs import COST_MESSAGES

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
    # -- a dropped stream: never re-sent, the state is read on the vendor's cadence ----------
    "recover.start": {
        "en": "Your message is not sent again (that would do the work, and charge for it, twice). "
        "Checking the project at {at} (in {wait}), then every {every}, up to {checks} times. "
        "{key_stop} to stop waiting.",
        "zh": "不会重新发送你的消息（那样会重复生成并重复扣费）。将在 {at}（{wait}后）检查项目，"
        "之后每 {every} 检查一次，最多 {checks} 次。{key_stop} 停止等待。",
    },
    "recover.waiting": {
        "en": "Stream dropped — next check of the project at {at} ({check}/{checks})",
        "zh": "连接中断——下一次检查项目在 {at}（{check}/{checks}）",
    },
    "recover.found": {"en": "Found what the service did: {changes}", "zh": "服务已完成的内容：{changes}"},
    "recover.placed": {"en": "Now on the timeline: {changes}", "zh": "已放到时间线上：{changes}"},
    "recover.gave_up": {
        "en": "Nothing changed in {checks} checks over about {total}.",
        "zh": "在约 {total}内检查了 {checks} 次，项目没有任何变化。",
    },
    "recover.unreachable": {
        "en": "Couldn't read the project twice in a row, so I stopped checking.",
        "zh": "连续两次无法读取项目，已停止检查。",
    },
    "recover.retry": {"en": "Send it again", "zh": "重新发送"},
    "recover.new_videos": {"en": "{n} new video(s) in the project", "zh": "项目中新增了 {n} 个视频"},
    "recover.new_media": {"en": "{n} new generated file(s)", "zh": "新生成了 {n} 个媒体文件"},
    "recover.state_changed": {"en": "the project's state changed", "zh": "项目状态有更新"},
    # -- one turn per session -----------------------------------------------------------------
    "lock.waiting": {
        "en": "Another turn is running in this session ({holder}); your message waits for it to finish.",
        "zh": "此会话中另一轮对话正在进行（{holder}）；你的消息会在它结束后发送。",
    },
    "lock.holder": {"en": "nemo-tui, process {pid} on {host}", "zh": "nemo-tui，{host} 上的进程 {pid}"},
    # -- the agent asked a question -----------------------------------------------------------
    "question.multi": {"en": "(pick one or more)", "zh": "（可多选）"},
    "question.default_title": {"en": "A question before I go on", "zh": "继续之前有个问题"},
    # -- two-stage generation: the backend adds things after the reply ---------------------
    "added.line": {
        "en": "The service added {what} on its own after the reply. To remove it, say “{hint}”.",
        "zh": "服务在回复之后自动添加了{what}。如需去掉，请说“{hint}”。",
    },
    "added.changed": {
        "en": "The project changed since the last reply: {changes}",
        "zh": "自上次回复以来项目有变化：{changes}",
    },
    "added.music": {"en": "background music {name}", "zh": "背景音乐{name}"},
    "added.title": {"en": "a title {name}", "zh": "标题{name}"},
    "added.video": {"en": "a clip {name}", "zh": "片段{name}"},
    "added.other": {"en": "effects", "zh": "特效"},
    "hint.music": {"en": "remove the music", "zh": "去掉音乐"},
    "hint.title": {"en": "remove the title", "zh": "去掉标题"},
    "hint.video": {"en": "remove the extra clip", "zh": "去掉多出的片段"},
    "hint.other": {"en": "remove the effects", "zh": "去掉特效"},
    # -- what things cost on the cloud ---------------------------------------------------------
    "cost.first": {
        "en": "Before the first generation: a generated clip (up to 15 s) costs about 100 credits, "
        "an editing session about 50, and exporting is free. The 100 free credits of this "
        "anonymous account are about one clip.",
        "zh": "第一次生成之前：生成一个片段（最长 15 秒）约需 100 积分，一次编辑约 50 积分，导出免费。"
        "这个匿名账户的 100 免费积分大约够生成一个片段。",
    },
    "cost.export_free": {"en": "Exporting is free.", "zh": "导出免费。"},
    # -- activity labels for tools (never the raw tool name) --------------------------------
    "activity.generate_video": {
        "en": "Generating video — usually 2–5 min",
        "zh": "正在生成视频——通常需要 2–5 分钟",
    },
    "activity.generate_music": {"en": "Generating music — 1–2 min", "zh": "正在生成音乐——约 1–2 分钟"},
    "activity.edit_multitrack": {"en": "Editing the timeline", "zh": "正在编辑时间线"},
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
    "export.resuming": {
        "en": "Resuming an export that was still running ({job}).",
        "zh": "继续之前未完成的导出（{job}）。",
    },
    "export.retrying": {
        "en": "The render failed on the server ({reason}); trying once more with a new render.",
        "zh": "服务器上的渲染失败（{reason}）；正在用新的渲染任务再试一次。",
    },
    "export.cancelled": {
        "en": "Export stopped; the render on the server was cancelled.",
        "zh": "导出已停止；服务器上的渲染已取消。",
    },
    "preview.no_session": {
        "en": "There is nothing to preview yet. Describe a video first.",
        "zh": "还没有可预览的内容。请先描述一个视频。",
    },
    "preview.empty": {
        "en": "Nothing to preview yet: the timeline is empty. Describe a video first.",
        "zh": "还没有可预览的内容：时间线为空。请先描述一个视频。",
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
    "confirm.preview": {"en": "Play a preview of the video here?", "zh": "在这里播放视频预览吗？"},
    "confirm.upload": {"en": "Upload {names}?", "zh": "上传 {names} 吗？"},
    # -- GUI phrases rewritten into what this app can do ------------------------------------
    "gui.export": {"en": "{key_export} to export your video.", "zh": "{key_export} 导出视频。"},
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
MESSAGES.update(COST_MESSAGES)


def has_chinese(text: str) -> bool:
    """Does `text` hold Chinese characters? (CJK ideographs: the cheap, certain part of language
    detection, for deciding before a reply starts that the app should speak Chinese.)"""
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


def t(key: str, lang: str | None = "en", **fmt: object) -> str:
    """The message `key` in `lang`, with `fmt` filled in. An unknown key is a programming error."""
    lang = norm_lang(lang)
    template = MESSAGES[key][lang]
    if "{key_" in template:
        fmt = {**{f"key_{action}": key_ref(action, lang) for action in KEY_ACTIONS}, **fmt}
    return template.format(**fmt) if fmt else template


# The actions core's messages may point the person at (the TUI's action ids).
KEY_ACTIONS = ("export", "stop")
_KEY_REF = re.compile(r"⟦(\w+):(en|zh)⟧")


def key_ref(action: str, lang: str) -> str:
    """A place in a message for "how to do `action`" (the language: the sentence's)."""
    return f"⟦{action}:{norm_lang(lang)}⟧"


def fill_key_refs(text: str, how: Callable[[str, str], str]) -> str:
    """Replace every key reference with `how(action, lang)`: "Press Ctrl+E", "Run nemo-tui export"."""
    if "⟦" not in text:
        return text
    return _KEY_REF.sub(lambda m: how(m[1], m[2]), text)


def format_seconds(seconds: float, lang: str | None = "en") -> str:
    """10 → "10 s", 2.5 → "2.5 s" (Chinese: "10 秒")."""
    value = f"{round(seconds, 1):.1f}".rstrip("0").rstrip(".")
    return f"{value} 秒" if norm_lang(lang) == "zh" else f"{value} s"


def format_wait(seconds: float, lang: str | None = "en") -> str:
    """A wait in words: 30 → "30 s", 60 → "1 min", 90 → "1.5 min" (Chinese: "30 秒", "1 分钟")."""
    zh = norm_lang(lang) == "zh"
    if seconds < 60:
        return format_seconds(seconds, lang)
    value = f"{round(seconds / 60, 1):.1f}".rstrip("0").rstrip(".")
    return f"{value} 分钟" if zh else f"{value} min"


def format_credits(value: float) -> str:
    """A credit amount as the chat and the status bar both show it: 100 → "100", 12.5 → "12.5",
    12.341 → "12.34" (the cloud's amounts are whole or hundredths)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_size(size_bytes: int) -> str:
    """Bytes in the largest unit that keeps a number ≥ 1 (1,536 → "1.5 KB")."""
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
