"""What happens once the start turn is over: the start-up objects leave the garbage collector's
sight, and a first run (no earlier session on this backend) is greeted with one line on what the
app does, which backend it is on and what it costs, and three example prompts on keys."""

from __future__ import annotations

import gc

from ..languages import norm_lang
from .action_table import ActionKeys
from .strings import t
from .widgets.chat_log import ChatLog

# Scenes the local engine draws (sun, sea, city, rain, snow, stars) and the cloud understands alike.
EXAMPLES = {
    "en": (
        "generate a 5-second video of a sunset over the ocean",
        "a 6-second city timelapse at night in the rain",
        "a snowy night under the stars with the title “Winter”",
    ),
    "zh": (
        "生成一段 5 秒的海上日落视频",
        "做一段 6 秒的雨夜城市延时视频",
        "生成雪夜星空的视频，加上标题“冬天”",
    ),
}


def freeze_startup_objects() -> None:
    """Once connected: move everything alive (modules, classes, pydantic schemas, the widgets of the
    layout) out of the garbage collector's sight. A full collection otherwise walks them all, and
    with the engine and the protocol loaded that stalled the app 30-40 ms at random moments (felt
    as key lag while a reply streams). They live as long as the app anyway."""
    gc.collect()
    gc.freeze()


async def greet_first_run(chat: ChatLog, lang: str, *, local: bool, keys: ActionKeys) -> None:
    """The welcome line and the examples as suggestion hints: Alt+1–3 (or 1–3 on the focused
    hints) puts one in the prompt, to send with the send key or edit first."""
    await chat.add_notice(t("welcome.local" if local else "welcome.cloud", lang), "info")
    for number, example in enumerate(EXAMPLES[norm_lang(lang)], 1):
        action = f"example{number}"
        hints = await chat.add_suggestion(action, example, example, key=keys.shown(f"suggest_{action}"))
        hints.add_class("-stacked")
