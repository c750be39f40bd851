"""What the conversation tells its front-ends (the TUI, the headless commands).

The turn controller (`core/conversation.py`) yields these; front-ends only render them. App messages
in here are already in the person's language; text that came from the server is already sanitised.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, computed_field

from ..protocol import (
    Credits,
    Draft,
    ExportBlocked,
    FileTooLarge,
    InvalidInput,
    MediaItem,
    MissingClientId,
    NemoError,
    NetworkError,
    NoCredits,
    RateLimited,
    StreamError,
    TokenExpired,
    UnsupportedFile,
)
from ..protocol.questions import Question


class ErrorKind(StrEnum):
    """What went wrong, by class (never read from a message's words): front-ends pick their state
    from it (the TUI's connection dot, a command's exit code)."""

    NETWORK = "network"  # the service can't be reached: offline
    STREAM = "stream"  # the reply stream dropped mid-turn (the connection broke)
    RATE_LIMITED = "rate_limited"
    AUTH = "auth"  # the token or the client id was refused
    CREDITS = "credits"  # out of credits, or the plan blocks it
    INPUT = "input"  # the person's input: a missing, unsupported or too large file…
    SERVER = "server"  # the service answered with an error (an agent error, a failed render…)
    UNEXPECTED = "unexpected"  # a bug or the disk on this side

    @property
    def offline(self) -> bool:
        """The connection itself is lost (the status bar says offline)."""
        return self in (ErrorKind.NETWORK, ErrorKind.STREAM)


_KINDS: tuple[tuple[tuple[type[NemoError], ...], ErrorKind], ...] = (
    ((StreamError,), ErrorKind.STREAM),
    ((NetworkError,), ErrorKind.NETWORK),
    ((RateLimited,), ErrorKind.RATE_LIMITED),
    ((TokenExpired, MissingClientId), ErrorKind.AUTH),
    ((NoCredits, ExportBlocked), ErrorKind.CREDITS),
    ((InvalidInput, UnsupportedFile, FileTooLarge), ErrorKind.INPUT),
)


def error_kind(error: BaseException) -> ErrorKind:
    """The kind of a raised error, by its class: the one place that classifies them for core's events."""
    if not isinstance(error, NemoError):
        return ErrorKind.UNEXPECTED
    for classes, kind in _KINDS:
        if isinstance(error, classes):
            return kind
    return ErrorKind.SERVER


class ReplyStarted(BaseModel):
    kind: Literal["reply_started"] = "reply_started"


class ReplyDelta(BaseModel):
    """A piece of the assistant's reply, GUI phrases already translated. Append it."""

    kind: Literal["reply_delta"] = "reply_delta"
    text: str


class ReplyFinished(BaseModel):
    """The whole reply (replace what was streamed with it). `text` is empty when none came."""

    kind: Literal["reply_finished"] = "reply_finished"
    text: str = ""


class Activity(BaseModel):
    """A tool is running (`label` says what, in words) or stopped (`running` False)."""

    kind: Literal["activity"] = "activity"
    label: str = ""
    running: bool = True


class StillWorking(BaseModel):
    kind: Literal["still_working"] = "still_working"
    text: str = "⏳ Still working..."


NoticeLevel = Literal["info", "success", "warning", "error"]


class Notice(BaseModel):
    """An app message: setup, errors, confirmations. `level` picks its styling; an error notice
    carries `error`, the kind of failure (set from the typed exception, never from the words)."""

    kind: Literal["notice"] = "notice"
    level: NoticeLevel = "info"
    text: str
    error: ErrorKind | None = None


class SuggestedAction(BaseModel):
    """A GUI phrase the app turned into something it can do, offered on one key."""

    kind: Literal["suggested_action"] = "suggested_action"
    # "retry": send `payload` (the person's message whose stream dropped) again — only ever on a
    # key press, never by itself (a re-sent generation is charged twice).
    action: Literal["export", "state", "timeline", "send", "credits", "retry"]
    label: str
    payload: str = ""


class ConfirmNeeded(BaseModel):
    """The router was not sure ("don't export yet"): ask before acting."""

    kind: Literal["confirm_needed"] = "confirm_needed"
    question: str
    action: Literal["export", "upload", "credits", "state", "preview"]
    payload: str = ""


class TimelineUpdated(BaseModel):
    kind: Literal["timeline_updated"] = "timeline_updated"
    draft: Draft
    summary: str
    changes: str | None = None
    # Media id -> a URL of the clip (core/filmstrip.py): what the timeline's pictures are taken from.
    media_urls: dict[str, str] = Field(default_factory=dict)


class CreditsUpdated(BaseModel):
    kind: Literal["credits_updated"] = "credits_updated"
    credits: Credits


class SessionChanged(BaseModel):
    kind: Literal["session_changed"] = "session_changed"
    session_id: str
    resumed: bool = False


class Progress(BaseModel):
    """Render / download / upload progress; `fraction` None when unknown."""

    kind: Literal["progress"] = "progress"
    phase: Literal["render", "download", "upload"]
    fraction: float | None = None
    done: int | None = None
    total: int | None = None
    # Seconds left, learned from past jobs of this backend (core/jobs.py); None when unknown.
    eta_s: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent(self) -> float | None:
        """`fraction` as a percentage, for scripts reading `--json` progress lines."""
        return None if self.fraction is None else round(self.fraction * 100, 1)


class ExportDone(BaseModel):
    kind: Literal["export_done"] = "export_done"
    path: Path
    duration_s: float
    size_bytes: int
    width: int
    height: int
    # The record written beside it (`<name>.mp4.json`, core/records.py); None if it couldn't be.
    record: Path | None = None


class PreviewReady(BaseModel):
    """A preview render of `draft` is on disk (the preview cache): play it. `cached`: the same draft
    was previewed before and no render ran."""

    kind: Literal["preview_ready"] = "preview_ready"
    path: Path
    draft: Draft
    cached: bool = False
    poster: Path | None = None  # where its first frame is kept for the next time (core/frames.py)


class UploadDone(BaseModel):
    kind: Literal["upload_done"] = "upload_done"
    media: list[MediaItem]


class QuestionAsked(BaseModel):
    """The agent stopped to ask (its `ask_question` tool). Show the questions with numbered
    options; send the answer with `Conversation.answer(protocol.questions.answer_text(...))`.
    Nothing was produced by the turn that asked. Server text, already sanitised."""

    kind: Literal["question"] = "question"
    id: str | None = None
    title: str = ""
    questions: list[Question]


class Recovering(BaseModel):
    """The reply stream dropped; the message is NOT sent again. The conversation reads the
    session's state on the vendor's cadence: check `check` of `checks` happens in `wait_s`
    seconds (`at`: the local wall-clock time, HH:MM:SS). Cancelling the flow stops waiting."""

    kind: Literal["recovering"] = "recovering"
    check: int
    checks: int
    wait_s: float
    at: str
    text: str  # in words, in the person's language (for an activity line or a status line)


class RecoveryEnded(BaseModel):
    """The state reads after a dropped stream are over: `found` says the work the turn started
    was found applied (the message needs no re-sending); else a retry was offered."""

    kind: Literal["recovery_ended"] = "recovery_ended"
    found: bool


class WatchState(BaseModel):
    """A generation turn ended: the backend may still add music, a title or effects on its own
    (two-stage generation). Front-ends that stay open call `Conversation.check_for_additions()`
    after each of these delays (seconds from now) while idle."""

    kind: Literal["watch_state"] = "watch_state"
    delays_s: list[float]


class TurnQueued(BaseModel):
    """Another turn is running in this session (another nemo-tui, or this app): the message
    waits for it. `holder` says who, in words."""

    kind: Literal["turn_queued"] = "turn_queued"
    holder: str
    text: str


class CostQuote(BaseModel):
    """What the message will cost, said before it is sent (core/quote.py). `credits` None: the
    price is not known yet (the cloud's rate is learned from past turns). `confirm` set: the message
    was NOT sent — it needs the person's yes (why, in words); send it with
    `Conversation.approve(payload)` then `chat(payload)`. `refused` set: the session's budget refuses it (nothing
    sent, no yes helps)."""

    kind: Literal["cost_quote"] = "cost_quote"
    seconds: float
    rate: float | None = None
    credits: float | None = None
    balance: float | None = None
    text: str
    confirm: str | None = None
    refused: str | None = None
    payload: str = ""


ConversationEvent = Annotated[
    ReplyStarted
    | ReplyDelta
    | ReplyFinished
    | Activity
    | StillWorking
    | Notice
    | SuggestedAction
    | ConfirmNeeded
    | TimelineUpdated
    | CreditsUpdated
    | SessionChanged
    | Progress
    | ExportDone
    | PreviewReady
    | UploadDone
    | QuestionAsked
    | Recovering
    | RecoveryEnded
    | WatchState
    | TurnQueued
    | CostQuote,
    Field(discriminator="kind"),
]
