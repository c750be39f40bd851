"""The draft (timeline) as it travels on the wire: `t`/`tt`/`sg`/`d`/`m`.

Code uses `tracks`, `segments`, `duration_ms`, `metadata`; the short keys exist only here. Unknown keys
at every level are kept and written back untouched (exports pass the draft back to the server).
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Past this an integer can't become a float (OverflowError in any arithmetic that mixes them).
_MAX_ABS_NUMBER = 1e308


def non_finite_at(value: Any) -> str | None:
    """Where (`t.0.sg.1.m.start`) the first NaN, ±Infinity or out-of-range number sits, or None.

    JSON readers turn `1e999` into infinity and accept `NaN`; such a number would crash whatever
    does arithmetic on it and can't be written back as JSON, so a draft holding one is refused whole.
    Iterative, so a deeply nested `m` can't exhaust the stack."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return path or "the draft"
        elif isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > _MAX_ABS_NUMBER:
                return path or "the draft"
        elif isinstance(item, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(item))
    return None


class TrackType(IntEnum):
    VIDEO = 0
    AUDIO = 1
    TEXT = 7


_WIRE = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)


class Segment(BaseModel):
    model_config = _WIRE

    duration_ms: int = Field(default=0, alias="d")
    metadata: dict[str, Any] = Field(default_factory=dict, alias="m")

    # Metadata keys the app understands; anything else in `m` is passed through.
    @property
    def name(self) -> str:
        m = self.metadata
        return str(m.get("name") or m.get("title") or m.get("text") or m.get("prompt") or "")

    @property
    def text(self) -> str | None:
        value = self.metadata.get("text")
        return None if value is None else str(value)

    @property
    def source(self) -> str | None:
        m = self.metadata
        value = m.get("source") or m.get("url") or m.get("src")
        return None if value is None else str(value)

    @property
    def volume(self) -> float | None:
        """0–1. Servers that send a percentage (35) are read as 0.35."""
        value = self.metadata.get("volume")
        if value is None:
            return None
        try:
            vol = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
        if not math.isfinite(vol):
            return None
        return vol / 100.0 if vol > 1.0 else max(vol, 0.0)

    @property
    def start_ms(self) -> int | None:
        """An explicit start on the timeline (ms), when the segment is placed rather than appended."""
        value = self.metadata.get("start")
        try:
            return None if value is None else max(int(value), 0)
        except (TypeError, ValueError, OverflowError):  # NaN, ±inf: no usable place
            return None


class Track(BaseModel):
    model_config = _WIRE

    type: int = Field(default=TrackType.VIDEO, alias="tt")
    segments: list[Segment] = Field(default_factory=list, alias="sg")

    @property
    def kind(self) -> TrackType | None:
        try:
            return TrackType(self.type)
        except ValueError:
            return None

    def layout(self) -> list[tuple[int, int, Segment]]:
        """Each segment with its (start_ms, end_ms): placed where `m.start` says, else after the last."""
        out: list[tuple[int, int, Segment]] = []
        cursor = 0
        for seg in self.segments:
            start = seg.start_ms if seg.start_ms is not None else cursor
            end = start + max(seg.duration_ms, 0)
            out.append((start, end, seg))
            cursor = end
        return out

    @property
    def end_ms(self) -> int:
        return max((end for _, end, _ in self.layout()), default=0)


class Draft(BaseModel):
    model_config = _WIRE

    tracks: list[Track] = Field(default_factory=list, alias="t")

    @model_validator(mode="before")
    @classmethod
    def _finite_numbers(cls, data: Any) -> Any:
        where = non_finite_at(data) if isinstance(data, dict) else None
        if where is not None:
            raise ValueError(f"{where} is not a finite number")
        return data

    @property
    def duration_ms(self) -> int:
        return max((t.end_ms for t in self.tracks), default=0)

    def tracks_of(self, kind: TrackType) -> list[Track]:
        return [t for t in self.tracks if t.type == kind]

    @classmethod
    def from_wire(cls, data: Any) -> Draft:
        if data is None or data == "":
            return cls()
        if isinstance(data, (str, bytes)):
            return cls.model_validate_json(data)
        return cls.model_validate(data)

    def to_wire(self) -> dict[str, Any]:
        """Short keys, and only the keys that were there (or set since): a faithful round trip."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
