"""Pictures drawn out of band, against a fake terminal writer (no real terminal, headless Pilot):
in Sixel mode the player's frames are written as Sixel at its FrameView's cells after each screen
update and nothing once it is closed, the timeline's filmstrip is drawn as Sixel and not under a
dialog; in kitty mode the filmstrip's pictures are kitty images shown through placeholder cells;
in half-block mode nothing is written out of band at all."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from test_ui_player import until
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static
from ui_scripted import ScriptedConversation, make_app, settle

from nemo_tui.core import filmstrip, kitty
from nemo_tui.ffmpeg_path import find_ffmpeg
from nemo_tui.protocol import Draft
from nemo_tui.ui.screens.player import PlayerScreen
from nemo_tui.ui.widgets.frame_view import FrameView
from nemo_tui.ui.widgets.timeline import TimelineView

CELL = (4, 8)  # pixels a cell here: small pictures keep the tests fast
SIXEL_AT = re.compile(r'\x1b\[(\d+);(\d+)H\x1bP0;1;0q"1;1;(\d+);(\d+)')


def sixels(written: list[str]) -> list[tuple[int, int, int, int]]:
    """(column, row, width px, height px) of every Sixel picture written, 0-based cells."""
    found = []
    for data in written:
        if "\x1bP" in data:
            assert data.startswith("\x1b7") and data.endswith("\x1b\\\x1b8")  # cursor saved and restored
        found += [(int(x) - 1, int(y) - 1, int(w), int(h)) for y, x, w, h in SIXEL_AT.findall(data)]
    return found


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    source = "testsrc=size=160x90:rate=15"
    subprocess.run(
        [
            find_ffmpeg(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            source,
            "-t",
            "2",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def graphics_app(mode: str, written: list[str]):
    app = make_app(
        ScriptedConversation(), environ={"USER": "tester", "LANG": "en_US.UTF-8", "NEMO_GRAPHICS": mode}
    )
    app.terminal_write = written.append
    app.cell_pixels = CELL
    return app


async def test_sixel_player_draws_at_its_frame_view_and_nothing_once_closed(clip: Path) -> None:
    written: list[str] = []
    app = graphics_app("sixel", written)
    async with app.run_test(size=(80, 32), notifications=True) as pilot:
        await settle(app, pilot)
        await until(pilot, lambda: app.terminal.graphics == "sixel", "the graphics mode")
        assert app.sixel_overlay() is not None
        await app.open_player(clip)
        await until(
            pilot,
            lambda: isinstance(app.screen, PlayerScreen) and bool(app.screen.query(FrameView)),
            "the player",
        )
        view = app.screen.query_one(FrameView)
        await until(pilot, lambda: view.frames_shown >= 3, "frames")
        await pilot.pause()
        region = view.content_region
        drawn = sixels(written)
        assert len(drawn) >= 2
        assert set(drawn) == {(region.x, region.y, region.width * CELL[0], region.height * CELL[1])}
        assert view.pixel_size == (region.width * CELL[0], region.height * CELL[1])
        assert "▀" not in "".join(view.render_line(y).text for y in range(region.height))  # blank cells

        # A toast over the frame's lower right: only the rows above it are drawn, then all again.
        full = drawn[0]
        app.notify("a toast over the picture")
        await until(pilot, lambda: sixels(written)[-1][3] < full[3], "a picture cut above the toast")
        cut = sixels(written)[-1]
        assert cut[:3] == full[:3] and cut[3] % 6 == 0 and cut[3] > full[3] // 2
        app.clear_notifications()
        await until(pilot, lambda: sixels(written)[-1] == full, "the whole picture again")

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PlayerScreen), "the player to close")
        count = len(sixels(written))
        await pilot.pause(0.3)
        assert len(sixels(written)) == count  # nothing over the chat once closed


async def test_halfblock_mode_writes_nothing_out_of_band(clip: Path) -> None:
    written: list[str] = []
    app = graphics_app("halfblock", written)
    async with app.run_test(size=(80, 32)) as pilot:
        await settle(app, pilot)
        await until(pilot, lambda: app.graphics_choice is not None, "the graphics choice")
        await app.open_player(clip)
        await until(
            pilot,
            lambda: isinstance(app.screen, PlayerScreen) and bool(app.screen.query(FrameView)),
            "the player",
        )
        view = app.screen.query_one(FrameView)
        await until(pilot, lambda: view.frames_shown >= 3, "frames")
        assert "▀" in view.render_line(0).text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PlayerScreen), "the player to close")
        await pilot.pause(0.2)  # its ffmpeg is closed
    assert written == []


def draft() -> Draft:
    return Draft.from_wire(
        {
            "t": [
                {
                    "tt": 0,
                    "sg": [
                        {"d": 4000, "m": {"source": "https://cdn.example/a.mp4"}},
                        {"d": 4000, "m": {"source": "https://cdn.example/b.mp4"}},
                    ],
                }
            ]
        }
    )


@pytest.fixture
def pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every clip decodes to a flat picture of the size asked (no ffmpeg, no network)."""

    async def pixels(self, shot, width: int, height: int) -> np.ndarray:
        return np.full((height, width, 3), 90 if shot.key.endswith("a.mp4") else 200, dtype=np.uint8)

    monkeypatch.setattr(filmstrip.ShotCache, "pixels", pixels)


class Dialog(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("a dialog")


async def test_sixel_filmstrip_is_drawn_at_its_tiles_and_not_under_a_dialog(pictures) -> None:
    written: list[str] = []
    app = graphics_app("sixel", written)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(app, pilot)
        await until(pilot, lambda: app.terminal.graphics == "sixel", "the graphics mode")
        timeline = app.query_one(TimelineView)
        timeline.show_draft(draft(), "", {})
        await until(pilot, lambda: len(timeline.film) == 2 and bool(sixels(written)), "the film")
        await pilot.pause()
        content = timeline.scrollable_content_region
        label_w = timeline._bar_width(content.width)[0]
        expected = {
            (content.x + label_w + tile.column, content.y + 1, tile.width * CELL[0], 3 * CELL[1])
            for tile, _ in timeline.film
        }
        assert timeline.film_look == "sixel" and set(sixels(written)) == expected

        await app.push_screen(Dialog())
        await pilot.pause()
        count = len(sixels(written))
        timeline.refresh()
        await pilot.pause(0.1)
        assert len(sixels(written)) == count  # covered by the dialog's screen: not drawn
        app.pop_screen()
        await until(pilot, lambda: len(sixels(written)) > count, "the film again once the dialog is gone")
        assert set(sixels(written)[count:]) == expected


class OneTimeline(App[None]):
    def compose(self) -> ComposeResult:
        yield TimelineView(pictures=True)


async def test_kitty_filmstrip_sends_images_and_draws_placeholder_cells(pictures) -> None:
    written: list[str] = []
    app = OneTimeline()
    async with app.run_test(size=(100, 36)) as pilot:
        timeline = app.query_one(TimelineView)
        timeline.set_graphics(kitty_write=written.append)
        timeline.show_draft(draft(), "", {})
        await until(pilot, lambda: len(timeline.film) == 2, "the film")
        await pilot.pause()
        base = timeline._kitty_base
        for index, (tile, pixels) in enumerate(timeline.film):
            assert pixels.shape == (3 * kitty.PIXELS_PER_CELL[1], tile.width * kitty.PIXELS_PER_CELL[0], 3)
            sent = [w for w in written if f",i={base + index}," in w and "a=t" in w]
            assert sent and f"a=p,U=1,i={base + index},c={tile.width},r=3" in sent[-1]
        widths = sum(tile.width for tile, _ in timeline.film)
        for row in (1, 2, 3):  # under the ruler
            assert timeline.render_line(row).text.count(kitty.PLACEHOLDER) == widths
        assert "▀" not in "".join(timeline.render_line(row).text for row in range(6))
    assert written[-1] == kitty.delete(base + 1)  # freed when the timeline goes
