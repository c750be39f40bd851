"""Undo and redo in the agent, one step or several."""

from __future__ import annotations

from typing import Any

from . import lexicon_items as li
from .agent_types import Call, Plan


def history(low: str, plan: Plan, state: dict[str, Any], say) -> bool:
    """Undo or redo, one step or several ("undo the last 3 edits", "撤销两步", "redo twice")."""
    redo = bool(li.REDO.search(low))
    key = "redo_depth" if redo else "undo_depth"
    wanted = li.steps(low)
    have = state[key]
    if have <= 0:
        say(
            *(
                ("There's nothing to redo.", "没有可以重做的编辑。")
                if redo
                else ("There's nothing to undo yet.", "还没有可以撤销的编辑。")
            )
        )
        return True
    steps = min(wanted, have)
    name = "redo" if redo else "undo"
    plan.calls.extend(Call(name, {}) for _ in range(steps))
    state[key] -= steps
    other = "undo_depth" if redo else "redo_depth"
    state[other] = state[other] + steps
    state["last"] = None
    if steps == 1:
        say(
            *(
                ("Redoing the last undone edit.", "已重做上一步撤销的编辑。")
                if redo
                else ("Undoing the last edit.", "已撤销上一步编辑。")
            )
        )
    else:
        say(
            f"{'Redoing' if redo else 'Undoing'} the last {steps} edits.",
            f"已{'重做' if redo else '撤销'}最近{steps}步编辑。",
        )
    if steps < wanted:
        say(
            f"Only {steps} could be {'redone' if redo else 'undone'}.",
            f"只有{steps}步可以{'重做' if redo else '撤销'}。",
        )
    return True
