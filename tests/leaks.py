"""Checks that a secret does not show, even in part: hiding one character of a token, or cutting it
short, still leaks it, so a text passes only if no run of 8 characters of the secret appears in it."""

from __future__ import annotations

FRAGMENT = 8


def assert_hidden(secret: str, *texts: object, size: int = FRAGMENT) -> None:
    assert len(secret) >= size, "a secret this short can't be checked by fragments"
    for text in map(str, texts):
        for start in range(len(secret) - size + 1):
            piece = secret[start : start + size]
            assert piece not in text, f"{piece!r}, part of the secret, shows in {text[:300]!r}"
