"""The TUI's own words (labels, hints), in English and Chinese; the actions' names and keys are in
ui/action_table.py.

Messages about the work itself (errors, confirmations, summaries) come from the Conversation already
translated (core.i18n); these are only the screen furniture the Conversation never sees, so they
live next to the widgets that use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..languages import norm_lang

_EN: dict[str, str] = {
    "app.sub_local": "local engine",
    "app.sub_cloud": "cloud",
    "app.sub_auto": "choosing backend…",
    "app.sub_fallback": "local engine (cloud unreachable)",
    "app.fell_back": "The NemoVideo cloud at {url} did not answer, so nemo-tui is using the local "
    "engine on this computer instead. Use --backend cloud to insist on the cloud.",
    "app.connect_failed": "Could not connect: {detail}. Quit ({keys[quit]}) and start nemo-tui again.",
    "app.not_connected": "Not connected to a backend; quit ({keys[quit]}) and start nemo-tui again.",
    "welcome.local": "nemo-tui makes and edits videos from what you type. Backend: the local engine on this "
    "computer — free (procedural clips, no AI model). Try one:",
    "welcome.cloud": "nemo-tui makes and edits videos from what you type. Backend: the NemoVideo cloud — about "
    "100 credits a generated clip, 50 an edit, exporting free. Try one:",
    "sessions.title": "Sessions",
    "sessions.search": "Search past messages (type, then Enter to open)",
    "sessions.empty": "No past sessions on this backend yet.",
    "sessions.no_match": "No message contains “{query}”.",
    "sessions.row": "{title}  ·  {when}  ·  {count} messages",
    "sessions.untitled": "(untitled)",
    "sessions.failed": "Could not read past sessions: {detail}",
    "sessions.current": "current",
    "sessions.hint": "Enter opens · Esc closes · type to search messages across sessions",
    "quote.balance": "Balance: {balance} credits.",
    "quote.not_sent": "Not sent, nothing spent. Your message is back in the prompt.",
    "quote.back": "Your message is back in the prompt.",
    "ledger.title": "Credit ledger",
    "ledger.columns": "When|Asked|Before → after|Change",
    "ledger.hint": "Esc closes · {keys[ledger]} again or nemo-tui ledger for the command line",
    "ledger.failed": "Could not read the ledger: {detail}",
    "jobs.title": "Jobs on this backend",
    "jobs.columns": "Started|Job|Kind|Status|File or prompt",
    "jobs.download": "d downloads it again",
    "jobs.retry": "r renders it again",
    "jobs.retry_other": "r opens its session and renders it again",
    "jobs.cancel": "c cancels it",
    "jobs.close": "Esc closes",
    "jobs.failed": "Could not read the jobs: {detail}",
    "jobs.stopping": "Stopping {job}…",
    "prompt.placeholder": "Describe a video or an edit ({keys[send]} sends · {keys[newline]} new line · {keys[help]} help)",
    "prompt.busy": "Still working on the last request. Wait for it, or press {keys[stop]} to stop it.",
    "chat.you": "You",
    "chat.assistant": "Nemo",
    "chat.new_output": "↓ new output ({keys[latest]})",
    "chat.cancelled": "Stopped. Your message is back in the prompt.",
    "chat.cancelled_action": "Stopped.",
    "chat.unexpected": "Something unexpected went wrong ({kind}). The app is still running; try again.",
    "activity.working": "Working",
    "status.credits": "Credits {available} available · {frozen} frozen · {total} total",
    "status.credits_unknown": "Credits —",
    "status.session": "Session {sid}",
    "status.no_session": "No session",
    "status.connecting": "connecting",
    "status.connected": "connected",
    "status.offline": "offline",
    "status.error": "error",
    "progress.render": "Rendering",
    "progress.download": "Downloading",
    "progress.upload": "Uploading",
    "timeline.title": "Timeline",
    "timeline.empty": "No timeline yet. Ask for a video and its tracks will show up here.",
    "timeline.video": "Video",
    "timeline.audio": "Audio",
    "timeline.text": "Text",
    "timeline.other": "Track",
    "timeline.copied": "Copied the timeline summary: {summary}",
    "timeline.nothing": "There is no timeline to copy yet.",
    "copy.reply": "Copied the last reply ({chars} characters) to the clipboard.",
    "copy.nothing": "There is no reply to copy yet.",
    "copy.link": "Copied the link (not opening a browser on the remote machine): {url}",
    "copy.link_no_display": "Copied the link (no display here to open a browser on): {url}",
    "open.link": "Opening the link: {url}",
    "copy.link_not_web": "Copied the link (it is not a web address, so it was not opened): {url}",
    "export.open_hint": "Press {keys[open_export]} to play it.",
    "export.none": "Nothing exported yet. Press {keys[export]} to export.",
    "export.ssh": "You're connected over SSH, so nothing can play here. The file is at {path} on {host}.",
    "export.no_player": "No system video player was found (xdg-open / open). The file is at {path}.",
    "export.open_failed": "Could not start the system player ({detail}). The file is at {path}.",
    "export.opening": "Opening {name} with the system player.",
    "upload.title": "Upload a file",
    "upload.hint": "Path or URL · Tab completes · Enter uploads · Esc cancels",
    "upload.placeholder": "~/Videos/clip.mp4 or https://…",
    "upload.no_matches": "No matching files.",
    "confirm.yes": "Yes (y)",
    "confirm.no": "No (n)",
    "help.title": "Keys",
    "help.close": "Esc or F1 closes this.",
    "help.palette": "{keys[palette]} opens the command palette with everything you can do now.",
    "help.history": "Up / Down on the first / last line recall earlier messages.",
    "help.newline": "{keys[newline]} adds a new line; {keys[send]} sends.",
    "help.hints": "Alt+letter (or the letter when the hints have focus) runs a suggested action.",
    "player.keys": "Space play/pause  ←/→ 1 s  Shift 5 s  ,/. frame  Esc back",
    "player.unreadable": "This video cannot be played here: {detail}",
    "preview.no_graphics": "Preview ready: {path} (NEMO_GRAPHICS=none: not drawn in the terminal).",
    "export.scp": "You're connected over SSH: the file is at {path} on {host}. To copy it to your "
    "computer, run there: {command}  (copied to the clipboard)",
    "help.queue": "Messages sent while a reply is running wait in a queue ({keys[drop_queued]} drops the last one).",
    "help.send_key": 'Typing with an IME that commits with Enter? send_key = "alt+enter" at the top of config.toml '
    "(or NEMO_SEND_KEY=alt+enter) makes Alt+Enter send and Enter a new line. Alt+Enter works in every terminal "
    'and in tmux; "ctrl+enter" only where the terminal reports Ctrl+Enter (kitty keyboard protocol, tmux '
    "extended-keys), else Ctrl+J sends. nemo-tui doctor checks it.",
    "help.cost": "Cloud costs: a generated clip (up to 15 s) about 100 credits, an editing session about 50, export free.",
    "question.title": "A question",
    "question.count": "Question {n} of {total}",
    "question.type": "…or type your own answer (Tab)",
    "question.multi": "(pick one or more)",
    "question.hint": "1–9 pick · ↑/↓ move · Enter confirms · Tab: type an answer · Esc skips",
    "question.hint_multi": "1–9 or Space toggle · ↑/↓ move · Enter confirms · Tab: type an answer · Esc skips",
    "question.hint_free": "Type your answer · Enter confirms · Esc skips",
    "question.skipped": "Skipped the question. Type an answer or a new request whenever you like.",
    "question.reopen": "The agent is waiting for an answer: press {keys[question]} to see its question again.",
    "queue.title": "Queued — sent when the current turn ends ({keys[drop_queued]} drops the last):",
    "queue.title_connecting": "Queued — will send when connected ({keys[drop_queued]} drops the last):",
    "queue.added": "A turn is running: your message is queued and will be sent when it ends. "
    "{keys[drop_queued]} drops it.",
    "queue.connecting": "Still connecting: your message is queued and will send when connected. "
    "{keys[drop_queued]} drops it.",
    "queue.not_connected": "Not sent: the app could not connect ({detail}). What you typed is back in the prompt.",
    "queue.dropped": "Dropped the queued message: {text}",
    "queue.dropped_back": "Dropped the queued message; it is back in the prompt.",
    "queue.nothing": "No queued message to drop.",
    "recover.waiting": "Stream dropped — next check at {at} ({check}/{checks}) · {keys[stop]} stops",
    "link.copied": "Copied the project's browser link (over SSH, open it on your own computer): {url}",
    "link.opening": "Opening the project in the browser (the link is also copied): {url}",
    "link.copied_only": "Copied the project's browser link (no browser here): {url}",
    "export.stopping": "Stopping the export…",
    "keys.press": "Press {shortcut}",
    "keys.unknown": "{path}: [keys] “{id}” is not an action that has a key (they are: {known}); ignored.",
    "keys.bad_key": '{path}: [keys] {id} = “{shortcut}” is not a key (write it like "ctrl+e", "alt+x" or "f5"); ignored.',
    "keys.plain": "{path}: [keys] {id} = “{shortcut}” has no Ctrl or Alt and would be typed into the prompt; ignored.",
    "keys.taken": "{path}: [keys] {id}: {shortcut} is already the key of {other}; ignored.",
    "keys.bad_send_key": '{source}: send_key = “{value}” is not "enter", "alt+enter" or "ctrl+enter"; {keys[send]} sends.',
    "keys.not_table": '{path}: [keys] must be a table of action = "key"; ignored.',
    "keys.not_toml": "{path} is not valid TOML ({detail}); using the default keys.",
    "keys.unreadable": "Could not read {path} ({detail}); using the default keys.",
}

_ZH: dict[str, str] = {
    "app.sub_local": "本地引擎",
    "app.sub_cloud": "云端",
    "app.sub_auto": "正在选择后端…",
    "app.sub_fallback": "本地引擎（云端无法连接）",
    "app.fell_back": "{url} 处的 NemoVideo 云端没有响应，nemo-tui 改用本机的本地引擎。"
    "如需强制使用云端，请用 --backend cloud。",
    "app.connect_failed": "无法连接：{detail}。请退出（{keys[quit]}）后重新启动 nemo-tui。",
    "app.not_connected": "未连接到后端；请退出（{keys[quit]}）后重新启动 nemo-tui。",
    "welcome.local": "nemo-tui 根据你输入的文字生成和编辑视频。后端：本机的本地引擎——免费（程序化片段，不是 AI 模型）。试试：",
    "welcome.cloud": "nemo-tui 根据你输入的文字生成和编辑视频。后端：NemoVideo 云端——生成一个片段约 100 积分，"
    "一次编辑约 50 积分，导出免费。试试：",
    "sessions.title": "会话",
    "sessions.search": "搜索过去的消息（输入后按 Enter 打开）",
    "sessions.empty": "此后端还没有过去的会话。",
    "sessions.no_match": "没有消息包含“{query}”。",
    "sessions.row": "{title}  ·  {when}  ·  {count} 条消息",
    "sessions.untitled": "（无标题）",
    "sessions.failed": "无法读取过去的会话：{detail}",
    "sessions.current": "当前",
    "sessions.hint": "Enter 打开 · Esc 关闭 · 输入文字搜索所有会话的消息",
    "quote.balance": "余额：{balance} 积分。",
    "quote.not_sent": "未发送，没有花费积分。你的消息已放回输入框。",
    "quote.back": "你的消息已放回输入框。",
    "ledger.title": "积分账本",
    "ledger.columns": "时间|请求|前 → 后|变化",
    "ledger.hint": "Esc 关闭 · 再按 {keys[ledger]} 也可关闭；命令行：nemo-tui ledger",
    "ledger.failed": "无法读取积分账本：{detail}",
    "jobs.title": "此后端的任务",
    "jobs.columns": "开始|任务|类型|状态|文件或提示",
    "jobs.download": "d 重新下载",
    "jobs.retry": "r 重新渲染",
    "jobs.retry_other": "r 打开其会话并重新渲染",
    "jobs.cancel": "c 取消",
    "jobs.close": "Esc 关闭",
    "jobs.failed": "无法读取任务：{detail}",
    "jobs.stopping": "正在停止 {job}…",
    "prompt.placeholder": "描述一个视频或修改（{keys[send]} 发送 · {keys[newline]} 换行 · {keys[help]} 帮助）",
    "prompt.busy": "上一个请求还在进行中。请稍候，或按 {keys[stop]} 停止。",
    "chat.you": "你",
    "chat.assistant": "Nemo",
    "chat.new_output": "↓ 有新内容（{keys[latest]}）",
    "chat.cancelled": "已停止。你的消息已放回输入框。",
    "chat.cancelled_action": "已停止。",
    "chat.unexpected": "发生了意外错误（{kind}）。应用仍在运行，请重试。",
    "activity.working": "处理中",
    "status.credits": "积分 可用 {available} · 冻结 {frozen} · 总计 {total}",
    "status.credits_unknown": "积分 —",
    "status.session": "会话 {sid}",
    "status.no_session": "无会话",
    "status.connecting": "连接中",
    "status.connected": "已连接",
    "status.offline": "离线",
    "status.error": "出错",
    "progress.render": "渲染中",
    "progress.download": "下载中",
    "progress.upload": "上传中",
    "timeline.title": "时间线",
    "timeline.empty": "还没有时间线。描述一个视频，轨道会显示在这里。",
    "timeline.video": "视频",
    "timeline.audio": "音频",
    "timeline.text": "文字",
    "timeline.other": "轨道",
    "timeline.copied": "已复制时间线摘要：{summary}",
    "timeline.nothing": "还没有可复制的时间线。",
    "copy.reply": "已将上一条回复（{chars} 个字符）复制到剪贴板。",
    "copy.nothing": "还没有可复制的回复。",
    "copy.link": "已复制链接（不在远程主机上打开浏览器）：{url}",
    "copy.link_no_display": "已复制链接（这里没有可打开浏览器的图形界面）：{url}",
    "open.link": "正在打开链接：{url}",
    "copy.link_not_web": "已复制链接（它不是网页地址，因此没有打开）：{url}",
    "export.open_hint": "按 {keys[open_export]} 播放。",
    "export.none": "还没有导出。按 {keys[export]} 导出。",
    "export.ssh": "你通过 SSH 连接，无法在此播放。文件位于 {host} 上的 {path}。",
    "export.no_player": "没有找到系统视频播放器（xdg-open / open）。文件位于 {path}。",
    "export.open_failed": "无法启动系统播放器（{detail}）。文件位于 {path}。",
    "export.opening": "正在用系统播放器打开 {name}。",
    "upload.title": "上传文件",
    "upload.hint": "路径或网址 · Tab 补全 · Enter 上传 · Esc 取消",
    "upload.placeholder": "~/Videos/clip.mp4 或 https://…",
    "upload.no_matches": "没有匹配的文件。",
    "confirm.yes": "是 (y)",
    "confirm.no": "否 (n)",
    "help.title": "按键",
    "help.close": "按 Esc 或 F1 关闭。",
    "help.palette": "{keys[palette]} 打开命令面板，列出当前可做的一切。",
    "help.history": "在第一行/最后一行按 上/下 可调出之前的消息。",
    "help.newline": "{keys[newline]} 换行；{keys[send]} 发送。",
    "help.hints": "Alt+字母（或提示获得焦点时直接按字母）执行建议的操作。",
    "player.keys": "空格 播放/暂停  ←/→ 1 秒  Shift 5 秒  ,/. 逐帧  Esc 返回",
    "player.unreadable": "无法在此播放该视频：{detail}",
    "preview.no_graphics": "预览已就绪：{path}（NEMO_GRAPHICS=none：不在终端中绘制）。",
    "export.scp": "你通过 SSH 连接：文件位于 {host} 上的 {path}。在你的电脑上运行以下命令复制文件：{command}（已复制到剪贴板）",
    "help.queue": "回复进行中发送的消息会排队等待（{keys[drop_queued]} 移除最后一条）。",
    "help.send_key": '用输入法（按 Enter 上屏）打字？在 config.toml 顶部写 send_key = "alt+enter"'
    "（或设置 NEMO_SEND_KEY=alt+enter），即改为 Alt+Enter 发送、Enter 换行。Alt+Enter 在所有终端和 tmux 中都可用；"
    '"ctrl+enter" 只在终端能报告 Ctrl+Enter 时可用（kitty 键盘协议、tmux extended-keys），否则用 Ctrl+J 发送。'
    "nemo-tui doctor 会检查这一设置。",
    "help.cost": "云端费用：生成一个片段（最长 15 秒）约 100 积分，一次编辑约 50 积分，导出免费。",
    "question.title": "一个问题",
    "question.count": "第 {n} 个问题，共 {total} 个",
    "question.type": "……或输入你自己的回答（Tab）",
    "question.multi": "（可多选）",
    "question.hint": "1–9 选择 · ↑/↓ 移动 · Enter 确认 · Tab 输入回答 · Esc 跳过",
    "question.hint_multi": "1–9 或空格 勾选 · ↑/↓ 移动 · Enter 确认 · Tab 输入回答 · Esc 跳过",
    "question.hint_free": "输入你的回答 · Enter 确认 · Esc 跳过",
    "question.skipped": "已跳过这个问题。随时可以输入回答或新的请求。",
    "question.reopen": "助手正在等待回答：按 {keys[question]} 再次查看问题。",
    "queue.title": "排队中——当前这一轮结束后发送（{keys[drop_queued]} 移除最后一条）：",
    "queue.title_connecting": "排队中——连接后发送（{keys[drop_queued]} 移除最后一条）：",
    "queue.added": "当前这一轮还在进行：你的消息已排队，结束后发送。按 {keys[drop_queued]} 可移除。",
    "queue.connecting": "仍在连接：你的消息已排队，连接后发送。按 {keys[drop_queued]} 可移除。",
    "queue.not_connected": "未发送：应用无法连接（{detail}）。你输入的内容已放回输入框。",
    "queue.dropped": "已移除排队的消息：{text}",
    "queue.dropped_back": "已移除排队的消息，内容已放回输入框。",
    "queue.nothing": "没有可移除的排队消息。",
    "recover.waiting": "连接中断——下一次检查在 {at}（{check}/{checks}）· {keys[stop]} 停止",
    "link.copied": "已复制项目的浏览器链接（通过 SSH 连接，请在你自己的电脑上打开）：{url}",
    "link.opening": "正在浏览器中打开项目（链接也已复制）：{url}",
    "link.copied_only": "已复制项目的浏览器链接（本机没有浏览器）：{url}",
    "export.stopping": "正在停止导出…",
    "keys.press": "按 {shortcut}",
    "keys.unknown": "{path}：[keys] 中的“{id}”不是有按键的操作（可用的有：{known}），已忽略。",
    "keys.bad_key": '{path}：[keys] {id} = “{shortcut}” 不是按键（请写成 "ctrl+e"、"alt+x" 或 "f5" 这样），已忽略。',
    "keys.plain": "{path}：[keys] {id} = “{shortcut}” 没有 Ctrl 或 Alt，会被当作文字输入到输入框，已忽略。",
    "keys.taken": "{path}：[keys] {id}：{shortcut} 已经是 {other} 的按键，已忽略。",
    "keys.bad_send_key": '{source}：send_key = “{value}” 不是 "enter"、"alt+enter" 或 "ctrl+enter"，按 {keys[send]} 发送。',
    "keys.not_table": '{path}：[keys] 必须是“操作 = "按键"”的表，已忽略。',
    "keys.not_toml": "{path} 不是有效的 TOML（{detail}），使用默认按键。",
    "keys.unreadable": "无法读取 {path}（{detail}），使用默认按键。",
}


def t(key: str, lang: str = "en", *, keys: Mapping[str, str] | None = None, **values: Any) -> str:
    """The UI string `key` in `lang` (falls back to English), with `{name}` filled from `values`.

    `{keys[export]}` is the key of an action (ui/action_table.py) as the person has it: `keys` is
    `ActionKeys.names` of the app (the defaults when not given).

    Values are plain text and are never parsed as markup by the caller (widgets render with
    `markup=False` / `Content`), so server-supplied names are safe to pass.
    """
    table = _ZH if norm_lang(lang) == "zh" else _EN
    template = table.get(key) or _EN.get(key) or key
    if "{keys[" in template:
        if keys is None:
            from .action_table import DEFAULT_KEYS

            keys = DEFAULT_KEYS.names
        values["keys"] = keys
    return template.format(**values) if values else template


def all_keys() -> set[str]:
    return set(_EN)


def missing_in(lang: str) -> set[str]:
    """Keys without a translation in `lang` (tests keep this empty for zh)."""
    table = _ZH if norm_lang(lang) == "zh" else _EN
    return {k for k in _EN if k not in table and k not in ("app.title",)}


def describe_error(error: BaseException | None, lang: str) -> str:
    """What went wrong, for a person: a NemoError's own words in `lang`, else a generic line."""
    user_message = getattr(error, "user_message", None)
    if callable(user_message):
        try:
            return str(user_message(lang))
        except Exception:  # a broken error class must not hide the failure itself
            pass
    return t("chat.unexpected", lang, kind=type(error).__name__ if error else "?")
