"""Server text on screen: `clean()` is `protocol.sanitize_text`, loaded only when there is something
to strip. The protocol package builds its pydantic models on import (~100 ms with pydantic itself),
and the first paint shows only the app's own words: they need no trip through it."""

from __future__ import annotations


def clean(text: str) -> str:
    """`sanitize_text(text)`. Printable text has no control character, hence no escape sequence
    (every one starts with ESC or a C1 code), so sanitising would return it unchanged."""
    if not text or text.isprintable():
        return text
    from ..protocol.sanitize import sanitize_text

    return sanitize_text(text)


def one_line(text: str) -> str:
    """Server text on one row: no escapes or controls (they would reach the terminal), no breaks."""
    return " ".join(clean(text).split())
