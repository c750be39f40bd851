"""What the app needs of a conversation, and what a `connect` factory hands it (no Textual here)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

EventStream = AsyncIterator[Any]  # a Conversation flow: nemo_tui.core.events ConversationEvent items


class ConversationLike(Protocol):
    """What the app needs of `core.conversation.Conversation` (each method an async generator)."""

    def start(self) -> EventStream: ...
    def handle(self, text: str) -> EventStream: ...
    def chat(self, text: str) -> EventStream: ...
    def export(self) -> EventStream: ...
    def upload(self, path_or_url: str) -> EventStream: ...
    def credits(self) -> EventStream: ...
    def show_state(self) -> EventStream: ...
    def new_session(self) -> EventStream: ...
    def open_session(self, session_id: str) -> EventStream: ...
    def preview(self) -> EventStream: ...
    def download_again(self, job_id: str) -> EventStream: ...
    def cancel_job(self, job_id: str) -> EventStream: ...
    def approve(self, text: str) -> None: ...
    def stop(self) -> None: ...


# One of the conversation's flows, started on the conversation the app has once it is connected
# (`ChatFlow.run_stream` refuses, and says so, while there is none).
Flow = Callable[[ConversationLike], EventStream]


def answer_flow(answer: str) -> Flow:
    """The person's answer to the agent's question: the conversation's `answer` where it has one,
    else the answer is sent as a message."""

    def flow(conversation: ConversationLike) -> EventStream:
        answer_with = getattr(conversation, "answer", None)
        return answer_with(answer) if answer_with is not None else conversation.chat(answer)

    return flow


@dataclass
class Connected:
    """What a `connect` factory hands the app once the backend is up."""

    conversation: ConversationLike
    backend_label: str
    local: bool
    notice: str | None = None  # said first, as a warning (e.g. `auto` fell back to the local engine)
    label_key: str | None = None  # ui/strings key of backend_label: it then follows the language
    config_file: Path | None = None  # the person's config.toml (its [keys] remap the app's keys)


ConnectFactory = Callable[[], Awaitable[Connected]]
