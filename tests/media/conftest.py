"""Small media shared by the media tests, made once per run (tiny sizes keep the suite fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_tui.engine.media.music import generate_music
from nemo_tui.engine.media.scenes import generate_clip


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    out = {
        "sunset": d / "sunset.mp4",
        "city": d / "city.mp4",
        "bgm": d / "bgm.m4a",
    }
    generate_clip("a sunset over the ocean with waves crashing", 1.0, 320, 180, out["sunset"])
    generate_clip("night city skyline", 1.0, 320, 180, out["city"], seed=3)
    generate_music("lofi", 3.0, out["bgm"])
    return out
