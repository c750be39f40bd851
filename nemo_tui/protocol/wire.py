"""Small readers for values whose JSON type varies between servers (CLOUD_FACTS.md).

- Ids: a string whatever the JSON type. A 19-digit session id sent as a JSON *number* is read by
  `json.loads` (and pydantic) as an exact int; it becomes its digits here, never through float. A
  float id is refused unless it is a whole number small enough to be exact (below 2^53).
- Times: ISO-8601 text, epoch seconds or epoch milliseconds, to epoch seconds.
- Server text: cleaned of terminal escapes (sanitize_text) before any layer can print it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict

from .sanitize import sanitize_text

# Answers keep fields this app does not know (passed back untouched) and accept either naming.
TOLERANT = ConfigDict(extra="allow", populate_by_name=True)
_EXACT_FLOAT = 2**53
# Past this an epoch number is milliseconds (1e12 s is the year 33658; 1e12 ms is 2001).
_MS_THRESHOLD = 1e12


def id_text(value: Any) -> Any:
    """An id as a string: str kept (cleaned), int as its digits, a whole exact float too."""
    if value is None:
        return value
    if isinstance(value, bool):
        raise ValueError("an id cannot be true/false")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < _EXACT_FLOAT:
            return str(int(value))
        raise ValueError("an id sent as a non-exact number")
    if isinstance(value, str):
        return sanitize_text(value).strip()
    raise ValueError("an id must be a string or a number")


def server_text(value: Any) -> Any:
    """Text from the server, cleaned of escape sequences; numbers are taken as their text."""
    if value is None:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return sanitize_text(value)
    return value


def epoch_seconds(value: Any) -> float | None:
    """ISO-8601 text (`2026-03-18T00:00:00Z`), epoch seconds or epoch milliseconds → epoch seconds.

    None for nothing, or for a value that is none of these (an unknown expiry is not an error: the
    token is used until the server refuses it)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            try:
                stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                return None
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            return stamp.timestamp()
        value = number
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number) or number <= 0:
            return None
        return number / 1000.0 if number > _MS_THRESHOLD else number
    return None


def finite_number(value: Any) -> Any:
    """A number from the server; NaN/Infinity refused (they would poison arithmetic)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def loose_number(value: Any) -> float | None:
    """A number sent as a number or as text; None for anything else (booleans, NaN, words)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


WireId = Annotated[str, BeforeValidator(id_text)]
ServerText = Annotated[str, BeforeValidator(server_text)]
