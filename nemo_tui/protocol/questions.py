"""The agent's `ask_question` tool: it stops and asks, with options (CLOUD_FACTS.md, vendor tools).

Wire (the tool call's `args`): `{"title": …, "questions": [{"id", "prompt", "options": [{"id",
"label"}], "allow_multiple"}]}`. Nothing was produced by such a turn; the person's answer goes back
as the next message, one line per question: `1. <prompt>: <label>, <label>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from .wire import ServerText, WireId

ASK_QUESTION_TOOL = "ask_question"

_TOLERANT = ConfigDict(extra="allow", populate_by_name=True)


class QuestionOption(BaseModel):
    """One choice. A bare string stands for `{"id": <its position>, "label": <it>}`; an option
    with a label but no id gets its position (1-based) as id, so it can still be picked."""

    model_config = _TOLERANT

    id: WireId = ""
    label: ServerText = Field(
        default="", validation_alias=AliasChoices("label", "text", "title", "name", "value")
    )


class Question(BaseModel):
    model_config = _TOLERANT

    id: WireId = ""
    prompt: ServerText = Field(
        default="", validation_alias=AliasChoices("prompt", "question", "text", "title")
    )
    options: list[QuestionOption] = Field(default_factory=list)
    allow_multiple: bool = Field(
        default=False, validation_alias=AliasChoices("allow_multiple", "allowMultiple", "multiple")
    )

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return []
        out: list[QuestionOption | dict[str, Any]] = []
        for position, option in enumerate(value, start=1):
            if isinstance(option, QuestionOption):  # built in code, not read from the wire
                out.append(option)
                continue
            if isinstance(option, (str, int, float)) and not isinstance(option, bool):
                option = {"id": str(position), "label": str(option)}
            if isinstance(option, dict):
                if option.get("id") in (None, ""):
                    option = {**option, "id": str(position)}
                out.append(option)
        return out

    @field_validator("allow_multiple", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


class QuestionSet(BaseModel):
    """The `args` of one `ask_question` call. Questions without an id get their position (1-based)."""

    model_config = _TOLERANT

    title: ServerText = ""
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shapes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        v = dict(value)
        questions = v.get("questions")
        if questions is None and any(k in v for k in ("prompt", "question")):
            questions = [v]  # one question given flat
        if isinstance(questions, dict):
            questions = [questions]
        if not isinstance(questions, list):
            questions = []
        fixed: list[Question | dict[str, Any]] = []
        for position, q in enumerate(questions, start=1):
            if isinstance(q, Question):  # built in code, not read from the wire
                fixed.append(q)
                continue
            if isinstance(q, str):
                q = {"prompt": q}
            if isinstance(q, dict):
                if q.get("id") in (None, ""):
                    q = {**q, "id": str(position)}
                fixed.append(q)
        v["questions"] = fixed
        if not isinstance(v.get("title"), str):
            v["title"] = ""
        return v


def answer_text(
    questions: Sequence[Question],
    chosen: Mapping[str, Sequence[str]],
    free_text: Mapping[str, str] | None = None,
) -> str:
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
    except ValueError:  # pydantic's ValidationError is one
        return None
    parsed.questions = [q for q in parsed.questions if q.prompt.strip()]
    return parsed if parsed.questions else None
