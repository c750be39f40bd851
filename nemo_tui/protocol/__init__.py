"""The wire contract (PROTOCOL.md) as pydantic v2 models. No I/O; the one source of truth."""

from .draft import Draft, Segment, Track, TrackType
from .envelope import Envelope, error_for, unwrap
from .errors import (
    MAX_UPLOAD_BYTES,
    SUPPORTED_FORMATS,
    ExportBlocked,
    FileTooLarge,
    InvalidInput,
    MissingClientId,
    NemoError,
    NetworkError,
    NoCredits,
    RateLimited,
    RenderFailed,
    ServerError,
    SessionNotFound,
    StreamError,
    TokenExpired,
    UnsupportedFile,
    norm_lang,
)
from .events import (
    AdkEvent,
    AskQuestion,
    Heartbeat,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
    TurnEvent,
    turn_event_adapter,
)
from .headers import attribution_headers, detect_platform
from .models import (
    APP_NAME,
    USER_ID,
    AnonymousToken,
    ClaimToken,
    CreateSessionRequest,
    Credits,
    MediaItem,
    RenderJob,
    RenderRequest,
    RunSseRequest,
    SessionInfo,
    SessionState,
    StateResponse,
    UploadResult,
    UploadUrlsRequest,
)
from .questions import (
    ASK_QUESTION_TOOL,
    Question,
    QuestionOption,
    QuestionSet,
    answer_text,
    parse_question_set,
)
from .sanitize import sanitize_text

__all__ = [name for name in dir() if not name.startswith("_")]
