"""Fixtures for the client tests (helpers live in client_helpers.py)."""

from __future__ import annotations

import pytest
from client_helpers import RawServer


@pytest.fixture
def raw_server() -> type[RawServer]:
    return RawServer


@pytest.fixture(autouse=True)
def no_env_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """A NEMO_TOKEN in the developer's shell must not change what these tests see."""
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
