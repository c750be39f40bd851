"""The agent's `ask_question` tool: it stops and asks, with options (CLOUD_FACTS.md, vendor tools).

Wire (the tool call's `args`): `{"title": …, "questions": [{"id", "prompt", "options": [{"id",
"label"}], "allow_multiple"}]}`. Nothing was produced by such a turn; the person's answer goes back
as the next message, one line per question: `1. <prompt>: <label>, <label>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

ASK_QUESTION_TOOL = "ask_question"

_TOLERANT = ConfigDict(extra="allow", populate_by_name=True)


class QuestionOption(BaseModel):
    model_config = _TOLERANT

    id: str = ""
    label: str = Field(default="", validation_alias=AliasChoices("label", "text", "title", "name"))


class Question(BaseModel):
    model_config = _TOLERANT

    id: str = ""
    prompt: str = Field(default="", validation_alias=AliasChoices("prompt", "question", "text"))
    options: list[QuestionOption] = Field(default_factory=list)
    allow_multiple: bool = Field(default=False,
                                 validation_alias=AliasChoices("allow_multiple", "allowMultiple", "multiple"))


class QuestionSet(BaseModel):
    """The `args` of one `ask_question` call."""

    model_config = _TOLERANT

    title: str = ""
    questions: list[Question] = Field(default_factory=list)


def answer_text(questions: Sequence[Question], chosen: Mapping[str, Sequence[str]],
                free_text: Mapping[str, str] | None = None) -> str:
    """The answer message in the vendor's format: one line per question, `N. <prompt>: <labels>`.

    `chosen` maps a question id to the option ids picked (in order); `free_text` a question id to
    words typed instead. A question with neither is left out; all left out gives "".
    """
    lines: list[str] = []
    for number, question in enumerate(questions, start=1):
        labels = [o.label for pick in chosen.get(question.id, ()) for o in question.options if o.id == pick]
        typed = (free_text or {}).get(question.id, "").strip()
        if typed:
            labels.append(typed)
        if labels:
            lines.append(f"{number}. {question.prompt}: {', '.join(labels)}")
    return "\n".join(lines)


def parse_question_set(args: Any) -> QuestionSet | None:
    """The tool's args as a QuestionSet, or None when they hold no question with a prompt."""
    if not isinstance(args, dict):
        return None
    try:
        parsed = QuestionSet.model_validate(args)
    except ValueError:
        return None
    parsed.questions = [q for q in parsed.questions if q.prompt.strip()]
    return parsed if parsed.questions else None
