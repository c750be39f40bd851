"""Every action a key or the command palette runs, declared once: its id (the Binding id, and the
name `config.toml`'s `[keys]` table uses), its default key(s), its words in English and Chinese,
and where it shows (footer, palette, help). The app's and the widgets' BINDINGS, the palette, the
help screen, the footer labels and every hint that names a key are derived from this table; a
person's remapped keys (ui/key_config.py, Textual's keymap) reach all of them through `ActionKeys`.

A new feature's key is one row here plus its `action_…` method (a preview player on F5:
`Action("preview", "preview", "f5", Words("Preview", "预览"), Words(…), Words(…), shows=EVERYWHERE)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Flag, auto
from typing import Literal

from textual.binding import Binding, BindingType
from textual.keys import Keys, format_key

from ..languages import norm_lang

# Whose BINDINGS a row belongs to. "prompt" keys are handled by the prompt itself (a TextArea's
# Enter must be taken before its own key handler) and "textual" is the framework's command palette:
# both are described here (help, hints) but cannot be remapped.
Scope = Literal["app", "chat", "timeline", "hints", "prompt", "textual"]
REMAPPABLE: frozenset[Scope] = frozenset({"app", "chat", "timeline", "hints"})


class Shows(Flag):
    NOWHERE = 0
    FOOTER = auto()
    PALETTE = auto()
    HELP = auto()


EVERYWHERE = Shows.FOOTER | Shows.PALETTE | Shows.HELP


@dataclass(frozen=True)
class Words:
    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if norm_lang(lang) == "zh" else self.en


@dataclass(frozen=True)
class Action:
    id: str  # the Binding id; what config.toml's [keys] names
    run: str  # the Textual action (on the scope's node; the palette runs it on the app)
    keys: str = ""  # default key(s), Textual's spelling, comma-separated; "" = palette only
    label: Words | None = None  # footer and help
    title: Words | None = None  # palette
    help: Words | None = None  # palette, under the title
    shows: Shows = Shows.NOWHERE
    scope: Scope = "app"
    # App keys win wherever the focus is: the prompt (a TextArea) has its own ctrl+e/u/y/... meanings.
    priority: bool = True


ACTIONS: tuple[Action, ...] = (
    # -- the prompt's own keys and the framework's palette: described, not bound here ---------------
    # Not priority: a priority binding runs from the app's queue, ahead of the keys still waiting in the
    # prompt's, so a message and its Enter arriving in one burst (tmux send-keys, a paste, a fast
    # typist over SSH) would be sent cut short. PromptInput._on_key takes them in order instead.
    Action("send", "submit", "enter", Words("Send", "发送"), shows=Shows.HELP, scope="prompt", priority=False),
    Action(
        "newline", "newline", "ctrl+j,alt+enter", Words("New line", "换行"),
        shows=Shows.HELP, scope="prompt", priority=False,
    ),
    # -- the app's actions ---------------------------------------------------------------------------
    Action(
        "export", "export", "ctrl+e", Words("Export", "导出"),
        Words("Export the video", "导出视频"),
        Words("Render the timeline to an MP4 and download it", "将时间线渲染为 MP4 并下载"),
        EVERYWHERE,
    ),
    Action(
        "upload", "upload", "ctrl+u", Words("Upload", "上传"),
        Words("Upload a file or URL", "上传文件或网址"),
        Words("Add a video, image or audio file to this session", "向此会话添加视频、图片或音频文件"),
        EVERYWHERE,
    ),
    Action(
        "credits", "credits", title=Words("Check credits", "查看积分"),
        help=Words("Ask the backend for the current balance", "向后端查询当前余额"), shows=Shows.PALETTE,
    ),
    Action(
        "state", "state", title=Words("Show the timeline state", "显示时间线状态"),
        help=Words("Ask the backend for the session's tracks", "向后端查询会话的轨道"), shows=Shows.PALETTE,
    ),
    Action(
        "timeline", "focus_timeline", "ctrl+t", Words("Timeline", "时间线"),
        Words("Focus the timeline", "聚焦时间线"),
        Words("Move the keyboard focus to the timeline", "将键盘焦点移到时间线"),
        EVERYWHERE,
    ),
    Action(
        "new_session", "new_session", "ctrl+n", Words("New session", "新会话"),
        Words("Start a new session", "开始新会话"),
        Words("A fresh project with an empty timeline", "一个时间线为空的新项目"),
        EVERYWHERE,
    ),
    # Not in the footer (it would push F1 off an 80-column one): F1 help and the palette list it.
    Action(
        "sessions", "sessions", "ctrl+s", Words("Sessions", "会话"),
        Words("Switch session / search history", "切换会话 / 搜索历史"),
        Words("List past sessions, reopen one, or search past messages", "列出过去的会话、重新打开，或搜索过去的消息"),
        Shows.PALETTE | Shows.HELP,
    ),
    # Issue 14: what things cost and every job, in the palette and F1 (no room in the footer).
    Action(
        "ledger", "ledger", "ctrl+l", Words("Credit ledger", "积分账本"),
        Words("Credit ledger", "积分账本"),
        Words("What each turn of this session cost (balance before → after) and the totals", "本会话每一轮的花费（前后余额）与合计"),
        Shows.PALETTE | Shows.HELP,
    ),
    Action(
        "jobs", "jobs", "ctrl+r", Words("Jobs", "任务"),
        Words("Jobs: exports, previews, generations", "任务：导出、预览、生成"),
        Words("Progress and time left; download again, retry a failed export, cancel a render", "进度与剩余时间；重新下载、重试失败的导出、取消渲染"),
        Shows.PALETTE | Shows.HELP,
    ),
    Action(
        "copy_reply", "copy_reply", "ctrl+y", Words("Copy reply", "复制回复"),
        Words("Copy the last reply", "复制上一条回复"),
        Words("Put the assistant's last reply on the clipboard (OSC 52)", "将助手的上一条回复放到剪贴板（OSC 52）"),
        EVERYWHERE,
    ),
    Action(
        "copy_summary", "copy_summary", "y", Words("Copy summary", "复制摘要"),
        Words("Copy the timeline summary", "复制时间线摘要"),
        Words("Put the one-line timeline summary on the clipboard", "将一行时间线摘要放到剪贴板"),
        EVERYWHERE, scope="timeline", priority=False,
    ),
    Action(
        "open_export", "open_export", "ctrl+o", Words("Play export", "播放导出"),
        Words("Play the last export", "播放上次导出"),
        Words("Open the last exported MP4 with the system player", "用系统播放器打开上次导出的 MP4"),
        EVERYWHERE,
    ),
    # Not in the footer (an 80-column one has no room): F1 help and the palette list it.
    Action(
        "preview", "preview", "f5", Words("Preview", "预览"),
        Words("Preview", "预览"),
        Words("Render a quick preview of the draft and play it here", "快速渲染草稿预览并在此播放"),
        Shows.PALETTE | Shows.HELP,
    ),
    Action(
        "stop", "stop", "ctrl+g", Words("Stop", "停止"),
        Words("Stop the current request", "停止当前请求"),
        Words("Cancel what is running now", "取消正在进行的操作"),
        EVERYWHERE,
    ),
    Action(
        "help", "help", "f1", Words("Help", "帮助"),
        Words("Show keys", "显示按键"), Words("The key bindings and tips", "按键说明和提示"),
        EVERYWHERE, priority=False,
    ),
    Action("quit", "quit", "ctrl+q", Words("Quit", "退出"), shows=Shows.FOOTER | Shows.HELP),
    Action(
        "open_browser", "open_browser", title=Words("Open the project in the browser", "在浏览器中打开项目"),
        help=Words(
            "Get a claim link for this project (copied; opened when a browser is here)",
            "获取此项目的认领链接（已复制；本机有浏览器时直接打开）",
        ),
        shows=Shows.PALETTE,
    ),
    Action(
        "doctor", "doctor", title=Words("Doctor: check terminal, fonts, ffmpeg, backends", "诊断：检查终端、字体、ffmpeg、后端"),
        help=Words(
            "Why something looks wrong here, and the command or setting that fixes it",
            "找出这里显示异常的原因，以及修复它的命令或设置",
        ),
        shows=Shows.PALETTE,
    ),
    Action("palette", "command_palette", "ctrl+p", Words("Command palette", "命令面板"), shows=Shows.HELP, scope="textual"),
    Action("latest", "follow_chat", "ctrl+end", Words("Latest", "最新")),
    # -- the suggestion hints under a reply: Alt+letter anywhere, the letter when they have focus ----
    Action("suggest_export", "suggestion('export')", "alt+e"),
    Action("suggest_state", "suggestion('state')", "alt+s"),
    Action("suggest_timeline", "suggestion('timeline')", "alt+t"),
    Action("suggest_credits", "suggestion('credits')", "alt+c"),
    Action("suggest_send", "suggestion('send')", "alt+g"),
    Action(
        "retry", "suggestion('retry')", "alt+r",
        Words("Send the message again (after a dropped stream)", "重新发送消息（连接中断后）"), shows=Shows.HELP,
    ),
    Action(
        "drop_queued", "drop_queued", "alt+x", Words("Drop the last queued message", "移除最后一条排队消息"),
        Words("Drop the last queued message", "移除最后一条排队消息"),
        Words("Cancel the most recent message waiting for the current turn", "取消最近一条等待当前这一轮结束的消息"),
        Shows.PALETTE | Shows.HELP,
    ),
    Action(
        "question", "question_again", "alt+a", Words("Show the agent's question again", "再次查看助手的问题"),
        Words("Answer the agent's question", "回答助手的问题"),
        Words("Show the question the agent is waiting on", "显示助手正在等待回答的问题"),
        Shows.PALETTE | Shows.HELP,
    ),
    # The first run's example prompts (ui/welcome.py): picking one puts it in the prompt.
    Action("suggest_example1", "suggestion('example1')", "alt+1"),
    Action("suggest_example2", "suggestion('example2')", "alt+2"),
    Action("suggest_example3", "suggestion('example3')", "alt+3"),
    Action("hints.export", "choose('export')", "e", scope="hints", priority=False),
    Action("hints.example1", "choose('example1')", "1", scope="hints", priority=False),
    Action("hints.example2", "choose('example2')", "2", scope="hints", priority=False),
    Action("hints.example3", "choose('example3')", "3", scope="hints", priority=False),
    Action("hints.state", "choose('state')", "s", scope="hints", priority=False),
    Action("hints.timeline", "choose('timeline')", "t", scope="hints", priority=False),
    Action("hints.credits", "choose('credits')", "c", scope="hints", priority=False),
    Action("hints.send", "choose('send')", "g", scope="hints", priority=False),
    Action("hints.retry", "choose('retry')", "r", scope="hints", priority=False),
    # -- the chat log, when it has focus --------------------------------------------------------------
    Action("chat.latest", "follow", "end", Words("Latest", "最新"), scope="chat", priority=False),
    Action("chat.top", "scroll_home", "home", scope="chat", priority=False),
    Action("chat.open_export", "app.open_export", "o", Words("Play export", "播放导出"), scope="chat", priority=False),
    Action("chat.copy_reply", "app.copy_reply", "y", Words("Copy reply", "复制回复"), scope="chat", priority=False),
    Action(
        "timeline.back", "app.focus_prompt", "escape", Words("Back to prompt", "回到输入框"),
        scope="timeline", priority=False,
    ),
)  # fmt: skip

# Keys with a name of their own (not a character's): "end", "f5", "escape", "space"...
NAMED_KEYS = frozenset(k.value for k in Keys if "+" not in k.value)
BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}


def bindings_for(scope: Scope) -> list[BindingType]:
    """The BINDINGS of one scope's node, in table order (the footer's order)."""
    return [
        Binding(
            a.keys,
            a.run,
            a.label.en if a.label else "",
            show=Shows.FOOTER in a.shows,
            id=a.id,
            priority=a.priority,
        )
        for a in ACTIONS
        if a.scope == scope and a.keys  # palette-only actions have no key to bind
    ]


def key_name(key: str) -> str:
    """How a key is written for people: "ctrl+e" → "Ctrl+E", "f1" → "F1", "ctrl+end" → "Ctrl+End",
    "question_mark" → "?"; a bare letter stays as typed ("y")."""
    *modifiers, base = key.split("+")
    if base in NAMED_KEYS:
        base = base.upper() if base[0] == "f" and base[1:].isdigit() else base.capitalize()
    elif len(base) > 1:
        base = format_key(base)  # a character's name: the character
    elif modifiers:
        base = base.upper()
    return "+".join([*(m.capitalize() for m in modifiers), base])


def send_key_overrides(send_key: str) -> dict[str, str]:
    """The prompt's send / new-line keys under the send_key setting (core/send_key.py), as
    ActionKeys overrides, so the prompt, F1 and the placeholder all name the keys in force. Many
    terminals send Ctrl+Enter as Ctrl+J (a line feed): with "ctrl+enter" that sends too."""
    if send_key == "alt+enter":
        return {"send": "alt+enter", "newline": "enter,ctrl+j"}
    if send_key == "ctrl+enter":
        return {"send": "ctrl+enter,ctrl+j", "newline": "enter,alt+enter"}
    return {}


class ActionKeys:
    """The keys in force: the table's defaults with the person's remapping over them (a Textual
    keymap, binding id → comma-separated keys). Read wherever a key is named on screen."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self.overrides: dict[str, str] = dict(overrides or {})
        self.names: dict[str, str] = {a.id: self.shown(a.id) for a in ACTIONS if a.keys}

    def keys(self, action_id: str) -> str:
        return self.overrides.get(action_id) or BY_ID[action_id].keys

    def shown(self, action_id: str) -> str:
        """The first key, for a hint in a sentence ("Press Ctrl+E")."""
        keys = self.keys(action_id)
        return key_name(keys.split(",")[0].strip()) if keys else ""

    def shown_all(self, action_id: str) -> str:
        """Every key, for the help screen ("Ctrl+J / Alt+Enter")."""
        return " / ".join(key_name(k.strip()) for k in self.keys(action_id).split(",") if k.strip())


DEFAULT_KEYS = ActionKeys()
