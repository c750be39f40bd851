"""`nemo-tui preview`: a contact sheet PNG of the draft, or one frame as half-block text."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import numpy as np
from commands_helpers import Cli


def read_png(path: Path) -> np.ndarray:
    """Our own PNGs back into pixels (8-bit RGB, filter 0 on every row: what png_bytes writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    idat = data.index(b"IDAT")
    size = int.from_bytes(data[idat - 4 : idat], "big")
    raw = np.frombuffer(zlib.decompress(data[idat + 4 : idat + 4 + size]), dtype=np.uint8)
    rows = raw.reshape(height, width * 3 + 1)
    assert not rows[:, 0].any()
    return rows[:, 1:].reshape(height, width, 3)


def test_contact_sheet_has_n_distinct_labelled_tiles(cli: Cli, tmp_path: Path) -> None:
    assert cli.call("ask", "generate a 2-second video of a sunset over the ocean").code == 0
    sheet = tmp_path / "sheet.png"
    done = cli.call("preview", "-o", str(sheet), "--frames", "6", "--width", "640", "--json")
    assert done.code == 0, done.err
    info = json.loads(done.out.splitlines()[-1])  # the last line; the events before it
    assert info["kind"] == "contact_sheet"
    assert info["path"] == str(sheet) and len(info["times"]) == 6
    pixels = read_png(sheet)
    assert pixels.shape == (info["height"], 640, 3)
    # Tiles: 4 a row, 8 px apart. Each is a picture (not blank) and no two are the same frame.
    tile_w = (640 - 8 * 5) // 4 // 2 * 2
    tiles = [pixels[8 : 8 + 40, 8 + i * (tile_w + 8) : 8 + i * (tile_w + 8) + tile_w] for i in range(4)]
    tiles += [
        pixels[info["height"] // 2 + 8 : info["height"] // 2 + 48, 8 + i * (tile_w + 8) :][:, :tile_w]
        for i in range(2)
    ]
    assert all(tile.std() > 5 for tile in tiles)
    assert len({tile.tobytes() for tile in tiles}) == 6
    assert (pixels == 255).all(axis=2).any()  # the white time-code labels

    again = cli.call("preview", "-o", str(tmp_path / "again.png"))
    assert again.code == 0 and again.out == f"{tmp_path / 'again.png'}\n"


def test_ansi_prints_half_blocks_with_24_bit_colours_only(cli: Cli) -> None:
    assert cli.call("ask", "generate a 1-second video of rain").code == 0
    done = cli.call("preview", "--ansi", "--at", "0.5", "--width", "40")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert len(lines) >= 5 and all(re.sub(r"\x1b\[[0-9;]*m", "", line) == "▀" * 40 for line in lines)
    escapes = re.findall(r"\x1b[^▀]*?m", done.out)
    assert escapes and all(re.fullmatch(r"\x1b\[(?:38|48);2;\d+;\d+;\d+m|\x1b\[0m", e) for e in escapes)
    assert done.out.count("\x1b") == len(escapes)  # no other escape sequence anywhere


def test_preview_with_nothing_to_see_or_bad_flags(cli: Cli) -> None:
    nothing = cli.call("preview")
    assert nothing.code == 2 and "Nothing to preview yet" in nothing.err
    assert cli.call("preview", "--frames", "0").code == 2
    bad = cli.call("preview", "--ansi", "-o", "x.png")
    assert bad.code == 2 and "--ansi" in bad.err
