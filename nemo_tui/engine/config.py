"""The local engine's settings and its switchable faults (every fault is off by default)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from .owner import test_faults_from_env

DEFAULT_REGISTER_PATH = "/register"


@dataclass
class Faults:
    """Misbehaviours the cloud can show, switched on at runtime (tests, `POST /_engine/faults`).

    The app reads this object on every request, so flipping a field on a running server takes effect
    at once. The `*_once` counters count down as requests consume them.
    """

    expire_tokens: bool = False  # every authed request answers 1001
    expire_tokens_once: int = 0  # the next N authed requests answer 1001
    lose_sessions_once: int = 0  # the next N session-scoped requests answer 1002
    require_client_id: bool = True  # False lets anonymous-token through without X-Client-Id
    rate_limit_once: int = 0  # the next N requests answer HTTP 429
    block_export: bool = False  # exports answer HTTP 402
    no_credits: bool = False  # generation answers 2001
    drop_stream_after_events: int | None = None  # /run_sse closes abruptly after N events
    drop_stream_mid_event: bool = False  # ...and first sends half of the next event's bytes
    slow_response_s: float = 0.0  # every authenticated request waits this long before answering
    malformed_event: bool = False  # /run_sse sends one frame that is not JSON
    agent_error: str | None = None  # /run_sse ends with an {"error": ...} event
    fail_render: str | None = None  # render jobs end `failed` with this reason
    slow_stream_s: float = 0.0  # delay between stream events (heartbeats keep flowing)
    slow_render_s: float = 0.0  # extra time a render job spends `rendering` (for polling tests)
    # A render download asked for from byte 0 sends this fraction of the file, then the connection
    # breaks (a resumed request with a Range header is served whole): tests the client's resume.
    cut_download_at_fraction: float | None = None
    stall_download_s: float = 0.0  # ...and waits this long at the cut before breaking off
    # The cloud keeps generating when the client goes away (see EngineConfig.detach_turns):
    drop_stream_during_generation: bool = False  # /run_sse breaks off right after a generation's tool call
    generation_delay_s: float = 0.0  # a generated clip lands in state this long after it is drawn
    break_output_url: int = 0  # a render's outputUrl (the CDN-style file URL) answers this
    #                                        HTTP status (404, 500, …) instead of the file; 0 is off

    def reset(self) -> None:
        for f in fields(self):
            setattr(self, f.name, f.default)

    def update(self, values: dict[str, Any]) -> list[str]:
        """Set the named fields; returns the names that are not faults (left untouched)."""
        known = {f.name: f for f in fields(self)}
        unknown = [name for name in values if name not in known]
        checked = {
            name: _coerce(name, known[name].default, value)  # all checked before any is set
            for name, value in values.items()
            if name in known
        }
        for name, value in checked.items():
            setattr(self, name, value)
        return unknown

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Every number from outside is checked: finite and within sense (a NaN or 1e400 here once made every
# request, and `GET /_engine/faults` itself, answer 500).
MAX_FAULT_SECONDS = 3600.0
MAX_FAULT_COUNT = 1_000_000


def _coerce(name: str, default: Any, value: Any) -> Any:
    """The value for fault `name`, or ValueError naming the field and what it must be."""
    if value is None:
        return None
    if isinstance(default, bool):
        if not isinstance(value, (bool, int)) or isinstance(value, float):
            raise ValueError(f"{name} must be true or false")
        return bool(value)
    if isinstance(default, int) or (default is None and name.endswith("_after_events")):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value != int(value)
            or not 0 <= value <= MAX_FAULT_COUNT
        ):
            raise ValueError(f"{name} must be a whole number from 0 to {MAX_FAULT_COUNT:,}")
        return int(value)
    if isinstance(default, float) or (default is None and name.endswith("_fraction")):
        top = 1.0 if name.endswith("_fraction") else MAX_FAULT_SECONDS
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not 0 <= value <= top
        ):
            raise ValueError(f"{name} must be a number from 0 to {top:g}")
        return float(value)
    if not isinstance(value, str) or len(value) > 1000:
        raise ValueError(f"{name} must be a short text")
    return value


@dataclass
class EngineConfig:
    data_dir: Path
    token_ttl_s: float = 7 * 86400
    initial_credits: int = 100
    heartbeat_s: float = 15.0  # `: ping` comment lines while a turn's work runs
    silent_turns: Literal["random", "always", "never"] = "random"  # ~30 % of editing turns send no text
    silent_ratio: float = 0.3
    seed: int | None = None
    faults: Faults = field(default_factory=Faults)
    # Empty means "<this server's base URL>/register", worked out per request.
    register_url: str = ""
    # Generated clips are procedural and stored at reduced size, at most this many pixels on their
    # short side (960x540 for 16:9, 540x960 for 9:16); the renderer scales them up once.
    max_generate_height: int = 540
    # None renders at the draft's full size (up to 1920x1080 / 1080x1920); tests pass a small cap.
    max_render_height: int | None = None
    generate_fps: int = 30
    render_fps: int = 30
    max_turn_s: float = 15 * 60  # the seed's ceiling for one /run_sse turn
    allow_file_urls: bool = True  # upload-by-URL may copy `file://` paths on this machine
    # "adk": the seed's shapes (ADK events, `: ping`, code/data envelopes). "vendor": only the shapes
    # the NemoVideo vendor publishes (CLOUD_FACTS.md): type-tagged SSE without a done event,
    # `{"type":"heartbeat"}`, 19-digit numeric session ids, `files[]` uploads, success/data renders.
    dialect: Literal["adk", "vendor"] = "adk"
    # A /run_sse turn runs as the engine's own task, not cancelled when its stream closes (the cloud
    # keeps generating); its draft and media land in state when done. None: on in the vendor dialect.
    detach_turns: bool | None = None
    # Two-stage generation: this long after a turn that generated a clip ends, the engine adds
    # background music and a title to the draft on its own. None is off.
    post_production_s: float | None = None
    # A request to generate a video with no subject ("make a video") answers with ask_question.
    ask_on_ambiguous: bool = True

    @property
    def vendor(self) -> bool:
        return self.dialect == "vendor"

    @property
    def turns_detached(self) -> bool:
        return self.vendor if self.detach_turns is None else bool(self.detach_turns)

    # Security (owner.py, guard.py): the per-run owner secret (made at start when empty), whether
    # `/_engine/faults` is on at all (tests; NEMO_ENGINE_TEST_FAULTS=1 or `serve --test-faults`),
    # the address the engine was started on (Host names and the URLs it hands out), body caps.
    owner_secret: str = field(default="", repr=False)
    test_faults: bool = field(default_factory=test_faults_from_env)
    host: str = "127.0.0.1"
    max_json_bytes: int = 4 * 1024 * 1024
    max_draft_segments: int = 300

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
