"""Sixel benchmark: `python -m tests.bench_sixel` (not a unit test): the median time core/sixel.py
takes to encode a 1200x800 frame (a smooth gradient with a little noise, dithered), and its size.
Target: well under 30 ms."""

from __future__ import annotations

import statistics
import time

import numpy as np

TARGET_MS = 30.0


def frame(width: int = 1200, height: int = 800, noise: int = 6) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    picture = np.stack(
        [x * 255 // (width - 1), y * 255 // (height - 1), (x + y) * 255 // (width + height - 2)], -1
    )
    jitter = np.random.default_rng(0).integers(-noise, noise + 1, picture.shape)
    return np.clip(picture + jitter, 0, 255).astype(np.uint8)


def encode_ms(repeats: int = 15, picture: np.ndarray | None = None) -> float:
    from nemo_tui.core.sixel import encode

    picture = frame() if picture is None else picture
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        encode(picture)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    from nemo_tui.core.sixel import encode

    picture = frame()
    ms = encode_ms(picture=picture)
    size = len(encode(picture))
    verdict = "ok" if ms <= TARGET_MS else "over target"
    print(f"sixel 1200x800: {ms:.1f} ms median, {size / 1000:.0f} kB ({verdict}: target {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
