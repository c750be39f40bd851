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


@pytest.fixture
def bare_font_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with no CJK font of its own, as most servers are: fontconfig reads an empty
    configuration (so `fc-list :lang=zh` finds nothing) and the usual CJK locations are empty."""
    from nemo_tui.engine.media import fonts

    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.delenv("NEMO_FONT", raising=False)
    monkeypatch.setattr(fonts, "CJK_FONT_PATHS", [])
    fonts.clear_font_cache()
    assert fonts._fc_list(":lang=zh") == [], "fontconfig still sees a CJK font"
    yield
    fonts.clear_font_cache()
