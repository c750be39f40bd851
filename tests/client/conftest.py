"""Fixtures for the client tests (helpers live in client_helpers.py)."""

from __future__ import annotations

import pytest
from client_helpers import RawServer


@pytest.fixture
def raw_server() -> type[RawServer]:
    return RawServer
