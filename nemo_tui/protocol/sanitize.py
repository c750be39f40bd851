"""Server text is untrusted: strip what a terminal would act on, once, at the client boundary."""

from __future__ import annotations

import re
from typing import Any

# ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC (ESC ] … BEL or ST), and
# two-byte escapes. Their 8-bit C1 forms (0x9B CSI, 0x9D OSC, …) are covered the same way.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                 # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)   # OSC, DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]                                # other ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except \t and \n, DEL, C1 controls, and a lone ESC left after the passes above.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize_text(text: str) -> str:
    """Drop escape sequences and control characters; keep `\\n` and `\\t`; normalise CRLF/CR."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


# Real replies nest a dozen levels at most (a draft inside a state delta). Past this, recursing
# would run into Python's stack limit: such data is refused as unreadable instead.
MAX_NESTING = 200


class NestedTooDeep(ValueError):
    """Server data nested deeper than MAX_NESTING."""


def sanitize_deep(value: Any, _depth: int = 0) -> Any:
    """sanitize_text on every string inside JSON-like data (keys too: they can be printed)."""
    if isinstance(value, str):
        return sanitize_text(value)
    if isinstance(value, (dict, list)) and _depth >= MAX_NESTING:
        raise NestedTooDeep(f"the data is nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        return {
            (sanitize_text(k) if isinstance(k, str) else k): sanitize_deep(v, _depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [sanitize_deep(v, _depth + 1) for v in value]
    return value
