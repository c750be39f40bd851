"""The wire contract (PROTOCOL.md) as pydantic v2 models. No I/O; the one source of truth."""

from .draft import Draft, Segment, Track, TrackType
from .envelope import Envelope, error_for, read_answer, unwrap
from .errors import (
    DEFAULT_REGISTER_URL,
    DEFAULT_WEB_BASE,
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
    RenderStalled,
    ServerError,
    SessionNotFound,
    StreamError,
    TokenExpired,
    UnsupportedFile,
    norm_lang,
    safe_link,
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
    CanvasConfig,
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
    is_anonymous_user,
)
from .questions import (
    ASK_QUESTION_TOOL,
    Question,
    QuestionOption,
    QuestionSet,
    answer_text,
    parse_question_set,
)
from .tools import ToolKind, tool_activity, tool_kind
from .sanitize import MAX_NESTING, NestedTooDeep, sanitize_deep, sanitize_text
from .wire import WireId, epoch_seconds, id_text

__all__ = [name for name in dir() if not name.startswith("_")]
