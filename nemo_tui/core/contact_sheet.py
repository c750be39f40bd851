"""Contact sheets: N frames of a video, evenly spaced, in a grid, each labelled with its time code,
written as a PNG with zlib + struct (no imaging library needed)."""

from __future__ import annotations

import math
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .frames import grab_frame
from .mp4info import read_mp4_info
from .preview import time_code

GAP = 8  # pixels between tiles and around the sheet
BACKGROUND = 24
# A 3x5 pixel font for time codes ("01:02.3"), scaled up when drawn.
_GLYPHS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": ("...", ".#.", "...", ".#.", "..."),
    ".": ("...", "...", "...", "...", ".#."),
}


def draw_label(image: np.ndarray, x: int, y: int, text: str, scale: int) -> None:
    """Write `text` (digits, ':' and '.') in white at (x, y), each font pixel `scale` wide."""
    for char in text:
        for row, bits in enumerate(_GLYPHS[char]):
            for col, bit in enumerate(bits):
                if bit == "#":
                    top, left = y + row * scale, x + col * scale
                    image[top : top + scale, left : left + scale] = 255
        x += 4 * scale


def contact_sheet(video: Path, frames: int = 8, width: int = 1280) -> tuple[np.ndarray, list[float]]:
    """The sheet (height x width x 3 RGB) and the times (s) of its tiles: at the middle of N equal spans."""
    info = read_mp4_info(video)
    cols = min(frames, 4)
    rows = math.ceil(frames / cols)
    tile_w = max((width - GAP * (cols + 1)) // cols // 2 * 2, 16)
    tile_h = max(round(tile_w * info.height / max(info.width, 1)) // 2 * 2, 16)
    scale = max(tile_w // 120, 2)
    label_h = 5 * scale + 2 * GAP
    times = [(i + 0.5) * info.duration_s / frames for i in range(frames)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # each tile is its own short ffmpeg run
        tiles = list(pool.map(lambda at: grab_frame(video, at, tile_w, tile_h), times))
    sheet = np.full((GAP + rows * (tile_h + label_h), width, 3), BACKGROUND, dtype=np.uint8)
    for i, (tile, at) in enumerate(zip(tiles, times, strict=True)):
        x = GAP + (i % cols) * (tile_w + GAP)
        y = GAP + (i // cols) * (tile_h + label_h)
        sheet[y : y + tile_h, x : x + tile_w] = tile
        draw_label(sheet, x, y + tile_h + GAP, time_code(at), scale)
    return sheet, times


def png_bytes(image: np.ndarray) -> bytes:
    """An RGB image (height x width x 3 uint8) as a PNG file."""
    height, width, _ = image.shape
    raw = np.hstack([np.zeros((height, 1), dtype=np.uint8), image.reshape(height, width * 3)])

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
