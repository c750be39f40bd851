"""The agent's plan: the tool calls a message becomes and the reply that goes with them, plus the
small helpers every planning module shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import edits


@dataclass
class Call:
    name: str
    args: dict[str, Any]


@dataclass
class Plan:
    calls: list[Call] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    language: str = "en"
    generate_seconds: float = 0.0
    # The args of an `ask_question` call: the request was ambiguous, so the turn asks and does nothing.
    question: dict[str, Any] | None = None
    # Sentences that must reach the person even when the turn is silent (what a clip cannot show).
    notices: list[str] = field(default_factory=list)

    @property
    def reply(self) -> str:
        return ("" if self.language == "zh" else " ").join(self.sentences)

    @property
    def notice(self) -> str:
        """What a silent turn still says."""
        return ("" if self.language == "zh" else " ").join(self.notices)

    @property
    def editing(self) -> bool:
        return bool(self.calls)


def track(state: dict[str, Any], edit: edits.Edit, kind: int | None) -> None:
    """Keep the plan's working draft in step with a call, and remember the item it added (the last
    of its type) as the one "it" means next."""
    state["draft"] = edit[0]
    count = sum(len(t.get("sg", [])) for t in state["draft"].get("t", []) if t.get("tt", 0) == kind)
    state["last"] = (kind, count - 1) if kind is not None and count else None


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
