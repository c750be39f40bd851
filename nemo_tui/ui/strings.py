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

# key -> {language: text}, the shape core/i18n.py's MESSAGES has (one home, one shape).
STRINGS: dict[str, dict[str, str]] = {
    "app.sub_local": {"en": "local engine", "zh": "本地引擎"},
    "app.sub_cloud": {"en": "cloud", "zh": "云端"},
    "app.sub_auto": {"en": "choosing backend…", "zh": "正在选择后端…"},
    "app.sub_fallback": {"en": "local engine (cloud unreachable)", "zh": "本地引擎（云端无法连接）"},
    "app.fell_back": {
        "en": "The NemoVideo cloud at {url} did not answer, so nemo-tui is using the local engine on this computer instead. Use --backend cloud to insist on the cloud.",
        "zh": "{url} 处的 NemoVideo 云端没有响应，nemo-tui 改用本机的本地引擎。如需强制使用云端，请用 --backend cloud。",
    },
    "app.connect_failed": {
        "en": "Could not connect: {detail}. Quit ({keys[quit]}) and start nemo-tui again.",
        "zh": "无法连接：{detail}。请退出（{keys[quit]}）后重新启动 nemo-tui。",
    },
    "app.not_connected": {
        "en": "Not connected to a backend; quit ({keys[quit]}) and start nemo-tui again.",
        "zh": "未连接到后端；请退出（{keys[quit]}）后重新启动 nemo-tui。",
    },
    "welcome.local": {
        "en": "Type a video to make, or a change. The local engine is free. Try one:",
        "zh": "输入要做的视频或要改的地方；本机的本地引擎免费。试试：",
    },
    "welcome.cloud": {
        "en": "Type a video to make, or a change. NemoVideo cloud: about 100 credits a clip, 50 an edit, export free. Try one:",
        "zh": "输入要做的视频或要改的地方。NemoVideo 云端：生成片段约 100 积分，编辑约 50 积分，导出免费。试试：",
    },
    "sessions.title": {"en": "Sessions", "zh": "会话"},
    "sessions.search": {
        "en": "Search past messages (type, then Enter to open)",
        "zh": "搜索过去的消息（输入后按 Enter 打开）",
    },
    "sessions.empty": {"en": "No past sessions on this backend yet.", "zh": "此后端还没有过去的会话。"},
    "sessions.no_match": {"en": "No message contains “{query}”.", "zh": "没有消息包含“{query}”。"},
    "sessions.row": {
        "en": "{title}  ·  {when}  ·  {count} messages",
        "zh": "{title}  ·  {when}  ·  {count} 条消息",
    },
    "sessions.untitled": {"en": "(untitled)", "zh": "（无标题）"},
    "sessions.failed": {"en": "Could not read past sessions: {detail}", "zh": "无法读取过去的会话：{detail}"},
    "sessions.current": {"en": "current", "zh": "当前"},
    "sessions.hint": {
        "en": "Enter opens · Esc closes · type to search messages across sessions",
        "zh": "Enter 打开 · Esc 关闭 · 输入文字搜索所有会话的消息",
    },
    "quote.balance": {"en": "Balance: {balance} credits.", "zh": "余额：{balance} 积分。"},
    "quote.not_sent": {
        "en": "Not sent, nothing spent. Your message is back in the prompt.",
        "zh": "未发送，没有花费积分。你的消息已放回输入框。",
    },
    "quote.back": {"en": "Your message is back in the prompt.", "zh": "你的消息已放回输入框。"},
    "ledger.title": {"en": "Credit ledger", "zh": "积分账本"},
    "ledger.columns": {"en": "When|Asked|Before → after|Change", "zh": "时间|请求|前 → 后|变化"},
    "ledger.hint": {
        "en": "Esc closes · {keys[ledger]} again or nemo-tui ledger for the command line",
        "zh": "Esc 关闭 · 再按 {keys[ledger]} 也可关闭；命令行：nemo-tui ledger",
    },
    "ledger.failed": {"en": "Could not read the ledger: {detail}", "zh": "无法读取积分账本：{detail}"},
    "jobs.title": {"en": "Jobs on this backend", "zh": "此后端的任务"},
    "jobs.columns": {"en": "Started|Job|Kind|Status|File or prompt", "zh": "开始|任务|类型|状态|文件或提示"},
    "jobs.download": {"en": "d downloads it again", "zh": "d 重新下载"},
    "jobs.retry": {"en": "r renders it again", "zh": "r 重新渲染"},
    "jobs.retry_other": {"en": "r opens its session and renders it again", "zh": "r 打开其会话并重新渲染"},
    "jobs.cancel": {"en": "c cancels it", "zh": "c 取消"},
    "jobs.close": {"en": "Esc closes", "zh": "Esc 关闭"},
    "jobs.failed": {"en": "Could not read the jobs: {detail}", "zh": "无法读取任务：{detail}"},
    "jobs.stopping": {"en": "Stopping {job}…", "zh": "正在停止 {job}…"},
    "prompt.placeholder": {
        "en": "Describe a video or an edit ({keys[send]} sends · {keys[newline]} new line · {keys[help]} help)",
        "zh": "描述一个视频或修改（{keys[send]} 发送 · {keys[newline]} 换行 · {keys[help]} 帮助）",
    },
    "prompt.busy": {
        "en": "Still working on the last request. Wait for it, or press {keys[stop]} to stop it.",
        "zh": "上一个请求还在进行中。请稍候，或按 {keys[stop]} 停止。",
    },
    "chat.you": {"en": "You", "zh": "你"},
    "chat.assistant": {"en": "Nemo", "zh": "Nemo"},
    "chat.new_output": {"en": "↓ new output ({keys[latest]})", "zh": "↓ 有新内容（{keys[latest]}）"},
    "chat.cancelled": {
        "en": "Stopped. Your message is back in the prompt.",
        "zh": "已停止。你的消息已放回输入框。",
    },
    "chat.cancelled_action": {"en": "Stopped.", "zh": "已停止。"},
    "chat.unexpected": {
        "en": "Something unexpected went wrong ({kind}). The app is still running; try again.",
        "zh": "发生了意外错误（{kind}）。应用仍在运行，请重试。",
    },
    "activity.working": {"en": "Working", "zh": "处理中"},
    "status.credits": {
        "en": "Credits {available} available · {frozen} frozen · {total} total",
        "zh": "积分 可用 {available} · 冻结 {frozen} · 总计 {total}",
    },
    "status.credits_unknown": {"en": "Credits —", "zh": "积分 —"},
    "status.session": {"en": "Session {sid}", "zh": "会话 {sid}"},
    "status.no_session": {"en": "No session", "zh": "无会话"},
    "status.connecting": {"en": "connecting", "zh": "连接中"},
    "status.connected": {"en": "connected", "zh": "已连接"},
    "status.offline": {"en": "offline", "zh": "离线"},
    "status.error": {"en": "error", "zh": "出错"},
    "progress.render": {"en": "Rendering", "zh": "渲染中"},
    "progress.download": {"en": "Downloading", "zh": "下载中"},
    "progress.upload": {"en": "Uploading", "zh": "上传中"},
    "timeline.title": {"en": "Timeline", "zh": "时间线"},
    "timeline.empty": {
        "en": "No timeline yet. Ask for a video and its tracks will show up here.",
        "zh": "还没有时间线。描述一个视频，轨道会显示在这里。",
    },
    "timeline.video": {"en": "Video", "zh": "视频"},
    "timeline.audio": {"en": "Audio", "zh": "音频"},
    "timeline.text": {"en": "Text", "zh": "文字"},
    "timeline.other": {"en": "Track", "zh": "轨道"},
    "timeline.copied": {"en": "Copied the timeline summary: {summary}", "zh": "已复制时间线摘要：{summary}"},
    "timeline.nothing": {"en": "There is no timeline to copy yet.", "zh": "还没有可复制的时间线。"},
    "copy.reply": {
        "en": "Copied the last reply ({chars} characters) to the clipboard.",
        "zh": "已将上一条回复（{chars} 个字符）复制到剪贴板。",
    },
    "copy.nothing": {"en": "There is no reply to copy yet.", "zh": "还没有可复制的回复。"},
    "copy.link": {
        "en": "Copied the link (not opening a browser on the remote machine): {url}",
        "zh": "已复制链接（不在远程主机上打开浏览器）：{url}",
    },
    "copy.link_no_display": {
        "en": "Copied the link (no display here to open a browser on): {url}",
        "zh": "已复制链接（这里没有可打开浏览器的图形界面）：{url}",
    },
    "open.link": {"en": "Opening the link: {url}", "zh": "正在打开链接：{url}"},
    "copy.link_not_web": {
        "en": "Copied the link (it is not a web address, so it was not opened): {url}",
        "zh": "已复制链接（它不是网页地址，因此没有打开）：{url}",
    },
    "export.open_hint": {
        "en": "Press {keys[open_export]} to play it.",
        "zh": "按 {keys[open_export]} 播放。",
    },
    "export.none": {
        "en": "Nothing exported yet. Press {keys[export]} to export.",
        "zh": "还没有导出。按 {keys[export]} 导出。",
    },
    "export.ssh": {
        "en": "You're connected over SSH, so nothing can play here. The file is at {path} on {host}.",
        "zh": "你通过 SSH 连接，无法在此播放。文件位于 {host} 上的 {path}。",
    },
    "export.no_player": {
        "en": "No system video player was found (xdg-open / open). The file is at {path}.",
        "zh": "没有找到系统视频播放器（xdg-open / open）。文件位于 {path}。",
    },
    "export.open_failed": {
        "en": "Could not start the system player ({detail}). The file is at {path}.",
        "zh": "无法启动系统播放器（{detail}）。文件位于 {path}。",
    },
    "export.opening": {"en": "Opening {name} with the system player.", "zh": "正在用系统播放器打开 {name}。"},
    "upload.title": {"en": "Upload a file", "zh": "上传文件"},
    "upload.hint": {
        "en": "Path or URL · Tab completes · Enter uploads · Esc cancels",
        "zh": "路径或网址 · Tab 补全 · Enter 上传 · Esc 取消",
    },
    "upload.placeholder": {"en": "~/Videos/clip.mp4 or https://…", "zh": "~/Videos/clip.mp4 或 https://…"},
    "upload.no_matches": {"en": "No matching files.", "zh": "没有匹配的文件。"},
    "confirm.yes": {"en": "Yes (y)", "zh": "是 (y)"},
    "confirm.no": {"en": "No (n)", "zh": "否 (n)"},
    "help.title": {"en": "Keys", "zh": "按键"},
    "help.close": {"en": "Esc or F1 closes this.", "zh": "按 Esc 或 F1 关闭。"},
    "help.palette": {
        "en": "{keys[palette]} opens the command palette with everything you can do now.",
        "zh": "{keys[palette]} 打开命令面板，列出当前可做的一切。",
    },
    "help.history": {
        "en": "Up / Down on the first / last line recall earlier messages.",
        "zh": "在第一行/最后一行按 上/下 可调出之前的消息。",
    },
    "help.newline": {
        "en": "{keys[newline]} adds a new line; {keys[send]} sends.",
        "zh": "{keys[newline]} 换行；{keys[send]} 发送。",
    },
    "help.hints": {
        "en": "Alt+letter (or the letter when the hints have focus) runs a suggested action.",
        "zh": "Alt+字母（或提示获得焦点时直接按字母）执行建议的操作。",
    },
    "player.keys": {
        "en": "Space play/pause  ←/→ 1 s  Shift 5 s  ,/. frame  Esc back",
        "zh": "空格 播放/暂停  ←/→ 1 秒  Shift 5 秒  ,/. 逐帧  Esc 返回",
    },
    "player.unreadable": {
        "en": "This video cannot be played here: {detail}",
        "zh": "无法在此播放该视频：{detail}",
    },
    "preview.no_graphics": {
        "en": "Preview ready: {path} (NEMO_GRAPHICS=none: not drawn in the terminal).",
        "zh": "预览已就绪：{path}（NEMO_GRAPHICS=none：不在终端中绘制）。",
    },
    "export.scp": {
        "en": "You're connected over SSH: the file is at {path} on {host}. To copy it to your computer, run there: {command}  (copied to the clipboard)",
        "zh": "你通过 SSH 连接：文件位于 {host} 上的 {path}。在你的电脑上运行以下命令复制文件：{command}（已复制到剪贴板）",
    },
    "help.queue": {
        "en": "Messages sent while a reply is running wait in a queue ({keys[drop_queued]} drops the last one).",
        "zh": "回复进行中发送的消息会排队等待（{keys[drop_queued]} 移除最后一条）。",
    },
    "help.send_key": {
        "en": 'Typing with an IME that commits with Enter? send_key = "alt+enter" at the top of config.toml (or NEMO_SEND_KEY=alt+enter) makes Alt+Enter send and Enter a new line. Alt+Enter works in every terminal and in tmux; "ctrl+enter" only where the terminal reports Ctrl+Enter (kitty keyboard protocol, tmux extended-keys), else Ctrl+J sends. nemo-tui doctor checks it.',
        "zh": '用输入法（按 Enter 上屏）打字？在 config.toml 顶部写 send_key = "alt+enter"（或设置 NEMO_SEND_KEY=alt+enter），即改为 Alt+Enter 发送、Enter 换行。Alt+Enter 在所有终端和 tmux 中都可用；"ctrl+enter" 只在终端能报告 Ctrl+Enter 时可用（kitty 键盘协议、tmux extended-keys），否则用 Ctrl+J 发送。nemo-tui doctor 会检查这一设置。',
    },
    "help.cost": {
        "en": "Cloud costs: a generated clip (up to 15 s) about 100 credits, an editing session about 50, export free.",
        "zh": "云端费用：生成一个片段（最长 15 秒）约 100 积分，一次编辑约 50 积分，导出免费。",
    },
    "question.title": {"en": "A question", "zh": "一个问题"},
    "question.count": {"en": "Question {n} of {total}", "zh": "第 {n} 个问题，共 {total} 个"},
    "question.type": {"en": "…or type your own answer (Tab)", "zh": "……或输入你自己的回答（Tab）"},
    "question.multi": {"en": "(pick one or more)", "zh": "（可多选）"},
    "question.hint": {
        "en": "1–9 pick · ↑/↓ move · Enter confirms · Tab: type an answer · Esc skips",
        "zh": "1–9 选择 · ↑/↓ 移动 · Enter 确认 · Tab 输入回答 · Esc 跳过",
    },
    "question.hint_multi": {
        "en": "1–9 or Space toggle · ↑/↓ move · Enter confirms · Tab: type an answer · Esc skips",
        "zh": "1–9 或空格 勾选 · ↑/↓ 移动 · Enter 确认 · Tab 输入回答 · Esc 跳过",
    },
    "question.hint_free": {
        "en": "Type your answer · Enter confirms · Esc skips",
        "zh": "输入你的回答 · Enter 确认 · Esc 跳过",
    },
    "question.skipped": {
        "en": "Skipped the question. Type an answer or a new request whenever you like.",
        "zh": "已跳过这个问题。随时可以输入回答或新的请求。",
    },
    "question.reopen": {
        "en": "The agent is waiting for an answer: press {keys[question]} to see its question again.",
        "zh": "助手正在等待回答：按 {keys[question]} 再次查看问题。",
    },
    "queue.title": {
        "en": "Queued — sent when the current turn ends ({keys[drop_queued]} drops the last):",
        "zh": "排队中——当前这一轮结束后发送（{keys[drop_queued]} 移除最后一条）：",
    },
    "queue.title_connecting": {
        "en": "Queued — will send when connected ({keys[drop_queued]} drops the last):",
        "zh": "排队中——连接后发送（{keys[drop_queued]} 移除最后一条）：",
    },
    "queue.added": {
        "en": "A turn is running: your message is queued and will be sent when it ends. {keys[drop_queued]} drops it.",
        "zh": "当前这一轮还在进行：你的消息已排队，结束后发送。按 {keys[drop_queued]} 可移除。",
    },
    "queue.connecting": {
        "en": "Still connecting: your message is queued and will send when connected. {keys[drop_queued]} drops it.",
        "zh": "仍在连接：你的消息已排队，连接后发送。按 {keys[drop_queued]} 可移除。",
    },
    "queue.not_connected": {
        "en": "Not sent: the app could not connect ({detail}). What you typed is back in the prompt.",
        "zh": "未发送：应用无法连接（{detail}）。你输入的内容已放回输入框。",
    },
    "queue.dropped": {"en": "Dropped the queued message: {text}", "zh": "已移除排队的消息：{text}"},
    "queue.dropped_back": {
        "en": "Dropped the queued message; it is back in the prompt.",
        "zh": "已移除排队的消息，内容已放回输入框。",
    },
    "queue.nothing": {"en": "No queued message to drop.", "zh": "没有可移除的排队消息。"},
    "recover.waiting": {
        "en": "Stream dropped — next check at {at} ({check}/{checks}) · {keys[stop]} stops",
        "zh": "连接中断——下一次检查在 {at}（{check}/{checks}）· {keys[stop]} 停止",
    },
    "link.copied": {
        "en": "Copied the project's browser link (over SSH, open it on your own computer): {url}",
        "zh": "已复制项目的浏览器链接（通过 SSH 连接，请在你自己的电脑上打开）：{url}",
    },
    "link.opening": {
        "en": "Opening the project in the browser (the link is also copied): {url}",
        "zh": "正在浏览器中打开项目（链接也已复制）：{url}",
    },
    "link.copied_only": {
        "en": "Copied the project's browser link (no browser here): {url}",
        "zh": "已复制项目的浏览器链接（本机没有浏览器）：{url}",
    },
    "export.stopping": {"en": "Stopping the export…", "zh": "正在停止导出…"},
    "keys.press": {"en": "Press {shortcut}", "zh": "按 {shortcut}"},
    "keys.unknown": {
        "en": "{path}: [keys] “{id}” is not an action that has a key (they are: {known}); ignored.",
        "zh": "{path}：[keys] 中的“{id}”不是有按键的操作（可用的有：{known}），已忽略。",
    },
    "keys.bad_key": {
        "en": '{path}: [keys] {id} = “{shortcut}” is not a key (write it like "ctrl+e", "alt+x" or "f5"); ignored.',
        "zh": '{path}：[keys] {id} = “{shortcut}” 不是按键（请写成 "ctrl+e"、"alt+x" 或 "f5" 这样），已忽略。',
    },
    "keys.plain": {
        "en": "{path}: [keys] {id} = “{shortcut}” has no Ctrl or Alt and would be typed into the prompt; ignored.",
        "zh": "{path}：[keys] {id} = “{shortcut}” 没有 Ctrl 或 Alt，会被当作文字输入到输入框，已忽略。",
    },
    "keys.taken": {
        "en": "{path}: [keys] {id}: {shortcut} is already the key of {other}; ignored.",
        "zh": "{path}：[keys] {id}：{shortcut} 已经是 {other} 的按键，已忽略。",
    },
    "keys.bad_send_key": {
        "en": '{source}: send_key = “{value}” is not "enter", "alt+enter" or "ctrl+enter"; {keys[send]} sends.',
        "zh": '{source}：send_key = “{value}” 不是 "enter"、"alt+enter" 或 "ctrl+enter"，按 {keys[send]} 发送。',
    },
    "keys.not_table": {
        "en": '{path}: [keys] must be a table of action = "key"; ignored.',
        "zh": '{path}：[keys] 必须是“操作 = "按键"”的表，已忽略。',
    },
    "keys.not_toml": {
        "en": "{path} is not valid TOML ({detail}); using the default keys.",
        "zh": "{path} 不是有效的 TOML（{detail}），使用默认按键。",
    },
    "keys.unreadable": {
        "en": "Could not read {path} ({detail}); using the default keys.",
        "zh": "无法读取 {path}（{detail}），使用默认按键。",
    },
}


def t(key: str, lang: str = "en", *, keys: Mapping[str, str] | None = None, **values: Any) -> str:
    """The UI string `key` in `lang` (falls back to English), with `{name}` filled from `values`.

    `{keys[export]}` is the key of an action (ui/action_table.py) as the person has it: `keys` is
    `ActionKeys.names` of the app (the defaults when not given).

    Values are plain text and are never parsed as markup by the caller (widgets render with
    `markup=False` / `Content`), so server-supplied names are safe to pass.
    """
    texts = STRINGS.get(key, {})
    template = texts.get(norm_lang(lang)) or texts.get("en") or key
    if "{keys[" in template:
        if keys is None:
            from .action_table import DEFAULT_KEYS

            keys = DEFAULT_KEYS.names
        values["keys"] = keys
    return template.format(**values) if values else template


def all_keys() -> set[str]:
    return set(STRINGS)


def missing_in(lang: str) -> set[str]:
    """Keys without a translation in `lang` (tests keep this empty for zh)."""
    lang = norm_lang(lang)
    return {k for k, texts in STRINGS.items() if lang not in texts and k not in ("app.title",)}


def describe_error(error: BaseException | None, lang: str) -> str:
    """What went wrong, for a person: a NemoError's own words in `lang`, else a generic line."""
    user_message = getattr(error, "user_message", None)
    if callable(user_message):
        try:
            return str(user_message(lang))
        except Exception:  # a broken error class must not hide the failure itself
            pass
    return t("chat.unexpected", lang, kind=type(error).__name__ if error else "?")
