"""One clause being planned as an edit on existing items: its text, the plan, the working state
and the reply helper, shared by `agent_items` (titles, music, fades) and `agent_clips` (clips)."""

from __future__ import annotations

from typing import Any

from . import edits_items as ei
from . import lexicon as lx
from . import lexicon_items as li
from .agent_refs import _by_name, label, resolve
from .agent_types import Call
from .edits import timeline_ms, video_end_ms


class Ctx:
    """One clause being planned: its text, the plan, the working state and the reply helper."""

    def __init__(self, clause: str, plan: Any, state: dict[str, Any], say) -> None:
        self.clause, self.plan, self.state, self.say = clause, plan, state, say
        self.low = lx.strip_quotes(clause).lower()
        self.lang = plan.language

    @property
    def draft(self) -> dict[str, Any]:
        return self.state["draft"]

    def refs(self, allowed: tuple[int, ...], want: int = 1) -> list[tuple[int, int]] | None:
        found = resolve(self.clause, self.draft, allowed, last=self.state.get("last"), want=want)
        if not found.ok:
            self.say(*(found.why or ("Which one do you mean?", "你指的是哪一个？")))
            return None
        return found.items

    def name(self, ref: tuple[int, int]) -> str:
        return label(self.draft, ref[0], ref[1], self.lang)

    def call(
        self, tool: str, args: dict[str, Any], en: str, zh: str, touched: tuple[int, int] | None
    ) -> bool:
        if tool in ei.TOOLS:
            self.state["draft"] = ei.apply(self.draft, tool, args)[0]
        self.plan.calls.append(Call(tool, args))
        self.state["last"] = touched
        self.state["video_ms"] = video_end_ms(self.state["draft"])
        self.state["draft_ms"] = timeline_ms(self.state["draft"])
        self.say(en, zh)
        return True


def named_music(ctx: Ctx) -> bool:
    return li.kinds(ctx.low)[:1] == [1]


def mentions_name(ctx: Ctx) -> bool:
    return bool(_by_name(ctx.draft, ctx.clause, ctx.low, (0, 7)))
