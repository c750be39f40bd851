"""The fake cloud (tests/fakecloud: the engine speaking only the vendor's published shapes) for the
whole-session acceptance tests of the headless commands and the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "commands"))  # commands_helpers

from tests.fakecloud import fake_cloud  # noqa: F401 - the fixture
